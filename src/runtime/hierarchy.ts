import * as tf from "@tensorflow/tfjs";
import { type NormalParameters, sumPerExample } from "./distributions.js";

/**
 * KL(q ‖ p) between two diagonal Gaussians given as tensors, per example: the analytic
 * KL term of a latent whose prior is a prior network, when the prior's inputs do not
 * depend on the latent (otherwise the term is a Monte Carlo estimate, see codegen):
 * ½ Σ [logvar_p − logvar_q + (σ_q² + (μ_q − μ_p)²) / σ_p² − 1].
 */
export function klNormalNormalParameters(q: NormalParameters, p: NormalParameters): tf.Tensor1D {
  const ratio = tf.div(tf.add(tf.exp(q.logvar), tf.square(tf.sub(q.mu, p.mu))), tf.exp(p.logvar));
  return tf.mul(0.5, sumPerExample(tf.sub(tf.add(tf.sub(p.logvar, q.logvar), ratio), 1))) as tf.Tensor1D;
}

/** Each data tensor repeated k times along the batch axis (row i·batch + j is copy i of example j): k importance samples in one pass. */
export function tileBatch<B extends Record<string, tf.Tensor | undefined>>(batch: B, k: number): B {
  const tiled: Record<string, tf.Tensor | undefined> = {};
  for (const [name, value] of Object.entries(batch)) tiled[name] = value === undefined ? undefined : tf.tile(value, [k, ...value.shape.slice(1).map(() => 1)]);
  return tiled as B;
}
