import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import type { BackendChoice } from "../runtime/backend.js";
import type { Dataset } from "../runtime/data.js";
import { type GeneratedModel, type GradientExchange, hasMovingStatistics, type StepRows } from "../runtime/model.js";
import type { TermValues } from "../runtime/trainer.js";
import { ReplicaFailed, SharedGradients } from "./exchange.js";
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

class Replica {
  private pending: { resolve: (m: ToMain) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private onFailure: ((error: Error) => void) | undefined;

  constructor(
    readonly worker: Worker,
    exchange: SharedGradients,
  ) {
    const fail = (error: Error) => {
      this.failure ??= error;
      this.pending?.reject(this.failure);
      this.pending = undefined;
      this.onFailure?.(this.failure);
      exchange.fail(); // wakes the other replicas waiting in an exchange
    };
    worker.on("message", (message: ToMain) => {
      if (message.type === "error") return fail(new Error(`training worker: ${message.message}`));
      const waiting = this.pending;
      this.pending = undefined;
      waiting?.resolve(message);
    });
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(code === 0 ? "a training worker exited" : `a training worker exited with code ${code}`)));
  }

  /** Resolves with this worker's failure, when it fails. */
  failed(): Promise<Error> {
    return this.failure ? Promise.resolve(this.failure) : new Promise((resolve) => (this.onFailure = resolve));
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
 * and writes them into shared memory (exchange.ts); every replica sums all of them in
 * rank order (the full batch's gradient, since losses are batch means) and applies the
 * sum with its own optimizer, so the weights stay identical. One message per step tells
 * the workers their rows; the rest of the step is shared memory and Atomics.
 */
export class DataParallelTrainer implements GradientExchange {
  private constructor(
    private readonly model: Model,
    private readonly replicas: Replica[],
    private readonly data: Dataset,
    private readonly exchange: SharedGradients,
  ) {}
  private steps = 0;
  // The step under way: its exchange slots' parity and each replica's share of the batch.
  private parity = 0;
  private share: number[] = [];
  private labelledShare: number[] | undefined;

  static async start(model: Model, data: Dataset, options: ParallelOptions): Promise<DataParallelTrainer> {
    if (!Number.isInteger(options.workers) || options.workers < 2) throw new Error("data-parallel training needs at least 2 workers");
    if (hasMovingStatistics(model.description)) {
      throw new Error("--workers does not support moving averages (batchNorm's statistics, an EMA codebook) yet: each replica would keep its own");
    }
    const shared = sharedDataset(data);
    const exchange = SharedGradients.allocate(model.description, options.workers);
    const replicas: Replica[] = [];
    try {
      for (let rank = 1; rank < options.workers; rank++) {
        const worker = new Worker(new URL("./parallelWorker.js", import.meta.url), {
          workerData: { moduleUrl: options.moduleUrl, factory: options.factory, seed: options.seed, rank, backend: options.backend, data: shared, exchange: exchange.buffers },
        });
        replicas.push(new Replica(worker, exchange));
      }
      await Promise.all(replicas.map(async (r) => expect(await r.next(), "ready")));
      const trainer = new DataParallelTrainer(model, replicas, shared, exchange);
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

  /** Every worker's weights, by name (to check that the replicas agree). */
  async replicaWeights(): Promise<tf.NamedTensorMap[]> {
    for (const r of this.replicas) r.send({ type: "weights" });
    const replies = await Promise.all(this.replicas.map(async (r) => expect(await r.next(), "weights")));
    return replies.map((w) => tf.io.decodeWeights(w.weights.data, w.weights.specs));
  }

  /** One training step over all replicas (the model's own step, with this exchange); resolves to each term's value over the whole batch. */
  step(rows: Int32Array, labelledRows: Int32Array | undefined): Promise<Record<string, number>> {
    return this.model.trainOnRows(this.data, this.begin(rows, labelledRows), this);
  }

  /** Starts a step: sends each worker its shard of the rows; this replica trains on the first shard. */
  begin(rows: Int32Array, labelledRows: Int32Array | undefined): StepRows {
    const parts = this.replicas.length + 1;
    const rowShards = shards(rows, parts);
    const labelledShards = labelledRows ? shards(labelledRows, parts) : undefined;
    this.parity = this.steps++ % 2;
    // Each replica's share of the batch scales its loss, so the replicas' gradients sum to the batch's.
    const shares = (parts: Int32Array[], all: Int32Array) => parts.map((part) => part.length / all.length);
    this.share = shares(rowShards, rows);
    this.labelledShare = labelledShards ? shares(labelledShards, labelledRows!) : undefined;
    this.replicas.forEach((r, i) =>
      r.send({ type: "step", parity: this.parity, rows: rowShards[i + 1]!, share: this.share[i + 1]!, ...(this.model.stepsPerEpoch !== undefined ? { stepsPerEpoch: this.model.stepsPerEpoch } : {}), ...(this.model.labelledFraction !== undefined ? { labelledFraction: this.model.labelledFraction } : {}), ...(labelledShards ? { labelledRows: labelledShards[i + 1]!, labelledShare: this.labelledShare![i + 1]! } : {}) }),
    );
    return { rows: rowShards[0]!, share: this.share[0]!, ...(labelledShards ? { labelledRows: labelledShards[0]!, labelledShare: this.labelledShare![0]! } : {}) };
  }

  /** Phase `index` of the step: every replica's gradients summed, and each term's value over the whole batch. */
  async reduce(index: number, grads: tf.Tensor[], terms: TermValues): Promise<{ grads: tf.Tensor[]; terms: Record<string, number> }> {
    try {
      this.exchange.arrive(this.parity, index, 0, grads, terms);
      tf.dispose(Object.values(terms));
      await this.waitForReplicas();
      // A term's value over the whole batch of its rows: the replicas' values weighted by their shares of those rows.
      const phase = this.model.description.phases[index]!;
      const weightsOf = (term: string) => (phase.terms.find((t) => t.term === term)?.rows === "labelled" ? this.labelledShare! : this.share);
      const values = Object.fromEntries(this.exchange.termNames[index]!.map((t, k) => [t, weightsOf(t).reduce((s, w, r) => s + w * this.exchange.terms(this.parity, index, r)[k]!, 0)]));
      return { grads: this.exchange.sum(this.parity, index, 0, grads), terms: values };
    } catch (error) {
      this.exchange.fail();
      throw error;
    }
  }

  /** Waits for every replica's gradients; a worker's failure is reported as its own error. */
  private async waitForReplicas(): Promise<void> {
    try {
      await this.exchange.wait();
    } catch (error) {
      if (!(error instanceof ReplicaFailed)) throw error;
      // The failing worker's message (or exit) arrives through the event loop.
      const failure = await Promise.race([...this.replicas.map((r) => r.failed()), new Promise<undefined>((resolve) => setTimeout(resolve, 1000))]);
      throw failure ?? error;
    }
  }

  async close(): Promise<void> {
    this.exchange.fail(); // wakes any worker still waiting in an exchange
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
    this.exchange.release();
  }
}

function expect<T extends ToMain["type"]>(message: ToMain, type: T): Extract<ToMain, { type: T }> {
  if (message.type !== type) throw new Error(`training worker sent ${message.type}, expected ${type}`);
  return message as Extract<ToMain, { type: T }>;
}

