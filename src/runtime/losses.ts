import * as tf from "@tensorflow/tfjs";
import { type Activation, activate, activationDerivative } from "./layers.js";
import type { Random } from "./random.js";
import { ganGeneratorLossOf, hingeDiscriminatorLoss, leastSquaresDiscriminatorLoss } from "./regularisers.js";

/** Mean over the batch of a per-example value: every loss term is "per example". */
export function batchMean(perExample: tf.Tensor): tf.Scalar {
  return tf.mean(perExample) as tf.Scalar;
}

/**
 * The discriminator's loss from logits: −log D(real) − log(1 − D(fake)), written as
 * softplus(−real) + softplus(fake) so it is finite for any logit.
 */
export function ganDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor, loss: "logistic" | "leastSquares" | "hinge" = "logistic"): tf.Scalar {
  if (loss === "leastSquares") return leastSquaresDiscriminatorLoss(realLogits, fakeLogits);
  if (loss === "hinge") return hingeDiscriminatorLoss(realLogits, fakeLogits);
  return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
}

/**
 * The generator's loss: non-saturating −log D(fake) = softplus(−fake), or the original
 * minimax log(1 − D(fake)) = −softplus(fake), whose gradient vanishes when D wins.
 */
export function ganGeneratorLoss(fakeLogits: tf.Tensor, loss: "nonsaturating" | "minimax" | "leastSquares" | "hinge"): tf.Scalar {
  if (loss === "leastSquares" || loss === "hinge") return ganGeneratorLossOf(fakeLogits, loss);
  return (loss === "nonsaturating" ? tf.mean(tf.softplus(tf.neg(fakeLogits))) : tf.neg(tf.mean(tf.softplus(fakeLogits)))) as tf.Scalar;
}

/**
 * The importance-weighted bound from k log-weights per example, shaped [k, batch]:
 * −log (1/k) Σᵢ wᵢ, computed with log-sum-exp.
 */
export function iwaeLoss(logWeights: tf.Tensor2D): tf.Tensor1D {
  const k = logWeights.shape[0];
  return tf.neg(tf.sub(tf.logSumExp(logWeights, 0), Math.log(k))) as tf.Tensor1D;
}

/** A dense layer of an encoder, as the contractive penalty needs it. */
export interface DenseStage {
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
  readonly activation: Activation;
}

/**
 * ‖∂z/∂x‖²_F per example for an encoder made of dense layers. For one layer it is exact:
 * Σⱼ σ'(aⱼ)² Σᵢ Wᵢⱼ² (Rifai et al. 2011). For deeper encoders it is the unbiased
 * Hutchinson estimate E‖J u‖², u ~ N(0, I), where J u is one forward pass of the
 * linearised network (a Jacobian–vector product), so training needs only first-order
 * gradients.
 */
export function contractivePenalty(x: tf.Tensor2D, stages: readonly DenseStage[], random: Random): tf.Tensor1D {
  if (stages.length === 1) {
    const { kernel, bias, activation } = stages[0]!;
    const derivative = activationDerivative(tf.add(tf.matMul(x, kernel), bias), activation);
    const columnNorms = tf.sum(tf.square(kernel), 0);
    return tf.sum(tf.mul(tf.square(derivative), columnNorms), 1) as tf.Tensor1D;
  }
  let h: tf.Tensor2D = x;
  let jvp: tf.Tensor2D = tf.randomNormal(x.shape, 0, 1, "float32", random.seed());
  for (const { kernel, bias, activation } of stages) {
    const pre = tf.add(tf.matMul(h, kernel), bias) as tf.Tensor2D;
    const derivative = activationDerivative(pre, activation);
    jvp = tf.mul(derivative, tf.matMul(jvp, kernel)) as tf.Tensor2D;
    h = activate(pre, activation) as tf.Tensor2D;
  }
  return tf.sum(tf.square(jvp), 1) as tf.Tensor1D;
}
