import type { Scalar, Schedule } from "../language/schedules.js";
import type * as A from "../syntax/ast.js";
import type {
  Activation, CorruptionKind, FlowKind, LayerKind, LossTermKind, ObjectiveName, OptimizerKind, OutputKind, PriorName, VariableType,
} from "../language/vocabulary.js";

/**
 * The checked model: what the checker has proved about a spec, with every name resolved
 * and every shape known. Lowering turns it into the IR (plain JSON) for code generators.
 */

export type Support =
  | { readonly kind: "real" }
  | { readonly kind: "interval"; readonly low: number; readonly high: number }
  | { readonly kind: "binary" }
  | { readonly kind: "onehot" };

export interface VariableInfo {
  readonly name: string;
  readonly role: "data" | "latent";
  readonly type: VariableType;
  readonly shape: readonly number[];
  readonly size: number;
  readonly support: Support;
  /** Labels known for this many training examples only (semi-supervised). */
  readonly labelled?: number;
  readonly declaration: A.VariableDeclaration;
}

export type ArgumentValue = number | string;

export interface PriorInfo {
  readonly variable: string;
  readonly given: readonly string[];
  readonly distribution: PriorName;
  readonly parameters: Readonly<Record<string, ArgumentValue>>;
  readonly density: boolean;
  readonly declaration: A.PriorDeclaration;
}

export interface LayerInfo {
  /** A builtin layer, or a residual block (its layers in `inner`). */
  readonly kind: LayerKind | "residual";
  readonly inner?: readonly LayerInfo[];
  readonly arguments: Readonly<Record<string, ArgumentValue | readonly number[]>>;
  readonly activation: Activation;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly parameters: number;
  readonly span: A.Call["span"];
}

export interface HeadInfo {
  readonly name: string;
  readonly layers: readonly LayerInfo[];
  readonly outputShape: readonly number[];
  readonly span: A.Call["span"];
}

/**
 * Where a distribution parameter comes from: a named head, the trunk's last layer, a
 * constant (`sigma = 0.1`), or a learned weight of the network (`logvar = learned`: one
 * per dimension; `learned(shared)`: one scalar).
 */
export type ParameterSource = { readonly head: string } | { readonly trunk: true } | { readonly constant: number } | { readonly learned: "each" | "shared" };

/** A normalising flow after a Normal posterior (`then planar(steps = 8)`, `then iaf(steps = 2, hidden = 320)`). */
export interface FlowInfo {
  readonly kind: FlowKind;
  readonly steps: number;
  /** Units of each IAF step's masked hidden layer. */
  readonly hidden?: number;
}

export interface NetworkOutput {
  readonly variable: string;
  readonly distribution: OutputKind;
  readonly parameters: Readonly<Record<string, ParameterSource>>;
  readonly flow?: FlowInfo;
  /** A VectorQuantize output: K codebook vectors as wide as the latent's last dimension, the commitment weight β, and the decay of an EMA codebook. */
  readonly codebook?: { readonly codes: number; readonly beta: number; readonly ema?: number };
  /** Resolved options: the bins of a discretized likelihood, a mixture's components. */
  readonly options?: Readonly<Record<string, number>>;
  /** A RelaxedCategorical's temperature: a number or a schedule. */
  readonly temperature?: Scalar;
}

export interface NetworkInfo {
  readonly name: string;
  readonly role: A.NetworkRole;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly inputShape: readonly number[];
  readonly trunk: readonly LayerInfo[];
  readonly heads: readonly HeadInfo[];
  readonly distributions: readonly NetworkOutput[];
  readonly parameterCount: number;
  readonly declaration: A.NetworkDeclaration;
  /** An encoder of a partially labelled data variable (M2's q(y | x)): networks reading that variable read the data, not this encoder. */
  readonly infersLabel?: boolean;
}

export interface CorruptionInfo {
  readonly variable: string;
  readonly kind: CorruptionKind;
  /** Every corruption parameter is a number (a rate, a noise level, a value). */
  readonly parameters: Readonly<Record<string, number>>;
  readonly declaration: A.CorruptionDeclaration;
}

export interface OptimizerInfo {
  readonly kind: OptimizerKind;
  readonly parameters: Readonly<Record<string, number>>;
}

/** Where the samples a discriminator judges come from. */
export type SampleSource =
  | { readonly kind: "prior"; readonly variable: string }
  | { readonly kind: "network"; readonly network: string; readonly variable: string }
  | { readonly kind: "data"; readonly variable: string }
  /** An encoder's codes with each dimension shuffled across the batch on its own: samples of Πⱼ q(zⱼ) (FactorVAE). */
  | { readonly kind: "permuted"; readonly network: string; readonly variable: string };

export type GanDiscriminatorLoss = "logistic" | "leastSquares" | "hinge";
export type GanGeneratorLoss = "nonsaturating" | "minimax" | "leastSquares" | "hinge";
export type MmdKernel = "imq" | "rbf";

/** `exact`: a VectorQuantize latent under a uniform Codebook prior, whose KL is the constant positions · log K. */
/** `analytic-categorical`: a RelaxedCategorical posterior, whose KL is that of its underlying Categorical against the uniform prior (Jang et al. 2017). */
export type KlEstimator = "analytic" | "monte-carlo" | "exact" | "analytic-categorical";

/** A term may be scored as |value − target| (`abs(term - C)`, Burgess et al.'s capacity). */
export type LossTerm = { readonly capacity?: Scalar } & (
  | { readonly kind: "nll"; readonly id: string; readonly network: string; readonly variable: string; readonly target: string }
  /** `prior`: the prior network the KL is taken against (a hierarchical VAE's p1(z1 | z2)); absent for the latent's fixed prior. */
  | { readonly kind: "kl"; readonly id: string; readonly network: string; readonly variable: string; readonly estimator: KlEstimator; readonly prior?: string }
  | { readonly kind: "iwae"; readonly id: string; readonly k: number; readonly encoder: string; readonly decoder: string; readonly latent: string; readonly data: string }
  | { readonly kind: "gan_d"; readonly id: string; readonly discriminator: string; readonly real: SampleSource; readonly fake: SampleSource; readonly loss: GanDiscriminatorLoss }
  | { readonly kind: "gan_g"; readonly id: string; readonly discriminator: string; readonly fake: SampleSource; readonly loss: GanGeneratorLoss }
  | { readonly kind: "contractive"; readonly id: string; readonly network: string; readonly variable: string; readonly input: string }
  | { readonly kind: "mmd"; readonly id: string; readonly network: string; readonly variable: string; readonly kernel: MmdKernel; readonly scale: number }
  /** Total correlation: over the batch, or (with `discriminator`) by its density ratio. */
  | { readonly kind: "tc"; readonly id: string; readonly network: string; readonly variable: string; readonly discriminator?: string }
  | { readonly kind: "mi" | "dwkl" | "l2"; readonly id: string; readonly network: string; readonly variable: string }
  | { readonly kind: "weightDecay" | "gradientPenalty"; readonly id: string; readonly network: string }
  | { readonly kind: "vq"; readonly id: string; readonly network: string; readonly variable: string; readonly beta: number }
  /**
   * Σ_y q(y | x)·(−ELBO(x, y)) − H(q(y | x)) for a partially labelled onehot y: `network` is
   * q(y | x); `encoders` (in the order they are evaluated) and `decoders` run once per class.
   */
  | { readonly kind: "enumerate"; readonly id: string; readonly network: string; readonly variable: string; readonly classes: number; readonly encoders: readonly string[]; readonly decoders: readonly string[] }
);

export interface WeightedTerm {
  readonly term: string;
  /** A number, or a schedule over training (src/language/schedules.ts). */
  readonly weight: Scalar;
  /** The term is a mean over the labelled rows (a phase `on labelled`, M2's labelled terms); absent: over every row. */
  readonly rows?: "labelled";
  /**
   * The weight is also multiplied by N_l/N, the fraction of training rows whose labels are
   * known, so a labelled term counts per training row as the other terms of its phase do
   * (M2's objective sums its bounds over the whole data set).
   */
  readonly byLabelledFraction?: true;
}

export interface PhaseInfo {
  readonly name: string;
  readonly terms: readonly WeightedTerm[];
  readonly updates: readonly string[];
  readonly optimizer: OptimizerInfo;
  /** Absent for phases a preset objective expands into. */
  readonly declaration?: A.PhaseDeclaration;
}

export interface TrainInfo {
  readonly batch: number;
  readonly epochs: number;
  readonly clipNorm?: number;
}

export interface ObjectiveInfo {
  /** A preset, or `phases` for a model whose train block spells its phases out. */
  readonly kind: ObjectiveName | "phases";
  readonly parameters: Readonly<Record<string, ArgumentValue | Schedule>>;
}

export interface CheckedModel {
  readonly name: string;
  readonly variables: readonly VariableInfo[];
  readonly priors: readonly PriorInfo[];
  readonly networks: readonly NetworkInfo[];
  readonly corruptions: readonly CorruptionInfo[];
  readonly objective: ObjectiveInfo;
  readonly terms: readonly LossTerm[];
  readonly phases: readonly PhaseInfo[];
  readonly train: TrainInfo;
}

export type { LossTermKind };

/** A loss term before it has an id. */
export type UnidentifiedTerm = LossTerm extends infer T ? (T extends LossTerm ? Omit<T, "id"> : never) : never;
