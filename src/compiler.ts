import { checkModel } from "./check/check.js";
import type { CheckedModel } from "./check/model.js";
import { diagnose } from "./diagnostics/catalog.js";
import { at, type Diagnostic, hasErrors, sortDiagnostics } from "./diagnostics/diagnostic.js";
import { type ParseResult, parseSpec } from "./syntax/parse.js";
import type { Source, Span } from "./language/span.js";

export interface CheckOptions {
  /** Also report modelling advice (AE07xx). */
  readonly lint?: boolean;
}

export interface CheckResult {
  readonly source: Source;
  readonly parse: ParseResult;
  readonly diagnostics: readonly Diagnostic[];
  /** One per model of the file, present only when the whole file checks without errors. */
  readonly models: readonly CheckedModel[];
}

/** The front end as one pure function: text in, checked models and every diagnostic out. */
export function checkSource(source: Source, options: CheckOptions = {}): CheckResult {
  const parse = parseSpec(source);
  if (hasErrors(parse.diagnostics)) return { source, parse, diagnostics: sortDiagnostics(parse.diagnostics), models: [] };
  const diagnostics: Diagnostic[] = [...parse.diagnostics];
  const models: CheckedModel[] = [];
  const names = new Map<string, Span>();
  for (const declaration of parse.ast.models) {
    const first = names.get(declaration.name.name);
    if (first) {
      diagnostics.push(at(diagnose.AE0201.modelTwice(declaration.name.name), declaration.name.span, { labels: [{ span: first, message: "first declared here" }] }));
      continue;
    }
    names.set(declaration.name.name, declaration.name.span);
    const result = checkModel(source, declaration, { lint: options.lint ?? false });
    diagnostics.push(...result.diagnostics);
    if (result.model) models.push(result.model);
  }
  const allowed = allowedWarnings(parse);
  const shown = diagnostics.filter((d) => d.severity !== "warning" || !allowed.has(d.code));
  return { source, parse, diagnostics: sortDiagnostics(shown), models: hasErrors(shown) ? [] : models };
}

/**
 * Warnings a spec keeps on purpose, each with its reason in a comment:
 * `// aec: allow AE0702 — the paper's code is overcomplete; the penalty regularises it`.
 * Only warnings can be allowed; errors always stand.
 */
function allowedWarnings(parse: ParseResult): Set<string> {
  const codes = new Set<string>();
  for (const comment of parse.comments) {
    for (const match of comment.text.matchAll(/aec:\s*allow\s+(AE\d{4})/g)) codes.add(match[1]!);
  }
  return codes;
}
