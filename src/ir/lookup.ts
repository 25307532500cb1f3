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

/** The prior network that gives a latent's conditional prior (`prior p1(z1 | z2) = Normal(...) { ... }`), if one does. */
export function priorNetworkOf(ir: Parts, variable: string): IrNetwork | undefined {
  return ir.networks.find((n) => n.role === "prior" && n.outputs.includes(variable));
}

/**
 * The draws of ancestral sampling, top-down: each latent after the latents its prior
 * network reads (the checker proved the prior networks acyclic, AE0516). A latent with
 * no prior network is drawn from its fixed prior.
 */
export function topDownDraws(ir: Parts, latents: readonly string[]): { variable: string; network?: IrNetwork }[] {
  const order: { variable: string; network?: IrNetwork }[] = [];
  const visit = (v: string): void => {
    if (order.some((d) => d.variable === v)) return;
    const network = priorNetworkOf(ir, v);
    for (const input of network?.inputs ?? []) visit(input);
    order.push(network ? { variable: v, network } : { variable: v });
  };
  for (const v of latents) visit(v);
  return order;
}

/** The encoders in an order where each comes after those producing the latents it reads (the checker proved them acyclic, AE0516). */
export function encodersInOrder(ir: Parts): IrNetwork[] {
  const pending = ir.networks.filter((n) => n.role === "encoder");
  const ordered: IrNetwork[] = [];
  while (pending.length > 0) {
    const ready = pending.findIndex((e) => e.inputs.every((v) => !pending.some((other) => other !== e && other.outputs.includes(v))));
    ordered.push(...pending.splice(ready, 1));
  }
  return ordered;
}

/**
 * A network's weights in their order: the layers' (trunk, then heads, residual blocks'
 * inner layers included), then its likelihoods' learned values, then its flows', then its
 * codebooks (each followed by its code counts when it is an EMA codebook). The order checkpoints use.
 */
export function networkWeights(network: IrNetwork): IrWeight[] {
  const layers = networkLayers(network).flatMap((l) => l.weights);
  const learned = network.distributions.flatMap((d) => Object.values(d.parameters).flatMap((s) => ("learned" in s ? [s.learned] : [])));
  const flows = network.distributions.flatMap((d) => d.flow?.weights ?? []);
  const codebooks = network.distributions.flatMap((d) => (d.codebook ? [d.codebook.weight, ...(d.codebook.ema ? [d.codebook.ema.clusterSize] : [])] : []));
  return [...layers, ...learned, ...flows, ...codebooks];
}

/** The codebook of a vector-quantised latent, if it is one. */
export function codebookOf(ir: Parts, variable: string): IrCodebook | undefined {
  return encoderOf(ir, variable)?.distributions.find((d) => d.variable === variable)?.codebook;
}

/** Whether an encoder infers a data variable (a partially labelled class, M2's q(y | x)), so `encode` returns data beside latents. */
export function inferredDataCodes(ir: ModelIR): boolean {
  return (ir.roles.methods.encode?.outputs ?? []).some((c) => variableOf(ir, c.variable).role === "data");
}
