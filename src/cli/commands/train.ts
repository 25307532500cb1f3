import type { BackendChoice } from "../../runtime/backend.js";
import { evalRun, sampleRun, trainRun } from "../../runner/run.js";
import type { SamplerChoice } from "../../runner/posthocSampler.js";
import { type CliIO, outliveClosedStdout, processIO } from "../io.js";

export interface TrainFlags {
  data?: string;
  model?: string;
  epochs?: number;
  batch?: number;
  limit?: number;
  labels?: number;
  out?: string;
  seed?: number;
  backend?: BackendChoice;
  resume?: boolean;
  k: number;
  workers: number;
  engine?: "tfjs" | "torch";
  nproc?: number;
  device?: "cpu" | "cuda" | "auto";
  startFrom?: string;
}

export function trainCommand(spec: string, flags: TrainFlags, io: CliIO): Promise<number> {
  if (io === processIO) outliveClosedStdout();
  return trainRun(
    {
      spec,
      resume: flags.resume ?? false,
      k: flags.k,
      workers: flags.workers,
      ...(flags.engine !== undefined ? { engine: flags.engine } : {}),
      ...(flags.nproc !== undefined ? { nproc: flags.nproc } : {}),
      ...(flags.device !== undefined ? { device: flags.device } : {}),
      ...(flags.startFrom !== undefined ? { startFrom: flags.startFrom } : {}),
      ...(flags.data !== undefined ? { data: flags.data } : {}),
      ...(flags.model !== undefined ? { model: flags.model } : {}),
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
      ...(flags.batch !== undefined ? { batch: flags.batch } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(flags.labels !== undefined ? { labels: flags.labels } : {}),
      ...(flags.out !== undefined ? { out: flags.out } : {}),
      ...(flags.backend !== undefined ? { backend: flags.backend } : {}),
    },
    io,
  );
}

export function evalCommand(run: string, flags: { k: number; backend?: BackendChoice }, io: CliIO): Promise<number> {
  return evalRun(run, flags.k, io, flags.backend);
}

export function sampleCommand(run: string, flags: { n: number; label?: number; output?: string; sampler?: SamplerChoice; backend?: BackendChoice }, io: CliIO): Promise<number> {
  return sampleRun(run, { n: flags.n, ...(flags.label !== undefined ? { label: flags.label } : {}), ...(flags.output !== undefined ? { output: flags.output } : {}), ...(flags.sampler ? { sampler: flags.sampler } : {}) }, io, flags.backend);
}
