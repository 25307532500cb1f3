import * as tf from "@tensorflow/tfjs";
import type { MovingUpdate } from "./layers.js";
import type { Prior } from "./priors.js";
import type { Random } from "./random.js";

/**
 * Vector quantisation (van den Oord et al. 2017, "Neural Discrete Representation
 * Learning"): each position of the encoder's output z_e is replaced by its nearest
 * codebook vector e_k, and the decoder's gradient is copied from z_q to z_e unchanged
 * (the straight-through estimator). The last axis of z_e is the vectors' width D; every
 * other axis after the batch is a position.
 */

/** x forward, no gradient backward: sg[x] in the paper. */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

export interface Quantized {
  /** z_e, the encoder's output. */
  readonly encoded: tf.Tensor;
  /** z_q: the nearest codebook vector at every position (its gradient reaches the codebook only). */
  readonly codes: tf.Tensor;
  /** z_e + sg[z_q − z_e]: z_q's value, with the gradient passed straight through to z_e. */
  readonly latent: tf.Tensor;
  /** The chosen code at every position, batch-major: [batch · positions]. */
  readonly indices: tf.Tensor1D;
}

/** The nearest of the codebook's K vectors ([K, D]) at each position of z_e ([batch, ..., D]). */
export function quantize(encoded: tf.Tensor, codebook: tf.Tensor2D): Quantized {
  const [k, d] = codebook.shape;
  const flat = tf.reshape(encoded, [-1, d]) as tf.Tensor2D;
  // ‖z − e‖² = ‖z‖² − 2 z·e + ‖e‖², one row of K distances per position; argMin has no gradient.
  const distances = tf.add(tf.sub(tf.sum(tf.square(flat), 1, true), tf.mul(2, tf.matMul(flat, codebook, false, true))), tf.sum(tf.square(codebook), 1));
  const indices = tf.argMin(distances, 1) as tf.Tensor1D;
  // A one-hot product rather than a gather: differentiable in the codebook on every backend.
  const codes = tf.reshape(tf.matMul(tf.oneHot(indices, k).toFloat(), codebook), encoded.shape);
  return { encoded, codes, latent: tf.add(encoded, stopGradient(tf.sub(codes, encoded))), indices };
}

/**
 * The `vq` term per example: ‖sg[z_e] − z_q‖² (moves the codebook) + β‖z_e − sg[z_q]‖²
 * (commits the encoder), each summed over positions and dimensions.
 */
export function vqLoss(q: Quantized, beta: number): tf.Tensor1D {
  const codebook = perExample(tf.sub(stopGradient(q.encoded), q.codes));
  return tf.add(codebook, commitmentLoss(q, beta)) as tf.Tensor1D;
}

/** β‖z_e − sg[z_q]‖² per example: the commitment part of the `vq` term, and all of it for an EMA codebook. */
export function commitmentLoss(q: Quantized, beta: number): tf.Tensor1D {
  return tf.mul(perExample(tf.sub(q.encoded, stopGradient(q.codes))), beta) as tf.Tensor1D;
}

/** ‖x‖² of each example: the sum over positions and dimensions. */
function perExample(x: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.reshape(tf.square(x), [x.shape[0]!, -1]), 1) as tf.Tensor1D;
}

/**
 * Laplace smoothing of an EMA codebook's counts (as Sonnet's VectorQuantizerEMA): a code no
 * position has taken for long keeps a count above 0, so m / N stays finite.
 */
export const emaSmoothing = 1e-5;

/** An EMA codebook's state: the [K, D] codebook e and the codes' moving counts N, [K]. */
export interface EmaCodebook<T extends tf.Tensor = tf.Variable> {
  readonly codebook: T;
  readonly clusterSize: T;
}

/** (N_i + ε) / (n + Kε) · n with n = Σ N: every count above 0, their sum unchanged. */
function smoothedCounts(clusterSize: tf.Tensor): tf.Tensor {
  const total = tf.sum(clusterSize);
  return tf.mul(tf.div(tf.add(clusterSize, emaSmoothing), tf.add(total, clusterSize.shape[0]! * emaSmoothing)), total);
}

/**
 * One EMA step of van den Oord et al. 2017, appendix A.1, from the codes a batch chose:
 * with n_i the positions that took code i and s_i the sum of their z_e,
 * N_i ← γN_i + (1 − γ)n_i, m_i ← γm_i + (1 − γ)s_i, e_i = m_i / Ñ_i (Ñ the smoothed N).
 * m is not stored: it is e·Ñ of the state, since the last step set e = m / Ñ (and at the
 * start, N = 1 makes Ñ = 1 and m = e).
 */
export function emaCodebookStep(q: Quantized, state: EmaCodebook<tf.Tensor>, decay: number): EmaCodebook<tf.Tensor> {
  return tf.tidy(() => {
    const [k, d] = state.codebook.shape as [number, number];
    const assigned = tf.oneHot(q.indices, k).toFloat();
    const counts = tf.sum(assigned, 0);
    const sums = tf.matMul(assigned, tf.reshape(q.encoded, [-1, d]), true, false);
    const means = tf.mul(state.codebook, tf.expandDims(smoothedCounts(state.clusterSize), 1));
    const clusterSize = tf.add(tf.mul(state.clusterSize, decay), tf.mul(counts, 1 - decay));
    const moved = tf.add(tf.mul(means, decay), tf.mul(sums, 1 - decay));
    return { codebook: tf.div(moved, tf.expandDims(smoothedCounts(clusterSize), 1)), clusterSize };
  });
}

/**
 * The `vq` term of an EMA codebook, per example: β·commitment only (the codebook has no
 * gradient). While training it queues the codebook's EMA step, applied after the phase's
 * update as batch-norm's moving statistics are.
 */
export function emaVqLoss(q: Quantized, beta: number, state: EmaCodebook, decay: number, training: boolean, updates: MovingUpdate[]): tf.Tensor1D {
  if (training) {
    const next = emaCodebookStep(q, state, decay);
    updates.push({ target: state.codebook, value: tf.keep(next.codebook) }, { target: state.clusterSize, value: tf.keep(next.clusterSize) });
  }
  return commitmentLoss(q, beta);
}

/** KL(q(z | x) ‖ uniform) for a one-hot posterior over K codes at each position: positions · log K, a constant. */
export function codebookKl(positions: number, codes: number): tf.Scalar {
  return tf.scalar(positions * Math.log(codes));
}

/**
 * The uniform prior over a codebook's vectors, independently at each position of a latent
 * of the given shape. It reads the codebook when it samples, so it follows training and
 * loading. log p is log(1/K) per position, for the codebook vectors a quantised latent takes.
 */
export function codebookPrior(codebook: tf.Tensor2D, shape: readonly number[]): Prior {
  const [k, d] = codebook.shape;
  const positions = shape.reduce((a, b) => a * b, 1) / d;
  return {
    sample: (n: number, random: Random) =>
      tf.tidy(() => {
        const index = tf.randomUniform([n * positions], 0, k, "int32", random.seed()) as tf.Tensor1D;
        return tf.reshape(tf.matMul(tf.oneHot(index, k).toFloat(), codebook), [n, ...shape]);
      }),
    logProb: (z: tf.Tensor) => tf.fill([z.shape[0]!], -positions * Math.log(k)) as tf.Tensor1D,
  };
}

/**
 * How a batch uses the codebook: the perplexity exp(H) of the codes' frequencies (K when
 * every code is used equally, 1 when one code takes every position) and the fraction of
 * the K codes used at least once.
 */
export function codeUsage(indices: tf.Tensor1D, codes: number): { perplexity: tf.Scalar; used: tf.Scalar } {
  return tf.tidy(() => {
    const frequencies = tf.mean(tf.oneHot(indices, codes).toFloat(), 0);
    const entropy = tf.neg(tf.sum(tf.mul(frequencies, tf.log(tf.add(frequencies, 1e-10)))));
    return { perplexity: tf.exp(entropy) as tf.Scalar, used: tf.div(tf.sum(tf.cast(tf.greater(frequencies, 0), "float32")), codes) as tf.Scalar };
  });
}

/** codeUsage as evaluation reports it: `perplexity_z` and `codesUsed_z`. */
export function codeUsageStatistics(variable: string, indices: tf.Tensor1D, codes: number): Record<string, tf.Scalar> {
  const { perplexity, used } = codeUsage(indices, codes);
  return { [`perplexity_${variable}`]: perplexity, [`codesUsed_${variable}`]: used };
}
