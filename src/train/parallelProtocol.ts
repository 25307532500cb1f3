import type * as tf from "@tensorflow/tfjs";

/** Encoded tensors, as tf.io.encodeWeights gives them. */
export interface EncodedTensors {
  readonly data: ArrayBuffer;
  readonly specs: tf.io.WeightsManifestEntry[];
}

/** What the training thread tells a worker. */
export type ToWorker =
  | { type: "sync"; weights: EncodedTensors; optimizer: EncodedTensors; steps: number }
  /** The replica's rows of the next step, and its share of the batch (rows / batch) to scale its loss by. */
  | { type: "step"; rows: Int32Array; share: number; labelledRows?: Int32Array; labelledShare?: number; parity: number }
  /** Every replica's share-scaled gradients for phase `index` are in the shared slots: sum them and apply. */
  | { type: "apply"; index: number };

/** What a worker answers. */
export type ToMain =
  | { type: "ready" }
  | { type: "synced" }
  /** This replica's gradients are in its shared slot; its term values travel here. */
  | { type: "gradients"; terms: Float32Array }
  | { type: "error"; message: string };
