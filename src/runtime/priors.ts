import * as tf from "@tensorflow/tfjs";
import { normalLogProb, sumPerExample } from "./distributions.js";
import type { Random } from "./random.js";

/** A prior: every one can be sampled; those with a density also give log p(z). */
export interface Prior {
  sample(n: number, random: Random, label?: tf.Tensor2D): tf.Tensor;
  logProb?(z: tf.Tensor, label?: tf.Tensor2D): tf.Tensor1D;
}

export function normalPrior(shape: readonly number[], mu: number, sigma: number): Prior {
  return {
    sample: (n, random) => tf.randomNormal([n, ...shape], mu, sigma, "float32", random.seed()),
    logProb: (z) => normalLogProb(z, { mu: tf.fill(z.shape, mu), logvar: tf.fill(z.shape, 2 * Math.log(sigma)) }),
  };
}

export function uniformPrior(shape: readonly number[], low: number, high: number): Prior {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    sample: (n, random) => tf.randomUniform([n, ...shape], low, high, "float32", random.seed()),
    // Inside the box the density is constant; outside it is zero (log = −∞).
    logProb: (z) => {
      const inside = tf.logicalAnd(tf.greaterEqual(z, low), tf.lessEqual(z, high));
      const all = tf.all(tf.reshape(inside, [z.shape[0]!, -1]), 1);
      return tf.where(all, tf.fill([z.shape[0]!], -size * Math.log(high - low)), tf.fill([z.shape[0]!], -Infinity)) as tf.Tensor1D;
    },
  };
}

export function categoricalPrior(classes: number, groups?: number): Prior {
  // `groups`: a onehot[groups, classes] latent, one uniform class per group; undefined for onehot[classes].
  return {
    sample: (n, random) =>
      tf.tidy(() => {
        const index = tf.randomUniform([n * (groups ?? 1)], 0, classes, "int32", random.seed()) as tf.Tensor1D;
        const codes = tf.oneHot(index, classes).toFloat();
        return groups === undefined ? codes : tf.reshape(codes, [n, groups, classes]);
      }),
    logProb: (z) => tf.fill([z.shape[0]!], -(groups ?? 1) * Math.log(classes)) as tf.Tensor1D,
  };
}

/** The means and axes of the AAE paper's mixture: K Gaussians on a circle, elongated along the radius. */
function mixtureGeometry(components: number, radius: number) {
  return Array.from({ length: components }, (_, k) => {
    const angle = (2 * Math.PI * k) / components;
    return { cos: Math.cos(angle), sin: Math.sin(angle), mean: [radius * Math.cos(angle), radius * Math.sin(angle)] as const };
  });
}

/**
 * Equal-weight mixture of K 2-D Gaussians on a circle of the given radius, each with
 * standard deviation radialSigma along its radius and tangentialSigma across it. With a
 * one-hot label, the label's component is used (the AAE paper's label-guided prior).
 */
export function mixtureOfGaussiansPrior(components: number, radius: number, radialSigma: number, tangentialSigma: number): Prior {
  const geometry = mixtureGeometry(components, radius);
  // Made once, outside any step: constants are never re-created per batch.
  const cos = tf.keep(tf.tensor1d(geometry.map((g) => g.cos)));
  const sin = tf.keep(tf.tensor1d(geometry.map((g) => g.sin)));
  return {
    sample: (n, random, label) => {
      return tf.tidy(() => {
        const index = label ? (tf.argMax(label, 1) as tf.Tensor1D) : (tf.randomUniform([n], 0, components, "int32", random.seed()) as tf.Tensor1D);
        const c = tf.gather(cos, index);
        const s = tf.gather(sin, index);
        const radial = tf.add(radius, tf.mul(radialSigma, tf.randomNormal([n], 0, 1, "float32", random.seed())));
        const tangential = tf.mul(tangentialSigma, tf.randomNormal([n], 0, 1, "float32", random.seed()));
        // Rotate (radial, tangential) from the component's frame into the plane.
        const x = tf.sub(tf.mul(c, radial), tf.mul(s, tangential));
        const y = tf.add(tf.mul(s, radial), tf.mul(c, tangential));
        return tf.stack([x, y], 1);
      });
    },
    logProb: (z, label) =>
      tf.tidy(() => {
        const x = tf.slice(z, [0, 0], [-1, 1]);
        const y = tf.slice(z, [0, 1], [-1, 1]);
        // Coordinates in every component's frame: [batch, K].
        const dx = tf.sub(x, tf.mul(radius, cos.reshape([1, -1])));
        const dy = tf.sub(y, tf.mul(radius, sin.reshape([1, -1])));
        const r = tf.add(tf.mul(dx, cos.reshape([1, -1])), tf.mul(dy, sin.reshape([1, -1])));
        const t = tf.sub(tf.mul(dy, cos.reshape([1, -1])), tf.mul(dx, sin.reshape([1, -1])));
        const logNormalizer = -Math.log(2 * Math.PI * radialSigma * tangentialSigma);
        const perComponent = tf.add(logNormalizer, tf.mul(-0.5, tf.add(tf.square(tf.div(r, radialSigma)), tf.square(tf.div(t, tangentialSigma)))));
        if (label) return tf.sum(tf.mul(perComponent, label), 1) as tf.Tensor1D;
        return tf.sub(tf.logSumExp(perComponent, 1), Math.log(components)) as tf.Tensor1D;
      }),
  };
}

/** Points along a 2-D spiral (sampleable only): r grows from 0 to `scale` over `turns` turns. */
export function swissRollPrior(turns: number, noise: number, scale: number): Prior {
  return {
    sample: (n, random) =>
      tf.tidy(() => {
        const u = tf.sqrt(tf.randomUniform([n], 0.05, 1, "float32", random.seed()));
        const angle = tf.mul(u, 2 * Math.PI * turns);
        const r = tf.mul(u, scale);
        const points = tf.stack([tf.mul(r, tf.cos(angle)), tf.mul(r, tf.sin(angle))], 1);
        return tf.add(points, tf.randomNormal([n, 2], 0, noise, "float32", random.seed()));
      }),
  };
}

export { sumPerExample };
