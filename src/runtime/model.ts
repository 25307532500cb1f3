import * as tf from "@tensorflow/tfjs";
import { type BackendChoice, selectBackend } from "./backend.js";
import { type Dataset, epochBatches, makeBatch, SubsetSampler } from "./data.js";
import { checkCount, checkDataset, checkTensors, ModelInputError, rowsWithin } from "./validate.js";
import { nodeIO } from "./environment.js";
import type { MovingUpdate } from "./layers.js";
import type { Prior } from "./priors.js";
import { Random } from "./random.js";
import { FusedAdam } from "./fusedAdam.js";
import { type Scalar, scalarValue, type TrainingClock } from "./schedules.js";
import { applyPhaseGradients, checkFinite, NonFiniteWeightsError, type Phase, phaseGradients, readScalars, type TermValues } from "./trainer.js";
import { assignFromArtifacts, layoutFingerprint, type SavedModelInfo, type WeightSpec, Weights, weightsToArtifacts } from "./weights.js";

export interface VariableDescription {
  readonly role: "data" | "latent";
  readonly type: "real" | "binary" | "onehot";
  readonly shape: readonly number[];
  readonly support: { readonly kind: "real" | "binary" | "onehot" } | { readonly kind: "interval"; readonly low: number; readonly high: number };
  readonly labelled?: number;
}

/** The rows a batch is drawn from: every training row, or those whose labels are known. */
export type Rows = "all" | "labelled";

/** One term of a phase's loss: its weight and the rows it is a mean over. */
export interface PhaseTerm {
  readonly term: string;
  /** A number, or a schedule evaluated at every step (schedules.ts). */
  readonly weight: Scalar;
  /** A mean over a batch of labelled rows (`on labelled`, M2's labelled terms); absent: over every row. */
  readonly rows?: "labelled";
  /** The weight is multiplied by the model's `labelledFraction` (N_l/N), so the term counts per training row. */
  readonly byLabelledFraction?: true;
}

/** One training phase as the runtime sees it: weighted terms, the networks it updates, its optimizer. */
export interface PhaseDescription {
  readonly name: string;
  readonly terms: readonly PhaseTerm[];
  /** The networks whose trainable weights this phase's optimizer updates, and only those. */
  readonly updates: readonly string[];
  readonly optimizer: { readonly kind: "adam" | "sgd" | "rmsprop"; readonly parameters: Readonly<Record<string, number>> };
}

/** The rows a phase's terms read, in the order its terms first read them. */
export function phaseRows(phase: PhaseDescription): Rows[] {
  return [...new Set(phase.terms.map((t) => t.rows ?? "all"))];
}

/** Whether any phase reads labelled rows (training then needs a labelled batch each step). */
export function readsLabelled(description: ModelDescription): boolean {
  return description.phases.some((p) => phaseRows(p).includes("labelled"));
}

/** What a generated module tells the runtime about its model: the IR's projection (`runtimeDescription`). */
export interface ModelDescription {
  readonly name: string;
  readonly variables: Readonly<Record<string, VariableDescription>>;
  /** Each network's weights in order, by network name: the names checkpoints use. */
  readonly networks: Readonly<Record<string, readonly WeightSpec[]>>;
  /** `capacity`: the term is scored as |value − C| (`abs(term - C)`), C a number or a schedule. */
  readonly terms: Readonly<Record<string, { readonly formula: string; readonly estimator: string; readonly capacity?: Scalar }>>;
  readonly phases: readonly PhaseDescription[];
  readonly train: { readonly batch: number; readonly epochs: number; readonly clipNorm?: number };
  /** The terms whose sum is −ELBO (β = 1), for models with a variational bound. */
  readonly negativeElbo?: readonly string[];
  /** The most values one example occupies in any layer: bounds the rows one call may hold on the backend. */
  readonly widest: number;
}

/** Every weight of the model, network by network. */
export function modelWeights(description: ModelDescription): WeightSpec[] {
  return Object.values(description.networks).flat();
}

/** Moving averages (batch-norm statistics, an EMA codebook): state each data-parallel replica would keep on its own. */
export function hasMovingStatistics(description: ModelDescription): boolean {
  return modelWeights(description).some((w) => !w.trainable);
}

/** The weights a phase updates, in order: its networks' trainable weights. */
export function phaseParameters(description: ModelDescription, phase: PhaseDescription): string[] {
  return phase.updates.flatMap((n) => description.networks[n]!.filter((w) => w.trainable).map((w) => w.name));
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
    /** Where training is, for values that follow a schedule (a relaxed categorical's temperature). */
    readonly clock: TrainingClock,
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

/** Keys of the weight-health scalars read with a step's terms (no term id starts with a space). */
const healthPrefix = " weights of ";

/** The rows one replica trains on in a step, and their share of the whole batch (1 on one thread). */
export interface StepRows {
  readonly rows: Int32Array;
  readonly share: number;
  /** Rows for the terms on labelled rows, when the model has such terms. */
  readonly labelledRows?: Int32Array;
  readonly labelledShare?: number;
}

/**
 * Where a step's gradients go before they are applied. On one thread there is no exchange;
 * data-parallel training (src/runner/parallel.ts) plugs one in that hands the other replicas
 * their rows and sums every replica's gradients, so the phase loop itself exists once.
 */
export interface GradientExchange {
  /** Called once per step with the batch's rows: starts the other replicas, returns this replica's part. */
  begin(rows: Int32Array, labelledRows: Int32Array | undefined): StepRows;
  /**
   * Phase `index`'s gradients of this replica's share-scaled loss (in the phase's weight
   * order) and its term values; returns the batch's gradients and term values.
   */
  reduce(index: number, grads: tf.Tensor[], terms: TermValues): Promise<{ grads: tf.Tensor[]; terms: Record<string, number> }>;
}

export interface FitOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Called after every step with each term's value (nats per example). */
  readonly onStep?: (step: number, terms: Record<string, number>) => void | Promise<void>;
  /** Called after every epoch with the mean of each term over the epoch. */
  readonly onEpochEnd?: (epoch: number, terms: Record<string, number>) => void | Promise<void>;
  /** Data-parallel training: how gradients are exchanged between replicas. */
  readonly exchange?: GradientExchange;
  /** The first epoch to run (for resuming); epochs are counted from 0. */
  readonly initialEpoch?: number;
  /** Asked after every step; returning true ends training there (e.g. on Ctrl-C). */
  readonly shouldStop?: () => boolean;
  /**
   * Resuming inside `initialEpoch` (a run stopped by `shouldStop`): the random stream's
   * position at that epoch's start, from which its batch order is drawn again; the steps
   * of it already done, which are skipped; and the running sums of its terms (weighted by
   * rows) over the `seen` rows of those steps. The stream then continues from where it is.
   */
  readonly initialStep?: { readonly epochRandom: number; readonly steps: number; readonly sums: Readonly<Record<string, number>>; readonly seen: number };
}

function createOptimizer(spec: PhaseDescription["optimizer"]): tf.Optimizer {
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
export abstract class GeneratedModel<B extends Batch, F extends Forward<Partial<B>>> {
  readonly random: Random;
  readonly weights: Weights;
  protected readonly priors: Readonly<Record<string, Prior>>;
  private readonly phases: Phase[];
  private steps = 0;
  /** Training steps per epoch, for schedules counted in epochs: set by fit (set it before calling trainStep on your own). */
  stepsPerEpoch?: number;
  /**
   * N_l/N, the fraction of training rows whose labels are known, for terms weighted by it
   * (M2's labelled bound): set by fit (set it before calling trainStep on your own).
   */
  labelledFraction?: number;

  protected constructor(readonly description: ModelDescription, options: ModelOptions = {}) {
    this.random = new Random(options.seed ?? 1);
    this.weights = new Weights(modelWeights(description), this.random);
    this.priors = this.createPriors();
    this.phases = description.phases.map((p) => ({
      name: p.name,
      variables: this.weights.select(phaseParameters(description, p)),
      optimizer: createOptimizer(p.optimizer),
    }));
  }

  protected abstract createPriors(): Record<string, Prior>;
  /** The step's values; `clock` defaults to the steps done so far (what encode, sample and evaluation see). */
  protected abstract forward(batch: Partial<B>, training: boolean, clock?: TrainingClock): F;
  protected abstract readonly termFunctions: Readonly<Record<string, TermFunction<F>>>;

  /**
   * Figures evaluation reports beside the terms, computed on the batch's forward pass
   * (a quantised latent's codebook usage); none unless the generated model has some.
   */
  protected statistics(_f: F): TermValues {
    return {};
  }

  /** Data variables a training batch carries, and those only labelled batches carry. */
  protected batchVariables(subset: Rows): string[] {
    return batchVariableNames(this.description, subset);
  }

  /**
   * Runs one phase by name on a batch (for custom schedules, e.g. several discriminator
   * steps per generator step): a batch of labelled rows for a phase `on labelled`. A phase
   * whose terms read both kinds of rows (M2's) needs both batches: use trainStep.
   */
  async trainPhase(name: string, batch: B): Promise<Record<string, number>> {
    const index = this.description.phases.findIndex((p) => p.name === name);
    if (index < 0) throw new ModelInputError("trainPhase", "name", `one of the phases ${this.description.phases.map((p) => JSON.stringify(p.name)).join(", ")}`, JSON.stringify(name));
    const rows = phaseRows(this.description.phases[index]!);
    if (rows.length > 1) throw new ModelInputError("trainPhase", "name", "a phase whose terms read one kind of rows (this one reads labelled and unlabelled batches: use trainStep)", JSON.stringify(name));
    this.checkBatch("trainPhase", "batch", batch, rows[0]!);
    const { grads, terms, updates } = this.phaseGradients(index, { [rows[0]!]: batch }, { all: 1, labelled: 1 }, this.clock(this.steps));
    this.applyPhase(index, grads, updates);
    return readScalars(terms);
  }

  /**
   * Phase `index`'s gradients, in the order of its weights, and its term values; nothing is
   * updated. Each term is a mean over the batch of its rows (`inputs`); `shares` multiply
   * the loss (not the terms): a replica passes its share of each batch, so the replicas'
   * gradients sum to the full batches'. A term whose rows' share is 0 (an empty shard) is 0.
   */
  private phaseGradients(index: number, inputs: Partial<Record<Rows, Partial<B>>>, shares: Readonly<Record<Rows, number>>, clock: TrainingClock): { grads: (tf.Tensor | undefined)[]; terms: TermValues; updates: MovingUpdate[] } {
    const spec = this.description.phases[index]!;
    const phase = this.phases[index]!;
    let updates: MovingUpdate[] = [];
    const { grads, terms } = phaseGradients(phase, () => {
      const forwards: Partial<Record<Rows, F>> = {};
      const terms: TermValues = {};
      const totals: Partial<Record<Rows, tf.Scalar>> = {};
      for (const t of spec.terms) {
        const rows = t.rows ?? "all";
        if (shares[rows] === 0) {
          terms[t.term] = tf.scalar(0);
          continue;
        }
        const f = (forwards[rows] ??= this.forward(inputs[rows]!, true, clock));
        const value = this.termValue(t.term, f, clock);
        terms[t.term] = value;
        const w = this.termWeight(spec, t, clock);
        const weighted: tf.Scalar = w === 1 ? value : tf.mul(value, w);
        const sum = totals[rows];
        totals[rows] = sum ? (tf.add(sum, weighted) as tf.Scalar) : weighted;
      }
      updates = Object.values(forwards).flatMap((f) => f!.movingUpdates);
      let total: tf.Scalar | undefined;
      for (const [rows, sum] of Object.entries(totals) as [Rows, tf.Scalar][]) {
        const scaled: tf.Scalar = shares[rows] === 1 ? sum : tf.mul(sum, shares[rows]);
        total = total ? (tf.add(total, scaled) as tf.Scalar) : scaled;
      }
      return { total: total!, terms };
    });
    // A weight the phase's loss does not reach (the classifier phase and the decoder's code head) has no gradient.
    return { grads: phase.variables.map((v) => grads[v.name]), terms, updates };
  }

  /** A phase term's weight at the clock: its number or schedule, times N_l/N when it asks for it. */
  private termWeight(phase: PhaseDescription, t: PhaseTerm, clock: TrainingClock): number {
    const w = scalarValue(t.weight, clock);
    if (!t.byLabelledFraction) return w;
    const fraction = this.labelledFraction;
    if (fraction === undefined || !(fraction > 0 && fraction <= 1)) {
      throw new Error(`phase ${phase.name} weighs \`${t.term}\` by the fraction of training rows whose labels are known, found ${String(fraction)}: fit() sets it; set model.labelledFraction (N_l/N) before calling trainStep directly`);
    }
    return w * fraction;
  }

  /** Where training is: the steps done (before the one being taken, while training). */
  private clock(step: number): TrainingClock {
    return this.stepsPerEpoch === undefined ? { step } : { step, stepsPerEpoch: this.stepsPerEpoch };
  }

  /** The clock after the steps done so far: the next step's. */
  protected trainingClock(): TrainingClock {
    return this.clock(this.steps);
  }

  /** A term's value: its function's, or |value − C| for `abs(term - C)`. */
  private termValue(term: string, f: F, clock: TrainingClock): tf.Scalar {
    const value = this.termFunctions[term]!(f);
    const capacity = this.description.terms[term]?.capacity;
    return capacity === undefined ? value : tf.tidy(() => tf.abs(tf.sub(value, scalarValue(capacity, clock))) as tf.Scalar);
  }

  /**
   * The value every schedule has after the steps done so far (the one the next step uses,
   * and evaluation): term weights as `phase/term`, capacities as `term/capacity`. Recorded
   * per epoch in history.json; empty for a model without schedules.
   */
  scheduleValues(): Record<string, number> {
    const clock = this.clock(this.steps);
    const values: Record<string, number> = {};
    for (const phase of this.description.phases) {
      for (const { term, weight } of phase.terms) if (typeof weight !== "number") values[`${phase.name}/${term}`] = scalarValue(weight, clock);
    }
    for (const [id, term] of Object.entries(this.description.terms)) if (term.capacity !== undefined && typeof term.capacity !== "number") values[`${id}/capacity`] = scalarValue(term.capacity, clock);
    return values;
  }

  /** Zero gradients and terms of phase `index`: an empty shard's part of a step. */
  private nothing(index: number): { grads: tf.Tensor[]; terms: TermValues; updates: MovingUpdate[] } {
    const terms = Object.fromEntries(this.description.phases[index]!.terms.map(({ term }) => [term, tf.scalar(0)]));
    return { grads: this.phases[index]!.variables.map((v) => tf.zerosLike(v)), terms, updates: [] };
  }

  /**
   * One optimizer update of phase `index` from gradients in its weight order (disposed; a
   * weight without one is left alone, as TF.js optimizers do), then its batch-norm moving averages.
   */
  private applyPhase(index: number, grads: readonly (tf.Tensor | undefined)[], updates: readonly MovingUpdate[]): void {
    const phase = this.phases[index]!;
    if (grads.length !== phase.variables.length) throw new Error(`phase ${phase.name} has ${phase.variables.length} weights, but ${grads.length} gradients were given`);
    const named = phase.variables.flatMap((v, i) => (grads[i] ? [[v.name, grads[i]] as const] : []));
    applyPhaseGradients(phase, Object.fromEntries(named), this.description.train.clipNorm);
    for (const { target, value } of updates) {
      target.assign(value);
      value.dispose();
    }
  }

  /**
   * One training step: every phase in order, each minimising its weighted terms over
   * exactly its own weights with its own optimizer. `labelled` feeds the phases that run
   * `on labelled`. With an exchange, this replica's loss is scaled by its share and the
   * gradients applied are the sum over replicas. Resolves to each term's value (nats per example).
   */
  async trainStep(batch: B, labelled?: B): Promise<Record<string, number>> {
    this.checkBatch("trainStep", "batch", batch, "all");
    if (labelled !== undefined) this.checkBatch("trainStep", "labelled", labelled, "labelled");
    else if (readsLabelled(this.description)) {
      throw new ModelInputError("trainStep", "labelled", "a batch of labelled examples, for the terms on labelled examples", "undefined");
    }
    return this.step(batch, labelled);
  }

  /** Checks the inputs of encode and decode: one tensor per named variable, at most as many rows as `widest` values per row allow. */
  protected checkInputs(method: string, inputs: unknown, names: readonly string[], widest: number): number {
    return checkTensors(method, "inputs", inputs, this.description.variables, names, rowsWithin(widest));
  }

  /** Checks a batch for a public method: one tensor per data variable the subset's batches carry. */
  protected checkBatch(method: string, argument: string, batch: unknown, subset: Rows): number {
    return checkTensors(method, argument, batch, this.description.variables, this.batchVariables(subset), this.maxRows);
  }

  /** The most rows one call may hold on the backend (the wasm heap traps beyond, breaking every later call). */
  protected get maxRows(): number {
    return rowsWithin(this.description.widest);
  }

  private async step(batch: B, labelled?: B, replica?: { exchange: GradientExchange; share: number; labelledShare?: number }): Promise<Record<string, number>> {
    const kept: TermValues = {};
    const exchanged: Record<string, number> = {};
    this.steps++;
    const shares = { all: replica ? replica.share : 1, labelled: replica ? (replica.labelledShare ?? 0) : 1 };
    for (const [index, spec] of this.description.phases.entries()) {
      const rows = phaseRows(spec);
      if (rows.includes("labelled") && !labelled) throw new Error(`phase ${spec.name} has terms on labelled examples: pass a labelled batch to trainStep`);
      // A replica whose shards are empty (a last batch smaller than the replicas) adds nothing: zeros, not 0 × NaN.
      // The clock of the step being taken: the steps done before it.
      const { grads, terms, updates } = rows.every((r) => shares[r] === 0) ? this.nothing(index) : this.phaseGradients(index, { all: batch, ...(labelled ? { labelled } : {}) }, shares, this.clock(this.steps - 1));
      if (!replica) {
        this.applyPhase(index, grads, updates);
        for (const [id, value] of Object.entries(terms)) {
          if (kept[id]) value.dispose();
          else kept[id] = value;
        }
        continue;
      }
      if (updates.length > 0) {
        tf.dispose([...grads.filter((g) => g !== undefined), ...Object.values(terms), ...updates.map((u) => u.value)]);
        throw new Error("data-parallel training does not support moving averages (batchNorm's statistics, an EMA codebook): each replica would keep its own");
      }
      // Replicas exchange zeros for weights the loss does not reach, then leave those weights alone, as one thread does.
      const reached = grads.map((g) => g !== undefined);
      const reduced = await replica.exchange.reduce(index, grads.map((g, i) => g ?? tf.zeros(this.phases[index]!.variables[i]!.shape)), terms);
      this.applyPhase(index, reduced.grads.map((g, i) => (reached[i] ? g : void g.dispose())), []);
      for (const [id, value] of Object.entries(reduced.terms)) exchanged[id] ??= value;
    }
    const health = this.weightHealth();
    const values = await readScalars({ ...(replica ? {} : kept), ...health });
    const broken = Object.keys(health).filter((key) => !Number.isFinite(values[key]));
    const termsFinite = Object.keys(kept).every((id) => Number.isFinite(values[id])) && Object.values(exchanged).every(Number.isFinite);
    // A non-finite loss is the earlier cause: fit reports it (NonFiniteLossError) rather than the weights it broke.
    if (broken.length > 0 && termsFinite) {
      const networks = broken.map((key) => key.slice(healthPrefix.length));
      const phases = this.description.phases.filter((p) => p.updates.some((n) => networks.includes(n)));
      throw new NonFiniteWeightsError(networks, phases.map((p) => ({ name: p.name, optimizer: p.optimizer })), this.steps);
    }
    return replica ? exchanged : Object.fromEntries(Object.keys(kept).map((id) => [id, values[id]!]));
  }

  /**
   * One scalar per network that a phase updates: the sum of its weights, which is finite
   * unless a weight is NaN or infinite (or they are so large that their sum overflows,
   * which is as broken). Read with the step's terms in one transfer.
   */
  private weightHealth(): TermValues {
    const updated = [...new Set(this.description.phases.flatMap((p) => p.updates))];
    return tf.tidy(() => Object.fromEntries(updated.map((n) => {
      const weights = this.description.networks[n]!.filter((w) => w.trainable).map((w) => tf.sum(this.weights.get(w.name)));
      return [`${healthPrefix}${n}`, (weights.length === 1 ? weights[0]! : tf.addN(weights)) as tf.Scalar];
    })));
  }

  /**
   * One step on rows of a data set: their batches (labelled rows too, for terms on
   * labelled rows), then the phase loop. For trainers (fit, data-parallel replicas), which
   * have checked the data set once: the rows are not checked again here.
   */
  async trainOnRows(data: Dataset, part: StepRows, exchange?: GradientExchange): Promise<Record<string, number>> {
    const batch = makeBatch(data, this.shapes(), this.batchVariables("all"), part.rows) as B;
    const labelled = part.labelledRows ? (makeBatch(data, this.shapes(), this.batchVariables("labelled"), part.labelledRows) as B) : undefined;
    try {
      return await this.step(batch, labelled, exchange ? { exchange, share: part.share, ...(part.labelledShare !== undefined ? { labelledShare: part.labelledShare } : {}) } : undefined);
    } finally {
      tf.dispose(Object.values(batch));
      if (labelled) tf.dispose(Object.values(labelled));
    }
  }

  /** Every named term of the loss graph on one batch, without updating anything. */
  async lossTerms(batch: B, labelled?: B): Promise<Record<string, number>> {
    this.checkBatch("lossTerms", "batch", batch, "all");
    if (labelled !== undefined) this.checkBatch("lossTerms", "labelled", labelled, "labelled");
    return this.termValues(batch, labelled);
  }

  private async termValues(batch: B, labelled?: B): Promise<Record<string, number>> {
    const values = tf.tidy(() => {
      const out: TermValues = {};
      const f = this.forward(batch, false);
      const g = labelled ? this.forward(labelled, false) : undefined;
      const clock = this.clock(this.steps);
      for (const spec of this.description.phases) {
        for (const { term, rows } of spec.terms) {
          const source = rows === "labelled" ? g : f;
          if (source && !out[term]) out[term] = this.termValue(term, source, clock);
        }
      }
      return { ...out, ...this.statistics(f) };
    });
    const numbers = await readScalars(values);
    const negativeElbo = this.description.negativeElbo;
    if (negativeElbo && negativeElbo.every((t) => t in numbers)) numbers.negativeElbo = negativeElbo.reduce((s, t) => s + numbers[t]!, 0);
    return numbers;
  }

  /** Trains on an in-memory data set, epoch by epoch; resolves to the mean of each term per epoch. */
  async fit(data: Dataset, options: FitOptions = {}): Promise<Record<string, number>[]> {
    const epochs = checkCount("fit", "options.epochs", options.epochs ?? this.description.train.epochs, 0, 1e6);
    const batchSize = checkCount("fit", "options.batchSize", options.batchSize ?? this.description.train.batch, 1, this.maxRows);
    checkCount("fit", "options.initialEpoch", options.initialEpoch ?? 0, 0, epochs);
    const needsLabelled = readsLabelled(this.description);
    checkDataset("fit", data, this.description.variables, this.batchVariables(needsLabelled ? "labelled" : "all"));
    if (needsLabelled && !data.labelled?.length) throw new ModelInputError("fit", "data.labelled", "the rows whose labels are known (terms on labelled examples)", "none");
    this.stepsPerEpoch = Math.ceil(data.size / batchSize);
    if (needsLabelled) this.labelledFraction = data.labelled!.length / data.size;
    const history: Record<string, number>[] = [];
    for (let epoch = options.initialEpoch ?? 0; epoch < epochs; epoch++) {
      // Before the epoch draws anything: a stop here leaves the stream at the epoch boundary.
      if (options.shouldStop?.()) return history;
      // initialStep: resuming inside this epoch (see FitOptions).
      const resumed = epoch === (options.initialEpoch ?? 0) ? options.initialStep : undefined;
      const current = this.random.position;
      if (resumed) this.random.position = resumed.epochRandom;
      // A fresh sampler each epoch, on a stream of its own seeded at the epoch's start: skipping
      // the steps of a resumed epoch replays its labelled batches exactly, whatever the steps drew.
      const sampler = needsLabelled ? new SubsetSampler(data.labelled ?? new Int32Array(0), new Random(this.random.seed())) : undefined;
      const sums: Record<string, number> = { ...resumed?.sums };
      let seen = resumed?.seen ?? 0;
      let skip = resumed?.steps ?? 0;
      let restore = resumed !== undefined;
      for (const rows of epochBatches(data.size, batchSize, this.random)) {
        if (skip > 0) {
          // Done before the interruption: draw its labelled rows as the step did, train nothing.
          sampler?.next(batchSize);
          skip--;
          continue;
        }
        if (restore) [this.random.position, restore] = [current, false];
        if (options.shouldStop?.()) return history;
        const labelledRows = sampler?.next(batchSize);
        const part = options.exchange ? options.exchange.begin(rows, labelledRows) : { rows, share: 1, ...(labelledRows ? { labelledRows, labelledShare: 1 } : {}) };
        const terms = await this.trainOnRows(data, part, options.exchange);
        checkFinite(terms, this.steps);
        for (const [id, v] of Object.entries(terms)) sums[id] = (sums[id] ?? 0) + v * rows.length;
        seen += rows.length;
        await options.onStep?.(this.steps, terms);
        // A step on the cpu or wasm backend never leaves the microtask queue; yielding lets
        // signals (Ctrl-C), timers and a browser page's events run between steps.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      if (restore) this.random.position = current; // every step of the epoch was done before the interruption
      const means = Object.fromEntries(Object.entries(sums).map(([id, s]) => [id, s / seen]));
      history.push(means);
      await options.onEpochEnd?.(epoch, means);
    }
    return history;
  }

  /** The mean of every term over a data set (and −ELBO where the model has one), without training. */
  async evaluate(data: Dataset, options: { batchSize?: number } = {}): Promise<Record<string, number>> {
    const batchSize = checkCount("evaluate", "options.batchSize", options.batchSize ?? this.description.train.batch, 1, this.maxRows);
    const names = this.batchVariables("all");
    const labelledNames = this.batchVariables("labelled");
    const columns = (data as Partial<Dataset> | null)?.columns;
    const canLabel = typeof columns === "object" && columns !== null && labelledNames.every((n) => n in columns);
    checkDataset("evaluate", data, this.description.variables, canLabel ? labelledNames : names);
    const sums: Record<string, number> = {};
    let seen = 0;
    for (let start = 0; start < data.size; start += batchSize) {
      const rows = Int32Array.from({ length: Math.min(batchSize, data.size - start) }, (_, i) => start + i);
      const batch = makeBatch(data, this.shapes(), canLabel ? labelledNames : names, rows) as B;
      try {
        const terms = await this.termValues(batch, canLabel ? batch : undefined);
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
    return { format: "aespec", model: this.description.name, layout: layoutFingerprint(modelWeights(this.description)) };
  }

  /**
   * Saves the weights: to a folder (model.json + weights.bin) given as a path in Node, or
   * through any tf.io handler or URL (`indexeddb://name`, `downloads://name`) in the browser.
   */
  async save(target: string | tf.io.IOHandler): Promise<void> {
    if (typeof target !== "string" && typeof (target as tf.io.IOHandler | null)?.save !== "function") throw new ModelInputError("save", "target", "a folder path, a URL such as indexeddb://name, or a tf.io handler with save()", typeof target);
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
    if (typeof source !== "string" && typeof (source as tf.io.IOHandler | null)?.load !== "function") throw new ModelInputError("load", "source", "a folder path, a URL, or a tf.io handler with load()", typeof source);
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
    checkCount("priorSample", "n", n);
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
