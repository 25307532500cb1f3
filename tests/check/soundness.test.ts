import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend.js";
import { trainSpec } from "../helpers/trainSpec.js";

/**
 * Issue 18's examples judged valid: the checker accepts them, and they train two steps
 * on a tiny batch on the cpu backend with finite losses and finite weights. (The
 * examples judged wrong are golden cases beside this file.)
 */
const valid = [
  // Bernoulli(probs) from a head ending in sigmoid holds probabilities.
  "tests/check/bernoulli-probs-sigmoid.aespec",
  // A negative weight kept on purpose, with an allow comment that says why.
  "tests/check/negative-term-weight-allowed.aespec",
];

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("valid edge cases train finitely", () => {
  it.each(valid)("%s", { timeout: 60_000 }, async (file) => {
    const outcome = await trainSpec(readFileSync(file, "utf8"), { steps: 2, rows: 4 });
    expect(outcome.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(outcome.losses).toHaveLength(2);
    for (const losses of outcome.losses!) for (const value of Object.values(losses)) expect(Number.isFinite(value)).toBe(true);
    expect(outcome.badWeights).toEqual([]);
  });
});
