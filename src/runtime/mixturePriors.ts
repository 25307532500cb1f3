import * as tf from "@tensorflow/tfjs";
import type { NormalParameters } from "./distributions.js";
import type { Prior } from "./priors.js";
import type { Random } from "./random.js";

/**
 * Mixtures of diagonal Gaussians in any dimension, as priors: fixed (means on the axes),
 * learned (means, log-variances and weights are weights), and the VampPrior (Tomczak &
 * Welling 2018), whose components are the encoder's posteriors at learned pseudo-inputs.
 * A latent of any shape is scored flattened: components are [K, size].
 */
export interface MixtureParameters {
  /** [K, size] */
  readonly mu: tf.Tensor;
  /** [K, size] */
  readonly logvar: tf.Tensor;
  /** [K], log-normalised: log πₖ. */
  readonly logWeights: tf.Tensor;
}

const log2pi = Math.log(2 * Math.PI);

/** log Σₖ πₖ N(z; μₖ, diag σₖ²) per example, by log-sum-exp over the components ([n, K, size] at most). */
export function mixtureLogProb(z: tf.Tensor, m: MixtureParameters): tf.Tensor1D {
  const n = z.shape[0]!;
  const flat = tf.reshape(z, [n, 1, -1]);
  const squared = tf.div(tf.square(tf.sub(flat, tf.expandDims(m.mu, 0))), tf.exp(tf.expandDims(m.logvar, 0)));
  const perComponent = tf.mul(-0.5, tf.sum(tf.add(tf.add(squared, tf.expandDims(m.logvar, 0)), log2pi), 2));
  return tf.logSumExp(tf.add(perComponent, tf.expandDims(m.logWeights, 0)), 1) as tf.Tensor1D;
}

/**
 * n draws: a component k by inverting the weights' cumulative sum at one uniform draw
 * each (k = the number of cumulative sums below it), then μₖ + σₖ·ε.
 */
export function mixtureSample(n: number, shape: readonly number[], m: MixtureParameters, random: Random): tf.Tensor {
  return tf.tidy(() => {
    const k = m.logWeights.shape[0]!;
    const u = tf.randomUniform([n, 1], 0, 1, "float32", random.seed());
    const cumulative = tf.slice(tf.cumsum(tf.exp(m.logWeights)), [0], [k - 1]);
    // The chosen component as a one-hot row, [n, k]: [u > c₍ₖ₋₁₎] − [u > cₖ]. A step and a
    // product rather than a comparison and an integer gather, so a learned mixture's weights
    // can sit on the gradient tape (TF.js has no gradient for Greater and refuses an int32
    // index there); the choice itself carries no gradient.
    const beyond = tf.step(tf.sub(u, tf.expandDims(cumulative, 0)));
    const chosen = tf.sub(tf.concat([tf.ones([n, 1]), beyond], 1), tf.concat([beyond, tf.zeros([n, 1])], 1));
    const mu = tf.matMul(chosen, m.mu);
    const logvar = tf.matMul(chosen, m.logvar);
    const eps = tf.randomNormal(mu.shape, 0, 1, "float32", random.seed());
    return tf.reshape(tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logvar)), eps)), [n, ...shape]);
  });
}

/** A mixture prior whose parameters are computed on each use (from weights, for a learned one). */
export function gaussianMixturePrior(shape: readonly number[], parameters: () => MixtureParameters): Prior {
  return {
    sample: (n, random) => tf.tidy(() => mixtureSample(n, shape, parameters(), random)),
    logProb: (z) => mixtureLogProb(z, parameters()),
  };
}

/** The fixed means: component k at (−1)ᵏ·radius on axis ⌊k/2⌋ (the checker allows K ≤ 2·size). */
export function axisMeans(components: number, size: number, radius: number): number[][] {
  return Array.from({ length: components }, (_, k) => Array.from({ length: size }, (_, i) => (i === Math.floor(k / 2) ? (k % 2 === 0 ? radius : -radius) : 0)));
}

/** K equal-weight Gaussians of standard deviation sigma, with means at ±radius on the axes. */
export function fixedGaussianMixturePrior(shape: readonly number[], components: number, radius: number, sigma: number): Prior {
  const size = shape.reduce((a, b) => a * b, 1);
  // Made once, outside any step: constants are never re-created per batch.
  const fixed: MixtureParameters = {
    mu: tf.keep(tf.tensor2d(axisMeans(components, size, radius))),
    logvar: tf.keep(tf.fill([components, size], 2 * Math.log(sigma))),
    logWeights: tf.keep(tf.fill([components], -Math.log(components))),
  };
  return gaussianMixturePrior(shape, () => fixed);
}

/** A learned mixture from its weights: means and log-variances [K, size], and the weights' logits [K]. */
export function learnedMixture(means: tf.Tensor, logvars: tf.Tensor, logits: tf.Tensor): MixtureParameters {
  return { mu: means, logvar: logvars, logWeights: tf.logSoftmax(logits) };
}

/** The VampPrior's components: the encoder's posteriors at the K pseudo-inputs, equally weighted. */
export function vampMixture(posterior: NormalParameters): MixtureParameters {
  const k = posterior.mu.shape[0]!;
  return { mu: tf.reshape(posterior.mu, [k, -1]), logvar: tf.reshape(posterior.logvar, [k, -1]), logWeights: tf.fill([k], -Math.log(k)) };
}

/**
 * Unconstrained pseudo-inputs mapped where the data lives: low + (high − low)·sigmoid(u)
 * for an interval, sigmoid(u) for binary data, u itself for reals.
 */
export function intoSupport(u: tf.Tensor, support: { readonly kind: "real" | "binary" } | { readonly kind: "interval"; readonly low: number; readonly high: number }): tf.Tensor {
  switch (support.kind) {
    case "real": return u;
    case "binary": return tf.sigmoid(u);
    case "interval": return tf.add(support.low, tf.mul(support.high - support.low, tf.sigmoid(u)));
  }
}
