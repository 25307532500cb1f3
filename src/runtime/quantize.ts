import * as tf from "@tensorflow/tfjs";
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
  const perExample = (x: tf.Tensor) => tf.sum(tf.reshape(tf.square(x), [x.shape[0]!, -1]), 1);
  const codebook = perExample(tf.sub(stopGradient(q.encoded), q.codes));
  const commitment = perExample(tf.sub(q.encoded, stopGradient(q.codes)));
  return tf.add(codebook, tf.mul(commitment, beta)) as tf.Tensor1D;
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
