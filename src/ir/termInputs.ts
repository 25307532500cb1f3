import type { IrSampleSource, ModelIR } from "./types.js";

/**
 * What a training step must compute for its terms beyond the networks' outputs, found once
 * for both code generators: prior samples, permuted codes, the inputs a gradient penalty is
 * taken at, and every (discriminator, samples) pair some term scores.
 */
type Terms = Pick<ModelIR, "terms">;

/** Latents whose prior is sampled for a term: a discriminator's real samples, or mmd's. */
export function sampledPriorsOf(ir: Terms): string[] {
  return [...new Set(ir.terms.flatMap((t) => (t.kind === "gan_d" && t.real.kind === "prior" ? [t.real.variable] : t.kind === "mmd" ? [t.variable] : [])))];
}

/** The permuted codes some discriminator judges, one per latent. */
export function permutedSourcesOf(ir: Terms): Extract<IrSampleSource, { kind: "permuted" }>[] {
  const sources = ir.terms.flatMap((t) => (t.kind === "gan_d" ? [t.real, t.fake] : [])).filter((s): s is Extract<IrSampleSource, { kind: "permuted" }> => s.kind === "permuted");
  return sources.filter((s, i) => sources.findIndex((o) => o.variable === s.variable) === i);
}

/** Networks a gradient penalty is taken on. */
export function gradientPenaltyNetworksOf(ir: Terms): string[] {
  return [...new Set(ir.terms.flatMap((t) => (t.kind === "gradientPenalty" ? [t.network] : [])))];
}

/** Each discriminator's logit on each source a term reads, in term order: gan_d's real and fake, gan_g's fake, a density-ratio tc's codes. */
export function judgedSourcesOf(ir: Terms): { discriminator: string; sources: IrSampleSource[] }[] {
  return ir.terms.flatMap((t) => {
    if (t.kind === "gan_d") return [{ discriminator: t.discriminator, sources: [t.real, t.fake] }];
    if (t.kind === "gan_g") return [{ discriminator: t.discriminator, sources: [t.fake] }];
    if (t.kind === "tc" && t.discriminator) return [{ discriminator: t.discriminator, sources: [{ kind: "network" as const, network: t.network, variable: t.variable }] }];
    return [];
  });
}
