/** The compiler API: everything the CLI does is available to programs too. */
export { checkSource, type CheckOptions, type CheckResult } from "./compiler.js";
export { parseSpec, type ParseResult, type Comment, limits } from "./syntax/parse.js";
export { formatSpec } from "./syntax/format.js";
export type * as Ast from "./syntax/ast.js";
export type { Source, Span } from "./syntax/span.js";
export type { Diagnostic, Severity, Label, Fix } from "./diagnostics/diagnostic.js";
export { renderDiagnostic, renderDiagnostics, diagnosticsToJson } from "./diagnostics/render.js";
export { catalog, explain, type CatalogEntry } from "./diagnostics/catalog.js";
