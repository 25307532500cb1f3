import * as tf from "@tensorflow/tfjs";
import { stopGradient } from "./quantize.js";
import type { Random } from "./random.js";

/**
 * The relaxed categorical: Gumbel-softmax (Jang, Gu & Poole 2017) or Concrete (Maddison,
 * Mnih & Teh 2017). A sample softmax((logits + g) / τ), g = −log(−log u), u ~ U(0, 1), is a
 * point of the simplex, differentiable in the logits, that tends to a one-hot draw of
 * Categorical(softmax(logits)) as τ → 0. The class axis is the last one.
 */

export interface RelaxedCategoricalParameters {
  readonly logits: tf.Tensor;
  /** τ > 0. */
  readonly temperature: number;
  /** One-hot forward, the relaxed sample's gradient backward (straight-through, Jang et al. §2.2). */
  readonly hard: boolean;
}

/** The smallest u the Gumbel transform takes: −log(−log u) stays finite (≈ −3.8 at 1e-20). */
const smallestUniform = 1e-20;

/** Standard Gumbel noise −log(−log u), one uniform draw per logit. */
export function gumbelNoise(shape: readonly number[], random: Random): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.clipByValue(tf.randomUniform(shape as number[], 0, 1, "float32", random.seed()), smallestUniform, 1);
    return tf.neg(tf.log(tf.neg(tf.log(u))));
  });
}

/** softmax((logits + g) / τ) for given Gumbel noise g; its one-hot argmax forward when `hard`. */
export function relaxedCategoricalFromNoise(p: RelaxedCategoricalParameters, gumbel: tf.Tensor): tf.Tensor {
  const soft = tf.softmax(tf.div(tf.add(p.logits, gumbel), p.temperature));
  if (!p.hard) return soft;
  const classes = soft.shape[soft.shape.length - 1]!;
  const hard = tf.reshape(tf.oneHot(tf.reshape(tf.argMax(soft, -1), [-1]), classes).toFloat(), soft.shape);
  return tf.add(soft, stopGradient(tf.sub(hard, soft)));
}

/** A reparameterised relaxed sample (what the encoder passes on while training). */
export function relaxedCategoricalSample(p: RelaxedCategoricalParameters, random: Random): tf.Tensor {
  return relaxedCategoricalFromNoise(p, gumbelNoise(p.logits.shape, random));
}

/** The most probable class, one-hot: what encode() and reconstruct() pass on (the τ → 0 limit without the noise). */
export function categoricalMode(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    return tf.reshape(tf.oneHot(tf.reshape(tf.argMax(logits, -1), [-1]), classes).toFloat(), logits.shape);
  });
}

/**
 * KL(Categorical(softmax(logits)) ‖ uniform over K) per example, in closed form:
 * Σₖ qₖ log qₖ + log K (Jang et al. 2017's ELBO for a categorical latent). The
 * relaxed sample feeds the decoder; the KL is that of the categorical it relaxes.
 */
export function categoricalKlUniform(logits: tf.Tensor): tf.Tensor1D {
  const classes = logits.shape[logits.shape.length - 1]!;
  const flat = tf.reshape(logits, [-1, classes]);
  const logQ = tf.logSoftmax(flat);
  const perGroup = tf.add(tf.sum(tf.mul(tf.exp(logQ), logQ), 1), Math.log(classes));
  return tf.sum(tf.reshape(perGroup, [logits.shape[0]!, -1]), 1) as tf.Tensor1D;
}
