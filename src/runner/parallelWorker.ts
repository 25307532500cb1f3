// One replica of data-parallel training (see parallel.ts): its own TF.js backend and a copy
// of the model. A step runs start to end inside one message handler: every phase computes
// its shard's gradients, exchanges them through shared memory and applies the sum of all.
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { selectBackend, type BackendChoice } from "../runtime/backend.js";
import type { Dataset } from "../runtime/data.js";
import type { GeneratedModel, GradientExchange } from "../runtime/model.js";
import { type ExchangeBuffers, SharedGradients } from "./exchange.js";
import type { ToMain, ToWorker } from "./parallelProtocol.js";

interface Setup {
  readonly moduleUrl: string;
  readonly factory: string;
  readonly seed: number;
  readonly rank: number;
  readonly backend?: BackendChoice;
  readonly data: Dataset;
  readonly exchange: ExchangeBuffers;
}

const setup = workerData as Setup;
const port = parentPort!;
const send = (message: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function main(): Promise<void> {
  await selectBackend(setup.backend);
  const module = (await import(setup.moduleUrl)) as Record<string, (options: { seed: number; backend?: BackendChoice }) => Promise<GeneratedModel<any, any>>>;
  // Its own random stream: replicas must not draw the same noise for different examples.
  const model = await module[setup.factory]!({ seed: setup.seed + 7919 * setup.rank, ...(setup.backend ? { backend: setup.backend } : {}) });
  const exchange = new SharedGradients(model.description, setup.exchange);

  // This replica's side of the exchange: its rows come in the step message, and it waits for the others blocking (it has nothing else to do).
  let parity = 0;
  const replica: GradientExchange = {
    begin: () => {
      throw new Error("a worker's steps are started by the training thread");
    },
    reduce: async (index, grads, terms) => {
      exchange.arrive(parity, index, setup.rank, grads, terms);
      tf.dispose(Object.values(terms));
      exchange.waitBlocking();
      return { grads: exchange.sum(parity, index, setup.rank, grads), terms: {} };
    },
  };
  // Steps run one after another, even if a message arrives while one is still finishing.
  let queue = Promise.resolve();
  const step = (message: Extract<ToWorker, { type: "step" }>) => {
    queue = queue.then(async () => {
      parity = message.parity;
      const { rows, share, labelledRows, labelledShare } = message;
      // The replicas weight their terms as the training thread does: the same clock.
      if (message.stepsPerEpoch !== undefined) model.stepsPerEpoch = message.stepsPerEpoch;
      if (message.labelledFraction !== undefined) model.labelledFraction = message.labelledFraction;
      await model.trainOnRows(setup.data, { rows, share, ...(labelledRows ? { labelledRows, labelledShare: labelledShare! } : {}) }, replica);
    }).catch(fail);
  };
  const fail = (error: unknown) => {
    exchange.fail();
    send({ type: "error", message: error instanceof Error ? error.message : String(error) });
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
        step(message);
      } else {
        void tf.io.encodeWeights(Object.fromEntries(model.weights.entries())).then(({ data, specs }) => send({ type: "weights", weights: { data: data as ArrayBuffer, specs } }, [data as ArrayBuffer]));
      }
    } catch (error) {
      fail(error);
    }
  });
  send({ type: "ready" });
}

main().catch((error: unknown) => send({ type: "error", message: error instanceof Error ? error.message : String(error) }));
