import { diagnose } from "../diagnostics/catalog.js";
import { maxEnumeratedClasses } from "../language/vocabulary.js";
import type * as A from "../syntax/ast.js";
import type { CheckContext } from "./context.js";
import { withoutFlow } from "./flowedPosteriors.js";
import type { NetworkInfo } from "./model.js";

/**
 * Exact enumeration of a partially labelled class (Kingma et al. 2014, M2): where y's label
 * is missing, the bound is Σ_y q(y | x)·(−ELBO(x, y)) − H(q(y | x)), every other encoder and
 * every decoder run once per class. AE0580 what y and q(y | x) must be, AE0581 what the
 * bound around them needs.
 */
export type EnumerateTerm = { kind: "enumerate"; network: string; variable: string; classes: number; encoders: string[]; decoders: string[] };

type Span = A.Call["span"];

export function enumerateTerm(ctx: CheckContext, classifier: NetworkInfo, variable: string, span: Span): EnumerateTerm | undefined {
  const v = ctx.variables.get(variable)!;
  const output = classifier.distributions.find((o) => o.variable === variable)!;
  if (classifier.role !== "encoder" || v.role !== "data" || v.type !== "onehot" || v.labelled === undefined) {
    const is = v.role === "latent" ? "a latent" : v.type !== "onehot" ? `\`${v.type}\`, not onehot` : "known for every example (no `labelled(N)`)";
    ctx.report(diagnose.AE0580.notPartiallyLabelled({ variable, is }), span);
    return undefined;
  }
  if (output.distribution !== "Categorical") {
    ctx.report(diagnose.AE0580.notCategorical({ network: classifier.name, variable, distribution: output.distribution }), span);
    return undefined;
  }
  if (classifier.outputs.length > 1) {
    ctx.report(diagnose.AE0580.jointOutput({ network: classifier.name, variable }), span);
    return undefined;
  }
  const latent = classifier.inputs.find((i) => ctx.variables.get(i)?.role === "latent");
  if (latent !== undefined) {
    ctx.report(diagnose.AE0580.readsLatent({ network: classifier.name, latent }), span);
    return undefined;
  }
  if (v.size > maxEnumeratedClasses) {
    ctx.report(diagnose.AE0580.tooManyClasses({ variable, classes: v.size, bound: maxEnumeratedClasses }), span);
    return undefined;
  }
  const others = [...ctx.networks.values()].filter((n) => n !== classifier && n.role !== "discriminator" && n.role !== "generator");
  if (!others.some((n) => n.inputs.includes(variable))) {
    ctx.report(diagnose.AE0580.unread(variable), span);
    return undefined;
  }
  const encoders = evaluationOrder(others.filter((n) => n.role === "encoder"));
  for (const encoder of encoders) {
    for (const o of encoder.distributions) {
      if (o.distribution !== "Normal") {
        ctx.report(diagnose.AE0581.posterior({ network: encoder.name, variable: o.variable, distribution: o.distribution }), span);
        return undefined;
      }
      if (!withoutFlow(ctx, { kind: "enumerate", name: "`enumerate`" }, encoder, o.variable, span)) return undefined;
      const prior = ctx.priors.get(o.variable);
      if (!prior || prior.distribution !== "Normal" || prior.given.length > 0) {
        const what = !prior ? "it has no prior" : prior.given.length > 0 ? "its prior is conditional" : `its prior is ${prior.distribution}`;
        ctx.report(diagnose.AE0581.prior({ variable: o.variable, prior: what }), span, prior ? { labels: [{ span: prior.declaration.distribution.span, message: "the prior" }] } : {});
        return undefined;
      }
    }
  }
  // A decoder without a likelihood is AE0402 already.
  const decoders = others.filter((n) => n.role === "decoder");
  return { kind: "enumerate", network: classifier.name, variable, classes: v.size, encoders: encoders.map((e) => e.name), decoders: decoders.map((d) => d.name) };
}

/** Encoders ordered so that each comes after those whose latents it reads (acyclicityRule has proved there is such an order). */
function evaluationOrder(encoders: readonly NetworkInfo[]): NetworkInfo[] {
  const ordered: NetworkInfo[] = [];
  const pending = [...encoders];
  while (pending.length > 0) {
    const ready = pending.findIndex((e) => e.inputs.every((i) => !pending.some((p) => p !== e && p.outputs.includes(i))));
    ordered.push(...pending.splice(ready < 0 ? 0 : ready, 1));
  }
  return ordered;
}
