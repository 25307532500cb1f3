import type { Source, Span } from "../language/span.js";
import type { Diagnostic } from "./diagnostic.js";
import type { DiagnosticError } from "./error.js";

const maxExcerptWidth = 100;

/** Renders for people: a header, the location, a source excerpt with a caret underline, labels and help. */
export function renderDiagnostic(d: Diagnostic, source?: Source): string {
  const lines = [`${d.severity}[${d.code}]: ${d.message}`];
  if (d.span && source) {
    const gutter = String(Math.max(d.span.line, ...(d.labels ?? []).map((l) => l.span.line))).length;
    const pad = " ".repeat(gutter);
    lines.push(`${pad}--> ${source.name}:${d.span.line}:${d.span.column}`);
    lines.push(`${pad} |`);
    lines.push(...excerpt(source.text, d.span, "^", undefined, gutter));
    for (const label of d.labels ?? []) lines.push(...excerpt(source.text, label.span, "-", label.message, gutter));
    if (d.help) lines.push(`${pad} = help: ${d.help}`);
    if (d.note) lines.push(`${pad} = note: ${d.note}`);
    if (d.fix) lines.push(`${pad} = fix: ${d.fix.message}: \`${d.fix.replacement}\``);
  } else {
    if (source) lines.push(`  --> ${source.name}`);
    if (d.help) lines.push(`  = help: ${d.help}`);
    if (d.note) lines.push(`  = note: ${d.note}`);
  }
  return lines.join("\n");
}

function excerpt(text: string, span: Span, mark: string, message: string | undefined, gutter: number): string[] {
  const lineText = lineAt(text, span.line);
  const startColumn = span.column;
  const endColumn = span.endLine === span.line ? Math.max(span.endColumn, startColumn + 1) : lineText.length + 1;
  // Long lines are shown as a window around the span.
  let from = 0;
  if (lineText.length > maxExcerptWidth) from = Math.max(0, Math.min(startColumn - 1 - 30, lineText.length - maxExcerptWidth));
  const to = Math.min(lineText.length, from + maxExcerptWidth);
  const prefix = from > 0 ? "…" : "";
  const suffix = to < lineText.length ? "…" : "";
  const shown = prefix + printable(lineText.slice(from, to)) + suffix;
  const caretStart = startColumn - 1 - from + prefix.length;
  const caretLength = Math.max(1, Math.min(endColumn - startColumn, to - (startColumn - 1)));
  const pad = " ".repeat(gutter);
  const underline = " ".repeat(Math.max(0, caretStart)) + mark.repeat(Math.max(1, caretLength));
  return [
    `${String(span.line).padStart(gutter)} | ${shown}`.trimEnd(),
    `${pad} | ${underline}${message ? ` ${message}` : ""}`,
  ];
}

function lineAt(text: string, line: number): string {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", start);
    if (next < 0) return "";
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, "");
}

/** One output character per UTF-16 unit keeps the caret aligned; control characters never reach a terminal. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => (ch === "\t" ? " " : "\ufffd"));
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], source?: Source): string {
  return diagnostics.map((d) => renderDiagnostic(d, source)).join("\n\n");
}

/** A thrown diagnostic, followed by the diagnostics of the source behind it (a spec's errors behind "does not check"). */
export function renderError(error: DiagnosticError): string {
  const { diagnostic, because } = error;
  return because ? `${renderDiagnostic(diagnostic)}\n${renderDiagnostics(because.diagnostics, because.source)}` : renderDiagnostic(diagnostic);
}

/** A one-line summary such as "2 errors, 1 warning". */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  const parts = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join(", ");
}

/** The machine-readable form behind `--json`: stable field names, spans with offsets and positions. */
export function diagnosticsToJson(file: string, diagnostics: readonly Diagnostic[]): object {
  return { file, diagnostics: diagnostics.map((d) => ({ ...d })) };
}
