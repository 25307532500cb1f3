import { checkSource } from "../../compiler.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { ExitCode, type CliIO } from "../io.js";
import { loadSources, printDiagnostics, printJson } from "./common.js";

export function checkCommand(paths: readonly string[], options: { json?: boolean; lint?: boolean }, io: CliIO): number {
  const { sources, failures } = loadSources(paths);
  const reports = [
    ...failures.map((d) => ({ file: "", diagnostics: [d] })),
    ...sources.map((source) => {
      const result = checkSource(source, { lint: options.lint ?? false });
      return { file: source.name, source, diagnostics: result.diagnostics };
    }),
  ];
  if (options.json) printJson(io, reports);
  else for (const r of reports) printDiagnostics(io, r.file || undefined, r.diagnostics, "source" in r ? r.source : undefined);
  const failed = reports.some((r) => hasErrors(r.diagnostics));
  if (!options.json && !failed) io.stdout(`checked ${sources.length} spec${sources.length === 1 ? "" : "s"}: no errors\n`);
  return failed ? ExitCode.diagnostics : ExitCode.ok;
}
