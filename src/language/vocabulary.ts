/**
 * What the language knows by name: layers, activations, distributions, priors,
 * corruptions, objectives, optimizers, loss terms and train settings, each with the
 * parameters it takes. The highlighter, the reference docs, the checker and the IR all
 * read these tables, and the IR's kinds are the literal unions of their names; adding a
 * layer is adding an entry here (and its shape rule and code generator).
 */

export type ParameterKind =
  | "size" // a positive integer
  | "positive" // a finite number > 0
  | "nonnegative" // a finite number >= 0
  | "probability" // a number in [0, 1]
  | "number" // any finite number
  | "activation" // the name of an activation
  | "choice" // one of `choices`
  | "head" // the name of a head of the same network
  | "layer"; // a layer call, inside a head's distribution

export interface ParameterSpec {
  readonly name: string;
  readonly kind: ParameterKind;
  readonly required?: boolean;
  readonly default?: number | string;
  readonly choices?: readonly string[];
  readonly doc: string;
  /** Value-range metadata: a probability at which the maths breaks at 1 (the checker asks for [0, 1)), and why. */
  readonly belowOne?: string;
  /** Value-range metadata: a scale training divides by (a standard deviation, batchNorm's epsilon): the checker asks for ≥ 1e-6. */
  readonly scale?: boolean;
  /** The value may also follow a schedule over training (`linear(0, 1, epochs = 10)`; schedules.ts). */
  readonly schedulable?: boolean;
}

export interface BuiltinSpec {
  readonly name: string;
  readonly doc: string;
  readonly parameters: readonly ParameterSpec[];
  /** Extra positional arguments beyond the listed parameters are allowed (reshape's dimensions). */
  readonly variadic?: ParameterKind;
}

/** A table whose names stay a literal union (`LayerKind`, …) while each entry keeps its spec type. */
function table<Spec extends { readonly name: string }>() {
  return <const Name extends string>(specs: readonly (Spec & { readonly name: Name })[]): readonly (Spec & { readonly name: Name })[] => specs;
}

const p = (name: string, kind: ParameterKind, doc: string, extra: Partial<ParameterSpec> = {}): ParameterSpec => ({ name, kind, doc, ...extra });

export const activations = ["linear", "relu", "leakyRelu", "elu", "sigmoid", "tanh", "softplus"] as const;
export type Activation = (typeof activations)[number];

export function isActivation(name: string): name is Activation {
  return (activations as readonly string[]).includes(name);
}

export const layers = table<BuiltinSpec>()([
  { name: "dense", doc: "fully connected layer", parameters: [p("units", "size", "output width", { required: true }), p("activation", "activation", "applied to the output", { default: "linear" })] },
  {
    name: "conv2d",
    doc: "2-D convolution over [height, width, channels]",
    parameters: [
      p("filters", "size", "output channels", { required: true }),
      p("kernel", "size", "square kernel size", { required: true }),
      p("stride", "size", "step in both directions", { default: 1 }),
      p("padding", "choice", "`same` keeps ceil(size / stride); `valid` uses only full windows", { default: "same", choices: ["same", "valid"] }),
      p("activation", "activation", "applied to the output", { default: "linear" }),
    ],
  },
  {
    name: "conv2dTranspose",
    doc: "transposed 2-D convolution (upsampling)",
    parameters: [
      p("filters", "size", "output channels", { required: true }),
      p("kernel", "size", "square kernel size", { required: true }),
      p("stride", "size", "upsampling factor", { default: 1 }),
      p("padding", "choice", "`same` gives size × stride", { default: "same", choices: ["same", "valid"] }),
      p("activation", "activation", "applied to the output", { default: "linear" }),
    ],
  },
  { name: "reshape", doc: "reshape to the given dimensions", parameters: [], variadic: "size" },
  { name: "flatten", doc: "flatten to one dimension", parameters: [] },
  { name: "dropout", doc: "randomly zero a fraction of units while training", parameters: [p("rate", "probability", "fraction dropped", { required: true, belowOne: "every unit is dropped and the kept ones are scaled by 1 / (1 − rate), a division by 0" })] },
  { name: "batchNorm", doc: "batch normalisation over the last axis", parameters: [p("momentum", "probability", "of the moving statistics", { default: 0.99 }), p("epsilon", "positive", "added to the variance", { default: 1e-3, scale: true })] },
  { name: "maxPool2d", doc: "the largest value of each size × size window of an image, per channel (no padding: a last row or column that does not fill a window is dropped)", parameters: [p("size", "size", "window side", { required: true }), p("stride", "size", "step in both directions (default: the window side)")] },
  { name: "avgPool2d", doc: "the mean of each size × size window of an image, per channel (no padding, as maxPool2d)", parameters: [p("size", "size", "window side", { required: true }), p("stride", "size", "step in both directions (default: the window side)")] },
  { name: "upsample2d", doc: "enlarges an image by an integer factor in height and width", parameters: [p("factor", "size", "scale of each side", { required: true }), p("mode", "choice", "`nearest` repeats each pixel; `bilinear` interpolates between pixel centres (edges clamped)", { default: "nearest", choices: ["nearest", "bilinear"] })] },
  { name: "layerNorm", doc: "layer normalisation over the last axis (each example's features; each pixel's channels), with a learned gain and shift", parameters: [p("epsilon", "positive", "added to the variance", { default: 1e-5, scale: true })] },
  ...activations.map((a) => ({ name: a, doc: `${a} activation as its own layer`, parameters: [] })),
]);
export type LayerKind = (typeof layers)[number]["name"];

/** Distributions a network can output. Each parameter set is one way to give the distribution. */
export interface DistributionSpec {
  readonly name: string;
  readonly doc: string;
  readonly parameterSets: readonly (readonly string[])[];
  readonly reparameterisable: boolean;
  /** Which variable types it models. */
  readonly supports: readonly ("real" | "interval" | "binary" | "onehot")[];
  /**
   * Parameters that may also be a constant (`sigma = 0.1`) or a learned weight
   * (`logvar = learned`): "positive" ones are a scale (a constant must be > 0), "number"
   * ones are on the log scale (any constant). Every other parameter names a head.
   */
  readonly fixable?: Readonly<Record<string, "positive" | "number">>;
  /** Numeric options written among the parameters (`levels = 256`, `components = 5`). */
  readonly options?: readonly ParameterSpec[];
  /** Only a decoder's likelihood: no encoder posterior of this kind (what would it feed?). */
  readonly likelihoodOnly?: boolean;
  /** Only an encoder's posterior: a relaxation for reparameterised training, not a likelihood of data. */
  readonly encoderOnly?: boolean;
}

/** `(mu, sigma) or (mu, logvar)`: the ways to give a distribution, for messages and docs. */
export function parameterSets(spec: DistributionSpec): string {
  return spec.parameterSets.map((s) => `(${s.join(", ")})`).join(" or ");
}

export const distributions = table<DistributionSpec>()([
  { name: "Normal", doc: "Gaussian with diagonal covariance", parameterSets: [["mu", "sigma"], ["mu", "logvar"]], reparameterisable: true, supports: ["real", "interval"], fixable: { sigma: "positive", logvar: "number" } },
  { name: "Bernoulli", doc: "independent binary (or [0, 1]) outputs", parameterSets: [["logits"], ["probs"]], reparameterisable: false, supports: ["binary", "interval"] },
  { name: "Categorical", doc: "one of K classes, as a one-hot vector", parameterSets: [["logits"], ["probs"]], reparameterisable: false, supports: ["onehot"] },
  { name: "Deterministic", doc: "a point mass: the network's output itself", parameterSets: [["value"]], reparameterisable: true, supports: ["real", "interval", "binary", "onehot"] },
  { name: "Laplace", doc: "Laplace (double exponential) with diagonal scale: the L1 reconstruction loss", parameterSets: [["mu", "scale"], ["mu", "logscale"]], reparameterisable: false, supports: ["real", "interval"], fixable: { scale: "positive", logscale: "number" }, likelihoodOnly: true },
  { name: "ContinuousBernoulli", doc: "the normalised density on [0, 1] of Loaiza-Ganem & Cunningham (2019), for grey values", parameterSets: [["logits"]], reparameterisable: false, supports: ["interval"], likelihoodOnly: true },
  {
    name: "DiscretizedLogistic",
    doc: "a logistic integrated over equal bins of the data's interval (Salimans et al. 2017): 8-bit images",
    parameterSets: [["mu", "logscale"]],
    reparameterisable: false,
    supports: ["interval"],
    fixable: { logscale: "number" },
    options: [p("levels", "size", "number of equal bins over the data's interval (default: the integers of `[0, 255]`-like intervals, else 256)")],
    likelihoodOnly: true,
  },
  {
    name: "DiscretizedLogisticMixture",
    doc: "a mixture of K discretized logistics per value (PixelCNN++); each head is K× the variable's size",
    parameterSets: [["logits", "mu", "logscale"]],
    reparameterisable: false,
    supports: ["interval"],
    options: [p("components", "size", "mixture components K", { required: true }), p("levels", "size", "number of equal bins over the data's interval (as DiscretizedLogistic)")],
    likelihoodOnly: true,
  },
  { name: "Beta", doc: "Beta on (0, 1), from two heads made positive by softplus", parameterSets: [["alpha", "beta"]], reparameterisable: false, supports: ["interval"], likelihoodOnly: true },
  {
    name: "RelaxedCategorical",
    doc: "Gumbel-softmax (Jang et al. 2017; the Concrete distribution of Maddison et al. 2017): softmax((logits + Gumbel noise) / temperature), a reparameterised relaxation of a onehot latent's Categorical posterior",
    parameterSets: [["logits"]],
    reparameterisable: true,
    supports: ["onehot"],
    options: [
      p("temperature", "positive", "τ > 0, or a schedule above 0 throughout (Jang et al.'s annealing: `exponential(1, 0.5, rate = 3e-5, per = step)`): the relaxed sample tends to a one-hot draw of Categorical(softmax(logits)) as τ → 0", { required: true, schedulable: true }),
      p("hard", "choice", "`true`: the forward pass takes the one-hot argmax of the relaxed sample, the gradient the relaxed sample's (straight-through, Jang et al. §2.2)", { default: "false", choices: ["false", "true"] }),
    ],
    encoderOnly: true,
  },
]);
export type DistributionName = (typeof distributions)[number]["name"];

/**
 * Quantisers an encoder can output instead of a distribution: its trunk gives z_e, and the
 * latent is the nearest of K learned codebook vectors (van den Oord et al. 2017).
 */
export const quantizers = table<BuiltinSpec>()([
  {
    name: "VectorQuantize",
    doc: "the nearest of K codebook vectors at each position (VQ-VAE), with the straight-through gradient",
    parameters: [
      p("codebook", "size", "number of codebook vectors K (each as wide as the latent's last dimension)", { required: true }),
      p("beta", "nonnegative", "weight of the commitment term β‖z_e − sg[e]‖²", { default: 0.25 }),
      p("ema", "probability", "decay γ of an exponential-moving-average codebook (van den Oord et al. 2017, appendix A.1), e.g. 0.99; absent: the codebook is learned by gradient", {
        belowOne: "the moving averages never move: the codebook would keep its initial vectors",
      }),
    ],
  },
]);
export type QuantizerName = (typeof quantizers)[number]["name"];
/** What an encoder's output is: a distribution, or a quantiser. */
export type OutputKind = DistributionName | QuantizerName;

export interface PriorSpec extends BuiltinSpec {
  /** Whether log p(z) can be evaluated (needed by ELBO and IWAE); every prior here can be sampled. */
  readonly density: boolean;
  /** Latent shape the prior is defined for: any, or exactly 2-D. */
  readonly dimensions: "any" | 2;
  readonly supports: readonly ("real" | "onehot")[];
}

export const priors = table<PriorSpec>()([
  { name: "Normal", doc: "N(mu, sigma²) in every dimension", density: true, dimensions: "any", supports: ["real"], parameters: [p("mu", "number", "mean", { default: 0 }), p("sigma", "positive", "standard deviation", { default: 1, scale: true })] },
  { name: "Uniform", doc: "uniform on [low, high] in every dimension", density: true, dimensions: "any", supports: ["real"], parameters: [p("low", "number", "lower bound", { default: -1 }), p("high", "number", "upper bound", { default: 1 })] },
  { name: "Categorical", doc: "uniform over the K one-hot classes", density: true, dimensions: "any", supports: ["onehot"], parameters: [p("weights", "choice", "only `uniform` for now", { default: "uniform", choices: ["uniform"] })] },
  {
    name: "MixtureOfGaussians",
    doc: "equal-weight 2-D Gaussians on a circle, one per component, elongated along the radius (the AAE paper's prior)",
    density: true,
    dimensions: 2,
    supports: ["real"],
    parameters: [
      p("components", "size", "number of Gaussians", { default: 10 }),
      p("radius", "positive", "distance of each mean from the origin", { default: 4 }),
      p("radialSigma", "positive", "standard deviation along the radius", { default: 0.5, scale: true }),
      p("tangentialSigma", "positive", "standard deviation across the radius", { default: 0.1, scale: true }),
    ],
  },
  { name: "Codebook", doc: "uniform over the K codebook vectors of a VectorQuantize latent, independently at each position", density: true, dimensions: "any", supports: ["real"], parameters: [p("weights", "choice", "only `uniform` for now", { default: "uniform", choices: ["uniform"] })] },
  {
    name: "VampPrior",
    doc: "a mixture of the encoder's posteriors at K learned pseudo-inputs, equally weighted (Tomczak & Welling 2018); its KL is Monte Carlo",
    density: true,
    dimensions: "any",
    supports: ["real"],
    parameters: [p("components", "size", "number of pseudo-inputs", { default: 500 })],
  },
  {
    name: "GaussianMixture",
    doc: "K diagonal Gaussians in any dimension: fixed (means ±radius on the axes, one per axis direction) or learned (means, log-variances and weights are weights)",
    density: true,
    dimensions: "any",
    supports: ["real"],
    parameters: [
      p("components", "size", "number of Gaussians", { default: 10 }),
      p("learned", "choice", "`true`: means, scales and weights are trained with the phases that name the prior", { default: "false", choices: ["false", "true"] }),
      p("radius", "positive", "fixed: distance of each mean from the origin", { default: 2 }),
      p("sigma", "positive", "fixed: standard deviation of every component", { default: 1, scale: true }),
    ],
  },
  {
    name: "SwissRoll",
    doc: "points along a 2-D spiral; sampleable, with no density",
    density: false,
    dimensions: 2,
    supports: ["real"],
    parameters: [p("turns", "positive", "number of turns of the spiral", { default: 1.5 }), p("noise", "nonnegative", "Gaussian noise around the spiral", { default: 0.05 }), p("scale", "positive", "radius of the outer end", { default: 4 })],
  },
]);
export type PriorName = (typeof priors)[number]["name"];

/** Normalising flows a Normal posterior can be followed by: `encoder q(z | x) = Normal(mu, logvar) then planar(steps = 8) { ... }`. */
export const flows = table<BuiltinSpec>()([
  { name: "planar", doc: "planar flow steps z + û·tanh(w·z + b) (Rezende & Mohamed 2015), û constrained so that each step is invertible (w·û ≥ −1)", parameters: [p("steps", "size", "number of steps K", { required: true })] },
  {
    name: "iaf",
    doc: "inverse autoregressive flow steps σ⊙z + (1 − σ)⊙m, with m and σ from a MADE network of masked dense layers (Kingma et al. 2016); the variable order reverses between steps",
    parameters: [p("steps", "size", "number of steps K", { required: true }), p("hidden", "size", "units of each step's masked hidden layer", { default: 320 })],
  },
]);
export type FlowKind = (typeof flows)[number]["name"];

export const corruptions = table<BuiltinSpec>()([
  { name: "gaussianNoise", doc: "adds N(0, sigma²) noise, then clips to the data's support", parameters: [p("sigma", "positive", "noise standard deviation", { required: true })] },
  { name: "saltPepper", doc: "sets a fraction p of inputs to the support's low or high end", parameters: [p("p", "probability", "fraction corrupted", { required: true }), p("low", "number", "pepper value (default: the support's low end)"), p("high", "number", "salt value (default: the support's high end)")] },
  { name: "masking", doc: "sets a fraction p of inputs to zero", parameters: [p("p", "probability", "fraction masked", { required: true })] },
]);
export type CorruptionKind = (typeof corruptions)[number]["name"];

export const objectives = table<BuiltinSpec>()([
  { name: "reconstruction", doc: "the likelihood's NLL of the data through encoder and decoder (AE, denoising AE)", parameters: [] },
  { name: "elbo", doc: "−ELBO = reconstruction NLL + β·KL(q(z|x) ‖ p(z)) (VAE, β-VAE, conditional VAE)", parameters: [p("beta", "nonnegative", "weight of the KL term", { default: 1, schedulable: true })] },
  { name: "iwae", doc: "the importance-weighted bound with k samples (IWAE)", parameters: [p("k", "size", "importance samples per example", { default: 5 })] },
  { name: "gan", doc: "a generator against a discriminator (GAN)", parameters: [p("loss", "choice", "generator loss (`leastSquares` and `hinge` set the discriminator's loss too)", { default: "nonsaturating", choices: ["nonsaturating", "minimax", "leastSquares", "hinge"] })] },
  { name: "aae", doc: "the adversarial autoencoder's three phases: reconstruct, discriminate, regularise", parameters: [] },
  {
    name: "betaTC",
    doc: "β-TCVAE (Chen et al. 2018): nll + α·mi + β·tc + γ·dwkl, the KL split into index-code MI, total correlation and dimension-wise KL",
    parameters: [p("alpha", "nonnegative", "weight of the index-code mutual information", { default: 1, schedulable: true }), p("beta", "nonnegative", "weight of the total correlation", { default: 6, schedulable: true }), p("gamma", "nonnegative", "weight of the dimension-wise KL", { default: 1, schedulable: true })],
  },
  {
    name: "m2",
    doc: "Kingma et al. 2014's M2, one loss per step: (N_l/N)·(−ELBO(x, y)) + α·(−log q(y | x)) on labelled examples (N_l of the N training rows), plus the bound with y summed out exactly (`enumerate`) on every example",
    parameters: [p("alpha", "nonnegative", "weight of the classification term −log q(y | x), averaged over the labelled batch, against the bounds per training row: Kingma et al.'s α = 0.1·N is alpha = 0.1", { default: 0.1 })],
  },
]);
export type ObjectiveName = (typeof objectives)[number]["name"];

export const optimizers = table<BuiltinSpec>()([
  { name: "adam", doc: "Adam (Kingma & Ba, 2015)", parameters: [p("lr", "positive", "learning rate", { required: true }), p("beta1", "probability", "first-moment decay", { default: 0.9, belowOne: "Adam's bias correction divides by 1 − beta1^t = 0" }), p("beta2", "probability", "second-moment decay", { default: 0.999, belowOne: "Adam's bias correction divides by 1 − beta2^t = 0" }), p("epsilon", "positive", "numerical stabiliser", { default: 1e-7 })] },
  { name: "sgd", doc: "stochastic gradient descent, optionally with momentum", parameters: [p("lr", "positive", "learning rate", { required: true }), p("momentum", "probability", "momentum (0: none)", { default: 0, belowOne: "the velocity never decays and grows with every step" })] },
  { name: "rmsprop", doc: "RMSProp", parameters: [p("lr", "positive", "learning rate", { required: true }), p("decay", "probability", "of the squared-gradient average", { default: 0.9, belowOne: "the squared-gradient average stays 0 and RMSProp divides by it" }), p("momentum", "probability", "momentum", { default: 0, belowOne: "the velocity never decays and grows with every step" }), p("epsilon", "positive", "numerical stabiliser", { default: 1e-7 })] },
]);
export type OptimizerKind = (typeof optimizers)[number]["name"];

export interface SettingSpec {
  readonly name: string;
  readonly kind: "size" | "positive" | "optimizer";
  readonly required: boolean;
  readonly doc: string;
}

export const trainSettings: readonly SettingSpec[] = [
  { name: "optimizer", kind: "optimizer", required: false, doc: "the optimizer of every phase that names none" },
  { name: "batch", kind: "size", required: true, doc: "examples per training step" },
  { name: "epochs", kind: "size", required: true, doc: "passes over the training data" },
  { name: "clipNorm", kind: "positive", required: false, doc: "clip each phase's gradients to this global norm" },
];

export const variableTypes = ["real", "binary", "onehot"] as const;
export type VariableType = (typeof variableTypes)[number];

export const lossTerms = ["nll", "kl", "gan_d", "gan_g", "contractive", "mmd", "tc", "mi", "dwkl", "l2", "weightDecay", "gradientPenalty", "vq", "enumerate"] as const;
export type LossTermKind = (typeof lossTerms)[number];

/** How each loss term is written and what it computes: docs/reference.md's table of terms. */
export const lossTermUsage: Readonly<Record<LossTermKind, { readonly usage: string; readonly doc: string }>> = {
  nll: { usage: "nll(p(x | z), x)", doc: "−log p(x | z), z from its encoder; or, for an encoder's Categorical head, −log q(c = y | x)" },
  kl: { usage: "kl(q(z | x), p(z))", doc: "KL from posterior to prior: analytic for Normal ‖ Normal and for a RelaxedCategorical's underlying categorical ‖ uniform, one-sample Monte Carlo otherwise" },
  gan_d: { usage: "gan_d(d, real = …, fake = …, loss = logistic | leastSquares | hinge)", doc: "the discriminator's loss (samples held fixed); `fake` may be `permuted(q(z | x))`" },
  gan_g: { usage: "gan_g(d, fake = …, loss = nonsaturating | minimax | leastSquares | hinge)", doc: "the generator's loss (the discriminator held fixed)" },
  contractive: { usage: "contractive(f(z | x), x)", doc: "‖∂z/∂x‖²_F of a dense deterministic encoder" },
  mmd: { usage: "mmd(q(z | x), p(z), kernel = imq(scale) | rbf(scale))", doc: "unbiased minibatch MMD² between the codes and as many prior samples (WAE, InfoVAE); scale defaults to 2·dim(z)" },
  tc: { usage: "tc(q(z | x)) or tc(q(z | x), d)", doc: "total correlation KL(q(z) ‖ Πⱼ q(zⱼ)) of the aggregate posterior: over the batch (β-TCVAE), or by a discriminator's density ratio (FactorVAE)" },
  mi: { usage: "mi(q(z | x))", doc: "index-code mutual information KL(q(z, n) ‖ q(z) p(n)), the aggregate posterior taken over the batch" },
  dwkl: { usage: "dwkl(q(z | x), p(z))", doc: "dimension-wise KL Σⱼ KL(q(zⱼ) ‖ p(zⱼ)), the aggregate posterior taken over the batch" },
  l2: { usage: "l2(q(z | x))", doc: "½‖z‖² of the code (RAE)" },
  weightDecay: { usage: "weightDecay(p)", doc: "½ Σ θ² over a network's trainable weights" },
  gradientPenalty: { usage: "gradientPenalty(p)", doc: "‖∂out/∂in‖²_F of a dense network at the inputs it is given (RAE's decoder penalty)" },
  vq: { usage: "vq(q(z | x))", doc: "‖sg[z_e] − z_q‖² + β‖z_e − sg[z_q]‖² of a VectorQuantize encoder (codebook and commitment; β from the encoder); with `ema`, β‖z_e − sg[z_q]‖² only, and the phase's steps move the codebook's moving averages" },
  enumerate: { usage: "enumerate(q(y | x))", doc: "Σ_y q(y | x)·(−ELBO(x, y)) − H(q(y | x)) for a partially labelled onehot y: every network reading y runs once per class (K·B rows), exactly; p(y) uniform" },
};

/** The most classes `enumerate` sums over: each class is a full pass of the networks reading y. */
export const maxEnumeratedClasses = 100;

export function findBuiltin<T extends { name: string }>(list: readonly T[], name: string): T | undefined {
  return list.find((b) => b.name === name);
}

/** A prior whose parameters are weights, trained by the phases that name it (`over …, prior`). */
export function isLearnedPrior(prior: { readonly distribution: string; readonly parameters: Readonly<Record<string, number | string>> }): boolean {
  return prior.distribution === "VampPrior" || (prior.distribution === "GaussianMixture" && prior.parameters.learned === "true");
}

/** How phases and checkpoints name a learned prior's weights: the density as written, `p(z)` (never a network's name). */
export function priorParameterSet(prior: { readonly name: string; readonly variable: string }): string {
  return `${prior.name}(${prior.variable})`;
}
