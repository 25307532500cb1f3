import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { assembleKernels } from "../../scripts/kernels.js";
import { FusedAdam } from "../../src/runtime/fusedAdam.js";
import { selectBackend } from "../../src/runtime/index.js";
import { readFileSync } from "node:fs";

// Shapes with a size that is not a multiple of 4, so the kernel's scalar tail runs too.
const shapes = [[37, 19], [19], [4, 4], [1]];

/** Runs `steps` updates of an optimizer from fixed weights and gradients; returns weights and moments as numbers. */
async function run(make: () => tf.Optimizer, steps: number, options: { shareWeight?: boolean } = {}) {
  // Seeds start at 1: TF.js treats a seed of 0 as "no seed".
  const variables = shapes.map((shape, i) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1, "float32", 10 + i), true, `w${i}_${Math.random()}`)));
  const held = options.shareWeight ? variables[0]!.clone() : undefined;
  const optimizer = make();
  for (let s = 0; s < steps; s++) {
    const grads = Object.fromEntries(variables.map((v, i) => [v.name, tf.randomNormal(v.shape, 0, 1 + s, "float32", 1 + 100 * s + i)]));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const weights = await Promise.all(variables.map(async (v) => Array.from(await v.data())));
  const state = await optimizer.getWeights();
  const moments = await Promise.all(state.map(async ({ name, tensor }) => [name.replace(/^w\d_[\d.]+/, "w"), Array.from(await tensor.data())] as const));
  const heldValues = held ? Array.from(await held.data()) : undefined;
  tf.dispose(state.filter((s) => s.name === "iter").map((s) => s.tensor));
  optimizer.dispose();
  tf.dispose([...variables, ...(held ? [held] : [])]);
  return { weights, moments, heldValues };
}

function expectClose(a: number[][], b: number[][], tolerance: number): void {
  a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - b[i]![j]!)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(v)))));
}

describe("FusedAdam: Adam fused into one SIMD loop on the wasm heap", () => {
  it("equals tf.train.adam on wasm over several steps: weights, both moments and the iteration count", async () => {
    await selectBackend("wasm");
    const before = tf.memory().numTensors;
    const fused = await run(() => new FusedAdam(0.01, 0.9, 0.999), 5);
    const stock = await run(() => tf.train.adam(0.01, 0.9, 0.999), 5);
    expect(tf.memory().numTensors).toBe(before);
    expectClose(fused.weights, stock.weights, 1e-5);
    expect(fused.moments.map(([n]) => n)).toEqual(stock.moments.map(([n]) => n));
    expectClose(fused.moments.map(([, v]) => v), stock.moments.map(([, v]) => v), 1e-5);
  });

  it("the weights really move (a test that cannot pass by doing nothing)", async () => {
    await selectBackend("wasm");
    const start = await run(() => new FusedAdam(0.01, 0.9, 0.999), 0);
    const moved = await run(() => new FusedAdam(0.01, 0.9, 0.999), 3);
    const change = Math.max(...moved.weights.flat().map((v, i) => Math.abs(v - start.weights.flat()[i]!)));
    expect(change).toBeGreaterThan(0.02);
  });

  it("takes the stock update when another tensor shares a weight's buffer (it must not change under it)", async () => {
    await selectBackend("wasm");
    const initial = await run(() => new FusedAdam(0.01, 0.9, 0.999), 0, { shareWeight: true });
    const fused = await run(() => new FusedAdam(0.01, 0.9, 0.999), 3, { shareWeight: true });
    const stock = await run(() => tf.train.adam(0.01, 0.9, 0.999), 3, { shareWeight: true });
    expect(fused.heldValues).toEqual(initial.heldValues);
    expectClose(fused.weights, stock.weights, 1e-5);
  });

  it("kernels that may cache packed weights (matMul, fused matMul, conv2d, conv2dTranspose) see the updated weights", async () => {
    await selectBackend("wasm");
    const dense = tf.tidy(() => tf.variable(tf.randomNormal([50, 30], 0, 1, "float32", 3), true, `dense${Math.random()}`));
    const filter = tf.tidy(() => tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 1, "float32", 5), true, `filter${Math.random()}`));
    const buffers = [dense.dataId, filter.dataId];
    const x = tf.randomNormal([8, 50], 0, 1, "float32", 4) as tf.Tensor2D;
    const image = tf.randomNormal([2, 6, 6, 2], 0, 1, "float32", 6) as tf.Tensor4D;
    const deconvInput = tf.randomNormal([2, 6, 6, 2], 0, 1, "float32", 7) as tf.Tensor4D;
    const outputs = (d: tf.Tensor2D, f: tf.Tensor4D) => [
      tf.matMul(x, d),
      tf.fused.matMul({ a: x, b: d, activation: "relu" }),
      tf.conv2d(image, f, 1, "same"),
      tf.conv2dTranspose(deconvInput, tf.transpose(f, [0, 1, 3, 2]) as tf.Tensor4D, [2, 6, 6, 4], 1, "same"),
    ];
    const before = outputs(dense as tf.Tensor2D, filter as tf.Tensor4D); // primes any cache
    const optimizer = new FusedAdam(0.5, 0.9, 0.999);
    optimizer.applyGradients({ [dense.name]: tf.onesLike(dense), [filter.name]: tf.onesLike(filter) });
    // Updated in place (the same buffers), so this checks the cached-operator case.
    expect([dense.dataId, filter.dataId]).toEqual(buffers);
    const after = outputs(dense as tf.Tensor2D, filter as tf.Tensor4D);
    const fresh = outputs(tf.add(dense, 0) as tf.Tensor2D, tf.add(filter, 0) as tf.Tensor4D);
    for (const [i, a] of after.entries()) {
      expect(Math.max(...Array.from(await tf.abs(tf.sub(a, before[i]!)).data())), `output ${i} moved`).toBeGreaterThan(0.1);
      expect(Array.from(await a.data()), `output ${i}`).toEqual(Array.from(await fresh[i]!.data()));
    }
    optimizer.dispose();
    tf.dispose([dense, filter, x, image, deconvInput, ...before, ...after, ...fresh]);
  });

  it("is exactly tf.train.adam on the cpu backend", async () => {
    await selectBackend("cpu");
    const fused = await run(() => new FusedAdam(0.01, 0.9, 0.999), 3);
    const stock = await run(() => tf.train.adam(0.01, 0.9, 0.999), 3);
    expect(fused.weights).toEqual(stock.weights);
    await selectBackend("wasm");
  });

  it("every kernels/*Wasm.ts is what scripts/kernels.ts assembles from its .wat (run `npm run kernels`)", async () => {
    for (const [path, text] of Object.entries(await assembleKernels())) expect(readFileSync(path, "utf8"), path).toBe(text);
  });
});
