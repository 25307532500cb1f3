import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aec } from "./helpers/cli.js";

/**
 * Golden diagnostics: every `X.aespec` under tests/syntax and tests/check is checked with
 * `aec check` and its exit code and output are compared with `X.expected` beside it.
 * A first line `// aec-args: --lint` adds flags. Update with `npm run golden:update`.
 */
const update = process.env.AEC_UPDATE_GOLDEN === "1";
const folders = ["tests/syntax", "tests/check"];

export function goldenCases(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => f.endsWith(".aespec")).sort();
}

function render(run: { exitCode: number; stdout: string; stderr: string }): string {
  return `exit: ${run.exitCode}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

for (const folder of folders.filter((f) => goldenCases(f).length > 0)) {
  describe(folder, () => {
    for (const file of goldenCases(folder)) {
      it(file, async () => {
        const path = join(folder, file);
        const firstLine = readFileSync(path, "latin1").split("\n")[0] ?? "";
        const extra = firstLine.startsWith("// aec-args:") ? firstLine.slice("// aec-args:".length).trim().split(/\s+/) : [];
        const actual = render(await aec("check", ...extra, path));
        const expectedPath = path.replace(/\.aespec$/, ".expected");
        if (update) writeFileSync(expectedPath, actual);
        if (!existsSync(expectedPath)) throw new Error(`${expectedPath} is missing: run npm run golden:update and review it`);
        expect(actual).toBe(readFileSync(expectedPath, "utf8"));
        expect(actual).not.toContain("AE0999");
        expect(actual).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m); // never a stack trace
      });
    }
  });
}
