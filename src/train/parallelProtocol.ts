import type * as tf from "@tensorflow/tfjs";

/** Encoded tensors, as tf.io.encodeWeights gives them. */
export interface EncodedTensors {
  readonly data: ArrayBuffer;
  readonly specs: tf.io.WeightsManifestEntry[];
}

/** What the training thread tells a worker. */
export type ToWorker =
  | { type: "sync"; weights: EncodedTensors; optimizer: EncodedTensors; steps: number }
  | { type: "step"; rows: Int32Array; labelledRows?: Int32Array }
  /** Every other replica's gradients for phase `index`, by rank; the worker averages them with its own. */
  | { type: "apply"; index: number; gradients: { rank: number; values: Float32Array }[]; weights: number[] };

/** What a worker answers. */
export type ToMain =
  | { type: "ready" }
  | { type: "synced" }
  | { type: "gradients"; gradients: Float32Array; terms: Float32Array }
  | { type: "error"; message: string };
