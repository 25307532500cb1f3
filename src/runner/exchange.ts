// The gradient exchange of data-parallel training (parallel.ts), in shared memory: each
// replica writes its share-scaled gradients and term values into its own slot, marks its
// arrival on a shared counter, waits for the others, and sums all slots in rank order.
// No messages and no event-loop turns inside a step: a replica that arrives last finds
// the others' gradients ready, and one that arrives first blocks on Atomics.wait.
import * as tf from "@tensorflow/tfjs";
import { type ModelDescription as Description, modelWeights, phaseParameters } from "../runtime/model.js";
import { accumulateWasm } from "../runtime/kernels/accumulateWasm.js";
import { heapKernels, wasmBackend, type WasmBackendInternals } from "../runtime/wasmInternals.js";

/** The shared buffers, as they travel to a worker. */
export interface ExchangeBuffers {
  /** [parity][phase]: every replica's flat gradients, back to back. */
  readonly gradients: readonly (readonly SharedArrayBuffer[])[];
  /** [parity][phase]: every replica's term values, back to back. */
  readonly terms: readonly (readonly SharedArrayBuffer[])[];
  /** Int32 [arrivals, failed]. */
  readonly control: SharedArrayBuffer;
  readonly replicas: number;
}

const arrivals = 0;
// Atomics.waitAsync is in Node 16+ but in TypeScript's lib only from es2024.
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number, timeout: number): { value: Promise<string> | string } }).waitAsync;
const failed = 1;

/** Thrown by a wait when another replica has failed (it reports why in its own way). */
export class ReplicaFailed extends Error {
  constructor() {
    super("another training replica failed");
  }
}

/**
 * One replica's view of the exchange. Buffers alternate by step parity, so a replica never
 * writes a slot another may still be reading: nobody passes an exchange's barrier before
 * everyone has finished reading the one before.
 */
export class SharedGradients {
  /** Each phase's weight shapes (in its parameter order), their total size, and its term names. */
  private readonly shapes: (readonly number[])[][];
  private readonly sizes: number[];
  readonly termNames: string[][];
  private readonly control: Int32Array;
  /** Exchanges this replica has arrived at; every replica counts the same ones. */
  private exchanges = 0;
  private scratch: { backend: WasmBackendInternals; offset: number; floats: number } | undefined;

  constructor(
    description: Description,
    readonly buffers: ExchangeBuffers,
  ) {
    ({ shapes: this.shapes, sizes: this.sizes, termNames: this.termNames } = phaseLayout(description));
    this.control = new Int32Array(buffers.control);
  }

  static allocate(description: Description, replicas: number): SharedGradients {
    const { sizes, termNames } = phaseLayout(description);
    const perParity = (floats: number[]) => [0, 1].map(() => floats.map((n) => new SharedArrayBuffer(Math.max(1, n) * replicas * 4)));
    return new SharedGradients(description, { gradients: perParity(sizes), terms: perParity(termNames.map((names) => names.length)), control: new SharedArrayBuffer(8), replicas });
  }

  get replicas(): number {
    return this.buffers.replicas;
  }

  slot(parity: number, phase: number, rank: number): Float32Array {
    const floats = this.sizes[phase]!;
    return new Float32Array(this.buffers.gradients[parity]![phase]!, rank * floats * 4, floats);
  }

  terms(parity: number, phase: number, rank: number): Float32Array {
    const floats = this.termNames[phase]!.length;
    return new Float32Array(this.buffers.terms[parity]![phase]!, rank * floats * 4, floats);
  }

  /** Writes this replica's gradients and term values for a phase, and marks its arrival. */
  arrive(parity: number, phase: number, rank: number, gradients: readonly tf.Tensor[], terms: Record<string, tf.Tensor>): void {
    copyInto(gradients, this.slot(parity, phase, rank));
    const values = this.terms(parity, phase, rank);
    this.termNames[phase]!.forEach((name, k) => (values[k] = terms[name]!.dataSync()[0]!));
    this.exchanges++;
    Atomics.add(this.control, arrivals, 1);
    Atomics.notify(this.control, arrivals);
  }

  private arrived(): boolean {
    if (Atomics.load(this.control, failed) !== 0) throw new ReplicaFailed();
    return Atomics.load(this.control, arrivals) >= this.exchanges * this.replicas;
  }

  /** Blocks until every replica has arrived at this exchange (for worker threads). */
  waitBlocking(): void {
    while (!this.arrived()) Atomics.wait(this.control, arrivals, Atomics.load(this.control, arrivals), 100);
  }

  /**
   * Waits until every replica has arrived, blocking for at most `spinMs` (the usual few
   * milliseconds between replicas) before waiting asynchronously, so the calling thread's
   * event loop still hears about a worker that died.
   */
  async wait(spinMs = 20): Promise<void> {
    const deadline = performance.now() + spinMs;
    while (!this.arrived()) {
      const seen = Atomics.load(this.control, arrivals);
      const left = deadline - performance.now();
      if (left > 0) Atomics.wait(this.control, arrivals, seen, left);
      else await waitAsync(this.control, arrivals, seen, 100).value;
    }
  }

  /** Marks the exchange failed and wakes every waiting replica (which then throws ReplicaFailed). */
  fail(): void {
    Atomics.store(this.control, failed, 1);
    Atomics.notify(this.control, arrivals);
  }

  /**
   * The full batch's gradient: the sum of every replica's share-scaled gradients, added in
   * rank order ((g0 + g1) + g2 …, each sum rounded to float32), so every replica gets
   * bitwise the same result. `own` are this replica's gradient tensors, already in its
   * slot. On wasm the sum is written over `own`'s buffers on the heap by a SIMD kernel;
   * elsewhere it is computed with TF.js ops and `own` disposed.
   */
  sum(parity: number, phase: number, rank: number, own: tf.Tensor[]): tf.Tensor[] {
    const onHeap = heapBuffers(own);
    if (!onHeap) return this.sumWithOps(parity, phase, rank, own);
    const { backend, offsets, accumulate } = onHeap;
    const slots = range(0, this.replicas).map((r) => this.slot(parity, phase, r));
    // g0 + g1 = g1 + g0 exactly, so replicas 0 and 1 start from their own gradients;
    // the others start from g0. Then the remaining slots are added in rank order.
    const addends = rank <= 1 ? [1 - rank, ...range(2, this.replicas)] : range(1, this.replicas);
    let start = 0;
    for (const [j, offset] of offsets.entries()) {
      const floats = own[j]!.size;
      const scratch = this.scratchFor(backend, floats);
      if (rank > 1) backend.wasm.HEAPF32.set(slots[0]!.subarray(start, start + floats), offset / 4);
      for (const r of addends) {
        backend.wasm.HEAPF32.set(slots[r]!.subarray(start, start + floats), scratch / 4);
        accumulate(offset, scratch, floats);
      }
      start += floats;
    }
    return own;
  }

  private sumWithOps(parity: number, phase: number, rank: number, own: tf.Tensor[]): tf.Tensor[] {
    const shapes = this.shapes[phase]!;
    const byRank = range(0, this.replicas).map((r) => (r === rank ? own : unflatten(this.slot(parity, phase, r), shapes)));
    const sum = tf.tidy(() => shapes.map((_, j) => byRank.slice(1).reduce((total, g) => tf.add(total, g[j]!), byRank[0]![j]!)));
    for (const tensors of byRank) tf.dispose(tensors);
    return sum;
  }

  /** A heap buffer of at least `floats` floats that a slot is copied into before it is added (kept; grown when needed). */
  private scratchFor(backend: WasmBackendInternals, floats: number): number {
    if (this.scratch && (this.scratch.backend !== backend || this.scratch.floats < floats)) this.release();
    this.scratch ??= { backend, offset: backend.wasm._malloc(floats * 4), floats };
    return this.scratch.offset;
  }

  /** Frees the heap scratch buffer. */
  release(): void {
    this.scratch?.backend.wasm._free(this.scratch.offset);
    this.scratch = undefined;
  }
}

/**
 * What each phase exchanges: its weights' shapes in parameter order, their total size in
 * floats, and its term names once each in the phase's order (the order of the term slots).
 */
function phaseLayout(description: Description): { shapes: (readonly number[])[][]; sizes: number[]; termNames: string[][] } {
  const shapeOf = new Map(modelWeights(description).map((w) => [w.name, w.shape]));
  const shapes = description.phases.map((p) => phaseParameters(description, p).map((name) => shapeOf.get(name)!));
  return {
    shapes,
    sizes: shapes.map((list) => list.reduce((n, shape) => n + size(shape), 0)),
    termNames: description.phases.map((p) => [...new Set(p.terms.map((t) => t.term))]),
  };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
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

/** Tensors of the given shapes cut from a flat array. */
function unflatten(flat: Float32Array, shapes: readonly (readonly number[])[]): tf.Tensor[] {
  let offset = 0;
  return shapes.map((shape) => {
    const t = tf.tensor(flat.subarray(offset, offset + size(shape)), [...shape]);
    offset += size(shape);
    return t;
  });
}

type Accumulate = (target: number, source: number, n: number) => void;

/**
 * Where each tensor's floats are on the wasm heap, to be summed into in place, and the
 * SIMD kernel that adds: undefined off wasm, without SIMD, or when a buffer is shared
 * with another tensor (writing it would change that one too).
 */
function heapBuffers(tensors: readonly tf.Tensor[]): { backend: WasmBackendInternals; offsets: number[]; accumulate: Accumulate } | undefined {
  const backend = wasmBackend();
  const accumulate = backend && (heapKernels(backend.wasm.asm.memory, accumulateWasm)?.accumulate as Accumulate | undefined);
  if (!backend || !accumulate) return undefined;
  const offsets: number[] = [];
  for (const t of tensors) {
    const stored = backend.dataIdMap.get(t.dataId);
    if (!stored || stored.refCount !== 1 || t.dtype !== "float32") return undefined;
    offsets.push(stored.memoryOffset);
  }
  return { backend, offsets, accumulate };
}
