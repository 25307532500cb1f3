// `aec train --engine torch`: the run folder the wasm engine writes, trained by the Python
// trainer (python/aespec_torch, docs/torch.md). Node checks the inputs, owns the run folder's
// lock, writes the generated Python module and the rows, relays progress and signals, and
// afterwards loads the torch checkpoint into the TF.js module for pictures and metrics.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { diagnose } from "../diagnostics/catalog.js";
import { DiagnosticError } from "../diagnostics/error.js";
import type { Dataset } from "../runtime/data.js";
import type { Reporter } from "../training/model.js";

/** Where the aespec_torch package is, for PYTHONPATH. */
const pythonRoot = fileURLToPath(new URL("../../python", import.meta.url));

/**
 * The interpreter that can import torch: the one $AESPEC_PYTHON names (and only it, when
 * set), else `python3`, else Debian's `/usr/bin/python3` (where python3-torch installs).
 */
export function torchInterpreter(): string {
  const python = findTorchInterpreter();
  if (!python) throw new DiagnosticError(diagnose.AE0914.noTorch(interpreterCandidates().join(", ")));
  return python;
}

function interpreterCandidates(): string[] {
  const named = process.env.AESPEC_PYTHON;
  return named ? [named] : ["python3", "/usr/bin/python3"];
}

/** The first candidate interpreter that can `import torch`, or undefined. */
export function findTorchInterpreter(): string | undefined {
  return interpreterCandidates().find((python) => spawnSync(python, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 }).status === 0);
}

/** A data set as the trainer's rows file: rows.json describing rows.f32 (and labelled.i32). */
function writeRows(folder: string, data: Dataset, columns: readonly { name: string; size: number }[]): string {
  const width = columns.reduce((n, c) => n + c.size, 0);
  const rows = new Float32Array(data.size * width);
  for (let row = 0; row < data.size; row++) {
    let offset = row * width;
    for (const { name, size } of columns) {
      rows.set(data.columns[name]!.subarray(row * size, (row + 1) * size), offset);
      offset += size;
    }
  }
  writeFileSync(join(folder, "rows.f32"), new Uint8Array(rows.buffer));
  if (data.labelled) writeFileSync(join(folder, "labelled.i32"), new Uint8Array(Int32Array.from(data.labelled).buffer));
  writeFileSync(join(folder, "rows.json"), JSON.stringify({ file: "rows.f32", rows: data.size, columns, ...(data.labelled ? { labelled: "labelled.i32" } : {}) }));
  return join(folder, "rows.json");
}

export interface TorchRun {
  readonly python: string;
  readonly run: string;
  /** The generated module, written into the run folder. */
  readonly module: string;
  readonly train: Dataset;
  readonly test: Dataset;
  /** The data variables, each with its values per row, in the order the model lists them. */
  readonly columns: readonly { name: string; size: number }[];
  readonly epochs: number;
  readonly batch: number;
  readonly seed: number;
  readonly resume: boolean;
  readonly nproc: number;
  readonly device?: string;
  /** A run folder (either engine's) whose newest checkpoint the new run starts from. */
  readonly startFrom?: string;
}

/** What the trainer said as it went: a `steps` line, an `epoch` line. */
export interface TorchProgress {
  steps(epoch: number, step: number, steps: number, terms: Record<string, number>): void;
  epoch(epoch: number, train: Record<string, number>, test: Record<string, number>, seconds: number): void;
  warning(message: string): void;
}

/**
 * Trains with the Python trainer; resolves to its exit code (0 done, 130 interrupted).
 * Ctrl-C is forwarded once (the trainer finishes its step and saves a checkpoint); a
 * trainer error becomes the diagnostic it names (a non-finite loss is AE0906).
 */
export async function trainOnTorch(options: TorchRun, progress: TorchProgress, io: Reporter, lastCheckpoint: () => string | undefined): Promise<number> {
  const rows = mkdtempSync(join(tmpdir(), "aespec-rows-"));
  try {
    const folder = (name: string) => {
      mkdirSync(join(rows, name));
      return join(rows, name);
    };
    const train = writeRows(folder("train"), options.train, options.columns);
    const test = writeRows(folder("test"), options.test, options.columns);
    const args = [
      "-m", "aespec_torch.train", options.module, "--data", train, "--test", test, "--out", options.run,
      "--epochs", String(options.epochs), "--batch", String(options.batch), "--seed", String(options.seed), "--progress-every", "1",
      ...(options.resume ? ["--resume"] : []), ...(options.nproc > 1 ? ["--nproc", String(options.nproc)] : []), ...(options.device ? ["--device", options.device] : []), ...(options.startFrom ? ["--start-from", options.startFrom] : []),
    ];
    const child = spawn(options.python, args, {
      env: { ...process.env, PYTHONPATH: [pythonRoot, process.env.PYTHONPATH].filter(Boolean).join(":"), OMP_NUM_THREADS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: a terminal's Ctrl-C reaches it once, through us.
      detached: true,
    });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const [onInt, onTerm] = [forward("SIGINT"), forward("SIGTERM")];
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    let failure: Record<string, unknown> | undefined;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      let event: Record<string, any>;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event === "steps") progress.steps(event.epoch, event.step, event.steps, event.terms);
      else if (event.event === "epoch") progress.epoch(event.epoch, event.terms, event.test ?? {}, event.seconds);
      else if (event.event === "warning") progress.warning(String(event.message));
      else if (event.event === "error") failure = event;
    });
    const code = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (status, signal) => resolve(status ?? (signal ? 130 : 1)));
    });
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
    if (code === 0 || code === 130) return code;
    if (failure?.kind === "nonFiniteLoss") {
      const checkpoint = lastCheckpoint();
      throw new DiagnosticError(diagnose.AE0906.nonFinite({ term: String(failure.term), value: Number(failure.value), step: Number(failure.step), epoch: Number(failure.epoch), ...(checkpoint ? { checkpoint } : {}) }));
    }
    io.stderr(stderr);
    throw new DiagnosticError(diagnose.AE0914.failed({ code, message: failure ? String(failure.message) : stderr.trim().split("\n").at(-1) ?? "no message" }));
  } finally {
    rmSync(rows, { recursive: true, force: true });
  }
}
