import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { diagnosticsToJson, renderDiagnostics, summarize } from "../../diagnostics/render.js";
import type { Source } from "../../syntax/span.js";
import { collectSpecFiles, InputError, readText } from "../files.js";
import type { CliIO } from "../io.js";

/** A path that could not be read, as a diagnostic (AE0901) so it is reported like any other. */
export function inputDiagnostic(error: InputError): Diagnostic {
  return { code: "AE0901", severity: "error", message: error.message };
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
      if (!(error instanceof InputError)) throw error;
      failures.push(inputDiagnostic(error));
    }
  }
  files = [...new Set(files)];
  for (const file of files) {
    try {
      sources.push({ name: file, text: readText(file) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      failures.push(inputDiagnostic(error));
    }
  }
  return { sources, failures };
}

export function printDiagnostics(io: CliIO, file: string | undefined, diagnostics: readonly Diagnostic[], source?: Source): void {
  if (diagnostics.length === 0) return;
  io.stderr(`${renderDiagnostics(diagnostics, source)}\n\n`);
  if (file) io.stderr(`${file}: ${summarize(diagnostics) || "notes only"}\n`);
}

export function printJson(io: CliIO, reports: readonly { file: string; diagnostics: readonly Diagnostic[] }[]): void {
  io.stdout(`${JSON.stringify(reports.map((r) => diagnosticsToJson(r.file, r.diagnostics)), null, 2)}\n`);
}
