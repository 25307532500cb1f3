import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Random } from "../../src/runtime/random.js";

/**
 * SIGKILL at random moments (seeded) during a tiny run: every time, latest.json names a
 * complete checkpoint, and --resume continues from it. KILL_RUNS=50 for a longer hand run.
 */
const kills = Number(process.env.KILL_RUNS ?? 10);
const tiny = "tests/train/fixtures/tiny-vae.aespec";

function complete(run: string): boolean {
  if (!existsSync(join(run, "latest.json"))) return true; // killed before the first checkpoint: nothing to lose
  const { folder } = JSON.parse(readFileSync(join(run, "latest.json"), "utf8"));
  const checkpoint = join(run, folder);
  const state = JSON.parse(readFileSync(join(checkpoint, "state.json"), "utf8"));
  const manifest = JSON.parse(readFileSync(join(checkpoint, "model.json"), "utf8"));
  const bytes = manifest.weightsManifest[0].weights.reduce((n: number, w: { shape: number[] }) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  return Number.isInteger(state.epoch) && readFileSync(join(checkpoint, "weights.bin")).length === bytes && existsSync(join(checkpoint, "optimizer", "model.json"));
}

describe("killed runs always resume from a complete checkpoint", () => {
  it(`survives ${kills} SIGKILLs at random moments`, { timeout: 600_000 }, async () => {
    const run = join(mkdtempSync(join(tmpdir(), "aec-kill-")), "run");
    const random = new Random(2026);
    // A first epoch runs to completion, so every kill below lands in a run with a checkpoint.
    expect(spawnSync(process.execPath, ["bin/aec.js", "train", tiny, "--limit", "200", "--epochs", "1", "--out", run]).status).toBe(0);
    let survived = 0;
    for (let i = 0; i < kills; i++) {
      const child = spawn(process.execPath, ["bin/aec.js", "train", tiny, "--limit", "200", "--epochs", "1000", "--out", run, "--resume"], { stdio: "ignore" });
      // Start-up takes 2–5 s; an epoch of 4 steps, its evaluation, checkpoint and pictures 1–2 s.
      await new Promise((resolve) => setTimeout(resolve, 3000 + random.int(9000)));
      child.kill("SIGKILL");
      await new Promise((resolve) => child.on("close", resolve));
      expect(complete(run), `after kill ${i + 1}`).toBe(true);
      survived++;
    }
    expect(survived).toBe(kills);
    // A last resume finishes one more epoch from the newest checkpoint.
    const { folder } = JSON.parse(readFileSync(join(run, "latest.json"), "utf8"));
    const epoch = JSON.parse(readFileSync(join(run, folder, "state.json"), "utf8")).epoch as number;
    expect(epoch).toBeGreaterThan(1);
    const last = spawnSync(process.execPath, ["bin/aec.js", "train", tiny, "--limit", "200", "--epochs", String(epoch + 1), "--out", run, "--resume"], { encoding: "utf8" });
    expect(last.stderr).toBe("");
    expect(last.status).toBe(0);
    expect(last.stdout).toContain(`epoch ${epoch + 1}/${epoch + 1}: train`);
    expect(readdirSync(join(run, "checkpoints")).filter((f) => f.includes(".partial")).length).toBeLessThanOrEqual(0);
  });
});
