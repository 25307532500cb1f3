import { networkLayers } from "../ir/layers.js";
import type { IrLayer, ModelIR } from "../ir/types.js";
import type { ModelDescription } from "../runtime/model.js";
import { networkWeights } from "../ir/lookup.js";

/**
 * The runtime's view of a model (rt.ModelDescription), projected from the IR: what the
 * generated module exports as `description` and what `aec train` reads. Every fact in it
 * comes from the IR as lowering decided it; nothing is worked out again here.
 */
export function runtimeDescription(ir: ModelIR): ModelDescription {
  const { negativeElbo } = ir.roles;
  return {
    name: ir.model,
    variables: Object.fromEntries(ir.variables.map((v) => [v.name, { role: v.role, type: v.type, shape: v.shape, support: v.support, ...(v.labelled !== undefined ? { labelled: v.labelled } : {}) }])),
    networks: Object.fromEntries([
      ...ir.networks.map((n) => [n.name, networkWeights(n).map(({ name, shape, init, trainable }) => ({ name, shape, init, trainable }))]),
      // A learned prior's weights, under its parameter set (`p(z)`), as phases name it.
      ...ir.priors.flatMap((p) => (p.learned ? [[p.learned.parameterSet, p.learned.weights.map(({ name, shape, init, trainable }) => ({ name, shape, init, trainable }))]] : [])),
    ]),
    terms: Object.fromEntries(ir.terms.map((t) => [t.id, { formula: t.formula, estimator: t.estimator, ...(t.capacity !== undefined ? { capacity: t.capacity } : {}) }])),
    phases: ir.phases.map((p) => ({ name: p.name, terms: p.terms, updates: p.updates, optimizer: p.optimizer })),
    train: ir.train,
    ...(negativeElbo ? { negativeElbo } : {}),
    widest: widestLayer(ir.networks),
  };
}

/** The most values per example any network's input or layer holds. */
export function widestLayer(networks: readonly ModelIR["networks"][number][]): number {
  const sizes = networks.flatMap((n) => [n.inputShape, ...layersOf(n).map((l) => l.outputShape)]).map((shape) => shape.reduce((a, b) => a * b, 1));
  return Math.max(1, ...sizes);
}

/** A network's layers in weight order: the trunk (each residual block, then its layers), then each head. */
export function layersOf(network: ModelIR["networks"][number]): IrLayer[] {
  return networkLayers(network);
}
