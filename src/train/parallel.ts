import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import type { BackendChoice } from "../runtime/backend.js";
import type { Dataset } from "../runtime/data.js";
import { batchVariableNames, type GeneratedModel, variableShapes } from "../runtime/model.js";
import { makeBatch } from "../runtime/data.js";
import { wasmBackend } from "../runtime/wasmInternals.js";
import type { ToMain, ToWorker } from "./parallelProtocol.js";

type Model = GeneratedModel<any, any>;

/** A data set whose columns live in shared memory, so every worker reads the same bytes without a copy. */
function sharedDataset(data: Dataset): Dataset {
  const columns: Record<string, Float32Array> = {};
  for (const [name, column] of Object.entries(data.columns)) {
    const shared = new Float32Array(new SharedArrayBuffer(column.byteLength));
    shared.set(column);
    columns[name] = shared;
  }
  return { size: data.size, columns, ...(data.labelled ? { labelled: data.labelled } : {}) };
}

/** Splits rows into `parts` contiguous shards of near-equal size (the first get one more). */
export function shards(rows: Int32Array, parts: number): Int32Array[] {
  const out: Int32Array[] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const size = Math.floor(rows.length / parts) + (i < rows.length % parts ? 1 : 0);
    out.push(rows.subarray(start, start + size));
    start += size;
  }
  return out;
}

/** Reads tensors into one flat array, in order (term values; gradients go through `GradientSlots`). */
export function flatten(tensors: readonly tf.Tensor[]): Float32Array {
  const flat = new Float32Array(tensors.reduce((n, t) => n + t.size, 0));
  copyInto(tensors, flat);
  return flat;
}

/** Copies tensors' values into `target` back to back: straight from the wasm heap where it can, else through dataSync. */
function copyInto(tensors: readonly tf.Tensor[], target: Float32Array): void {
  const backend = wasmBackend();
  let offset = 0;
  for (const t of tensors) {
    const stored = backend?.dataIdMap.get(t.dataId);
    const values = stored && t.dtype === "float32" ? backend!.wasm.HEAPF32.subarray(stored.memoryOffset / 4, stored.memoryOffset / 4 + t.size) : (t.dataSync() as Float32Array);
    target.set(values, offset);
    offset += t.size;
  }
}

/** Tensors of the given shapes cut from a flat array (the inverse of `flatten`). */
export function unflatten(flat: Float32Array, shapes: readonly (readonly number[])[]): tf.Tensor[] {
  let offset = 0;
  return shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(flat.subarray(offset, offset + size), [...shape]);
    offset += size;
    return t;
  });
}

/**
 * Shared memory for the gradient exchange: for each step parity and phase, one slot per
 * replica holding its flat gradients. Replicas write their own slot and read the others'
 * without copies through messages or garbage; alternating buffers by step parity means a
 * replica never writes a slot another may still be reading from the step before.
 */
export class GradientSlots {
  /** Each phase's weight shapes, in its parameter order, and their total size. */
  private readonly shapes: (readonly number[])[][];
  private readonly sizes: number[];

  constructor(
    description: Model["description"],
    readonly buffers: readonly (readonly SharedArrayBuffer[])[],
    readonly replicas: number,
  ) {
    const shapeOf = new Map(description.weights.map((w) => [w.name, w.shape]));
    this.shapes = description.phases.map((p) => p.parameters.map((name) => shapeOf.get(name)!));
    this.sizes = this.shapes.map((list) => list.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0));
  }

  static allocate(description: Model["description"], replicas: number): GradientSlots {
    const sizes = new GradientSlots(description, [], replicas).sizes;
    const buffers = [0, 1].map(() => sizes.map((size) => new SharedArrayBuffer(size * replicas * 4)));
    return new GradientSlots(description, buffers, replicas);
  }

  slot(parity: number, phase: number, rank: number): Float32Array {
    const size = this.sizes[phase]!;
    return new Float32Array(this.buffers[parity]![phase]!, rank * size * 4, size);
  }

  write(parity: number, phase: number, rank: number, gradients: readonly tf.Tensor[]): void {
    copyInto(gradients, this.slot(parity, phase, rank));
  }

  /**
   * The full batch's gradient: the sum of every replica's share-scaled gradients, computed
   * by TF.js on the backend (SIMD on wasm) in rank order, so every replica gets bitwise the
   * same result. `own` are this replica's gradient tensors (disposed here); the others are
   * read from their slots.
   */
  sum(parity: number, phase: number, rank: number, own: tf.Tensor[]): tf.Tensor[] {
    const shapes = this.shapes[phase]!;
    const byRank = Array.from({ length: this.replicas }, (_, r) => (r === rank ? own : unflatten(this.slot(parity, phase, r), shapes)));
    const sum = tf.tidy(() => shapes.map((_, j) => byRank.slice(1).reduce((total, g) => tf.add(total, g[j]!), byRank[0]![j]!)));
    for (const tensors of byRank) tf.dispose(tensors);
    return sum;
  }
}

class Replica {
  private pending: { resolve: (m: ToMain) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(readonly worker: Worker) {
    worker.on("message", (message: ToMain) => {
      const waiting = this.pending;
      this.pending = undefined;
      if (message.type === "error") waiting?.reject(new Error(`training worker: ${message.message}`)) ?? (this.failure = new Error(message.message));
      else waiting?.resolve(message);
    });
    worker.on("error", (error) => {
      this.failure = error;
      this.pending?.reject(error);
      this.pending = undefined;
    });
    worker.on("exit", (code) => {
      if (code !== 0 && !this.failure) this.failure = new Error(`a training worker exited with code ${code}`);
      this.pending?.reject(this.failure ?? new Error("a training worker exited"));
      this.pending = undefined;
    });
  }

  /** The worker's next message. */
  next(): Promise<ToMain> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  send(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}

export interface ParallelOptions {
  /** Replicas in all: this thread plus `workers - 1` worker threads. */
  readonly workers: number;
  /** The generated module as a file URL (a worker imports it) and its factory's name. */
  readonly moduleUrl: string;
  readonly factory: string;
  readonly seed: number;
  readonly backend?: BackendChoice;
}

/**
 * Synchronous data-parallel training over worker_threads. This thread is replica 0 and
 * keeps the model that is checkpointed and evaluated; each worker holds a replica on its
 * own backend. Every phase of a step: the batch's rows are split into shards, each
 * replica computes the gradients of its shard's loss scaled by its share of the batch
 * and writes them into shared memory; every replica sums all of them in rank order (the
 * full batch's gradient, since losses are batch means) and applies the sum with its own
 * optimizer, so the weights stay identical.
 */
export class DataParallelTrainer {
  private constructor(
    private readonly model: Model,
    private readonly replicas: Replica[],
    private readonly data: Dataset,
    private readonly slots: GradientSlots,
  ) {}
  private steps = 0;

  static async start(model: Model, data: Dataset, options: ParallelOptions): Promise<DataParallelTrainer> {
    if (!Number.isInteger(options.workers) || options.workers < 2) throw new Error("data-parallel training needs at least 2 workers");
    if (model.description.weights.some((w) => !w.trainable)) {
      throw new Error("--workers does not support layers with moving statistics (batchNorm) yet: each replica would keep its own");
    }
    const shared = sharedDataset(data);
    const slots = GradientSlots.allocate(model.description, options.workers);
    const replicas: Replica[] = [];
    try {
      for (let rank = 1; rank < options.workers; rank++) {
        const worker = new Worker(new URL("./parallelWorker.js", import.meta.url), {
          workerData: { moduleUrl: options.moduleUrl, factory: options.factory, seed: options.seed, rank, backend: options.backend, data: shared, slots: { buffers: slots.buffers, replicas: options.workers } },
        });
        replicas.push(new Replica(worker));
      }
      await Promise.all(replicas.map(async (r) => expect(await r.next(), "ready")));
      const trainer = new DataParallelTrainer(model, replicas, shared, slots);
      await trainer.synchronise();
      return trainer;
    } catch (error) {
      await Promise.all(replicas.map((r) => r.worker.terminate()));
      throw error;
    }
  }

  /** Copies this replica's weights, optimizer state and step count to every worker. */
  async synchronise(): Promise<void> {
    const named: tf.NamedTensorMap = Object.fromEntries(this.model.weights.entries());
    const weights = await tf.io.encodeWeights(named);
    const state = await this.model.optimizerState();
    const optimizer = await tf.io.encodeWeights(state);
    tf.dispose(Object.values(state));
    for (const r of this.replicas) {
      r.send({ type: "sync", weights: { data: weights.data as ArrayBuffer, specs: weights.specs }, optimizer: { data: optimizer.data as ArrayBuffer, specs: optimizer.specs }, steps: this.model.stepCount });
    }
    await Promise.all(this.replicas.map(async (r) => expect(await r.next(), "synced")));
  }

  /** One training step over all replicas; resolves to each term's value over the whole batch. */
  async step(rows: Int32Array, labelledRows: Int32Array | undefined): Promise<Record<string, number>> {
    const description = this.model.description;
    const parts = this.replicas.length + 1;
    const rowShards = shards(rows, parts);
    const labelledShards = labelledRows ? shards(labelledRows, parts) : undefined;
    const parity = this.steps++ % 2;
    // Each replica's share of the batch scales its loss, so the replicas' gradients sum to the batch's.
    const shares = (parts: Int32Array[]) => parts.map((part) => part.length / (parts === rowShards ? rows : labelledRows!).length);
    const share = shares(rowShards);
    const labelledShare = labelledShards ? shares(labelledShards) : undefined;
    this.replicas.forEach((r, i) =>
      r.send({ type: "step", parity, rows: rowShards[i + 1]!, share: share[i + 1]!, ...(labelledShards ? { labelledRows: labelledShards[i + 1]!, labelledShare: labelledShare![i + 1]! } : {}) }),
    );
    const shapes = variableShapes(description);
    const batch = makeBatch(this.data, shapes, batchVariableNames(description, "all"), rowShards[0]!);
    const labelled = labelledShards ? makeBatch(this.data, shapes, batchVariableNames(description, "labelled"), labelledShards[0]!) : undefined;
    const sums: Record<string, number> = {};
    try {
      for (const [index, phase] of description.phases.entries()) {
        const own = phase.subset === "labelled" ? labelled : batch;
        if (!own) throw new Error(`phase ${phase.name} runs on labelled examples, but no labelled rows were given`);
        const weights = phase.subset === "labelled" ? labelledShare! : share;
        const replies = this.replicas.map((r) => r.next());
        const { grads, terms } = this.model.phaseGradients(index, own, weights[0]);
        const termNames = Object.keys(terms);
        this.slots.write(parity, index, 0, grads);
        const ownTerms = flatten(termNames.map((t) => terms[t]!));
        tf.dispose(Object.values(terms));
        const received = (await Promise.all(replies)).map((reply) => expect(reply, "gradients"));
        for (const r of this.replicas) r.send({ type: "apply", index });
        termNames.forEach((t, k) => (sums[t] = weights.reduce((s, w, r) => s + w * (r === 0 ? ownTerms[k]! : received[r - 1]!.terms[k]!), 0)));
        this.model.applyGradients(index, this.slots.sum(parity, index, 0, grads));
      }
    } finally {
      tf.dispose([...Object.values(batch), ...(labelled ? Object.values(labelled) : [])]);
    }
    this.model.stepCount = this.model.stepCount + 1;
    return sums;
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
  }
}

function expect<T extends ToMain["type"]>(message: ToMain, type: T): Extract<ToMain, { type: T }> {
  if (message.type !== type) throw new Error(`training worker sent ${message.type}, expected ${type}`);
  return message as Extract<ToMain, { type: T }>;
}

