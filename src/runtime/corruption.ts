import * as tf from "@tensorflow/tfjs";
import type { Random } from "./random.js";

/** Where a variable's values lie, so corruption never leaves it. */
export type SupportBounds = { readonly low: number; readonly high: number } | undefined;

/** Adds N(0, σ²) noise, clipped to the support when it is bounded. */
export function gaussianNoise(x: tf.Tensor, sigma: number, bounds: SupportBounds, random: Random): tf.Tensor {
  const noisy = tf.add(x, tf.randomNormal(x.shape, 0, sigma, "float32", random.seed()));
  return bounds ? tf.clipByValue(noisy, bounds.low, bounds.high) : noisy;
}

/** Sets a fraction p of the values to `low` or `high`, each with probability p/2. */
export function saltPepper(x: tf.Tensor, p: number, low: number, high: number, random: Random): tf.Tensor {
  const u = tf.randomUniform(x.shape, 0, 1, "float32", random.seed());
  const pepper = tf.less(u, p / 2);
  const salt = tf.logicalAnd(tf.greaterEqual(u, p / 2), tf.less(u, p));
  return tf.where(pepper, tf.fill(x.shape, low), tf.where(salt, tf.fill(x.shape, high), x));
}

/** Sets a fraction p of the values to zero. */
export function masking(x: tf.Tensor, p: number, random: Random): tf.Tensor {
  const keep = tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, "float32", random.seed()), p);
  return tf.mul(x, tf.cast(keep, "float32"));
}
