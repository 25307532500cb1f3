import * as tf from "@tensorflow/tfjs";
import { type Dataset, supportViolation } from "./data.js";
import type { VariableDescription } from "./model.js";

/**
 * A public method of a generated model was called with an argument it cannot use. It is
 * thrown before anything touches the backend, so the model is as it was and still works.
 */
export class ModelInputError extends Error {
  constructor(
    /** The method called, e.g. `sample`. */
    readonly method: string,
    /** The argument at fault, e.g. `n` or `inputs.x`. */
    readonly argument: string,
    /** What was expected, in words. */
    readonly expected: string,
    /** What was given, in words. */
    readonly got: string,
  ) {
    super(`${method}: \`${argument}\` must be ${expected}; got ${got}`);
    this.name = "ModelInputError";
  }
}

/**
 * The most values one call may ask the backend to hold for one tensor (2²⁶ floats, 256 MB):
 * beyond it the wasm heap traps and every later call fails, so such calls are refused first.
 */
export const maxElements = 2 ** 26;

/** The most rows one call may hold when a row takes `valuesPerRow` values in its widest layer (at least 1). */
export function rowsWithin(valuesPerRow: number): number {
  return Math.max(1, Math.floor(maxElements / valuesPerRow));
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "number") return String(value);
  if (isTensor(value)) return `a tensor of shape [${value.shape.join(", ")}]${value.isDisposed ? " (disposed)" : ""}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === "object" ? `an object with keys ${Object.keys(value as object).join(", ") || "(none)"}` : `a ${typeof value}`;
}

/** Any TF.js tensor (checked by shape and methods, so a tensor of another TF.js copy is recognised and then refused by the engine check). */
function isTensor(value: unknown): value is tf.Tensor {
  return typeof value === "object" && value !== null && Array.isArray((value as tf.Tensor).shape) && typeof (value as tf.Tensor).dataSync === "function";
}

/** A whole number in [min, max]: counts (n, k), batch sizes and epochs. */
export function checkCount(method: string, argument: string, value: unknown, min = 1, max = maxElements): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ModelInputError(method, argument, `a whole number from ${min} to ${max}`, describe(value));
  }
  return value;
}

const width = (v: VariableDescription) => v.shape.reduce((a, b) => a * b, 1);

/**
 * Checks a record of tensors, one per named variable, shaped [n, ...shape] with the same n
 * (at most `maxRows`) and values inside each variable's support (NaN is inside none); returns
 * n. Onehot and binary latents are fed as probabilities (what encode returns for them).
 */
export function checkTensors(method: string, argument: string, inputs: unknown, variables: Readonly<Record<string, VariableDescription>>, names: readonly string[], maxRows = maxElements): number {
  if (typeof inputs !== "object" || inputs === null || isTensor(inputs) || Array.isArray(inputs)) {
    throw new ModelInputError(method, argument, `an object with one tensor per variable (${names.join(", ")})`, describe(inputs));
  }
  let rows: number | undefined;
  for (const name of names) {
    const v = variables[name]!;
    const value = (inputs as Record<string, unknown>)[name];
    const expected = `a tensor of shape [n, ${v.shape.join(", ")}] (${v.type} ${name})`;
    if (!isTensor(value) || value.isDisposed) throw new ModelInputError(method, `${argument}.${name}`, expected, describe(value));
    if (!(value instanceof tf.Tensor)) throw new ModelInputError(method, `${argument}.${name}`, "a tensor of the TF.js that aespec/runtime imports (two copies of @tensorflow/tfjs are installed)", "a tensor of another copy");
    if (value.dtype !== "float32") throw new ModelInputError(method, `${argument}.${name}`, `${expected}, float32`, `a ${value.dtype} tensor (cast it with tf.cast(t, "float32"))`);
    const [n, ...shape] = value.shape;
    const most = Math.min(maxRows, Math.floor(maxElements / width(v)));
    if (n === undefined || n < 1 || n > most || shape.join(",") !== v.shape.join(",")) throw new ModelInputError(method, `${argument}.${name}`, `${expected}, 1 ≤ n ≤ ${most}`, describe(value));
    if (rows !== undefined && n !== rows) throw new ModelInputError(method, `${argument}.${name}`, `${rows} rows, as the other inputs have`, `${n} rows`);
    rows = n;
    const values = value.dataSync() as Float32Array;
    // Latents are what encoders give: class probabilities for onehot and binary codes, and for
    // real codes any finite value (an encoder's mean is not bound by the prior's support).
    const bad =
      v.role === "data" ? supportViolation({ [name]: v }, { size: n, columns: { [name]: values } })
      : v.type === "real" ? supportViolation({ [name]: { ...v, support: { kind: "real" } } }, { size: n, columns: { [name]: values } })
      : probabilityViolation(v, values);
    if (bad) throw new ModelInputError(method, `${argument}.${name}`, `values in ${bad.support}`, `${bad.value} in row ${bad.example}`);
  }
  return rows ?? 0;
}

/** Probabilities of an onehot latent (rows summing to 1) or a binary one (each in [0, 1]). */
function probabilityViolation(v: VariableDescription, values: Float32Array): { example: number; value: number; support: string } | undefined {
  const w = width(v);
  const support = v.type === "onehot" ? "probability rows (each in [0, 1], summing to 1)" : "[0, 1] (probabilities)";
  for (let i = 0; i < values.length; i++) if (!(values[i]! >= 0 && values[i]! <= 1)) return { example: Math.floor(i / w) + 1, value: values[i]!, support };
  if (v.type === "onehot") {
    // Each group of a onehot[N, K] latent is a row of K classes.
    const classes = v.shape[v.shape.length - 1]!;
    for (let row = 0; row * classes < values.length; row++) {
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += values[row * classes + j]!;
      if (Math.abs(sum - 1) > 1e-3) return { example: Math.floor((row * classes) / w) + 1, value: sum, support };
    }
  }
  return undefined;
}

/** Checks a data set for `fit` and `evaluate`: whole rows of Float32Array columns, values inside their supports. */
export function checkDataset(method: string, data: unknown, variables: Readonly<Record<string, VariableDescription>>, names: readonly string[]): asserts data is Dataset {
  const d = data as Partial<Dataset> | null;
  if (typeof d !== "object" || d === null || typeof d.columns !== "object" || d.columns === null) {
    throw new ModelInputError(method, "data", "a data set { size, columns: { name: Float32Array } }", describe(data));
  }
  checkCount(method, "data.size", d.size, 1, 2 ** 31 - 1);
  for (const name of names) {
    const column = d.columns[name];
    const w = width(variables[name]!);
    if (!(column instanceof Float32Array)) throw new ModelInputError(method, `data.columns.${name}`, `a Float32Array of ${d.size} × ${w} values`, describe(column));
    if (column.length !== d.size! * w) throw new ModelInputError(method, `data.columns.${name}`, `${d.size} × ${w} = ${d.size! * w} values`, `${column.length}`);
  }
  if (d.labelled !== undefined) {
    if (!(d.labelled instanceof Int32Array) || d.labelled.some((r) => r < 0 || r >= d.size!)) throw new ModelInputError(method, "data.labelled", `an Int32Array of rows in 0..${d.size! - 1}`, describe(d.labelled));
  }
  // A variable declared labelled(N) is known on the labelled rows only: the others may hold anything.
  const known = names.filter((n) => variables[n]!.labelled === undefined);
  const partial = names.filter((n) => variables[n]!.labelled !== undefined);
  const rows = d.labelled ?? new Int32Array(0);
  const labelledRows = { size: rows.length, columns: Object.fromEntries(partial.map((n) => [n, pickRows(d.columns![n]!, rows, width(variables[n]!))])) };
  const inLabelled = supportViolation(Object.fromEntries(partial.map((n) => [n, variables[n]!])), labelledRows);
  const bad = supportViolation(Object.fromEntries(known.map((n) => [n, variables[n]!])), d as Dataset) ?? (inLabelled && { ...inLabelled, example: rows[inLabelled.example - 1]! + 1 });
  if (bad) throw new ModelInputError(method, `data.columns.${bad.variable}`, `values in ${bad.support}${bad.support.startsWith("[0, 1]") ? " (scale 8-bit pixels by 1/255)" : ""}`, `${bad.value} in example ${bad.example}`);
}

/** The given rows of a column of `w`-value rows. */
function pickRows(column: Float32Array, rows: Int32Array, w: number): Float32Array {
  const out = new Float32Array(rows.length * w);
  rows.forEach((row, i) => out.set(column.subarray(row * w, (row + 1) * w), i * w));
  return out;
}

/** A class label for `sample`: one class for all n examples, or one per example. */
export function checkLabel(method: string, label: unknown, n: number, classes: number): void {
  const expected = `a class in 0..${classes - 1}, or an array of ${n} such classes`;
  if (label === undefined) return;
  const ok = (c: unknown) => typeof c === "number" && Number.isInteger(c) && c >= 0 && c < classes;
  if (Array.isArray(label) ? label.length !== n || !label.every(ok) : !ok(label)) throw new ModelInputError(method, "options.label", expected, describe(label));
}
