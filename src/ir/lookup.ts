import type { IrCodebook, IrNetwork, IrPrior, IrVariable, IrWeight, ModelIR } from "./types.js";
import { networkLayers } from "./layers.js";

/** Lookups every reader of the IR needs (code generators, roles): one definition each. */
type Parts = Pick<ModelIR, "variables" | "networks" | "priors" | "corruptions">;

export function variableOf(ir: Parts, name: string): IrVariable {
  return ir.variables.find((v) => v.name === name)!;
}

export function networkOf(ir: Parts, name: string): IrNetwork {
  return ir.networks.find((n) => n.name === name)!;
}

/** The encoder that produces a latent, if one does (else the latent comes from its prior). */
export function encoderOf(ir: Parts, variable: string): IrNetwork | undefined {
  return ir.networks.find((n) => n.role === "encoder" && n.outputs.includes(variable));
}

export function priorOf(ir: Parts, variable: string): IrPrior | undefined {
  return ir.priors.find((p) => p.variable === variable);
}

/** Whether encoders see a corrupted copy of this data variable while training. */
export function isCorrupted(ir: Parts, variable: string): boolean {
  return ir.corruptions.some((c) => c.variable === variable);
}

/**
 * A network's weights in their order: the layers' (trunk, then heads, residual blocks'
 * inner layers included), then its likelihoods' learned values, then its codebooks. The
 * order checkpoints use.
 */
export function networkWeights(network: IrNetwork): IrWeight[] {
  const layers = networkLayers(network).flatMap((l) => l.weights);
  const learned = network.distributions.flatMap((d) => Object.values(d.parameters).flatMap((s) => ("learned" in s ? [s.learned] : [])));
  const codebooks = network.distributions.flatMap((d) => (d.codebook ? [d.codebook.weight] : []));
  return [...layers, ...learned, ...codebooks];
}

/** The codebook of a vector-quantised latent, if it is one. */
export function codebookOf(ir: Parts, variable: string): IrCodebook | undefined {
  return encoderOf(ir, variable)?.distributions.find((d) => d.variable === variable)?.codebook;
}

/** Whether an encoder infers a data variable (a partially labelled class, M2's q(y | x)), so `encode` returns data beside latents. */
export function inferredDataCodes(ir: ModelIR): boolean {
  return (ir.roles.methods.encode?.outputs ?? []).some((c) => variableOf(ir, c.variable).role === "data");
}
