import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import * as rt from "../../src/runtime/index.js";

/**
 * The relaxed categorical (Gumbel-softmax, Jang et al. 2017; Concrete, Maddison et al. 2017)
 * against closed forms, in float64 references written apart from the runtime: as the
 * temperature falls a sample tends to a one-hot draw of Categorical(softmax(logits))
 * (its largest component → 1, the mean of many samples → softmax(logits), by the Gumbel-max
 * trick); with the noise fixed its gradient is (1/τ)(diag(y) − y yᵀ) and matches finite
 * differences; the straight-through sample is one-hot forward with the soft gradient; the
 * KL of the underlying categorical against the uniform prior is Σ q log q + log K.
 */

const logits = [1, 0, -1, 0.5];
const softmaxRef = (l: readonly number[]) => {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/** n relaxed samples of one row of logits at temperature τ: their mean and the mean of their largest component. */
function relaxedMoments(temperature: number, n: number, seed: number, hard = false): { mean: number[]; largest: number } {
  return tf.tidy(() => {
    const tiled = tf.tile(tf.tensor2d([logits]), [n, 1]);
    const y = rt.relaxedCategoricalSample({ logits: tiled, temperature, hard }, new rt.Random(seed));
    return { mean: Array.from(tf.mean(y, 0).dataSync()), largest: tf.mean(tf.max(y, 1)).dataSync()[0]! };
  });
}

describe.each(["cpu", "wasm"] as const)("relaxed categorical on %s", (backend) => {
  beforeAll(async () => {
    await rt.selectBackend(backend);
  });

  it("tends to the categorical as the temperature falls: largest component → 1, mean → softmax(logits)", () => {
    const expected = softmaxRef(logits);
    const n = 20000;
    const grid = [5, 2, 1, 0.5, 0.1, 0.01, 0.001];
    const moments = grid.map((t) => relaxedMoments(t, n, 11));
    // The largest component grows as τ falls, to 1.
    for (let i = 1; i < grid.length; i++) expect(moments[i]!.largest).toBeGreaterThan(moments[i - 1]!.largest);
    expect(moments[0]!.largest).toBeLessThan(0.6);
    expect(moments[grid.length - 1]!.largest).toBeGreaterThan(0.999);
    // At τ = 0.001 the samples are (almost) one-hot draws of Categorical(softmax(logits)): 4σ of a frequency over n draws.
    const close = moments[grid.length - 1]!.mean;
    close.forEach((m, k) => expect(Math.abs(m - expected[k]!)).toBeLessThan(4 * Math.sqrt(expected[k]! * (1 - expected[k]!) / n)));
    // At τ = 5 the mean is pulled towards uniform, far from softmax(logits).
    expect(Math.abs(moments[0]!.mean[0]! - expected[0]!)).toBeGreaterThan(0.05);
  });

  it("straight-through: one-hot forward, distributed as the categorical at any temperature, the soft sample's gradient", () => {
    const expected = softmaxRef(logits);
    const n = 20000;
    const { mean, largest } = relaxedMoments(2, n, 5, true);
    expect(largest).toBe(1);
    mean.forEach((m, k) => expect(Math.abs(m - expected[k]!)).toBeLessThan(4 * Math.sqrt(expected[k]! * (1 - expected[k]!) / n)));
    const l = tf.tensor2d([logits, [0.2, -0.3, 2, 0]]);
    const g = rt.gumbelNoise(l.shape, new rt.Random(3));
    const w = tf.tensor2d([[0.3, -1, 2, 0.5], [1, 0.1, -0.4, 2]]);
    const grad = (hard: boolean) => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(rt.relaxedCategoricalFromNoise({ logits: x, temperature: 0.7, hard }, g), w)))(l);
    expect(Array.from(grad(true).dataSync())).toEqual(Array.from(grad(false).dataSync()));
    const value = rt.relaxedCategoricalFromNoise({ logits: l, temperature: 0.7, hard: true }, g).arraySync() as number[][];
    value.forEach((row) => expect([...row].sort()).toEqual([0, 0, 0, 1]));
    tf.dispose([l, g, w]);
  });

  it("with the noise fixed, the gradient is (1/τ)(diag(y) − y yᵀ)·w and matches finite differences", () => {
    const temperature = 0.5;
    const rows = [logits, [0.2, -0.3, 2, 0]];
    const l = tf.tensor2d(rows);
    const g = rt.gumbelNoise(l.shape, new rt.Random(9));
    const noise = g.arraySync() as number[][];
    const w = [[0.3, -1, 2, 0.5], [1, 0.1, -0.4, 2]];
    const f = (x: tf.Tensor) => tf.sum(tf.mul(rt.relaxedCategoricalFromNoise({ logits: x, temperature, hard: false }, g), tf.tensor2d(w)));
    const grad = tf.grad(f)(l).arraySync() as number[][];
    const ref = (r: number[], noiseRow: number[]) => softmaxRef(r.map((v, k) => (v + noiseRow[k]!) / temperature));
    rows.forEach((r, i) => {
      const y = ref(r, noise[i]!);
      const yw = y.reduce((s, v, k) => s + v * w[i]![k]!, 0);
      const closed = y.map((v, j) => (v * (w[i]![j]! - yw)) / temperature);
      const objective = (x: number[]) => ref(x, noise[i]!).reduce((s, v, k) => s + v * w[i]![k]!, 0);
      const h = 1e-5;
      const differences = r.map((_, j) => (objective(r.map((v, k) => (k === j ? v + h : v))) - objective(r.map((v, k) => (k === j ? v - h : v)))) / (2 * h));
      closed.forEach((c, j) => {
        expect(grad[i]![j]!).toBeCloseTo(c, 4);
        expect(differences[j]!).toBeCloseTo(c, 6);
      });
    });
    tf.dispose([l, g]);
  });

  it("the KL of the underlying categorical against the uniform prior: Σ q log q + log K, and its gradient", () => {
    const rows = [logits, [0, 0, 0, 0], [30, 0, 0, 0], [-4, 2.5, 0.1, 1]];
    const kl = rt.categoricalKlUniform(tf.tensor2d(rows)).arraySync() as number[];
    const grad = tf.grad((x: tf.Tensor) => tf.sum(rt.categoricalKlUniform(x)))(tf.tensor2d(rows)).arraySync() as number[][];
    rows.forEach((r, i) => {
      const q = softmaxRef(r);
      const negativeEntropy = q.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
      expect(kl[i]!).toBeCloseTo(negativeEntropy + Math.log(4), 5);
      // ∂KL/∂l_j = q_j (log q_j − Σ q log q)
      q.forEach((v, j) => expect(grad[i]![j]!).toBeCloseTo(v * (Math.log(v) - negativeEntropy), 4));
    });
    expect(kl[1]!).toBeCloseTo(0, 6);
    expect(kl[2]!).toBeCloseTo(Math.log(4), 5);
  });

  it("groups (onehot[N, K]): the sample, mode and KL are per group of the last axis; the prior draws one class per group", () => {
    const rows = [[logits, [0, 0, 0, 0], [30, 0, 0, 0]], [[-4, 2.5, 0.1, 1], logits, [0, 3, 1, 2]]];
    const grouped = tf.tensor3d(rows);
    const kl = rt.categoricalKlUniform(grouped).arraySync() as number[];
    rows.forEach((groups, i) => {
      const expected = groups.reduce((sum, g) => sum + softmaxRef(g).reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0) + Math.log(4), 0);
      expect(kl[i]!).toBeCloseTo(expected, 4);
    });
    const y = rt.relaxedCategoricalSample({ logits: grouped, temperature: 0.5, hard: false }, new rt.Random(2));
    expect(y.shape).toEqual([2, 3, 4]);
    (tf.sum(y, -1).arraySync() as number[][]).flat().forEach((v) => expect(v).toBeCloseTo(1, 5));
    expect((rt.categoricalMode(grouped).arraySync() as number[][][])[1]![2]).toEqual([0, 1, 0, 0]);
    const prior = rt.categoricalPrior(4, 3);
    const codes = prior.sample(500, new rt.Random(8));
    expect(codes.shape).toEqual([500, 3, 4]);
    expect(new Set(Array.from(tf.sum(codes, -1).dataSync()))).toEqual(new Set([1]));
    // Each class about a quarter of the time in every group.
    (tf.mean(codes, 0).arraySync() as number[][]).flat().forEach((f) => expect(Math.abs(f - 0.25)).toBeLessThan(0.08));
    expect(prior.logProb!(codes).dataSync()[0]!).toBeCloseTo(-3 * Math.log(4), 5);
    tf.dispose([grouped, y, codes]);
  });

  it("the mode is the one-hot argmax; the Gumbel noise has the Gumbel(0, 1) mean γ and variance π²/6", () => {
    expect(rt.categoricalMode(tf.tensor2d([logits, [0, 3, 1, 2]])).arraySync()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0]]);
    const g = rt.gumbelNoise([200000], new rt.Random(4));
    const { mean, variance } = tf.moments(g);
    expect(mean.dataSync()[0]!).toBeCloseTo(0.5772, 2);
    expect(variance.dataSync()[0]! / (Math.PI ** 2 / 6)).toBeCloseTo(1, 1);
    expect(Number.isFinite(tf.min(g).dataSync()[0]!)).toBe(true);
    tf.dispose([g, mean, variance]);
  });
});
