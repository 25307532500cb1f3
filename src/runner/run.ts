import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkSource } from "../compiler.js";
import type { CheckedModel } from "../check/model.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { diagnose } from "../diagnostics/catalog.js";
import { DiagnosticError } from "../diagnostics/error.js";
import { renderDiagnostic } from "../diagnostics/render.js";
import type { BackendChoice } from "../runtime/backend.js";
import { selectBackend } from "../runtime/backend.js";
import { NonFiniteLossError, NonFiniteWeightsError } from "../runtime/trainer.js";
import { hasMovingStatistics, type ModelDescription } from "../runtime/model.js";
import { rowsWithin } from "../runtime/validate.js";
import { writeFileAtomic } from "../runtime/nodeIO.js";
import { lowerModel } from "../ir/lower.js";
import type { ModelIR } from "../ir/types.js";
import { runtimeDescription } from "../codegen/description.js";
import { generateTorchModule } from "../codegen/torchModule.js";
import { torchInterpreter, trainOnTorch } from "./torchEngine.js";
import { drawLoss, drawPictures, imageGrid } from "../training/figures.js";
import { classificationError, importanceSampledNll, type RunMetrics, validateMetrics } from "../training/metrics.js";
import type { EpochRecord, LoadedModule, Reporter, TrainableModel } from "../training/model.js";
import { type Checkpoint, type DamagedCheckpoint, holdsCheckpoints, latestCheckpoint, restoreCheckpoint, type RunState, saveCheckpoint } from "./checkpoint.js";
import { DataError, loadTrainingData, type TrainingData } from "./datasets.js";
import { ImageDataError } from "./dataError.js";
import { DataMismatchError } from "../data/forModel.js";
import { acquireRunLock, checkOutFolder, writeErrors } from "./runFolder.js";
import { loadModelModule } from "./loadModule.js";
import { mixtureCodes, type SamplerChoice } from "./posthocSampler.js";
import { DataParallelTrainer } from "./parallel.js";
import { EpochProgress, formatTerms } from "./progress.js";

export interface TrainOptions {
  readonly spec: string;
  /** Default `mnist`; on --resume, the run's own unless given (and then it must be the same). */
  readonly data?: string;
  /** With a spec that declares several models, the one to train. */
  readonly model?: string;
  readonly epochs?: number;
  readonly batch?: number;
  readonly limit?: number;
  readonly labels?: number;
  readonly out?: string;
  /** Default 1; on --resume, the run's own unless given (and then it must be the same). */
  readonly seed?: number;
  readonly backend?: BackendChoice;
  readonly resume: boolean;
  /** Importance samples for the final NLL (VAE family). */
  readonly k: number;
  /** Data-parallel replicas (1: train on this thread only). */
  readonly workers?: number;
  /** Which engine trains: TensorFlow.js (default) or PyTorch through python/aespec_torch. */
  readonly engine?: Engine;
  /** PyTorch processes (the torch engine's data parallelism). */
  readonly nproc?: number;
  /** The torch engine's device: cpu, cuda or auto. */
  readonly device?: "cpu" | "cuda" | "auto";
  /** The torch engine: start from another run's newest checkpoint (either engine's): its weights and optimizer state. */
  readonly startFrom?: string;
}

export type Engine = "tfjs" | "torch";

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
  /** Absent for TF.js runs (and runs from before engines). */
  readonly engine?: "torch";
}

function checkedModel(specPath: string, text: string, name?: string): CheckedModel {
  const source = { name: specPath, text };
  const result = checkSource(source);
  if (hasErrors(result.diagnostics)) {
    throw new DiagnosticError(diagnose.AE0905.doesNotCheck(specPath), { diagnostics: result.diagnostics.filter((d) => d.severity === "error"), source });
  }
  const names = result.models.map((m) => m.name);
  if (name !== undefined) {
    const chosen = result.models.find((m) => m.name === name);
    if (!chosen) throw new DiagnosticError(diagnose.AE0905.noSuchModel({ spec: specPath, model: name, models: names }));
    return chosen;
  }
  if (result.models.length !== 1) throw new DiagnosticError(diagnose.AE0905.modelCount({ spec: specPath, models: names }));
  return result.models[0]!;
}

function readSpec(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EISDIR" ? "it is a folder; aec train takes one .aespec file" : code === "EACCES" ? "permission denied" : "no such file";
    throw new DiagnosticError(diagnose.AE0901.unreadable({ path, reason }));
  }
}

function loadData(description: ModelDescription, options: { data: string; limit?: number; labels?: number }, io: Reporter): TrainingData {
  try {
    const data = loadTrainingData(description, options);
    for (const warning of data.warnings ?? []) io.stderr(`${renderDiagnostic(warning)}\n`);
    return data;
  } catch (error) {
    if (error instanceof ImageDataError) throw new DiagnosticError(error.diagnostic);
    if (error instanceof DataError || error instanceof DataMismatchError) throw new DiagnosticError(diagnose.AE0903.unusable(error.message));
    throw error;
  }
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** --resume keeps the run's settings: a flag given again must agree with run.json (epochs may grow). */
function checkResumeSettings(run: string, previous: RunRecord, options: TrainOptions, done: number): void {
  const given: [string, string | number | undefined, string | number | undefined][] = [
    ["--data", options.data, previous.data],
    ["--seed", options.seed, previous.seed],
    ["--limit", options.limit, previous.limit],
    ["--labels", options.labels, previous.labels],
    ["--batch", options.batch, previous.batch],
    ["--model", options.model, previous.model],
    ["--engine", options.engine, previous.engine ?? "tfjs"],
  ];
  for (const [setting, now, was] of given) {
    if (now === undefined || now === was) continue;
    if (setting === "--data" && was !== undefined && resolve(String(now)) === resolve(String(was))) continue;
    throw new DiagnosticError(diagnose.AE0904.settingDiffers({ run, setting, was: was === undefined ? "unset" : String(was), now: String(now) }));
  }
  if (options.epochs !== undefined && options.epochs < done) {
    throw new DiagnosticError(diagnose.AE0904.settingDiffers({ run, setting: "--epochs", was: `${done} (epochs done)`, now: String(options.epochs) }));
  }
}

/** The newest complete checkpoint, saying which damaged newer ones were passed over (AE0912). */
function newestCheckpoint(run: string, io: Reporter): Checkpoint | undefined {
  return latestCheckpoint(run, (damaged: DamagedCheckpoint, fallback: string) => {
    io.stderr(`${renderDiagnostic(diagnose.AE0912.damaged({ checkpoint: damaged.folder, reason: damaged.reason, fallback }))}\n`);
  });
}

async function startBackend(backend?: BackendChoice): Promise<void> {
  try {
    await selectBackend(backend);
  } catch (error) {
    if (backend) throw new DiagnosticError(diagnose.AE0913.unavailable({ backend, reason: (error as Error).message }));
    throw error;
  }
}

/** `aec train`: compile, load data, train epoch by epoch with checkpoints, pictures and figures. */
export async function trainRun(options: TrainOptions, io: Reporter): Promise<number> {
  let release: (() => void) | undefined;
  try {
    return await writeErrors(() => train(options, io, (r) => (release = r)));
  } finally {
    release?.();
  }
}

async function train(options: TrainOptions, io: Reporter, locked: (release: () => void) => void): Promise<number> {
  const text = readSpec(options.spec);
  const run = options.out ?? join("runs", basename(options.spec, ".aespec"));
  checkOutFolder(run, options.resume);
  let checkpoint: Checkpoint | undefined;
  let previous: RunRecord | undefined;
  if (options.resume) {
    // Resuming: nobody else may be training here while the checkpoint is read.
    locked(acquireRunLock(run));
    let saved: string | undefined;
    try {
      saved = readFileSync(join(run, "spec.aespec"), "utf8");
      previous = JSON.parse(readFileSync(join(run, "run.json"), "utf8")) as RunRecord;
    } catch {
      throw new DiagnosticError(diagnose.AE0904.notARun(run));
    }
    if (saved !== text) throw new DiagnosticError(diagnose.AE0904.otherSpec({ run, spec: options.spec }));
    checkpoint = newestCheckpoint(run, io);
    if (!checkpoint) throw new DiagnosticError(diagnose.AE0904.incompleteToResume(run));
    checkResumeSettings(run, previous, options, checkpoint.state.epoch);
  }
  // A resumed run trains the model it started with.
  const model = checkedModel(options.spec, text, options.model ?? previous?.model);

  // Everything that can fail on the user's inputs is checked before the run folder is touched.
  const ir = lowerModel(model, options.spec);
  // The run's one view of the model: the same projection the generated module exports.
  const description = runtimeDescription(ir);
  const dataSource = previous?.data ?? options.data ?? "mnist";
  const limit = previous ? previous.limit : options.limit;
  const labels = previous ? previous.labels : options.labels;
  const data = loadData(description, { data: dataSource, ...optional("limit", limit), ...optional("labels", labels) }, io);
  const batch = previous?.batch ?? options.batch ?? description.train.batch;
  // The checker bounds the spec's batch; a --batch flag meets the runtime's bound here, before anything starts.
  const mostRows = rowsWithin(description.widest);
  if (batch > mostRows) throw new DiagnosticError(diagnose.AE0607.batchFlag({ batch, widest: description.widest, most: mostRows }));
  const workers = options.workers ?? 1;
  const engine = options.engine ?? previous?.engine ?? "tfjs";
  if (engine !== "torch" && (options.nproc ?? 1) > 1) throw new DiagnosticError(diagnose.AE0914.nprocWithoutTorch(options.nproc!));
  if (engine === "torch" && workers > 1) throw new DiagnosticError(diagnose.AE0914.workers(workers));
  if (options.startFrom !== undefined && (engine !== "torch" || options.resume)) throw new DiagnosticError(diagnose.AE0914.startFrom(options.startFrom));
  if (options.startFrom !== undefined && !latestCheckpoint(options.startFrom)) throw new DiagnosticError(diagnose.AE0904.incomplete(options.startFrom));
  // Before the run folder is touched: a missing PyTorch writes nothing.
  const python = engine === "torch" ? torchInterpreter() : undefined;
  if (workers > 1) {
    if (batch < workers) throw new DiagnosticError(diagnose.AE0909.batchTooSmall({ workers, batch }));
    if (hasMovingStatistics(description)) {
      throw new DiagnosticError(diagnose.AE0909.movingStatistics(model.name));
    }
  }
  await startBackend(options.backend);
  if (!options.resume) {
    mkdirSync(run, { recursive: true });
    locked(acquireRunLock(run));
    // Another process may have started a run here since the check above.
    checkOutFolder(run, false);
  }
  const module = await loadModelModule(ir, run);
  const record: RunRecord = {
    spec: options.spec,
    model: model.name,
    data: dataSource,
    ...optional("limit", limit),
    ...optional("labels", labels),
    seed: previous?.seed ?? options.seed ?? 1,
    batch,
    epochs: options.epochs ?? previous?.epochs ?? description.train.epochs,
    ...(engine === "torch" ? { engine: "torch" as const } : {}),
  };
  if (!options.resume) {
    writeFileAtomic(join(run, "spec.aespec"), text);
  }
  writeFileAtomic(join(run, "run.json"), `${JSON.stringify(record, null, 2)}\n`);

  const trainable = await module.create({ seed: record.seed, ...(options.backend ? { backend: options.backend } : {}) });
  if (python) return trainTorchRun({ python, run, ir, description, data, record, resume: options.resume, nproc: options.nproc ?? 1, ...(options.device ? { device: options.device } : {}), ...(options.startFrom ? { startFrom: options.startFrom } : {}), k: options.k, spec: options.spec }, trainable, module, io);
  if (checkpoint) await restoreCheckpoint(trainable, checkpoint);
  let parallel: DataParallelTrainer | undefined;
  if (workers > 1) {
    parallel = await DataParallelTrainer.start(trainable, data.train, { workers, moduleUrl: module.url!, factory: `create${model.name}`, seed: record.seed, ...(options.backend ? { backend: options.backend } : {}) });
  }
  const history: EpochRecord[] = [...(checkpoint?.state.history ?? [])];
  const first = checkpoint?.state.epoch ?? 0;
  const resumedInside = checkpoint?.state.partial;
  io.stdout(`training ${model.name} from ${options.spec} on ${data.source}: ${data.train.size} training and ${data.test.size} test examples, batch ${record.batch}, ${plural(record.epochs, "epoch")}, backend ${tf.getBackend()}${workers > 1 ? `, ${workers} workers` : ""}\n`);
  if (checkpoint) io.stdout(`resuming from ${checkpoint.folder} at epoch ${first + 1}${resumedInside ? `, step ${resumedInside.steps + 1}` : ""}\n`);
  io.stdout(`run folder: ${run}\n`);

  let interrupted = false;
  let finishing = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    io.stderr(finishing ? "\ninterrupt: training is complete; writing metrics.json first (press Ctrl-C again to quit at once)\n" : "\ninterrupt: finishing this step, then saving a checkpoint (press Ctrl-C again to quit at once)\n");
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  const started = Date.now() - (history.at(-1)?.seconds ?? 0) * 1000;
  const stepsPerEpoch = Math.ceil(data.train.size / record.batch);
  // The epoch under way: where the random stream stood at its start, the steps done and their running sums.
  let epoch = first;
  let epochRandom = resumedInside?.epochRandom ?? trainable.random.position;
  let done = resumedInside?.steps ?? 0;
  let sums: Record<string, number> = { ...resumedInside?.sums };
  let seen = resumedInside?.seen ?? 0;
  let progress: EpochProgress | undefined;
  try {
    try {
      await trainable.fit(data.train, {
        epochs: record.epochs,
        initialEpoch: first,
        ...(resumedInside ? { initialStep: resumedInside } : {}),
        batchSize: record.batch,
        shouldStop: () => interrupted,
        ...(parallel ? { exchange: parallel } : {}),
        onStep: (_, terms) => {
          progress ??= new EpochProgress(io, epoch + 1, record.epochs, stepsPerEpoch, record.batch);
          progress.step(++done, terms);
          // Every step but an epoch's last has a full batch; the sums are only kept for an interrupted epoch.
          for (const [id, v] of Object.entries(terms)) sums[id] = (sums[id] ?? 0) + v * record.batch;
          seen += record.batch;
        },
        onEpochEnd: async (_, means) => {
          progress?.finish();
          [progress, done, sums, seen] = [undefined, 0, {}, 0];
          const test = await trainable.evaluate(data.test);
          const schedules = trainable.scheduleValues();
          const entry: EpochRecord = { epoch: epoch + 1, seconds: (Date.now() - started) / 1000, train: means, test, tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds(), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), ...(Object.keys(schedules).length > 0 ? { schedules } : {}) };
          history.push(entry);
          await saveCheckpoint(run, trainable, { epoch: epoch + 1, interrupted: false, random: trainable.random.position, steps: trainable.stepCount, history });
          await writeFigures(run, trainable, ir, data, history, record.epochs);
          io.stdout(`epoch ${epoch + 1}/${record.epochs}: train ${formatTerms(means)} | test ${formatTerms(test)} | ${entry.seconds.toFixed(0)}s\n`);
          epoch++;
          epochRandom = trainable.random.position;
        },
      });
    } catch (error) {
      progress?.finish();
      if (error instanceof NonFiniteLossError) {
        const last = latestCheckpoint(run);
        throw new DiagnosticError(diagnose.AE0906.nonFinite({ term: error.term, value: error.value, step: error.step, epoch: epoch + 1, ...(last ? { checkpoint: last.folder } : {}) }));
      }
      if (error instanceof NonFiniteWeightsError) {
        const last = latestCheckpoint(run);
        const phases = error.phases.map((p) => `phase ${p.name} (${p.optimizer.kind}(${Object.entries(p.optimizer.parameters).map(([k, v]) => `${k} = ${v}`).join(", ")}))`);
        throw new DiagnosticError(diagnose.AE0906.weights({ networks: error.networks, phases, step: error.step, epoch: epoch + 1, ...(last ? { checkpoint: last.folder } : {}) }));
      }
      throw error;
    } finally {
      await parallel?.close();
    }
    if (epoch < record.epochs) {
      progress?.finish();
      const state: RunState = { epoch, interrupted: true, random: trainable.random.position, steps: trainable.stepCount, history, partial: { epochRandom, steps: done, sums, seen } };
      await saveCheckpoint(run, trainable, state);
      io.stdout(`interrupted during epoch ${epoch + 1}: saved a checkpoint; continue with \`aec train ${options.spec} --out ${run} --resume\`\n`);
      return 130;
    }
    // Ctrl-C from here on still lets metrics.json be written (a second one quits at once).
    finishing = true;
    interrupted = false;
    const metrics = await finalMetrics(trainable, module, data, record, history, options.k);
    writeFileAtomic(join(run, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
    io.stdout(`test: ${formatTerms(metrics.test)}${metrics.importanceSampledNll ? ` | −log p(x) ≈ ${metrics.importanceSampledNll.nats.toFixed(2)} nats (k = ${metrics.importanceSampledNll.k}, ${metrics.importanceSampledNll.examples} test examples)` : ""}${metrics.classificationError ? ` | classification error ${(100 * metrics.classificationError.error).toFixed(2)} %` : ""}\n`);
    io.stdout(`wrote ${run}/metrics.json and the pictures in ${run}\n`);
    trainable.dispose();
    return 0;
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}

/**
 * The torch engine's run: the Python trainer writes the checkpoints (the same run folder);
 * progress is shown as the TF.js engine shows it; then the newest checkpoint is loaded into
 * the TF.js module, which draws the pictures and computes metrics.json.
 */
async function trainTorchRun(
  run: { python: string; run: string; ir: ModelIR; description: ModelDescription; data: TrainingData; record: RunRecord; resume: boolean; nproc: number; device?: "cpu" | "cuda" | "auto"; startFrom?: string; k: number; spec: string },
  trainable: TrainableModel,
  module: LoadedModule,
  io: Reporter,
): Promise<number> {
  const { record, data } = run;
  const modulePath = join(run.run, "model.py");
  writeFileAtomic(modulePath, generateTorchModule(run.ir));
  io.stdout(`training ${record.model} from ${run.spec} on ${data.source} with PyTorch (${run.python}${run.nproc > 1 ? `, ${run.nproc} processes` : ""}): ${data.train.size} training and ${data.test.size} test examples, batch ${record.batch}, ${plural(record.epochs, "epoch")}\n`);
  io.stdout(`run folder: ${run.run}\n`);
  const stepsPerEpoch = Math.ceil(data.train.size / record.batch);
  let progress: EpochProgress | undefined;
  const columns = Object.entries(run.description.variables).filter(([, v]) => v.role === "data").map(([name, v]) => ({ name, size: v.shape.reduce((a, b) => a * b, 1) }));
  const code = await trainOnTorch(
    { python: run.python, run: run.run, module: modulePath, train: data.train, test: data.test, columns, epochs: record.epochs, batch: record.batch, seed: record.seed, resume: run.resume, nproc: run.nproc, ...(run.device && run.device !== "auto" ? { device: run.device } : {}), ...(run.startFrom ? { startFrom: run.startFrom } : {}) },
    {
      steps: (epoch, step, steps, terms) => {
        progress ??= new EpochProgress(io, epoch, record.epochs, steps || stepsPerEpoch, record.batch);
        progress.step(step, terms);
      },
      epoch: (epoch, train, test, seconds) => {
        progress?.finish();
        progress = undefined;
        io.stdout(`epoch ${epoch}/${record.epochs}: train ${formatTerms(train)} | test ${formatTerms(test)} | ${seconds.toFixed(0)}s\n`);
      },
      warning: (message) => io.stderr(`${message}\n`),
    },
    io,
    () => latestCheckpoint(run.run)?.folder,
  );
  progress?.finish();
  if (code === 130) {
    io.stdout(`interrupted: saved a checkpoint; continue with \`aec train ${run.spec} --out ${run.run} --engine torch --resume\`\n`);
    return 130;
  }
  const checkpoint = newestCheckpoint(run.run, io)!;
  await trainable.load(checkpoint.folder);
  const history = checkpoint.state.history;
  await writeFigures(run.run, trainable, run.ir, data, history, record.epochs);
  const metrics = await finalMetrics(trainable, module, data, record, history, run.k);
  writeFileAtomic(join(run.run, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
  io.stdout(`test: ${formatTerms(metrics.test)}${metrics.importanceSampledNll ? ` | −log p(x) ≈ ${metrics.importanceSampledNll.nats.toFixed(2)} nats (k = ${metrics.importanceSampledNll.k}, evaluated by the TF.js module)` : ""}${metrics.classificationError ? ` | classification error ${(100 * metrics.classificationError.error).toFixed(2)} %` : ""}\n`);
  io.stdout(`wrote ${run.run}/metrics.json and the pictures in ${run.run}\n`);
  trainable.dispose();
  return 0;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

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

/** A saved run, loaded for `aec eval` and `aec sample` (which write nothing into it but a post-hoc sampler's fit). */
export async function openRun(run: string, io: Reporter, backend?: BackendChoice): Promise<{ model: TrainableModel; module: LoadedModule; record: RunRecord; checkpoint: Checkpoint }> {
  let record: RunRecord;
  let text: string;
  try {
    record = JSON.parse(readFileSync(join(run, "run.json"), "utf8")) as RunRecord;
    text = readFileSync(join(run, "spec.aespec"), "utf8");
  } catch {
    throw new DiagnosticError(diagnose.AE0904.notARun(run));
  }
  const checkpoint = newestCheckpoint(run, io);
  if (!checkpoint) throw new DiagnosticError(diagnose.AE0904.incomplete(run));
  const model = checkedModel(join(run, "spec.aespec"), text, record.model);
  await startBackend(backend);
  const module = await loadModelModule(lowerModel(model, record.spec));
  const trainable = await module.create({ seed: record.seed, ...(backend ? { backend } : {}) });
  await restoreCheckpoint(trainable, checkpoint);
  return { model: trainable, module, record, checkpoint };
}

/** `aec eval RUN`: the test figures of a saved run, with k importance samples. */
export async function evalRun(run: string, k: number, io: Reporter, backend?: BackendChoice): Promise<number> {
  const { model, module, record } = await openRun(run, io, backend);
  const data = loadData(module.description, record, io);
  const test = await model.evaluate(data.test);
  const nll = await importanceSampledNll(model, data.test, k, data.test.size);
  const classification = await classificationError(model, module.ir, data.test);
  const result = { model: module.ir.model, testExamples: data.test.size, test, ...(nll ? { importanceSampledNll: nll } : {}), ...(classification ? { classificationError: classification } : {}) };
  io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  model.dispose();
  return 0;
}

/** n draws of the codes from the run's fitted mixture (fitted on first use), decoded. */
async function decodeMixtureCodes(run: string, checkpoint: Checkpoint, components: number, record: RunRecord, n: number, model: TrainableModel, module: LoadedModule, io: Reporter): Promise<Record<string, tf.Tensor>> {
  const codes = await mixtureCodes({ run, checkpoint: basename(checkpoint.folder), components, seed: record.seed, n }, model, module, () => loadData(module.description, record, io).train, io);
  try {
    return model.decode!(codes);
  } finally {
    tf.dispose(Object.values(codes));
  }
}

/** At most this many samples at once (a million 784-pixel samples do not fit the wasm heap). */
const maxSamples = 10_000;

/**
 * `aec sample RUN`: draws from the prior. Image models write a PNG grid (or CSV/JSON by
 * the output's extension); other models write CSV (one sample per row) or JSON.
 */
export async function sampleRun(run: string, options: { n: number; label?: number; output?: string; sampler?: SamplerChoice }, io: Reporter, backend?: BackendChoice): Promise<number> {
  if (options.n > maxSamples) throw new DiagnosticError(diagnose.AE0907.tooMany({ n: options.n, max: maxSamples }));
  const sampler = options.sampler ?? { kind: "prior" };
  if (sampler.kind === "gmm" && options.label !== undefined) throw new DiagnosticError(diagnose.AE0920.label());
  return writeErrors(async () => {
    const { model, module, record, checkpoint } = await openRun(run, io, backend);
    if (sampler.kind === "prior" && !model.sample) throw new DiagnosticError(diagnose.AE0907.noPrior(module.ir.model));
    const labelName = module.ir.roles.label;
    if (options.label !== undefined) {
      if (!labelName) throw new DiagnosticError(diagnose.AE0907.noLabels(module.ir.model));
      const classes = module.ir.variables.find((v) => v.name === labelName)!.size;
      if (options.label >= classes) throw new DiagnosticError(diagnose.AE0907.labelOutOfRange({ label: options.label, classes }));
    }
    const layout = module.ir.roles.image;
    const path = options.output ?? join(run, layout ? "sample.png" : "sample.csv");
    const format = extname(path).toLowerCase();
    if (![".png", ".csv", ".json"].includes(format) || (format === ".png" && !layout)) {
      if (format === ".png") throw new DiagnosticError(diagnose.AE0907.notImage(module.ir.model));
      throw new DiagnosticError(diagnose.AE0907.unknownFormat(path));
    }
    const out =
      sampler.kind === "gmm"
        ? await decodeMixtureCodes(run, checkpoint, sampler.components, record, options.n, model, module, io)
        : model.sample!(options.n, options.label !== undefined ? { label: options.label } : {});
    const values: Record<string, Float32Array> = {};
    for (const [name, tensor] of Object.entries(out)) values[name] = (await tensor.data()) as Float32Array;
    tf.dispose(Object.values(out));
    const feature = layout?.variable ?? module.ir.variables.find((v) => v.role === "data" && v.type !== "onehot" && v.name in values)?.name ?? Object.keys(values)[0]!;
    if (format === ".png") {
      writeFileAtomic(path, imageGrid(module.ir, values[feature]!, options.n, Math.ceil(Math.sqrt(options.n))));
    } else if (format === ".csv") {
      const column = values[feature]!;
      const width = column.length / options.n;
      const rows = Array.from({ length: options.n }, (_, i) => Array.from(column.subarray(i * width, (i + 1) * width), (v) => String(v)).join(","));
      writeFileAtomic(path, `${rows.join("\n")}\n`);
    } else {
      const json = Object.fromEntries(Object.entries(values).map(([name, column]) => {
        const width = column.length / options.n;
        return [name, Array.from({ length: options.n }, (_, i) => Array.from(column.subarray(i * width, (i + 1) * width)))];
      }));
      writeFileAtomic(path, `${JSON.stringify(json)}\n`);
    }
    io.stdout(`wrote ${path}\n`);
    model.dispose();
    return 0;
  });
}
