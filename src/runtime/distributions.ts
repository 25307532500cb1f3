import * as tf from "@tensorflow/tfjs";
import type { Random } from "./random.js";

/**
 * Log densities and samples, all per example: each function sums over a variable's
 * dimensions and returns shape [batch]. Losses average these over the batch, so every
 * term is "nats per example".
 */

const log2pi = Math.log(2 * Math.PI);

/** Sums every axis but the batch axis. */
export function sumPerExample(t: tf.Tensor): tf.Tensor1D {
  if (t.rank === 1) return t as tf.Tensor1D;
  return tf.sum(tf.reshape(t, [t.shape[0]!, -1]), 1) as tf.Tensor1D;
}

/** A Gaussian's parameters in one form: the log-variance (sigma heads pass through softplus first). */
export interface NormalParameters {
  readonly mu: tf.Tensor;
  readonly logvar: tf.Tensor;
}

/** A head named `sigma` is unconstrained; softplus keeps the standard deviation positive. */
export function normalFromSigma(mu: tf.Tensor, rawSigma: tf.Tensor): NormalParameters {
  const sigma = tf.add(tf.softplus(rawSigma), 1e-6);
  return { mu, logvar: tf.mul(2, tf.log(sigma)) };
}

/**
 * The Normal with its log-variance clamped to [low, high] (the IR's `logvarBounds`: σ from
 * 1e-6 to 1e6), zero gradient beyond: the same numbers inside the range, and every sample,
 * density and KL finite in float32 whatever a head outputs (docs/likelihoods-numerics.md).
 */
export function boundLogvar(p: NormalParameters, low: number, high: number): NormalParameters {
  return { mu: p.mu, logvar: tf.clipByValue(p.logvar, low, high) };
}

export function normalLogProb(x: tf.Tensor, p: NormalParameters): tf.Tensor1D {
  const squared = tf.div(tf.square(tf.sub(x, p.mu)), tf.exp(p.logvar));
  return tf.mul(-0.5, sumPerExample(tf.add(tf.add(squared, p.logvar), log2pi))) as tf.Tensor1D;
}

/** z = mu + sigma * eps: differentiable in mu and logvar. */
export function normalSample(p: NormalParameters, random: Random): tf.Tensor {
  const eps = tf.randomNormal(p.mu.shape, 0, 1, "float32", random.seed());
  return tf.add(p.mu, tf.mul(tf.exp(tf.mul(0.5, p.logvar)), eps));
}

/**
 * −log Bernoulli(x | sigmoid(logits)) = softplus(logits) − x·logits: the binary
 * cross-entropy from logits, finite for any logit (never log(sigmoid(·))).
 */
export function bernoulliNll(logits: tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  return sumPerExample(tf.sub(tf.softplus(logits), tf.mul(x, logits)));
}

/** For heads given as probabilities: clipped away from 0 and 1 so the log stays finite. */
export function logitsFromProbs(probs: tf.Tensor): tf.Tensor {
  const p = tf.clipByValue(probs, 1e-6, 1 - 1e-6);
  return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
}

/** −log Categorical(y | softmax(logits)) = logsumexp(logits) − y·logits, for one-hot (or soft) y. */
export function categoricalNll(logits: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  const flat = tf.reshape(logits, [logits.shape[0]!, -1]);
  const target = tf.reshape(y, [y.shape[0]!, -1]);
  return tf.sub(tf.logSumExp(flat, 1), tf.sum(tf.mul(target, flat), 1)) as tf.Tensor1D;
}

/** Logits of a Categorical given as probabilities: their logs (softmax is shift-invariant). */
export function categoricalLogitsFromProbs(probs: tf.Tensor): tf.Tensor {
  return tf.log(tf.clipByValue(probs, 1e-6, 1));
}

export interface LogitParameters {
  readonly logits: tf.Tensor;
}

export interface ValueParameters {
  readonly value: tf.Tensor;
}

export function categoricalProbabilities(logits: tf.Tensor): tf.Tensor {
  return tf.softmax(logits);
}

/** One-hot samples, for drawing class labels. */
export function categoricalSample(logits: tf.Tensor2D, random: Random): tf.Tensor2D {
  const index = tf.multinomial(logits, 1, random.seed()).reshape([-1]) as tf.Tensor1D;
  return tf.oneHot(index, logits.shape[1]).toFloat() as tf.Tensor2D;
}

/** 0/1 draws with probability sigmoid(logits). */
export function bernoulliSample(logits: tf.Tensor, random: Random): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform(logits.shape, 0, 1, "float32", random.seed()), tf.sigmoid(logits)), "float32"));
}

/** KL(N(mu, σ²) ‖ N(m, s²)) per example, in closed form. */
export function klNormalNormal(q: NormalParameters, priorMean: number, priorSigma: number): tf.Tensor1D {
  const variance = tf.exp(q.logvar);
  const s2 = priorSigma * priorSigma;
  const perDimension = tf.add(
    tf.sub(Math.log(priorSigma), tf.mul(0.5, q.logvar)),
    tf.sub(tf.div(tf.add(variance, tf.square(tf.sub(q.mu, priorMean))), 2 * s2), 0.5),
  );
  return sumPerExample(perDimension);
}

/**
 * One-hot labels for sampling: a class index for every example, a single index for all,
 * or uniformly random classes when none is given.
 */
export function oneHotLabels(label: number | readonly number[] | undefined, n: number, classes: number, random: Random): tf.Tensor2D {
  const indices = Array.from({ length: n }, (_, i) => {
    const value = label === undefined ? random.int(classes) : typeof label === "number" ? label : label[i % label.length]!;
    if (!Number.isInteger(value) || value < 0 || value >= classes) throw new Error(`label ${value} is not a class in 0..${classes - 1}`);
    return value;
  });
  return tf.oneHot(tf.tensor1d(indices, "int32"), classes).toFloat() as tf.Tensor2D;
}
