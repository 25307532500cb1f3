import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import { latestCheckpoint, restoreCheckpoint, saveCheckpoint } from "../../src/runner/checkpoint.js";
import { generateTfjsModule } from "../../src/codegen/index.js";
import { selectBackend } from "../../src/runtime/backend.js";
import type { TrainableModel } from "../../src/training/model.js";
import { root, skipTorch, torchFixtureModules, torchPython } from "./helpers.js";

describe("the torch trainer's fixtures", () => {
  it("keeps python/tests/fixtures/*.py fresh (regenerate: npx tsx tests/torch/generate.ts)", () => {
    for (const { file, python } of torchFixtureModules()) expect(readFileSync(join(root, file), "utf8"), `${file} is stale`).toBe(python);
  });
});

/**
 * One run folder format for both engines: a TF.js checkpoint (weights + optimizer state,
 * written by the TS runner's saveCheckpoint) starts a torch run, and the torch run's
 * checkpoint is found, verified (its checksums) and restored by the TS runner's own code.
 */
describe.skipIf(skipTorch)("torch and TS run folders", () => {
  it("tiny-vae: TF.js checkpoint → torch --start-from → TS latestCheckpoint + restoreCheckpoint", { timeout: 60_000 }, async () => {
    const python = torchPython();
    expect(python, "no interpreter with torch: apt-get install python3-torch, or set AESPEC_PYTHON").toBeDefined();
    const folder = mkdtempSync(join(tmpdir(), "aespec-torch-trainer-"));
    try {
      await selectBackend("cpu");
      const path = "tests/train/fixtures/tiny-vae.aespec";
      const checked = checkSource({ name: path, text: readFileSync(join(root, path), "utf8") });
      // The TF.js module, generated into the temporary folder and imported from there (as equivalence.test.ts does).
      writeFileSync(join(folder, "tiny-vae.ts"), await generateTfjsModule(lowerModel(checked.models[0]!, path)));
      const generated = (await import(/* @vite-ignore */ join(folder, "tiny-vae.ts"))) as Record<string, unknown>;
      const module = { create: generated.createTinyVAE as (options: { seed: number; backend: "cpu" }) => Promise<unknown> };
      // Rows: 32 random images, float32 little-endian.
      const rows = 32;
      const values = new Float32Array(rows * 784).map((_, i) => ((i * 7919) % 1000) / 1000);
      writeFileSync(join(folder, "rows.f32"), Buffer.from(values.buffer));
      writeFileSync(join(folder, "rows.json"), JSON.stringify({ file: "rows.f32", rows, columns: [{ name: "x", size: 784 }] }));

      const tfjs = (await module.create({ seed: 2, backend: "cpu" })) as unknown as TrainableModel & { trainStep(b: Record<string, tf.Tensor>): Promise<unknown> };
      const x = tf.tensor2d(values.subarray(0, 8 * 784), [8, 784]);
      for (let i = 0; i < 3; i++) await tfjs.trainStep({ x });
      x.dispose();
      const tsRun = join(folder, "ts-run");
      await saveCheckpoint(tsRun, tfjs, { epoch: 1, interrupted: false, random: tfjs.random.position, steps: 3, history: [{ epoch: 1, seconds: 0, train: {}, test: {} }] });

      const torchRun = join(folder, "torch-run");
      const output = execFileSync(python!, ["-m", "aespec_torch.train", join(root, "python/tests/fixtures/tiny-vae.py"), "--data", join(folder, "rows.json"), "--out", torchRun, "--epochs", "1", "--batch", "8", "--start-from", tsRun, "--spec", join(root, path)], {
        env: { ...process.env, PYTHONPATH: join(root, "python"), OMP_NUM_THREADS: "1", PYTHONDONTWRITEBYTECODE: "1" },
        encoding: "utf8",
      });
      const events = output.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events.map((e) => e.event)).toEqual(["start", "steps", "epoch", "done"]);

      const checkpoint = latestCheckpoint(torchRun, (damaged) => expect.fail(`${damaged.folder}: ${damaged.reason}`));
      expect(checkpoint?.folder).toBe(join(torchRun, "checkpoints/epoch-0001-step-00000004"));
      expect(checkpoint!.state).toMatchObject({ epoch: 1, interrupted: false, steps: 4 });
      expect(readFileSync(join(torchRun, "spec.aespec"), "utf8")).toBe(readFileSync(join(root, path), "utf8"));

      const restored = (await module.create({ seed: 9, backend: "cpu" })) as unknown as TrainableModel;
      await restoreCheckpoint(restored, checkpoint!);
      const state = await restored.optimizerState();
      // Adam continued from TF.js's 3 steps: 3 + 4 torch steps.
      const iter = Object.entries(state).find(([name]) => name.endsWith(":iter"))![1];
      expect(iter.dataSync()[0]).toBe(7);
      tf.dispose(Object.values(state));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
