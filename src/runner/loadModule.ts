import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { generateTfjsModule } from "../codegen/index.js";
import { writeFileAtomic } from "../runtime/nodeIO.js";
import type { ModelIR } from "../ir/types.js";
import type { ModelDescription } from "../runtime/model.js";
import type { LoadedModule } from "../training/model.js";

/** Where this package's runtime and TF.js live, so a module written anywhere imports exactly them. */
function dependencyUrls(): Record<string, string> {
  return {
    "@tensorflow/tfjs": import.meta.resolve("@tensorflow/tfjs"),
    "aespec/runtime": new URL("../runtime/index.js", import.meta.url).href,
  };
}

/**
 * Compiles a checked model in memory, writes the module into the run folder (model.ts,
 * as a user would import it, and model.mjs, what this run executes) and imports it. The
 * JavaScript imports TF.js and the runtime by absolute URL, so it runs from any folder.
 * Without a run folder (`aec eval`, `aec sample`: a run may be read-only) the module is
 * imported from a temporary folder, removed once imported.
 */
export async function loadModelModule(ir: ModelIR, runFolder?: string): Promise<LoadedModule> {
  const typescript = await generateTfjsModule(ir);
  const javascript = ts.transpileModule(typescript, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  const urls = dependencyUrls();
  const linked = javascript.replace(/from "(@tensorflow\/tfjs|aespec\/runtime)"/g, (_, name: string) => `from ${JSON.stringify(urls[name])}`);
  const folder = runFolder ?? mkdtempSync(join(tmpdir(), "aec-module-"));
  try {
    mkdirSync(folder, { recursive: true });
    if (runFolder) writeFileAtomic(join(folder, "model.ts"), typescript);
    const path = join(folder, "model.mjs");
    writeFileAtomic(path, linked);
    const module = (await import(`${pathToFileURL(path).href}?v=${Date.now()}`)) as Record<string, unknown>;
    const create = module[`create${ir.model}`] as LoadedModule["create"];
    return { ir, ...(runFolder ? { url: pathToFileURL(path).href } : {}), description: module.description as ModelDescription, create };
  } finally {
    if (!runFolder) rmSync(folder, { recursive: true, force: true });
  }
}
