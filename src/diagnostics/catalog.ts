/**
 * Every diagnostic code the compiler can report, with the longer explanation behind
 * `aec explain CODE`. Codes are stable: a code is never reused for another meaning.
 *   AE01xx syntax · AE02xx names · AE03xx shapes · AE04xx distributions and supports
 *   AE05xx objectives and phases · AE06xx numbers · AE07xx lints · AE09xx inputs and internal
 */
export interface CatalogEntry {
  readonly code: string;
  readonly title: string;
  readonly explanation: string;
  /** A spec fragment with the mistake, and the same fragment fixed. */
  readonly wrong?: string;
  readonly fixed?: string;
}

const entries: CatalogEntry[] = [
  {
    code: "AE0101",
    title: "unexpected character",
    explanation:
      "The lexer met a character that starts no token of the language. Names are ASCII letters, digits and `_` " +
      "(so look-alike letters from other scripts can never reach generated code); other characters may appear only inside comments.",
    wrong: "latent ζ: real[2]",
    fixed: "latent zeta: real[2]   // ζ",
  },
  {
    code: "AE0102",
    title: "unexpected token",
    explanation:
      "The parser found a token where the grammar does not allow it. The message names the construct being read " +
      "and lists what may come next there. Reserved words (`model`, `data`, `latent`, `prior`, `encoder`, `decoder`, " +
      "`generator`, `discriminator`, `corrupt`, `with`, `objective`, `train`, `phase`, `minimize`, `over`, `using`, `on`, `in`, `labelled`) cannot be used as names.",
    wrong: "encodr q(z | x) = Normal(mu, logvar) { ... }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { ... }",
  },
  {
    code: "AE0103",
    title: "unexpected end of file",
    explanation: "The file ended in the middle of a construct, most often because a `{`, `(` or `[` opened earlier is never closed.",
    wrong: "model VAE {\n  data x: real[784] in [0, 1]\n",
    fixed: "model VAE {\n  data x: real[784] in [0, 1]\n}",
  },
  {
    code: "AE0104",
    title: "unclosed block comment",
    explanation: "A `/*` comment runs to the end of the file because its closing `*/` is missing; everything after it would be ignored.",
    wrong: "/* Kingma & Welling 2014\nmodel VAE { ... }",
    fixed: "/* Kingma & Welling 2014 */\nmodel VAE { ... }",
  },
  {
    code: "AE0105",
    title: "no model in the file",
    explanation: "A spec file holds one or more `model Name { ... }` blocks; this one holds none (it is empty or only comments).",
    wrong: "// TODO",
    fixed: "model AE {\n  ...\n}",
  },
  {
    code: "AE0106",
    title: "input too large",
    explanation: "Specs are limited to 1 MiB so that the compiler's work per input is bounded. A real model spec is a few kilobytes.",
  },
  {
    code: "AE0107",
    title: "nesting too deep",
    explanation: "Brackets (or chains of unary minus) are nested more than 64 deep. No model needs this; the limit keeps the parser's recursion bounded.",
    wrong: "objective elbo(beta = ((((((((1))))))))...)",
    fixed: "objective elbo(beta = 1)",
  },
  {
    code: "AE0108",
    title: "further syntax errors not shown",
    explanation: "Only the first 20 syntax errors of a file (and the first 50 diagnostics of a model) are reported; later ones are often consequences of the first. Fix these and run again.",
  },
  {
    code: "AE0109",
    title: "not a text file",
    explanation: "The file holds control bytes or bytes that are not valid UTF-8, so it is not a spec (perhaps a binary file was named by mistake). Specs are UTF-8 text.",
  },
  // ── names ──
  {
    code: "AE0201",
    title: "declared twice",
    explanation: "Every variable, network, phase, prior and train setting is declared once, and one name never means two things: a variable and a network both called `d` would make `gan_d(d, …)` ambiguous.",
    wrong: "latent z: real[20]\nlatent z: real[10]",
    fixed: "latent z: real[20]\nlatent style: real[10]",
  },
  {
    code: "AE0202",
    title: "unknown variable",
    explanation: "A signature, prior, corruption or loss names a variable that is not declared with `data` or `latent`.",
    wrong: "decoder p(x | zz) = Bernoulli(logits) { ... }",
    fixed: "decoder p(x | z) = Bernoulli(logits) { ... }",
  },
  {
    code: "AE0203",
    title: "unknown or ambiguous network",
    explanation: "A phase's `over` list or a discriminator argument names a network that does not exist, or names a role (`encoder`) that several networks share. Name networks by their signature's name (`d_z`) or by a role that only one network has.",
    wrong: "phase discriminate minimize gan_d(d, real = p(z), fake = q(z | x)) over dd",
    fixed: "phase discriminate minimize gan_d(d, real = p(z), fake = q(z | x)) over d",
  },
  {
    code: "AE0204",
    title: "unknown name",
    explanation: "A type, layer, activation, distribution, prior, corruption, objective, optimizer, train setting or loss term that the language does not define. The message says which kind was expected and suggests the closest known name. `docs/language.md` lists them all.",
    wrong: "dense(500, rellu)",
    fixed: "dense(500, relu)",
  },
  {
    code: "AE0205",
    title: "distribution parameter never produced",
    explanation: "A network's distribution reads its parameters from heads (`Normal(mu, logvar)` reads heads `mu` and `logvar`), and a network with several outputs needs a head per output variable. One of them is missing.",
    wrong: "encoder q(z | x) = Normal(mu, logvar) {\n  dense(500, relu)\n  mu: dense(20)\n}",
    fixed: "encoder q(z | x) = Normal(mu, logvar) {\n  dense(500, relu)\n  mu: dense(20)\n  logvar: dense(20)\n}",
  },
  {
    code: "AE0206",
    title: "unused head (warning)",
    explanation: "A head that no distribution parameter reads: its weights are trained by nothing and it costs computation.",
    wrong: "encoder q(z | x) = Normal(mu, logvar) { mu: dense(20); logvar: dense(20); sigma: dense(20) }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { mu: dense(20); logvar: dense(20) }",
  },
  {
    code: "AE0207",
    title: "unknown parameter",
    explanation: "A named argument that the layer, distribution, optimizer or objective does not take.",
    wrong: "optimizer adam(lrate = 1e-3)",
    fixed: "optimizer adam(lr = 1e-3)",
  },
  {
    code: "AE0208",
    title: "wrong arguments",
    explanation: "Too many arguments, a required one missing, one given twice, or a positional argument after named ones. Positional arguments fill the parameters in the order `docs/language.md` lists them.",
    wrong: "conv2d(8, 3, stride = 2, relu)",
    fixed: "conv2d(8, 3, stride = 2, activation = relu)",
  },
  {
    code: "AE0209",
    title: "reserved name",
    explanation: "Variables, networks and phases become keys of the objects generated code and apps exchange (batches, outputs). Names every JavaScript object already has (`constructor`, `toString`, `__proto__`, …) and names starting with `__` could replace an object's members or its prototype, so they are refused.",
    wrong: "data constructor: real[784] in [0, 1]",
    fixed: "data image: real[784] in [0, 1]",
  },
  // ── shapes ──
  {
    code: "AE0301",
    title: "malformed variable shape",
    explanation: "A onehot variable has exactly one dimension, its number of classes.",
    wrong: "latent c: onehot[10, 2]",
    fixed: "latent c: onehot[10]",
  },
  {
    code: "AE0302",
    title: "head shape differs from its variable",
    explanation: "Every head that gives a distribution parameter must have its variable's shape: the mean of a 20-dimensional latent has 20 values.",
    wrong: "latent z: real[20]\n...\n  mu: dense(10)",
    fixed: "latent z: real[20]\n...\n  mu: dense(20)",
  },
  {
    code: "AE0303",
    title: "layer cannot take its input",
    explanation: "Shapes flow through every layer from the network's input (its conditioning variables, concatenated). `dense` needs a flat input, `conv2d` and `conv2dTranspose` an image [height, width, channels], `reshape` the same number of values, and a `valid` convolution a kernel no larger than its input.",
    wrong: "encoder q(z | x) {   // x: real[784]\n  conv2d(32, 3, activation = relu)\n  ...",
    fixed: "encoder q(z | x) {\n  reshape(28, 28, 1)\n  conv2d(32, 3, activation = relu)\n  ...",
  },
  {
    code: "AE0304",
    title: "layer after the heads",
    explanation: "A network is a trunk of layers followed by its heads, which all read the trunk's output. A layer written after a head has no place in that structure.",
    wrong: "mu: dense(20)\nlogvar: dense(20)\ndense(20)",
    fixed: "dense(20)\nmu: dense(20)\nlogvar: dense(20)",
  },
  {
    code: "AE0305",
    title: "discriminator must end in one logit",
    explanation: "A discriminator outputs one unbounded logit per example (the GAN losses apply the sigmoid in a stable form), so it ends in `dense(1)` and has no heads.",
    wrong: "discriminator d(z) { dense(1000, relu); dense(2) }",
    fixed: "discriminator d(z) { dense(1000, relu); dense(1) }",
  },
  {
    code: "AE0306",
    title: "deterministic output has the wrong shape",
    explanation: "A network without a distribution outputs its last layer, which must have its variable's shape.",
    wrong: "latent z: real[2]\nencoder f(z | x) { dense(1000, relu); dense(3) }",
    fixed: "latent z: real[2]\nencoder f(z | x) { dense(1000, relu); dense(2) }",
  },
  // ── distributions and supports ──
  {
    code: "AE0401",
    title: "invalid distribution parameters",
    explanation: "Each distribution is given by one of its parameter sets: Normal(mu, sigma) or Normal(mu, logvar); Bernoulli(logits) or Bernoulli(probs); Categorical(logits) or Categorical(probs); Deterministic(value). A network-level distribution (after `=`) describes a network with one output; give each output of a multi-output network its own head instead.",
    wrong: "encoder q(z | x) = Normal(mu, sigma, logvar) { ... }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { ... }",
  },
  {
    code: "AE0402",
    title: "distribution does not fit the variable's support",
    explanation: "The likelihood is the assumption that gives the loss (Bernoulli gives cross-entropy, a Normal the squared error), so it must fit the data: Bernoulli needs values in [0, 1], Categorical onehot values, Normal real values. A decoder must declare a likelihood, and a generator's last activation must keep its outputs inside the data's support.",
    wrong: "data x: real[784]\ndecoder p(x | z) = Bernoulli(logits) { ... }",
    fixed: "data x: real[784] in [0, 1]\ndecoder p(x | z) = Bernoulli(logits) { ... }",
  },
  {
    code: "AE0403",
    title: "corruption leaves the data's support",
    explanation: "A denoising autoencoder's corruption must produce inputs the model could see: salt-and-pepper values inside the support, no Gaussian noise on binary data, masking only where 0 is a valid value. A corruption no encoder reads has no effect and is an error too.",
    wrong: "data x: real[784] in [0, 1]\ncorrupt x with saltPepper(p = 0.2, high = 2)",
    fixed: "data x: real[784] in [0, 1]\ncorrupt x with saltPepper(p = 0.2)",
  },
  {
    code: "AE0404",
    title: "prior does not fit its variable",
    explanation: "Priors belong to latents (data comes from the dataset), one per latent; Categorical fits onehot latents and the others real ones; MixtureOfGaussians and SwissRoll are 2-D; only a MixtureOfGaussians prior may be conditioned, on a onehot label with one class per component.",
    wrong: "latent z: real[20]\nprior p(z) = MixtureOfGaussians(components = 10)",
    fixed: "latent z: real[2]\nprior p(z) = MixtureOfGaussians(components = 10)",
  },
  {
    code: "AE0405",
    title: "misplaced type modifier",
    explanation: "Only real variables take a support interval `in [low, high]` (binary and onehot fix their values), and only data variables can be `labelled(N)`.",
    wrong: "data x: binary[784] in [0, 1]",
    fixed: "data x: binary[784]",
  },
  {
    code: "AE0406",
    title: "signature does not fit the network's role",
    explanation: "An encoder infers latents from data (`encoder q(z | x)`), a decoder or generator produces data (`decoder p(x | z)`), and a discriminator judges one variable (`discriminator d(z)`). Encoders, decoders and generators need an input after `|`.",
    wrong: "encoder q(x | z) = Normal(mu, logvar) { ... }",
    fixed: "decoder p(x | z) = Normal(mu, logvar) { ... }",
  },
  {
    code: "AE0410",
    title: "logits pass through an activation (warning)",
    explanation: "Logits are unbounded numbers that the likelihood turns into probabilities itself, in a numerically stable form. A sigmoid on them squashes them twice: the model can no longer express confident predictions and its gradients shrink.",
    wrong: "logits: dense(784, sigmoid)",
    fixed: "logits: dense(784)",
  },
  // ── objectives and phases ──
  {
    code: "AE0501",
    title: "objective does not fit the model",
    explanation: "A preset objective combines networks the model must declare: `reconstruction`, `elbo` and `iwae` an encoder and a decoder with a likelihood; `gan` one generator and one discriminator on its output; `aae` also a discriminator on every latent.",
    wrong: "objective elbo   // and no decoder",
    fixed: "decoder p(x | z) = Bernoulli(logits) { ... }\nobjective elbo",
  },
  {
    code: "AE0502",
    title: "KL needs a reparameterisable posterior",
    explanation: "ELBO and IWAE differentiate through samples z = mu + sigma * eps, which needs a Normal posterior. A deterministic encoder has no KL to a prior; regularise it adversarially instead (AAE).",
    wrong: "encoder q(z | x) { dense(500, relu); dense(20) }\nobjective elbo",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { dense(500, relu); mu: dense(20); logvar: dense(20) }\nobjective elbo",
  },
  {
    code: "AE0503",
    title: "KL to this prior cannot be computed",
    explanation: "ELBO and IWAE evaluate log p(z). SwissRoll can only be sampled, and the KL from a Normal posterior to a Uniform prior is infinite. Such priors suit adversarial regularisation, which needs only samples. (A mixture of Gaussians has a density: its KL is estimated by Monte Carlo.)",
    wrong: "prior p(z) = SwissRoll()\nobjective elbo",
    fixed: "prior p(z) = SwissRoll()\nobjective aae",
  },
  {
    code: "AE0504",
    title: "adversarial samples do not match the discriminator",
    explanation: "`gan_d(d, real = …, fake = …)` and `gan_g(d, fake = …)` compare samples of the variable `d` judges. Real samples come from a prior (`p(z)`) or the data (`x`); fake samples from a network (`q(z | x)`, `g(x | z)`).",
    wrong: "discriminator d(z) { ... }\nphase discriminate minimize gan_d(d, real = x, fake = q(z | x)) over d",
    fixed: "discriminator d(z) { ... }\nphase discriminate minimize gan_d(d, real = p(z), fake = q(z | x)) over d",
  },
  {
    code: "AE0505",
    title: "latent without a prior",
    explanation: "A latent that no encoder produces needs a prior to be sampled from; in a generative model every latent needs one (or the model could not sample it); KL terms and adversarial regularisation compare against it.",
    wrong: "latent c: onehot[10]   // no prior, but judged by d_c",
    fixed: "latent c: onehot[10]\nprior p(c) = Categorical(uniform)",
  },
  {
    code: "AE0506",
    title: "network never trained",
    explanation: "No phase lists the network in `over`, so its weights would keep their random initial values.",
    wrong: "phase reconstruct minimize nll(p(x | z), x) over encoder\n// the decoder p is never updated",
    fixed: "phase reconstruct minimize nll(p(x | z), x) over encoder, decoder",
  },
  {
    code: "AE0507",
    title: "phase updates a network its loss does not reach",
    explanation: "A phase updates exactly the networks in `over`, and each must be one the loss depends on. `gan_d` is the discriminator's loss (the samples it judges are held fixed) and `gan_g` the generator's (the discriminator is held fixed): the classic adversarial bug is an optimizer that also moves the other side.",
    wrong: "phase regularize minimize gan_g(d, fake = q(z | x)) over encoder, d",
    fixed: "phase regularize minimize gan_g(d, fake = q(z | x)) over encoder",
  },
  {
    code: "AE0508",
    title: "no objective, or two",
    explanation: "A model is trained either by a preset `objective` or by explicit phases in its train block, not both (the preset expands into phases of its own) and not neither.",
    wrong: "objective aae\ntrain { ...; phase reconstruct minimize ... }",
    fixed: "train { ...; phase reconstruct minimize ... }",
  },
  {
    code: "AE0509",
    title: "labelled subset misuse",
    explanation: "A data variable declared `labelled(N)` is known for N training examples only, so every phase that reads it runs `on labelled`; `on labelled` in turn needs such a variable.",
    wrong: "phase classify minimize nll(q(c | x), y) over encoder",
    fixed: "phase classify minimize nll(q(c | x), y) over encoder on labelled",
  },
  {
    code: "AE0510",
    title: "loss term used wrongly",
    explanation: "`nll(p(x | z), x)` scores a likelihood on its own variable (or, for an encoder's Categorical head, on onehot labels); `kl(q(z | x), p(z))` takes an encoder's posterior and the same variable's prior; `gan_d`/`gan_g` take a discriminator and named samples; `contractive(f(z | x), x)` takes an encoder and one of its inputs.",
    wrong: "minimize nll(p(x | z), z)",
    fixed: "minimize nll(p(x | z), x)",
  },
  {
    code: "AE0511",
    title: "no such density",
    explanation: "Loss terms name densities as the model declares them: `p(x | z)` for `decoder p(x | z)`, `q(c | x)` for one output of `encoder q(z, c | x)`, `p(z)` for `prior p(z)`. The conditioning variables must be exactly the declared ones.",
    wrong: "gan_d(d, real = p(z), fake = q(z))",
    fixed: "gan_d(d, real = p(z), fake = q(z | x))",
  },
  {
    code: "AE0512",
    title: "loss is not a weighted sum",
    explanation: "A phase minimises a weighted sum of loss terms: weights are numbers, terms are added or subtracted. Products of terms and bare constants have no meaning as a training signal.",
    wrong: "minimize nll(p(x | z), x) * kl(q(z | x), p(z))",
    fixed: "minimize nll(p(x | z), x) + kl(q(z | x), p(z))",
  },
  {
    code: "AE0513",
    title: "no optimizer",
    explanation: "Each phase has an optimizer: its own (`using adam(lr = 2e-4)`) or the train block's `optimizer`.",
    wrong: "train { batch 100; epochs 50; phase discriminate minimize gan_d(...) over d }",
    fixed: "train { batch 100; epochs 50; phase discriminate minimize gan_d(...) over d using adam(lr = 2e-4) }",
  },
  {
    code: "AE0514",
    title: "train block incomplete",
    explanation: "Every model says how it is trained: a `train` block with `batch` and `epochs` (`aec train` flags may override them for one run).",
    wrong: "train { optimizer adam(lr = 1e-3); batch 128 }",
    fixed: "train { optimizer adam(lr = 1e-3); batch 128; epochs 10 }",
  },
  {
    code: "AE0515",
    title: "variable produced twice",
    explanation: "Each latent has one encoder and each data variable one decoder or generator; otherwise `q(z | x)` and the sampling of z would be ambiguous.",
    wrong: "encoder q(z | x) { ... }\nencoder q2(z | x) { ... }",
    fixed: "encoder q(z | x) { ... }",
  },
  // ── numbers ──
  {
    code: "AE0601",
    title: "size must be a positive integer",
    explanation: "Dimensions, units, filters, kernels, strides, batch sizes, epochs, sample counts (k) and label counts are whole numbers of at least 1.",
    wrong: "dense(500.5, relu)",
    fixed: "dense(500, relu)",
  },
  {
    code: "AE0602",
    title: "value must be positive",
    explanation: "Learning rates, standard deviations, radii and similar scales must be greater than 0.",
    wrong: "optimizer adam(lr = -1e-3)",
    fixed: "optimizer adam(lr = 1e-3)",
  },
  {
    code: "AE0603",
    title: "value must not be negative",
    explanation: "Weights such as β and noise levels are at least 0 (β = 0 drops the KL term; a negative β would reward divergence from the prior).",
    wrong: "objective elbo(beta = -1)",
    fixed: "objective elbo(beta = 4)",
  },
  {
    code: "AE0604",
    title: "probability out of [0, 1]",
    explanation: "Corruption and dropout rates, momentum and decay factors are probabilities.",
    wrong: "corrupt x with masking(p = 1.5)",
    fixed: "corrupt x with masking(p = 0.25)",
  },
  {
    code: "AE0605",
    title: "number out of range",
    explanation: "A number that is not finite (`1e999`), or bounds that describe an empty range (`in [1, 0]`, `Uniform(2, 1)`).",
    wrong: "data x: real[784] in [1, 0]",
    fixed: "data x: real[784] in [0, 1]",
  },
  {
    code: "AE0606",
    title: "wrong kind of value",
    explanation: "A number was expected and a name or call was found, or the other way round (an activation name, a layer inside a head's distribution, an optimizer call).",
    wrong: "batch relu",
    fixed: "batch 128",
  },
  {
    code: "AE0607",
    title: "too large",
    explanation: "Sizes above 1,000,000, variables above 10 million values and networks above 200 million parameters are rejected: they cannot be trained here and are almost always a typo. The bound also keeps the compiler's own work small for any input.",
    wrong: "data x: real[1e12]",
    fixed: "data x: real[784]",
  },
  // ── lints (--lint) ──
  {
    code: "AE0701",
    title: "Gaussian likelihood on [0, 1] data (lint)",
    explanation: "A Normal likelihood puts probability outside [0, 1], and with a sigmoid output its squared-error gradient vanishes near the bounds. Bernoulli(logits) fits intensities in [0, 1] and its cross-entropy gradient does not stall.",
    wrong: "data x: real[784] in [0, 1]\ndecoder p(x | z) = Normal(mu, logvar) { ... }",
    fixed: "data x: real[784] in [0, 1]\ndecoder p(x | z) = Bernoulli(logits) { ... }",
  },
  {
    code: "AE0702",
    title: "latent larger than the data (lint)",
    explanation: "An overcomplete code can copy its input and learn nothing; it needs a regulariser such as input noise or a contractive penalty. Keep the warning with `// aec: allow AE0702 — why` when that is the intent.",
    wrong: "data x: real[784] in [0, 1]\nlatent z: real[1000]   // plain autoencoder",
    fixed: "latent z: real[32]",
  },
  {
    code: "AE0703",
    title: "discriminator much larger than what it judges (lint)",
    explanation: "A discriminator with more than four times the parameters of the network whose outputs it judges tends to win outright, leaving that network with vanishing gradients.",
    wrong: "encoder q(z | x) { dense(2) }\ndiscriminator d(z) { dense(1000, relu); dense(1000, relu); dense(1) }",
    fixed: "encoder q(z | x) { dense(1000, relu); dense(1000, relu); dense(2) }",
  },
  {
    code: "AE0704",
    title: "unused declaration (lint)",
    explanation: "A variable that no network, prior or loss term reads or writes.",
    wrong: "data y: onehot[10]   // never used",
    fixed: "// removed",
  },
  // ── inputs and internal ──
  {
    code: "AE0901",
    title: "cannot read input",
    explanation: "A path given on the command line does not exist, is not readable, or is a folder with no `.aespec` files in it.",
  },
  {
    code: "AE0902",
    title: "refusing to overwrite a file",
    explanation: "`aec compile` only overwrites files that start with its `// @generated by aec` header, so it never destroys a file someone wrote by hand. Move the file away or pick another `--out` folder.",
  },
  {
    code: "AE0903",
    title: "unusable training data",
    explanation: "The data given to `aec train --data` cannot feed the model: a file is missing, truncated or malformed (IDX, CSV, PNG), its shape differs from the data variable's, or a value lies outside the support the spec declares (pixels above 1 for a Bernoulli likelihood). The message names the file, line or example.",
  },
  {
    code: "AE0904",
    title: "run folder problem",
    explanation: "`aec train` never overwrites a run: a folder that already holds one needs `--resume` (with the same spec) or another `--out`. `--resume`, `aec eval` and `aec sample` need a folder with a complete checkpoint.",
  },
  {
    code: "AE0905",
    title: "spec cannot be trained",
    explanation: "`aec train` checks the spec first; it must check without errors and declare exactly one model.",
  },
  {
    code: "AE0906",
    title: "a loss term stopped being finite",
    explanation: "A loss term became NaN or infinite during training, so training stopped; the last complete checkpoint is kept. The usual fixes: a lower learning rate, gradient clipping (`clipNorm 5` in the train block), or a bounded log-variance.",
  },
  {
    code: "AE0907",
    title: "run cannot sample",
    explanation: "`aec sample` draws from the prior and decodes; models whose decoder reads a latent without a prior (a plain autoencoder) or whose data is not an image cannot be sampled this way.",
  },
  {
    code: "AE0908",
    title: "no such phase",
    explanation: "`aec graph --phase NAME` names a phase the model does not have; the message lists the phases it has (a preset objective's phases are named after it: `elbo`, `reconstruct`, `discriminate`, …).",
  },
  {
    code: "AE0909",
    title: "cannot train on several workers",
    explanation: "`aec train --workers N` splits every batch into N shards, one per replica. It needs a batch of at least N examples, and a model without moving statistics (`batchNorm`): each replica would keep its own, and the replicas' weights would drift apart. Train such a model with one worker.",
  },
  {
    code: "AE0999",
    title: "internal compiler error",
    explanation: "The compiler itself failed. This is always a bug in aespec, never in your spec: please file an issue with the spec that triggered it and the output of the command run with AEC_DEBUG=1.",
  },
];

export const catalog: ReadonlyMap<string, CatalogEntry> = new Map(entries.map((e) => [e.code, e]));

export function explain(code: string): string | undefined {
  const entry = catalog.get(code.toUpperCase());
  if (!entry) return undefined;
  const parts = [`${entry.code}: ${entry.title}`, "", entry.explanation];
  if (entry.wrong) parts.push("", "For example, this is wrong:", "", indent(entry.wrong));
  if (entry.fixed) parts.push("", "and this is right:", "", indent(entry.fixed));
  return parts.join("\n");
}

function indent(text: string): string {
  return text.split("\n").map((l) => `    ${l}`).join("\n");
}
