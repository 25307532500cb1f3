import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { explain } from "../../src/diagnostics/catalog.js";
import { checkSource } from "../../src/compiler.js";
import { buildLossGraph } from "../../src/graph/lossGraph.js";
import { lowerModel } from "../../src/ir/lower.js";
import { irErrors } from "../../src/ir/validate.js";
import { selectBackend } from "../../src/runtime/backend.js";
import type { GeneratedModel, ModelDescription } from "../../src/runtime/model.js";
import { datasetFor, firstBatch } from "../helpers/models.js";

/**
 * Conditional discriminators `d(x | y)`: the label reaches the discriminator on both sides
 * and the generator (or the conditional prior) when sampling a class; the IR and the loss
 * graph carry the condition; `aec explain` knows the new codes.
 */
type AnyModel = GeneratedModel<any, any> & Record<string, any>;

async function create(spec: "cgan" | "aae-conditional", seed = 3): Promise<{ model: AnyModel; description: ModelDescription }> {
  const module = (await (spec === "cgan" ? import("../../generated/cgan.js") : import("../../generated/aae-conditional.js"))) as Record<string, unknown>;
  const make = Object.entries(module).find(([k]) => k.startsWith("create"))![1] as (o: object) => Promise<AnyModel>;
  return { model: await make({ seed, backend: "cpu" }), description: module.description as ModelDescription };
}

function irOf(spec: string) {
  const path = `specs/${spec}.aespec`;
  return lowerModel(checkSource({ name: path, text: readFileSync(path, "utf8") }).models[0]!, path);
}

async function sampled(spec: "cgan" | "aae-conditional", label: number): Promise<Float32Array> {
  const { model } = await create(spec);
  const { x } = model.sample(6, { label });
  const values = (await x.data()) as Float32Array;
  tf.dispose(x);
  model.dispose();
  return values;
}

beforeAll(async () => {
  await selectBackend("cpu");
});

describe.each(["cgan", "aae-conditional"] as const)("%s", (spec) => {
  it("records the condition in the IR (valid against the schema) and draws its edge into the discriminator", () => {
    const ir = irOf(spec);
    expect(irErrors(ir)).toEqual([]);
    const d = ir.networks.find((n) => n.role === "discriminator")!;
    expect(d.given).toEqual(["y"]);
    expect(d.inputs).toEqual([spec === "cgan" ? "x" : "z", "y"]);
    expect(d.inputShape).toEqual([spec === "cgan" ? 794 : 12]);
    const graph = buildLossGraph(ir);
    const y = graph.nodes.find((n) => n.lines[0] === "y")!;
    const dNode = graph.nodes.find((n) => n.lines[0] === `discriminator ${d.name}`)!;
    expect(graph.edges).toContainEqual({ from: y.id, to: dNode.id, label: "condition" });
  });

  it("scores every side with the batch's label: each logit reads y, and other labels give another discriminator loss", async () => {
    // Each score method of the generated module feeds the discriminator its samples and the batch's y.
    const source = readFileSync(`generated/${spec}.ts`, "utf8");
    const scores = [...source.matchAll(/score_\w+\(\): tf\.Tensor \{\s+return this\.memo\([^]*?\n {2}\}/g)].map((m) => m[0]);
    expect(scores).toHaveLength(2);
    for (const score of scores) expect(score).toMatch(/rt\.concatInputs\(\[.+, this\.batch\["y"\]!\]\)/s);
    const { model, description } = await create(spec);
    const batch = firstBatch(description, datasetFor(description, 64), 16);
    // The same rows with every label moved to the next class.
    const shifted = { ...batch, y: tf.concat([batch.y!.slice([0, 9], [-1, 1]), batch.y!.slice([0, 0], [-1, 9])], 1) };
    const [a, b] = [await model.lossTerms(batch, batch), await model.lossTerms(shifted, shifted)];
    const ganD = Object.keys(a).find((k) => k.startsWith("gan_d"))!;
    expect(Number.isFinite(a[ganD]!)).toBe(true);
    expect(Math.abs(a[ganD]! - b[ganD]!)).toBeGreaterThan(1e-6);
    tf.dispose([...Object.values(batch), shifted.y]);
    model.dispose();
  });

  it("samples the requested class: the label reaches the sampler (same seed, same label → same samples; another label → others)", async () => {
    const [three, again, seven] = [await sampled(spec, 3), await sampled(spec, 3), await sampled(spec, 7)];
    expect(Array.from(again)).toEqual(Array.from(three));
    const difference = three.reduce((m, v, i) => Math.max(m, Math.abs(v - seven[i]!)), 0);
    expect(difference).toBeGreaterThan(1e-4);
  });
});

describe("aec explain", () => {
  it.each(["AE0226", "AE0227", "AE0565", "AE0566"])("%s has an explanation with a wrong and a fixed example", (code) => {
    const text = explain(code) ?? "";
    expect(text).toContain(code);
    expect(text).toContain("d(");
    expect(text.length).toBeGreaterThan(200);
  });
});
