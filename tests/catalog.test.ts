import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog, explain } from "../src/diagnostics/catalog.js";
import { aec } from "./helpers/cli.js";

function files(folder: string, ending: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path, ending) : path.endsWith(ending) ? [path] : [];
  });
}

/** Codes that cannot have a golden spec, and the test that covers each instead. */
const coveredElsewhere: Record<string, string> = {
  AE0106: "tests/cli.test.ts (a spec over 1 MiB)",
  AE0901: "tests/cli.test.ts (a missing path)",
  AE0999: "tests/cli.test.ts (an exception inside a command)",
  AE0908: "tests/graph.test.ts (an unknown phase)",
  AE0920: "tests/train/posthocSampler.test.ts (too few codes, --label with gmm, a decoder that reads data)",
  AE0902: "tests/codegen.test.ts (compile refuses to overwrite a hand-written file)",
  AE0903: "tests/train/train.test.ts (bad data)",
  AE0904: "tests/train/train.test.ts (a run is never overwritten)",
  AE0905: "tests/train/train.test.ts (a spec with errors)",
  AE0906: "tests/train/train.test.ts (a loss that explodes)",
  AE0907: "tests/train/train.test.ts (sampling a model without a prior)",
  AE0909: "tests/train/parallel.test.ts (--workers larger than the batch)",
  AE0910: "tests/catalog.test.ts (`aec explain` of an unknown code)",
  AE0911: "tests/train/reliability.test.ts (EROFS, EACCES, ENOSPC while writing a run file)",
  AE0912: "tests/train/reliability.test.ts (a damaged newest checkpoint)",
  AE0913: "tests/train/reliability.test.ts (--backend node without tfjs-node)",
  AE0914: "tests/torch/engine.test.ts (no Python with torch; --nproc without the torch engine)",
  AE0915: "tests/train/colourImages.test.ts (a greyscale file for a colour variable, the wrong size, a channel count PNG lacks)",
  AE0916: "tests/train/colourImages.test.ts (RGBA and grey + alpha images)",
};

/** `diagnose.AE0402.bernoulliSupport` → "AE0402.bernoulliSupport", for every constructor src/ calls. */
function constructorsCalled(text: string): Set<string> {
  return new Set([...text.matchAll(/diagnose\.(AE\d{4})\.(\w+)/g)].map((m) => `${m[1]}.${m[2]}`));
}

describe("the diagnostics catalogue", () => {
  const text = files("src", ".ts").filter((f) => !f.endsWith("catalog.ts")).map((f) => readFileSync(f, "utf8")).join("\n");
  const called = constructorsCalled(text);
  // Codes still reported by name rather than by constructor (the runner's RunError("AE0904", …)).
  const named = new Set([...text.matchAll(/"(AE\d{4})"/g)].map((m) => m[1]!));
  const golden = files("tests", ".expected").map((f) => readFileSync(f, "utf8")).join("\n");

  it("lists every code the compiler reports by name (constructors cannot name any other)", () => {
    for (const code of named) expect(catalog.has(code), `${code} is reported but not in the catalogue`).toBe(true);
  });

  it("has no entry, and no message, the compiler never reports", () => {
    for (const [code, entry] of catalog) {
      if (named.has(code)) continue;
      for (const name of Object.keys(entry.messages)) expect(called.has(`${code}.${name}`), `${code}.${name} is catalogued but never reported`).toBe(true);
    }
  });

  it("decides each code's severity as its title says: lints and \"(warning)\" entries warn, the cut-off AE0108 is a note", () => {
    for (const [code, entry] of catalog) {
      const expected = /\((lint|warning)\)$/.test(entry.title) ? "warning" : code === "AE0108" ? "note" : "error";
      expect(entry.severity, code).toBe(expected);
      if (code.startsWith("AE07")) expect(entry.severity, code).toBe("warning");
    }
  });

  it.each([...catalog.keys()])("%s has an explanation and a golden case", (code) => {
    const entry = catalog.get(code)!;
    expect(entry.title.length).toBeGreaterThan(3);
    expect(entry.explanation.length).toBeGreaterThan(40);
    expect(entry.wrong === undefined).toBe(entry.fixed === undefined);
    if (coveredElsewhere[code]) {
      const [file] = coveredElsewhere[code]!.split(" ");
      expect(readFileSync(file!, "utf8"), `${file} does not test ${code}`).toContain(code);
    } else expect(golden, `no golden case reports ${code}`).toContain(`[${code}]`);
  });

  it("`aec explain` prints the entry with its examples", async () => {
    const run = await aec("explain", "ae0402");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("AE0402: distribution does not fit the variable's support");
    expect(run.stdout).toContain("this is wrong:");
    expect(run.stdout).toContain("data x: real[784] in [0, 1]");
    expect(explain("AE0402")).toBe(run.stdout.trimEnd());
  });

  it("`aec explain` rejects an unknown code with a usage error", async () => {
    const run = await aec("explain", "AE9999");
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("error[AE0910]: unknown diagnostic code `AE9999`; codes look like AE0102\n");
  });
});
