/**
 * The model IR: the checked model as plain JSON, the only input of code generators.
 * Everything a backend needs is explicit here (shapes, weights, which parameters each
 * phase updates), so a new target never re-derives what the checker proved.
 * Validated against `irSchema` (schema.ts) before every code generation.
 */

import type { Scalar, Schedule } from "../language/schedules.js";
import type { Activation, CorruptionKind, FlowKind, LayerKind, OutputKind, ObjectiveName, OptimizerKind, PriorName, VariableType } from "../language/vocabulary.js";

export const irVersion = 2;

/** A number that follows a schedule over training steps or epochs (src/language/schedules.ts); every engine evaluates it with one pure function. */
export type IrSchedule = Schedule;
/** A number, or a schedule. */
export type IrScalar = Scalar;

export type IrSupport =
  | { kind: "real" }
  | { kind: "interval"; low: number; high: number }
  | { kind: "binary" }
  | { kind: "onehot" };

export interface IrVariable {
  name: string;
  role: "data" | "latent";
  type: VariableType;
  shape: number[];
  size: number;
  support: IrSupport;
  labelled?: number;
}

export interface IrPrior {
  /** The density's name as written, `p` in `prior p(z)`. */
  name: string;
  variable: string;
  given: string[];
  distribution: PriorName;
  parameters: Record<string, number | string>;
  /** log p(z) can be evaluated (ELBO, IWAE); every prior can be sampled. */
  density: boolean;
  /** A prior with weights (VampPrior, a learned GaussianMixture), trained by the phases whose `updates` name its parameter set. */
  learned?: IrLearnedPrior;
}

export interface IrLearnedPrior {
  /** The name phases and terms use for the prior's weights: the density as written, `p(z)` (never a network's name). */
  parameterSet: string;
  /**
   * VampPrior: `pseudoInputs` [K, ...the input's shape] (unconstrained; mapped into the
   * input's support before the encoder reads them). GaussianMixture: `means` [K, size],
   * `logvars` [K, size] and `logits` [K] (the weights' log-softmax).
   */
  weights: IrWeight[];
  /** VampPrior: the encoder whose posteriors at the pseudo-inputs are the components, and the data variable they stand for. */
  encoder?: string;
  input?: string;
}

export interface IrWeight {
  /** `network/layer/kind`, unique in the model: the name used in checkpoints. */
  name: string;
  shape: number[];
  /** False for state that is saved but not optimised (batch-norm moving statistics, an EMA codebook and its counts). */
  trainable: boolean;
  /** How a fresh model sets it: Glorot-uniform kernels, zero biases and shifts, unit scales and variances; N(0, 1) for a learned prior's means and pseudo-inputs. */
  init: "glorotUniform" | "zeros" | "ones" | "standardNormal";
}

export interface IrLayer {
  /** Unique within its network: `t0`, `t1`… for the trunk; heads by what they compute, `z.mu`, `c.logits` (`.0`, `.1`… when a head has several layers). */
  id: string;
  /** Activation layers (`relu` written as a layer) are all of kind `activation`; a residual block is `residual`. */
  kind: Exclude<LayerKind, Activation> | "activation" | "residual";
  activation: Activation;
  arguments: Record<string, number | string | number[]>;
  inputShape: number[];
  outputShape: number[];
  parameters: number;
  weights: IrWeight[];
  /** A residual block's layers (ids `t2.0`, `t2.1`…; the block itself has no weights): it outputs input + layers(input). */
  layers?: IrLayer[];
}

export interface IrHead {
  name: string;
  layers: IrLayer[];
  outputShape: number[];
}

/**
 * Where a distribution parameter comes from: a head, the trunk, a constant (in the
 * parameter's own units: `sigma = 0.1` is σ = 0.1), or a learned weight of the network
 * (shaped like the variable, or [1] when shared), passed through the same transform as
 * a head giving that parameter would be.
 */
export type IrParameterSource = { head: string } | { trunk: true } | { constant: number } | { learned: IrWeight };

/**
 * A normalising flow after a Normal posterior: K steps applied to z0 = μ + σ·ε, whose
 * log-determinants the bounds subtract from log q0(z0). Planar steps have weights
 * `u`, `w` ([1, D]) and `b` ([1]); IAF steps a MADE network `hidden`, `mu`, `sigma`
 * (masked dense layers, the masks fixed by the step's variable order).
 */
export interface IrFlow {
  kind: FlowKind;
  steps: number;
  hidden?: number;
  weights: IrWeight[];
}

export interface IrNetworkOutput {
  variable: string;
  distribution: OutputKind;
  parameters: Record<string, IrParameterSource>;
  flow?: IrFlow;
  /** A discretized likelihood's number of bins over its variable's interval (`levels`), a mixture's `components`. */
  options?: Record<string, number>;
  /**
   * A Normal whose variance comes from a head or a learned weight: its log-variance is
   * clamped to [low, high] where the Normal is formed (src/check/limits.ts, logvarBounds;
   * zero gradient beyond), so every sample, density and KL stays finite in float32.
   */
  logvarBounds?: [number, number];
  /** Samples are a differentiable function of the parameters (z = mu + sigma * eps). */
  reparameterised: boolean;
  /**
   * What the networks reading this variable receive while training: a reparameterised
   * sample (Normal), the value itself (Deterministic), or the class probabilities
   * (Categorical and Bernoulli outputs of an encoder, as in the AAE paper — a sampled
   * one-hot would stop the gradient). Decoder outputs are data and feed nothing.
   */
  feeds: "sample" | "value" | "probabilities" | "quantized" | "none";
  /** A RelaxedCategorical output (`feeds: sample`): the Gumbel-softmax temperature τ, and whether the sample is made one-hot forward (straight-through). */
  relaxed?: IrRelaxed;
  /** A VectorQuantize output (`feeds: quantized`): z_e is the `value` parameter, the latent its nearest codebook vector, passed on with the straight-through gradient. */
  codebook?: IrCodebook;
}

/** softmax((logits + g) / temperature), g ~ Gumbel(0, 1); `hard`: its one-hot argmax forward, its gradient backward. */
export interface IrRelaxed {
  /** A number, or a schedule (Jang et al.'s annealing) each engine evaluates at the step's clock. */
  temperature: IrScalar;
  hard: boolean;
}

/** K codebook vectors of width D (the latent's last dimension), one choice per position (the latent's size / D). */
export interface IrCodebook {
  /** The [K, D] codebook: a weight of the encoder, saved in checkpoints like any other. */
  weight: IrWeight;
  codes: number;
  dimension: number;
  positions: number;
  /** The commitment weight β of the `vq` term. */
  beta: number;
  /**
   * An EMA codebook (van den Oord et al. 2017, appendix A.1): `weight` is not trainable, and
   * after each step of a phase with the `vq` term the runtimes move it and the codes' counts
   * N (`clusterSize`, [K], saved like the codebook) by moving averages with this decay.
   */
  ema?: { decay: number; clusterSize: IrWeight };
}

export interface IrNetwork {
  name: string;
  /** `prior`: a prior network, a latent's conditional Normal given other latents (`prior p1(z1 | z2) = Normal(...) { ... }`). */
  role: "encoder" | "decoder" | "generator" | "discriminator" | "prior";
  inputs: string[];
  outputs: string[];
  inputShape: number[];
  trunk: IrLayer[];
  heads: IrHead[];
  distributions: IrNetworkOutput[];
  parameterCount: number;
  /**
   * A conditional discriminator `d(x | y)`: the data variables it judges its samples given,
   * read from the batch for real and fake samples alike. `inputs` is the judged variable, then these.
   */
  given?: string[];
}

export interface IrCorruption {
  variable: string;
  kind: CorruptionKind;
  parameters: Record<string, number>;
}

export type IrSampleSource =
  | { kind: "prior"; variable: string }
  | { kind: "network"; network: string; variable: string }
  | { kind: "data"; variable: string }
  /** The encoder's codes, each dimension shuffled across the batch independently (samples of Πⱼ q(zⱼ)). */
  | { kind: "permuted"; network: string; variable: string };

interface IrTermBase {
  id: string;
  /** How the term's value is computed, in words for the loss graph. */
  estimator: "exact" | "analytic" | "analytic-categorical" | "monte-carlo" | "importance-weighted" | "adversarial" | "u-statistic" | "minibatch" | "density-ratio" | "enumeration";
  /** Networks whose parameters the term's gradient reaches. */
  dependsOn: string[];
  /** The term in the usual notation, e.g. `−log p(x | z), z ~ q(z | x)`. */
  formula: string;
  /** `abs(term - C)`: the term is scored as |value − C| (Burgess et al.'s capacity), C a number or a schedule. */
  capacity?: IrScalar;
}

export type IrTerm = IrTermBase &
  (
    | { kind: "nll"; network: string; variable: string; target: string }
    /** `prior`: the prior network the KL is taken against (hierarchical VAE); absent for the latent's fixed prior. */
    | { kind: "kl"; network: string; variable: string; prior?: string }
    | { kind: "iwae"; k: number; encoder: string; decoder: string; latent: string; data: string }
    | { kind: "gan_d"; discriminator: string; real: IrSampleSource; fake: IrSampleSource; loss: "logistic" | "leastSquares" | "hinge" }
    | { kind: "gan_g"; discriminator: string; fake: IrSampleSource; loss: "nonsaturating" | "minimax" | "leastSquares" | "hinge" }
    | { kind: "contractive"; network: string; variable: string; input: string }
    /** Unbiased MMD² between the codes and as many prior samples, with kernel imq: s/(s + ‖a − b‖²) or rbf: exp(−‖a − b‖²/s). */
    | { kind: "mmd"; network: string; variable: string; kernel: "imq" | "rbf"; scale: number }
    /** Total correlation of the aggregate posterior: over the batch, or from `discriminator`'s logit (density ratio). */
    | { kind: "tc"; network: string; variable: string; discriminator?: string }
    | { kind: "mi" | "dwkl" | "l2"; network: string; variable: string }
    | { kind: "weightDecay" | "gradientPenalty"; network: string }
    | { kind: "vq"; network: string; variable: string; beta: number }
    /**
     * Σ_y q(y | x)·(−ELBO(x, y)) + KL(q(y | x) ‖ Uniform(K)) for a partially labelled onehot y, summed
     * exactly: `network` is q(y | x); `encoders` (in evaluation order; Normal posteriors, Normal
     * priors) and `decoders` run once per class, on K·B rows.
     */
    | { kind: "enumerate"; network: string; variable: string; classes: number; encoders: string[]; decoders: string[] }
  );

export interface IrOptimizer {
  kind: OptimizerKind;
  parameters: Record<string, number>;
}

export interface IrPhase {
  name: string;
  /** Each term's weight: a number, or a schedule evaluated at every step. */
  terms: IrPhaseTerm[];
  /** Networks this phase's optimizer updates, and exactly their weights. */
  updates: string[];
  parameters: string[];
  optimizer: IrOptimizer;
}

export interface IrPhaseTerm {
  term: string;
  weight: IrScalar;
  /** The term is a mean over a batch of labelled rows (a phase `on labelled`, M2's labelled terms); absent: over every row. */
  rows?: "labelled";
  /** The weight is multiplied by N_l/N, the fraction of training rows whose labels are known (set when training starts). */
  byLabelledFraction?: true;
}

export interface ModelIR {
  irVersion: typeof irVersion;
  model: string;
  source: string;
  variables: IrVariable[];
  priors: IrPrior[];
  networks: IrNetwork[];
  corruptions: IrCorruption[];
  objective: { kind: ObjectiveName | "phases"; parameters: Record<string, number | string | IrSchedule> };
  terms: IrTerm[];
  phases: IrPhase[];
  train: { batch: number; epochs: number; clipNorm?: number };
  roles: IrRoles;
}

/**
 * The parts a tool asks about by role, decided once in lowering so that no backend,
 * trainer, figure or metric has to recognise a model's shape again. Absent when the
 * model has no such part.
 */
export interface IrRoles {
  /** The terms whose sum is −ELBO (β = 1), for a model trained on a variational bound. */
  negativeElbo?: string[];
  /**
   * log p(x) can be importance-sampled: one Normal encoder of one latent with a prior
   * density, and one decoder of the data reading that latent (the VAE family).
   */
  importanceSampling?: { encoder: string; decoder: string; latent: string; data: string };
  /**
   * log p(x) can be importance-sampled over several latents (a hierarchical VAE): each
   * latent drawn from its Normal encoder, in the order encoders read each other, and
   * scored under its fixed prior or its prior network (`prior`); one decoder of the data.
   * log w = log p(x | …) + Σ log p(zᵢ | …) − Σ log q(zᵢ | …), all k samples in one pass.
   */
  hierarchicalImportanceSampling?: { latents: { latent: string; encoder: string; prior?: string }[]; decoder: string; data: string };
  /** The onehot decoder input that `sample(n, { label })` fixes: a data label (CVAE) or a categorical latent (the semi-supervised AAE's class). */
  label?: string;
  /** An encoder's Categorical output scored against onehot data: its test error is a metric. */
  classifier?: { term: string; network: string; variable: string; target: string };
  /** A 2-D real latent that an encoder produces and a decoder reads alone: its plane can be drawn. */
  planarLatent?: { latent: string; decoder: string; encoder: string };
  /** The data variable drawn as pictures: greyscale (channels 1, its size height × width) or colour (`real[H, W, 3]`, channels 3, red, green, blue). */
  image?: { variable: string; height: number; width: number; channels: 1 | 3 };
  /** The model's public methods and what each reads and returns (what every backend emits). */
  methods: IrMethods;
}

export interface IrMethods {
  /** Each latent's code from the encoders' inputs. */
  encode?: { inputs: string[]; outputs: IrCode[] };
  /** Each decoder's mean from its inputs. */
  decode?: { inputs: string[]; outputs: IrCode[] };
  /** encode, then decode the codes; reads the encoders' inputs and the decoders' data inputs. */
  reconstruct?: { inputs: string[] };
  /** n draws: the decoders' latent inputs from their priors, the label (if any) fixed or uniform. */
  sample?: { latents: string[] };
}

/** What a method returns for one variable, and from which network. */
export interface IrCode {
  variable: string;
  network: string;
  /** The posterior mean (Normal), the value (Deterministic), the probabilities (Categorical, Bernoulli), or the nearest codebook vectors (VectorQuantize). */
  summary: "mean" | "value" | "probabilities" | "quantized" | "mode";
}
