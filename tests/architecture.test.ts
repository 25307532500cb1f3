import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(folder, e.name)) : e.name.endsWith(".ts") ? [join(folder, e.name)] : []));
}

/**
 * The layers of src/, bottom up, and what each may import besides itself (docs/architecture.md
 * draws the same picture). The compiler half: language → diagnostics → syntax → check → ir →
 * codegen / graph. The runtime stands alone (generated modules import only it); the training
 * library sits on the runtime and the IR; the Node runner and the CLI on top of everything.
 */
export const layers: Readonly<Record<string, readonly string[]>> = {
  language: [],
  diagnostics: ["language"],
  syntax: ["language", "diagnostics"],
  grammar: ["language", "diagnostics", "syntax"],
  check: ["language", "diagnostics", "syntax"],
  compiler: ["language", "diagnostics", "syntax", "check"],
  ir: ["language", "check"],
  // A backend reads the IR only; the TF.js generator also names the runtime's description type it emits.
  codegen: ["language", "ir", "runtime"],
  graph: ["language", "ir"],
  runtime: [],
  data: ["runtime"],
  training: ["runtime", "ir", "data"],
  runner: ["language", "diagnostics", "syntax", "check", "compiler", "ir", "codegen", "runtime", "data", "training"],
  cli: ["language", "diagnostics", "syntax", "grammar", "check", "compiler", "ir", "codegen", "graph", "runtime", "data", "training", "runner"],
  index: ["language", "diagnostics", "syntax", "check", "compiler", "ir", "codegen", "graph"],
};

/** The layer of a file under src/: its folder, or its own name for the files at the top (compiler.ts, index.ts). */
export function layerOf(file: string): string {
  const [first, second] = relative("src", file).split(/[\\/]/);
  return second === undefined ? first!.replace(/\.(ts|js)$/, "") : first!;
}

const importPattern = /(?:^|\n)\s*(?:import|export)\b[^;]*?\sfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)|new URL\(\s*"([^"]+\.js)"/g;

/** Every import of `file` (given its text) that breaks the layering, as `file → target`. */
export function layeringViolations(file: string, text: string): string[] {
  const own = layerOf(file);
  const allowed = layers[own];
  if (!allowed) return [`${file}: the layer \`${own}\` is not in the table`];
  const out: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const target = match[1] ?? match[2] ?? match[3]!;
    if (!target.startsWith(".")) continue;
    const resolved = normalize(join(dirname(file), target));
    if (!resolved.startsWith(`src${"/"}`)) continue;
    const layer = layerOf(resolved);
    if (layer !== own && !allowed.includes(layer)) out.push(`${file} → ${resolved} (${own} may not import ${layer})`);
  }
  return out;
}

describe("the layers of src/", () => {
  it("every import goes down the table, never up or sideways", () => {
    const violations = sources("src").flatMap((f) => layeringViolations(f, readFileSync(f, "utf8")));
    expect(violations).toEqual([]);
  });

  it("every folder of src/ is a layer in the table", () => {
    const folders = readdirSync("src", { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in layers))).toEqual([]);
  });

  it("fails on an import against the direction (tried on the imports it must refuse)", () => {
    expect(layeringViolations("src/runner/run.ts", 'import { writeFileAtomic } from "../cli/files.js";')).toEqual(["src/runner/run.ts → src/cli/files.js (runner may not import cli)"]);
    expect(layeringViolations("src/diagnostics/render.ts", 'import type { Span } from "../syntax/ast.js";')).toHaveLength(1);
    expect(layeringViolations("src/codegen/tfjsModule.ts", 'import { check } from "../check/check.js";')).toHaveLength(1);
    expect(layeringViolations("src/training/figures.ts", 'const m = await import("../runner/run.js");')).toHaveLength(1);
    expect(layeringViolations("src/runtime/model.ts", 'export { lowerModel } from "../ir/lower.js";')).toHaveLength(1);
    expect(layeringViolations("src/training/figures.ts", 'import type { ModelIR } from "../ir/types.js";\nimport { x } from "./pictures.js";')).toEqual([]);
  });

  it("the playground reaches training only through the training library", () => {
    const files = sources("examples/playground/src");
    const reached = files.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/from "((?:\.\.\/)+src\/[^"]+)"/g)].map((m) => normalize(join(dirname(f), m[1]!))));
    expect(reached.filter((p) => ["runner", "cli"].includes(layerOf(p)))).toEqual([]);
  });
});

const nodeImport = /^import[^;]*from "(node:[^"]+|fs|path|os|child_process)";/m;

describe("what runs in the browser has no Node-only imports", () => {
  it("the runtime imports Node modules only in nodeIO.ts (loaded dynamically, in Node only)", () => {
    const offenders = sources("src/runtime").filter((f) => !f.endsWith("nodeIO.ts") && nodeImport.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the front end, checker, IR, code generators and the training library import no Node module", () => {
    const folders = ["src/language", "src/syntax", "src/check", "src/ir", "src/codegen", "src/diagnostics", "src/grammar", "src/graph", "src/training"];
    const offenders = folders.flatMap(sources).filter((f) => nodeImport.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("what the playground takes from data/ (MNIST decoding) and the API roots import no Node module", () => {
    const shared = ["src/data/idx.ts", "src/data/mnist.ts", "src/data/forModel.ts", "src/compiler.ts", "src/index.ts"];
    expect(shared.filter((f) => nodeImport.test(readFileSync(f, "utf8")))).toEqual([]);
  });
});
