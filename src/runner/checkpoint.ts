import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadArtifactsFromFolder, saveArtifactsToFolder, writeFileAtomic } from "../runtime/nodeIO.js";
import type { EpochRecord, TrainableModel } from "../training/model.js";

/**
 * Checkpoints of a run. Each is a complete folder (weights, optimizer state, and the
 * state needed to continue exactly: random stream, step count, history) written under a
 * temporary name and renamed into place; `latest.json`, rewritten atomically afterwards,
 * names the newest complete one. A crash at any moment leaves the previous checkpoint
 * intact and named.
 */
export interface RunState {
  /** The next epoch to run (0-based): every epoch before it is complete. */
  readonly epoch: number;
  /** True when the run stopped inside `epoch` (Ctrl-C): its weights include part of it. */
  readonly interrupted: boolean;
  readonly random: number;
  readonly steps: number;
  readonly history: readonly EpochRecord[];
}


export interface Checkpoint {
  readonly folder: string;
  readonly state: RunState;
}

const latestFile = (run: string) => join(run, "latest.json");

export async function saveCheckpoint(run: string, model: TrainableModel, state: RunState): Promise<void> {
  const folders = join(run, "checkpoints");
  mkdirSync(folders, { recursive: true });
  // The step count makes every checkpoint's name new, so the one latest.json names is never replaced in place.
  const name = `epoch-${String(state.epoch).padStart(4, "0")}-step-${String(state.steps).padStart(8, "0")}${state.interrupted ? "-interrupted" : ""}`;
  const partial = join(folders, `.${name}.${process.pid}.partial`);
  rmSync(partial, { recursive: true, force: true });
  await model.save(partial);
  const optimizer = await model.optimizerState();
  const { data, specs } = await tf.io.encodeWeights(optimizer);
  tf.dispose(Object.values(optimizer));
  saveArtifactsToFolder(join(partial, "optimizer"), { weightSpecs: specs, weightData: data, format: "aespec-optimizer" });
  writeFileAtomic(join(partial, "state.json"), `${JSON.stringify(state, null, 2)}\n`);
  const target = join(folders, name);
  const current = readLatest(run);
  if (existsSync(target)) {
    if (current?.folder === join("checkpoints", name)) {
      // The same epoch and step saved again (an interrupt right after resuming): it is already there.
      rmSync(partial, { recursive: true, force: true });
      return;
    }
    rmSync(target, { recursive: true, force: true });
  }
  renameSync(partial, target);
  writeFileAtomic(latestFile(run), `${JSON.stringify({ folder: join("checkpoints", name) }, null, 2)}\n`);
  // Keep the newest two: the one just written and the one before it.
  const keep = new Set([name, current?.folder?.split("/").pop()]);
  for (const entry of readdirSync(folders)) if (!keep.has(entry) && !entry.includes(`.${process.pid}.`)) rmSync(join(folders, entry), { recursive: true, force: true });
}

function readLatest(run: string): { folder: string | null } | undefined {
  if (!existsSync(latestFile(run))) return undefined;
  try {
    return JSON.parse(readFileSync(latestFile(run), "utf8"));
  } catch {
    return undefined;
  }
}

/** The newest complete checkpoint of a run, if it has one. */
export function latestCheckpoint(run: string): Checkpoint | undefined {
  const latest = readLatest(run);
  if (!latest?.folder) return undefined;
  const folder = join(run, latest.folder);
  const state = JSON.parse(readFileSync(join(folder, "state.json"), "utf8")) as RunState;
  return { folder, state };
}

/** Restores weights, optimizer state, random stream and step count. */
export async function restoreCheckpoint(model: TrainableModel, checkpoint: Checkpoint): Promise<void> {
  await model.load(checkpoint.folder);
  const artifacts = loadArtifactsFromFolder(join(checkpoint.folder, "optimizer"));
  const state = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  await model.setOptimizerState(state);
  tf.dispose(Object.values(state));
  model.random.position = checkpoint.state.random;
  model.stepCount = checkpoint.state.steps;
}
