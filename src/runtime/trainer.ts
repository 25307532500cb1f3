import * as tf from "@tensorflow/tfjs";

/** One training phase: a weighted sum of terms, minimised over exactly its variables. */
export interface Phase {
  readonly name: string;
  readonly variables: readonly tf.Variable[];
  readonly optimizer: tf.Optimizer;
}

export type TermValues = Record<string, tf.Scalar>;

/** The gradients of a phase's loss with respect to its variables, and its term values (kept). */
export function phaseGradients(phase: Phase, loss: () => { total: tf.Scalar; terms: TermValues }): { grads: tf.NamedTensorMap; terms: TermValues } {
  const kept: TermValues = {};
  const { value, grads } = tf.variableGrads(() => {
    const { total, terms } = loss();
    for (const [id, t] of Object.entries(terms)) kept[id] = tf.keep(t.clone());
    return total;
  }, phase.variables as tf.Variable[]);
  value.dispose();
  return { grads, terms: kept };
}

/** One optimizer update of a phase from gradients (clipped to a global norm if asked); disposes them. */
export function applyPhaseGradients(phase: Phase, grads: tf.NamedTensorMap, clipNorm?: number): void {
  const applied = clipNorm === undefined ? grads : clipByGlobalNorm(grads, clipNorm);
  phase.optimizer.applyGradients(applied);
  tf.dispose(grads);
  if (applied !== grads) tf.dispose(applied);
}

/** Scales all gradients together so their global L2 norm is at most maxNorm. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(squares));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
    return clipped;
  });
}

/** Reads scalar tensors in one transfer, then disposes them. */
export async function readScalars(values: TermValues): Promise<Record<string, number>> {
  const ids = Object.keys(values);
  if (ids.length === 0) return {};
  const stacked = tf.stack(ids.map((id) => values[id]!));
  const numbers = await stacked.data();
  stacked.dispose();
  tf.dispose(Object.values(values));
  return Object.fromEntries(ids.map((id, i) => [id, numbers[i]!]));
}

/** Thrown when a loss term stops being a finite number: training cannot continue from here. */
export class NonFiniteLossError extends Error {
  constructor(readonly term: string, readonly step: number, readonly value: number) {
    super(`loss term ${term} became ${value} at step ${step}`);
    this.name = "NonFiniteLossError";
  }
}

/**
 * Thrown when a step leaves weights NaN or infinite (the loss may still look finite: a
 * ReLU turns −∞ into 0). Names the networks, and the phases and optimizers that moved them.
 */
export class NonFiniteWeightsError extends Error {
  constructor(
    readonly networks: readonly string[],
    readonly phases: readonly { readonly name: string; readonly optimizer: { readonly kind: string; readonly parameters: Readonly<Record<string, number>> } }[],
    readonly step: number,
  ) {
    super(`the weights of ${networks.join(", ")} became NaN or infinite at step ${step} (updated by phase ${phases.map((p) => p.name).join(", ")})`);
    this.name = "NonFiniteWeightsError";
  }
}

export function checkFinite(values: Record<string, number>, step: number): void {
  for (const [term, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) throw new NonFiniteLossError(term, step, value);
  }
}
