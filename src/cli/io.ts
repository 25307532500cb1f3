import type { Reporter } from "../training/model.js";

/**
 * Where a command writes: the training library's `Reporter`, implemented here by the
 * process's streams (processIO) and in tests by buffers.
 */
export type CliIO = Reporter;

export const ExitCode = { ok: 0, diagnostics: 1, usage: 2, internal: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Set once standard output's reader has gone (`aec train … | head -3`). */
let stdoutClosed = false;

export const processIO: CliIO = {
  stdout: (text) => void (stdoutClosed || process.stdout.write(text)),
  stderr: (text) => void process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
};

/**
 * For training: a reader that closes standard output (`aec train … | head -3`) must not
 * stop the run. From here on an EPIPE on stdout only ends printing, said once on stderr;
 * training, checkpoints and metrics go on, and the exit code is the run's.
 */
export function outliveClosedStdout(): void {
  process.stdout.removeAllListeners("error");
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    if (!stdoutClosed) process.stderr.write("aec: standard output was closed; training goes on without printing its progress\n");
    stdoutClosed = true;
  });
}
