import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import { mnistFolder } from "../../src/data/mnistFiles.js";
import { validateMetrics } from "../../src/training/metrics.js";

/**
 * `aec train`, `aec eval` and `aec sample` as users run them: the built binary, on a few
 * hundred MNIST images (needs `npm run build`, which `npm test` does first).
 */
function aec(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aec.js", ...args], { encoding: "utf8", timeout: 300_000 });
  return { exitCode: run.status, stdout: run.stdout, stderr: run.stderr };
}

const scratch = () => mkdtempSync(join(tmpdir(), "aec-train-"));
const tiny = "tests/train/fixtures/tiny-vae.aespec";

function png(path: string): { width: number; height: number } {
  const image = decode(readFileSync(path));
  return { width: image.width, height: image.height };
}

describe("aec train", { timeout: 300_000 }, () => {
  it("writes every output of a run: pictures, loss curves, checkpoint and metrics", () => {
    const out = join(scratch(), "run");
    const run = aec("train", tiny, "--limit", "300", "--out", out);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/epoch 2\/2: train nll_x [\d.]+ · kl_z [\d.]+ \| test nll_x/);
    // Plain lines, not a progress bar, when the output is not a terminal.
    expect(run.stdout).not.toContain("\r");
    for (const file of ["samples.png", "reconstructions.png", "loss.svg", "manifold.png", "latent.png", "metrics.json", "history.json", "model.ts", "spec.aespec", "run.json", "latest.json"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(png(join(out, "samples.png"))).toEqual({ width: 8 * 29 + 1, height: 8 * 29 + 1 });
    expect(png(join(out, "reconstructions.png"))).toEqual({ width: 16 * 29 + 1, height: 2 * 29 + 1 });
    expect(png(join(out, "manifold.png"))).toEqual({ width: 20 * 29 + 1, height: 20 * 29 + 1 });
    expect(png(join(out, "latent.png"))).toEqual({ width: 512, height: 512 });
    expect(readFileSync(join(out, "loss.svg"), "utf8")).toMatch(/^<svg[\s\S]*nll_x \(train\)[\s\S]*kl_z \(test\)[\s\S]*<\/svg>\n$/);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(validateMetrics(metrics)).toEqual([]);
    expect(metrics).toMatchObject({ model: "TinyVAE", epochs: 2, trainExamples: 300, testExamples: 300 });
    expect(metrics.test.negativeElbo).toBeCloseTo(metrics.test.nll_x + metrics.test.kl_z, 3);
    // No tensor leaks across epochs (training, evaluation, pictures, checkpoints).
    const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { tensors: number; buffers: number; rssMb: number }[];
    expect(history).toHaveLength(2);
    expect(history[1]!.tensors).toBe(history[0]!.tensors);
    expect(history[1]!.buffers).toBe(history[0]!.buffers);
    expect(history[0]!.rssMb).toBeGreaterThan(0);
    expect(metrics.importanceSampledNll.k).toBe(100);
    // IWAE's bound is tighter than the ELBO.
    expect(metrics.importanceSampledNll.nats).toBeLessThan(metrics.test.negativeElbo + 1);

    const evaluated = aec("eval", out, "--k", "10");
    expect(evaluated.exitCode).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ model: "TinyVAE", importanceSampledNll: { k: 10 } });
    const sampled = aec("sample", out, "-n", "9", "-o", join(out, "nine.png"));
    expect(sampled.exitCode).toBe(0);
    expect(png(join(out, "nine.png"))).toEqual({ width: 3 * 29 + 1, height: 3 * 29 + 1 });
  });

  it("never overwrites a run, and resuming continues with exactly the weights a straight run has", () => {
    const folder = scratch();
    const straight = join(folder, "straight");
    const resumed = join(folder, "resumed");
    expect(aec("train", tiny, "--limit", "200", "--epochs", "2", "--out", straight).exitCode).toBe(0);
    expect(aec("train", tiny, "--limit", "200", "--epochs", "1", "--out", resumed).exitCode).toBe(0);
    const again = aec("train", tiny, "--limit", "200", "--out", resumed);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("error[AE0904]");
    const resume = aec("train", tiny, "--limit", "200", "--epochs", "2", "--out", resumed, "--resume");
    expect(resume.exitCode).toBe(0);
    expect(resume.stdout).toContain("at epoch 2");
    const weights = (run: string) => readFileSync(join(run, JSON.parse(readFileSync(join(run, "latest.json"), "utf8")).folder, "weights.bin"));
    expect(weights(resumed).equals(weights(straight))).toBe(true);
  });

  it("labels: a conditional model samples one row per class; a semi-supervised one reports classification error", () => {
    const folder = scratch();
    const cvae = aec("train", "tests/train/fixtures/tiny-cvae.aespec", "--limit", "200", "--out", join(folder, "cvae"));
    expect(cvae.exitCode).toBe(0);
    expect(png(join(folder, "cvae", "samples.png"))).toEqual({ width: 10 * 29 + 1, height: 10 * 29 + 1 });
    const ssaae = aec("train", "tests/train/fixtures/tiny-ssaae.aespec", "--limit", "200", "--out", join(folder, "ssaae"));
    expect(ssaae.exitCode).toBe(0);
    const metrics = JSON.parse(readFileSync(join(folder, "ssaae", "metrics.json"), "utf8"));
    expect(validateMetrics(metrics)).toEqual([]);
    expect(metrics.classificationError).toMatchObject({ variable: "y", examples: 200 });
  });
});

describe("aec train on bad data", { timeout: 120_000 }, () => {
  function expectDataError(data: string, message: RegExp, code = "AE0903") {
    const out = join(scratch(), "run");
    const run = aec("train", tiny, "--data", data, "--out", out);
    expect(run.exitCode).toBe(1);
    // One line, and a help line where the diagnostic has help.
    expect(run.stderr.trim().split("\n")).toHaveLength(code === "AE0903" ? 1 : 2);
    expect(run.stderr.split("\n")[0]).toMatch(new RegExp(`^error\\[${code}\\]: `));
    expect(run.stderr).toMatch(message);
    expect(existsSync(out), "nothing is written for bad data").toBe(false);
  }

  it("a missing path", () => expectDataError("no/such/folder", /cannot read `no\/such\/folder`/));

  it("a truncated IDX file", () => {
    const folder = scratch();
    const images = readFileSync(join(mnistFolder(), "t10k-images-idx3-ubyte"));
    writeFileSync(join(folder, "train-images-idx3-ubyte"), images.subarray(0, 5000));
    writeFileSync(join(folder, "train-labels-idx1-ubyte"), readFileSync(join(mnistFolder(), "t10k-labels-idx1-ubyte")));
    expectDataError(folder, /truncated/);
  });

  it("a CSV file with a wrong column count", () => {
    const path = join(scratch(), "data.csv");
    writeFileSync(path, `${Array(784).fill("0.5").join(",")}\n${Array(783).fill("0.5").join(",")}\n`);
    expectDataError(path, /line 2 has 783 columns; model TinyVAE needs 784/);
  });

  it("values outside the declared support", () => {
    const path = join(scratch(), "data.csv");
    const rows = Array.from({ length: 20 }, (_, i) => Array(784).fill(i === 3 ? "2" : "0.5").join(","));
    writeFileSync(path, `${rows.join("\n")}\n`);
    expectDataError(path, /`.*data.csv` line 4 has x value 2, outside the support \[0, 1\]/);
  });

  it("an image of the wrong size names the file, with help (AE0915)", async () => {
    const { encode } = await import("fast-png");
    const folder = scratch();
    mkdirSync(join(folder, "3"));
    writeFileSync(join(folder, "3", "a.png"), encode({ width: 32, height: 32, data: new Uint8Array(32 * 32), channels: 1 }));
    expectDataError(folder, /a\.png` is 32×32; `x` needs 28×28 images\n *= help: resize the images/, "AE0915");
  });
});

describe("aec train interrupted", { timeout: 300_000 }, () => {
  it("Ctrl-C saves a checkpoint of the epoch in progress, exits 130, and --resume finishes the run", async () => {
    const { spawn } = await import("node:child_process");
    const out = join(scratch(), "run");
    const child = spawn(process.execPath, ["bin/aec.js", "train", tiny, "--limit", "10000", "--epochs", "3", "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      // Interrupt once the first epoch is complete and the second has begun.
      if (/epoch 2\/3 step/.test(stdout) && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    expect(stdout).toContain("interrupted during epoch 2");
    const latest = JSON.parse(readFileSync(join(out, "latest.json"), "utf8"));
    expect(latest.folder).toMatch(/^checkpoints\/epoch-0001-step-\d{8}-interrupted$/);
    const resumed = aec("train", tiny, "--limit", "10000", "--epochs", "3", "--out", out, "--resume");
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain("at epoch 2");
    expect(resumed.stdout).toContain("epoch 3/3: train");
    expect(JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")).epochs).toBe(3);
  });
});

describe("aec train refusals", { timeout: 120_000 }, () => {
  it("a spec with errors: its diagnostics, exit code 1, nothing written (AE0905)", () => {
    const out = join(scratch(), "run");
    const run = aec("train", "tests/check/head-shape-mismatch.aespec", "--out", out);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("error[AE0905]");
    expect(run.stderr).toContain("error[AE0302]");
    expect(existsSync(out)).toBe(false);
  });

  it("a loss that stops being finite names the term and the step, keeps the last checkpoint (AE0906)", () => {
    const out = join(scratch(), "run");
    const run = aec("train", "tests/train/fixtures/exploding-vae.aespec", "--limit", "500", "--out", out);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^error\[AE0906\]: loss term (nll_x|kl_z) became (NaN|Infinity|-Infinity) at step \d+ \(epoch 1\)/);
    expect(run.stderr).toContain("lower learning rate");
    expect(existsSync(join(out, "latest.json"))).toBe(false);
  });

  it("a --batch larger than the model can hold at once is refused before anything starts (AE0607)", () => {
    const out = join(scratch(), "run");
    const run = aec("train", tiny, "--batch", "1000000", "--limit", "100", "--out", out);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^error\[AE0607\]: --batch 1000000 is more than the model can hold at once/);
    expect(existsSync(out)).toBe(false);
  });

  it("sampling a model without a prior is refused (AE0907)", () => {
    const out = join(scratch(), "run");
    expect(aec("train", "tests/train/fixtures/tiny-ae.aespec", "--limit", "100", "--out", out).exitCode).toBe(0);
    const run = aec("sample", out);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("error[AE0907]: model TinyAE cannot sample");
  });
});
