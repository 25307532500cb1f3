import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import * as rt from "../../src/runtime/index.js";

/**
 * Flows and hierarchical KLs of the TF.js runtime: each flow's log-determinant against the
 * log-determinant of a finite-difference Jacobian (careful float32: central differences
 * with h = 1e-2 on smooth steps, compared to 1e-2), the planar invertibility constraint,
 * and the KL between two Normal parameter tensors against its closed form.
 * python/tests/test_flows.py checks the torch runtime the same way in float64.
 */

beforeAll(async () => {
  await rt.selectBackend("cpu");
});

/** log|det| of a D×D matrix by Gaussian elimination with partial pivoting (float64, in JS). */
function logAbsDet(matrix: number[][]): number {
  const a = matrix.map((row) => [...row]);
  let sum = 0;
  for (let c = 0; c < a.length; c++) {
    let pivot = c;
    for (let r = c + 1; r < a.length; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    sum += Math.log(Math.abs(a[c]![c]!));
    for (let r = c + 1; r < a.length; r++) {
      const factor = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < a.length; k++) a[r]![k]! -= factor * a[c]![k]!;
    }
  }
  return sum;
}

/** The Jacobian of f at z (one example), by central differences: all 2·D points in one batch. */
function finiteDifferenceLogDet(f: (z: tf.Tensor) => tf.Tensor, z: number[], h = 1e-2): number {
  const d = z.length;
  const points = [...Array(d).keys()].flatMap((i) => [z.map((v, j) => (j === i ? v + h : v)), z.map((v, j) => (j === i ? v - h : v))]);
  const out = tf.tidy(() => f(tf.tensor2d(points)).arraySync() as number[][]);
  const jacobian = [...Array(d).keys()].map((row) => [...Array(d).keys()].map((i) => (out[2 * i]![row]! - out[2 * i + 1]![row]!) / (2 * h)));
  return logAbsDet(jacobian);
}

function seeded(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.mul(tf.randomNormal(shape, 0, 1, "float32", seed), scale);
}

describe("flow log-determinants against finite-difference Jacobians", () => {
  it("planar: three steps on R⁵", () => {
    const steps = [0, 1, 2].map((k) => ({ u: seeded([1, 5], 10 + k), w: seeded([1, 5], 20 + k, 0.7), b: seeded([1], 30 + k) }));
    for (const seed of [1, 2, 3]) {
      const z = Array.from(tf.randomNormal([5], 0, 1, "float32", seed).dataSync());
      const logDet = tf.tidy(() => rt.planarFlow(tf.tensor2d([z]), steps).logDet.dataSync()[0]!);
      expect(Math.abs(logDet - finiteDifferenceLogDet((v) => rt.planarFlow(v, steps).z, z))).toBeLessThan(1e-2);
    }
  });

  it("IAF: two steps on R⁴ (the second in reversed order), 16 hidden units", () => {
    const step = (k: number) => ({
      hidden: { kernel: seeded([4, 16], 40 + k, 0.5), bias: seeded([16], 50 + k, 0.1) },
      mu: { kernel: seeded([16, 4], 60 + k, 0.5), bias: seeded([4], 70 + k, 0.1) },
      sigma: { kernel: seeded([16, 4], 80 + k, 0.5), bias: seeded([4], 90 + k, 0.1) },
    });
    const steps = [step(0), step(1)];
    const z = [0.3, -1.1, 0.8, 0.2];
    const logDet = tf.tidy(() => rt.iafFlow(tf.tensor2d([z]), steps).logDet.dataSync()[0]!);
    expect(Math.abs(logDet - finiteDifferenceLogDet((v) => rt.iafFlow(v, steps).z, z))).toBeLessThan(1e-2);
  });

  it("MADE masks reach output d from the variables before it only (reversed: after it)", () => {
    const reach = (reversed: boolean) => {
      const { hidden, output } = rt.madeMasks(5, 12, reversed);
      return tf.tidy(() => (tf.matMul(tf.tensor2d(hidden), tf.tensor2d(output)).arraySync() as number[][]).map((row) => row.map((x) => (x > 0 ? 1 : 0))));
    };
    const strictly = (less: (i: number, d: number) => boolean) => [...Array(5).keys()].map((i) => [...Array(5).keys()].map((d) => (less(i, d) ? 1 : 0)));
    expect(reach(false)).toEqual(strictly((i, d) => i < d));
    expect(reach(true)).toEqual(strictly((i, d) => i > d));
  });

  it("leaks no tensor", () => {
    const steps = [{ u: seeded([1, 3], 1), w: seeded([1, 3], 2), b: seeded([1], 3) }];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      rt.planarFlow(tf.ones([2, 3]), steps);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the planar invertibility constraint", () => {
  it("w·û = −1 + softplus(w·u) ≥ −1 for any u and w (Rezende & Mohamed 2015, app. A.1)", () => {
    for (let seed = 0; seed < 50; seed++) {
      const [u, w] = [seeded([1, 6], 100 + seed, 10), seeded([1, 6], 200 + seed, 10)];
      const [wu, constrained] = tf.tidy(() => [tf.sum(tf.mul(w, u)).dataSync()[0]!, tf.sum(tf.mul(w, rt.planarDirection({ u, w, b: tf.zeros([1]) }))).dataSync()[0]!]);
      expect(constrained).toBeGreaterThanOrEqual(-1 - 1e-4);
      expect(constrained).toBeCloseTo(Math.log1p(Math.exp(-Math.abs(wu))) + Math.max(wu, 0) - 1, 2);
    }
  });
});

describe("the KL of a latent against a prior network", () => {
  it("equals the closed form ½ Σ [logvar_p − logvar_q + (σ_q² + (μ_q − μ_p)²)/σ_p² − 1], and the fixed-prior KL against N(0, 1)", () => {
    const q = { mu: tf.tensor2d([[0.3, -1]]), logvar: tf.tensor2d([[-0.5, 0.4]]) };
    const p = { mu: tf.tensor2d([[1, 0.2]]), logvar: tf.tensor2d([[0.3, -0.2]]) };
    const expected = [0, 1].reduce((s, i) => {
      const [mq, lq, mp, lp] = [[0.3, -1][i]!, [-0.5, 0.4][i]!, [1, 0.2][i]!, [0.3, -0.2][i]!];
      return s + 0.5 * (lp - lq + (Math.exp(lq) + (mq - mp) ** 2) / Math.exp(lp) - 1);
    }, 0);
    expect(rt.klNormalNormalParameters(q, p).dataSync()[0]).toBeCloseTo(expected, 5);
    const standard = { mu: tf.zeros([1, 2]), logvar: tf.zeros([1, 2]) };
    expect(rt.klNormalNormalParameters(q, standard).dataSync()[0]).toBeCloseTo(rt.klNormalNormal(q, 0, 1).dataSync()[0]!, 5);
  });

  it("tileBatch repeats whole batches, as the importance-sampled hierarchy reshapes them", () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    expect(rt.tileBatch({ x }, 2).x!.arraySync()).toEqual([[1, 2], [3, 4], [5, 6], [1, 2], [3, 4], [5, 6]]);
  });
});
