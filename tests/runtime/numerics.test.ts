import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import * as rt from "../../src/runtime/index.js";

/** Numbers out of a tensor, disposing it. */
async function values(t: tf.Tensor): Promise<number[]> {
  const out = Array.from(await t.data());
  t.dispose();
  return out;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

beforeAll(async () => {
  await rt.selectBackend("cpu");
});

describe("log densities against their closed forms", () => {
  it("Normal(mu, exp(logvar))", async () => {
    const x = [0.3, -1.2, 2.5];
    const mu = [0, 0.5, 2];
    const logvar = [0, -1, 0.7];
    const expected = x.reduce((s, xi, i) => s - 0.5 * (Math.log(2 * Math.PI) + logvar[i]! + (xi - mu[i]!) ** 2 / Math.exp(logvar[i]!)), 0);
    const [actual] = await values(rt.normalLogProb(tf.tensor2d([x]), { mu: tf.tensor2d([mu]), logvar: tf.tensor2d([logvar]) }));
    expect(actual).toBeCloseTo(expected, 5);
  });

  it("Bernoulli from logits equals binary cross-entropy", async () => {
    const logits = [-3, -0.5, 0, 0.7, 4];
    const x = [0, 1, 0.3, 1, 0];
    const expected = logits.reduce((s, l, i) => s - (x[i]! * Math.log(sigmoid(l)) + (1 - x[i]!) * Math.log(1 - sigmoid(l))), 0);
    const [actual] = await values(rt.bernoulliNll(tf.tensor2d([logits]), tf.tensor2d([x])));
    expect(actual).toBeCloseTo(expected, 4);
  });

  it("Bernoulli stays finite and exact at logits of ±100", async () => {
    const nll = await values(rt.bernoulliNll(tf.tensor2d([[100], [-100], [100], [-100]]), tf.tensor2d([[1], [0], [0], [1]])));
    expect(nll.every(Number.isFinite)).toBe(true);
    expect(nll[0]).toBeCloseTo(0, 5);
    expect(nll[1]).toBeCloseTo(0, 5);
    expect(nll[2]).toBeCloseTo(100, 3);
    expect(nll[3]).toBeCloseTo(100, 3);
  });

  it("Categorical from logits equals −log softmax", async () => {
    const logits = [1, 2, -1, 0.5];
    const lse = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
    const [actual] = await values(rt.categoricalNll(tf.tensor2d([logits]), tf.tensor2d([[0, 1, 0, 0]])));
    expect(actual).toBeCloseTo(lse - 2, 5);
  });

  it("the uniform, categorical and normal priors", async () => {
    const [u] = await values(rt.uniformPrior([3], -2, 2).logProb!(tf.tensor2d([[0, 1, -1.5]])));
    expect(u).toBeCloseTo(-3 * Math.log(4), 5);
    const [outside] = await values(rt.uniformPrior([1], -2, 2).logProb!(tf.tensor2d([[3]])));
    expect(outside).toBe(-Infinity);
    const [c] = await values(rt.categoricalPrior(10).logProb!(tf.tensor2d([[0, 0, 1, 0, 0, 0, 0, 0, 0, 0]])));
    expect(c).toBeCloseTo(-Math.log(10), 5);
    const [n] = await values(rt.normalPrior([2], 1, 2).logProb!(tf.tensor2d([[1, 3]])));
    expect(n).toBeCloseTo(2 * -Math.log(2 * Math.sqrt(2 * Math.PI)) - 0.5, 5);
  });

  it("the mixture of Gaussians integrates to 1 and its samples sit on the circle", async () => {
    const prior = rt.mixtureOfGaussiansPrior(10, 4, 0.5, 0.1);
    const step = 0.03;
    const grid: number[][] = [];
    for (let x = -6; x <= 6; x += step) for (let y = -6; y <= 6; y += step) grid.push([x, y]);
    const density = (await values(prior.logProb!(tf.tensor2d(grid)))).reduce((s, l) => s + Math.exp(l), 0) * step * step;
    expect(density).toBeCloseTo(1, 2);
    const samples = prior.sample(20_000, new rt.Random(3));
    const radii = await values(tf.norm(samples, "euclidean", 1));
    samples.dispose();
    const meanRadius = radii.reduce((a, b) => a + b, 0) / radii.length;
    expect(meanRadius).toBeCloseTo(4, 1);
  });
});

describe("KL and bounds", () => {
  it("analytic KL(N ‖ N) matches a Monte-Carlo estimate", async () => {
    const q = { mu: tf.tensor2d([[0.5, -1, 2]]), logvar: tf.tensor2d([[-0.5, 0.3, -1.2]]) };
    const [analytic] = await values(rt.klNormalNormal(q, 0.2, 1.5));
    const n = 200_000;
    const random = new rt.Random(11);
    const tiled = { mu: tf.tile(q.mu, [n, 1]), logvar: tf.tile(q.logvar, [n, 1]) };
    const z = rt.normalSample(tiled, random);
    const logq = rt.normalLogProb(z, tiled);
    const logp = rt.normalPrior([3], 0.2, 1.5).logProb!(z);
    const [estimate] = await values(tf.mean(tf.sub(logq, logp)));
    expect(Math.abs(estimate! - analytic!)).toBeLessThan(0.02 * Math.max(1, analytic!));
  });

  it("the IWAE bound is −log of the mean weight", async () => {
    const logWeights = [[-1, -3], [-2, -3], [-4, -3]];
    const [first, second] = await values(rt.iwaeLoss(tf.tensor2d(logWeights)));
    expect(first).toBeCloseTo(-Math.log((Math.exp(-1) + Math.exp(-2) + Math.exp(-4)) / 3), 5);
    expect(second).toBeCloseTo(3, 5);
  });

  it("GAN losses equal their definitions from probabilities", async () => {
    const real = [2, -1];
    const fake = [-0.5, 1.5];
    const d = (x: number) => sigmoid(x);
    const expectedD = real.reduce((s, r) => s - Math.log(d(r)), 0) / 2 + fake.reduce((s, f) => s - Math.log(1 - d(f)), 0) / 2;
    const [actualD] = await values(rt.ganDiscriminatorLoss(tf.tensor1d(real), tf.tensor1d(fake)));
    expect(actualD).toBeCloseTo(expectedD, 5);
    const [nonsaturating] = await values(rt.ganGeneratorLoss(tf.tensor1d(fake), "nonsaturating"));
    expect(nonsaturating).toBeCloseTo(fake.reduce((s, f) => s - Math.log(d(f)), 0) / 2, 5);
    const [minimax] = await values(rt.ganGeneratorLoss(tf.tensor1d(fake), "minimax"));
    expect(minimax).toBeCloseTo(fake.reduce((s, f) => s + Math.log(1 - d(f)), 0) / 2, 5);
  });
});

/** ‖∂h/∂x‖²_F by central differences, for a function of one example. */
async function jacobianNorm(f: (x: tf.Tensor2D) => tf.Tensor, x: number[], eps = 1e-2): Promise<number> {
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const plus = [...x];
    const minus = [...x];
    plus[i]! += eps;
    minus[i]! -= eps;
    const a = await values(f(tf.tensor2d([plus])));
    const b = await values(f(tf.tensor2d([minus])));
    total += a.reduce((s, ai, j) => s + ((ai - b[j]!) / (2 * eps)) ** 2, 0);
  }
  return total;
}

describe("the contractive penalty against finite differences", () => {
  const kernel1 = tf.tensor2d([[0.5, -0.3, 0.8], [0.1, 0.9, -0.4]]);
  const bias1 = tf.tensor1d([0.1, -0.2, 0.05]);
  const kernel2 = tf.tensor2d([[0.7, -0.2], [0.3, 0.5], [-0.6, 0.4]]);
  const bias2 = tf.tensor1d([0, 0.1]);
  const x = [0.4, -0.7];

  it.each(["sigmoid", "tanh", "relu", "softplus", "elu", "leakyRelu", "linear"] as const)("one %s layer: exact", async (activation) => {
    const [penalty] = await values(rt.contractivePenalty(tf.tensor2d([x]), [{ kernel: kernel1, bias: bias1, activation }], new rt.Random(1)));
    const numeric = await jacobianNorm((input) => rt.activate(tf.add(tf.matMul(input, kernel1), bias1), activation), x, 1e-3);
    expect(penalty).toBeCloseTo(numeric, 2);
  });

  it("two layers: the random-projection estimate is unbiased", async () => {
    const stages = [
      { kernel: kernel1, bias: bias1, activation: "tanh" as const },
      { kernel: kernel2, bias: bias2, activation: "sigmoid" as const },
    ];
    const n = 20_000;
    const estimates = await values(rt.contractivePenalty(tf.tile(tf.tensor2d([x]), [n, 1]) as tf.Tensor2D, stages, new rt.Random(5)));
    const mean = estimates.reduce((a, b) => a + b, 0) / n;
    const numeric = await jacobianNorm((input) => rt.activate(tf.add(tf.matMul(rt.activate(tf.add(tf.matMul(input, kernel1), bias1), "tanh"), kernel2), bias2), "sigmoid"), x, 1e-3);
    expect(Math.abs(mean - numeric) / numeric).toBeLessThan(0.05);
  });
});

describe("activation derivatives against finite differences", () => {
  it.each(["sigmoid", "tanh", "relu", "softplus", "elu", "leakyRelu", "linear"] as const)("%s", async (activation) => {
    const points = [-1.3, -0.2, 0.4, 2.1];
    const derivative = await values(rt.activationDerivative(tf.tensor1d(points), activation));
    const eps = 1e-3;
    const plus = await values(rt.activate(tf.tensor1d(points.map((p) => p + eps)), activation));
    const minus = await values(rt.activate(tf.tensor1d(points.map((p) => p - eps)), activation));
    points.forEach((_, i) => expect(derivative[i]).toBeCloseTo((plus[i]! - minus[i]!) / (2 * eps), 2));
  });
});

describe("gradient clipping", () => {
  it("scales all gradients together to the global norm", async () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const clipped = rt.clipByGlobalNorm(grads, 1);
    expect(await values(clipped.a!)).toEqual([expect.closeTo(0.6, 5), 0]);
    expect(await values(clipped.b!)).toEqual([0, expect.closeTo(0.8, 5)]);
    const untouched = rt.clipByGlobalNorm(grads, 10);
    expect(await values(untouched.a!)).toEqual([3, 0]);
  });
});

describe("the phase trainer", () => {
  it("clips a phase's gradients to clipNorm before the optimizer step", async () => {
    const w = tf.variable(tf.tensor1d([0, 0]));
    const phase = { name: "p", variables: [w], optimizer: tf.train.sgd(1) };
    const { grads, terms: kept } = rt.phaseGradients(phase, () => {
      const total = tf.sum(tf.mul(w, tf.tensor1d([300, 400]))) as tf.Scalar;
      return { total, terms: { t: total } };
    });
    rt.applyPhaseGradients(phase, grads, 1);
    // The gradient (300, 400) has norm 500; clipped to norm 1, one SGD step of lr 1 moves w by (−0.6, −0.8).
    expect(await values(w.clone())).toEqual([expect.closeTo(-0.6, 5), expect.closeTo(-0.8, 5)]);
    tf.dispose(Object.values(kept));
    w.dispose();
  });
});
