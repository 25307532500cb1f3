// The gradient sum of data-parallel training (src/runner/exchange.ts), with every replica's
// slot written in this one thread: the sum must be the float32 sum in rank order for every
// rank, on the wasm heap (SIMD kernel) and with TF.js ops (cpu) alike.
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/index.js";
import { SharedGradients } from "../../src/runner/exchange.js";

// Sizes that are not multiples of 4, so the kernel's scalar tail runs too.
const shapes = [[37, 19], [19], [3]];
const description = {
  networks: { n: shapes.map((shape, i) => ({ name: `w${i}`, shape, trainable: true })) },
  phases: [{ name: "all", updates: ["n"], terms: [{ term: "nll", weight: 1 }] }],
} as unknown as ConstructorParameters<typeof SharedGradients>[0];
const replicas = 3;

/** Replica r's gradient of weight j: values whose float32 sums depend on the order of adding. */
function gradient(r: number, j: number): Float32Array {
  const size = shapes[j]!.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, (_, i) => Math.sin(1 + i * 7.3 + j * 13.1 + r * 101.7) * 10 ** ((i + r) % 7 - 3));
}

/** ((g0 + g1) + g2), each sum rounded to float32. */
function expected(j: number): number[] {
  const total = Float32Array.from(gradient(0, j));
  for (let r = 1; r < replicas; r++) gradient(r, j).forEach((g, i) => (total[i] = Math.fround(total[i]! + g)));
  return Array.from(total);
}

async function sumAs(rank: number): Promise<number[][]> {
  const exchange = SharedGradients.allocate(description, replicas);
  const terms = { nll: tf.scalar(1) };
  try {
    for (let r = 0; r < replicas; r++) {
      if (r === rank) continue;
      const slot = exchange.slot(0, 0, r);
      let offset = 0;
      for (let j = 0; j < shapes.length; j++) {
        slot.set(gradient(r, j), offset);
        offset += gradient(r, j).length;
      }
    }
    const own = shapes.map((shape, j) => tf.tensor(gradient(rank, j), shape));
    exchange.arrive(0, 0, rank, own, terms);
    const sum = exchange.sum(0, 0, rank, own);
    const values = sum.map((t) => Array.from(t.dataSync()));
    tf.dispose(sum);
    return values;
  } finally {
    exchange.release();
    terms.nll.dispose();
  }
}

describe("the gradient exchange's sum", () => {
  afterAll(() => selectBackend("wasm"));

  for (const backend of ["wasm", "cpu"] as const) {
    it(`is the float32 sum in rank order for every rank (${backend})`, async () => {
      await selectBackend(backend);
      const before = tf.memory().numTensors;
      for (let rank = 0; rank < replicas; rank++) {
        const sum = await sumAs(rank);
        sum.forEach((values, j) => expect(values, `weight ${j} summed by rank ${rank}`).toEqual(expected(j)));
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("makes the term values of every replica readable to all", async () => {
    await selectBackend("wasm");
    const exchange = SharedGradients.allocate(description, 2);
    const own = shapes.map((shape) => tf.zeros(shape));
    const terms = { nll: tf.scalar(2.5) };
    exchange.arrive(1, 0, 1, own, terms);
    expect(Array.from(exchange.terms(1, 0, 1))).toEqual([2.5]);
    expect(exchange.termNames).toEqual([["nll"]]);
    tf.dispose([...own, terms.nll]);
  });
});
