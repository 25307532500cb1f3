import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../src/compiler.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";

/**
 * Diagnostics that lead somewhere: for every golden case, each diagnostic with a
 * machine-applicable fix (Diagnostic.fix: a span and its replacement) is applied to the
 * spec, and the fixed spec no longer reports that diagnostic (same code, same place) and
 * raises no new error.
 */
const folder = "tests/check";

function apply(text: string, d: Diagnostic): string {
  return text.slice(0, d.fix!.span.start) + d.fix!.replacement + text.slice(d.fix!.span.end);
}

const withFixes = readdirSync(folder).filter((f) => f.endsWith(".aespec")).sort().flatMap((file) => {
  const text = readFileSync(join(folder, file), "utf8");
  const result = checkSource({ name: file, text }, { lint: text.startsWith("// aec-args: --lint") });
  return result.diagnostics.filter((d) => d.fix).map((d) => ({ file, text, diagnostic: d }));
});

describe("every fix in the golden cases, applied, clears its diagnostic", () => {
  it("there are fixes to apply", () => {
    expect(withFixes.length).toBeGreaterThanOrEqual(4);
  });

  it.each(withFixes.map((f) => [`${f.file}: ${f.diagnostic.code} ${f.diagnostic.message}`, f] as const))("%s", (_, { file, text, diagnostic }) => {
    const fixed = apply(text, diagnostic);
    const before = checkSource({ name: file, text }).diagnostics;
    const after = checkSource({ name: file, text: fixed }).diagnostics;
    const line = diagnostic.span!.line;
    expect(after.filter((d) => d.code === diagnostic.code && d.span?.line === line && d.message === diagnostic.message)).toEqual([]);
    // No new error appears: every error after the fix was there before it.
    const known = new Set(before.map((d) => `${d.code} ${d.message}`));
    expect(after.filter((d) => d.severity === "error" && !known.has(`${d.code} ${d.message}`)).map((d) => d.message)).toEqual([]);
  });
});
