import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import * as rt from "../../src/runtime/index.js";
import { generateTfjsModule } from "../../src/codegen/index.js";
import { checkSource } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import { evaluateModule, syntheticBatch } from "../helpers/trainSpec.js";

/**
 * Exact enumeration (Kingma et al. 2014, M2): the generated `enumerate_y` term, which runs
 * q(z | x, y) and p(x | y, z) once on K·B rows, equals the sum written out by hand —
 * for each example and each class k, the labelled terms of the same model at y = k give
 * −ELBO(x, k) = nll_x + kl_z + log K and q(k | x) = exp(−nll_y); then
 * U(x) = Σ_k q(k | x)·(−ELBO(x, k)) − H(q(y | x)). z is made deterministic (log σ² = −40)
 * so the two computations see the same z.
 */

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const path = "tests/train/fixtures/tiny-m2.aespec";

async function tinyM2() {
  const check = checkSource({ name: path, text: readFileSync(path, "utf8") });
  const ir = lowerModel(check.models[0]!, path);
  const loaded = await evaluateModule(await generateTfjsModule(ir), ir.model);
  const model = await loaded.create({ seed: 3, backend: "cpu" });
  // z = μ + e^(−20)·ε: the Monte Carlo sample is the mean, in both computations.
  model.weights.get("qz/z.logvar/kernel").assign(tf.zeros(model.weights.get("qz/z.logvar/kernel").shape));
  model.weights.get("qz/z.logvar/bias").assign(tf.fill([2], -40));
  return { model, description: loaded.description };
}

describe("exact enumeration of a missing class", () => {
  it("equals Σ_k q(k | x)·(−ELBO(x, k)) − H(q(y | x)) computed class by class", async () => {
    const { model, description } = await tinyM2();
    const rows = 5;
    const classes = 3;
    const x = syntheticBatch(description.variables, ["x"], rows, 11).x!;
    const enumerated = (await model.lossTerms({ x }, { x, y: tf.oneHot(tf.zeros([rows], "int32"), classes).toFloat() })).enumerate_y!;
    let sum = 0;
    for (let b = 0; b < rows; b++) {
      const one = x.slice([b, 0], [1, -1]);
      const bounds: number[] = [];
      const q: number[] = [];
      for (let k = 0; k < classes; k++) {
        const y = tf.oneHot(tf.tensor1d([k], "int32"), classes).toFloat();
        const terms = await model.lossTerms({ x: one }, { x: one, y });
        bounds.push(terms.nll_x! + terms.kl_z! + Math.log(classes));
        q.push(Math.exp(-terms.nll_y!));
      }
      expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const entropy = -q.reduce((h, p) => h + p * Math.log(p), 0);
      sum += q.reduce((u, p, k) => u + p * bounds[k]!, 0) - entropy;
    }
    expect(enumerated).toBeCloseTo(sum / rows, 2);
    expect(Math.abs(enumerated - sum / rows) / Math.abs(sum / rows)).toBeLessThan(1e-5);
    model.dispose();
  });

  it("orders the K·B rows class-major and weighs each example's bounds by its own q(y | x)", () => {
    const classes = rt.enumeratedClasses(3, 2).arraySync();
    expect(classes).toEqual([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]);
    expect(rt.tileForClasses(tf.tensor2d([[1], [2]]), 3).arraySync()).toEqual([[1], [2], [1], [2], [1], [2]]);
    // Example 0 is sure of class 2, example 1 of class 0: U is that class's bound (+ KL to uniform = log 3).
    const logits = tf.tensor2d([[-50, -50, 50], [50, -50, -50]]);
    const bounds = tf.tensor1d([10, 20, 30, 40, 50, 60]); // class-major: class k, example b at k·2 + b
    expect(rt.enumeratedBound(logits, bounds).dataSync()[0]).toBeCloseTo((50 + 20) / 2 + Math.log(3), 4);
  });
});
