import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../src/compiler.js";
import { selectBackend } from "../src/runtime/backend.js";
import { specText } from "./helpers/specGenerator.js";
import { trainSpec } from "./helpers/trainSpec.js";

/**
 * The soundness property (docs/reliability.md, "Soundness"): every spec the checker
 * accepts lowers, generates a module that compiles (TypeScript's transpile) and runs,
 * and trains two steps on a tiny batch on the cpu backend with finite losses and finite
 * weights; every spec it rejects gets located diagnostics and no exception. Specs come
 * from tests/helpers/specGenerator.ts with a fixed seed. CI runs SEMANTIC_FUZZ_RUNS
 * (default 400, about 15 s) specs; `SEMANTIC_FUZZ_RUNS=10000 npx vitest run tests/semanticFuzz.test.ts`
 * runs the long version.
 */
const runs = Number(process.env.SEMANTIC_FUZZ_RUNS ?? 400);
const seed = Number(process.env.SEMANTIC_FUZZ_SEED ?? 20261201);

describe("semantic fuzz: well-typed specs don't go wrong", () => {
  it(`${runs} generated specs: accepted ones train finitely, rejected ones get located diagnostics`, { timeout: Math.max(60_000, runs * 2_000) }, async () => {
    await selectBackend("cpu");
    const specs = fc.sample(specText, { numRuns: runs, seed });
    const failures: { spec: string; problem: string }[] = [];
    let accepted = 0;
    let rejected = 0;
    const reasons = new Map<string, number>();
    for (const spec of specs) {
      let check;
      try {
        check = checkSource({ name: "fuzz.aespec", text: spec });
      } catch (error) {
        failures.push({ spec, problem: `the checker threw: ${String(error)}` });
        continue;
      }
      const errors = check.diagnostics.filter((d) => d.severity === "error");
      if (errors.length > 0) {
        rejected++;
        for (const code of new Set(errors.map((d) => `${d.code} ${d.message.slice(0, 60)}`))) reasons.set(code, (reasons.get(code) ?? 0) + 1);
        const unlocated = errors.filter(({ span }) => !(span && span.line >= 1 && span.column >= 1 && span.end >= span.start && span.end <= spec.length));
        if (unlocated.length > 0 || errors.some((d) => d.code === "AE0999")) failures.push({ spec, problem: `diagnostics without a place: ${JSON.stringify(unlocated)}` });
        continue;
      }
      accepted++;
      try {
        const outcome = await trainSpec(spec, { steps: 2, rows: 4 });
        const bad = (outcome.losses ?? []).flatMap((l) => Object.entries(l).filter(([, v]) => !Number.isFinite(v)).map(([k]) => k));
        if (bad.length > 0 || (outcome.badWeights ?? []).length > 0) failures.push({ spec, problem: `non-finite losses ${bad.join(", ")} / weights ${(outcome.badWeights ?? []).join(", ")}` });
      } catch (error) {
        failures.push({ spec, problem: `training threw: ${String(error).slice(0, 300)}` });
      }
    }
    console.log(`semantic fuzz (seed ${seed}): ${specs.length} specs generated, ${accepted} accepted, ${rejected} rejected, ${failures.length} failures`);
    if (process.env.SEMANTIC_FUZZ_VERBOSE) console.log([...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n}\t${r}`).join("\n"));
    for (const f of failures.slice(0, 5)) console.log(`${f.problem}\n${f.spec}`);
    expect(failures.map((f) => f.problem)).toEqual([]);
    // The generator must exercise both halves of the property.
    expect(accepted).toBeGreaterThan(runs / 10);
    expect(rejected).toBeGreaterThan(runs / 10);
  });
});
