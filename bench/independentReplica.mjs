// A worker for bench/speed.ts: one replica of the generated VAE training on its own
// 64-row batch, with no exchange at all, timed when asked. Beside the same on the
// benchmark's thread it measures what two cores give when replicas share nothing:
// the ceiling of any data-parallel trainer on this machine.
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";

const { moduleUrl, factory, images, rows } = workerData;
const create = (await import(moduleUrl))[factory];
const model = await create({ seed: 2, backend: "wasm" });
const x = tf.tensor2d(images, [rows, 784]);
for (let i = 0; i < 3; i++) await model.trainStep({ x });
parentPort.on("message", async ({ steps }) => {
  const started = performance.now();
  for (let i = 0; i < steps; i++) await model.trainStep({ x });
  parentPort.postMessage(performance.now() - started);
});
parentPort.postMessage("ready");
