import * as tf from "@tensorflow/tfjs";
import { type BackendChoice, selectBackend } from "./backend.js";
import { type Dataset, epochBatches, makeBatch, SubsetSampler, validateDataset } from "./data.js";
import { nodeIO } from "./environment.js";
import type { MovingUpdate } from "./layers.js";
import type { Prior } from "./priors.js";
import { Random } from "./random.js";
import { FusedAdam } from "./fusedAdam.js";
import { applyPhaseGradients, checkFinite, type Phase, phaseGradients, readScalars, type TermValues } from "./trainer.js";
import { assignFromArtifacts, layoutFingerprint, type SavedModelInfo, type WeightSpec, Weights, weightsToArtifacts } from "./weights.js";

export interface VariableDescription {
  readonly role: "data" | "latent";
  readonly type: "real" | "binary" | "onehot";
  readonly shape: readonly number[];
  readonly support: { readonly kind: "real" | "binary" | "onehot" } | { readonly kind: "interval"; readonly low: number; readonly high: number };
  readonly labelled?: number;
}

/** What a generated module tells the runtime about its model (a subset of the IR). */
export interface ModelDescription {
  readonly name: string;
  readonly variables: Readonly<Record<string, VariableDescription>>;
  readonly weights: readonly WeightSpec[];
  readonly terms: Readonly<Record<string, { readonly formula: string; readonly estimator: string }>>;
  readonly phases: readonly {
    readonly name: string;
    readonly terms: readonly { readonly term: string; readonly weight: number }[];
    readonly parameters: readonly string[];
    readonly optimizer: { readonly kind: "adam" | "sgd" | "rmsprop"; readonly parameters: Readonly<Record<string, number>> };
    readonly subset: "all" | "labelled";
  }[];
  readonly train: { readonly batch: number; readonly epochs: number; readonly clipNorm?: number };
  /** The terms whose sum is −ELBO (β = 1), for models with a variational bound. */
  readonly negativeElbo?: readonly string[];
}

/** Every data variable's name, in declaration order. */
export function dataVariables(description: ModelDescription): string[] {
  return Object.entries(description.variables).filter(([, v]) => v.role === "data").map(([name]) => name);
}

export function variableShapes(description: ModelDescription): Record<string, readonly number[]> {
  return Object.fromEntries(Object.entries(description.variables).map(([name, v]) => [name, v.shape]));
}

/**
 * The data variables a training batch carries: every one for batches of labelled rows,
 * and for other batches those not declared `labelled(N)` (their values are unknown there).
 */
export function batchVariableNames(description: ModelDescription, subset: "all" | "labelled"): string[] {
  return Object.entries(description.variables)
    .filter(([, v]) => v.role === "data" && (subset === "labelled" || v.labelled === undefined))
    .map(([name]) => name);
}

/** A batch of the given rows holding every data variable (labelled ones included). */
export function dataBatch(description: ModelDescription, data: Dataset, rows: ArrayLike<number>): Record<string, tf.Tensor> {
  return makeBatch(data, variableShapes(description), dataVariables(description), rows);
}

export interface ModelOptions {
  /** Seeds initial weights, sampling, corruption and shuffling: a seed reproduces a run on one backend. */
  readonly seed?: number;
}

export type Batch = Record<string, tf.Tensor | undefined>;

/**
 * The values a training step computes, each once: generated subclasses add one memoised
 * accessor per network output, latent and discriminator score.
 */
export class Forward<B extends Batch = Batch> {
  private readonly cache = new Map<string, unknown>();
  /** Batch-norm moving averages to apply once the step's gradients are taken. */
  readonly movingUpdates: MovingUpdate[] = [];

  constructor(
    readonly weights: Weights,
    readonly batch: B,
    readonly priors: Readonly<Record<string, Prior>>,
    readonly random: Random,
    /** Dropout and corruption are on, batch-norm uses batch statistics. */
    readonly training: boolean,
  ) {}

  /** The number of examples in the batch (the leading dimension of its first tensor). */
  get size(): number {
    return Object.values(this.batch).find((t) => t !== undefined)!.shape[0]!;
  }

  w(name: string): tf.Variable {
    return this.weights.get(name);
  }

  protected memo<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }
}

export type TermFunction<F> = (f: F) => tf.Scalar;

export interface FitOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Called after every step with each term's value (nats per example). */
  readonly onStep?: (step: number, terms: Record<string, number>) => void | Promise<void>;
  /** Called after every epoch with the mean of each term over the epoch. */
  readonly onEpochEnd?: (epoch: number, terms: Record<string, number>) => void | Promise<void>;
  /**
   * Replaces the training step on each batch's rows (`labelledRows` for phases `on
   * labelled`); data-parallel training hands the rows to its replicas this way.
   */
  readonly step?: (rows: Int32Array, labelledRows: Int32Array | undefined) => Promise<Record<string, number>>;
  /** The first epoch to run (for resuming); epochs are counted from 0. */
  readonly initialEpoch?: number;
  /** Asked after every step; returning true ends training there (e.g. on Ctrl-C). */
  readonly shouldStop?: () => boolean;
}

function createOptimizer(spec: ModelDescription["phases"][number]["optimizer"]): tf.Optimizer {
  const p = spec.parameters;
  switch (spec.kind) {
    case "adam": return new FusedAdam(p.lr ?? 0.001, p.beta1 ?? 0.9, p.beta2 ?? 0.999, p.epsilon); // tf.train.adam's defaults
    case "sgd": return (p.momentum ?? 0) > 0 ? tf.train.momentum(p.lr!, p.momentum!) : tf.train.sgd(p.lr!);
    case "rmsprop": return tf.train.rmsprop(p.lr!, p.decay, p.momentum, p.epsilon);
  }
}

/**
 * The part of every generated model that does not depend on its maths: weights,
 * optimizers (one per phase), the phase loop, fitting, evaluation, save and load.
 */
export abstract class GeneratedModel<B extends Batch, F extends Forward<B>> {
  readonly random: Random;
  readonly weights: Weights;
  protected readonly priors: Readonly<Record<string, Prior>>;
  private readonly phases: Phase[];
  private steps = 0;

  protected constructor(readonly description: ModelDescription, options: ModelOptions = {}) {
    this.random = new Random(options.seed ?? 1);
    this.weights = new Weights(description.weights, this.random);
    this.priors = this.createPriors();
    this.phases = description.phases.map((p) => ({
      name: p.name,
      variables: this.weights.select(p.parameters),
      optimizer: createOptimizer(p.optimizer),
      subset: p.subset,
    }));
  }

  protected abstract createPriors(): Record<string, Prior>;
  protected abstract forward(batch: B, training: boolean): F;
  protected abstract readonly termFunctions: Readonly<Record<string, TermFunction<F>>>;

  /** Data variables a training batch carries, and those only labelled batches carry. */
  protected batchVariables(subset: "all" | "labelled"): string[] {
    return batchVariableNames(this.description, subset);
  }

  /** Runs one phase by name on a batch (for custom schedules, e.g. several discriminator steps per generator step). */
  async trainPhase(name: string, batch: B): Promise<Record<string, number>> {
    const index = this.description.phases.findIndex((p) => p.name === name);
    if (index < 0) throw new Error(`model ${this.description.name} has no phase ${JSON.stringify(name)}`);
    return readScalars(this.runPhaseAt(index, batch));
  }

  private runPhaseAt(index: number, input: B): TermValues {
    const { grads, terms, updates } = this.phaseGradientsByVariable(index, input);
    applyPhaseGradients(this.phases[index]!, grads, this.description.train.clipNorm);
    for (const { target, value } of updates) {
      target.assign(value);
      value.dispose();
    }
    return terms;
  }

  private phaseGradientsByVariable(index: number, input: B, scale = 1): { grads: tf.NamedTensorMap; terms: TermValues; updates: MovingUpdate[] } {
    const spec = this.description.phases[index]!;
    let updates: MovingUpdate[] = [];
    const { grads, terms } = phaseGradients(this.phases[index]!, () => {
      const f = this.forward(input, true);
      const terms: TermValues = {};
      let total: tf.Scalar | undefined;
      for (const { term, weight } of spec.terms) {
        const value = this.termFunctions[term]!(f);
        terms[term] = value;
        const weighted: tf.Scalar = weight === 1 ? value : tf.mul(value, weight);
        total = total ? (tf.add(total, weighted) as tf.Scalar) : weighted;
      }
      updates = f.movingUpdates;
      return { total: (scale === 1 ? total : tf.mul(total!, scale)) as tf.Scalar, terms };
    });
    return { grads, terms, updates };
  }

  /**
   * Data-parallel training, part one: phase `index`'s gradients on a batch, in the order of
   * its weights (`description.phases[index].parameters`), and its term values; nothing is
   * updated. `scale` multiplies the loss (not the terms): a replica passes its share of
   * the batch, so the replicas' gradients sum to the full batch's. The caller sums them
   * across replicas and calls `applyGradients`.
   */
  phaseGradients(index: number, input: B, scale = 1): { grads: tf.Tensor[]; terms: TermValues } {
    const { grads, terms, updates } = this.phaseGradientsByVariable(index, input, scale);
    if (updates.length > 0) {
      tf.dispose([...Object.values(grads), ...Object.values(terms), ...updates.map((u) => u.value)]);
      throw new Error("data-parallel training does not support layers with moving statistics (batchNorm): each replica would keep its own");
    }
    return { grads: this.phases[index]!.variables.map((v) => grads[v.name]!), terms };
  }

  /** Data-parallel training, part two: one update of phase `index` from (averaged) gradients in `phaseGradients` order; disposes them. */
  applyGradients(index: number, grads: readonly tf.Tensor[]): void {
    const phase = this.phases[index]!;
    if (grads.length !== phase.variables.length) throw new Error(`phase ${phase.name} has ${phase.variables.length} weights, but ${grads.length} gradients were given`);
    applyPhaseGradients(phase, Object.fromEntries(phase.variables.map((v, i) => [v.name, grads[i]!])), this.description.train.clipNorm);
  }

  /**
   * One training step: every phase in order, each minimising its weighted terms over
   * exactly its own weights with its own optimizer. `labelled` feeds the phases that run
   * `on labelled`. Resolves to each term's value (nats per example).
   */
  async trainStep(batch: B, labelled?: B): Promise<Record<string, number>> {
    const values: TermValues = {};
    this.steps++;
    for (const [index, spec] of this.description.phases.entries()) {
      const input = spec.subset === "labelled" ? labelled : batch;
      if (!input) throw new Error(`phase ${spec.name} runs on labelled examples: pass a labelled batch to trainStep`);
      const kept = this.runPhaseAt(index, input);
      for (const [id, value] of Object.entries(kept)) {
        if (values[id]) value.dispose();
        else values[id] = value;
      }
    }
    return readScalars(values);
  }

  /** Every named term of the loss graph on one batch, without updating anything. */
  async lossTerms(batch: B, labelled?: B): Promise<Record<string, number>> {
    const values = tf.tidy(() => {
      const out: TermValues = {};
      const f = this.forward(batch, false);
      const g = labelled ? this.forward(labelled, false) : undefined;
      for (const spec of this.description.phases) {
        const source = spec.subset === "labelled" ? g : f;
        if (!source) continue;
        for (const { term } of spec.terms) if (!out[term]) out[term] = this.termFunctions[term]!(source);
      }
      return out;
    });
    const numbers = await readScalars(values);
    const negativeElbo = this.description.negativeElbo;
    if (negativeElbo && negativeElbo.every((t) => t in numbers)) numbers.negativeElbo = negativeElbo.reduce((s, t) => s + numbers[t]!, 0);
    return numbers;
  }

  /** Trains on an in-memory data set; resolves to the mean of each term per epoch. */
  async fit(data: Dataset, options: FitOptions = {}): Promise<Record<string, number>[]> {
    const epochs = options.epochs ?? this.description.train.epochs;
    const batchSize = options.batchSize ?? this.description.train.batch;
    const names = this.batchVariables("all");
    const labelledNames = this.batchVariables("labelled");
    const needsLabelled = this.description.phases.some((p) => p.subset === "labelled");
    validateDataset(data, this.shapes(), needsLabelled ? labelledNames : names);
    const sampler = needsLabelled ? new SubsetSampler(data.labelled ?? new Int32Array(0), this.random) : undefined;
    const history: Record<string, number>[] = [];
    for (let epoch = options.initialEpoch ?? 0; epoch < epochs; epoch++) {
      const sums: Record<string, number> = {};
      let seen = 0;
      for (const rows of epochBatches(data.size, batchSize, this.random)) {
        if (options.shouldStop?.()) return history;
        const labelledRows = sampler?.next(batchSize);
        const terms = options.step ? await options.step(rows, labelledRows) : await this.stepOnRows(data, rows, labelledRows);
        checkFinite(terms, this.steps);
        for (const [id, v] of Object.entries(terms)) sums[id] = (sums[id] ?? 0) + v * rows.length;
        seen += rows.length;
        await options.onStep?.(this.steps, terms);
        // A step on the cpu or wasm backend never leaves the microtask queue; yielding lets
        // signals (Ctrl-C), timers and a browser page's events run between steps.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      const means = Object.fromEntries(Object.entries(sums).map(([id, s]) => [id, s / seen]));
      history.push(means);
      await options.onEpochEnd?.(epoch, means);
    }
    return history;
  }

  private async stepOnRows(data: Dataset, rows: Int32Array, labelledRows: Int32Array | undefined): Promise<Record<string, number>> {
    const batch = makeBatch(data, this.shapes(), this.batchVariables("all"), rows) as B;
    const labelled = labelledRows ? (makeBatch(data, this.shapes(), this.batchVariables("labelled"), labelledRows) as B) : undefined;
    try {
      return await this.trainStep(batch, labelled);
    } finally {
      tf.dispose(Object.values(batch));
      if (labelled) tf.dispose(Object.values(labelled));
    }
  }

  /** The mean of every term over a data set (and −ELBO where the model has one), without training. */
  async evaluate(data: Dataset, options: { batchSize?: number } = {}): Promise<Record<string, number>> {
    const batchSize = options.batchSize ?? this.description.train.batch;
    const names = this.batchVariables("all");
    const labelledNames = this.batchVariables("labelled");
    const canLabel = labelledNames.every((n) => n in data.columns);
    validateDataset(data, this.shapes(), canLabel ? labelledNames : names);
    const sums: Record<string, number> = {};
    let seen = 0;
    for (let start = 0; start < data.size; start += batchSize) {
      const rows = Int32Array.from({ length: Math.min(batchSize, data.size - start) }, (_, i) => start + i);
      const batch = makeBatch(data, this.shapes(), canLabel ? labelledNames : names, rows) as B;
      try {
        const terms = await this.lossTerms(batch, canLabel ? batch : undefined);
        for (const [id, v] of Object.entries(terms)) sums[id] = (sums[id] ?? 0) + v * rows.length;
      } finally {
        tf.dispose(Object.values(batch));
      }
      seen += rows.length;
    }
    return Object.fromEntries(Object.entries(sums).map(([id, s]) => [id, s / seen]));
  }

  protected shapes(): Record<string, readonly number[]> {
    return variableShapes(this.description);
  }

  private savedInfo(): SavedModelInfo {
    return { format: "aespec", model: this.description.name, layout: layoutFingerprint(this.description.weights) };
  }

  /**
   * Saves the weights: to a folder (model.json + weights.bin) given as a path in Node, or
   * through any tf.io handler or URL (`indexeddb://name`, `downloads://name`) in the browser.
   */
  async save(target: string | tf.io.IOHandler): Promise<void> {
    const artifacts = await weightsToArtifacts(this.weights, this.savedInfo());
    if (typeof target === "string" && !target.includes("://")) {
      (await nodeIO()).saveArtifactsToFolder(target, artifacts);
      return;
    }
    const handler = typeof target === "string" ? tf.io.getSaveHandlers(target)[0] : target;
    if (!handler?.save) throw new Error(`cannot save to ${String(target)}`);
    await handler.save(artifacts);
  }

  /** Loads weights saved by `save` (refusing weights of another model or layout). */
  async load(source: string | tf.io.IOHandler): Promise<void> {
    let artifacts: tf.io.ModelArtifacts | undefined;
    if (typeof source === "string" && !source.includes("://")) artifacts = (await nodeIO()).loadArtifactsFromFolder(source);
    else {
      // http(s) by name: bundlers may drop TF.js's router registrations (seen with Vite 8).
      const handler = typeof source !== "string" ? source : /^https?:\/\//.test(source) ? tf.io.http(source) : tf.io.getLoadHandlers(source)[0];
      if (!handler?.load) throw new Error(`cannot load from ${String(source)}`);
      artifacts = await handler.load();
    }
    assignFromArtifacts(this.weights, this.savedInfo(), artifacts);
  }

  /** n draws from a latent's prior (undefined if it has none), e.g. to plot codes against it. */
  priorSample(variable: string, n: number): tf.Tensor | undefined {
    return this.priors[variable]?.sample(n, this.random);
  }

  /**
   * Each phase's optimizer state (moments, step counts), keyed by phase and weight name,
   * for checkpoints. Every tensor returned is the caller's to dispose (the step counts are
   * new tensors each time; the moments are cheap clones).
   */
  async optimizerState(): Promise<tf.NamedTensorMap> {
    const state: tf.NamedTensorMap = {};
    for (const [index, phase] of this.phases.entries()) {
      for (const { name, tensor } of await phase.optimizer.getWeights()) {
        const owned = name === "iter" ? tensor : tensor.clone();
        state[`${this.description.phases[index]!.name}:${name.startsWith(this.weights.prefix) ? name.slice(this.weights.prefix.length) : name}`] = owned;
      }
    }
    return state;
  }

  /** Restores optimizer state saved by `optimizerState` (from any instance of the same model). */
  async setOptimizerState(state: tf.NamedTensorMap): Promise<void> {
    for (const [index, phase] of this.phases.entries()) {
      const prefix = `${this.description.phases[index]!.name}:`;
      const entries = Object.entries(state).filter(([key]) => key.startsWith(prefix));
      if (entries.length === 0) continue;
      await phase.optimizer.setWeights(entries.map(([key, tensor]) => {
        const name = key.slice(prefix.length);
        return { name: name === "iter" ? name : `${this.weights.prefix}${name}`, tensor };
      }));
    }
  }

  /** Training steps taken so far (restored with the optimizer state). */
  get stepCount(): number {
    return this.steps;
  }

  set stepCount(steps: number) {
    this.steps = steps;
  }

  /** Frees every tensor the model holds (weights, optimizer state). */
  dispose(): void {
    for (const phase of this.phases) phase.optimizer.dispose();
    this.weights.dispose();
  }
}

export { selectBackend, type BackendChoice };
