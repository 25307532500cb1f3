import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** Input data that cannot be used, with a reason a person can act on (reported as AE0903). */
export class DataError extends Error {}

/** Data that cannot be used, described by its own catalogued diagnostic (images that do not fit their variable: AE0915), reported as it is. */
export class ImageDataError extends DataError {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}
