import { Ajv, type ErrorObject } from "ajv";
import { irSchema } from "./schema.js";
import type { ModelIR } from "./types.js";

let compiled: ReturnType<Ajv["compile"]> | undefined;

function validator() {
  compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(irSchema);
  return compiled;
}

/** The schema violations of an IR value, as readable lines; empty when it is valid. */
export function irErrors(ir: unknown): string[] {
  const validate = validator();
  if (validate(ir)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

/** Throws when the IR breaks its schema: a compiler bug, reported as an internal error. */
export function assertValidIr(ir: unknown): asserts ir is ModelIR {
  const errors = irErrors(ir);
  if (errors.length > 0) throw new Error(`the model IR breaks its schema: ${errors.slice(0, 5).join("; ")}`);
}
