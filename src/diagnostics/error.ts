import type { Source } from "../language/span.js";
import type { Diagnostic } from "./diagnostic.js";

/**
 * A diagnostic thrown where returning it is impractical (an unreadable path deep in a
 * command, a run that cannot start); the CLI renders it like any other diagnostic.
 */
export class DiagnosticError extends Error {
  constructor(
    readonly diagnostic: Diagnostic,
    /** The diagnostics of a source that explain this one, e.g. a spec's errors behind AE0905 "does not check". */
    readonly because?: { readonly diagnostics: readonly Diagnostic[]; readonly source: Source },
  ) {
    super(diagnostic.message);
    this.name = "DiagnosticError";
  }
}
