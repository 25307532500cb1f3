import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(folder, e.name)) : e.name.endsWith(".ts") ? [join(folder, e.name)] : []));
}

const nodeImport = /^import[^;]*from "(node:[^"]+|fs|path|os|child_process)";/m;

describe("what runs in the browser has no Node-only imports", () => {
  it("the runtime imports Node modules only in nodeIO.ts (loaded dynamically, in Node only)", () => {
    const offenders = sources("src/runtime").filter((f) => !f.endsWith("nodeIO.ts") && nodeImport.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the front end, checker, IR and code generators import no Node module", () => {
    const folders = ["src/syntax", "src/check", "src/ir", "src/codegen", "src/diagnostics", "src/grammar", "src/graph"];
    const offenders = folders.flatMap(sources).filter((f) => nodeImport.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("what the playground takes from data/ and train/ (MNIST decoding, pictures) imports no Node module", () => {
    const shared = ["src/data/idx.ts", "src/data/mnist.ts", "src/data/forModel.ts", "src/train/figures.ts", "src/train/pictures.ts", "src/compiler.ts", "src/index.ts"];
    expect(shared.filter((f) => nodeImport.test(readFileSync(f, "utf8")))).toEqual([]);
  });
});
