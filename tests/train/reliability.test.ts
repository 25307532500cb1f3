import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DiagnosticError } from "../../src/diagnostics/error.js";
import { latestCheckpoint } from "../../src/runner/checkpoint.js";
import { acquireRunLock, writeErrors } from "../../src/runner/runFolder.js";
import { aec as aecInProcess } from "../helpers/cli.js";

/**
 * Runs never lose work and never lie (issue 20): --out never overwrites a user's files,
 * a damaged newest checkpoint falls back to the previous complete one, one process per
 * run folder, resume keeps the run's settings and is exact even after Ctrl-C mid-epoch,
 * and file-system refusals are diagnostics. Needs `npm run build`.
 */
function aec(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aec.js", ...args], { encoding: "utf8", timeout: 300_000 });
  return { exitCode: run.status, stdout: run.stdout, stderr: run.stderr };
}

const scratch = () => mkdtempSync(join(tmpdir(), "aec-reliable-"));
const tiny = "tests/train/fixtures/tiny-vae.aespec";
const latestFolder = (run: string) => JSON.parse(readFileSync(join(run, "latest.json"), "utf8")).folder as string;
const weights = (run: string) => readFileSync(join(run, latestFolder(run), "weights.bin"));

/** A run of two epochs (two checkpoints), copied by the tests that damage or lock it. */
let base: string;
let older: string;
let newest: string;
beforeAll(() => {
  base = join(scratch(), "run");
  expect(aec("train", tiny, "--limit", "200", "--epochs", "2", "--out", base).exitCode).toBe(0);
  const names = readdirSync(join(base, "checkpoints")).sort();
  expect(names).toEqual(["epoch-0001-step-00000004", "epoch-0002-step-00000008"]);
  [older, newest] = names as [string, string];
}, 300_000);

describe("--out never overwrites a user's files", { timeout: 120_000 }, () => {
  it("refuses an existing folder that is not a run, and a file", async () => {
    const folder = scratch();
    writeFileSync(join(folder, "notes.txt"), "mine");
    const refused = await aecInProcess("train", tiny, "--limit", "100", "--out", folder);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^error\[AE0904\]: `.*` already exists and holds files that are not a run/);
    expect(readdirSync(folder)).toEqual(["notes.txt"]);
    const file = await aecInProcess("train", tiny, "--limit", "100", "--out", join(folder, "notes.txt"));
    expect(file.exitCode).toBe(1);
    expect(file.stderr).toMatch(/^error\[AE0904\]: --out `.*notes.txt` is a file/);
    expect(readFileSync(join(folder, "notes.txt"), "utf8")).toBe("mine");
  });
});

describe("a damaged newest checkpoint falls back to the previous complete one", { timeout: 300_000 }, () => {
  const damages: Record<string, (checkpoint: string, run: string) => void> = {
    "state.json is {}": (c) => writeFileSync(join(c, "state.json"), "{}"),
    "a negative epoch": (c) => writeFileSync(join(c, "state.json"), readFileSync(join(c, "state.json"), "utf8").replace('"epoch": 2', '"epoch": -5')),
    "state.json missing": (c) => rmSync(join(c, "state.json")),
    "optimizer missing": (c) => rmSync(join(c, "optimizer"), { recursive: true }),
    "model.json missing": (c) => rmSync(join(c, "model.json")),
    "weights.bin truncated": (c) => truncateSync(join(c, "weights.bin"), 100),
    "weights.bin corrupted, same size": (c) => {
      const bytes = readFileSync(join(c, "weights.bin"));
      bytes[17] = bytes[17]! ^ 0x40;
      writeFileSync(join(c, "weights.bin"), bytes);
    },
    "latest.json pointing outside the run": (_, run) => writeFileSync(join(run, "latest.json"), JSON.stringify({ folder: "../elsewhere/checkpoints/epoch-0009-step-00000099" })),
  };

  it.each(Object.keys(damages))("%s", (kind) => {
    const run = join(scratch(), "run");
    cpSync(base, run, { recursive: true });
    damages[kind]!(join(run, "checkpoints", newest), run);
    const reports: string[] = [];
    const checkpoint = latestCheckpoint(run, (damaged, fallback) => reports.push(`${damaged.reason} → ${fallback}`));
    const expected = kind.startsWith("latest.json") ? newest : older;
    expect(checkpoint?.folder).toBe(join(run, "checkpoints", expected));
    expect(reports).toHaveLength(1);
  });

  it("--resume from a damaged checkpoint says so, continues from the older one, and deletes nothing before the new one is verified", () => {
    const run = join(scratch(), "run");
    cpSync(base, run, { recursive: true });
    writeFileSync(join(run, "checkpoints", newest, "state.json"), "{}");
    const resumed = aec("train", tiny, "--limit", "200", "--epochs", "3", "--out", run, "--resume");
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toMatch(/^warning\[AE0912\]: checkpoint `.*epoch-0002-step-00000008` is damaged \(.*\); using `.*epoch-0001-step-00000004` instead/);
    expect(resumed.stdout).toContain("at epoch 2");
    // The run equals the undamaged run's continuation; the newest two verified checkpoints are kept.
    expect(readdirSync(join(run, "checkpoints")).sort()).toEqual(["epoch-0002-step-00000008", "epoch-0003-step-00000012"]);
    expect(JSON.parse(readFileSync(join(run, "metrics.json"), "utf8")).epochs).toBe(3);
  });
});

describe("one process per run folder", { timeout: 120_000 }, () => {
  it("a live holder's lock refuses (AE0904); a dead holder's lock is taken over", async () => {
    const run = scratch();
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    writeFileSync(join(run, "run.lock"), `${sleeper.pid}\n`);
    expect(() => acquireRunLock(run)).toThrow(/in use by another aec process/);
    sleeper.kill("SIGKILL");
    await new Promise((resolve) => sleeper.on("close", resolve));
    // The holder was killed: its lock is stale.
    const release = acquireRunLock(run);
    expect(readFileSync(join(run, "run.lock"), "utf8")).toBe(`${process.pid}\n`);
    release();
    expect(existsSync(join(run, "run.lock"))).toBe(false);
  });

  it("a second process on a run folder is refused, resuming or starting afresh", async () => {
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      const run = join(scratch(), "run");
      mkdirSync(run);
      writeFileSync(join(run, "run.lock"), `${sleeper.pid}\n`);
      const fresh = await aecInProcess("train", tiny, "--limit", "100", "--out", run);
      expect(fresh.exitCode).toBe(1);
      expect(fresh.stderr).toMatch(/^error\[AE0904\]: `.*` is in use by another aec process \(pid \d+\)/);
      cpSync(base, run, { recursive: true });
      const resumed = await aecInProcess("train", tiny, "--limit", "200", "--epochs", "3", "--out", run, "--resume");
      expect(resumed.exitCode).toBe(1);
      expect(resumed.stderr).toMatch(/^error\[AE0904\]: `.*` is in use by another aec process/);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it("a changed --seed, --limit, --data or --batch on --resume is refused, naming the setting", async () => {
    const run = join(scratch(), "run");
    cpSync(base, run, { recursive: true });
    for (const [flag, value] of [["--seed", "7"], ["--limit", "50"], ["--data", "elsewhere"], ["--batch", "10"]] as const) {
      const changed = await aecInProcess("train", tiny, "--limit", flag === "--limit" ? value : "200", ...(flag === "--limit" ? [] : [flag, value]), "--epochs", "3", "--out", run, "--resume");
      expect(changed.exitCode, flag).toBe(1);
      expect(changed.stderr).toContain(`error[AE0904]: \`${run}\` was trained with ${flag}`);
    }
  });
});

describe("resume is exact; training outlives its reader", { timeout: 300_000 }, () => {
  it("Ctrl-C mid-epoch, then --resume, ends bit-identical to an uninterrupted run", async () => {
    const folder = scratch();
    const args = ["train", tiny, "--limit", "3000", "--epochs", "1"];
    expect(aec(...args, "--out", join(folder, "straight")).exitCode).toBe(0);
    const resumed = join(folder, "resumed");
    const child = spawn(process.execPath, ["bin/aec.js", ...args, "--out", resumed], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/epoch 1\/1 step \d+\/60/.test(stdout) && !child.killed) child.kill("SIGINT");
    });
    expect(await new Promise((resolve) => child.on("close", resolve))).toBe(130);
    expect(latestFolder(resumed)).toMatch(/^checkpoints\/epoch-0000-step-000000\d\d-interrupted$/);
    const again = aec(...args, "--out", resumed, "--resume");
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/at epoch 1, step \d+/);
    expect(weights(resumed).equals(weights(join(folder, "straight")))).toBe(true);
    const train = (run: string) => JSON.parse(readFileSync(join(run, "history.json"), "utf8")).map((h: { train: unknown }) => h.train);
    expect(train(resumed)).toEqual(train(join(folder, "straight")));
  });

  it("Ctrl-C after the last epoch still writes metrics.json", async () => {
    const run = join(scratch(), "run");
    const child = spawn(process.execPath, ["bin/aec.js", "train", tiny, "--limit", "200", "--epochs", "1", "--k", "300", "--out", run], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/epoch 1\/1: train/.test(stdout) && !child.killed) child.kill("SIGINT");
    });
    expect(await new Promise((resolve) => child.on("close", resolve))).toBe(0);
    expect(JSON.parse(readFileSync(join(run, "metrics.json"), "utf8")).epochs).toBe(1);
  });

  it("a closed standard output (`| head`) does not stop training", async () => {
    const run = join(scratch(), "run");
    const child = spawn(process.execPath, ["bin/aec.js", "train", tiny, "--limit", "200", "--epochs", "2", "--out", run], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.once("data", () => child.stdout.destroy());
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => child.on("close", resolve))).toBe(0);
    expect(stderr).toContain("standard output was closed; training goes on");
    expect(JSON.parse(readFileSync(join(run, "metrics.json"), "utf8")).epochs).toBe(2);
  });
});

describe("user mistakes are diagnostics (exit 1), not internal errors", { timeout: 120_000 }, () => {
  it.each([
    ["EROFS", /^error\[AE0911\]: cannot write `\/runs\/a\/metrics.json`: the file system is read-only/],
    ["EACCES", /^error\[AE0911\]: cannot write `\/runs\/a\/metrics.json`: permission denied/],
    ["ENOSPC", /^error\[AE0911\]: cannot write `\/runs\/a\/metrics.json`: no space left/],
    ["ENOTDIR", /^error\[AE0911\]: cannot write `\/runs\/a\/metrics.json`: a folder on its path is a file/],
  ])("%s while writing a run file (AE0911)", async (code, message) => {
    const failure = Object.assign(new Error(code), { code, path: "/runs/a/.metrics.json.123.0badf00d.tmp" });
    const error = await writeErrors(() => Promise.reject(failure)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagnosticError);
    expect(`${(error as DiagnosticError).diagnostic.severity}[${(error as DiagnosticError).diagnostic.code}]: ${(error as DiagnosticError).message}`).toMatch(message);
  });

  it("--backend node without @tensorflow/tfjs-node (AE0913)", async () => {
    const out = join(scratch(), "run");
    const run = await aecInProcess("train", tiny, "--limit", "100", "--backend", "node", "--out", out);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^error\[AE0913\]: --backend node cannot start/);
    expect(existsSync(out)).toBe(false);
  });

  it("aec sample -n 1000000, --label on an unconditional model (AE0907)", async () => {
    const many = await aecInProcess("sample", "no-such-run", "-n", "1000000");
    expect(many.exitCode).toBe(1);
    expect(many.stderr).toMatch(/^error\[AE0907\]: -n 1000000 is too many samples at once/);
  });

  it("a spec with several models needs --model (a resume keeps it); sample writes CSV and JSON for any model; eval and sample write nothing into the run", () => {
    const folder = scratch();
    const csv = join(folder, "vec.csv");
    writeFileSync(csv, `a,b,c,d\n${Array.from({ length: 40 }, (_, i) => [i % 3, 0.5, -1, i / 40].join(",")).join("\n")}\n`);
    const spec = "tests/train/fixtures/two-models.aespec";
    const run = join(folder, "run");
    const ambiguous = aec("train", spec, "--data", csv, "--out", run);
    expect(ambiguous.exitCode).toBe(1);
    expect(ambiguous.stderr).toMatch(/^error\[AE0905\]: `.*` declares 2 models \(TinyVec, TinyVec2\)/);
    expect(aec("train", spec, "--model", "TinyVec2", "--data", csv, "--out", run).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(run, "metrics.json"), "utf8")).model).toBe("TinyVec2");
    const before = readdirSync(run).sort();
    const sampled = aec("sample", run, "-n", "3", "-o", join(folder, "s.csv"));
    expect(sampled.exitCode).toBe(0);
    expect(readFileSync(join(folder, "s.csv"), "utf8").trim().split("\n").map((l) => l.split(",").length)).toEqual([4, 4, 4]);
    expect(aec("sample", run, "-n", "2", "-o", join(folder, "s.json")).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(folder, "s.json"), "utf8")).x).toHaveLength(2);
    const label = aec("sample", run, "--label", "3");
    expect(label.stderr).toMatch(/^error\[AE0907\]: model TinyVec2 is not conditional/);
    expect(readdirSync(run).sort()).toEqual(before);
    const resumed = aec("train", spec, "--data", csv, "--epochs", "2", "--out", run, "--resume");
    expect(resumed.stderr).toBe("");
    expect(JSON.parse(readFileSync(join(run, "metrics.json"), "utf8"))).toMatchObject({ model: "TinyVec2", epochs: 2 });
  });
});
