import type { BackendChoice } from "../../runtime/backend.js";
import { evalRun, RunError, sampleRun, trainRun } from "../../runner/run.js";
import { catalog, type Code } from "../../diagnostics/catalog.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { renderDiagnostic } from "../../diagnostics/render.js";
import { ExitCode, type CliIO } from "../io.js";

/**
 * Reports the runner's RunError like a thrown DiagnosticError (which main.ts renders): its
 * one-line detail is the help, a multi-line detail (a spec's rendered errors) follows it.
 * Anything else is left to main.ts. Goes away once the runner throws DiagnosticError.
 */
async function reporting(io: CliIO, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof RunError)) throw error;
    const rendered = error.detail?.includes("\n") ? error.detail : undefined;
    const help = rendered === undefined ? error.detail : undefined;
    const code = error.code as Code;
    // The one diagnostic not made by a catalogue constructor: RunError carries finished text.
    const diagnostic = { code, severity: catalog.get(code)?.severity ?? "error", message: error.message, ...(help ? { help } : {}) } as Diagnostic;
    io.stderr(`${renderDiagnostic(diagnostic)}\n${rendered ? `${rendered}\n` : ""}`);
    return ExitCode.diagnostics;
  }
}

export interface TrainFlags {
  data: string;
  epochs?: number;
  batch?: number;
  limit?: number;
  labels?: number;
  out?: string;
  seed: number;
  backend?: BackendChoice;
  resume?: boolean;
  k: number;
  workers: number;
}

export function trainCommand(spec: string, flags: TrainFlags, io: CliIO): Promise<number> {
  return reporting(io, () =>
    trainRun({
      spec,
      data: flags.data,
      seed: flags.seed,
      resume: flags.resume ?? false,
      k: flags.k,
      workers: flags.workers,
      ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
      ...(flags.batch !== undefined ? { batch: flags.batch } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(flags.labels !== undefined ? { labels: flags.labels } : {}),
      ...(flags.out !== undefined ? { out: flags.out } : {}),
      ...(flags.backend !== undefined ? { backend: flags.backend } : {}),
    }, io),
  );
}

export function evalCommand(run: string, flags: { k: number; backend?: BackendChoice }, io: CliIO): Promise<number> {
  return reporting(io, () => evalRun(run, flags.k, io, flags.backend));
}

export function sampleCommand(run: string, flags: { n: number; label?: number; output?: string; backend?: BackendChoice }, io: CliIO): Promise<number> {
  return reporting(io, () => sampleRun(run, { n: flags.n, ...(flags.label !== undefined ? { label: flags.label } : {}), ...(flags.output !== undefined ? { output: flags.output } : {}) }, io, flags.backend));
}
