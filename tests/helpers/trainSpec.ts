import ts from "typescript";
import * as tf from "@tensorflow/tfjs";
import * as runtime from "../../src/runtime/index.js";
import { generateTfjsModule } from "../../src/codegen/index.js";
import { checkSource, type CheckResult } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import type { ModelDescription, VariableDescription } from "../../src/runtime/model.js";

/**
 * Compiles a spec in memory and trains it a few steps on a tiny synthetic batch on the
 * cpu backend: the soundness property's "does not go wrong" half. The module is
 * transpiled to CommonJS and evaluated with `require` bound to this process's TF.js and
 * runtime, so no file is written and vitest's module graph is reused.
 */
export interface TrainOutcome {
  readonly check: CheckResult;
  /** Absent when the checker rejected the spec. */
  readonly losses?: readonly Record<string, number>[];
  /** Names of weights holding a non-finite value after the steps. */
  readonly badWeights?: readonly string[];
}

type Loaded = { description: ModelDescription; create: (o: { seed?: number; backend?: "cpu" }) => Promise<runtime.GeneratedModel<any, any>> };

export async function evaluateModule(typescript: string, model: string): Promise<Loaded> {
  const javascript = ts.transpileModule(typescript, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const modules: Record<string, unknown> = { "aespec/runtime": runtime, "@tensorflow/tfjs": tf };
  const exports: Record<string, unknown> = {};
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`generated module imports ${name}`);
    return modules[name];
  };
  new Function("require", "exports", "module", javascript)(require, exports, { exports });
  return { description: exports.description as ModelDescription, create: exports[`create${model}`] as Loaded["create"] };
}

/** A deterministic pseudo-random number in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** Values inside each variable's support: intervals uniformly, binary 0/1, onehot one class per row, real N-ish(0, 1). */
export function syntheticBatch(variables: Readonly<Record<string, VariableDescription>>, names: readonly string[], rows: number, seed = 1): Record<string, tf.Tensor> {
  const next = random(seed);
  const batch: Record<string, tf.Tensor> = {};
  for (const name of names) {
    const v = variables[name]!;
    const width = v.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const hot = Math.floor(next() * width);
      for (let i = 0; i < width; i++) {
        const u = next();
        const s = v.support;
        values[r * width + i] =
          s.kind === "interval" ? s.low + (s.high - s.low) * u : s.kind === "binary" ? (u < 0.5 ? 0 : 1) : s.kind === "onehot" ? (i === hot ? 1 : 0) : (u - 0.5) * 3;
      }
    }
    batch[name] = tf.tensor(values, [rows, ...v.shape]);
  }
  return batch;
}

/** Checks, compiles and trains `steps` steps; losses and weight health come back for the caller's assertions. */
export async function trainSpec(text: string, options: { steps?: number; rows?: number; seed?: number } = {}): Promise<TrainOutcome> {
  const check = checkSource({ name: "spec.aespec", text });
  if (check.models.length === 0 || check.diagnostics.some((d) => d.severity === "error")) return { check };
  const checked = check.models[0]!;
  const ir = lowerModel(checked, "spec.aespec");
  const loaded = await evaluateModule(await generateTfjsModule(ir), ir.model);
  const model = await loaded.create({ seed: options.seed ?? 1, backend: "cpu" });
  const losses: Record<string, number>[] = [];
  try {
    const rows = options.rows ?? 4;
    const data = Object.entries(loaded.description.variables).filter(([, v]) => v.role === "data");
    const all = data.filter(([, v]) => v.labelled === undefined).map(([n]) => n);
    const labelledNeeded = runtime.readsLabelled(loaded.description);
    // The steps taken are one epoch, for schedules counted in epochs, and half the rows are labelled (fit sets both itself).
    model.stepsPerEpoch = options.steps ?? 2;
    if (labelledNeeded) model.labelledFraction = 0.5;
    for (let step = 0; step < (options.steps ?? 2); step++) {
      const batch = syntheticBatch(loaded.description.variables, all, rows, step + 1);
      const labelled = labelledNeeded ? syntheticBatch(loaded.description.variables, data.map(([n]) => n), rows, step + 101) : undefined;
      try {
        losses.push(await model.trainStep(batch, labelled));
      } finally {
        for (const t of [...Object.values(batch), ...Object.values(labelled ?? {})]) t.dispose();
      }
    }
    const badWeights: string[] = [];
    for (const [name, variable] of model.weights.entries()) {
      const values = (await variable.data()) as Float32Array;
      if (!values.every(Number.isFinite)) badWeights.push(name);
    }
    return { check, losses, badWeights };
  } finally {
    model.dispose();
  }
}
