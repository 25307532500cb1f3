import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import * as rt from "../../src/runtime/index.js";

/**
 * The regularisers' numerics: MMD² against a direct O(n²) float64 sum and ≈ 0 in
 * expectation for one distribution; the batch estimates of TC, index-code MI and
 * dimension-wise KL against the closed forms of a correlated Gaussian; the gradient
 * penalty against finite differences; the permutation and the GAN losses by hand.
 */

beforeAll(async () => {
  await rt.selectBackend("cpu");
});

async function scalar(t: tf.Tensor): Promise<number> {
  const [v] = Array.from(await t.data());
  t.dispose();
  return v!;
}

/** A seeded stream of standard normals (Box–Muller over Mulberry32), in float64. */
function normals(seed: number): () => number {
  const random = new rt.Random(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

function matrix(rows: number, columns: number, draw: () => number, shift = 0): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: columns }, () => draw() + shift));
}

/** The unbiased MMD² written out pair by pair, in float64. */
function directMmd(a: number[][], b: number[][], kernel: "imq" | "rbf", scale: number): number {
  const k = (u: number[], v: number[]) => {
    const d = u.reduce((s, ui, i) => s + (ui - v[i]!) ** 2, 0);
    return kernel === "imq" ? scale / (scale + d) : Math.exp(-d / scale);
  };
  const n = a.length;
  let within = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) within += k(a[i]!, a[j]!) + k(b[i]!, b[j]!);
      cross += k(a[i]!, b[j]!);
    }
  }
  return within / (n * (n - 1)) - (2 * cross) / (n * n);
}

describe("the unbiased MMD²", () => {
  it.each([["imq", 6], ["rbf", 2]] as const)("%s kernel: equals the direct O(n²) float64 sum", async (kernel, scale) => {
    const draw = normals(3);
    const a = matrix(40, 3, draw);
    const b = matrix(40, 3, draw, 0.5);
    const actual = await scalar(rt.mmdUnbiased(tf.tensor2d(a), tf.tensor2d(b), kernel, scale));
    const expected = directMmd(a, b, kernel, scale);
    expect(Math.abs(actual - expected)).toBeLessThan(1e-5 + 1e-4 * Math.abs(expected));
  });

  it("is 0 in expectation when both samples come from one distribution, and clearly not when they differ", async () => {
    // 400 independent pairs of batches of 32 from N(0, I₄): the mean estimate is within 3 standard errors of 0.
    const draw = normals(11);
    const same: number[] = [];
    const shifted: number[] = [];
    for (let seed = 0; seed < 400; seed++) {
      same.push(await scalar(rt.mmdUnbiased(tf.tensor2d(matrix(32, 4, draw)), tf.tensor2d(matrix(32, 4, draw)), "imq", 8)));
      if (seed < 50) shifted.push(await scalar(rt.mmdUnbiased(tf.tensor2d(matrix(32, 4, draw)), tf.tensor2d(matrix(32, 4, draw, 0.5)), "imq", 8)));
    }
    const mean = same.reduce((s, v) => s + v, 0) / same.length;
    const sd = Math.sqrt(same.reduce((s, v) => s + (v - mean) ** 2, 0) / (same.length - 1));
    expect(Math.abs(mean)).toBeLessThan((3 * sd) / Math.sqrt(same.length));
    expect(same.some((v) => v < 0)).toBe(true); // unbiased, so not clipped at 0
    const shiftedMean = shifted.reduce((s, v) => s + v, 0) / shifted.length;
    expect(shiftedMean).toBeGreaterThan(10 * (sd / Math.sqrt(same.length)));
  });

  it("has no within-sample pairs in a batch of one: only the cross term", async () => {
    const value = await scalar(rt.mmdUnbiased(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]]), "imq", 25));
    expect(value).toBeCloseTo(-2 * (25 / 50), 6);
  });
});

describe("total correlation, index-code MI and dimension-wise KL over the batch", () => {
  // x ~ N(0, C), q(z | x) = N(x, s²I): the aggregate posterior is N(0, C + s²I), so every term has a closed form.
  const C = [[1, 0.6, 0.3], [0.6, 1, 0.5], [0.3, 0.5, 1]];
  const s = 0.5;
  const S = C.map((row, i) => row.map((v, j) => v + (i === j ? s * s : 0)));
  const det3 = (m: number[][]) =>
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  const exactTc = 0.5 * (S.reduce((acc, row, i) => acc + Math.log(row[i]!), 0) - Math.log(det3(S)));
  const exactMi = 0.5 * (Math.log(det3(S)) - 3 * Math.log(s * s));
  const exactDwkl = S.reduce((acc, row, i) => acc + 0.5 * (row[i]! - 1 - Math.log(row[i]!)), 0);
  // Cholesky factor of C, for x = L ε.
  const L = [[1, 0, 0], [0.6, 0.8, 0], [0.3, 0.4, Math.sqrt(1 - 0.09 - 0.16)]];

  async function estimates(seed: number, m: number) {
    const draw = normals(seed);
    const x = matrix(m, 3, draw).map((e) => L.map((row) => row.reduce((acc, l, k) => acc + l * e[k]!, 0)));
    const z = x.map((row) => row.map((v) => v + s * draw()));
    return tf.tidy(() => {
      const codes = tf.tensor2d(z);
      const q = rt.aggregatePosterior(codes, { mu: tf.tensor2d(x), logvar: tf.fill([m, 3], Math.log(s * s)) });
      return [rt.totalCorrelation(q), rt.indexCodeMutualInformation(q), rt.dimensionWiseKl(q, codes, 0, 1), tf.mean(tf.sub(q.conditional, tf.mul(-0.5, tf.sum(tf.add(tf.square(codes), Math.log(2 * Math.PI)), 1))))];
    });
  }

  it("match the correlated Gaussian's closed forms within the batch estimator's bias (M = 500, 8 batches)", { timeout: 180_000 }, async () => {
    // Exact: TC 0.220, MI 2.194, dimension-wise KL 0.040 nats. Measured bias of one batch's estimate (20 batches,
    // float64, python/tests): at M = 500 TC +0.020, MI −0.027, dimension-wise KL +0.010 (standard deviations 0.025,
    // 0.054, 0.012); at M = 1000 +0.013, −0.010, +0.003; at M = 256 +0.037, −0.036, +0.019: O(1/M). The bounds
    // below are the bias plus three standard errors of an 8-batch mean.
    const sums = [0, 0, 0];
    for (let seed = 1; seed <= 8; seed++) {
      const [tc, mi, dwkl, kl] = await Promise.all((await estimates(seed, 500)).map(scalar));
      // The three split the one-sample KL estimate E log q(z | x) − log p(z) exactly.
      expect(tc! + mi! + dwkl!).toBeCloseTo(kl!, 3);
      [tc!, mi!, dwkl!].forEach((v, i) => (sums[i]! += v / 8));
    }
    expect(Math.abs(sums[0]! - exactTc)).toBeLessThan(0.05);
    expect(Math.abs(sums[1]! - exactMi)).toBeLessThan(0.09);
    expect(Math.abs(sums[2]! - exactDwkl)).toBeLessThan(0.025);
  });

  it("see no total correlation in independent dimensions", async () => {
    const draw = normals(21);
    const x = matrix(500, 3, draw);
    const z = x.map((row) => row.map((v) => v + s * draw()));
    const tc = await scalar(tf.tidy(() => rt.totalCorrelation(rt.aggregatePosterior(tf.tensor2d(z), { mu: tf.tensor2d(x), logvar: tf.fill([500, 3], Math.log(s * s)) }))));
    // One batch: within the M = 500 bias (about +0.02) and two standard deviations (0.05) of 0.
    expect(Math.abs(tc)).toBeLessThan(0.07);
  });
});

describe("the gradient penalty against finite differences", () => {
  // A decoder of two inputs (a code and a label, concatenated) with a hidden layer and a linear head.
  const hidden = { kernel: tf.tensor2d([[0.5, -0.3, 0.8], [0.1, 0.9, -0.4], [-0.7, 0.2, 0.3]]), bias: tf.tensor1d([0.1, -0.2, 0.05]), activation: "tanh" as const };
  const head = { kernel: tf.tensor2d([[0.7, -0.2, 0.1, 0.4], [0.3, 0.5, -0.5, 0.2], [-0.6, 0.4, 0.9, -0.1]]), bias: tf.tensor1d([0, 0.1, -0.1, 0.2]), activation: "linear" as const };
  const input = [0.4, -0.7, 1];
  const decoder = (x: tf.Tensor) => tf.add(tf.matMul(rt.activate(tf.add(tf.matMul(x, hidden.kernel), hidden.bias), "tanh"), head.kernel), head.bias);

  async function jacobianNorm(f: (x: tf.Tensor) => tf.Tensor, at: number[], eps: number): Promise<number> {
    let total = 0;
    for (let i = 0; i < at.length; i++) {
      const plus = [...at];
      const minus = [...at];
      plus[i]! += eps;
      minus[i]! -= eps;
      const difference = await tf.tidy(() => tf.div(tf.sub(f(tf.tensor2d([plus])), f(tf.tensor2d([minus]))), 2 * eps)).data();
      total += Array.from(difference).reduce((s, v) => s + v * v, 0);
    }
    return total;
  }

  it("one layer: exact", async () => {
    const penalty = await scalar(rt.contractivePenalty(tf.tensor2d([input]), [hidden], new rt.Random(1)));
    const numeric = await jacobianNorm((x) => rt.activate(tf.add(tf.matMul(x, hidden.kernel), hidden.bias), "tanh"), input, 1e-3);
    expect(penalty).toBeCloseTo(numeric, 3);
  });

  it("a hidden layer and a head: the random projection's mean is ‖∂out/∂in‖²_F", async () => {
    const n = 20_000;
    const estimates = Array.from(await rt.contractivePenalty(tf.tile(tf.tensor2d([input]), [n, 1]) as tf.Tensor2D, [hidden, head], new rt.Random(7)).data());
    const mean = estimates.reduce((a, b) => a + b, 0) / n;
    const numeric = await jacobianNorm(decoder, input, 1e-3);
    expect(Math.abs(mean - numeric) / numeric).toBeLessThan(0.05);
  });
});

describe("the other regularisers and the GAN losses", () => {
  it("permutes each dimension across the batch on its own", async () => {
    const z = Array.from({ length: 50 }, (_, i) => [i, 100 + i, 200 + i]);
    const permuted = (await rt.permuteDimensions(tf.tensor2d(z), new rt.Random(4)).array()) as number[][];
    const columns = [0, 1, 2].map((j) => permuted.map((row) => row[j]!));
    columns.forEach((column, j) => expect([...column].sort((a, b) => a - b)).toEqual(z.map((row) => row[j]!)));
    // Independent permutations: the rows no longer line up.
    expect(columns[1]!.map((v, i) => v - 100 - columns[0]![i]!).some((d) => d !== 0)).toBe(true);
    // Fewer rows than dimensions (a last batch of a few codes; the wasm backend's batched gather failed there).
    const few = (await rt.permuteDimensions(tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]), new rt.Random(2)).array()) as number[][];
    [0, 1, 2, 3, 4].forEach((j) => expect([few[0]![j]!, few[1]![j]!].sort((a, b) => a - b)).toEqual([1 + j, 6 + j]));
  });

  it("½‖z‖² and ½ Σ θ²", async () => {
    expect(Array.from(await rt.halfSquaredNorm(tf.tensor2d([[3, 4], [1, 0]])).data())).toEqual([12.5, 0.5]);
    expect(await scalar(rt.weightDecay([tf.tensor2d([[1, 2]]), tf.tensor1d([2])]))).toBeCloseTo(4.5, 6);
    expect(await scalar(rt.weightDecay([]))).toBe(0);
  });

  it("least squares and hinge, on logits", async () => {
    const real = tf.tensor1d([2, 0.5]);
    const fake = tf.tensor1d([-1, 0.5]);
    expect(await scalar(rt.ganDiscriminatorLoss(real, fake, "leastSquares"))).toBeCloseTo(0.5 * ((1 + 0.25) / 2 + (1 + 0.25) / 2), 6);
    expect(await scalar(rt.ganDiscriminatorLoss(real, fake, "hinge"))).toBeCloseTo((0 + 0.5) / 2 + (0 + 1.5) / 2, 6);
    expect(await scalar(rt.ganGeneratorLoss(fake, "leastSquares"))).toBeCloseTo(0.5 * ((4 + 0.25) / 2), 6);
    expect(await scalar(rt.ganGeneratorLoss(fake, "hinge"))).toBeCloseTo(0.25, 6);
  });
});
