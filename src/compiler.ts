import { type Diagnostic, hasErrors, sortDiagnostics } from "./diagnostics/diagnostic.js";
import { type ParseResult, parseSpec } from "./syntax/parse.js";
import type { Source } from "./syntax/span.js";

export interface CheckOptions {
  /** Also report modelling advice (AE07xx). */
  readonly lint?: boolean;
}

export interface CheckResult {
  readonly source: Source;
  readonly parse: ParseResult;
  readonly diagnostics: readonly Diagnostic[];
}

/** The front end as one pure function: text in, AST and every diagnostic out. */
export function checkSource(source: Source, _options: CheckOptions = {}): CheckResult {
  const parse = parseSpec(source);
  if (hasErrors(parse.diagnostics)) return { source, parse, diagnostics: sortDiagnostics(parse.diagnostics) };
  return { source, parse, diagnostics: sortDiagnostics(parse.diagnostics) };
}
