import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";
import type { NetworkInfo } from "../model.js";

/**
 * After the objective and phases: AE0437 a Codebook prior on a latent that is not
 * quantised, or a quantised latent with another prior; AE0540 a codebook no phase trains.
 */
export function quantizerRule(ctx: CheckContext): void {
  const quantized = new Map<string, NetworkInfo>();
  for (const network of ctx.networks.values()) for (const o of network.distributions) if (o.codebook) quantized.set(o.variable, network);
  // A latent whose encoder has errors has been reported: its prior is not judged against it.
  const broken = new Set([...ctx.brokenNetworks].flatMap((n) => ctx.signatures.get(n)?.outputs ?? []));
  for (const prior of ctx.priors.values()) {
    if (broken.has(prior.variable)) continue;
    const encoder = quantized.get(prior.variable);
    const at = prior.declaration.distribution.span;
    if (prior.distribution === "Codebook" && !encoder) ctx.report(diagnose.AE0437.codebookPrior(prior.variable), at, { help: `give \`${prior.variable}\` an encoder \`= VectorQuantize(codebook = K)\`, or use a Normal prior` });
    else if (prior.distribution !== "Codebook" && encoder) ctx.report(diagnose.AE0437.otherPrior({ variable: prior.variable, prior: prior.distribution, network: encoder.name }), at, { help: "write `Codebook(uniform)`: uniform over the K codebook vectors at each position" });
  }
  if (ctx.errorCount() > 0) return;
  const trained = new Set(ctx.phases.flatMap((p) => p.terms.map((t) => ctx.terms.find((x) => x.id === t.term)).flatMap((t) => (t?.kind === "vq" ? [t.variable] : []))));
  for (const [variable, network] of quantized) {
    if (!trained.has(variable)) {
      ctx.report(diagnose.AE0540.untrained({ variable, network: network.name }), network.declaration.distribution!.span, {
        help: `add \`vq(${network.name}(${variable} | ${network.inputs.join(", ")}))\` to the phase that trains ${network.name}, or use \`objective elbo\``,
      });
    }
  }
}
