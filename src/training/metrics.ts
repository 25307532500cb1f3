import { Ajv } from "ajv";
import * as tf from "@tensorflow/tfjs";
import type { ModelIR } from "../ir/types.js";
import type { Dataset } from "../runtime/data.js";
import { dataBatch } from "../runtime/model.js";
import type { TrainableModel } from "./model.js";

/** metrics.json: the final test figures of a run. */
export interface RunMetrics {
  readonly model: string;
  readonly spec: string;
  readonly epochs: number;
  readonly trainExamples: number;
  readonly testExamples: number;
  readonly seconds: number;
  /** Every loss term's test mean (nats per example), and −ELBO where the model has one. */
  readonly test: Record<string, number>;
  readonly importanceSampledNll?: { readonly k: number; readonly examples: number; readonly nats: number };
  readonly classificationError?: { readonly variable: string; readonly examples: number; readonly error: number };
}

export const metricsSchema = {
  type: "object",
  additionalProperties: false,
  required: ["model", "spec", "epochs", "trainExamples", "testExamples", "seconds", "test"],
  properties: {
    model: { type: "string" },
    spec: { type: "string" },
    epochs: { type: "integer", minimum: 0 },
    trainExamples: { type: "integer", minimum: 1 },
    testExamples: { type: "integer", minimum: 1 },
    seconds: { type: "number", minimum: 0 },
    test: { type: "object", additionalProperties: { type: "number" }, minProperties: 1 },
    importanceSampledNll: {
      type: "object", additionalProperties: false, required: ["k", "examples", "nats"],
      properties: { k: { type: "integer", minimum: 1 }, examples: { type: "integer", minimum: 1 }, nats: { type: "number" } },
    },
    classificationError: {
      type: "object", additionalProperties: false, required: ["variable", "examples", "error"],
      properties: { variable: { type: "string" }, examples: { type: "integer", minimum: 1 }, error: { type: "number", minimum: 0, maximum: 1 } },
    },
  },
} as const;

export function validateMetrics(value: unknown): string[] {
  const validate = new Ajv({ allErrors: true }).compile(metricsSchema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}

/** −log p(x) by k importance samples, over at most `limit` test examples. */
export async function importanceSampledNll(model: TrainableModel, test: Dataset, k: number, limit = 1000): Promise<RunMetrics["importanceSampledNll"]> {
  if (!model.importanceSampledNll) return undefined;
  const count = Math.min(limit, test.size);
  const chunk = Math.max(1, Math.floor(5000 / k));
  let total = 0;
  for (let start = 0; start < count; start += chunk) {
    const rows = Int32Array.from({ length: Math.min(chunk, count - start) }, (_, i) => start + i);
    const batch = dataBatch(model.description, test, rows);
    try {
      total += (await model.importanceSampledNll(batch, k)) * rows.length;
    } finally {
      tf.dispose(Object.values(batch));
    }
  }
  return { k, examples: count, nats: total / count };
}

/** For models that predict a label (the IR's classifier role): the test error rate. */
export async function classificationError(model: TrainableModel, ir: ModelIR, test: Dataset): Promise<RunMetrics["classificationError"]> {
  const term = ir.roles.classifier;
  if (!term || !model.encode) return undefined;
  let wrong = 0;
  for (let start = 0; start < test.size; start += 500) {
    const rows = Int32Array.from({ length: Math.min(500, test.size - start) }, (_, i) => start + i);
    const batch = dataBatch(model.description, test, rows);
    const codes = model.encode(batch);
    const classes = tf.tidy(() => [tf.argMax(codes[term.variable]!, 1), tf.argMax(batch[term.target]!, 1)]);
    const [predicted, actual] = await Promise.all(classes.map((c) => c.data()));
    predicted!.forEach((p, i) => (wrong += p === actual![i] ? 0 : 1));
    tf.dispose([...classes, ...Object.values(codes), ...Object.values(batch)]);
  }
  return { variable: term.target, examples: test.size, error: wrong / test.size };
}
