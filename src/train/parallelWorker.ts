// One replica of data-parallel training (see parallel.ts): its own TF.js backend and a copy
// of the model; it computes its shard's gradients, shares them, and applies the sum of all.
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { selectBackend, type BackendChoice } from "../runtime/backend.js";
import { type Dataset, makeBatch } from "../runtime/data.js";
import { batchVariableNames, type GeneratedModel, variableShapes } from "../runtime/model.js";
import { flatten, GradientSlots } from "./parallel.js";
import type { ToMain, ToWorker } from "./parallelProtocol.js";

interface Setup {
  readonly moduleUrl: string;
  readonly factory: string;
  readonly seed: number;
  readonly rank: number;
  readonly backend?: BackendChoice;
  readonly data: Dataset;
  readonly slots: { buffers: SharedArrayBuffer[][]; replicas: number };
}

const setup = workerData as Setup;
const port = parentPort!;
const send = (message: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function main(): Promise<void> {
  await selectBackend(setup.backend);
  const module = (await import(setup.moduleUrl)) as Record<string, (options: { seed: number; backend?: BackendChoice }) => Promise<GeneratedModel<any, any>>>;
  // Its own random stream: replicas must not draw the same noise for different examples.
  const model = await module[setup.factory]!({ seed: setup.seed + 7919 * setup.rank, ...(setup.backend ? { backend: setup.backend } : {}) });
  const description = model.description;
  const shapes = variableShapes(description);
  let batch: Record<string, tf.Tensor> | undefined;
  let labelled: Record<string, tf.Tensor> | undefined;
  let phase = 0;
  let parity = 0;
  let share = 1;
  let labelledShare = 1;
  const slots = new GradientSlots(description, setup.slots.buffers, setup.slots.replicas);

  let grads: tf.Tensor[] = [];
  /** Gradients and terms of phase `phase` on this replica's shard, sent to the training thread. */
  const sendGradients = () => {
    const onLabelled = description.phases[phase]!.subset === "labelled";
    const input = onLabelled ? labelled : batch;
    if (!input) throw new Error(`phase ${description.phases[phase]!.name} needs labelled rows`);
    const result = model.phaseGradients(phase, input, onLabelled ? labelledShare : share);
    grads = result.grads;
    slots.write(parity, phase, setup.rank, grads);
    const values = flatten(Object.values(result.terms));
    tf.dispose(Object.values(result.terms));
    send({ type: "gradients", terms: values }, [values.buffer as ArrayBuffer]);
  };
  const endStep = () => {
    tf.dispose([...Object.values(batch ?? {}), ...Object.values(labelled ?? {})]);
    batch = labelled = undefined;
  };

  port.on("message", (message: ToWorker) => {
    try {
      if (message.type === "sync") {
        const weights = tf.io.decodeWeights(message.weights.data, message.weights.specs);
        for (const [name, variable] of model.weights.entries()) variable.assign(weights[name]!);
        tf.dispose(Object.values(weights));
        const optimizer = tf.io.decodeWeights(message.optimizer.data, message.optimizer.specs);
        void model.setOptimizerState(optimizer).then(() => {
          tf.dispose(Object.values(optimizer));
          model.stepCount = message.steps;
          send({ type: "synced" });
        });
      } else if (message.type === "step") {
        batch = makeBatch(setup.data, shapes, batchVariableNames(description, "all"), message.rows);
        labelled = message.labelledRows ? makeBatch(setup.data, shapes, batchVariableNames(description, "labelled"), message.labelledRows) : undefined;
        phase = 0;
        parity = message.parity;
        share = message.share;
        labelledShare = message.labelledShare ?? 1;
        sendGradients();
      } else {
        model.applyGradients(message.index, slots.sum(parity, message.index, setup.rank, grads));
        phase = message.index + 1;
        if (phase < description.phases.length) sendGradients();
        else {
          model.stepCount = model.stepCount + 1;
          endStep();
        }
      }
    } catch (error) {
      send({ type: "error", message: error instanceof Error ? error.message : String(error) });
    }
  });
  send({ type: "ready" });
}

main().catch((error: unknown) => send({ type: "error", message: error instanceof Error ? error.message : String(error) }));
