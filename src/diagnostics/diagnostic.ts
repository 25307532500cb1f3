import type { Span } from "../language/span.js";
import type { Code } from "./catalog.js";

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

/**
 * Only the catalogue's constructors (`diagnose.AE0402.bernoulliSupport(…)`) make diagnostics:
 * this type-only brand turns a hand-written object literal into a compile error, so a code's
 * severity and wording always come from its catalogue entry.
 */
declare const catalogued: unique symbol;

/** The one diagnostic type every stage reports through. */
export interface Diagnostic {
  readonly [catalogued]: true;
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  /** Missing only for diagnostics about a whole input (e.g. a file that cannot be read). */
  readonly span?: Span;
  readonly labels?: readonly Label[];
  readonly help?: string;
  readonly note?: string;
  readonly fix?: Fix;
}

/** What only the reporting place knows: other places to point at, advice, a fix. */
export interface Details {
  readonly labels?: readonly Label[];
  readonly help?: string;
  readonly fix?: Fix;
}

/**
 * A catalogued diagnostic placed in the source, with the call site's details (its help
 * replaces the template's). Fields keep one order, so `--json` reads the same whoever gave them.
 */
export function at(diagnostic: Diagnostic, span: Span, details: Details = {}): Diagnostic {
  const { code, severity, message, labels, help, note, fix } = { ...diagnostic, ...details };
  return { code, severity, message, span, ...(labels && { labels }), ...(help && { help }), ...(note && { note }), ...(fix && { fix }) } as Diagnostic;
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
