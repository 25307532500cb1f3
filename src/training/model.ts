import type * as tf from "@tensorflow/tfjs";
import type { ModelIR } from "../ir/types.js";
import type { BackendChoice } from "../runtime/backend.js";
import type { GeneratedModel, ModelDescription } from "../runtime/model.js";

/**
 * A generated model class as a trainer drives it: the runtime's base class, plus the
 * methods a model has where the IR's `roles.methods` says so.
 */
export type TrainableModel = GeneratedModel<any, any> & {
  encode?: (inputs: Record<string, tf.Tensor>) => Record<string, tf.Tensor>;
  decode?: (inputs: Record<string, tf.Tensor>) => Record<string, tf.Tensor>;
  reconstruct?: (inputs: Record<string, tf.Tensor>) => Record<string, tf.Tensor>;
  sample?: (n: number, options?: { label?: number | readonly number[] }) => Record<string, tf.Tensor>;
  importanceSampledNll?: (batch: Record<string, tf.Tensor>, k?: number) => Promise<number>;
};

/** A compiled model module, loaded: in Node from a run folder, in a page from memory. */
export interface LoadedModule {
  readonly ir: ModelIR;
  /** Where the module's JavaScript is, for worker threads to import (absent for modules evaluated in a page). */
  readonly url?: string;
  readonly description: ModelDescription;
  readonly create: (options: { seed?: number; backend?: BackendChoice }) => Promise<TrainableModel>;
}

/** One line of history.json: an epoch's mean terms on the training and test data. */
export interface EpochRecord {
  readonly epoch: number;
  readonly seconds: number;
  readonly train: Record<string, number>;
  readonly test: Record<string, number>;
  /**
   * TF.js tensors alive, buffers the backend holds (a kernel can leak those without any
   * tensor), and the process's resident memory (MB) after the epoch's evaluation: flat
   * over a healthy run.
   */
  readonly tensors?: number;
  readonly buffers?: number;
  readonly rssMb?: number;
  /** The value each schedule had at the epoch's end (`phase/term` weights, `term/capacity`), for a model with schedules. */
  readonly schedules?: Record<string, number>;
}
/**
 * Where a trainer reports to: the CLI passes the terminal, tests pass buffers. Lines go
 * to `stdout`; warnings, interruptions and progress bars to `stderr`.
 */
export interface Reporter {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Progress bars only when a person is watching. */
  readonly isTTY: boolean;
}
