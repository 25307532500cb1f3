import { hasErrors } from "../../diagnostics/diagnostic.js";
import { formatSpec } from "../../syntax/format.js";
import { parseSpec } from "../../syntax/parse.js";
import { writeFileAtomic } from "../files.js";
import { ExitCode, type CliIO } from "../io.js";
import { loadSources, printDiagnostics } from "./common.js";

/**
 * Rewrites only the .aespec files it was given (or found in the folders it was given),
 * only when their text changes, and never a file with syntax errors.
 */
export function fmtCommand(paths: readonly string[], options: { check?: boolean; stdout?: boolean }, io: CliIO): number {
  const { sources, failures } = loadSources(paths);
  for (const failure of failures) printDiagnostics(io, undefined, [failure]);
  let failed = failures.length > 0;
  const unformatted: string[] = [];
  for (const source of sources) {
    const parsed = parseSpec(source);
    if (hasErrors(parsed.diagnostics)) {
      printDiagnostics(io, source.name, parsed.diagnostics, source);
      failed = true;
      continue;
    }
    const formatted = formatSpec(parsed, source.text);
    if (options.stdout) {
      io.stdout(formatted);
      continue;
    }
    if (formatted === source.text) continue;
    unformatted.push(source.name);
    if (!options.check) writeFileAtomic(source.name, formatted);
  }
  if (options.check) {
    for (const name of unformatted) io.stdout(`not formatted: ${name}\n`);
    if (unformatted.length > 0) io.stderr(`${unformatted.length} file${unformatted.length === 1 ? " is" : "s are"} not formatted; run \`aec fmt\` on ${unformatted.length === 1 ? "it" : "them"}\n`);
    return failed || unformatted.length > 0 ? ExitCode.diagnostics : ExitCode.ok;
  }
  if (!options.stdout) for (const name of unformatted) io.stdout(`formatted ${name}\n`);
  return failed ? ExitCode.diagnostics : ExitCode.ok;
}
