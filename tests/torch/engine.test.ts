// `aec train --engine torch`: the TF.js engine's run folder, trained by PyTorch; the TF.js
// module then reads the torch checkpoint (pictures, metrics, aec eval).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aec as aecInProcess } from "../helpers/cli.js";
import { skipTorch } from "./helpers.js";

const spec = "tests/train/fixtures/tiny-ae.aespec";

/** The built `aec` (training imports generated modules, which run from dist/; npm test builds first). */
async function aec(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aec.js", ...args], { encoding: "utf8", timeout: 300_000, env: process.env });
  return { exitCode: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

describe.skipIf(skipTorch)("aec train --engine torch", () => {
  it("trains into a run folder that the TF.js module reads: aec eval gives the test figure torch computed", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aespec-torch-run-")), "run");
    const run = await aec("train", spec, "--engine", "torch", "--limit", "200", "--epochs", "2", "--out", out);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    for (const file of ["model.py", "run.json", "latest.json", "metrics.json", "history.json", "loss.svg", "reconstructions.png"]) expect(existsSync(join(out, file)), file).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).engine).toBe("torch");
    const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8"));
    expect(history).toHaveLength(2);
    const evaluated = await aec("eval", out);
    expect(evaluated.exitCode).toBe(0);
    expect(JSON.parse(evaluated.stdout).test.nll_x).toBeCloseTo(history[1].test.nll_x, 3);

    // Resuming continues on torch; asking for the other engine is refused, naming the setting.
    const other = await aec("train", spec, "--engine", "tfjs", "--epochs", "3", "--out", out, "--resume");
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("error[AE0904]");
    expect(other.stderr).toContain("--engine");
    const more = await aec("train", spec, "--epochs", "3", "--out", out, "--resume");
    expect(more.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "history.json"), "utf8"))).toHaveLength(3);
  }, 180_000);

  it("--start-from a TF.js run continues its weights on torch (a fresh model would start far higher)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "aespec-torch-run-"));
    expect((await aec("train", spec, "--limit", "200", "--epochs", "2", "--out", join(folder, "tfjs"))).exitCode).toBe(0);
    const fresh = await aec("train", spec, "--engine", "torch", "--limit", "200", "--epochs", "1", "--out", join(folder, "fresh"));
    const started = await aec("train", spec, "--engine", "torch", "--start-from", join(folder, "tfjs"), "--limit", "200", "--epochs", "1", "--out", join(folder, "torch"));
    expect(started.exitCode).toBe(0);
    const testNll = (run: string) => JSON.parse(readFileSync(join(folder, run, "history.json"), "utf8")).at(-1).test.nll_x as number;
    expect(testNll("torch")).toBeLessThan(testNll("tfjs"));
    expect(testNll("torch")).toBeLessThan(testNll("fresh"));
    expect(fresh.exitCode).toBe(0);
  }, 180_000);

  it("without a Python that has torch: one diagnostic, exit 1, nothing written", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aespec-torch-run-")), "run");
    const saved = process.env.AESPEC_PYTHON;
    process.env.AESPEC_PYTHON = "/nonexistent/python3";
    try {
      const run = await aec("train", spec, "--engine", "torch", "--limit", "64", "--epochs", "1", "--out", out);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain("error[AE0914]: no Python with PyTorch found (tried /nonexistent/python3); nothing was written");
      expect(existsSync(out)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.AESPEC_PYTHON;
      else process.env.AESPEC_PYTHON = saved;
    }
  });

  it("--nproc without the torch engine, and --workers with it, are refused", async () => {
    expect((await aecInProcess("train", spec, "--nproc", "2", "--limit", "64")).stderr).toContain("error[AE0914]");
    expect((await aecInProcess("train", spec, "--engine", "torch", "--workers", "2", "--limit", "64")).stderr).toContain("error[AE0914]");
  });
});
