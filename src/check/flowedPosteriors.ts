import { diagnose } from "../diagnostics/catalog.js";
import type * as A from "../syntax/ast.js";
import type { CheckContext } from "./context.js";
import type { NetworkInfo } from "./model.js";

/** Where a posterior is scored away from its sample; `name` as the user wrote it (`\`tc\``, `\`objective betaTC\``). */
export type FlowlessUse = { readonly kind: keyof typeof uses; readonly name: string };

const uses = {
  aggregate: { why: "it scores every example's code under every other example's posterior, and a flow's density is known only at the sample it made", instead: "use `kl`, which a flow makes Monte Carlo, or `mmd`, which needs only the codes" },
  vampPrior: { why: "it scores codes under the posteriors of its pseudo-inputs, and a flow's density is known only at the sample it made", instead: "use `GaussianMixture(components = K, learned = true)`" },
  enumerate: { why: "the enumerated bound takes each other latent's KL in closed form and samples it without the flow", instead: "write the bound as phases with `kl` terms" },
} as const;

/**
 * AE0595: a posterior with a flow, where it would be scored away from its own sample. A
 * flow's density log q0(z0) − Σ log|det| is known only at the zK it made from z0; `tc`,
 * `mi`, `dwkl` (each code under every example's posterior), a VampPrior (codes under the
 * pseudo-inputs' posteriors) and `enumerate` (each latent's KL in closed form) would use
 * the Normal before the flow, a loss that silently ignores it. True when there is no flow.
 */
export function withoutFlow(ctx: CheckContext, use: FlowlessUse, network: NetworkInfo, variable: string, span: A.Call["span"]): boolean {
  const flow = network.distributions.find((d) => d.variable === variable)?.flow;
  if (!flow) return true;
  const written = network.declaration.flow;
  const what = uses[use.kind];
  ctx.report(diagnose.AE0595.flowed({ use: use.name, why: what.why, instead: what.instead, network: network.name, variable, flow: flow.kind }), span, written ? { labels: [{ span: written.span, message: "the flow" }] } : {});
  return false;
}
