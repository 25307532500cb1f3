import * as tf from "@tensorflow/tfjs";
import { transform } from "sucrase";
import { generateTfjsModule } from "../../../src/codegen/index.js";
import { checkSource, type CheckResult } from "../../../src/compiler.js";
import { renderGraph } from "../../../src/graph/index.js";
import { lowerModel } from "../../../src/ir/lower.js";
import type { ModelIR } from "../../../src/ir/types.js";
import * as runtime from "../../../src/runtime/index.js";
import type { LoadedModule } from "../../../src/training/model.js";

export const sourceName = "playground.aespec";

export interface Compiled {
  readonly check: CheckResult;
  /** The first model of the file, lowered, when the file has no errors. */
  readonly ir?: ModelIR;
  readonly graphSvg?: string;
}

/** The front end, the IR and the loss graph: what the page redraws as the user types. */
export function compileSpec(text: string): Compiled {
  const check = checkSource({ name: sourceName, text }, { lint: true });
  const model = check.models[0];
  if (!model) return { check };
  const ir = lowerModel(model, sourceName);
  return { check, ir, graphSvg: renderGraph(ir, "svg") };
}

/** What the generated module imports, answered with the page's own instances (one TF.js, one backend). */
const dependencies: Readonly<Record<string, unknown>> = { "@tensorflow/tfjs": tf, "aespec/runtime": runtime };

/**
 * Generates the model's TypeScript module exactly as `aec compile` writes it, strips the
 * types with Sucrase (the TypeScript compiler would add 9 MB to the page) into CommonJS
 * form, and evaluates it with `require` answered from `dependencies`.
 */
export async function loadInPage(ir: ModelIR): Promise<LoadedModule & { typescript: string }> {
  const typescript = await generateTfjsModule(ir);
  const { code } = transform(typescript, { transforms: ["typescript", "imports"] });
  const exports: Record<string, unknown> = {};
  const require = (name: string) => {
    if (!(name in dependencies)) throw new Error(`the generated module imports ${JSON.stringify(name)}, which the playground does not provide`);
    return dependencies[name];
  };
  new Function("require", "exports", code)(require, exports);
  const create = exports[`create${ir.model}`] as LoadedModule["create"] | undefined;
  if (typeof create !== "function") throw new Error(`the generated module has no create${ir.model}`);
  return { ir, description: exports.description as LoadedModule["description"], create, typescript };
}
