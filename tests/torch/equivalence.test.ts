import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTfjsModule } from "../../src/codegen/index.js";
import { generateTorchModule } from "../../src/codegen/torchModule.js";
import { checkSource } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import type { ModelIR } from "../../src/ir/types.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { loadArtifactsFromFolder, saveArtifactsToFolder } from "../../src/runtime/nodeIO.js";
import type { GeneratedModel, ModelDescription } from "../../src/runtime/model.js";
import { Random } from "../../src/runtime/random.js";
import { root, skipTorch, specNames, torchPython } from "./helpers.js";
import { type Draw, recordNoise } from "./noiseRecorder.js";
import { readPack, writePack } from "./tensorPack.js";

/**
 * Cross-engine equivalence: for every spec, the generated TF.js module (cpu backend) and
 * the generated PyTorch module start from the same weights and optimizer state (TF.js
 * takes one step, saves both as its runner does, torch loads them), see the same batch
 * and the same noise (every
 * tensor TF.js draws, recorded in order and replayed by torch), and must agree on every
 * loss term and every gradient of every phase, on the weights and optimizer state after
 * the whole step (each phase's optimizer update included) and on the evaluation terms (`lossTerms`:
 * dropout and corruption off, batch-norm moving statistics).
 *
 * Tolerance: 1e-4 relative. A term compares to its own magnitude; a gradient or weight
 * tensor compares element-wise to the largest magnitude in that tensor (float32 sums in
 * another order make absolute errors that scale with the tensor, not with each element).
 * Weights after the step: Adam divides by √v, so a gradient entry near zero (where
 * the two engines' rounding differs relatively most) can move its weight by up to lr in
 * either engine; those weights are compared to lr instead (see `afterStepTolerance`).
 */


/**
 * Models no spec in specs/ is: python-names has Python keywords as names, a sigma head,
 * dropout and batchNorm (whose noise and moving statistics must match too), and starts from
 * fresh optimizers; optimizers-priors has RMSProp and momentum SGD, a mixture prior (a Monte
 * Carlo KL), a Uniform prior, Gaussian and salt-and-pepper corruption; likelihoods has
 * every likelihood of issue 15 and every non-head parameter form (constants, learned, shared);
 * regularisers has every regulariser term and GAN loss the specs do not use; planar-hierarchy
 * has prior networks (an analytic and a Monte Carlo KL against them) and planar and IAF flows;
 * relaxed has straight-through and inline relaxed categoricals beside a Normal latent.
 */
const fixtures = ["fixtures/python-names", "fixtures/optimizers-priors", "fixtures/likelihoods", "fixtures/image-layers", "fixtures/mixture-priors", "fixtures/regularisers", "fixtures/planar-hierarchy", "fixtures/relaxed"];
const fresh = new Set(["fixtures/python-names"]);

function fixtureIr(fixture: string): ModelIR {
  const path = `tests/torch/${fixture}.aespec`;
  const result = checkSource({ name: path, text: readFileSync(join(root, path), "utf8") });
  return lowerModel(result.models[0]!, path);
}

/** A fixture's TF.js module, generated into a temporary file and imported from there. */
async function fixtureModule(fixture: string): Promise<Record<string, unknown>> {
  const folder = mkdtempSync(join(tmpdir(), "aespec-tfjs-fixture-"));
  folders.push(folder);
  const file = join(folder, "fixture.ts");
  writeFileSync(file, await generateTfjsModule(fixtureIr(fixture)));
  return import(/* @vite-ignore */ file);
}

const relative = 1e-4;

/** The optimizer state as the TS runner's checkpoints write it (src/runner/checkpoint.ts). */
async function saveOptimizerState(model: AnyModel, folder: string): Promise<void> {
  const state = await model.optimizerState();
  const { data, specs } = await tf.io.encodeWeights(state);
  tf.dispose(Object.values(state));
  saveArtifactsToFolder(folder, { weightSpecs: specs, weightData: data, format: "aespec-optimizer" });
}
const batchSize = 6;
const stepsPerEpoch = 3;
const labelledFraction = 0.25;

type AnyModel = GeneratedModel<any, any> & Record<string, any>;

/** A batch that fits each variable's support, from a seeded stream (the same on every run). */
function makeBatch(description: ModelDescription, names: readonly string[], random: Random): Record<string, tf.Tensor> {
  const batch: Record<string, tf.Tensor> = {};
  for (const name of names) {
    const v = description.variables[name]!;
    const size = v.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(batchSize * size);
    for (let row = 0; row < batchSize; row++) {
      if (v.type === "onehot") values[row * size + random.int(size)] = 1;
      else for (let i = 0; i < size; i++) values[row * size + i] = v.type === "binary" ? (random.next() < 0.5 ? 1 : 0) : random.next();
    }
    batch[name] = tf.tensor(values, [batchSize, ...v.shape]);
  }
  return batch;
}

function packBatch(batch: Record<string, tf.Tensor>) {
  return Object.entries(batch).map(([name, t]) => ({ name, shape: t.shape, values: t.dataSync() as Float32Array }));
}

function packDraws(draws: readonly Draw[]) {
  return draws.map((d, i) => ({ name: `${i}:${d.kind}`, shape: d.shape, values: d.values }));
}

/** Largest |a − b| relative to the largest |a| (or 1e-6, for all-zero tensors). */
function relativeError(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let error = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    error = Math.max(error, Math.abs(a[i]! - b[i]!));
  }
  return error / Math.max(scale, 1e-6);
}

let python: string | undefined;
const folders: string[] = [];

beforeAll(async () => {
  await selectBackend("cpu");
  python = skipTorch ? undefined : torchPython();
});

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(skipTorch)("PyTorch and TF.js agree", () => {
  it("finds a Python that can import torch (AESPEC_PYTHON, python3 or /usr/bin/python3; AESPEC_SKIP_TORCH=1 skips)", () => {
    expect(python, "no interpreter with torch: apt-get install python3-torch, or set AESPEC_PYTHON").toBeDefined();
  });

  it.each([...specNames, ...fixtures])("%s: every term and gradient of one step, the weights and optimizer state after it, the evaluation terms", { timeout: 240_000 }, async (spec) => {
    expect(python, "no interpreter with torch").toBeDefined();
    const isFixture = fixtures.includes(spec);
    const module = isFixture ? await fixtureModule(spec) : await import(/* @vite-ignore */ join(root, `generated/${spec}.ts`));
    const description = module.description as ModelDescription;
    const create = Object.entries(module).find(([k]) => k.startsWith("create"))![1] as (o: object) => Promise<AnyModel>;
    const model = await create({ seed: 11, backend: "cpu" });
    const folder = mkdtempSync(join(tmpdir(), `aespec-torch-${spec.replace(/\W/g, "-")}-`));
    folders.push(folder);
    const random = new Random(5);
    const unlabelledNames = Object.entries(description.variables).filter(([, v]) => v.role === "data" && v.labelled === undefined).map(([n]) => n);
    const labelledNames = Object.entries(description.variables).filter(([, v]) => v.role === "data").map(([n]) => n);
    const labelled = makeBatch(description, labelledNames, random);
    const batch = Object.fromEntries(unlabelledNames.map((n) => [n, labelled[n]!]));
    // A short epoch, so that after the warm step a schedule over epochs (vae-warmup, vae-cyclical, beta-vae-capacity) is between its ends.
    model.stepsPerEpoch = stepsPerEpoch;
    // M2 weighs its labelled bound by N_l/N: a fraction that is not 1, so both engines must apply it.
    model.labelledFraction = labelledFraction;
    if (!fresh.has(spec)) {
      // A step first (its noise is not recorded), so torch resumes from TF.js's weights and optimizer state, as
      // the TS runner checkpoints them; one fixture starts fresh, which tests the optimizers' first step.
      const warm = makeBatch(description, labelledNames, random);
      await model.trainStep(Object.fromEntries(unlabelledNames.map((n) => [n, warm[n]!])), warm);
      tf.dispose(Object.values(warm));
      await saveOptimizerState(model, join(folder, "before-optimizer"));
    }
    await model.save(join(folder, "before"));
    const clock = { step: model.stepCount, stepsPerEpoch };
    writeFileSync(join(folder, "clock.json"), JSON.stringify({ ...clock, labelledFraction }));
    writePack(join(folder, "batch"), packBatch(batch));
    writePack(join(folder, "labelled"), packBatch(labelled));

    // Evaluation first, on the initial weights: after a step, Adam has amplified rounding in near-zero gradients (see below).
    const evaluation = recordNoise(() => model.lossTerms(batch, labelled));
    const evalTerms = await evaluation.result;
    writePack(join(folder, "noise-eval"), packDraws(evaluation.draws));

    // The phase loop of GeneratedModel.trainStep, one phase at a time, recording its noise, terms and gradients.
    const internals = model as unknown as {
      phaseGradients(index: number, inputs: object, shares: { all: number; labelled: number }, clock: { step: number; stepsPerEpoch: number }): { grads: (tf.Tensor | undefined)[]; terms: Record<string, tf.Scalar>; updates: unknown[] };
      applyPhase(index: number, grads: (tf.Tensor | undefined)[], updates: unknown[]): void;
    };
    const phases: { terms: Record<string, number>; grads: Map<string, Float32Array> }[] = [];
    const phaseParameters = (index: number) => {
      const phase = description.phases[index]!;
      return phase.updates.flatMap((n) => description.networks[n]!.filter((w) => w.trainable).map((w) => w.name));
    };
    for (const index of description.phases.keys()) {
      const { result, draws } = recordNoise(() => internals.phaseGradients(index, { all: batch, labelled }, { all: 1, labelled: 1 }, clock));
      writePack(join(folder, `noise-${index}`), packDraws(draws));
      const names = phaseParameters(index);
      const grads = new Map<string, Float32Array>();
      result.grads.forEach((g, i) => g && grads.set(names[i]!, g.dataSync() as Float32Array));
      const terms = Object.fromEntries(Object.entries(result.terms).map(([k, v]) => [k, v.dataSync()[0]!]));
      phases.push({ terms, grads });
      internals.applyPhase(index, result.grads, result.updates);
      tf.dispose(Object.values(result.terms));
    }
    const after = new Map<string, Float32Array>();
    for (const [name, variable] of model.weights.entries()) after.set(name, variable.dataSync() as Float32Array);

    const pythonModule = isFixture ? join(folder, "fixture.py") : join(root, `generated/${spec}.py`);
    if (isFixture) writeFileSync(pythonModule, generateTorchModule(fixtureIr(spec)));
    execFileSync(python!, [join(root, "tests/torch/step.py"), pythonModule, folder], {
      env: { ...process.env, PYTHONPATH: join(root, "python"), OMP_NUM_THREADS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 200_000,
    });

    for (const [index, expected] of phases.entries()) {
      const got = readPack(join(folder, `torch-phase-${index}`));
      const phase = description.phases[index]!.name;
      for (const [term, value] of Object.entries(expected.terms)) {
        const torchValue = got.get(`term:${term}`)!.values[0]!;
        if (process.env.AESPEC_TORCH_REPORT) console.log(`${spec} term ${term} ${Math.abs(torchValue - value) / Math.max(Math.abs(value), 1e-6)}`);
        expect(Math.abs(torchValue - value) / Math.max(Math.abs(value), 1e-6), `${phase}: term ${term} (tfjs ${value}, torch ${torchValue})`).toBeLessThanOrEqual(relative);
      }
      // The same weights reached: a weight the loss does not reach has no gradient in either engine.
      expect([...got.keys()].filter((k) => k.startsWith("grad:")).map((k) => k.slice(5)).sort(), `${phase}: weights with gradients`).toEqual([...expected.grads.keys()].sort());
      for (const [name, grad] of expected.grads) {
        if (process.env.AESPEC_TORCH_REPORT) console.log(`${spec} grad ${name} ${relativeError(grad, got.get(`grad:${name}`)!.values)}`);
        expect(relativeError(grad, got.get(`grad:${name}`)!.values), `${phase}: gradient of ${name}`).toBeLessThanOrEqual(relative);
      }
    }

    // torch saved its weights as model.json + weights.bin: the TF.js module's own load() reads them.
    const reloaded = await create({ seed: 12, backend: "cpu" });
    await reloaded.load(join(folder, "torch-after"));
    const torchAfter = new Map(reloaded.weights.entries().map(([name, v]) => [name, { values: v.dataSync() as Float32Array }]));
    if (!fresh.has(spec)) {
      // torch's optimizer state after the step, in the TS runner's format: the TS model restores it and has the same.
      const saved = loadArtifactsFromFolder(join(folder, "torch-after-optimizer"));
      await reloaded.setOptimizerState(tf.io.decodeWeights(saved.weightData!, saved.weightSpecs!));
      const [ours, theirs] = [await model.optimizerState(), await reloaded.optimizerState()];
      expect(Object.keys(theirs).sort()).toEqual(Object.keys(ours).sort());
      for (const [key, value] of Object.entries(ours)) {
        const error = relativeError(value.dataSync() as Float32Array, theirs[key]!.dataSync() as Float32Array);
        if (process.env.AESPEC_TORCH_REPORT) console.log(`${spec} optimizer ${key} ${error}`);
        expect(error, `optimizer state ${key}`).toBeLessThanOrEqual(relative);
      }
      tf.dispose([...Object.values(ours), ...Object.values(theirs)]);
    }
    reloaded.dispose();
    const lr = Math.max(...description.phases.map((p) => p.optimizer.parameters.lr ?? 0.001));
    const moving = new Set(Object.values(description.networks).flat().filter((w) => !w.trainable).map((w) => w.name));
    for (const [name, value] of after) {
      const got = torchAfter.get(name)!.values;
      // Moving averages (batch-norm statistics, an EMA codebook) are no optimizer's step: they agree as terms do.
      if (moving.has(name)) {
        expect(relativeError(value, got), `moving average ${name} after the step`).toBeLessThanOrEqual(relative);
        continue;
      }
      let worst = 0;
      for (let i = 0; i < value.length; i++) worst = Math.max(worst, Math.abs(value[i]! - got[i]!));
      if (process.env.AESPEC_TORCH_REPORT) console.log(`${spec} after ${name} ${worst / lr}`);
      expect(worst, `weight ${name} after the step`).toBeLessThanOrEqual(afterStepTolerance(lr));
    }

    const torchEval = JSON.parse(readFileSync(join(folder, "torch-eval.json"), "utf8")) as Record<string, number>;
    expect(Object.keys(torchEval).sort()).toEqual(Object.keys(evalTerms).sort());
    for (const [term, value] of Object.entries(evalTerms)) {
      expect(Math.abs(torchEval[term]! - value) / Math.max(Math.abs(value), 1e-6), `evaluation term ${term} (tfjs ${value}, torch ${torchEval[term]})`).toBeLessThanOrEqual(relative);
    }
    model.dispose();
    tf.dispose([...Object.values(labelled)]);
  });
});

/**
 * An Adam step moves a weight by at most about lr (|m̂ / (√v̂ + ε)| ≤ 1 on the first step);
 * where a gradient entry is near ε, the engines' rounding of it changes that step a lot
 * (measured: 0.09·lr after a resumed step, in cvae; 0.92·lr on the fixture's first step,
 * for the bias before batchNorm, whose gradient nearly cancels). Every other entry agrees
 * far better; gradients and optimizer moments are compared at 1e-4 above.
 */
function afterStepTolerance(lr: number): number {
  return 2 * lr;
}

describe("the schedules under test are between their ends", () => {
  it("after the warm step (1 of 3 per epoch), each scheduled weight and capacity of the schedule specs is neither its start nor its end", async () => {
    const { scalarValue } = await import("../../src/runtime/schedules.js");
    const { irOf } = await import("./helpers.js");
    for (const spec of ["vae-warmup", "vae-cyclical", "beta-vae-capacity"]) {
      const ir = irOf(spec);
      const scalars = [...ir.phases.flatMap((p) => p.terms.map((t) => t.weight)), ...ir.terms.flatMap((t) => (t.capacity === undefined ? [] : [t.capacity]))].filter((w) => typeof w !== "number");
      expect(scalars.length, spec).toBeGreaterThan(0);
      for (const s of scalars) {
        const value = scalarValue(s, { step: 1, stepsPerEpoch });
        expect(value, `${spec}: ${JSON.stringify(s)}`).not.toBe(scalarValue(s, { step: 0, stepsPerEpoch }));
        expect(value, `${spec}: ${JSON.stringify(s)}`).not.toBe(s.schedule === "exponential" ? s.floor : s.to);
      }
    }
  });

  it("fixtures/relaxed's scheduled temperature, after the warm step, is neither its start nor its floor", async () => {
    const { scalarValue } = await import("../../src/runtime/schedules.js");
    const temperatures = fixtureIr("fixtures/relaxed").networks.flatMap((n) => n.distributions.flatMap((d) => (d.relaxed && typeof d.relaxed.temperature !== "number" ? [d.relaxed.temperature] : [])));
    expect(temperatures.length).toBe(1);
    const t = temperatures[0]!;
    const value = scalarValue(t, { step: 1, stepsPerEpoch });
    expect(Math.abs(value - scalarValue(t, { step: 0, stepsPerEpoch }))).toBeGreaterThan(0.1);
    expect(Math.abs(value - (t.schedule === "exponential" ? t.floor : t.to))).toBeGreaterThan(0.1);
  });
});
