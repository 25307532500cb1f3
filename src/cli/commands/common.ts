import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { DiagnosticError } from "../../diagnostics/error.js";
import { diagnosticsToJson, renderDiagnostic, renderDiagnostics, summarize } from "../../diagnostics/render.js";
import type { Source } from "../../language/span.js";
import { collectSpecFiles, readText } from "../files.js";
import type { CliIO } from "../io.js";

/** The diagnostic a failed read threw (AE0901), so it is reported like any other; anything else is rethrown. */
function readFailure(error: unknown): Diagnostic {
  if (error instanceof DiagnosticError) return error.diagnostic;
  throw error;
}

/** Reads every spec the paths name; unreadable paths become diagnostics instead of exceptions. */
export function loadSources(paths: readonly string[]): { sources: Source[]; failures: Diagnostic[] } {
  const failures: Diagnostic[] = [];
  const sources: Source[] = [];
  let files: string[] = [];
  for (const path of paths) {
    try {
      files.push(...collectSpecFiles([path]));
    } catch (error) {
      failures.push(readFailure(error));
    }
  }
  files = [...new Set(files)];
  for (const file of files) {
    try {
      sources.push({ name: file, text: readText(file) });
    } catch (error) {
      failures.push(readFailure(error));
    }
  }
  return { sources, failures };
}

export function printDiagnostics(io: CliIO, file: string | undefined, diagnostics: readonly Diagnostic[], source?: Source): void {
  if (diagnostics.length === 0) return;
  io.stderr(`${renderDiagnostics(diagnostics, source)}\n\n`);
  if (file) io.stderr(`${file}: ${summarize(diagnostics) || "notes only"}\n`);
}

/** A diagnostic about a whole input or command (it has no span), as one block. */
export function printError(io: CliIO, diagnostic: Diagnostic): void {
  io.stderr(`${renderDiagnostic(diagnostic)}\n`);
}

export function printJson(io: CliIO, reports: readonly { file: string; diagnostics: readonly Diagnostic[] }[]): void {
  io.stdout(`${JSON.stringify(reports.map((r) => diagnosticsToJson(r.file, r.diagnostics)), null, 2)}\n`);
}
