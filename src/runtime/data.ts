import * as tf from "@tensorflow/tfjs";
import type { VariableDescription } from "./model.js";
import type { Random } from "./random.js";

/**
 * A data set in memory: one flat Float32Array per variable, row-major, `size` rows.
 * `labelled` lists the rows whose partially-known variables (declared `labelled(N)`) are
 * known; terms on labelled rows (phases `on labelled`, M2's labelled terms) draw their batches from those rows only.
 */
export interface Dataset {
  readonly size: number;
  readonly columns: Readonly<Record<string, Float32Array>>;
  readonly labelled?: Int32Array;
}

export type VariableShapes = Readonly<Record<string, readonly number[]>>;

/** A batch of the given rows, as tensors shaped [rows, ...variable shape]. */
export function makeBatch(data: Dataset, shapes: VariableShapes, names: readonly string[], rows: ArrayLike<number>): Record<string, tf.Tensor> {
  const batch: Record<string, tf.Tensor> = {};
  for (const name of names) {
    const shape = shapes[name]!;
    const width = shape.reduce((a, b) => a * b, 1);
    const column = data.columns[name]!;
    const values = new Float32Array(rows.length * width);
    for (let i = 0; i < rows.length; i++) values.set(column.subarray(rows[i]! * width, (rows[i]! + 1) * width), i * width);
    batch[name] = tf.tensor(values, [rows.length, ...shape]);
  }
  return batch;
}

/** Rows start..start+size of every tensor of a batch (new tensors: slice inside tf.tidy, or dispose them). */
export function batchRows<B extends Record<string, tf.Tensor | undefined>>(batch: B, start: number, size: number): B {
  return Object.fromEntries(Object.entries(batch).map(([name, t]) => [name, t && tf.slice(t, start, size)])) as B;
}

/** Rows in a fresh random order each epoch, cut into batches (the last may be smaller). */
export function* epochBatches(size: number, batchSize: number, random: Random): Generator<Int32Array> {
  const order = random.permutation(size);
  for (let start = 0; start < size; start += batchSize) yield order.subarray(start, Math.min(size, start + batchSize));
}

/** An endless stream of batches from a subset of rows, reshuffled each time it is used up. */
export class SubsetSampler {
  private order: Int32Array = new Int32Array(0);
  private position = 0;

  constructor(private readonly rows: Int32Array, private readonly random: Random) {
    if (rows.length === 0) throw new Error("the labelled subset is empty");
  }

  next(batchSize: number): Int32Array {
    const out = new Int32Array(Math.min(batchSize, this.rows.length));
    for (let i = 0; i < out.length; i++) {
      if (this.position >= this.order.length) {
        const permutation = this.random.permutation(this.rows.length);
        this.order = permutation.map((p) => this.rows[p]!);
        this.position = 0;
      }
      out[i] = this.order[this.position++]!;
    }
    return out;
  }
}

/** A value outside its variable's declared support: which example, which value, and the support in words. */
export interface SupportViolation {
  readonly variable: string;
  /** 1-based, as people count examples. */
  readonly example: number;
  readonly value: number;
  readonly support: string;
}

/**
 * The first value of the data set outside its variable's declared support (pixels in
 * [0, 1] for a Bernoulli likelihood, 0/1 for binary data, one 1 per row for onehot), or
 * undefined when every value lies inside. NaN and infinities lie outside every support.
 * The CLI's loaders and `fit`/`evaluate` share this one check.
 */
export function supportViolation(variables: Readonly<Record<string, VariableDescription>>, data: Dataset): SupportViolation | undefined {
  for (const [name, column] of Object.entries(data.columns)) {
    const v = variables[name];
    if (!v) continue;
    const width = v.shape.reduce((a, b) => a * b, 1);
    const s = v.support;
    const inside =
      s.kind === "interval" ? (x: number) => x >= s.low && x <= s.high
      : s.kind === "binary" || s.kind === "onehot" ? (x: number) => x === 0 || x === 1
      : (x: number) => Number.isFinite(x);
    const words = s.kind === "interval" ? `[${s.low}, ${s.high}]` : s.kind === "binary" ? "{0, 1}" : s.kind === "onehot" ? "one-hot rows (a single 1 per row)" : "the finite numbers";
    for (let i = 0; i < column.length; i++) {
      if (!inside(column[i]!)) return { variable: name, example: Math.floor(i / width) + 1, value: column[i]!, support: words };
    }
    if (s.kind === "onehot") {
      for (let row = 0; row * width < column.length; row++) {
        let ones = 0;
        for (let j = 0; j < width; j++) ones += column[row * width + j]!;
        if (ones !== 1) return { variable: name, example: row + 1, value: ones, support: words };
      }
    }
  }
  return undefined;
}
