// Training speed, measured side by side in ONE run on the wasm backend (issue 6):
// (a) an idiomatic hand-written TF.js VAE in the style of the official tfjs-examples VAE
//     (tf.layers, tf.train.adam, optimizer.minimize) on wasm as shipped, then
// (b) the generated VAE (specs/vae.aespec) on wasm with aespec's runtime.
// Same model (784-500-500-20 ReLU, Bernoulli), same batches (128 MNIST images), same optimizer.
// Not part of CI: `npm run bench`. Prints one JSON line.
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { loadMnist } from "../src/data/mnistFiles.js";
import { wasmDirectory } from "../src/runtime/nodeIO.js";

const steps = Number(process.env.BENCH_STEPS ?? 40);
const batchSize = 128;
const mnist = loadMnist("train", batchSize * 8);
const batches = Array.from({ length: 8 }, (_, i) => mnist.images.subarray(i * batchSize * 784, (i + 1) * batchSize * 784));

/** Milliseconds for `count` calls of `run` (called with 0, 1, …), one after another. */
async function timed(run: (i: number) => unknown, count = steps): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await run(i);
  return performance.now() - started;
}

async function rate(run: (batch: tf.Tensor2D) => unknown): Promise<number> {
  const tensors = batches.map((b) => tf.tensor2d(b, [batchSize, 784]));
  await timed((i) => run(tensors[i % tensors.length]!), 3); // warm-up
  const ms = await timed((i) => run(tensors[i % tensors.length]!));
  tf.dispose(tensors);
  return (steps * batchSize) / (ms / 1000);
}

/** The tfjs-examples way: layers models, a sampling step, a loss closure for optimizer.minimize. */
function idiomaticVae(): (batch: tf.Tensor2D) => void {
  const input = tf.input({ shape: [784] });
  const h1 = tf.layers.dense({ units: 500, activation: "relu" }).apply(input) as tf.SymbolicTensor;
  const h2 = tf.layers.dense({ units: 500, activation: "relu" }).apply(h1) as tf.SymbolicTensor;
  const zMean = tf.layers.dense({ units: 20 }).apply(h2) as tf.SymbolicTensor;
  const zLogVar = tf.layers.dense({ units: 20 }).apply(h2) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: input, outputs: [zMean, zLogVar] });
  const decoder = tf.sequential({
    layers: [
      tf.layers.dense({ units: 500, activation: "relu", inputShape: [20] }),
      tf.layers.dense({ units: 500, activation: "relu" }),
      tf.layers.dense({ units: 784, activation: "sigmoid" }),
    ],
  });
  const optimizer = tf.train.adam(1e-3);
  return (batch) => {
    const cost = optimizer.minimize(() => {
      const [mean, logVar] = encoder.apply(batch) as tf.Tensor[];
      const z = tf.add(mean!, tf.mul(tf.exp(tf.mul(0.5, logVar!)), tf.randomNormal(mean!.shape)));
      const reconstruction = decoder.apply(z) as tf.Tensor;
      const bce = tf.mul(tf.metrics.binaryCrossentropy(batch, reconstruction), 784);
      const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar!), tf.square(mean!)), tf.exp(logVar!)), -1));
      return tf.mean(tf.add(bce, kl)) as tf.Scalar;
    }, true);
    // Read the loss each step, as the generated trainStep does, so both pay for one read.
    cost!.dataSync();
    cost!.dispose();
  };
}

setWasmPaths(wasmDirectory());
await tf.setBackend("wasm");
const idiomatic = await rate(idiomaticVae());

const { createVAE } = await import("../generated/vae.js");
const vae = await createVAE({ seed: 1, backend: "wasm" }); // installs aespec's wasm fast paths
const generated = await rate((x) => vae.trainStep({ x }));
// (c) Two cores, in interleaved rounds (this machine's speed drifts by ±15 % within a
// minute, so each round times one core and two back to back), at the VAE's batch of 128
// and at 256. One round at batch B is
//   one:  the generated VAE above, B-row steps, on this thread;
//   two:  the same model trained data-parallel (aec train --workers 2): this thread and one
//         worker thread each computing B/2 rows of every batch, gradients summed;
//   free: two replicas that share nothing (this thread and a worker, each its own model
//         training on its own B/2 rows at the same time): the ceiling of any synchronous
//         data-parallel trainer here, since "two" does the same work plus an exchange.
const { loadModelModule } = await import("../dist/runner/loadModule.js");
const { DataParallelTrainer } = await import("../dist/runner/parallel.js");
const { checkSource: check } = await import("../dist/compiler.js");
const { lowerModel: lower } = await import("../dist/ir/lower.js");
const { mkdtempSync } = await import("node:fs");
const { tmpdir } = await import("node:os");
const { join } = await import("node:path");
const { Worker } = await import("node:worker_threads");
const vaeIr = lower(check({ name: "specs/vae.aespec", text: (await import("node:fs")).readFileSync("specs/vae.aespec", "utf8") }).models[0]!, "specs/vae.aespec");
const compiled = await loadModelModule(vaeIr, mkdtempSync(join(tmpdir(), "aespec-bench-")));
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const twoCoreBatches = [batchSize, 2 * batchSize];
const twoCoreImages = loadMnist("train", Math.max(...twoCoreBatches) * 8).images;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function twoCores(batch: number) {
  const half = batch / 2;
  const images = twoCoreImages.subarray(0, batch * 8 * 784);
  const rows = Array.from({ length: 8 }, (_, i) => Int32Array.from({ length: batch }, (_, j) => i * batch + j));
  const oneBatches = rows.map((_, i) => tf.tensor2d(images.subarray(i * batch * 784, (i + 1) * batch * 784), [batch, 784]));
  const parallelModel = await compiled.create({ seed: 1, backend: "wasm" });
  const trainer = await DataParallelTrainer.start(parallelModel, { size: batch * 8, columns: { x: images } }, { workers: 2, moduleUrl: compiled.url!, factory: "createVAE", seed: 1, backend: "wasm" });
  const freeModel = await compiled.create({ seed: 1, backend: "wasm" });
  const freeBatch = tf.tensor2d(images.subarray(0, half * 784), [half, 784]);
  const freeWorker = new Worker(new URL("./independentReplica.mjs", import.meta.url), { workerData: { moduleUrl: compiled.url, factory: "createVAE", images: images.slice(half * 784, batch * 784), rows: half } });
  const fromWorker = () => new Promise<unknown>((resolve) => freeWorker.once("message", resolve));
  await fromWorker(); // ready
  for (let i = 0; i < 10; i++) await trainer.step(rows[i % 8]!, undefined);
  for (let i = 0; i < 3; i++) {
    await vae.trainStep({ x: oneBatches[i]! });
    await freeModel.trainStep({ x: freeBatch });
  }
  const perRound: { one: number; two: number; free: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const one = (steps * batch) / ((await timed((i) => vae.trainStep({ x: oneBatches[i % 8]! }))) / 1000);
    const two = (steps * batch) / ((await timed((i) => trainer.step(rows[i % 8]!, undefined))) / 1000);
    const workerMs = fromWorker();
    freeWorker.postMessage({ steps });
    const mineMs = await timed(() => freeModel.trainStep({ x: freeBatch }));
    const free = (steps * batch) / (Math.max(mineMs, (await workerMs) as number) / 1000);
    perRound.push({ one: Math.round(one), two: Math.round(two), free: Math.round(free) });
  }
  await trainer.close();
  await freeWorker.terminate();
  tf.dispose([freeBatch, ...oneBatches]);
  freeModel.dispose();
  parallelModel.dispose();
  return {
    batch,
    twoWorkersExamplesPerSecond: median(perRound.map((r) => r.two)),
    twoWorkersSpeedup: Number(median(perRound.map((r) => r.two / r.one)).toFixed(2)),
    independentReplicasSpeedup: Number(median(perRound.map((r) => r.free / r.one)).toFixed(2)),
    rounds: perRound,
  };
}
const twoCoreResults = [];
for (const batch of twoCoreBatches) twoCoreResults.push(await twoCores(batch));
const flopsPerExample = 6 * (784 * 500 + 500 * 500 + 2 * 500 * 20 + 20 * 500 + 500 * 500 + 500 * 784);

// The convolutional VAE (specs/conv-vae.aespec) on wasm (with aespec's conv gradient kernel) and on cpu.
const { createConvVAE } = await import("../generated/conv-vae.js");
const convSteps = Number(process.env.BENCH_CONV_STEPS ?? 5);
// The cpu backend's convolutions are slow: a batch of 32 keeps this part to minutes.
const convBatch = 32;
async function convRate(backend: "wasm" | "cpu"): Promise<number> {
  const model = await createConvVAE({ seed: 1, backend });
  const tensors = batches.map((b) => tf.tensor4d(b.subarray(0, convBatch * 784), [convBatch, 28, 28, 1]));
  await model.trainStep({ x: tensors[0]! });
  const ms = await timed((i) => model.trainStep({ x: tensors[i % tensors.length]! }), convSteps);
  const perSecond = (convSteps * convBatch) / (ms / 1000);
  tf.dispose(tensors);
  model.dispose();
  return perSecond;
}
const convWasm = await convRate("wasm");
const convCpu = await convRate("cpu");

// Compile time of the largest spec, in process, after warm-up.
const { readFileSync } = await import("node:fs");
const { checkSource } = await import("../src/compiler.js");
const { lowerModel } = await import("../src/ir/lower.js");
const { generateTfjsModule } = await import("../src/codegen/index.js");
const text = readFileSync("specs/semi-supervised-aae.aespec", "utf8");
for (let i = 0; i < 20; i++) checkSource({ name: "s", text });
let t = performance.now();
for (let i = 0; i < 50; i++) checkSource({ name: "s", text });
const frontEndMs = (performance.now() - t) / 50;
const model = checkSource({ name: "specs/semi-supervised-aae.aespec", text }).models[0]!;
await generateTfjsModule(lowerModel(model, "s"));
t = performance.now();
for (let i = 0; i < 10; i++) await generateTfjsModule(lowerModel(model, "s"));
const codegenMs = (performance.now() - t) / 10;

console.log(JSON.stringify({
  date: new Date().toISOString(),
  backend: "wasm",
  batch: batchSize,
  steps,
  idiomaticExamplesPerSecond: Math.round(idiomatic),
  generatedExamplesPerSecond: Math.round(generated),
  ratio: Number((generated / idiomatic).toFixed(2)),
  twoWorkersExamplesPerSecond: twoCoreResults[0]!.twoWorkersExamplesPerSecond,
  twoWorkersSpeedup: twoCoreResults[0]!.twoWorkersSpeedup,
  independentReplicasSpeedup: twoCoreResults[0]!.independentReplicasSpeedup,
  twoCores: twoCoreResults,
  generatedGflops: Number(((generated * flopsPerExample) / 1e9).toFixed(1)),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  convVaeWasmExamplesPerSecond: Math.round(convWasm),
  convVaeCpuExamplesPerSecond: Math.round(convCpu),
  convVaeRatio: Number((convWasm / convCpu).toFixed(2)),
  frontEndMsLargestSpec: Number(frontEndMs.toFixed(2)),
  codegenMsLargestSpec: Number(codegenMs.toFixed(1)),
}));
