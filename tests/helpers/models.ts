import * as tf from "@tensorflow/tfjs";
import type { Mnist } from "../../src/data/mnist.js";
import { loadMnist } from "../../src/data/mnistFiles.js";
import { mnistForModel } from "../../src/data/forModel.js";
import type { Dataset } from "../../src/runtime/data.js";
import { dataBatch, type GeneratedModel, type ModelDescription } from "../../src/runtime/model.js";

let mnist: Mnist | undefined;

/** A small MNIST subset shared by the run tests. */
export function smallMnist(size = 256): Mnist {
  mnist ??= loadMnist("train", 1024);
  return { size, images: mnist.images.subarray(0, size * 784), labels: mnist.labels.subarray(0, size) };
}

export function datasetFor(description: ModelDescription, size = 256): Dataset {
  return mnistForModel(description, smallMnist(size), { labelled: Math.min(100, Math.floor(size / 2)) });
}

/** The first `rows` examples as a batch with every data variable. */
export function firstBatch(description: ModelDescription, data: Dataset, rows: number): Record<string, tf.Tensor> {
  return dataBatch(description, data, Int32Array.from({ length: rows }, (_, i) => i));
}

export async function weightValues(model: GeneratedModel<any, any>): Promise<Map<string, Float32Array>> {
  const values = new Map<string, Float32Array>();
  for (const [name, variable] of model.weights.entries()) values.set(name, (await variable.data()) as Float32Array);
  return values;
}

export function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
