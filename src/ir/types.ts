/**
 * The model IR: the checked model as plain JSON, the only input of code generators.
 * Everything a backend needs is explicit here (shapes, weights, which parameters each
 * phase updates), so a new target never re-derives what the checker proved.
 * Validated against `irSchema` (schema.ts) before every code generation.
 */

export const irVersion = 1;

export type IrSupport =
  | { kind: "real" }
  | { kind: "interval"; low: number; high: number }
  | { kind: "binary" }
  | { kind: "onehot" };

export interface IrVariable {
  name: string;
  role: "data" | "latent";
  type: "real" | "binary" | "onehot";
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
  distribution: "Normal" | "Uniform" | "Categorical" | "MixtureOfGaussians" | "SwissRoll";
  parameters: Record<string, number | string>;
  /** log p(z) can be evaluated (ELBO, IWAE); every prior can be sampled. */
  density: boolean;
}

export interface IrWeight {
  /** `network/layer/kind`, unique in the model: the name used in checkpoints. */
  name: string;
  shape: number[];
  /** False for state that is saved but not optimised (batch-norm moving statistics). */
  trainable: boolean;
}

export interface IrLayer {
  /** Unique within its network: `t0`, `t1`… for the trunk, `h_mu`, `h_c.logits` for heads. */
  id: string;
  kind: "dense" | "conv2d" | "conv2dTranspose" | "reshape" | "flatten" | "dropout" | "batchNorm" | "activation";
  activation: "linear" | "relu" | "leakyRelu" | "elu" | "sigmoid" | "tanh" | "softplus";
  arguments: Record<string, number | string | number[]>;
  inputShape: number[];
  outputShape: number[];
  parameters: number;
  weights: IrWeight[];
}

export interface IrHead {
  name: string;
  layers: IrLayer[];
  outputShape: number[];
}

export type IrParameterSource = { head: string } | { trunk: true };

export interface IrNetworkOutput {
  variable: string;
  distribution: "Normal" | "Bernoulli" | "Categorical" | "Deterministic";
  parameters: Record<string, IrParameterSource>;
  /** Samples are a differentiable function of the parameters (z = mu + sigma * eps). */
  reparameterised: boolean;
  /**
   * What the networks reading this variable receive while training: a reparameterised
   * sample (Normal), the value itself (Deterministic), or the class probabilities
   * (Categorical and Bernoulli outputs of an encoder, as in the AAE paper — a sampled
   * one-hot would stop the gradient). Decoder outputs are data and feed nothing.
   */
  feeds: "sample" | "value" | "probabilities" | "none";
}

export interface IrNetwork {
  name: string;
  role: "encoder" | "decoder" | "generator" | "discriminator";
  inputs: string[];
  outputs: string[];
  inputShape: number[];
  trunk: IrLayer[];
  heads: IrHead[];
  distributions: IrNetworkOutput[];
  parameterCount: number;
}

export interface IrCorruption {
  variable: string;
  kind: "gaussianNoise" | "saltPepper" | "masking";
  parameters: Record<string, number>;
}

export type IrSampleSource =
  | { kind: "prior"; variable: string }
  | { kind: "network"; network: string; variable: string }
  | { kind: "data"; variable: string };

interface IrTermBase {
  id: string;
  /** How the term's value is computed, in words for the loss graph. */
  estimator: "exact" | "analytic" | "monte-carlo" | "importance-weighted" | "adversarial";
  /** Networks whose parameters the term's gradient reaches. */
  dependsOn: string[];
  /** The term in the usual notation, e.g. `−log p(x | z), z ~ q(z | x)`. */
  formula: string;
}

export type IrTerm = IrTermBase &
  (
    | { kind: "nll"; network: string; variable: string; target: string }
    | { kind: "kl"; network: string; variable: string }
    | { kind: "iwae"; k: number; encoder: string; decoder: string; latent: string; data: string }
    | { kind: "gan_d"; discriminator: string; real: IrSampleSource; fake: IrSampleSource }
    | { kind: "gan_g"; discriminator: string; fake: IrSampleSource; loss: "nonsaturating" | "minimax" }
    | { kind: "contractive"; network: string; variable: string; input: string }
  );

export interface IrOptimizer {
  kind: "adam" | "sgd" | "rmsprop";
  parameters: Record<string, number>;
}

export interface IrPhase {
  name: string;
  terms: { term: string; weight: number }[];
  /** Networks this phase's optimizer updates, and exactly their weights. */
  updates: string[];
  parameters: string[];
  optimizer: IrOptimizer;
  subset: "all" | "labelled";
}

export interface ModelIR {
  irVersion: typeof irVersion;
  model: string;
  source: string;
  variables: IrVariable[];
  priors: IrPrior[];
  networks: IrNetwork[];
  corruptions: IrCorruption[];
  objective: { kind: "reconstruction" | "elbo" | "iwae" | "gan" | "aae" | "phases"; parameters: Record<string, number | string> };
  terms: IrTerm[];
  phases: IrPhase[];
  train: { batch: number; epochs: number; clipNorm?: number };
}
