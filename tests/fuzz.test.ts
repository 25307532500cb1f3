import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../src/compiler.js";
import { formatSpec } from "../src/syntax/format.js";
import { parseSpec } from "../src/syntax/parse.js";

/**
 * Fuzzing the front end (CI size: a few thousand inputs, fixed seed). Every input ends in
 * diagnostics with a location, or a clean result — never an exception, never a hang.
 * `FUZZ_RUNS=100000 npx vitest run tests/fuzz.test.ts` runs longer by hand.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 1500);
const specs = readdirSync("specs").filter((f) => f.endsWith(".aespec")).map((f) => readFileSync(`specs/${f}`, "utf8"));

function survives(text: string): void {
  const started = performance.now();
  const result = checkSource({ name: "fuzz.aespec", text });
  expect(performance.now() - started).toBeLessThan(2000);
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^AE0[1-9]\d\d$/);
    expect(d.code).not.toBe("AE0999");
    if (d.severity === "error" && d.code !== "AE0108") expect(d.span, `${d.code} ${d.message}`).toBeDefined();
  }
  const parsed = parseSpec({ name: "fuzz.aespec", text });
  if (!parsed.diagnostics.some((d) => d.severity === "error")) {
    const once = formatSpec(parsed, text);
    expect(formatSpec(parseSpec({ name: "f", text: once }), once)).toBe(once);
  }
}

type Mutation = (text: string, a: number, b: number, junk: string) => string;
const mutations: Record<string, Mutation> = {
  delete: (t, a, b) => t.slice(0, Math.min(a, b)) + t.slice(Math.max(a, b)),
  duplicate: (t, a, b) => t.slice(0, Math.max(a, b)) + t.slice(Math.min(a, b), Math.max(a, b)) + t.slice(Math.max(a, b)),
  insert: (t, a, _b, junk) => t.slice(0, a) + junk + t.slice(a),
  swapLines: (t, a, b) => {
    const lines = t.split("\n");
    const i = a % lines.length;
    const j = b % lines.length;
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join("\n");
  },
  swapTokens: (t, a, b) => {
    const tokens = t.split(/(\s+)/);
    const i = a % tokens.length;
    const j = b % tokens.length;
    [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
    return tokens.join("");
  },
  replaceNumber: (t, a, _b, junk) => t.replace(/\d+/g, (m, offset: number) => (offset % 7 === a % 7 ? (junk.length % 2 ? "1e12" : "0") : m)),
};

describe("the front end survives any input", () => {
  it("mutations of the real specs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: specs.length - 1 }),
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(mutations)), fc.nat(4000), fc.nat(4000), fc.string({ unit: fc.constantFrom("(", ")", "{", "}", "[", "]", "|", ",", ":", "=", "-", "*", "/", " ", "\n", "x", "z", "dense", "Normal", "1e-3", "\u0000", "é", "\ud83d\ude00", "/*", "*/", "//") , maxLength: 6 })), { minLength: 1, maxLength: 4 }),
        (index, steps) => {
          let text = specs[index]!;
          for (const [name, a, b, junk] of steps) text = mutations[name]!(text, a % (text.length + 1), b % (text.length + 1), junk);
          survives(text);
        },
      ),
      { numRuns: runs, seed: 20261128 },
    );
  }, 120_000);

  it("arbitrary text and bytes", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => survives(text)), { numRuns: Math.floor(runs / 3), seed: 7 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(..."model data latent prior encoder q(z|x) = Normal(mu, logvar) { dense(1, relu) } train phase minimize over ; : [ ] 0 1 -".split(" ")), maxLength: 60 }).map((s) => s), (text) => survives(text)), { numRuns: Math.floor(runs / 3), seed: 8 });
  }, 120_000);

  it("bounded work: deep nesting, huge numbers, enormous dimensions and a 10 MB input", () => {
    survives(`model M { objective elbo(beta = ${"(".repeat(5000)}1${")".repeat(5000)}) }`);
    survives(`model M { objective elbo(beta = ${"-".repeat(5000)}1) }`);
    survives("model M { data x: real[1e12] in [0, 1]; latent z: real[99999999999999999999] }");
    survives(`model M { data x: real[${"9".repeat(400)}] }`);
    const huge = `model M {\n${"  latent z: real[2]\n".repeat(600_000)}}`;
    const result = checkSource({ name: "huge.aespec", text: huge });
    expect(result.diagnostics.map((d) => d.code)).toEqual(["AE0106"]);
  });
});
