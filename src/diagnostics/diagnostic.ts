import type { Span } from "../syntax/span.js";

export type Severity = "error" | "warning" | "note";

/** A secondary place the diagnostic points at, with what it says there. */
export interface Label {
  readonly span: Span;
  readonly message: string;
}

/** A replacement that would fix the problem. */
export interface Fix {
  readonly span: Span;
  readonly replacement: string;
  readonly message: string;
}

/** The one diagnostic type every stage reports through. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Missing only for diagnostics about a whole input (e.g. a file that cannot be read). */
  readonly span?: Span;
  readonly labels?: readonly Label[];
  readonly help?: string;
  readonly fix?: Fix;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sorts by position (stable for equal positions; whole-file notes last), so output order never depends on rule order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.span?.start ?? Infinity) - (b.d.span?.start ?? Infinity) || a.i - b.i)
    .map(({ d }) => d);
}
