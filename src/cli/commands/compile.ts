import { hasErrors } from "../../diagnostics/diagnostic.js";
import { checkSource } from "../../compiler.js";
import { lowerModel } from "../../ir/lower.js";
import { assertValidIr } from "../../ir/validate.js";
import { lexer } from "../../syntax/tokens.js";
import { ExitCode, type CliIO } from "../io.js";
import { loadSources, printDiagnostics } from "./common.js";

export type DumpStage = "tokens" | "ast" | "ir";

/** `aec compile --dump STAGE`: prints one stage of the pipeline as JSON, for debugging and teaching. */
export function dumpStage(stage: DumpStage, paths: readonly string[], io: CliIO): number {
  const { sources, failures } = loadSources(paths);
  for (const failure of failures) printDiagnostics(io, undefined, [failure]);
  let failed = failures.length > 0;
  const dumps: unknown[] = [];
  for (const source of sources) {
    if (stage === "tokens") {
      dumps.push(lexer.tokenize(source.text).tokens.map((t) => ({ type: t.tokenType.name, image: t.image, line: t.startLine, column: t.startColumn })));
      continue;
    }
    const result = checkSource(source);
    if (hasErrors(result.diagnostics)) {
      printDiagnostics(io, source.name, result.diagnostics, source);
      failed = true;
      continue;
    }
    if (stage === "ast") {
      dumps.push(result.parse.ast);
      continue;
    }
    for (const model of result.models) {
      const ir = lowerModel(model, source.name);
      assertValidIr(ir);
      dumps.push(ir);
    }
  }
  io.stdout(`${JSON.stringify(dumps.length === 1 ? dumps[0] : dumps, null, 2)}\n`);
  return failed ? ExitCode.diagnostics : ExitCode.ok;
}
