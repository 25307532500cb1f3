import * as tf from "@tensorflow/tfjs";

/**
 * The parameters of the likelihoods beyond Normal, Bernoulli and Categorical, as the
 * generated networks hand them to the densities of likelihoods.ts, and the two ways a
 * parameter is given without a head: a constant and a learned weight, each shaped like
 * the location head so every density sees [batch, ...shape].
 */

/** The grid of a discretized likelihood (the same fields as likelihoods.ts's Bins). */
export interface LikelihoodBins {
  readonly low: number;
  readonly high: number;
  readonly levels: number;
}

export interface LaplaceParameters {
  readonly mu: tf.Tensor;
  readonly logScale: tf.Tensor;
}

export interface DiscretizedLogisticParameters {
  readonly mu: tf.Tensor;
  readonly logScale: tf.Tensor;
  readonly bins: LikelihoodBins;
}

/** Each [batch, ...shape, K]. */
export interface DiscretizedLogisticMixtureParameters {
  readonly logits: tf.Tensor;
  readonly mu: tf.Tensor;
  readonly logScale: tf.Tensor;
  readonly bins: LikelihoodBins;
}

export interface BetaParameters {
  readonly alpha: tf.Tensor;
  readonly beta: tf.Tensor;
}

/** A constant parameter, shaped like the location (no gradient: it is not a weight). */
export function filledLike(like: tf.Tensor, value: number): tf.Tensor {
  return tf.fill(like.shape, value);
}

/** A learned weight ([...shape] or [1]) broadcast to the batch; its gradient sums over the batch. */
export function broadcastLike(like: tf.Tensor, weight: tf.Tensor): tf.Tensor {
  return tf.add(tf.zerosLike(like), weight);
}

/** A head named `scale` is unconstrained, as Normal's `sigma`: softplus keeps the scale positive. */
export function laplaceFromScale(mu: tf.Tensor, rawScale: tf.Tensor): LaplaceParameters {
  return { mu, logScale: tf.log(tf.add(tf.softplus(rawScale), 1e-6)) };
}

/** Beta's heads are unconstrained: softplus (+1e-6) makes α and β positive. */
export function betaFromHeads(rawAlpha: tf.Tensor, rawBeta: tf.Tensor): BetaParameters {
  return { alpha: tf.add(tf.softplus(rawAlpha), 1e-6), beta: tf.add(tf.softplus(rawBeta), 1e-6) };
}

/** A mixture's heads hold K values per dimension (unit i·K + k, or K channels of a pixel): reshaped to [batch, ...shape, K]. */
export function mixtureParameters(logits: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor, shape: readonly number[], components: number, bins: LikelihoodBins): DiscretizedLogisticMixtureParameters {
  const split = (t: tf.Tensor) => tf.reshape(t, [t.shape[0]!, ...shape, components]);
  return { logits: split(logits), mu: split(mu), logScale: split(logScale), bins };
}
