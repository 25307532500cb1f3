import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { axisMeans, fixedGaussianMixturePrior, intoSupport, learnedMixture, mixtureLogProb, mixtureSample, vampMixture } from "../../src/runtime/mixturePriors.js";
import { Random } from "../../src/runtime/random.js";

/** log Σₖ πₖ Πᵢ N(zᵢ; μₖᵢ, σ²ₖᵢ), computed one number at a time in float64. */
function directMixture(z: number[], mu: number[][], logvar: number[][], weights: number[]): number {
  let total = 0;
  for (const [k, m] of mu.entries()) {
    let density = weights[k]!;
    for (const [i, zi] of z.entries()) {
      const variance = Math.exp(logvar[k]![i]!);
      density *= Math.exp(-((zi - m[i]!) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
    }
    total += density;
  }
  return Math.log(total);
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("mixture priors", () => {
  const mu = [[0, 1, -1], [2, 0, 0.5], [-1.5, -0.5, 1]];
  const logvar = [[0, 0.3, -0.4], [-1, 0.2, 0], [0.5, -0.2, 0.1]];
  const z = [[0.2, 0.4, -0.3], [1.8, -0.1, 0.9], [-3, 2, 0]];

  it("the log-density of a mixture is the direct sum over components", () => {
    const logits = [0.3, -0.2, 1.1];
    const total = logits.reduce((s, l) => s + Math.exp(l), 0);
    const weights = logits.map((l) => Math.exp(l) / total);
    const m = learnedMixture(tf.tensor2d(mu), tf.tensor2d(logvar), tf.tensor1d(logits));
    const got = mixtureLogProb(tf.tensor2d(z), m).arraySync();
    for (const [n, row] of z.entries()) expect(got[n]).toBeCloseTo(directMixture(row, mu, logvar, weights), 4);
  });

  it("the VampPrior's density is the mean of the encoder's posteriors at the pseudo-inputs", () => {
    // Three pseudo-inputs whose posteriors are (mu, logvar) above: p(z) = (1/3) Σₖ q(z | uₖ).
    const m = vampMixture({ mu: tf.tensor2d(mu), logvar: tf.tensor2d(logvar) });
    const got = mixtureLogProb(tf.tensor2d(z), m).arraySync();
    for (const [n, row] of z.entries()) expect(got[n]).toBeCloseTo(directMixture(row, mu, logvar, [1 / 3, 1 / 3, 1 / 3]), 4);
    // A latent of any shape is scored flattened: [n, 3] and [n, 3, 1] agree.
    const shaped = mixtureLogProb(tf.tensor3d(z.map((r) => r.map((v) => [v]))), m).arraySync();
    expect(shaped).toEqual(got);
  });

  it("the fixed mixture puts its means at ±radius on the axes, and samples spread over them by weight", () => {
    expect(axisMeans(3, 2, 4)).toEqual([[4, 0], [-4, 0], [0, 4]]);
    const prior = fixedGaussianMixturePrior([2], 4, 5, 0.5);
    const samples = prior.sample(4000, new Random(3)).arraySync() as number[][];
    const counts = [0, 0, 0, 0];
    for (const [a, b] of samples) counts[Math.abs(a!) > Math.abs(b!) ? (a! > 0 ? 0 : 1) : b! > 0 ? 2 : 3]!++;
    for (const c of counts) expect(c / 4000).toBeCloseTo(0.25, 1);
    const logProb = prior.logProb!(tf.tensor2d([[5, 0]])).arraySync()[0]!;
    expect(logProb).toBeCloseTo(directMixture([5, 0], axisMeans(4, 2, 5), axisMeans(4, 2, 0).map((r) => r.map(() => 2 * Math.log(0.5))), [0.25, 0.25, 0.25, 0.25]), 4);
  });

  it("samples pick components in proportion to the weights", () => {
    const m = learnedMixture(tf.tensor2d([[-10], [10]]), tf.tensor2d([[-4], [-4]]), tf.tensor1d([Math.log(0.2), Math.log(0.8)]));
    const samples = (mixtureSample(5000, [1], m, new Random(5)).arraySync() as number[][]).map((r) => r[0]!);
    expect(samples.filter((s) => s > 0).length / 5000).toBeCloseTo(0.8, 1);
  });

  it("a sample of a learned mixture is differentiable in its means and scales, with the weights on the tape", () => {
    // Regression: an int32 gather index derived from the weights made TF.js's gradient throw
    // ("The gradient of input indices must have 'float32' dtype") for mmd/dwkl on a learned mixture.
    const [means, logvars, logits] = [tf.variable(tf.tensor2d([[-10], [10]])), tf.variable(tf.tensor2d([[0], [0]])), tf.variable(tf.tensor1d([0, 0]))];
    const { grads, value } = tf.variableGrads(() => {
      const m = learnedMixture(means, logvars, logits);
      return tf.sum(mixtureSample(64, [1], m, new Random(9))) as tf.Scalar;
    });
    // d Σ samples / d μₖ = the number of samples drawn from component k; the choice has no gradient.
    const fromFirst = (grads[means.name]!.arraySync() as number[][])[0]![0]!;
    const fromSecond = (grads[means.name]!.arraySync() as number[][])[1]![0]!;
    expect(fromFirst + fromSecond).toBe(64);
    expect(Number.isFinite(value.arraySync())).toBe(true);
    expect(grads[logits.name]!.arraySync()).toEqual([0, 0]);
  });

  it("pseudo-inputs map into the data's support", () => {
    const u = tf.tensor1d([-50, 0, 50]);
    const close = (t: tf.Tensor, want: number[]) => (t.arraySync() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    close(intoSupport(u, { kind: "interval", low: -1, high: 3 }), [-1, 1, 3]);
    close(intoSupport(u, { kind: "binary" }), [0, 0.5, 1]);
    expect(intoSupport(u, { kind: "real" }).arraySync()).toEqual([-50, 0, 50]);
  });
});
