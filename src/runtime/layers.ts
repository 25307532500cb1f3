import * as tf from "@tensorflow/tfjs";
import type { Random } from "./random.js";

export type Activation = "linear" | "relu" | "leakyRelu" | "elu" | "sigmoid" | "tanh" | "softplus";

/** Keras's default slope, so hand-written comparisons match. */
const leakyReluAlpha = 0.2;

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case "linear": return x;
    case "relu": return tf.relu(x);
    case "leakyRelu": return tf.leakyRelu(x, leakyReluAlpha);
    case "elu": return tf.elu(x);
    case "sigmoid": return tf.sigmoid(x);
    case "tanh": return tf.tanh(x);
    case "softplus": return tf.softplus(x);
  }
}

/** The activation's derivative from its output h (or pre-activation a), for Jacobians. */
export function activationDerivative(pre: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case "linear": return tf.onesLike(pre);
    case "relu": return tf.step(pre);
    case "leakyRelu": return tf.add(tf.mul(tf.step(pre), 1 - leakyReluAlpha), leakyReluAlpha);
    // exp(min(a, 0)), written without a comparison so it has a gradient.
    case "elu": return tf.exp(tf.neg(tf.relu(tf.neg(pre))));
    case "sigmoid": {
      const h = tf.sigmoid(pre);
      return tf.mul(h, tf.sub(1, h));
    }
    case "tanh": return tf.sub(1, tf.square(tf.tanh(pre)));
    case "softplus": return tf.sigmoid(pre);
  }
}

const fusable: Partial<Record<Activation, "linear" | "relu" | "elu" | "sigmoid" | "leakyrelu">> = {
  linear: "linear", relu: "relu", elu: "elu", sigmoid: "sigmoid", leakyRelu: "leakyrelu",
};

/** A fully connected layer as one fused matMul + bias + activation where the backend fuses it. */
export function dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, activation: Activation): tf.Tensor2D {
  const input = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [x.shape[0]!, -1]) as tf.Tensor2D;
  const fused = fusable[activation];
  if (fused) {
    return tf.fused.matMul({
      a: input, b: kernel as tf.Tensor2D, bias,
      activation: fused,
      ...(fused === "leakyrelu" ? { leakyreluAlpha: leakyReluAlpha } : {}),
    }) as tf.Tensor2D;
  }
  return activate(tf.add(tf.matMul(input, kernel as tf.Tensor2D), bias), activation) as tf.Tensor2D;
}

export function conv2d(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, stride: number, padding: "same" | "valid", activation: Activation): tf.Tensor4D {
  const y = tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, stride, padding), bias);
  return activate(y, activation) as tf.Tensor4D;
}

export function conv2dTranspose(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, outputShape: readonly number[], stride: number, padding: "same" | "valid", activation: Activation): tf.Tensor4D {
  const batch = x.shape[0]!;
  const y = tf.add(tf.conv2dTranspose(x as tf.Tensor4D, kernel as tf.Tensor4D, [batch, ...outputShape] as [number, number, number, number], stride, padding), bias);
  return activate(y, activation) as tf.Tensor4D;
}

export function reshape(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return tf.reshape(x, [x.shape[0]!, ...shape]);
}

export function flatten(x: tf.Tensor): tf.Tensor2D {
  return tf.reshape(x, [x.shape[0]!, -1]) as tf.Tensor2D;
}

export function dropout(x: tf.Tensor, rate: number, training: boolean, random: Random): tf.Tensor {
  return training && rate > 0 ? tf.dropout(x, rate, undefined, random.seed()) : x;
}

/** Batch-norm statistics a training step computed, applied to the moving averages after the step. */
export interface MovingUpdate {
  readonly target: tf.Variable;
  readonly value: tf.Tensor;
}

export function batchNorm(
  x: tf.Tensor,
  weights: { gamma: tf.Tensor; beta: tf.Tensor; movingMean: tf.Variable; movingVariance: tf.Variable },
  momentum: number,
  epsilon: number,
  training: boolean,
  updates: MovingUpdate[],
): tf.Tensor {
  if (!training) return tf.batchNorm(x, weights.movingMean, weights.movingVariance, weights.beta, weights.gamma, epsilon);
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes);
  updates.push({ target: weights.movingMean, value: tf.keep(tf.add(tf.mul(weights.movingMean, momentum), tf.mul(mean, 1 - momentum))) });
  updates.push({ target: weights.movingVariance, value: tf.keep(tf.add(tf.mul(weights.movingVariance, momentum), tf.mul(variance, 1 - momentum))) });
  return tf.batchNorm(x, mean, variance, weights.beta, weights.gamma, epsilon);
}

/** Concatenates a network's conditioning variables, flattened, along the feature axis. */
export function concatInputs(inputs: readonly tf.Tensor[]): tf.Tensor {
  if (inputs.length === 1) return inputs[0]!;
  return tf.concat(inputs.map((t) => flatten(t)), 1);
}
