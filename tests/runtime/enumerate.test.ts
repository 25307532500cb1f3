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

  it("is one loss under objective m2: (N_l/N)·∇(nll_x + kl_z) + α·∇nll_y on the labelled batch + ∇enumerate_y on the batch", async () => {
    const { model, description } = await tinyM2();
    const phase = description.phases[0]!;
    expect(description.phases).toHaveLength(1);
    expect(phase.terms).toEqual([
      { term: "nll_x", weight: 1, rows: "labelled", byLabelledFraction: true },
      { term: "kl_z", weight: 1, rows: "labelled", byLabelledFraction: true },
      { term: "nll_y", weight: 2, rows: "labelled" },
      { term: "enumerate_y", weight: 1 },
    ]);
    const internals = model as unknown as {
      phaseGradients(index: number, inputs: object, shares: { all: number; labelled: number }, clock: { step: number }): { grads: (tf.Tensor | undefined)[]; terms: Record<string, tf.Scalar> };
      forward(batch: object, training: boolean, clock: { step: number }): unknown;
      termFunctions: Record<string, (f: unknown) => tf.Scalar>;
    };
    const x = syntheticBatch(description.variables, ["x"], 4, 21).x!;
    const labelled = { x: syntheticBatch(description.variables, ["x"], 4, 22).x!, y: tf.oneHot(tf.tensor1d([0, 2, 1, 2], "int32"), 3).toFloat() };
    const names = rt.phaseParameters(description, phase);
    const variables = names.map((n) => model.weights.get(n));
    const clock = { step: 0 };
    const phaseGrads = (fraction: number) => {
      model.labelledFraction = fraction;
      const { grads, terms } = internals.phaseGradients(0, { all: { x }, labelled }, { all: 1, labelled: 1 }, clock);
      tf.dispose(Object.values(terms));
      return grads.map((g, i) => g ?? tf.zerosLike(variables[i]!));
    };
    // Each term's own gradient (z is deterministic here, so every pass sees the same values).
    const termGrads = (batch: object, terms: readonly string[]) => {
      const { grads, value } = tf.variableGrads(() => {
        const f = internals.forward(batch, true, clock);
        return tf.addN(terms.map((t) => internals.termFunctions[t]!(f))) as tf.Scalar;
      }, variables as tf.Variable[]);
      value.dispose();
      return variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
    };
    const bound = termGrads(labelled, ["nll_x", "kl_z"]);
    const classifier = termGrads(labelled, ["nll_y"]);
    const unlabelled = termGrads({ x }, ["enumerate_y"]);
    for (const fraction of [0.25, 0.75]) {
      const got = phaseGrads(fraction);
      got.forEach((g, i) => {
        const expected = tf.addN([tf.mul(bound[i]!, fraction), tf.mul(classifier[i]!, 2), unlabelled[i]!]);
        const scale = Math.max(tf.max(tf.abs(expected)).dataSync()[0]!, 1e-6);
        expect(tf.max(tf.abs(tf.sub(g, expected))).dataSync()[0]! / scale, names[i]).toBeLessThan(1e-4);
      });
    }
    // The labelled bound does reach the decoder: N_l/N changes its gradient.
    const decoder = names.indexOf("p/x.logits/kernel");
    const [low, high] = [phaseGrads(0.25)[decoder]!, phaseGrads(0.75)[decoder]!];
    expect(tf.max(tf.abs(tf.sub(high, low))).dataSync()[0]!).toBeGreaterThan(1e-3);
    // Without N_l/N a step cannot be weighed: a clear error, not a silent 1.
    model.labelledFraction = undefined;
    expect(() => internals.phaseGradients(0, { all: { x }, labelled }, { all: 1, labelled: 1 }, clock)).toThrow(/labelledFraction/);
    model.dispose();
  });
});
