import type { Reporter } from "../training/model.js";

/**
 * Where a command writes: the training library's `Reporter`, implemented here by the
 * process's streams (processIO) and in tests by buffers.
 */
export type CliIO = Reporter;

export const ExitCode = { ok: 0, diagnostics: 1, usage: 2, internal: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
};
