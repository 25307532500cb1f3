import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkSource } from "../compiler.js";
import type { CheckedModel } from "../check/model.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { diagnose } from "../diagnostics/catalog.js";
import { DiagnosticError } from "../diagnostics/error.js";
import type { BackendChoice } from "../runtime/backend.js";
import { selectBackend } from "../runtime/backend.js";
import { NonFiniteLossError } from "../runtime/trainer.js";
import { modelWeights, type ModelDescription } from "../runtime/model.js";
import { writeFileAtomic } from "../runtime/nodeIO.js";
import { lowerModel } from "../ir/lower.js";
import type { ModelIR } from "../ir/types.js";
import { runtimeDescription } from "../codegen/description.js";
import { drawLoss, drawPictures } from "../training/figures.js";
import { classificationError, importanceSampledNll, type RunMetrics, validateMetrics } from "../training/metrics.js";
import type { EpochRecord, LoadedModule, Reporter, TrainableModel } from "../training/model.js";
import { gridPng } from "../training/pictures.js";
import { type Checkpoint, latestCheckpoint, restoreCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { DataError, loadTrainingData, type TrainingData } from "./datasets.js";
import { loadModelModule } from "./loadModule.js";
import { DataParallelTrainer } from "./parallel.js";
import { EpochProgress, formatTerms } from "./progress.js";

export interface TrainOptions {
  readonly spec: string;
  readonly data: string;
  readonly epochs?: number;
  readonly batch?: number;
  readonly limit?: number;
  readonly labels?: number;
  readonly out?: string;
  readonly seed: number;
  readonly backend?: BackendChoice;
  readonly resume: boolean;
  /** Importance samples for the final NLL (VAE family). */
  readonly k: number;
  /** Data-parallel replicas (1: train on this thread only). */
  readonly workers?: number;
}

/** What a run folder records about how it was started, so eval, sample and resume can repeat it. */
interface RunRecord {
  readonly spec: string;
  readonly model: string;
  readonly data: string;
  readonly limit?: number;
  readonly labels?: number;
  readonly seed: number;
  readonly batch: number;
  readonly epochs: number;
}

function checkedModel(specPath: string, text: string): CheckedModel {
  const source = { name: specPath, text };
  const result = checkSource(source);
  if (hasErrors(result.diagnostics)) {
    throw new DiagnosticError(diagnose.AE0905.doesNotCheck(specPath), { diagnostics: result.diagnostics.filter((d) => d.severity === "error"), source });
  }
  if (result.models.length !== 1) throw new DiagnosticError(diagnose.AE0905.modelCount({ spec: specPath, models: result.models.length }));
  return result.models[0]!;
}

function readSpec(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new DiagnosticError(diagnose.AE0901.unreadable({ path, reason: "no such file" }));
  }
}

function loadData(description: ModelDescription, options: { data: string; limit?: number; labels?: number }): TrainingData {
  try {
    return loadTrainingData(description, options);
  } catch (error) {
    if (error instanceof DataError) throw new DiagnosticError(diagnose.AE0903.unusable(error.message));
    throw error;
  }
}

/** Whether a folder already holds a run (it has a checkpoint pointer). */
const holdsRun = (folder: string) => existsSync(join(folder, "latest.json"));

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** `aec train`: compile, load data, train epoch by epoch with checkpoints, pictures and figures. */
export async function trainRun(options: TrainOptions, io: Reporter): Promise<number> {
  const text = readSpec(options.spec);
  const model = checkedModel(options.spec, text);
  const run = options.out ?? join("runs", basename(options.spec, ".aespec"));
  let checkpoint: Checkpoint | undefined;
  if (options.resume) {
    if (!holdsRun(run)) throw new DiagnosticError(diagnose.AE0904.nothingToResume(run));
    const saved = readFileSync(join(run, "spec.aespec"), "utf8");
    if (saved !== text) throw new DiagnosticError(diagnose.AE0904.otherSpec({ run, spec: options.spec }));
    checkpoint = latestCheckpoint(run);
    if (!checkpoint) throw new DiagnosticError(diagnose.AE0904.incompleteToResume(run));
  } else if (holdsRun(run)) {
    throw new DiagnosticError(diagnose.AE0904.occupied(run));
  }
  const previous: RunRecord | undefined = options.resume ? JSON.parse(readFileSync(join(run, "run.json"), "utf8")) : undefined;

  // Everything that can fail on the user's inputs is checked before the run folder is touched.
  const ir = lowerModel(model, options.spec);
  // The run's one view of the model: the same projection the generated module exports.
  const description = runtimeDescription(ir);
  const data = loadData(description, { data: previous?.data ?? options.data, ...optional("limit", options.limit ?? previous?.limit), ...optional("labels", options.labels ?? previous?.labels) });
  const workers = options.workers ?? 1;
  if (workers > 1) {
    const batch = options.batch ?? previous?.batch ?? description.train.batch;
    if (batch < workers) throw new DiagnosticError(diagnose.AE0909.batchTooSmall({ workers, batch }));
    if (modelWeights(description).some((w) => !w.trainable)) {
      throw new DiagnosticError(diagnose.AE0909.movingStatistics(model.name));
    }
  }
  await selectBackend(options.backend);
  mkdirSync(run, { recursive: true });
  const module = await loadModelModule(ir, run);
  const record: RunRecord = {
    spec: options.spec,
    model: model.name,
    data: previous?.data ?? options.data,
    ...(options.limit !== undefined ? { limit: options.limit } : previous?.limit !== undefined ? { limit: previous.limit } : {}),
    ...(options.labels !== undefined ? { labels: options.labels } : previous?.labels !== undefined ? { labels: previous.labels } : {}),
    seed: previous?.seed ?? options.seed,
    batch: options.batch ?? previous?.batch ?? description.train.batch,
    epochs: options.epochs ?? previous?.epochs ?? description.train.epochs,
  };
  if (!options.resume) {
    writeFileAtomic(join(run, "spec.aespec"), text);
  }
  writeFileAtomic(join(run, "run.json"), `${JSON.stringify(record, null, 2)}\n`);

  const trainable = await module.create({ seed: record.seed, ...(options.backend ? { backend: options.backend } : {}) });
  if (checkpoint) await restoreCheckpoint(trainable, checkpoint);
  let parallel: DataParallelTrainer | undefined;
  if (workers > 1) {
    parallel = await DataParallelTrainer.start(trainable, data.train, { workers, moduleUrl: module.url!, factory: `create${model.name}`, seed: record.seed, ...(options.backend ? { backend: options.backend } : {}) });
  }
  const history: EpochRecord[] = [...(checkpoint?.state.history ?? [])];
  const first = checkpoint?.state.epoch ?? 0;
  io.stdout(`training ${model.name} from ${options.spec} on ${data.source}: ${data.train.size} training and ${data.test.size} test examples, batch ${record.batch}, ${record.epochs} epochs, backend ${tf.getBackend()}${workers > 1 ? `, ${workers} workers` : ""}\n`);
  if (checkpoint) io.stdout(`resuming from ${checkpoint.folder} at epoch ${first + 1}\n`);
  io.stdout(`run folder: ${run}\n`);

  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    io.stderr("\ninterrupt: finishing this step, then saving a checkpoint (press Ctrl-C again to quit at once)\n");
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  const started = Date.now() - (history.at(-1)?.seconds ?? 0) * 1000;
  const stepsPerEpoch = Math.ceil(data.train.size / record.batch);
  // The epoch under way, and its progress bar (made at its first step).
  let epoch = first;
  let progress: EpochProgress | undefined;
  let done = 0;
  try {
    await trainable.fit(data.train, {
      epochs: record.epochs,
      initialEpoch: first,
      batchSize: record.batch,
      shouldStop: () => interrupted,
      ...(parallel ? { exchange: parallel } : {}),
      onStep: (_, terms) => {
        progress ??= new EpochProgress(io, epoch + 1, record.epochs, stepsPerEpoch, record.batch);
        progress.step(++done, terms);
      },
      onEpochEnd: async (_, means) => {
        progress?.finish();
        [progress, done] = [undefined, 0];
        const test = await trainable.evaluate(data.test);
        const entry: EpochRecord = { epoch: epoch + 1, seconds: (Date.now() - started) / 1000, train: means, test, tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds(), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) };
        history.push(entry);
        await saveCheckpoint(run, trainable, { epoch: epoch + 1, interrupted: false, random: trainable.random.position, steps: trainable.stepCount, history });
        await writeFigures(run, trainable, ir, data, history, record.epochs);
        io.stdout(`epoch ${epoch + 1}/${record.epochs}: train ${formatTerms(means)} | test ${formatTerms(test)} | ${entry.seconds.toFixed(0)}s\n`);
        epoch++;
      },
    });
  } catch (error) {
    progress?.finish();
    if (error instanceof NonFiniteLossError) {
      const last = latestCheckpoint(run);
      throw new DiagnosticError(diagnose.AE0906.nonFinite({ term: error.term, value: error.value, step: error.step, epoch: epoch + 1, ...(last ? { checkpoint: last.folder } : {}) }));
    }
    throw error;
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
    await parallel?.close();
  }
  if (epoch < record.epochs) {
    progress?.finish();
    await saveCheckpoint(run, trainable, { epoch, interrupted: true, random: trainable.random.position, steps: trainable.stepCount, history });
    io.stdout(`interrupted during epoch ${epoch + 1}: saved a checkpoint; continue with \`aec train ${options.spec} --out ${run} --resume\`\n`);
    return 130;
  }
  const metrics = await finalMetrics(trainable, module, data, record, history, options.k);
  writeFileAtomic(join(run, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
  io.stdout(`test: ${formatTerms(metrics.test)}${metrics.importanceSampledNll ? ` | −log p(x) ≈ ${metrics.importanceSampledNll.nats.toFixed(2)} nats (k = ${metrics.importanceSampledNll.k})` : ""}${metrics.classificationError ? ` | classification error ${(100 * metrics.classificationError.error).toFixed(2)} %` : ""}\n`);
  io.stdout(`wrote ${run}/metrics.json and the pictures in ${run}\n`);
  trainable.dispose();
  return 0;
}

async function writeFigures(run: string, model: TrainableModel, ir: ModelIR, data: TrainingData, history: readonly EpochRecord[], epochs: number): Promise<void> {
  // Drawing samples must not move the training's random stream: a resumed run draws the same numbers.
  const position = model.random.position;
  const pictures = await drawPictures(model, ir, data.test, data.testLabels);
  model.random.position = position;
  for (const [name, bytes] of Object.entries(pictures)) writeFileAtomic(join(run, name), bytes);
  writeFileAtomic(join(run, "loss.svg"), drawLoss(ir.model, history, epochs));
  writeFileAtomic(join(run, "history.json"), `${JSON.stringify(history, null, 2)}\n`);
}

async function finalMetrics(model: TrainableModel, module: LoadedModule, data: TrainingData, record: RunRecord, history: readonly EpochRecord[], k: number): Promise<RunMetrics> {
  const test = history.at(-1)?.test ?? (await model.evaluate(data.test));
  const nll = await importanceSampledNll(model, data.test, k);
  const classification = await classificationError(model, module.ir, data.test);
  const metrics: RunMetrics = {
    model: module.ir.model,
    spec: record.spec,
    epochs: history.length,
    trainExamples: data.train.size,
    testExamples: data.test.size,
    seconds: history.at(-1)?.seconds ?? 0,
    test,
    ...(nll ? { importanceSampledNll: nll } : {}),
    ...(classification ? { classificationError: classification } : {}),
  };
  const problems = validateMetrics(metrics);
  if (problems.length > 0) throw new Error(`metrics.json would break its schema: ${problems.join("; ")}`);
  return metrics;
}

/** A saved run, loaded for `aec eval` and `aec sample`. */
export async function openRun(run: string, backend?: BackendChoice): Promise<{ model: TrainableModel; module: LoadedModule; record: RunRecord }> {
  if (!existsSync(join(run, "run.json")) || !existsSync(join(run, "spec.aespec"))) throw new DiagnosticError(diagnose.AE0904.notARun(run));
  const record = JSON.parse(readFileSync(join(run, "run.json"), "utf8")) as RunRecord;
  const checkpoint = latestCheckpoint(run);
  if (!checkpoint) throw new DiagnosticError(diagnose.AE0904.incomplete(run));
  const model = checkedModel(join(run, "spec.aespec"), readFileSync(join(run, "spec.aespec"), "utf8"));
  await selectBackend(backend);
  const module = await loadModelModule(lowerModel(model, record.spec), run);
  const trainable = await module.create({ seed: record.seed, ...(backend ? { backend } : {}) });
  await restoreCheckpoint(trainable, checkpoint);
  return { model: trainable, module, record };
}

/** `aec eval RUN`: the test figures of a saved run, with k importance samples. */
export async function evalRun(run: string, k: number, io: Reporter, backend?: BackendChoice): Promise<number> {
  const { model, module, record } = await openRun(run, backend);
  const data = loadData(module.description, record);
  const test = await model.evaluate(data.test);
  const nll = await importanceSampledNll(model, data.test, k, data.test.size);
  const classification = await classificationError(model, module.ir, data.test);
  const result = { model: module.ir.model, testExamples: data.test.size, test, ...(nll ? { importanceSampledNll: nll } : {}), ...(classification ? { classificationError: classification } : {}) };
  io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  model.dispose();
  return 0;
}

/** `aec sample RUN`: a grid of samples from the prior, as a PNG. */
export async function sampleRun(run: string, options: { n: number; label?: number; output?: string }, io: Reporter, backend?: BackendChoice): Promise<number> {
  const { model, module } = await openRun(run, backend);
  if (!model.sample) throw new DiagnosticError(diagnose.AE0907.noPrior(module.ir.model));
  const layout = module.ir.roles.image;
  if (!layout) throw new DiagnosticError(diagnose.AE0907.notImage(module.ir.model));
  const out = model.sample(options.n, options.label !== undefined ? { label: options.label } : {});
  const images = (await out[layout.variable]!.data()) as Float32Array;
  tf.dispose(Object.values(out));
  const path = options.output ?? join(run, "sample.png");
  writeFileAtomic(path, gridPng({ images, count: options.n, height: layout.height, width: layout.width, columns: Math.ceil(Math.sqrt(options.n)) }));
  io.stdout(`wrote ${path}\n`);
  model.dispose();
  return 0;
}
