// Every public method of a generated module, called wrongly: each mistake is refused with
// one typed error (ModelInputError) naming the argument, before anything reaches the
// backend, and the model works exactly as before afterwards.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createConditionalVAE, type ConditionalVAEModel } from "../../generated/cvae.js";
import { createSemiSupervisedAAE } from "../../generated/semi-supervised-aae.js";
import { ModelInputError, NonFiniteWeightsError } from "../../src/runtime/index.js";
import { datasetFor, firstBatch } from "../helpers/models.js";

let model: ConditionalVAEModel;
let twin: ConditionalVAEModel; // same seed, never misused: what `model` must still match
let batch: Record<string, tf.Tensor>;

beforeAll(async () => {
  model = await createConditionalVAE({ seed: 5, backend: "cpu" });
  twin = await createConditionalVAE({ seed: 5, backend: "cpu" });
  batch = firstBatch(model.description, datasetFor(model.description, 64), 8);
});

const x = () => batch.x!;
const y = () => batch.y!;
const z = (n = 8) => tf.zeros([n, 20]);
const data = () => datasetFor(model.description, 64);

/** [what is wrong, the call, the argument the error must name]. */
const misuses: [string, () => unknown, string][] = [
  ["fit on 0–255 pixels", () => model.fit({ ...data(), columns: { ...data().columns, x: data().columns.x!.map((v) => v * 255) } }, { epochs: 1 }), "data.columns.x"],
  ["fit on a plain number array", () => model.fit({ ...data(), columns: { ...data().columns, x: Array.from(data().columns.x!) as unknown as Float32Array } }, { epochs: 1 }), "data.columns.x"],
  ["fit on the wrong width", () => model.fit({ ...data(), columns: { ...data().columns, x: data().columns.x!.subarray(0, 64 * 783) } }, { epochs: 1 }), "data.columns.x"],
  ["fit with batch size 0", () => model.fit(data(), { epochs: 1, batchSize: 0 }), "options.batchSize"],
  ["fit with batch size −3", () => model.fit(data(), { epochs: 1, batchSize: -3 }), "options.batchSize"],
  ["fit with batch size 2.5", () => model.fit(data(), { epochs: 1, batchSize: 2.5 }), "options.batchSize"],
  ["fit with epochs NaN", () => model.fit(data(), { epochs: Number.NaN }), "options.epochs"],
  ["fit without a data set", () => model.fit(undefined as never), "data"],
  ["evaluate with no columns", () => model.evaluate({ size: 3, columns: {} }), "data.columns.x"],
  ["encode a Float32Array", () => model.encode({ x: new Float32Array(784) as never, y: y() }), "inputs.x"],
  ["encode nothing", () => model.encode({} as never), "inputs.x"],
  ["encode NaN", () => model.encode({ x: tf.fill([2, 784], Number.NaN), y: tf.oneHot([1, 2], 10).toFloat() }), "inputs.x"],
  ["encode a wrong width", () => model.encode({ x: tf.zeros([8, 783]), y: y() }), "inputs.x"],
  ["encode rows that disagree", () => model.encode({ x: x(), y: tf.oneHot([1], 10).toFloat() }), "inputs.y"],
  ["encode a label that is not one-hot", () => model.encode({ x: x(), y: tf.fill([8, 10], 0.1) }), "inputs.y"],
  ["encode a disposed tensor", () => { const t = tf.zeros([8, 784]); t.dispose(); return model.encode({ x: t, y: y() }); }, "inputs.x"],
  ["decode a code of the wrong size", () => model.decode({ z: tf.zeros([8, 2]), y: y() }), "inputs.z"],
  ["decode an infinite code", () => model.decode({ z: tf.fill([8, 20], Number.POSITIVE_INFINITY), y: y() }), "inputs.z"],
  ["reconstruct without its label", () => model.reconstruct({ x: x() } as never), "inputs.y"],
  ["sample 0", () => model.sample(0), "n"],
  ["sample 2.5", () => model.sample(2.5), "n"],
  ["sample 3e6 (more than the backend can hold)", () => model.sample(3e6), "n"],
  ["sample with an empty label list", () => model.sample(2, { label: [] }), "options.label"],
  ["sample class 10 of 10", () => model.sample(2, { label: 10 }), "options.label"],
  ["sample class −1", () => model.sample(2, { label: -1 }), "options.label"],
  ["importance-sample with k = −3", () => model.importanceSampledNll(batch as never, -3), "k"],
  ["importance-sample with k = 2.5", () => model.importanceSampledNll(batch as never, 2.5), "k"],
  ["importance-sample with k too large for the backend", () => model.importanceSampledNll(batch as never, 1e7), "k"],
  ["importance-sample a batch without x", () => model.importanceSampledNll({ y: y() } as never), "batch.x"],
  ["trainStep on a batch without y", () => model.trainStep({ x: x() } as never), "batch.y"],
  ["trainPhase of no such phase", () => model.trainPhase("nope", batch as never), "name"],
  ["lossTerms on pixels above 1", () => model.lossTerms({ x: tf.fill([8, 784], 2), y: y() }), "batch.x"],
  ["priorSample of −1", () => model.priorSample("z", -1), "n"],
  ["save to a number", () => model.save(3 as never), "target"],
  ["load from null", () => model.load(null as never), "source"],
];

describe("misusing a generated module", () => {
  it.each(misuses)("%s: ModelInputError naming the argument", async (_, call, argument) => {
    let error: unknown;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelInputError);
    expect((error as ModelInputError).argument).toBe(argument);
    expect((error as ModelInputError).message).toContain(`\`${argument}\``);
  });

  it("after every misuse the model gives the same outputs as its never-misused twin", async () => {
    const codes = [model, twin].map((m) => m.encode({ x: x(), y: y() }).z!);
    expect(Array.from(codes[0]!.dataSync())).toEqual(Array.from(codes[1]!.dataSync()));
    // No misuse drew from the random stream: samples agree too.
    const samples = [model, twin].map((m) => m.sample(4, { label: 3 }).x!);
    expect(Array.from(samples[0]!.dataSync())).toEqual(Array.from(samples[1]!.dataSync()));
    tf.dispose([...codes, ...samples]);
  });

  it("load refuses a file that is not a saved model, and the model still works", async () => {
    await expect(model.load("package.json")).rejects.toThrow(/is a file; load takes the folder/);
    await expect(model.load("tests")).rejects.toThrow(/no saved model/);
    const code = model.encode({ x: x(), y: y() }).z!;
    expect(code.shape).toEqual([8, 20]);
    code.dispose();
  });

  it("sample(n, { draw: true }) draws from the likelihood: 0/1 pixels for a Bernoulli decoder", () => {
    const means = model.sample(3, { label: 1 }).x!;
    const draws = model.sample(3, { label: 1, draw: true }).x!;
    expect(new Set(draws.dataSync())).toEqual(new Set([0, 1]));
    expect(Array.from(means.dataSync()).some((v) => v > 0 && v < 1)).toBe(true);
    tf.dispose([means, draws]);
  });

  it("decode accepts the probabilities encode gives for a categorical code (semi-supervised AAE)", async () => {
    const ssaae = await createSemiSupervisedAAE({ seed: 2, backend: "cpu" });
    const out = ssaae.reconstruct({ x: x() });
    expect(out.x!.shape).toEqual([8, 784]);
    out.x!.dispose();
    expect(() => ssaae.decode({ z: tf.zeros([2, 10]), c: tf.fill([2, 10], 0.5) })).toThrow(ModelInputError);
    ssaae.dispose();
  });
});

describe("weights that stop being finite", () => {
  it("stop fit like a non-finite loss does, naming the network and the phase that moved it, even when every loss term is still finite", async () => {
    const { createAutoencoder } = await import("../../generated/ae.js");
    const ae = await createAutoencoder({ seed: 1, backend: "cpu" });
    // −∞ in a ReLU layer's bias: the layer outputs 0 there, so every loss stays finite, and no gradient ever repairs it.
    const bias = ae.weights.get("f/t0/bias");
    bias.assign(tf.tidy(() => tf.concat([tf.tensor1d([Number.NEGATIVE_INFINITY]), bias.slice([1], [bias.shape[0]! - 1])])));
    const data = datasetFor(ae.description, 32);
    const terms = await ae.lossTerms(firstBatch(ae.description, data, 8) as never);
    expect(Object.values(terms).every(Number.isFinite)).toBe(true);
    const error = await ae.fit(data, { epochs: 1, batchSize: 16 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteWeightsError);
    expect((error as NonFiniteWeightsError).networks).toEqual(["f"]);
    expect((error as NonFiniteWeightsError).phases.map((p) => p.name)).toEqual([ae.description.phases[0]!.name]);
    expect((error as NonFiniteWeightsError).step).toBe(1);
    ae.dispose();
  });
});

describe("weights saved by aec 0.1", () => {
  it("are refused with a message that says why (head weights were renamed), not a bare layout mismatch", async () => {
    const { mkdtempSync, readFileSync, writeFileSync, copyFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const folder = mkdtempSync(join(tmpdir(), "aespec-legacy-"));
    const manifest = JSON.parse(readFileSync("examples/app/public/weights/model.json", "utf8"));
    for (const w of manifest.weightsManifest[0].weights) w.name = w.name.replace(/\/[a-z]+\.([a-z]+)\//, "/h_$1/"); // q/z.mu/kernel → q/h_mu/kernel
    manifest.modelTopology.layout = "d50087b2"; // the layout aec 0.1 wrote
    writeFileSync(join(folder, "model.json"), JSON.stringify(manifest));
    copyFileSync("examples/app/public/weights/weights.bin", join(folder, "weights.bin"));
    const { createVAE2D } = await import("../../generated/vae-2d.js");
    const vae = await createVAE2D({ seed: 1, backend: "cpu" });
    await expect(vae.load(folder)).rejects.toThrow(/saved by aec 0\.1, which named head weights after the head/);
    await vae.load("examples/app/public/weights"); // the same weights under today's names load
    vae.dispose();
  });
});

describe("inputs that are right, at the edges", () => {
  it("importance sampling splits a batch the backend cannot hold at once (conv-vae, k = 100: 26 examples a pass, 27 rows: two passes)", async () => {
    const { createConvVAE } = await import("../../generated/conv-vae.js");
    const vae = await createConvVAE({ seed: 1, backend: "wasm" });
    const rows = firstBatch(vae.description, datasetFor(vae.description, 64), 27);
    const nll = await vae.importanceSampledNll(rows as never, 100);
    expect(Number.isFinite(nll)).toBe(true);
    expect(nll).toBeGreaterThan(0);
    tf.dispose(Object.values(rows));
    vae.dispose();
  }, 120_000);

  it("fit accepts a semi-supervised data set whose unknown labels hold anything (only labelled rows are read)", async () => {
    const ssaae = await createSemiSupervisedAAE({ seed: 2, backend: "cpu" });
    const data = datasetFor(ssaae.description, 32);
    const y = data.columns.y!.slice();
    const known = new Set(data.labelled);
    for (let row = 0; row < data.size; row++) if (!known.has(row)) y.fill(Number.NaN, row * 10, row * 10 + 10);
    const history = await ssaae.fit({ ...data, columns: { ...data.columns, y } }, { epochs: 1, batchSize: 16 });
    expect(Object.values(history[0]!).every(Number.isFinite)).toBe(true);
    // …but a labelled row holding no class is refused, naming the example.
    y.fill(0, data.labelled![0]! * 10, data.labelled![0]! * 10 + 10);
    await expect(ssaae.fit({ ...data, columns: { ...data.columns, y } }, { epochs: 1 })).rejects.toThrow(new RegExp(`example ${data.labelled![0]! + 1}`));
    ssaae.dispose();
  }, 120_000);

  it("decode takes any finite code for a real latent, even outside its prior's support; refuses an int32 tensor", async () => {
    const z = tf.fill([2, 20], 7);
    expect(model.decode({ z, y: tf.oneHot([1, 2], 10).toFloat() }).x!.shape).toEqual([2, 784]);
    expect(() => model.decode({ z, y: tf.oneHot([1, 2], 10) })).toThrow(/float32/);
    z.dispose();
  });
});
