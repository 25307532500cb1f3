import * as tf from "@tensorflow/tfjs";
import type { NormalParameters } from "./distributions.js";
import type { Random } from "./random.js";

/**
 * The code regularisers of WAE, InfoVAE, β-TCVAE, FactorVAE and RAE, and the GAN losses
 * beyond the logistic one. Each is a batch statistic (nats, or squared kernel distance),
 * never a per-example value. python/aespec_torch/regularisers.py mirrors this file.
 */

/** Rows as flat vectors: [batch, ...shape] → [batch, size]. */
function rows(x: tf.Tensor): tf.Tensor2D {
  return tf.reshape(x, [x.shape[0]!, -1]) as tf.Tensor2D;
}

/** ‖aᵢ − bⱼ‖² for every pair of rows, [n, m], never below 0 (float32 cancellation). */
export function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const aa = tf.sum(tf.square(a), 1, true);
  const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]);
  return tf.relu(tf.sub(tf.add(aa, bb), tf.mul(2, tf.matMul(a, b, false, true)))) as tf.Tensor2D;
}

export type MmdKernel = "imq" | "rbf";

/** k(a, b) for every pair: inverse multiquadratic s / (s + ‖a − b‖²) or Gaussian exp(−‖a − b‖² / s). */
export function kernelMatrix(a: tf.Tensor2D, b: tf.Tensor2D, kernel: MmdKernel, scale: number): tf.Tensor2D {
  const d = squaredDistances(a, b);
  return (kernel === "imq" ? tf.div(scale, tf.add(scale, d)) : tf.exp(tf.div(tf.neg(d), scale))) as tf.Tensor2D;
}

/**
 * The unbiased estimate of MMD²(P, Q) from n samples of each (Gretton et al. 2012, eq. 3):
 * the mean of k over distinct pairs within each sample, minus twice the mean over all
 * cross pairs. Both kernels have k(a, a) = 1, so a within-sample sum over distinct pairs
 * is the full sum minus n. It can be below 0. With one row there are no distinct pairs:
 * the within-sample means are taken as 0 (a batch of one has no estimate of its own).
 */
export function mmdUnbiased(codes: tf.Tensor, samples: tf.Tensor, kernel: MmdKernel, scale: number): tf.Scalar {
  const [a, b] = [rows(codes), rows(samples)];
  const n = a.shape[0];
  const pairs = Math.max(n * (n - 1), 1);
  const within = (x: tf.Tensor2D) => tf.div(tf.sub(tf.sum(kernelMatrix(x, x, kernel, scale)), n), pairs);
  const cross = tf.div(tf.sum(kernelMatrix(a, b, kernel, scale)), n * n);
  return tf.sub(tf.add(within(a), within(b)), tf.mul(2, cross)) as tf.Scalar;
}

const log2pi = Math.log(2 * Math.PI);

/** The batch's log-densities the total-correlation terms combine, each per example [M]. */
export interface AggregatePosterior {
  /** log q(zᵢ | xᵢ): each code under its own posterior. */
  readonly conditional: tf.Tensor1D;
  /** log q(zᵢ), q(z) = (1/M) Σⱼ q(z | xⱼ): the aggregate posterior over the batch. */
  readonly joint: tf.Tensor1D;
  /** Σ_d log q(zᵢ_d), each dimension's marginal of the aggregate posterior. */
  readonly marginals: tf.Tensor1D;
}

/**
 * Evaluates each code zᵢ under every example's diagonal Normal posterior q(· | xⱼ) of the
 * batch ([M, M, D] log-densities), and from them the aggregate posterior q(z) = (1/M) Σⱼ q(z | xⱼ)
 * and its marginals. The batch stands for the data set: this is Chen et al.'s (2018)
 * stratified estimator with N = M, an unbiased estimate of the batch mixture's densities
 * whose logarithm is biased low by O(1/M) relative to the data set's (see docs/language.md).
 */
export function aggregatePosterior(z: tf.Tensor, posterior: NormalParameters): AggregatePosterior {
  const [codes, mu, logvar] = [rows(z), rows(posterior.mu), rows(posterior.logvar)];
  const m = codes.shape[0];
  const logM = Math.log(m);
  // [i, j, d] = log N(zᵢ_d | muⱼ_d, σⱼ_d²)
  const diff = tf.sub(tf.expandDims(codes, 1), tf.expandDims(mu, 0));
  const logDensity = tf.mul(-0.5, tf.add(tf.add(tf.div(tf.square(diff), tf.exp(tf.expandDims(logvar, 0))), tf.expandDims(logvar, 0)), log2pi));
  const pairs = tf.sum(logDensity, 2) as tf.Tensor2D;
  return {
    conditional: tf.sum(tf.mul(pairs, tf.eye(m)), 1) as tf.Tensor1D,
    joint: tf.sub(tf.logSumExp(pairs, 1), logM) as tf.Tensor1D,
    marginals: tf.sum(tf.sub(tf.logSumExp(logDensity, 1), logM), 1) as tf.Tensor1D,
  };
}

/** TC = E log q(z) − log Πⱼ q(zⱼ) over the batch's codes. */
export function totalCorrelation(q: AggregatePosterior): tf.Scalar {
  return tf.mean(tf.sub(q.joint, q.marginals)) as tf.Scalar;
}

/** Index-code MI = E log q(z | x) − log q(z). */
export function indexCodeMutualInformation(q: AggregatePosterior): tf.Scalar {
  return tf.mean(tf.sub(q.conditional, q.joint)) as tf.Scalar;
}

/** Dimension-wise KL = E Σⱼ log q(zⱼ) − log p(zⱼ), for a prior N(mu, sigma²) in every dimension. */
export function dimensionWiseKl(q: AggregatePosterior, z: tf.Tensor, mu: number, sigma: number): tf.Scalar {
  const codes = rows(z);
  const logPrior = tf.mul(-0.5, tf.sum(tf.add(tf.square(tf.div(tf.sub(codes, mu), sigma)), 2 * Math.log(sigma) + log2pi), 1));
  return tf.mean(tf.sub(q.marginals, logPrior)) as tf.Scalar;
}

/** ½‖z‖² per example (RAE's code penalty). */
export function halfSquaredNorm(z: tf.Tensor): tf.Tensor1D {
  return tf.mul(0.5, tf.sum(tf.square(rows(z)), 1)) as tf.Tensor1D;
}

/** ½ Σ θ² over the given weights (0 for a network of parameter-free layers). */
export function weightDecay(weights: readonly tf.Tensor[]): tf.Scalar {
  if (weights.length === 0) return tf.scalar(0);
  return tf.mul(0.5, tf.addN(weights.map((w) => tf.sum(tf.square(w))))) as tf.Scalar;
}

/**
 * The codes with each dimension shuffled across the batch on its own: samples of
 * Πⱼ q(zⱼ) (Kim & Mnih 2018). Each column's order is the ranking of a uniform draw, so the
 * torch engine draws the same permutation from the same numbers.
 */
export function permuteDimensions(z: tf.Tensor, random: Random): tf.Tensor {
  const codes = rows(z);
  const [m, d] = codes.shape;
  const order = tf.topk(tf.randomUniform([d, m], 0, 1, "float32", random.seed()), m).indices;
  // Row j of the transposed codes, reordered by order[j], as one flat gather (the wasm backend's
  // gather with batch dimensions reads out of bounds when there are more dimensions than rows).
  const flat = tf.reshape(tf.add(order, tf.mul(tf.range(0, d, 1, "int32").expandDims(1), tf.scalar(m, "int32"))), [-1]);
  return tf.reshape(tf.transpose(tf.reshape(tf.gather(tf.reshape(tf.transpose(codes), [-1]), flat), [d, m])), z.shape);
}

/** The discriminator's least-squares loss on logits (Mao et al. 2017): ½(D(real) − 1)² + ½D(fake)². */
export function leastSquaresDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(realLogits, 1))), tf.mean(tf.square(fakeLogits)))) as tf.Scalar;
}

/** The discriminator's hinge loss (Lim & Ye 2017): max(0, 1 − D(real)) + max(0, 1 + D(fake)). */
export function hingeDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits)))) as tf.Scalar;
}

/** The generator's least-squares loss ½(D(fake) − 1)², or its hinge loss −D(fake). */
export function ganGeneratorLossOf(fakeLogits: tf.Tensor, loss: "leastSquares" | "hinge"): tf.Scalar {
  return (loss === "leastSquares" ? tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeLogits, 1)))) : tf.neg(tf.mean(fakeLogits))) as tf.Scalar;
}
