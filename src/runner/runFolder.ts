import { linkSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { diagnose } from "../diagnostics/catalog.js";
import { DiagnosticError } from "../diagnostics/error.js";
import { holdsCheckpoints } from "./checkpoint.js";

/**
 * The run folder as a whole: what may be started in it, who is training in it (a lock),
 * and file-system failures reported as diagnostics.
 */

/** The files and folders `aec train` writes into a run folder before its first checkpoint. */
const ownEntries = new Set(["run.json", "spec.aespec", "model.ts", "model.mjs", "checkpoints", "run.lock", "samples.png", "reconstructions.png", "manifold.png", "latent.png", "loss.svg", "history.json"]);

/**
 * Whether `--out` can take a run: a folder that does not exist yet, an empty one, or the
 * files of a run that stopped before its first checkpoint may be used; a file, a folder
 * holding a run (without --resume) or anything else is refused, so no file of the user's
 * is ever overwritten.
 */
export function checkOutFolder(run: string, resume: boolean): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(run).isDirectory();
  } catch {
    if (resume) throw new DiagnosticError(diagnose.AE0904.nothingToResume(run));
    return;
  }
  if (!isFolder) throw new DiagnosticError(diagnose.AE0904.outIsFile(run));
  if (resume) {
    if (!holdsCheckpoints(run)) throw new DiagnosticError(diagnose.AE0904.nothingToResume(run));
    return;
  }
  if (holdsCheckpoints(run)) throw new DiagnosticError(diagnose.AE0904.occupied(run));
  if (readdirSync(run).some((entry) => !ownEntries.has(entry) && !entry.startsWith("."))) throw new DiagnosticError(diagnose.AE0904.notRunFolder(run));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the run folder for this process: `run.lock`, created exclusively, holds its pid.
 * A lock whose process no longer runs (killed, crashed) is stale and taken over; one whose
 * process runs is refused (AE0904). Returns the release, also run at process exit.
 */
export function acquireRunLock(run: string): () => void {
  const path = join(run, "run.lock");
  // The lock appears with its pid in it (a link of a finished file), never empty.
  const mine = join(run, `.run.lock.${process.pid}.new`);
  writeFileSync(mine, `${process.pid}\n`);
  try {
    return takeLock(run, path, mine);
  } finally {
    rmSync(mine, { force: true });
  }
}

function takeLock(run: string, path: string, mine: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      linkSync(mine, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readLockPid(path);
      const pid = Number.parseInt(holder, 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DiagnosticError(diagnose.AE0904.inUse({ run, pid }));
      // Stale: its process is gone (or the file is garbage). Moved aside under a name of our own, so that of
      // two processes taking it over at once only one succeeds, and a fresh lock moved by mistake goes back.
      const aside = join(run, `.run.lock.${process.pid}.stale`);
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      if (readLockPid(aside) !== holder) {
        try {
          linkSync(aside, path);
        } catch {
          // another lock is in place already
        }
        rmSync(aside, { force: true });
        continue;
      }
      rmSync(aside, { force: true });
      continue;
    }
    const release = () => {
      process.off("exit", release);
      if (readLockPid(path).trim() === String(process.pid)) rmSync(path, { force: true });
    };
    process.on("exit", release);
    return release;
  }
  throw new DiagnosticError(diagnose.AE0904.inUse({ run, pid: Number.parseInt(readLockPid(path), 10) || 0 }));
}

function readLockPid(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** A temporary file of writeFileAtomic (`.name.pid.random.tmp`) named as the file it stands for. */
function shownPath(path: string): string {
  const match = /^\.(.+)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(basename(path));
  return match ? join(dirname(path), match[1]!) : path;
}

/**
 * Runs `work`, reporting the file system's refusals to write (read-only, permission,
 * full disk) as AE0911 with the file concerned, instead of an internal error.
 */
export async function writeErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
    const where = shownPath(path ?? "the run folder");
    switch (code) {
      case "EROFS": throw new DiagnosticError(diagnose.AE0911.readOnly(where));
      case "EACCES": case "EPERM": throw new DiagnosticError(diagnose.AE0911.denied(where));
      case "ENOSPC": case "EDQUOT": throw new DiagnosticError(diagnose.AE0911.diskFull(where));
      case "ENOTDIR": throw new DiagnosticError(diagnose.AE0911.cannotWrite({ path: where, reason: "a folder on its path is a file" }));
      case "EISDIR": throw new DiagnosticError(diagnose.AE0911.cannotWrite({ path: where, reason: "it is a folder" }));
      case "ENAMETOOLONG": throw new DiagnosticError(diagnose.AE0911.cannotWrite({ path: where, reason: "the name is too long" }));
      default: throw error;
    }
  }
}
