import * as tf from "@tensorflow/tfjs";

/**
 * Normalising flows after a Normal posterior: z0 = μ + σ·ε goes through K invertible
 * steps to zK, and log q(zK | x) = log q0(z0 | x) − Σ log|det ∂zₖ/∂zₖ₋₁| (`logDet`).
 * Latents are [batch, D]; `logDet` is per example.
 */
export interface FlowSample {
  readonly z0: tf.Tensor;
  readonly z: tf.Tensor;
  readonly logDet: tf.Tensor1D;
}

export interface PlanarStep {
  /** [1, D] */
  readonly u: tf.Tensor;
  /** [1, D] */
  readonly w: tf.Tensor;
  /** [1] */
  readonly b: tf.Tensor;
}

/**
 * û = u + (m(w·u) − w·u)·w/‖w‖², m(a) = −1 + softplus(a): Rezende & Mohamed's (2015, app. A.1)
 * reparameterisation, so that w·û > −1 and the step is invertible.
 */
export function planarDirection(step: PlanarStep): tf.Tensor {
  const wu = tf.sum(tf.mul(step.w, step.u));
  const m = tf.sub(tf.softplus(wu), 1);
  return tf.add(step.u, tf.mul(tf.div(tf.sub(m, wu), tf.sum(tf.square(step.w))), step.w));
}

/** Planar steps f(z) = z + û·tanh(w·z + b); log|det| = log|1 + (1 − tanh²(w·z + b))·w·û|. */
export function planarFlow(z0: tf.Tensor, steps: readonly PlanarStep[]): FlowSample {
  let z = z0;
  let logDet = tf.zeros([z0.shape[0]!]) as tf.Tensor1D;
  for (const step of steps) {
    const u = planarDirection(step);
    const h = tf.tanh(tf.add(tf.matMul(z, step.w, false, true), step.b)); // [batch, 1]
    const wu = tf.sum(tf.mul(step.w, u));
    const det = tf.add(1, tf.mul(tf.sub(1, tf.square(h)), wu));
    logDet = tf.add(logDet, tf.reshape(tf.log(tf.abs(det)), [-1])) as tf.Tensor1D;
    z = tf.add(z, tf.mul(h, u));
  }
  return { z0, z, logDet };
}

export interface MaskedDense {
  readonly kernel: tf.Tensor;
  readonly bias: tf.Tensor;
}

export interface IafStep {
  readonly hidden: MaskedDense;
  readonly mu: MaskedDense;
  readonly sigma: MaskedDense;
}

/**
 * MADE's masks (Germain et al. 2015) for D variables and H hidden units: variable i has
 * degree i + 1 (reversed, D − i, on odd steps), hidden unit j degree (j mod (D − 1)) + 1;
 * a hidden unit sees the variables of degree ≤ its own, an output those of degree < its own,
 * so output d depends only on the variables before it: the Jacobian is triangular.
 */
export function madeMasks(size: number, hidden: number, reversed: boolean): { hidden: number[][]; output: number[][] } {
  const input = Array.from({ length: size }, (_, i) => (reversed ? size - i : i + 1));
  const units = Array.from({ length: hidden }, (_, j) => (j % Math.max(1, size - 1)) + 1);
  return {
    hidden: input.map((d) => units.map((h) => (h >= d ? 1 : 0))),
    output: units.map((h) => input.map((d) => (d > h ? 1 : 0))),
  };
}

/**
 * Inverse autoregressive flow steps (Kingma et al. 2016, eq. 14–15, without a context input):
 * [m, s] = MADE(z), σ = sigmoid(s), z ← σ⊙z + (1 − σ)⊙m, log|det| = Σ log σ. The variable
 * order reverses on every other step, so each variable comes to depend on all others.
 */
export function iafFlow(z0: tf.Tensor, steps: readonly IafStep[]): FlowSample {
  let z = z0;
  let logDet = tf.zeros([z0.shape[0]!]) as tf.Tensor1D;
  const [size, hidden] = [z0.shape[1]!, steps[0]?.hidden.kernel.shape[1] ?? 0];
  steps.forEach((step, t) => {
    const masks = madeMasks(size, hidden, t % 2 === 1);
    const [hiddenMask, outputMask] = [tf.tensor2d(masks.hidden, [size, hidden]), tf.tensor2d(masks.output, [hidden, size])];
    const h = tf.relu(tf.add(tf.matMul(z, tf.mul(step.hidden.kernel, hiddenMask)), step.hidden.bias));
    const m = tf.add(tf.matMul(h, tf.mul(step.mu.kernel, outputMask)), step.mu.bias);
    const s = tf.add(tf.matMul(h, tf.mul(step.sigma.kernel, outputMask)), step.sigma.bias);
    const sigma = tf.sigmoid(s);
    z = tf.add(tf.mul(sigma, z), tf.mul(tf.sub(1, sigma), m));
    // log sigmoid(s) = −softplus(−s), finite for any s.
    logDet = tf.sub(logDet, tf.sum(tf.softplus(tf.neg(s)), 1)) as tf.Tensor1D;
  });
  return { z0, z, logDet };
}
