import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend.js";
import { type GeneratedModel, type ModelDescription, phaseParameters } from "../../src/runtime/model.js";
import { datasetFor, firstBatch, maxDifference, weightValues } from "../helpers/models.js";

/**
 * Every spec's generated module, run on a few hundred MNIST images: the terms are finite,
 * training lowers the loss, no tensor leaks, save → load restores the model exactly,
 * and each phase moves only the weights it names.
 */
type AnyModel = GeneratedModel<any, any> & Record<string, any>;
interface ModuleUnderTest {
  description: ModelDescription;
  create: (options: { seed?: number; backend?: "wasm" | "cpu" }) => Promise<AnyModel>;
}

const specs = ["ae", "dae", "cae", "vae", "vae-2d", "conv-vae", "beta-vae", "iwae", "cvae", "gan", "aae", "supervised-aae", "semi-supervised-aae", "vae-2layer", "vae-iaf", "vae-gaussian", "vae-gaussian-learned", "vae-cb", "vq-vae", "vq-vae-ema", "cgan", "aae-conditional"];


/** Static imports, so the bundler in vitest can see every module. */
const modules: Record<string, () => Promise<Record<string, unknown>>> = {
  ae: () => import("../../generated/ae.js"),
  dae: () => import("../../generated/dae.js"),
  cae: () => import("../../generated/cae.js"),
  vae: () => import("../../generated/vae.js"),
  "vae-2d": () => import("../../generated/vae-2d.js"),
  "conv-vae": () => import("../../generated/conv-vae.js"),
  "beta-vae": () => import("../../generated/beta-vae.js"),
  iwae: () => import("../../generated/iwae.js"),
  cvae: () => import("../../generated/cvae.js"),
  gan: () => import("../../generated/gan.js"),
  aae: () => import("../../generated/aae.js"),
  "supervised-aae": () => import("../../generated/supervised-aae.js"),
  "semi-supervised-aae": () => import("../../generated/semi-supervised-aae.js"),
  "vae-2layer": () => import("../../generated/vae-2layer.js"),
  "vae-iaf": () => import("../../generated/vae-iaf.js"),
  "vae-gaussian": () => import("../../generated/vae-gaussian.js"),
  "vae-gaussian-learned": () => import("../../generated/vae-gaussian-learned.js"),
  "vae-cb": () => import("../../generated/vae-cb.js"),
  "vq-vae": () => import("../../generated/vq-vae.js"),
  "vq-vae-ema": () => import("../../generated/vq-vae-ema.js"),
  cgan: () => import("../../generated/cgan.js"),
  "aae-conditional": () => import("../../generated/aae-conditional.js"),
};

async function load(spec: string): Promise<ModuleUnderTest> {
  const module = (await modules[spec]!()) as Record<string, unknown> & { description: ModelDescription };
  const create = Object.entries(module).find(([k]) => k.startsWith("create"))![1] as ModuleUnderTest["create"];
  return { description: module.description, create };
}

/** Terms whose fall shows learning: everything but the adversarial terms (which trade off by design), or the discriminator's for a GAN. */
function progressTerms(description: ModelDescription): string[] {
  const ids = Object.keys(description.terms);
  const cooperative = ids.filter((id) => !id.startsWith("gan_"));
  return cooperative.length > 0 ? cooperative : ids.filter((id) => id.startsWith("gan_d"));
}

beforeAll(async () => {
  await selectBackend("wasm");
});

describe.each(specs)("generated/%s.ts", (spec) => {
  it("trains: finite terms, falling loss, flat tensor count", { timeout: 180_000 }, async () => {
    const { description, create } = await load(spec);
    const model = await create({ seed: 7, backend: "wasm" });
    const data = datasetFor(description);
    const probe = firstBatch(description, data, 128);
    const before = await model.lossTerms(probe, probe);
    for (const value of Object.values(before)) expect(Number.isFinite(value)).toBe(true);

    // A few dozen steps: 256 examples in batches of 32, three epochs.
    const history = await model.fit(data, { epochs: 3, batchSize: 32 });
    for (const epoch of history) for (const value of Object.values(epoch)) expect(Number.isFinite(value)).toBe(true);

    const after = await model.lossTerms(probe, probe);
    const sum = (terms: Record<string, number>) => progressTerms(description).reduce((s, id) => s + terms[id]!, 0);
    expect(sum(after)).toBeLessThan(sum(before));

    // Tensor count is flat across steps once the optimizers have made their state.
    const labelled = firstBatch(description, data, 32);
    await model.trainStep(probe, labelled);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await model.trainStep(probe, labelled);
    expect(tf.memory().numTensors).toBe(count);
    await model.lossTerms(probe, probe);
    expect(tf.memory().numTensors).toBe(count);

    tf.dispose(Object.values(probe));
    tf.dispose(Object.values(labelled));
    model.dispose();
  });

  it("save → load restores every weight and the same outputs", async () => {
    const { description, create } = await load(spec);
    const trained = await create({ seed: 1, backend: "wasm" });
    const data = datasetFor(description, 64);
    await trained.fit(data, { epochs: 1, batchSize: 32 });
    const folder = mkdtempSync(join(tmpdir(), `aespec-${spec}-`));
    await trained.save(folder);

    const restored = await create({ seed: 99, backend: "wasm" });
    await restored.load(folder);
    const a = await weightValues(trained);
    const b = await weightValues(restored);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, values] of a) expect(maxDifference(values, b.get(name)!), name).toBe(0);

    const batch = firstBatch(description, data, 8);
    for (const method of ["encode", "reconstruct"] as const) {
      if (typeof trained[method] !== "function") continue;
      const x = trained[method](batch);
      const y = restored[method](batch);
      for (const key of Object.keys(x)) expect(maxDifference(await x[key].data(), await y[key].data()), `${method} ${key}`).toBe(0);
      tf.dispose([...Object.values(x), ...Object.values(y)] as tf.Tensor[]);
    }
    tf.dispose(Object.values(batch));
    trained.dispose();
    restored.dispose();
  });

  it("each phase changes exactly the weights it names", async () => {
    const { description, create } = await load(spec);
    const model = await create({ seed: 3, backend: "wasm" });
    const data = datasetFor(description, 64);
    const batch = firstBatch(description, data, 32);
    for (const phase of description.phases) {
      const before = await weightValues(model);
      await model.trainPhase(phase.name, batch);
      const after = await weightValues(model);
      const changed = [...before.keys()].filter((name) => maxDifference(before.get(name)!, after.get(name)!) > 0);
      // Its optimizer's weights, and the moving averages (an EMA codebook) of the networks it updates.
      const moving = phase.updates.flatMap((n) => description.networks[n]!.filter((w) => !w.trainable).map((w) => w.name));
      const trainable = new Set([...phaseParameters(description, phase), ...moving]);
      expect(changed.filter((name) => !trainable.has(name)), `phase ${phase.name} moved weights it does not name`).toEqual([]);
      expect(changed.length, `phase ${phase.name} moved nothing`).toBeGreaterThan(0);
    }
    tf.dispose(Object.values(batch));
    model.dispose();
  });
});
