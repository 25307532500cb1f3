import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { skipTorch } from "../torch/helpers.js";

/**
 * An EMA codebook (`VectorQuantize(..., ema = γ)`) is state outside the optimizer, like
 * batch-norm's moving statistics: it is saved with the weights, so resuming gives exactly
 * the weights a straight run has, on either engine; data-parallel training refuses it.
 */
function aec(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aec.js", ...args], { encoding: "utf8", timeout: 300_000, env: process.env });
  return { exitCode: run.status, stdout: run.stdout, stderr: run.stderr };
}

const spec = "tests/train/fixtures/tiny-vq-ema.aespec";

/** The latest checkpoint's weights: the model.json manifest (names in order) and weights.bin. */
function checkpoint(run: string): { names: string[]; bytes: Buffer } {
  const folder = join(run, JSON.parse(readFileSync(join(run, "latest.json"), "utf8")).folder);
  const manifest = JSON.parse(readFileSync(join(folder, "model.json"), "utf8"));
  const names = (manifest.weightsManifest as { weights: { name: string }[] }[]).flatMap((g) => g.weights.map((w) => w.name));
  return { names, bytes: readFileSync(join(folder, "weights.bin")) };
}

function resumesExactly(engine: "tfjs" | "torch") {
  const folder = mkdtempSync(join(tmpdir(), `aec-ema-${engine}-`));
  const [straight, resumed] = [join(folder, "straight"), join(folder, "resumed")];
  const common = ["--engine", engine, "--limit", "200"];
  expect(aec("train", spec, ...common, "--epochs", "2", "--out", straight).exitCode).toBe(0);
  expect(aec("train", spec, ...common, "--epochs", "1", "--out", resumed).exitCode).toBe(0);
  const resume = aec("train", spec, "--limit", "200", "--epochs", "2", "--out", resumed, "--resume");
  expect(resume.stderr).toBe("");
  // It trains the second epoch only.
  expect(resume.stdout).toContain("epoch 2/2");
  expect(resume.stdout).not.toContain("epoch 1/2");
  const [a, b] = [checkpoint(straight), checkpoint(resumed)];
  expect(a.names).toContain("q/z/codebook");
  expect(a.names).toContain("q/z/clusterSize");
  expect(b.names).toEqual(a.names);
  expect(b.bytes.equals(a.bytes)).toBe(true);
}

describe("an EMA codebook in training runs", { timeout: 300_000 }, () => {
  it("tfjs: is saved in the checkpoint, and resuming gives exactly the straight run's weights", () => resumesExactly("tfjs"));

  it.skipIf(skipTorch)("torch: is saved in the checkpoint, and resuming gives exactly the straight run's weights", () => resumesExactly("torch"));

  it("--workers refuses it (AE0909): each replica would keep its own averages", () => {
    const run = aec("train", spec, "--limit", "100", "--epochs", "1", "--workers", "2", "--out", join(mkdtempSync(join(tmpdir(), "aec-ema-")), "run"));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("error[AE0909]: model TinyVQEMA keeps moving averages (batchNorm's statistics or an EMA codebook)");
  });
});
