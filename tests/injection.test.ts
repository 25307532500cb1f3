import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";

import { generateTfjsModule } from "../src/codegen/index.js";
import { checkSource } from "../src/compiler.js";
import { renderGraph } from "../src/graph/index.js";
import { lowerModel } from "../src/ir/lower.js";

/**
 * No string from a spec reaches an executable position in generated code, and none can
 * break the syntax of DOT, Mermaid, SVG or JSON output.
 */
function check(text: string) {
  return checkSource({ name: "spec.aespec", text });
}

const base = readFileSync("specs/cvae.aespec", "utf8");
const renamed = (names: Record<string, string>) =>
  Object.entries(names).reduce((t, [from, to]) => t.replace(new RegExp(`\\b${from}\\b(?!\\s*=)`, "g"), to), base);

describe("names that could inject code", () => {
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "__x"])("`%s` is refused with AE0209", (name) => {
    const result = check(renamed({ y: name }));
    expect(result.diagnostics.map((d) => d.code)).toContain("AE0209");
  });

  it.each(["ζ", "х" /* Cyrillic */, "x\u200b", "a`b", "a${b}", 'a"b', "a'b", "a*/b", "a\\nb"])("`%s` never lexes as a name", (name) => {
    const result = check(base.replace("data y: onehot[10]", `data ${name}: onehot[10]`));
    expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).not.toContain("AE0999");
  });

  it("JavaScript reserved words and globals as names compile to code that does exactly what the spec says", async () => {
    const spec = renamed({ x: "eval", y: "class", z: "Function", q: "import", p: "require" }).replace("model ConditionalVAE", "model window");
    const result = check(spec);
    expect(result.diagnostics).toEqual([]);
    const ir = lowerModel(result.models[0]!, "spec.aespec");
    const code = await generateTfjsModule(ir);
    // The names appear only as quoted keys, in strings, in comments or behind a fixed prefix.
    const executable = ts.createSourceFile("m.ts", code, ts.ScriptTarget.ES2022, true);
    const identifiers: string[] = [];
    // Property names (keys, member accesses) are data, not references; everything else is.
    const isKey = (n: ts.Identifier) =>
      ((ts.isPropertyAssignment(n.parent) || ts.isPropertySignature(n.parent) || ts.isMethodDeclaration(n.parent)) && n.parent.name === n) ||
      (ts.isPropertyAccessExpression(n.parent) && n.parent.name === n);
    const visit = (node: ts.Node) => {
      if (ts.isIdentifier(node) && !isKey(node)) identifiers.push(node.text);
      ts.forEachChild(node, visit);
    };
    visit(executable);
    for (const name of ["eval", "class", "Function", "import", "require"]) expect(identifiers, name).not.toContain(name);
    expect(identifiers).toContain("encoder_import");
    expect(code).toMatch(/"?eval"?: tf\.Tensor/);
    const folder = "tests/.tmp-injection";
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "window.ts"), code);
    const config = ts.getParsedCommandLineOfConfigFile("tsconfig.json", {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const program = ts.createProgram([join(folder, "window.ts")], { ...config.options, noEmit: true });
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
    rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  it("graph outputs stay well-formed for any name the language allows", { timeout: 60_000 }, async () => {
    const spec = renamed({ x: "amp", y: "lt", z: "quot" }).replace("model ConditionalVAE", "model script");
    const ir = lowerModel(check(spec).models[0]!, 'a"b<c>&d.aespec');
    const svg = renderGraph(ir, "svg");
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain("<script");
    expect(() => JSON.parse(renderGraph(ir, "json"))).not.toThrow();
    const dot = renderGraph(ir, "dot");
    expect(dot.split("\n")[0]).toBe('digraph "script" {');
    const { JSDOM } = await import("jsdom");
    const dom = new JSDOM("<!doctype html><html><body></body></html>");
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    const mermaid = (await import("mermaid")).default;
    await expect(mermaid.parse(renderGraph(ir, "mermaid"))).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });
});
