import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadArtifactsFromFolder, saveArtifactsToFolder, writeFileAtomic } from "../runtime/nodeIO.js";
import type { EpochRecord, TrainableModel } from "../training/model.js";

/**
 * Checkpoints of a run. Each is a complete folder (weights, optimizer state, and the
 * state needed to continue exactly: random stream, step count, history) written under a
 * temporary name, read back against the SHA-256 checksums its state.json records, and
 * renamed into place; `latest.json`, rewritten atomically afterwards, names the newest.
 * Reading a run verifies the newest checkpoint and falls back to the previous complete
 * one when it is damaged in any way; an older checkpoint is deleted only once a newer one
 * has been verified.
 */
export interface RunState {
  /** The next epoch to run (0-based): every epoch before it is complete. */
  readonly epoch: number;
  /** True when the run stopped inside `epoch` (Ctrl-C): its weights include part of it. */
  readonly interrupted: boolean;
  readonly random: number;
  readonly steps: number;
  readonly history: readonly EpochRecord[];
  /**
   * An interrupted epoch: the random stream's position at its start (its batch order is
   * drawn from there), the steps of it done, and the running sums of its terms.
   */
  readonly partial?: { readonly epochRandom: number; readonly steps: number; readonly sums: Record<string, number>; readonly seen: number };
}

/** The files of a checkpoint, each with its SHA-256, recorded in state.json. */
const checksummed = ["model.json", "weights.bin", "optimizer/model.json", "optimizer/weights.bin"] as const;

interface SavedState extends RunState {
  /** Absent in checkpoints written before checksums (which are checked by size only). */
  readonly checksums?: Readonly<Record<string, string>>;
}

export interface Checkpoint {
  readonly folder: string;
  readonly state: RunState;
}

/** A checkpoint passed over because it is damaged, and why. */
export interface DamagedCheckpoint {
  readonly folder: string;
  readonly reason: string;
}

const latestFile = (run: string) => join(run, "latest.json");
const checkpointName = /^epoch-(\d{4,})-step-(\d{8,})(-interrupted)?$/;

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

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
  // The checksums are of the bytes read back from disk: what a later run will read.
  const checksums = Object.fromEntries(checksummed.map((file) => [file, sha256(join(partial, file))]));
  writeFileAtomic(join(partial, "state.json"), `${JSON.stringify({ ...state, checksums } satisfies SavedState, null, 2)}\n`);
  const damage = verify(partial);
  if (typeof damage === "string") throw new Error(`the checkpoint just written in ${partial} does not read back: ${damage}`);
  const target = join(folders, name);
  const current = readLatest(run);
  if (existsSync(target)) {
    if (current === name && typeof verify(target) !== "string") {
      // The same epoch and step saved again (an interrupt right after resuming): it is already there, verified.
      rmSync(partial, { recursive: true, force: true });
      return;
    }
    // A damaged checkpoint of the same name: set aside, deleted below once the new one is in place.
    renameSync(target, join(folders, `.${name}.${process.pid}.replaced`));
  }
  renameSync(partial, target);
  writeFileAtomic(latestFile(run), `${JSON.stringify({ folder: `checkpoints/${name}` }, null, 2)}\n`);
  // Keep the one just written and the newest other checkpoint that verifies; the rest (older, damaged, partial) go.
  const previous = candidates(run).find((folder) => folder !== name && typeof verify(join(folders, folder)) !== "string");
  for (const entry of readdirSync(folders)) {
    if (entry !== name && entry !== previous) rmSync(join(folders, entry), { recursive: true, force: true });
  }
}

/** The folder name latest.json gives, if it is a checkpoint's name (a path elsewhere is ignored). */
function readLatest(run: string): string | undefined {
  try {
    const folder: unknown = JSON.parse(readFileSync(latestFile(run), "utf8"))?.folder;
    return typeof folder === "string" ? folder : undefined;
  } catch {
    return undefined;
  }
}

/** Checkpoint folder names, newest first: the one latest.json names, then by epoch and step. */
function candidates(run: string): string[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(join(run, "checkpoints")).filter((e) => checkpointName.test(e));
  } catch {
    // no checkpoints folder
  }
  const key = (name: string) => {
    const [, epoch, steps] = checkpointName.exec(name)!;
    return [Number(epoch), Number(steps)] as const;
  };
  entries.sort((a, b) => key(b)[0] - key(a)[0] || key(b)[1] - key(a)[1]);
  const latest = readLatest(run)?.replace(/^checkpoints\//, "");
  return latest && entries.includes(latest) ? [latest, ...entries.filter((e) => e !== latest)] : entries;
}

const isCount = (v: unknown, max: number) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;

/** The checkpoint's state if every file is there and matches its checksum, else what is wrong. */
function verify(folder: string): SavedState | string {
  let state: SavedState;
  try {
    state = JSON.parse(readFileSync(join(folder, "state.json"), "utf8"));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "state.json is missing" : "state.json is not valid JSON";
  }
  if (typeof state !== "object" || state === null) return "state.json is not a checkpoint's state";
  if (!isCount(state.epoch, 1e6)) return `its epoch ${JSON.stringify(state.epoch)} is not a whole number of at least 0`;
  if (!isCount(state.steps, 1e12) || !isCount(state.random, 2 ** 32 - 1) || typeof state.interrupted !== "boolean") return "state.json lacks the step count, random stream or interrupted flag";
  if (!Array.isArray(state.history) || state.history.length !== state.epoch) return `its history has ${Array.isArray(state.history) ? state.history.length : "no"} epochs for epoch ${state.epoch}`;
  const partial = state.partial;
  if (partial !== undefined && (!state.interrupted || !isCount(partial.steps, 1e12) || !isCount(partial.epochRandom, 2 ** 32 - 1) || !isCount(partial.seen, 1e15) || typeof partial.sums !== "object")) {
    return "state.json's record of the interrupted epoch is inconsistent";
  }
  // Checkpoints written before checksums existed are checked by their sizes alone (below).
  if (state.checksums !== undefined && (typeof state.checksums !== "object" || state.checksums === null)) return "state.json's checksums are not a list of files";
  for (const file of checksummed) {
    const path = join(folder, file);
    if (!existsSync(path) || !statSync(path).isFile()) return `${file} is missing`;
    if (state.checksums && sha256(path) !== state.checksums[file]) return `${file} does not match its checksum`;
  }
  try {
    loadArtifactsFromFolder(folder);
    loadArtifactsFromFolder(join(folder, "optimizer"));
  } catch (error) {
    return (error as Error).message;
  }
  return state;
}

/**
 * The newest complete checkpoint of a run, if it has one. A damaged newer checkpoint is
 * passed over (and reported to `onDamaged`), never deleted here.
 */
export function latestCheckpoint(run: string, onDamaged?: (damaged: DamagedCheckpoint, fallback: string) => void): Checkpoint | undefined {
  const damaged: DamagedCheckpoint[] = [];
  const named = readLatest(run);
  if (named !== undefined && !checkpointName.test(named.replace(/^checkpoints\//, "")) ) {
    damaged.push({ folder: named, reason: "latest.json names a folder outside the run's checkpoints" });
  } else if (named === undefined && existsSync(latestFile(run))) {
    damaged.push({ folder: "latest.json", reason: "latest.json is not valid" });
  }
  for (const name of candidates(run)) {
    const folder = join(run, "checkpoints", name);
    const result = verify(folder);
    if (typeof result === "string") {
      damaged.push({ folder, reason: result });
      continue;
    }
    for (const d of damaged) onDamaged?.(d, folder);
    const { checksums: _, ...state } = result;
    return { folder, state };
  }
  return undefined;
}

/** Whether a folder holds checkpoints of a run (complete or not). */
export function holdsCheckpoints(run: string): boolean {
  return existsSync(latestFile(run)) || candidates(run).length > 0;
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
