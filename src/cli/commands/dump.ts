import { hasErrors } from "../../diagnostics/diagnostic.js";
import { parseSpec } from "../../syntax/parse.js";
import { lexer } from "../../syntax/tokens.js";
import { ExitCode, type CliIO } from "../io.js";
import { loadSources, printDiagnostics } from "./common.js";

export function dumpCommand(stage: "tokens" | "ast", path: string, io: CliIO): number {
  const { sources, failures } = loadSources([path]);
  if (failures.length > 0 || sources.length !== 1) {
    printDiagnostics(io, undefined, failures.length > 0 ? failures : [{ code: "AE0901", severity: "error", message: `\`${path}\` must name exactly one spec file` }]);
    return ExitCode.diagnostics;
  }
  const source = sources[0]!;
  if (stage === "tokens") {
    const tokens = lexer.tokenize(source.text).tokens.map((t) => ({ type: t.tokenType.name, image: t.image, line: t.startLine, column: t.startColumn }));
    io.stdout(`${JSON.stringify(tokens, null, 2)}\n`);
    return ExitCode.ok;
  }
  const parsed = parseSpec(source);
  if (hasErrors(parsed.diagnostics)) {
    printDiagnostics(io, source.name, parsed.diagnostics, source);
    return ExitCode.diagnostics;
  }
  io.stdout(`${JSON.stringify(parsed.ast, null, 2)}\n`);
  return ExitCode.ok;
}
