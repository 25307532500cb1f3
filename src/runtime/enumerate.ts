import * as tf from "@tensorflow/tfjs";
import { stopGradient } from "./quantize.js";

/**
 * Exact enumeration of a class missing from the data (Kingma et al. 2014, M2): the networks
 * reading y run once per class on K·B rows, class-major (rows k·B … k·B + B − 1 are class k),
 * and the per-class bounds are weighted by q(y | x).
 */

/** The K one-hot classes, each repeated for the B examples: [K·B, K], class-major. */
export function enumeratedClasses(classes: number, rows: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.cast(tf.floorDiv(tf.range(0, classes * rows, 1, "int32"), rows), "int32") as tf.Tensor1D, classes).toFloat() as tf.Tensor2D);
}

/** A batch tensor repeated for each of K classes: [K·B, ...], class-major like `enumeratedClasses`. */
export function tileForClasses(t: tf.Tensor, classes: number): tf.Tensor {
  return tf.tile(t, [classes, ...t.shape.slice(1).map(() => 1)]);
}

/**
 * Σ_k q(k | x)·bound(x, k) + KL(q(y | x) ‖ Uniform(K)) per example, averaged over the batch:
 * `bounds` holds −ELBO(x, k) without −log p(y) for the K·B rows, class-major. With p(y)
 * uniform, Σ_k q_k·(bound_k + log K) − H(q) is this sum.
 *
 * The bounds are hundreds of nats and differ by a few between classes, and the gradient of
 * q(y | x) is q_k·(bound_k − Σ_j q_j·bound_j): in float32 that difference of large numbers
 * loses digits. Weighting bound_k − c, with c the example's mean bound held constant, and
 * adding c back gives the same value and the same gradients, well conditioned.
 */
export function enumeratedBound(logits: tf.Tensor2D, bounds: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const [rows, classes] = logits.shape;
    const logQ = tf.logSoftmax(logits);
    const q = tf.exp(logQ);
    const perClass = tf.transpose(tf.reshape(bounds, [classes, rows])); // [B, K]
    const baseline = stopGradient(tf.mean(perClass, 1, true));
    const expected = tf.add(tf.sum(tf.mul(q, tf.sub(perClass, baseline)), 1), tf.squeeze(baseline, [1]));
    const kl = tf.sum(tf.mul(q, tf.add(logQ, Math.log(classes))), 1);
    return tf.mean(tf.add(expected, kl)) as tf.Scalar;
  });
}
