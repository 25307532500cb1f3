import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import { parseSampler } from "../../src/runner/posthocSampler.js";

/**
 * `aec sample RUN --sampler gmm(K)` (Ghosh et al. 2020): a plain autoencoder, which has no
 * prior, generates through a Gaussian mixture fitted to its training codes; the fit is kept
 * in the run folder and reused. Needs `npm run build`.
 */
function aec(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aec.js", ...args], { encoding: "utf8", timeout: 300_000 });
  return { exitCode: run.status, stdout: run.stdout, stderr: run.stderr };
}
const scratch = () => mkdtempSync(join(tmpdir(), "aec-gmm-"));

describe("--sampler", () => {
  it("reads prior, gmm and gmm(K)", () => {
    expect(parseSampler("prior")).toEqual({ kind: "prior" });
    expect(parseSampler("gmm")).toEqual({ kind: "gmm", components: 10 });
    expect(parseSampler("gmm( 4 )")).toEqual({ kind: "gmm", components: 4 });
    for (const bad of ["gmm(0)", "gmm(x)", "gmm(3", "normal", "gmm(123456)"]) expect(parseSampler(bad), bad).toBeUndefined();
  });
});

describe("aec sample --sampler gmm(K)", { timeout: 300_000 }, () => {
  it("a plain autoencoder generates through a mixture fitted to its training codes, kept in the run folder", () => {
    const run = join(scratch(), "ae");
    expect(aec("train", "tests/train/fixtures/tiny-ae.aespec", "--limit", "300", "--out", run).exitCode).toBe(0);
    const refused = aec("sample", run);
    expect(refused.stderr).toMatch(/^error\[AE0907\][\s\S]*--sampler gmm\(10\)/);

    const first = aec("sample", run, "--sampler", "gmm(3)", "-n", "4", "-o", join(run, "gmm.png"));
    expect(first.stderr).toBe("");
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^gmm\(3\): fitted 3 full-covariance Gaussians to the 300 training codes of z by EM \(\d+ iterations, mean log-likelihood -?[\d.]+ nats\); wrote .*sampler-gmm-3\.json\nwrote .*gmm\.png\n$/);
    const image = decode(readFileSync(join(run, "gmm.png")));
    expect([image.width, image.height]).toEqual([2 * 29 + 1, 2 * 29 + 1]);
    const stored = JSON.parse(readFileSync(join(run, "sampler-gmm-3.json"), "utf8"));
    expect(stored).toMatchObject({ sampler: "gmm", covariance: "full", checkpoint: readdirSync(join(run, "checkpoints")).sort().at(-1), latents: [{ name: "z", size: 2 }], codes: 300, seed: 1 });
    expect(stored.weights.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(stored.means).toHaveLength(3);
    expect(stored.covariances[0]).toHaveLength(2);

    // The second time, the stored mixture is reused and the draws are the same.
    const second = aec("sample", run, "--sampler", "gmm(3)", "-n", "4", "-o", join(run, "again.png"));
    expect(second.stdout).toMatch(/^gmm\(3\): the mixture fitted to 300 codes at epoch-0001-step-00000006, from /);
    expect(readFileSync(join(run, "again.png")).equals(readFileSync(join(run, "gmm.png")))).toBe(true);

    const tooMany = aec("sample", run, "--sampler", "gmm(301)");
    expect(tooMany.exitCode).toBe(1);
    expect(tooMany.stderr).toMatch(/^error\[AE0920\]: a mixture of 301 Gaussians needs at least 301 codes; the training data gives 300/);
    const label = aec("sample", run, "--sampler", "gmm", "--label", "1");
    expect(label.stderr).toMatch(/^error\[AE0920\]: --label goes with --sampler prior/);
    const bad = aec("sample", run, "--sampler", "gmm(0)");
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/--sampler must be `prior`, `gmm` or `gmm\(K\)`/);
  });

  it("refuses a decoder that reads data besides codes (a conditional VAE)", () => {
    const run = join(scratch(), "cvae");
    expect(aec("train", "tests/train/fixtures/tiny-cvae.aespec", "--limit", "100", "--out", run).exitCode).toBe(0);
    const refused = aec("sample", run, "--sampler", "gmm(2)");
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^error\[AE0920\]: model TinyCVAE cannot sample through a fitted mixture: its decoder reads `z`, `y`, not only real codes an encoder gives/);
  });
});
