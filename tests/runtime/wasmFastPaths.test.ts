import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { installWasmFastPaths, selectBackend } from "../../src/runtime/index.js";

/** Runs a computation on a backend and returns plain numbers. */
async function on(backend: "cpu" | "wasm", compute: () => tf.Tensor | tf.Tensor[]): Promise<number[][]> {
  await selectBackend(backend);
  const result = tf.tidy(compute);
  const list = Array.isArray(result) ? result : [result];
  const out = await Promise.all(list.map(async (t) => Array.from(await t.data())));
  tf.dispose(list);
  return out;
}

function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, "float32", seed);
}

function expectClose(a: number[][], b: number[][], tolerance = 1e-4): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - b[i]![j]!)).toBeLessThan(tolerance * Math.max(1, Math.abs(v)))));
}

describe("the wasm transposed-matMul fast path", () => {
  it.each(["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu", "prelu"] as const)("A·B with a short A and a large B, computed as (Bᵀ·Aᵀ)ᵀ, equals cpu, fused with bias and %s", async (activation) => {
    const compute = () => [
      tf.matMul(random([3, 60], 9), random([60, 50], 10)),
      tf.matMul(random([1, 3, 60], 9), random([1, 60, 50], 10)),
      tf.fused.matMul({
        a: random([3, 60], 9) as tf.Tensor2D,
        b: random([60, 50], 10) as tf.Tensor2D,
        bias: random([50], 11),
        activation,
        ...(activation === "prelu" ? { preluActivationWeights: random([50], 12) } : {}),
        ...(activation === "leakyrelu" ? { leakyreluAlpha: 0.3 } : {}),
      }),
    ];
    expectClose(await on("wasm", compute), await on("cpu", compute));
  });

  it.each([[[3, 50], [40, 50]], [[1, 3, 50], [1, 40, 50]], [[5, 30], [30, 30]]])("A·Bᵀ with a short A, computed as (B·Aᵀ)ᵀ, equals cpu: A %j, B %j", async (aShape, bShape) => {
    const compute = () => [tf.matMul(random(aShape, 7), random(bShape, 8), false, true), tf.fused.matMul({ a: random(aShape, 7) as tf.Tensor2D, b: random(bShape, 8) as tf.Tensor2D, transposeB: true })];
    expectClose(await on("wasm", compute), await on("cpu", compute));
  });

  it.each([[false, false], [true, false], [false, true], [true, true]])("matMul with transposeA=%s, transposeB=%s equals cpu", async (ta, tb) => {
    const compute = () => {
      const a = random(ta ? [37, 19] : [19, 37], 1);
      const b = random(tb ? [23, 37] : [37, 23], 2);
      return [tf.matMul(a, b, ta, tb), tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: random([23], 3), activation: "relu" })];
    };
    expectClose(await on("wasm", compute), await on("cpu", compute));
  });

  it("a dense layer's gradients equal cpu's and finite differences", async () => {
    const compute = () => {
      const x = random([8, 5], 4);
      const w = random([5, 3], 5);
      const b = random([3], 6);
      const f = (wt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: wt as tf.Tensor2D, bias: bt, activation: "sigmoid" })));
      const [gw, gb] = tf.grads(f)([w, b]);
      // Central difference on one kernel entry.
      const eps = 1e-2;
      const bump = tf.scatterND([[2, 1]], [eps], [5, 3]);
      const numeric = tf.div(tf.sub(f(tf.add(w, bump), b), f(tf.sub(w, bump), b)), 2 * eps);
      return [gw!, gb!, numeric, tf.slice(gw!, [2, 1], [1, 1])];
    };
    const wasm = await on("wasm", compute);
    expectClose(wasm, await on("cpu", compute), 1e-3);
    expect(Math.abs(wasm[2]![0]! - wasm[3]![0]!)).toBeLessThan(1e-2 * Math.max(1, Math.abs(wasm[2]![0]!)));
  });

  it("installs once and leaks no tensor", async () => {
    await selectBackend("wasm");
    installWasmFastPaths();
    installWasmFastPaths();
    const a = random([64, 32], 7);
    const b = random([64, 16], 8);
    const short = random([3, 60], 9);
    const wide = random([60, 50], 10);
    const wideT = random([50, 60], 11);
    const bias = random([50], 12);
    const before = tf.memory();
    const buffersBefore = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) {
      tf.matMul(a, b, true, false).dispose();
      // The transposed forms for a short batch: plain, transposed B, and fused with bias and activation.
      tf.matMul(short, wide).dispose();
      tf.matMul(short, wideT, false, true).dispose();
      tf.fused.matMul({ a: short as tf.Tensor2D, b: wide as tf.Tensor2D, bias, activation: "relu" }).dispose();
      tf.fused.matMul({ a: short as tf.Tensor2D, b: wide as tf.Tensor2D }).dispose();
    }
    // Neither tensors nor backend buffers (the temporary transposes) are left behind.
    expect(tf.memory().numTensors).toBe(before.numTensors);
    // The engine's count misses buffers a kernel makes and keeps inside the backend: ask the backend.
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    tf.dispose([a, b, short, wide, wideT, bias]);
  });
});

describe("selectBackend", () => {
  it("installs the fast paths even when the app already chose wasm itself", async () => {
    await selectBackend("cpu");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths((await import("../../src/runtime/nodeIO.js")).wasmDirectory());
    await tf.setBackend("wasm");
    await selectBackend("wasm");
    const kernel = tf.getKernel("BatchMatMul", "wasm")!;
    expect((kernel.kernelFunc as unknown as Record<symbol, boolean>)[Symbol.for("aespec.wasmFastPath")]).toBe(true);
  });
});

describe("the wasm Conv2DBackpropFilter kernel", () => {
  it.each([[1, "same", 3], [2, "same", 3], [2, "valid", 3], [2, "same", 4]] as const)("conv2d filter gradients (stride %s, %s, kernel %s) equal cpu's", async (stride, padding, k) => {
    const compute = () => {
      const x = random([3, 9, 7, 2], 11);
      const w = random([k, k, 2, 4], 12);
      const f = (filter: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, stride, padding)));
      return [tf.grad(f)(w)];
    };
    expectClose(await on("wasm", compute), await on("cpu", compute), 1e-3);
  });

  it("conv2dTranspose gradients equal cpu's, and nothing leaks", async () => {
    const compute = () => {
      const dy = random([3, 5, 4, 4], 13);
      const w = random([3, 3, 2, 4], 14);
      return [tf.grad((filter: tf.Tensor) => tf.sum(tf.square(tf.conv2dTranspose(dy as tf.Tensor4D, filter as tf.Tensor4D, [3, 9, 7, 2], 2, "same"))))(w)];
    };
    expectClose(await on("wasm", compute), await on("cpu", compute), 1e-3);
    await selectBackend("wasm");
    tf.dispose(tf.tidy(compute)); // warm-up
    const before = tf.memory();
    tf.dispose(tf.tidy(compute));
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(tf.memory().numTensors).toBe(before.numTensors);
  });
});
