/** The compiler API: everything the CLI does is available to programs too. */
export { checkSource, type CheckOptions, type CheckResult } from "./compiler.js";
export { parseSpec, type ParseResult, type Comment, limits } from "./syntax/parse.js";
export { formatSpec } from "./syntax/format.js";
export type * as Ast from "./syntax/ast.js";
export type { Source, Span } from "./language/span.js";
export type { Diagnostic, Severity, Label, Fix } from "./diagnostics/diagnostic.js";
export { renderDiagnostic, renderDiagnostics, diagnosticsToJson } from "./diagnostics/render.js";
export { catalog, diagnose, explain, type CatalogEntry, type Code } from "./diagnostics/catalog.js";
export { DiagnosticError } from "./diagnostics/error.js";
export type { CheckedModel } from "./check/model.js";

// Every stage below runs in a browser page as well as in Node (no Node-only imports).
export { lowerModel } from "./ir/lower.js";
export type { ModelIR } from "./ir/types.js";
export { generateTfjsModule } from "./codegen/index.js";
export { renderGraph, type GraphFormat } from "./graph/index.js";
