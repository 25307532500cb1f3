import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import * as rt from "../../src/runtime/index.js";

/**
 * Vector quantisation against closed forms (van den Oord et al. 2017, eq. 3): the nearest
 * code by brute force; the straight-through estimator passes the decoder's gradient to
 * z_e unchanged and none to the codebook; the vq term's gradients are 2(e − z_e) for each
 * chosen codebook vector (summed over its positions) and 2β(z_e − e) for z_e.
 */

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** A seeded batch of z_e, [2, 3, 3, D], and a [K, D] codebook. */
function fixture(k = 5, d = 4) {
  const random = new rt.Random(7);
  const encoded = tf.randomNormal([2, 3, 3, d], 0, 1, "float32", random.seed());
  const codebook = tf.randomNormal([k, d], 0, 1, "float32", random.seed()) as tf.Tensor2D;
  return { encoded, codebook, k, d };
}

function nearest(z: number[], codebook: number[][]): number {
  let best = 0;
  let bestDistance = Infinity;
  codebook.forEach((e, i) => {
    const distance = e.reduce((s, v, j) => s + (v - z[j]!) ** 2, 0);
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  });
  return best;
}

describe("vector quantisation", () => {
  it("replaces every position by its nearest codebook vector (brute force)", () => {
    const { encoded, codebook, d } = fixture();
    const q = rt.quantize(encoded, codebook);
    const rows = (encoded.reshape([-1, d]).arraySync() as number[][]);
    const book = codebook.arraySync() as number[][];
    const expected = rows.map((z) => nearest(z, book));
    expect(Array.from(q.indices.dataSync())).toEqual(expected);
    expect(q.codes.shape).toEqual(encoded.shape);
    const codes = q.codes.reshape([-1, d]).arraySync() as number[][];
    codes.forEach((c, i) => c.forEach((v, j) => expect(v).toBeCloseTo(book[expected[i]!]![j]!, 6)));
    // The latent's value is z_q's.
    expect(tf.max(tf.abs(tf.sub(q.latent, q.codes))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it("passes the decoder's gradient to z_e unchanged and none to the codebook (straight-through)", () => {
    const { encoded, codebook } = fixture();
    const upstream = tf.randomNormal(encoded.shape, 0, 1, "float32", 3);
    const [dEncoded, dCodebook] = tf.grads((e: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(rt.quantize(e, c as tf.Tensor2D).latent, upstream)))([encoded, codebook]);
    expect(Array.from(dEncoded!.dataSync())).toEqual(Array.from(upstream.dataSync()));
    expect(tf.max(tf.abs(dCodebook!)).dataSync()[0]).toBe(0);
  });

  it("gives the vq term its value and its gradients: 2(e − z_e) to the codebook, 2β(z_e − e) to z_e", () => {
    const { encoded, codebook, k, d } = fixture();
    const beta = 0.25;
    const loss = (e: tf.Tensor, c: tf.Tensor) => tf.sum(rt.vqLoss(rt.quantize(e, c as tf.Tensor2D), beta));
    const [dEncoded, dCodebook] = tf.grads(loss)([encoded, codebook]);
    const q = rt.quantize(encoded, codebook);
    const z = encoded.reshape([-1, d]).arraySync() as number[][];
    const book = codebook.arraySync() as number[][];
    const indices = Array.from(q.indices.dataSync());
    // Value: (1 + β) Σ ‖z_e − e‖², both terms having the same value.
    const squared = z.reduce((s, row, i) => s + row.reduce((t, v, j) => t + (v - book[indices[i]!]![j]!) ** 2, 0), 0);
    expect(loss(encoded, codebook).dataSync()[0]).toBeCloseTo((1 + beta) * squared, 3);
    const expectedEncoded = z.map((row, i) => row.map((v, j) => 2 * beta * (v - book[indices[i]!]![j]!)));
    const gotEncoded = dEncoded!.reshape([-1, d]).arraySync() as number[][];
    gotEncoded.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expectedEncoded[i]![j]!, 5)));
    const expectedCodebook = Array.from({ length: k }, (_, c) => Array.from({ length: d }, (_, j) => z.reduce((s, row, i) => s + (indices[i] === c ? 2 * (book[c]![j]! - row[j]!) : 0), 0)));
    const gotCodebook = dCodebook!.arraySync() as number[][];
    gotCodebook.forEach((row, c) => row.forEach((v, j) => expect(v).toBeCloseTo(expectedCodebook[c]![j]!, 4)));
  });

  it("measures codebook usage: perplexity K for uniform use, 1 for one code; the fraction of codes used", () => {
    const uniform = rt.codeUsage(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], "int32"), 4);
    expect(uniform.perplexity.dataSync()[0]).toBeCloseTo(4, 4);
    expect(uniform.used.dataSync()[0]).toBe(1);
    const one = rt.codeUsage(tf.tensor1d([2, 2, 2], "int32"), 8);
    expect(one.perplexity.dataSync()[0]).toBeCloseTo(1, 4);
    expect(one.used.dataSync()[0]).toBeCloseTo(1 / 8, 6);
  });

  it("samples the Codebook prior from the codebook's rows, at every position, without leaking tensors", () => {
    const { codebook, d } = fixture();
    const prior = rt.codebookPrior(codebook, [3, 3, d]);
    const before = tf.memory().numTensors;
    const z = prior.sample(4, new rt.Random(1));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(z.shape).toEqual([4, 3, 3, d]);
    const book = codebook.arraySync() as number[][];
    for (const row of z.reshape([-1, d]).arraySync() as number[][]) expect(book.some((e) => e.every((v, j) => Math.abs(v - row[j]!) < 1e-6))).toBe(true);
    expect(prior.logProb!(z).dataSync()[0]).toBeCloseTo(-9 * Math.log(5), 4);
    expect(rt.codebookKl(9, 5).dataSync()[0]).toBeCloseTo(9 * Math.log(5), 4);
  });
});

/**
 * The EMA codebook (van den Oord et al. 2017, appendix A.1) on a batch small enough to do
 * by hand: codes e = (0, 10, 100) of width 1, counts N = 1, decay γ = 0.5, and z_e = 1, 3, 9
 * (one position each). Codes 0, 0, 1 are chosen: n = (2, 1, 0), s = (4, 9, 0); m = e·Ñ = e
 * (Ñ = N when all counts are equal), so N' = (1.5, 1, 0.5), m' = (2, 9.5, 50), and
 * e' = m' / Ñ' ≈ (1.3333, 9.5, 100): the unused code keeps its vector.
 */
describe("the EMA codebook", () => {
  const decay = 0.5;
  const state = () => ({ codebook: tf.variable(tf.tensor2d([[0], [10], [100]])), clusterSize: tf.variable(tf.tensor1d([1, 1, 1])) });
  const encoded = () => tf.tensor4d([1, 3, 9], [3, 1, 1, 1]);
  /** Ñ = (N + ε) / (ΣN + Kε) · ΣN, written out. */
  const smoothed = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((n) => ((n + rt.emaSmoothing) / (total + counts.length * rt.emaSmoothing)) * total);
  };

  it("moves the counts and the codebook as appendix A.1 says (a hand-computed step)", () => {
    const { codebook, clusterSize } = state();
    const next = rt.emaCodebookStep(rt.quantize(encoded(), codebook), { codebook, clusterSize }, decay);
    const counts = [1.5, 1, 0.5];
    expect(Array.from(next.clusterSize.dataSync())).toEqual(counts);
    const expected = [2, 9.5, 50].map((m, i) => m / smoothed(counts)[i]!);
    Array.from(next.codebook.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    expect(expected[0]).toBeCloseTo(4 / 3, 4);
    expect(expected[2]).toBeCloseTo(100, 2);
  });

  it("is the commitment β‖z_e − sg[e]‖² per example, queues the step only while training, and gives the codebook no gradient", () => {
    const { codebook, clusterSize } = state();
    const beta = 0.25;
    const updates: rt.MovingUpdate[] = [];
    const loss = rt.emaVqLoss(rt.quantize(encoded(), codebook), beta, { codebook, clusterSize }, decay, false, updates);
    expect(Array.from(loss.dataSync())).toEqual([beta * 1, beta * 9, beta * 1]);
    expect(updates).toHaveLength(0);
    rt.emaVqLoss(rt.quantize(encoded(), codebook), beta, { codebook, clusterSize }, decay, true, updates);
    expect(updates.map((u) => u.target)).toEqual([codebook, clusterSize]);
    expect(Array.from(updates[1]!.value.dataSync())).toEqual([1.5, 1, 0.5]);
    const grads = tf.grads((e: tf.Tensor, c: tf.Tensor) => tf.sum(rt.emaVqLoss(rt.quantize(e, c as tf.Tensor2D), beta, { codebook, clusterSize }, decay, false, [])))([encoded(), codebook]);
    expect(Array.from(grads[1]!.dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(grads[0]!.dataSync())).toEqual([2 * beta * 1, 2 * beta * 3, 2 * beta * -1]);
  });
});
