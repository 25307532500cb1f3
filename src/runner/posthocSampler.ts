/**
 * `aec sample RUN --sampler gmm(K)`: a Gaussian mixture fitted to the training codes after
 * training (Ghosh et al. 2020), through which autoencoders without a prior (RAE, WAE, a
 * plain AE) generate, and VAEs can too. The fit is kept in the run folder
 * (`sampler-gmm-K.json`) next to the checkpoint it was fitted from, and reused while that
 * checkpoint is the newest.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { diagnose } from "../diagnostics/catalog.js";
import { DiagnosticError } from "../diagnostics/error.js";
import type { ModelIR } from "../ir/types.js";
import { dataBatch } from "../runtime/model.js";
import type { Dataset } from "../runtime/data.js";
import { writeFileAtomic } from "../runtime/nodeIO.js";
import { fitGaussianMixture, type MixtureFit, sampleGaussianMixture } from "../training/gaussianMixture.js";
import type { LoadedModule, Reporter, TrainableModel } from "../training/model.js";

export type SamplerChoice = { readonly kind: "prior" } | { readonly kind: "gmm"; readonly components: number };

/** `prior`, `gmm` (10 components, as Ghosh et al.) or `gmm(K)`; undefined for anything else. */
export function parseSampler(text: string): SamplerChoice | undefined {
  if (text === "prior") return { kind: "prior" };
  if (text === "gmm") return { kind: "gmm", components: 10 };
  const match = /^gmm\((\d{1,4})\)$/.exec(text.replace(/\s+/g, ""));
  const components = match ? Number(match[1]) : 0;
  return components >= 1 ? { kind: "gmm", components } : undefined;
}

/** What `sampler-gmm-K.json` holds. */
export interface StoredMixture extends MixtureFit {
  readonly sampler: "gmm";
  readonly covariance: "full";
  /** The checkpoint whose codes were fitted. */
  readonly checkpoint: string;
  /** The latents concatenated into one code, in this order, with their sizes. */
  readonly latents: readonly { readonly name: string; readonly size: number }[];
  readonly codes: number;
  readonly seed: number;
}

/** The decoder inputs a post-hoc sampler draws: every one must be a real code an encoder gives. */
function sampledLatents(ir: ModelIR): { name: string; size: number }[] {
  const { encode, decode } = ir.roles.methods;
  const codes = new Set(encode?.outputs.map((o) => o.variable) ?? []);
  const inputs = decode?.inputs ?? [];
  const latents = inputs.map((name) => ir.variables.find((v) => v.name === name)!);
  if (!encode || latents.length === 0 || latents.some((v) => !codes.has(v.name) || v.type !== "real")) {
    throw new DiagnosticError(diagnose.AE0920.noCodes({ model: ir.model, inputs }));
  }
  return latents.map((v) => ({ name: v.name, size: v.size }));
}

/** The codes of every training example, row by row: `encode`'s summaries of the latents, concatenated. */
async function trainingCodes(model: TrainableModel, module: LoadedModule, data: Dataset, latents: readonly { name: string; size: number }[]): Promise<Float64Array> {
  const width = latents.reduce((s, l) => s + l.size, 0);
  const out = new Float64Array(data.size * width);
  const inputs = module.ir.roles.methods.encode!.inputs;
  const chunk = 500;
  for (let start = 0; start < data.size; start += chunk) {
    const rows = Int32Array.from({ length: Math.min(chunk, data.size - start) }, (_, i) => start + i);
    const batch = dataBatch(module.description, data, rows);
    const codes = model.encode!(Object.fromEntries(inputs.map((n) => [n, batch[n]!])));
    let offset = 0;
    for (const { name, size } of latents) {
      const values = (await codes[name]!.data()) as Float32Array;
      for (let r = 0; r < rows.length; r++) for (let i = 0; i < size; i++) out[(start + r) * width + offset + i] = values[r * size + i]!;
      offset += size;
    }
    tf.dispose([...Object.values(batch), ...Object.values(codes)]);
  }
  return out;
}

/** The run's fitted mixture for this checkpoint: read from the run folder, or fitted and written there. */
async function mixtureOf(run: string, checkpoint: string, components: number, seed: number, fit: () => Promise<{ codes: Float64Array; latents: { name: string; size: number }[] }>, io: Reporter): Promise<StoredMixture> {
  const path = join(run, `sampler-gmm-${components}.json`);
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, "utf8")) as StoredMixture;
    if (stored.checkpoint === checkpoint && stored.seed === seed) {
      io.stdout(`gmm(${components}): the mixture fitted to ${stored.codes} codes at ${checkpoint}, from ${path}\n`);
      return stored;
    }
  }
  const { codes, latents } = await fit();
  const width = latents.reduce((s, l) => s + l.size, 0);
  const count = codes.length / width;
  if (count < components) throw new DiagnosticError(diagnose.AE0920.tooFewCodes({ components, codes: count }));
  const mixture = fitGaussianMixture(codes, width, { components, seed });
  const stored: StoredMixture = { sampler: "gmm", covariance: "full", checkpoint, latents, codes: count, seed, ...mixture };
  writeFileAtomic(path, `${JSON.stringify(stored)}\n`);
  io.stdout(
    `gmm(${components}): fitted ${components} full-covariance Gaussians to the ${count} training codes of ${latents.map((l) => l.name).join(", ")} by EM ` +
      `(${mixture.iterations} iterations${mixture.converged ? "" : ", not converged"}, mean log-likelihood ${mixture.logLikelihood.toFixed(2)} nats); wrote ${path}\n`,
  );
  return stored;
}

/** n codes drawn from the run's fitted mixture, one tensor per latent, for `decode`. */
export async function mixtureCodes(
  options: { run: string; checkpoint: string; components: number; seed: number; n: number },
  model: TrainableModel,
  module: LoadedModule,
  train: () => Dataset,
  io: Reporter,
): Promise<Record<string, tf.Tensor>> {
  const latents = sampledLatents(module.ir);
  const mixture = await mixtureOf(options.run, options.checkpoint, options.components, options.seed, async () => ({ codes: await trainingCodes(model, module, train(), latents), latents }), io);
  const width = latents.reduce((s, l) => s + l.size, 0);
  const draws = sampleGaussianMixture(mixture, options.n, options.seed);
  const out: Record<string, tf.Tensor> = {};
  let offset = 0;
  for (const { name, size } of latents) {
    const values = new Float32Array(options.n * size);
    for (let r = 0; r < options.n; r++) for (let i = 0; i < size; i++) values[r * size + i] = draws[r * width + offset + i]!;
    const shape = module.ir.variables.find((v) => v.name === name)!.shape;
    out[name] = tf.tensor(values, [options.n, ...shape]);
    offset += size;
  }
  return out;
}
