import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../src/compiler.js";
import { buildLossGraph } from "../../src/graph/lossGraph.js";
import { lowerModel } from "../../src/ir/lower.js";
import { skipTorch, torchPython } from "../torch/helpers.js";

/**
 * Schedules over a run (needs `npm run build`): history.json records the value each had at
 * every epoch's end, and a run resumed from its checkpoint continues the schedule where it
 * stopped: 1 epoch + --resume to 2 ends bit-identical to 2 straight epochs, in both engines.
 */
const spec = "tests/train/fixtures/tiny-vae-schedules.aespec";
const scratch = () => mkdtempSync(join(tmpdir(), "aec-schedules-"));

function aec(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/aec.js", ...args], { encoding: "utf8", timeout: 300_000 });
  expect(run.status, run.stderr).toBe(0);
}

type Epoch = { train: Record<string, number>; test: Record<string, number>; schedules?: Record<string, number> };
const history = (run: string) => JSON.parse(readFileSync(join(run, "history.json"), "utf8")) as Epoch[];
const latest = (run: string) => JSON.parse(readFileSync(join(run, "latest.json"), "utf8")).folder as string;
const weights = (run: string) => readFileSync(join(run, latest(run), "weights.bin"));

describe("schedules over a run", { timeout: 600_000 }, () => {
  const engines: [string, string[]][] = [["wasm", []], ...(skipTorch ? [] : [["torch", ["--engine", "torch"]] as [string, string[]]])];

  it.each(engines)("%s: history.json records each schedule per epoch, and 1 epoch + --resume equals 2 straight epochs", (_engine, flags) => {
    if (flags.length > 0) expect(torchPython(), "no interpreter with torch").toBeDefined();
    const folder = scratch();
    const common = ["train", spec, "--limit", "200", "--seed", "3", ...flags];
    aec(...common, "--epochs", "2", "--out", join(folder, "straight"));
    aec(...common, "--epochs", "1", "--out", join(folder, "resumed"));
    aec(...common, "--epochs", "2", "--out", join(folder, "resumed"), "--resume");
    const straight = history(join(folder, "straight"));
    // 200 rows at batch 50: 4 steps an epoch. After epoch 1 (4 steps) the cyclical weight (2 cycles of 4 steps) starts its
    // second cycle at 0; after epoch 2 (8 steps) it is past its length, 1. The capacity is 5·(epochs done)/3.
    const expected = [
      { "elbo/kl_z": 0, "abs_kl_z/capacity": 5 / 3 },
      { "elbo/kl_z": 1, "abs_kl_z/capacity": 10 / 3 },
    ];
    expect(straight.map((e) => Object.keys(e.schedules ?? {}).sort())).toEqual(expected.map((e) => Object.keys(e).sort()));
    straight.forEach((e, i) => {
      for (const [key, value] of Object.entries(expected[i]!)) expect(e.schedules![key], `epoch ${i + 1}: ${key}`).toBeCloseTo(value, 12);
    });
    const resumed = history(join(folder, "resumed"));
    expect(resumed.map((e) => [e.train, e.schedules])).toEqual(straight.map((e) => [e.train, e.schedules]));
    expect(weights(join(folder, "resumed")).equals(weights(join(folder, "straight")))).toBe(true);
  });

  it("the loss graph draws the scheduled weight on its term and the capacity in the term's formula", () => {
    const result = checkSource({ name: spec, text: readFileSync(spec, "utf8") });
    const graph = buildLossGraph(lowerModel(result.models[0]!, spec));
    const lines = graph.nodes.filter((n) => n.kind === "loss").map((n) => n.lines.join(" | "));
    expect(lines).toContainEqual(expect.stringContaining("kl_z | KL(q(z | x) ‖ p(z)) | analytic (closed form) | weight cyclical(0 → 1, 2 cycles over 8 steps, rising 0.5)"));
    expect(lines).toContainEqual(expect.stringContaining("abs_kl_z | |KL(q(z | x) ‖ p(z)) − C|, C = linear(0 → 5, 3 epochs)"));
  });
});
