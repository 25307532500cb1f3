import type * as tf from "@tensorflow/tfjs";

/** Encoded tensors, as tf.io.encodeWeights gives them. */
export interface EncodedTensors {
  readonly data: ArrayBuffer;
  readonly specs: tf.io.WeightsManifestEntry[];
}

/** What the training thread tells a worker. Gradients and term values go through shared memory (exchange.ts). */
export type ToWorker =
  | { type: "sync"; weights: EncodedTensors; optimizer: EncodedTensors; steps: number }
  /** The replica's rows of the next step, and its share of the batch (rows / batch) to scale its loss by. */
  /** `stepsPerEpoch` and `labelledFraction`: the training thread's, for schedules counted in epochs and terms weighted by N_l/N. */
  | { type: "step"; rows: Int32Array; share: number; labelledRows?: Int32Array; labelledShare?: number; parity: number; stepsPerEpoch?: number; labelledFraction?: number }
  /** Send back the replica's weights (to check that replicas agree). */
  | { type: "weights" };

/** What a worker answers. */
export type ToMain =
  | { type: "ready" }
  | { type: "synced" }
  | { type: "weights"; weights: EncodedTensors }
  | { type: "error"; message: string };
