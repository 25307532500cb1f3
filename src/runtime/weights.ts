import * as tf from "@tensorflow/tfjs";
import type { Random } from "./random.js";

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: "glorotUniform" | "zeros" | "ones" | "standardNormal";
  readonly trainable: boolean;
}

let instances = 0;

/** A model's variables by name (`q/t0/kernel`), the names checkpoints use. */
export class Weights {
  private readonly variables = new Map<string, tf.Variable>();
  /** TF.js variable names are global: each model instance gets its own prefix. */
  readonly prefix = `aespec${++instances}/`;

  constructor(specs: readonly WeightSpec[], random: Random) {
    for (const spec of specs) {
      const value = tf.tidy(() => initialValue(spec, random));
      this.variables.set(spec.name, tf.variable(value, spec.trainable, `${this.prefix}${spec.name}`));
      value.dispose();
    }
  }

  get(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`no weight named ${JSON.stringify(name)}`);
    return v;
  }

  /** The trainable variables with these names, in order: exactly what one phase updates. */
  select(names: readonly string[]): tf.Variable[] {
    return names.map((n) => this.get(n));
  }

  entries(): [string, tf.Variable][] {
    return [...this.variables.entries()];
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

/** Glorot-uniform kernels (Keras's default), zero biases, unit scales; N(0, 1) for a learned prior's means and pseudo-inputs. */
function initialValue(spec: WeightSpec, random: Random): tf.Tensor {
  const shape = [...spec.shape];
  if (spec.init === "zeros") return tf.zeros(shape);
  if (spec.init === "ones") return tf.ones(shape);
  if (spec.init === "standardNormal") return tf.randomNormal(shape, 0, 1, "float32", random.seed());
  // Dense kernels are [in, out]; conv kernels [k, k, in, out] (transposed: [k, k, out, in]).
  const receptive = shape.length > 2 ? shape.slice(0, -2).reduce((a, b) => a * b, 1) : 1;
  const fanIn = shape[shape.length - 2]! * receptive;
  const fanOut = shape[shape.length - 1]! * receptive;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, "float32", random.seed());
}

/** Identifies a model's weight layout, so weights of another model are refused on load. */
export function layoutFingerprint(specs: readonly WeightSpec[]): string {
  const text = specs.map((s) => `${s.name}:${s.shape.join("x")}`).join(";");
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

export interface SavedModelInfo {
  readonly format: "aespec";
  readonly model: string;
  readonly layout: string;
}

function allFinite(t: tf.Tensor): boolean {
  return (t.dataSync() as Float32Array).every(Number.isFinite);
}

/** Model weights as TF.js artifacts (model.json + one binary), loadable in Node and in the browser; diverged (NaN) weights are refused. */
export async function weightsToArtifacts(weights: Weights, info: SavedModelInfo): Promise<tf.io.ModelArtifacts> {
  const named: tf.NamedTensorMap = {};
  for (const [name, variable] of weights.entries()) {
    if (!allFinite(variable)) throw new Error(`weight ${JSON.stringify(name)} holds NaN or infinite values (training diverged); nothing was saved`);
    named[name] = variable;
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  return {
    modelTopology: { ...info },
    format: "aespec-weights",
    generatedBy: "aespec",
    weightSpecs: specs,
    weightData: data,
  };
}

/** The model.json of saved weights: TF.js's layout, the binary at `weightsPath` beside it. */
export function artifactsManifest(artifacts: tf.io.ModelArtifacts, weightsPath: string): object {
  return {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs }],
  };
}

/** aec 0.1's name for a head layer's weights: `network/h_head/kind`. */
const legacyHeadName = /^[^/]+\/h_[^/]+\/(kernel|bias|gamma|beta|movingMean|movingVariance)$/;

/** Assigns saved weights, refusing any mismatch of model, names or shapes with a clear message. */
export function assignFromArtifacts(weights: Weights, info: SavedModelInfo, artifacts: tf.io.ModelArtifacts): void {
  const saved = artifacts.modelTopology as Partial<SavedModelInfo> | undefined;
  if (!saved || saved.format !== "aespec") throw new Error("these are not aespec weights (model.json has no aespec header)");
  if (saved.model === info.model && saved.layout !== info.layout && artifacts.weightSpecs?.some((w) => legacyHeadName.test(w.name))) {
    throw new Error(
      `these weights of model ${JSON.stringify(info.model)} were saved by aec 0.1, which named head weights after the head (\`q/h_mu/kernel\`); ` +
        "this module names them after what they compute (`q/z.mu/kernel`), so they are refused rather than guessed: train the model again with this version",
    );
  }
  if (saved.model !== info.model || saved.layout !== info.layout) {
    throw new Error(`these weights belong to model ${JSON.stringify(saved.model)} (layout ${saved.layout}), not ${JSON.stringify(info.model)} (layout ${info.layout})`);
  }
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new Error("the saved model has no weights");
  const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    for (const [name, variable] of weights.entries()) {
      const value = decoded[name];
      if (!value) throw new Error(`the saved weights lack ${JSON.stringify(name)}`);
      if (value.shape.join("x") !== variable.shape.join("x")) {
        throw new Error(`${JSON.stringify(name)} has shape [${value.shape}] in the file but [${variable.shape}] in the model`);
      }
    }
    for (const [name] of weights.entries()) {
      if (!allFinite(decoded[name]!)) throw new Error(`the saved weight ${JSON.stringify(name)} holds NaN or infinite values: the model that saved it had diverged`);
    }
    for (const [name, variable] of weights.entries()) variable.assign(decoded[name]!);
  } finally {
    for (const t of Object.values(decoded)) t.dispose();
  }
}
