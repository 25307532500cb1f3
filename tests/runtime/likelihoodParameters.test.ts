import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend.js";
import { betaFromHeads, broadcastLike, filledLike, laplaceFromScale, mixtureParameters } from "../../src/runtime/likelihoodParameters.js";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("likelihood parameters without heads", () => {
  it("a constant fills the location's shape and a learned weight broadcasts to it, its gradient summed over the batch", () => {
    const mu = tf.zeros([3, 2]);
    expect(filledLike(mu, -4.5).arraySync()).toEqual([[-4.5, -4.5], [-4.5, -4.5], [-4.5, -4.5]]);
    const perDimension = tf.tensor1d([0.5, -1]);
    expect(broadcastLike(mu, perDimension).arraySync()).toEqual([[0.5, -1], [0.5, -1], [0.5, -1]]);
    const shared = tf.tensor1d([2]);
    const grad = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(broadcastLike(mu, w), tf.tensor2d([[1, 2], [3, 4], [5, 6]]))))(shared);
    expect(grad.arraySync()).toEqual([21]);
    tf.dispose([mu, perDimension, shared, grad]);
  });

  it("scales from heads go through softplus, as Normal's sigma does", () => {
    const raw = tf.tensor1d([0, 5]);
    const { logScale } = laplaceFromScale(raw, raw);
    const expected = [Math.log(Math.log(2) + 1e-6), Math.log(Math.log1p(Math.exp(5)) + 1e-6)];
    (logScale.arraySync() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    const { alpha } = betaFromHeads(raw, raw);
    expect((alpha.arraySync() as number[])[0]).toBeCloseTo(Math.log(2) + 1e-6, 6);
    tf.dispose([raw, logScale, alpha]);
  });

  it("a mixture head of K·size units is [batch, size, K] with unit i·K + k as component k of value i", () => {
    const head = tf.tensor2d([[0, 1, 2, 3, 4, 5]]);
    const bins = { low: 0, high: 1, levels: 256 };
    const p = mixtureParameters(head, head, head, [3], 2, bins);
    expect(p.mu.shape).toEqual([1, 3, 2]);
    expect(p.mu.arraySync()).toEqual([[[0, 1], [2, 3], [4, 5]]]);
    expect(p.bins).toEqual(bins);
    tf.dispose([head, p.logits, p.mu, p.logScale]);
  });
});
