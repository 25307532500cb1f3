// Data-parallel training (aec train --workers N). Worker threads run compiled JavaScript,
// so this test drives the built package in dist/ (npm test builds it first).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
const { checkSource } = (await import(dist("compiler.js"))) as typeof import("../../src/compiler.js");
const { lowerModel } = (await import(dist("ir/lower.js"))) as typeof import("../../src/ir/lower.js");
const { loadModelModule } = (await import(dist("runner/loadModule.js"))) as typeof import("../../src/runner/loadModule.js");
const { DataParallelTrainer, shards } = (await import(dist("runner/parallel.js"))) as typeof import("../../src/runner/parallel.js");
const { loadMnist } = (await import(dist("data/mnistFiles.js"))) as typeof import("../../src/data/mnistFiles.js");

/** A deterministic model (no sampling, no corruption): one step on the full batch has one right answer. */
const spec = "tests/train/fixtures/tiny-ae.aespec";

async function compiled() {
  const ir = lowerModel(checkSource({ name: spec, text: readFileSync(spec, "utf8") }).models[0]!, spec);
  return loadModelModule(ir, mkdtempSync(join(tmpdir(), "aec-parallel-")));
}

async function weightValues(model: { weights: { entries(): [string, { data(): Promise<unknown> }][] } }): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, v] of model.weights.entries()) out[name] = Array.from((await v.data()) as Float32Array);
  return out;
}

describe("data-parallel training over worker threads", () => {
  it("shards split rows into near-equal contiguous parts", () => {
    const rows = Int32Array.from({ length: 7 }, (_, i) => i);
    expect(shards(rows, 3).map((s) => Array.from(s))).toEqual([[0, 1, 2], [3, 4], [5, 6]]);
  });

  it("steps with 2 and 3 replicas equal steps on the full batch (weights and terms, three steps in a row)", async () => {
    const module = await compiled();
    const mnist = loadMnist("train", 96);
    const data = { size: mnist.size, columns: { x: mnist.images } };
    const batches = [0, 1, 2].map((b) => Int32Array.from({ length: 30 }, (_, i) => b * 30 + i)); // 30 rows: uneven shards for 3 replicas too
    const single = await module.create({ seed: 3, backend: "wasm" });
    const reference: Record<string, number>[] = [];
    for (const rows of batches) {
      const { dataBatch } = (await import(dist("runtime/model.js"))) as typeof import("../../src/runtime/model.js");
      const batch = dataBatch(single.description, data, rows);
      reference.push(await single.trainStep(batch));
      Object.values(batch).forEach((t) => t.dispose());
    }
    const expected = await weightValues(single);
    const initial = await weightValues(await module.create({ seed: 3, backend: "wasm" }));
    for (const workers of [2, 3]) {
      const model = await module.create({ seed: 3, backend: "wasm" });
      const trainer = await DataParallelTrainer.start(model, data, { workers, moduleUrl: module.url!, factory: "createTinyAE", seed: 3, backend: "wasm" });
      try {
        for (const [i, rows] of batches.entries()) {
          const terms = await trainer.step(rows, undefined);
          expect(terms.nll_x).toBeCloseTo(reference[i]!.nll_x!, 2);
        }
        // Every replica summed the same gradients in the same order: identical weights, bit for bit.
        const mine = await weightValues(model);
        for (const [rank, replica] of (await trainer.replicaWeights()).entries()) {
          for (const [name, values] of Object.entries(mine)) expect(Array.from(replica[name]!.dataSync()), `${name} of worker ${rank + 1} of ${workers}`).toEqual(values);
          Object.values(replica).forEach((t) => t.dispose());
        }
      } finally {
        await trainer.close();
      }
      expect(model.stepCount).toBe(3);
      const got = await weightValues(model);
      for (const [name, values] of Object.entries(expected)) {
        const moved = Math.max(...values.map((v, j) => Math.abs(v - initial[name]![j]!)));
        const error = Math.max(...values.map((v, j) => Math.abs(v - got[name]![j]!)));
        expect(moved, `${name} moved`).toBeGreaterThan(1e-4);
        // Float32 sums in another order differ in the last bits, and Adam divides by √v, which
        // magnifies that where a gradient is near 0: allow 2 % of how far the weight moved.
        expect(error, `${name} with ${workers} replicas`).toBeLessThan(0.02 * moved);
      }
    }
  }, 120_000);

  it("a last batch smaller than the replicas: an empty shard adds nothing, and the step equals one thread's", async () => {
    const module = await compiled();
    const mnist = loadMnist("train", 8);
    const data = { size: mnist.size, columns: { x: mnist.images } };
    const single = await module.create({ seed: 3, backend: "wasm" });
    const { dataBatch } = (await import(dist("runtime/model.js"))) as typeof import("../../src/runtime/model.js");
    const batch = dataBatch(single.description, data, Int32Array.of(5));
    const reference = await single.trainStep(batch);
    Object.values(batch).forEach((t) => t.dispose());
    const model = await module.create({ seed: 3, backend: "wasm" });
    const trainer = await DataParallelTrainer.start(model, data, { workers: 3, moduleUrl: module.url!, factory: "createTinyAE", seed: 3, backend: "wasm" });
    try {
      const terms = await trainer.step(Int32Array.of(5), undefined); // shards of 1, 0 and 0 rows
      expect(terms.nll_x).toBeCloseTo(reference.nll_x!, 3);
      const [mine, expected] = [await weightValues(model), await weightValues(single)];
      for (const [name, values] of Object.entries(expected)) expect(mine[name]!.map((v, i) => Math.abs(v - values[i]!)).every((d) => d < 1e-6), name).toBe(true);
    } finally {
      await trainer.close();
    }
  }, 60_000);

  it("a phase mixing labelled and unlabelled rows (M2) trains with 2 workers: each term over its own rows, the same weights in every replica", async () => {
    const m2 = "tests/train/fixtures/tiny-m2.aespec";
    const ir = lowerModel(checkSource({ name: m2, text: readFileSync(m2, "utf8") }).models[0]!, m2);
    const module = await loadModelModule(ir, mkdtempSync(join(tmpdir(), "aec-parallel-")));
    const size = 24;
    const x = Float32Array.from({ length: size * 6 }, (_, i) => ((i * 7) % 5 < 2 ? 1 : 0));
    const y = Float32Array.from({ length: size * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
    const data = { size, columns: { x, y }, labelled: Int32Array.of(0, 1, 2, 3, 4, 5) };
    const model = await module.create({ seed: 3, backend: "wasm" });
    model.labelledFraction = 6 / size;
    const trainer = await DataParallelTrainer.start(model, data, { workers: 2, moduleUrl: module.url!, factory: "createTinyM2", seed: 3, backend: "wasm" });
    try {
      for (let step = 0; step < 3; step++) {
        const terms = await trainer.step(Int32Array.from({ length: 8 }, (_, i) => 8 + ((step * 8 + i) % 16)), Int32Array.of(0, 1, 2, 3, 4, 5, 0, 1));
        expect(Object.keys(terms).sort()).toEqual(["enumerate_y", "kl_z", "nll_x", "nll_y"]);
        for (const value of Object.values(terms)) expect(Number.isFinite(value)).toBe(true);
      }
      const mine = await weightValues(model);
      for (const replica of await trainer.replicaWeights()) {
        for (const [name, values] of Object.entries(mine)) expect(Array.from(replica[name]!.dataSync()), name).toEqual(values);
        Object.values(replica).forEach((t) => t.dispose());
      }
    } finally {
      await trainer.close();
    }
  }, 60_000);

  it("a worker that dies fails the step with its reason instead of leaving the trainer waiting", async () => {
    const module = await compiled();
    const mnist = loadMnist("train", 32);
    const data = { size: mnist.size, columns: { x: mnist.images } };
    const model = await module.create({ seed: 3, backend: "wasm" });
    const trainer = await DataParallelTrainer.start(model, data, { workers: 2, moduleUrl: module.url!, factory: "createTinyAE", seed: 3, backend: "wasm" });
    const rows = Int32Array.from({ length: 16 }, (_, i) => i);
    try {
      await trainer.step(rows, undefined);
      await (trainer as unknown as { replicas: { worker: { terminate(): Promise<number> } }[] }).replicas[0]!.worker.terminate();
      await expect(trainer.step(rows, undefined)).rejects.toThrow(/a training worker exited/);
    } finally {
      await trainer.close();
    }
  }, 60_000);

  it("aec train --workers refuses more workers than the batch has examples (AE0909), writing nothing", () => {
    const out = join(mkdtempSync(join(tmpdir(), "aec-parallel-")), "run");
    const run = spawnSync(process.execPath, ["bin/aec.js", "train", spec, "--limit", "100", "--batch", "4", "--workers", "8", "--out", out], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error[AE0909]: --workers 8 needs a batch of at least 8 examples; the batch is 4");
    expect(existsSync(out)).toBe(false);
  });

  it("aec train --workers 2 trains a run to the end", () => {
    const out = join(mkdtempSync(join(tmpdir(), "aec-parallel-")), "run");
    const run = spawnSync(process.execPath, ["bin/aec.js", "train", spec, "--limit", "300", "--workers", "2", "--out", out], { encoding: "utf8", timeout: 120_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("2 workers");
    expect(existsSync(join(out, "metrics.json"))).toBe(true);
  }, 120_000);
});
