import type { Diagnostic, Severity } from "./diagnostic.js";
import { withArticle } from "./suggest.js";
import { maxEnumeratedClasses } from "../language/vocabulary.js";

/**
 * Every diagnostic code the compiler can report: its title, its severity, every message
 * it is reported with, and the longer explanation behind `aec explain CODE`. Codes are
 * stable: a code is never reused for another meaning.
 *   AE01xx syntax · AE02xx names · AE03xx shapes · AE04xx distributions and supports
 *   AE05xx objectives and phases · AE06xx numbers · AE07xx lints · AE09xx inputs and internal
 *
 * Diagnostics are made only through `diagnose` (below), derived from these entries, so a
 * code, a message name or a message's arguments that the catalogue does not have is a
 * compile error, and a code's severity is decided here, never where it is reported.
 */

/** What a message template gives: the message, with help (and a note) where they are fixed text. */
export type Text = string | { readonly message: string; readonly help?: string; readonly note?: string };

interface Definition {
  readonly title: string;
  readonly severity: Severity;
  readonly explanation: string;
  /** A spec fragment with the mistake, and the same fragment fixed. */
  readonly wrong?: string;
  readonly fixed?: string;
  /** Every message reported under the code, by name; the arguments are what differs between reports. */
  readonly messages: Readonly<Record<string, (...args: never[]) => Text>>;
}

const definitions = {
  AE0101: {
    title: "unexpected character",
    severity: "error",
    explanation:
      "The lexer met a character that starts no token of the language. Names are ASCII letters, digits and `_` " +
      "(so look-alike letters from other scripts can never reach generated code); other characters may appear only inside comments.",
    wrong: "latent ζ: real[2]",
    fixed: "latent zeta: real[2]   // ζ",
    messages: {
      unexpectedCharacter: (shown: string) => `unexpected character ${shown}`,
      unexpectedCharacters: (a: { shown: string; more: boolean }) => `unexpected characters ${a.shown}${a.more ? "…" : ""}`,
    },
  },
  AE0102: {
    title: "unexpected token",
    severity: "error",
    explanation:
      "The parser found a token where the grammar does not allow it. The message names the construct being read " +
      "and lists what may come next there. Reserved words (`model`, `data`, `latent`, `prior`, `encoder`, `decoder`, " +
      "`generator`, `discriminator`, `corrupt`, `with`, `objective`, `train`, `phase`, `minimize`, `over`, `using`, `on`, `in`, `labelled`) cannot be used as names.",
    wrong: "encodr q(z | x) = Normal(mu, logvar) { ... }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { ... }",
    messages: {
      unexpectedToken: (a: { found: string; construct: string; expected: string }) => `unexpected ${a.found} in ${a.construct}: expected ${a.expected}`,
    },
  },
  AE0103: {
    title: "unexpected end of file",
    severity: "error",
    explanation: "The file ended in the middle of a construct, most often because a `{`, `(` or `[` opened earlier is never closed.",
    wrong: "model VAE {\n  data x: real[784] in [0, 1]\n",
    fixed: "model VAE {\n  data x: real[784] in [0, 1]\n}",
    messages: {
      unexpectedEnd: (a: { construct: string; expected: string }) => `unexpected end of file in ${a.construct}: expected ${a.expected}`,
    },
  },
  AE0104: {
    title: "unclosed block comment",
    severity: "error",
    explanation: "A `/*` comment runs to the end of the file because its closing `*/` is missing; everything after it would be ignored.",
    wrong: "/* Kingma & Welling 2014\nmodel VAE { ... }",
    fixed: "/* Kingma & Welling 2014 */\nmodel VAE { ... }",
    messages: {
      unclosedComment: () => ({ message: "block comment is never closed", help: "close it with `*/`" }),
    },
  },
  AE0105: {
    title: "no model in the file",
    severity: "error",
    explanation: "A spec file holds one or more `model Name { ... }` blocks; this one holds none (it is empty or only comments).",
    wrong: "// TODO",
    fixed: "model AE {\n  ...\n}",
    messages: {
      noModel: () => ({ message: "the file declares no model", help: "a spec starts with `model Name { ... }`" }),
    },
  },
  AE0106: {
    title: "input too large",
    severity: "error",
    explanation: "Specs are limited to 1 MiB so that the compiler's work per input is bounded. A real model spec is a few kilobytes.",
    messages: {
      tooLarge: (a: { length: number; limit: number }) => ({
        message: `the spec is ${a.length} characters long; specs are limited to ${a.limit} characters`,
        help: "a model spec is a few dozen lines; check that this is the file you meant",
      }),
    },
  },
  AE0107: {
    title: "nesting too deep",
    severity: "error",
    explanation: "Brackets (or chains of unary minus) are nested more than 64 deep. No model needs this; the limit keeps the parser's recursion bounded.",
    wrong: "objective elbo(beta = ((((((((1))))))))...)",
    fixed: "objective elbo(beta = 1)",
    messages: {
      tooDeep: (limit: number) => ({ message: `brackets are nested more than ${limit} deep`, help: "no model needs this much nesting; check for unbalanced brackets" }),
    },
  },
  AE0108: {
    title: "further syntax errors not shown",
    severity: "note",
    explanation: "Only the first 20 syntax errors of a file (and the first 50 diagnostics of a model) are reported; later ones are often consequences of the first. Fix these and run again.",
    messages: {
      syntaxErrors: (shown: number) => `further syntax errors are not shown (only the first ${shown} are reported)`,
      modelDiagnostics: (a: { model: string; shown: number }) => `further diagnostics for model \`${a.model}\` are not shown (only the first ${a.shown})`,
    },
  },
  AE0109: {
    title: "not a text file",
    severity: "error",
    explanation: "The file holds control bytes or bytes that are not valid UTF-8, so it is not a spec (perhaps a binary file was named by mistake). Specs are UTF-8 text.",
    messages: {
      notText: () => ({ message: "this file is not a text spec: it holds control bytes or invalid UTF-8", help: "specs are UTF-8 text; check that this is the file you meant" }),
    },
  },
  // ── names ──
  AE0201: {
    title: "declared twice",
    severity: "error",
    explanation: "Every variable, network, phase, prior and train setting is declared once, and one name never means two things: a variable and a network both called `d` would make `gan_d(d, …)` ambiguous.",
    wrong: "latent z: real[20]\nlatent z: real[10]",
    fixed: "latent z: real[20]\nlatent style: real[10]",
    messages: {
      modelTwice: (model: string) => `model \`${model}\` is declared twice in this file`,
      declaredTwice: (a: { what: string; name: string }) => `${a.what} \`${a.name}\` is declared twice`,
      declaredAsTwoThings: (a: { name: string; first: string; second: string }) => `\`${a.name}\` is declared as a ${a.first} and as a ${a.second}`,
      trainBlocks: () => ({ message: "the model has more than one train block", help: "merge them into one" }),
      corruptedTwice: (variable: string) => `\`${variable}\` is corrupted twice`,
      twoPriors: (variable: string) => `\`${variable}\` has two priors`,
      setTwice: (setting: string) => `\`${setting}\` is set twice`,
      listedTwice: (network: string) => `\`${network}\` is listed twice`,
    },
  },
  AE0202: {
    title: "unknown variable",
    severity: "error",
    explanation: "A signature, prior, corruption or loss names a variable that is not declared with `data` or `latent`.",
    wrong: "decoder p(x | zz) = Bernoulli(logits) { ... }",
    fixed: "decoder p(x | z) = Bernoulli(logits) { ... }",
    messages: {
      unknownVariable: (name: string) => `unknown variable \`${name}\``,
    },
  },
  AE0203: {
    title: "unknown or ambiguous network",
    severity: "error",
    explanation: "A phase's `over` list or a discriminator argument names a network that does not exist, or names a role (`encoder`) that several networks share. Name networks by their signature's name (`d_z`) or by a role that only one network has.",
    wrong: "phase discriminate minimize gan_d(d, real = p(z), fake = q(z | x)) over dd",
    fixed: "phase discriminate minimize gan_d(d, real = p(z), fake = q(z | x)) over d",
    messages: {
      ambiguousRole: (a: { role: string; networks: readonly string[] }) => ({
        message: `the model has ${a.networks.length} ${a.role}s; name the one you mean`,
        help: `its ${a.role}s are ${a.networks.map((n) => `\`${n}\``).join(", ")}`,
      }),
      unknownNetwork: (name: string) => `unknown network \`${name}\``,
    },
  },
  AE0204: {
    title: "unknown name",
    severity: "error",
    explanation: "A type, layer, activation, distribution, prior, corruption, objective, optimizer, train setting or loss term that the language does not define. The message says which kind was expected and suggests the closest known name. `docs/language.md` lists them all.",
    wrong: "dense(500, rellu)",
    fixed: "dense(500, relu)",
    messages: {
      unknown: (a: { kind: "type" | "layer" | "distribution" | "prior" | "corruption" | "objective" | "optimizer" | "train setting" | "loss term" | "flow" | "schedule"; name: string }) => `unknown ${a.kind} \`${a.name}\``,
      unknownChoice: (a: { what: string; name: string; call: string }) => `unknown ${a.what} \`${a.name}\` in ${a.call}`,
    },
  },
  AE0205: {
    title: "distribution parameter never produced",
    severity: "error",
    explanation: "A network's distribution reads its parameters from heads (`Normal(mu, logvar)` reads heads `mu` and `logvar`), and a network with several outputs needs a head per output variable. One of them is missing.",
    wrong: "encoder q(z | x) = Normal(mu, logvar) {\n  dense(500, relu)\n  mu: dense(20)\n}",
    fixed: "encoder q(z | x) = Normal(mu, logvar) {\n  dense(500, relu)\n  mu: dense(20)\n  logvar: dense(20)\n}",
    messages: {
      noHeads: (a: { network: string; outputs: readonly string[] }) => `\`${a.network}\` outputs ${a.outputs.map((o) => `\`${o}\``).join(" and ")}, but has no heads to produce them`,
      neverProduced: (a: { variable: string; network: string }) => `\`${a.variable}\` is never produced: \`${a.network}\` has no head \`${a.variable}\``,
      headMissing: (a: { parameter: string; distribution: string; head: string }) => `the ${a.parameter} of ${a.distribution} comes from head \`${a.head}\`, which the network never produces`,
    },
  },
  AE0206: {
    title: "unused head (warning)",
    severity: "warning",
    explanation: "A head that no distribution parameter reads: its weights are trained by nothing and it costs computation.",
    wrong: "encoder q(z | x) = Normal(mu, logvar) { mu: dense(20); logvar: dense(20); sigma: dense(20) }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { mu: dense(20); logvar: dense(20) }",
    messages: {
      unusedHead: (a: { head: string; network: string }) => ({ message: `head \`${a.head}\` of \`${a.network}\` is never used`, help: "remove it, or name it in the network's distribution" }),
    },
  },
  AE0207: {
    title: "unknown parameter",
    severity: "error",
    explanation: "A named argument that the layer, distribution, optimizer or objective does not take.",
    wrong: "optimizer adam(lrate = 1e-3)",
    fixed: "optimizer adam(lr = 1e-3)",
    messages: {
      unknownParameter: (a: { call: string; name: string }) => `${a.call} has no parameter \`${a.name}\``,
    },
  },
  AE0208: {
    title: "wrong arguments",
    severity: "error",
    explanation: "Too many arguments, a required one missing, one given twice, or a positional argument after named ones. Positional arguments fill the parameters in the order `docs/language.md` lists them.",
    wrong: "conv2d(8, 3, stride = 2, relu)",
    fixed: "conv2d(8, 3, stride = 2, activation = relu)",
    messages: {
      conditioning: (call: string) => `${call} takes no conditioning part after \`|\``,
      givenTwice: (a: { call: string; parameter: string }) => `${a.call}: \`${a.parameter}\` is given twice`,
      positionalAfterNamed: (call: string) => ({ message: `${call}: a positional argument cannot follow named ones`, help: "write positional arguments first, or name this one" }),
      tooMany: (a: { call: string; most: number; given: number }) =>
        `${a.call} takes ${a.most === 0 ? "no arguments" : `at most ${a.most} argument${a.most === 1 ? "" : "s"}`}, but ${a.given} are given`,
      missing: (a: { call: string; parameter: string; doc: string }) => `${a.call} needs \`${a.parameter}\` (${a.doc})`,
    },
  },
  AE0209: {
    title: "reserved name",
    severity: "error",
    explanation: "Variables, networks and phases become keys of the objects generated code and apps exchange (batches, outputs). Names every JavaScript object already has (`constructor`, `toString`, `__proto__`, …) and names starting with `__` could replace an object's members or its prototype, so they are refused.",
    wrong: "data constructor: real[784] in [0, 1]",
    fixed: "data image: real[784] in [0, 1]",
    messages: {
      reservedName: (name: string) => ({
        message: `\`${name}\` cannot be used as a name: every JavaScript object already has a member of that name`,
        help: "choose another name (names starting with `__` are reserved too)",
      }),
    },
  },
  AE0226: {
    title: "discriminator conditioned on a latent",
    severity: "error",
    explanation:
      "A conditional discriminator `d(x | y)` judges pairs: real samples of x with their y, fake samples with theirs. The condition is read from the batch, so it is the same value for both sides of a row " +
      "(the label the generator was given, the label of the example an encoder coded). A latent has no such value: the real side (data, a prior) and the fake side (a network) would each draw their own. Condition on a data variable.",
    wrong: "latent c: onehot[10]\ndiscriminator d(x | c) { ...; dense(1) }",
    fixed: "data y: onehot[10]\ndiscriminator d(x | y) { ...; dense(1) }",
    messages: {
      latentCondition: (a: { discriminator: string; variable: string; judged: string }) => ({
        message: `\`${a.discriminator}\` is conditioned on the latent \`${a.variable}\`, which has no one value for the real and the fake samples of \`${a.judged}\``,
        help: `condition on a data variable (\`data y: onehot[10]\` and \`discriminator ${a.discriminator}(${a.judged} | y)\`), whose value the batch gives both sides`,
      }),
    },
  },
  AE0227: {
    title: "conditional discriminator starts with an image layer",
    severity: "error",
    explanation:
      "A conditional discriminator `d(x | y)` reads x and its conditions concatenated into one flat vector, as every network with several inputs does, so its first layer sees no image: it starts with dense layers " +
      "(the conditional GAN's discriminator is dense), or judges x alone, `d(x)`.",
    wrong: "data x: real[28, 28, 1] in [0, 1]\ndiscriminator d(x | y) { conv2d(16, 3, stride = 2); flatten; dense(1) }",
    fixed: "data x: real[28, 28, 1] in [0, 1]\ndiscriminator d(x | y) { dense(512, leakyRelu); dense(1) }",
    messages: {
      flatInput: (a: { discriminator: string; variables: string; width: number; layer: string }) => ({
        message: `\`${a.discriminator}\` reads ${a.variables} concatenated into one flat vector of ${a.width}, but its first layer \`${a.layer}\` needs an image`,
        help: "start a conditional discriminator with dense layers",
      }),
    },
  },
  // ── shapes ──
  AE0301: {
    title: "malformed variable shape",
    severity: "error",
    explanation: "A onehot variable has one dimension, its number of classes. A latent may have two, `onehot[N, K]`: N independent groups of K classes each, encoded by a RelaxedCategorical (AE0449).",
    wrong: "data y: onehot[10, 2]",
    fixed: "data y: onehot[10]",
    messages: {
      onehotDimensions: (a: { variable: string; dimensions: number }) => ({
        message: `a onehot variable has one dimension, its number of classes (a latent may have two: groups and classes); \`${a.variable}\` has ${a.dimensions}`,
        help: "write `onehot[10]` for ten classes",
      }),
      oneClass: (variable: string) => ({
        message: `\`${variable}\` is a onehot variable with one class: it can only ever hold [1], so there is nothing to learn or encode`,
        help: "give it at least two classes, e.g. `onehot[10]`",
      }),
    },
  },
  AE0302: {
    title: "head shape differs from its variable",
    severity: "error",
    explanation: "Every head that gives a distribution parameter must have its variable's shape: the mean of a 20-dimensional latent has 20 values.",
    wrong: "latent z: real[20]\n...\n  mu: dense(10)",
    fixed: "latent z: real[20]\n...\n  mu: dense(20)",
    messages: {
      headShape: (a: { head: string; shape: string; variable: string; variableShape: string }) => `head \`${a.head}\` produces ${a.shape}, but \`${a.variable}\` is ${a.variableShape}`,
    },
  },
  AE0303: {
    title: "layer cannot take its input",
    severity: "error",
    explanation: "Shapes flow through every layer from the network's input (its conditioning variables, concatenated). `dense` needs a flat input, `conv2d`, `conv2dTranspose`, the pooling layers and `upsample2d` an image [height, width, channels], `reshape` the same number of values, and a `valid` convolution a kernel no larger than its input.",
    wrong: "encoder q(z | x) {   // x: real[784]\n  conv2d(32, 3, activation = relu)\n  ...",
    fixed: "encoder q(z | x) {\n  reshape(28, 28, 1)\n  conv2d(32, 3, activation = relu)\n  ...",
    messages: {
      denseNeedsFlat: (input: string) => ({ message: `dense needs a flat input, but gets ${input}`, help: "add `flatten` before it" }),
      convNeedsImage: (a: { layer: string; input: string }) => `${a.layer} needs an image input [height, width, channels], but gets ${a.input}`,
      kernelTooLarge: (a: { layer: string; kernel: number; height: number; width: number }) => ({
        message: `${a.layer} with kernel ${a.kernel} and \`valid\` padding does not fit the ${a.height}×${a.width} input`,
        help: "use a smaller kernel or `padding = same`",
      }),
      reshapeWithoutDimensions: () => ({ message: "reshape needs the dimensions to reshape to", help: "for example `reshape(28, 28, 1)`" }),
      reshapeSize: (a: { to: string; needs: number; input: string; has: number }) => `reshape to ${a.to} needs ${a.needs} values, but its input ${a.input} has ${a.has}`,
    },
  },
  AE0304: {
    title: "layer after the heads",
    severity: "error",
    explanation: "A network is a trunk of layers followed by its heads, which all read the trunk's output. A layer written after a head has no place in that structure.",
    wrong: "mu: dense(20)\nlogvar: dense(20)\ndense(20)",
    fixed: "dense(20)\nmu: dense(20)\nlogvar: dense(20)",
    messages: {
      layerAfterHeads: () => ({ message: "a layer after the heads", help: "layers form the trunk that every head reads; write them before the first head" }),
    },
  },
  AE0305: {
    title: "discriminator must end in one logit",
    severity: "error",
    explanation: "A discriminator outputs one unbounded logit per example (the GAN losses apply the sigmoid in a stable form), so it ends in `dense(1)` and has no heads.",
    wrong: "discriminator d(z) { dense(1000, relu); dense(2) }",
    fixed: "discriminator d(z) { dense(1000, relu); dense(1) }",
    messages: {
      heads: () => ({ message: "a discriminator outputs one logit and has no heads", help: "end it with `dense(1)`" }),
      notOneLogit: (a: { network: string; shape: string }) => ({
        message: `a discriminator must end in one logit, but \`${a.network}\` ends in ${a.shape}`,
        help: "end it with `dense(1)` (no activation: the losses take logits)",
      }),
      squashed: (a: { network: string; activation: string }) => ({
        message: `the last layer of discriminator \`${a.network}\` applies ${a.activation}, but the GAN losses read its output as a logit`,
        help: "drop the activation: the losses apply the sigmoid themselves, in a numerically stable form",
      }),
    },
  },
  AE0306: {
    title: "deterministic output has the wrong shape",
    severity: "error",
    explanation: "A network without a distribution outputs its last layer, which must have its variable's shape.",
    wrong: "latent z: real[2]\nencoder f(z | x) { dense(1000, relu); dense(3) }",
    fixed: "latent z: real[2]\nencoder f(z | x) { dense(1000, relu); dense(2) }",
    messages: {
      outputShape: (a: { network: string; shape: string; variable: string; variableShape: string }) => `\`${a.network}\` ends in ${a.shape}, but \`${a.variable}\` is ${a.variableShape}`,
    },
  },
  AE0307: {
    title: "pooling window larger than its input",
    severity: "error",
    explanation: "`maxPool2d` and `avgPool2d` pool whole size × size windows without padding, so the window must fit inside the image it reads: an image smaller than the window has no window to pool.",
    wrong: "reshape(4, 4, 8)\nmaxPool2d(5)",
    fixed: "reshape(4, 4, 8)\nmaxPool2d(2)",
    messages: {
      windowTooLarge: (a: { layer: string; size: number; height: number; width: number }) => ({
        message: `${a.layer} with a ${a.size}×${a.size} window does not fit the ${a.height}×${a.width} input`,
        help: `use a window of at most ${Math.min(a.height, a.width)}, or pool earlier where the image is larger`,
      }),
    },
  },
  AE0308: {
    title: "residual block that changes the shape",
    severity: "error",
    explanation: "A residual block computes x + f(x), f being its layers, so f must give back its input's shape. The language adds no hidden projection: every weight of a model is written in its spec. Change the channels outside the block (a `conv2d(C, 1)` before it) and downsample or upsample outside it too. A block holds layers (and blocks) only, at least one.",
    wrong: "conv2d(32, 3, activation = relu)\nresidual { conv2d(64, 3, activation = relu); conv2d(64, 3) }",
    fixed: "conv2d(64, 3, activation = relu)\nresidual { conv2d(64, 3, activation = relu); conv2d(64, 3) }",
    messages: {
      changesShape: (a: { input: string; output: string }) => `this residual block turns ${a.input} into ${a.output}; x + f(x) needs f(x) shaped as x`,
      empty: () => ({ message: "an empty residual block", help: "write its layers inside the braces, e.g. `residual { conv2d(64, 3, activation = relu); conv2d(64, 3) }`, or remove it" }),
      head: () => ({ message: "a head inside a residual block", help: "heads read the network's last layer: write them after the block" }),
    },
  },
  AE0309: {
    title: "layerNorm over a single value",
    severity: "error",
    explanation: "`layerNorm` normalises over the last axis: the features of a flat input, the channels of each pixel of an image. With one value on that axis, the value minus its own mean is always 0 and the layer outputs its learned shift whatever it reads.",
    wrong: "reshape(28, 28, 1)\nlayerNorm",
    fixed: "reshape(28, 28, 1)\nconv2d(32, 3, activation = relu)\nlayerNorm",
    messages: {
      singleValue: (a: { input: string }) => `layerNorm normalises over the last axis, which has one value in ${a.input}: it would always output its shift`,
    },
  },
  // ── distributions and supports ──
  AE0401: {
    title: "invalid distribution parameters",
    severity: "error",
    explanation: "Each distribution is given by one of its parameter sets: Normal(mu, sigma) or Normal(mu, logvar); Bernoulli(logits) or Bernoulli(probs); Categorical(logits) or Categorical(probs); Deterministic(value); Laplace(mu, scale) or Laplace(mu, logscale); ContinuousBernoulli(logits); DiscretizedLogistic(mu, logscale); DiscretizedLogisticMixture(logits, mu, logscale, components = K); Beta(alpha, beta). A scale may be a named constant or `learned` instead of a head (`Normal(mu, sigma = 0.1)`, see AE0412). A network-level distribution (after `=`) describes a network with one output; give each output of a multi-output network its own head instead.",
    wrong: "encoder q(z | x) = Normal(mu, sigma, logvar) { ... }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { ... }",
    messages: {
      severalOutputs: (a: { network: string; outputs: number }) => `\`${a.network}\` outputs ${a.outputs} variables, so one distribution after \`=\` cannot describe them`,
      givenTwice: () => "the distribution is given twice: after `=` and in a head",
      parametersNameHeads: (a: { distribution: string; example: string }) => `the parameters of ${a.distribution} name heads of the network, e.g. \`${a.distribution}(${a.example})\``,
      unknownParameter: (a: { distribution: string; parameter: string }) => `${a.distribution} has no parameter \`${a.parameter}\``,
      parameterSet: (a: { distribution: string; sets: string; given: readonly string[] }) => `${a.distribution} takes ${a.sets}, not (${a.given.join(", ")})`,
      headParameterSet: (a: { distribution: string; sets: string; head: string; given: readonly string[] }) =>
        `${a.distribution} takes ${a.sets}, but \`${a.head}\` gives (${a.given.join(", ")})`,
    },
  },
  AE0402: {
    title: "distribution does not fit the variable's support",
    severity: "error",
    explanation: "The likelihood is the assumption that gives the loss (Bernoulli gives cross-entropy, a fixed-σ Normal — `Normal(mu, sigma = 0.1)` — the squared error / 2σ²), so it must fit the data: Bernoulli needs values in [0, 1], Categorical onehot values, Normal real values. A decoder must declare a likelihood, and a generator's last activation must keep its outputs inside the data's support.",
    wrong: "data x: real[784]\ndecoder p(x | z) = Bernoulli(logits) { ... }",
    fixed: "data x: real[784] in [0, 1]\ndecoder p(x | z) = Bernoulli(logits) { ... }",
    messages: {
      bernoulliSupport: (a: { density: "posterior" | "likelihood"; variable: string; support: string }) =>
        `Bernoulli ${a.density} needs data in [0, 1], but \`${a.variable}\` is declared ${a.support}`,
      categoricalSupport: (a: { variable: string; support: string }) => `Categorical models a onehot variable, but \`${a.variable}\` is declared ${a.support}`,
      normalSupport: (a: { variable: string; support: string }) => `Normal models real values, but \`${a.variable}\` is ${a.support}`,
      noLikelihood: (decoder: string) => `the decoder \`${decoder}\` declares no likelihood, so its reconstruction loss is undefined`,
      generatorRange: (a: { network: string; variable: string; activation: string; range: string; support: string }) =>
        `\`${a.network}\` can produce values outside \`${a.variable}\`'s support: its last layer's ${a.activation} output ${a.range}, but \`${a.variable}\` is ${a.support}`,
    },
  },
  AE0403: {
    title: "corruption leaves the data's support",
    severity: "error",
    explanation: "A denoising autoencoder's corruption must produce inputs the model could see: salt-and-pepper values inside the support, no Gaussian noise on binary data, masking only where 0 is a valid value. A corruption no encoder reads has no effect and is an error too.",
    wrong: "data x: real[784] in [0, 1]\ncorrupt x with saltPepper(p = 0.2, high = 2)",
    fixed: "data x: real[784] in [0, 1]\ncorrupt x with saltPepper(p = 0.2)",
    messages: {
      latent: (variable: string) => `only data can be corrupted; \`${variable}\` is a latent`,
      gaussianOnDiscrete: (a: { variable: string; support: string }) => ({
        message: `Gaussian noise takes \`${a.variable}\` out of its support (${a.support})`,
        help: "use `saltPepper(p = …)` or `masking(p = …)` for discrete data",
      }),
      saltPepperOnOnehot: () => "salt-and-pepper noise does not keep a onehot vector onehot",
      saltPepperUnbounded: (variable: string) => ({
        message: `\`${variable}\` is unbounded, so salt-and-pepper needs explicit \`low\` and \`high\` values`,
        help: "e.g. `saltPepper(p = 0.1, low = -1, high = 1)`",
      }),
      saltPepperValue: (a: { which: "salt" | "pepper"; value: number; variable: string; support: string }) =>
        `the ${a.which} value ${a.value} is outside \`${a.variable}\`'s support (${a.support})`,
      maskingOutsideSupport: (a: { variable: string; support: string }) => `masking sets values to 0, which is outside \`${a.variable}\`'s support (${a.support})`,
      unread: (variable: string) => `\`${variable}\` is corrupted, but no encoder reads it, so the corruption has no effect`,
    },
  },
  AE0404: {
    title: "prior does not fit its variable",
    severity: "error",
    explanation: "Priors belong to latents (data comes from the dataset), one per latent; Categorical fits onehot latents and the others real ones; MixtureOfGaussians and SwissRoll are 2-D; only a MixtureOfGaussians prior may be conditioned, on a onehot label with one class per component.",
    wrong: "latent z: real[20]\nprior p(z) = MixtureOfGaussians(components = 10)",
    fixed: "latent z: real[2]\nprior p(z) = MixtureOfGaussians(components = 10)",
    messages: {
      severalVariables: () => ({ message: "a prior is over one latent variable", help: "write one prior per latent, e.g. `prior p(z) = Normal(0, 1)`" }),
      data: (variable: string) => ({ message: `\`${variable}\` is data, so it has no prior: its values come from the dataset`, help: "declare it `latent` if the model should infer it" }),
      type: (a: { prior: string; variable: string; type: string }) => `a ${a.prior} prior does not fit \`${a.variable}\`, which is ${a.type}`,
      notTwoDimensional: (a: { prior: string; variable: string; shape: readonly number[] }) => ({
        message: `${a.prior} is a 2-D prior, but \`${a.variable}\` has shape [${a.shape.join(", ")}]`,
        help: `declare \`latent ${a.variable}: real[2]\`, or use Normal(0, 1)`,
      }),
      conditioned: () => ({
        message: "only a MixtureOfGaussians prior can be conditioned, on one onehot label with one class per component",
        help: "e.g. `prior p(z | y) = MixtureOfGaussians(components = 10)` with `data y: onehot[10]`",
      }),
    },
  },
  AE0405: {
    title: "misplaced type modifier",
    severity: "error",
    explanation: "Only real variables take a support interval `in [low, high]` (binary and onehot fix their values), and only data variables can be `labelled(N)`.",
    wrong: "data x: binary[784] in [0, 1]",
    fixed: "data x: binary[784]",
    messages: {
      supportOnDiscrete: (type: string) => ({ message: `only real variables take a support interval; \`${type}\` already fixes its values`, help: "remove `in [...]`" }),
      labelledLatent: (variable: string) => `only data variables can be \`labelled\`; \`${variable}\` is a latent`,
    },
  },
  AE0406: {
    title: "signature does not fit the network's role",
    severity: "error",
    explanation: "An encoder infers latents from data (`encoder q(z | x)`), a decoder or generator produces data (`decoder p(x | z)`), and a discriminator judges one variable (`discriminator d(z)`), optionally given data variables (`discriminator d(x | y)`). Encoders, decoders and generators need an input after `|`.",
    wrong: "encoder q(x | z) = Normal(mu, logvar) { ... }",
    fixed: "decoder p(x | z) = Normal(mu, logvar) { ... }",
    messages: {
      discriminator: () => ({ message: "a discriminator judges one variable, optionally given conditions", help: "write `discriminator d(z)`, or `discriminator d(x | y)` to judge x given y" }),
      noInput: (role: string) => `${withArticle(role)} needs an input after \`|\``,
      output: (a: { role: string; produces: string; variable: string; is: string }) => `${withArticle(a.role)} produces ${a.produces} variables, but \`${a.variable}\` is ${a.is}`,
      outputAndInput: (a: { variable: string; network: string }) => `\`${a.variable}\` is both an output and an input of \`${a.network}\``,
    },
  },
  AE0410: {
    title: "logits pass through an activation (warning)",
    severity: "warning",
    explanation: "Logits are unbounded numbers that the likelihood turns into probabilities itself, in a numerically stable form. A sigmoid on them squashes them twice: the model can no longer express confident predictions and its gradients shrink.",
    wrong: "logits: dense(784, sigmoid)",
    fixed: "logits: dense(784)",
    messages: {
      squashedLogits: (a: { distribution: string; activation: string }) => ({
        message: `the logits of ${a.distribution} pass through ${a.activation}`,
        help: "logits are unbounded: drop the activation (the likelihood applies the sigmoid or softmax itself, in a numerically stable form)",
      }),
    },
  },
  AE0411: {
    title: "probabilities from an unsquashed head",
    severity: "error",
    explanation:
      "A `probs` parameter must hold probabilities: a Bernoulli's in (0, 1), so its head ends in `sigmoid`. A head without it gives numbers outside [0, 1] that the likelihood would silently clip, " +
      "training a different loss than the spec says. A Categorical's probabilities need a softmax, which no layer here provides, so a Categorical is always given by `logits`. " +
      "The checker does not insert the squashing function: what it checks is what is generated. Logits (`Bernoulli(logits)`, a linear head) give the same model and are computed more stably.",
    wrong: "decoder p(x | z) = Bernoulli(probs) { dense(500, relu); probs: dense(784) }",
    fixed: "decoder p(x | z) = Bernoulli(logits) { dense(500, relu); logits: dense(784) }",
    messages: {
      bernoulli: (a: { head: string; activation: string }) => ({
        message: `the probs of Bernoulli come from head \`${a.head}\`, which ends in ${a.activation === "linear" ? "no activation" : a.activation}: its values are not probabilities`,
        help: "give the distribution logits instead (`Bernoulli(logits)` with a linear head), or end the head in `sigmoid`",
      }),
      categorical: (head: string) => ({
        message: `the probs of Categorical come from head \`${head}\`, but no layer computes a softmax: its values are not probabilities`,
        help: "give the distribution logits instead: `Categorical(logits)` with a linear head (the likelihood applies the softmax itself)",
      }),
    },
  },
  AE0440: {
    title: "a prior network reads only latents",
    severity: "error",
    explanation:
      "A prior network (`prior p1(z1 | z2) = Normal(mu, logvar) { ... }`) gives a latent's distribution given other latents: the top-down path of a hierarchical VAE, " +
      "z2 ~ p(z2), z1 ~ p1(z1 | z2), x ~ p(x | z1). `sample()` draws it top-down, so every variable it reads must itself be drawn from a prior or a prior network; data cannot be read.",
    wrong: "prior p1(z1 | x) = Normal(mu, logvar) { ... }",
    fixed: "prior p1(z1 | z2) = Normal(mu, logvar) { ... }",
    messages: {
      dataInput: (a: { network: string; variable: string }) => ({
        message: `the prior network \`${a.network}\` reads \`${a.variable}\`, which is data`,
        help: "a prior network reads latents only (`prior p1(z1 | z2)`); to condition the generative model on data, give that data to the decoder (`decoder p(x | z, y)`)",
      }),
      noInput: (network: string) => ({
        message: `the prior network \`${network}\` reads nothing`,
        help: "write the latents it is conditioned on after `|` (`prior p1(z1 | z2) = Normal(mu, logvar) { ... }`), or give a fixed prior without a body (`prior p(z1) = Normal(0, 1)`)",
      }),
    },
  },
  AE0441: {
    title: "a prior network outputs a Normal",
    severity: "error",
    explanation:
      "A prior network's output is the conditional prior of a real latent: `Normal(mu, logvar)` or `Normal(mu, sigma)`, with its parameters from heads, so that the KL term and log p(z1 | z2) have a density to evaluate.",
    wrong: "prior p1(z1 | z2) = Bernoulli(logits) { ... }",
    fixed: "prior p1(z1 | z2) = Normal(mu, logvar) { ... }",
    messages: {
      distribution: (a: { network: string; distribution: string }) => ({
        message: `the prior network \`${a.network}\` outputs ${a.distribution}; prior networks output a Normal`,
        help: "write `= Normal(mu, logvar)` with heads `mu` and `logvar`",
      }),
    },
  },
  AE0442: {
    title: "a flow follows an encoder's Normal posterior",
    severity: "error",
    explanation:
      "A normalising flow (`then planar(steps = 8)`, `then iaf(steps = 2, hidden = 320)`) transforms the reparameterised sample of an encoder's Normal posterior, z0 = μ + σ·ε, " +
      "into zK through K invertible steps; the ELBO and the IWAE bound subtract Σ log|det ∂zₖ/∂zₖ₋₁| from log q0(z0). It needs a Normal to start from, a latent to transform " +
      "(an encoder's output: likelihoods of data have no use for it), and a flat latent (`real[D]`).",
    wrong: "encoder q(z | x) = Bernoulli(logits) then planar(steps = 8) { ... }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) then planar(steps = 8) { ... }",
    messages: {
      notEncoder: (a: { network: string; role: string }) => ({
        message: `a flow transforms an encoder's posterior, but \`${a.network}\` is ${withArticle(a.role)}`,
        help: "move `then ...` to the encoder of the latent (`encoder q(z | x) = Normal(mu, logvar) then planar(steps = 8)`)",
      }),
      notNormal: (a: { network: string; distribution: string }) => ({
        message: `a flow starts from a Normal posterior, but \`${a.network}\` outputs ${a.distribution}`,
        help: "write `= Normal(mu, logvar) then ...` with heads `mu` and `logvar`",
      }),
      notFlat: (a: { variable: string; shape: readonly number[] }) => ({
        message: `a flow transforms a flat latent, but \`${a.variable}\` is real[${a.shape.join(", ")}]`,
        help: `declare \`latent ${a.variable}: real[${a.shape.reduce((x, y) => x * y, 1)}]\``,
      }),
    },
  },
  // ── likelihood parameters and supports (issue 15) ──
  AE0443: {
    title: "a Normal's fixed variance is beyond what training represents",
    severity: "error",
    explanation:
      "Training holds every Normal's log-variance to [2 ln 1e-6, 2 ln 1e6] ≈ [−27.63, 27.63], σ from 1e-6 to 1e6: inside it σ², 1/σ², samples, log-densities and KLs stay finite " +
      "in float32. A head's or a learned log-variance is clamped to that range where the Normal is formed (docs/likelihoods-numerics.md); a constant is the number you wrote, so one " +
      "outside the range is refused rather than changed.",
    wrong: "decoder p(x | z) = Normal(mu, logvar = -60) { ... }",
    fixed: "decoder p(x | z) = Normal(mu, logvar = -6) { ... }",
    messages: {
      variance: (a: { distribution: string; parameter: string; value: number; low: number; high: number }) => ({
        message: `\`${a.parameter} = ${a.value}\` puts ${a.distribution}'s log-variance outside [${a.low.toFixed(2)}, ${a.high.toFixed(2)}], the range float32 training holds it to`,
        help: a.parameter === "sigma" ? "use a standard deviation between 1e-6 and 1e6" : `use a log-variance between ${a.low.toFixed(2)} and ${a.high.toFixed(2)}`,
      }),
    },
  },
  AE0412: {
    title: "a parameter that must be a head is given a constant or `learned`",
    severity: "error",
    explanation:
      "A likelihood's location (mu, logits, alpha, beta) depends on the input, so it comes from a head. Its scale may instead be a constant (`Normal(mu, sigma = 0.1)`: squared error / 2σ² plus ½·log 2πσ²) " +
      "or a weight the network learns (`logvar = learned`: one per dimension; `logvar = learned(shared)`: one scalar). The scale parameters are Normal's sigma and logvar, Laplace's scale and logscale, and DiscretizedLogistic's logscale.",
    wrong: "decoder p(x | z) = Normal(mu = 0.5, sigma) { ... }",
    fixed: "decoder p(x | z) = Normal(mu, sigma = 0.1) { ... }",
    messages: {
      notFixable: (a: { distribution: string; parameter: string }) => `\`${a.parameter}\` of ${a.distribution} depends on the input, so it names a head: it cannot be a constant or \`learned\``,
      learnedForm: (parameter: string) => ({ message: `\`${parameter} = learned(…)\` takes only \`shared\``, help: "write `learned` (one value per dimension) or `learned(shared)` (one scalar)" }),
    },
  },
  AE0413: {
    title: "a constant scale is not positive",
    severity: "error",
    explanation: "A constant standard deviation or scale divides the error (squared error / 2σ², |x − μ| / b), so it must be > 0; a constant log-scale may be any finite number.",
    wrong: "decoder p(x | z) = Normal(mu, sigma = 0) { ... }",
    fixed: "decoder p(x | z) = Normal(mu, sigma = 0.1) { ... }",
    messages: {
      scale: (a: { distribution: string; parameter: string; value: number }) => `\`${a.parameter} = ${a.value}\`: the ${a.parameter} of ${a.distribution} must be a finite number${a.parameter === "sigma" || a.parameter === "scale" ? " > 0" : ""}`,
    },
  },
  AE0414: {
    title: "a discretized likelihood needs bounded data",
    severity: "error",
    explanation:
      "DiscretizedLogistic and its mixture put the probability of a logistic over equal bins of the data's interval; the first and last bins reach to −∞ and +∞ (Salimans et al. 2017). " +
      "The bins come from the declared interval: `in [0, 255]` gives the 256 integers, any other interval (`[0, 1]`: 8-bit data rescaled) 256 equal bins unless `levels = N` says otherwise. Unbounded, binary or onehot data has no such bins.",
    wrong: "data x: real[784]\ndecoder p(x | z) = DiscretizedLogistic(mu, logscale) { ... }",
    fixed: "data x: real[784] in [0, 255]\ndecoder p(x | z) = DiscretizedLogistic(mu, logscale) { ... }",
    messages: {
      unbounded: (a: { distribution: string; variable: string; support: string }) => `${a.distribution} needs data declared in an interval of bins, but \`${a.variable}\` is ${a.support}`,
    },
  },
  AE0415: {
    title: "a likelihood on [0, 1] for data outside it",
    severity: "error",
    explanation:
      "ContinuousBernoulli (Loaiza-Ganem & Cunningham 2019) and Beta are densities on [0, 1]. Beta's density is 0 or infinite at the ends, so data is clamped into [1e-6, 1 − 1e-6] (the usual treatment of pixels that are exactly 0 or 1); " +
      "data declared outside [0, 1] has no density under either.",
    wrong: "data x: real[784] in [0, 255]\ndecoder p(x | z) = ContinuousBernoulli(logits) { ... }",
    fixed: "data x: real[784] in [0, 1]\ndecoder p(x | z) = ContinuousBernoulli(logits) { ... }",
    messages: {
      outside: (a: { distribution: string; variable: string; support: string }) => `${a.distribution} is a density on [0, 1], but \`${a.variable}\` is ${a.support}`,
    },
  },
  AE0416: {
    title: "a real-valued likelihood on discrete data",
    severity: "error",
    explanation: "Laplace is a density on real values; binary data takes Bernoulli, onehot data Categorical.",
    wrong: "data x: binary[784]\ndecoder p(x | z) = Laplace(mu, scale = 0.1) { ... }",
    fixed: "data x: binary[784]\ndecoder p(x | z) = Bernoulli(logits) { ... }",
    messages: {
      discrete: (a: { distribution: string; variable: string; support: string }) => `${a.distribution} models real values, but \`${a.variable}\` is ${a.support}`,
    },
  },
  AE0417: {
    title: "a likelihood used as a posterior",
    severity: "error",
    explanation: "Laplace, ContinuousBernoulli, DiscretizedLogistic, its mixture and Beta are likelihoods of data: an encoder's latent must be passed on as a reparameterised sample (Normal), a value (Deterministic) or class probabilities (Categorical, Bernoulli).",
    wrong: "encoder q(z | x) = Laplace(mu, scale) { ... }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { ... }",
    messages: {
      posterior: (a: { distribution: string; network: string }) => ({ message: `${a.distribution} is a likelihood of data; encoder \`${a.network}\` cannot output it`, help: "use `Normal(mu, logvar)` for a latent" }),
    },
  },
  AE0418: {
    title: "a mixture's heads are not K values per dimension",
    severity: "error",
    explanation:
      "DiscretizedLogisticMixture(logits, mu, logscale, components = K) reads K numbers per dimension from each head: each head has K × the variable's size values, which are reshaped to [..., K] " +
      "(for a dense head, unit i·K + k is component k of dimension i; for a convolution, the K channels of a pixel).",
    wrong: "data x: real[784] in [0, 1]\ndecoder p(x | z) = DiscretizedLogisticMixture(logits, mu, logscale, components = 5) { ...; mu: dense(784) }",
    fixed: "data x: real[784] in [0, 1]\ndecoder p(x | z) = DiscretizedLogisticMixture(logits, mu, logscale, components = 5) { ...; mu: dense(3920) }",
    messages: {
      headSize: (a: { head: string; size: number; components: number; variable: string; variableSize: number }) =>
        `head \`${a.head}\` gives ${a.size} values, but ${a.components} components of \`${a.variable}\` need ${a.components} × ${a.variableSize} = ${a.components * a.variableSize}`,
    },
  },
  AE0419: {
    title: "an invalid likelihood option",
    severity: "error",
    explanation: "`levels = N` (the number of bins of a discretized likelihood) is an integer ≥ 2; `components = K` (a mixture's components) an integer ≥ 1, and a mixture must say how many it has.",
    wrong: "decoder p(x | z) = DiscretizedLogistic(mu, logscale, levels = 1) { ... }",
    fixed: "decoder p(x | z) = DiscretizedLogistic(mu, logscale, levels = 256) { ... }",
    messages: {
      option: (a: { distribution: string; option: string; minimum: number }) => `\`${a.option}\` of ${a.distribution} is an integer ≥ ${a.minimum}`,
      missing: (a: { distribution: string; option: string }) => ({ message: `${a.distribution} needs \`${a.option} = …\``, help: `e.g. \`${a.distribution}(logits, mu, logscale, ${a.option} = 5)\`` }),
    },
  },
  AE0435: {
    title: "VectorQuantize outside an encoder, or with heads",
    severity: "error",
    explanation:
      "`= VectorQuantize(codebook = K, beta = β)` makes an encoder's latent the nearest of K learned codebook vectors (VQ-VAE, van den Oord et al. 2017). " +
      "The encoder's trunk gives z_e, the continuous output that is quantised, so it ends in the layer that gives the latent's shape and has no heads; " +
      "only an encoder's latent is quantised (a decoder's output is data, scored by a likelihood).",
    wrong: "encoder q(z | x) = VectorQuantize(codebook = 64) { dense(500, relu); e: dense(16) }",
    fixed: "encoder q(z | x) = VectorQuantize(codebook = 64) { dense(500, relu); dense(16) }",
    messages: {
      notEncoder: (a: { network: string; role: string }) => `only an encoder's latent can be vector-quantised, but \`${a.network}\` is a ${a.role}`,
      heads: (network: string) => `VectorQuantize quantises the trunk's output, but \`${network}\` has heads`,
    },
  },
  AE0436: {
    title: "VectorQuantize on a variable that is not an unbounded real latent",
    severity: "error",
    explanation:
      "Codebook vectors are learned unbounded reals, and the latent takes their values: it must be a latent declared `real[...]` without an interval. " +
      "The latent's last dimension is the width D of each codebook vector; the dimensions before it are positions, each quantised on its own (7×7 positions for `real[7, 7, 16]`).",
    wrong: "latent z: onehot[64]\nencoder q(z | x) = VectorQuantize(codebook = 64) { ... }",
    fixed: "latent z: real[7, 7, 16]\nencoder q(z | x) = VectorQuantize(codebook = 64) { ... }",
    messages: {
      support: (a: { variable: string; role: string; support: string }) => `VectorQuantize gives \`${a.variable}\` codebook vectors, unbounded reals, but \`${a.variable}\` is a ${a.role} of type ${a.support}`,
    },
  },
  AE0437: {
    title: "a Codebook prior and a quantised latent go together",
    severity: "error",
    explanation:
      "`prior p(z) = Codebook(uniform)` is the uniform distribution over the K codebook vectors of a VectorQuantize latent at each position: it exists only with the codebook, " +
      "and a quantised latent can take no other prior (its values are always codebook vectors). Under `elbo` its KL is the constant positions · log K, and `sample` draws codes uniformly.",
    wrong: "latent z: real[16]\nprior p(z) = Normal(0, 1)\nencoder q(z | x) = VectorQuantize(codebook = 64) { ... }",
    fixed: "latent z: real[16]\nprior p(z) = Codebook(uniform)\nencoder q(z | x) = VectorQuantize(codebook = 64) { ... }",
    messages: {
      codebookPrior: (variable: string) => `a Codebook prior needs a codebook, but no encoder vector-quantises \`${variable}\``,
      otherPrior: (a: { variable: string; prior: string; network: string }) => `\`${a.network}\` vector-quantises \`${a.variable}\`, so its prior is over the codebook, not ${withArticle(a.prior)}`,
    },
  },
  AE0438: {
    title: "a codebook of one vector",
    severity: "error",
    explanation:
      "With one codebook vector every position takes the same value whatever the input: the latent carries no information (its KL to the uniform prior, log 1, is 0) and the decoder sees a constant. " +
      "VQ-VAE uses hundreds of codes (512 in the paper); a few dozen suit small data.",
    wrong: "encoder q(z | x) = VectorQuantize(codebook = 1) { ... }",
    fixed: "encoder q(z | x) = VectorQuantize(codebook = 64) { ... }",
    messages: {
      oneCode: (network: string) => `\`${network}\` has a codebook of one vector: every position takes it, so the latent carries no information`,
    },
  },
  // ── objectives and phases ──
  AE0445: {
    title: "an invalid RelaxedCategorical option",
    severity: "error",
    explanation:
      "`RelaxedCategorical(logits, temperature = τ)` is the Gumbel-softmax relaxation (Jang et al. 2017; Concrete, Maddison et al. 2017): a sample is softmax((logits + g) / τ) with g Gumbel noise. " +
      "τ must be a number > 0 (as τ → 0 the sample tends to a one-hot draw of Categorical(softmax(logits)) and its gradient's variance grows; Jang et al. use 0.5 to 1), " +
      "or a schedule above 0 throughout (AE0624 otherwise), as Jang et al.'s annealing `temperature = exponential(1, 0.5, rate = 3e-5, per = step)`. " +
      "`hard = true` takes the one-hot argmax forward and the relaxed sample's gradient backward (straight-through); `hard` is `true` or `false`.",
    wrong: "encoder q(c | x) = RelaxedCategorical(logits, temperature = 0) { ... }",
    fixed: "encoder q(c | x) = RelaxedCategorical(logits, temperature = 0.5) { ... }",
    messages: {
      temperature: (a: { given: string }) => ({ message: `the temperature of RelaxedCategorical is a number > 0, not ${a.given}`, help: "e.g. `temperature = 0.5` (Jang et al. 2017)" }),
      hard: (a: { given: string }) => ({ message: `\`hard\` of RelaxedCategorical is \`true\` or \`false\`, not ${a.given}`, help: "`hard = true` for the straight-through one-hot sample, or leave it out" }),
      missing: () => ({ message: "RelaxedCategorical needs a temperature", help: "e.g. `RelaxedCategorical(logits, temperature = 0.5)`" }),
    },
  },
  AE0446: {
    title: "RelaxedCategorical outside an encoder",
    severity: "error",
    explanation:
      "A relaxed categorical is a posterior: it exists so that an encoder's sample of a onehot latent is differentiable in the logits (the reparameterisation trick for discrete latents). " +
      "Its density is of points inside the simplex, never of observed one-hot data, so a decoder's likelihood of onehot data is `Categorical(logits)`.",
    wrong: "decoder p(y | z) = RelaxedCategorical(logits, temperature = 0.5) { ... }",
    fixed: "decoder p(y | z) = Categorical(logits) { ... }",
    messages: {
      notEncoder: (a: { network: string; role: string }) => `RelaxedCategorical is a posterior of an encoder, but \`${a.network}\` is a ${a.role}`,
    },
  },
  AE0447: {
    title: "RelaxedCategorical on a latent that is not onehot",
    severity: "error",
    explanation: "A relaxed categorical relaxes a one-hot code over K classes: its latent is declared `onehot[K]`, and its prior is `Categorical(uniform)`. For real latents use `Normal(mu, logvar)`.",
    wrong: "latent z: real[10]\nencoder q(z | x) = RelaxedCategorical(logits, temperature = 0.5) { ... }",
    fixed: "latent c: onehot[10]\nencoder q(c | x) = RelaxedCategorical(logits, temperature = 0.5) { ... }",
    messages: {
      support: (a: { variable: string; support: string }) => `RelaxedCategorical relaxes a onehot latent, but \`${a.variable}\` is declared ${a.support}`,
    },
  },
  AE0449: {
    title: "a onehot latent of several groups needs a RelaxedCategorical encoder",
    severity: "error",
    explanation:
      "`latent c: onehot[N, K]` is N independent one-hot groups of K classes (Jang et al. 2017 use 30 groups of 10 on MNIST). Only a RelaxedCategorical posterior treats the last axis as the classes of each group — its sample, its mode and its KL are per group — so an encoder of such a latent is `= RelaxedCategorical(logits, temperature = τ)` whose logits have the latent's shape: a trunk ending in `dense(N·K)` and the head `logits: reshape(N, K)`.",
    wrong: "latent c: onehot[30, 10]\nencoder q(c | x) = Categorical(logits) { ... }",
    fixed: "latent c: onehot[30, 10]\nencoder q(c | x) = RelaxedCategorical(logits, temperature = 0.5) { ... }",
    messages: {
      groups: (a: { variable: string; shape: string; network: string; distribution: string }) => `\`${a.variable}\` is ${a.shape}, groups of one-hot classes, but \`${a.network}\` gives it a ${a.distribution} distribution`,
    },
  },
  AE0448: {
    title: "RelaxedCategorical under an objective without its density",
    severity: "error",
    explanation:
      "The ELBO of a relaxed categorical latent uses the analytic KL of its underlying categorical against the uniform prior (Jang et al. 2017). " +
      "The importance-weighted bound (`iwae`) needs log q(z | x) and log p(z) at each sample, and β-TCVAE's decomposition an aggregate of Normal posteriors; neither is defined here for relaxed samples, so those objectives take a Normal posterior.",
    wrong: "encoder q(c | x) = RelaxedCategorical(logits, temperature = 0.5) { ... }\nobjective iwae(k = 5)",
    fixed: "encoder q(c | x) = RelaxedCategorical(logits, temperature = 0.5) { ... }\nobjective elbo",
    messages: {
      objective: (a: { objective: string; variable: string; network: string }) => `\`objective ${a.objective}\` has no bound for the relaxed categorical \`${a.variable}\` of \`${a.network}\``,
    },
  },
  AE0450: {
    title: "an EMA codebook with decay 0",
    severity: "error",
    explanation:
      "`VectorQuantize(..., ema = γ)` keeps exponential moving averages of each code's count N and of the sum m of the encoder outputs assigned to it, N ← γN + (1 − γ)n, m ← γm + (1 − γ)Σz_e, and sets each codebook vector to m / N (van den Oord et al. 2017, appendix A.1). " +
      "With γ = 0 nothing is averaged: every step replaces each code by the mean of the batch's vectors assigned to it, and a code no position chose gets m = 0, so unused codes collapse to the origin. The paper uses γ = 0.99.",
    wrong: "encoder q(z | x) = VectorQuantize(codebook = 128, ema = 0) { ... }",
    fixed: "encoder q(z | x) = VectorQuantize(codebook = 128, ema = 0.99) { ... }",
    messages: {
      zeroDecay: (network: string) => `\`${network}\`'s EMA codebook has decay 0: it keeps no average, and every code the batch does not use collapses to the origin`,
    },
  },
  AE0501: {
    title: "objective does not fit the model",
    severity: "error",
    explanation: "A preset objective combines networks the model must declare: `reconstruction`, `elbo` and `iwae` an encoder and a decoder with a likelihood; `gan` one generator and one discriminator on its output; `aae` also a discriminator on every latent.",
    wrong: "objective elbo   // and no decoder",
    fixed: "decoder p(x | z) = Bernoulli(logits) { ... }\nobjective elbo",
    messages: {
      needs: (a: { objective: string; what: string }) => `objective \`${a.objective}\` needs ${a.what}`,
    },
  },
  AE0502: {
    title: "KL needs a reparameterisable posterior",
    severity: "error",
    explanation: "ELBO and IWAE differentiate through samples z = mu + sigma * eps, which needs a Normal posterior; a onehot latent's reparameterisable posterior under `elbo` is `RelaxedCategorical(logits, temperature = τ)` (Gumbel-softmax), not Categorical, whose one-hot draws have no gradient. A deterministic encoder has no KL to a prior; regularise it adversarially instead (AAE).",
    wrong: "encoder q(z | x) { dense(500, relu); dense(20) }\nobjective elbo",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { dense(500, relu); mu: dense(20); logvar: dense(20) }\nobjective elbo",
    messages: {
      posterior: (a: { network: string; variable: string; distribution: string }) =>
        `the KL term needs a reparameterisable posterior (Normal; RelaxedCategorical for a onehot latent), but \`${a.network}\` gives \`${a.variable}\` a ${a.distribution} distribution`,
    },
  },
  AE0503: {
    title: "KL to this prior cannot be computed",
    severity: "error",
    explanation: "ELBO and IWAE evaluate log p(z). SwissRoll can only be sampled, and the KL from a Normal posterior to a Uniform prior is infinite. Such priors suit adversarial regularisation, which needs only samples. (A mixture of Gaussians has a density: its KL is estimated by Monte Carlo.)",
    wrong: "prior p(z) = SwissRoll()\nobjective elbo",
    fixed: "prior p(z) = SwissRoll()\nobjective aae",
    messages: {
      noDensity: (prior: string) => ({
        message: `a ${prior} prior can be sampled but has no density, so KL(q ‖ p) cannot be computed`,
        help: "use an adversarial objective for this prior (AAE), or a prior with a density",
      }),
      uniform: () => ({
        message: "KL from a Normal posterior to a Uniform prior is infinite: the Normal puts mass outside the Uniform's bounds",
        help: "use a Normal prior, or regularise adversarially (AAE), which needs only samples",
      }),
    },
  },
  AE0504: {
    title: "adversarial samples do not match the discriminator",
    severity: "error",
    explanation: "`gan_d(d, real = …, fake = …)` and `gan_g(d, fake = …)` compare samples of the variable `d` judges. Real samples come from a prior (`p(z)`) or the data (`x`); fake samples from a network (`q(z | x)`, `g(x | z)`).",
    wrong: "discriminator d(z) { ... }\nphase discriminate minimize gan_d(d, real = x, fake = q(z | x)) over d",
    fixed: "discriminator d(z) { ... }\nphase discriminate minimize gan_d(d, real = p(z), fake = q(z | x)) over d",
    messages: {
      latent: (name: string) => `\`${name}\` is a latent: say where its samples come from, e.g. \`p(${name})\` (the prior) or \`q(${name} | x)\` (the encoder)`,
      variable: (a: { discriminator: string; judged: string; which: string; variable: string }) => ({
        message: `\`${a.discriminator}\` judges \`${a.judged}\`, but the ${a.which} samples are \`${a.variable}\``,
        help: `pass samples of \`${a.judged}\`, or declare a discriminator on \`${a.variable}\``,
      }),
      discriminatorFake: () => "the fake samples of `gan_d` come from a network (an encoder's codes or a generator's outputs)",
      generatorFake: () => "the generator loss `gan_g` needs samples produced by a network, which it then trains to fool the discriminator",
    },
  },
  AE0505: {
    title: "latent without a prior",
    severity: "error",
    explanation: "A latent that no encoder produces needs a prior to be sampled from; in a generative model every latent needs one (or the model could not sample it); KL terms and adversarial regularisation compare against it.",
    wrong: "latent c: onehot[10]   // no prior, but judged by d_c",
    fixed: "latent c: onehot[10]\nprior p(c) = Categorical(uniform)",
    messages: {
      density: (a: { density: string; variable: string }) => `\`${a.density}\` is the prior of \`${a.variable}\`, but \`${a.variable}\` has no prior`,
      kl: (variable: string) => ({ message: `the KL term needs a prior on \`${variable}\`, and there is none`, help: `add \`prior p(${variable}) = Normal(0, 1)\`` }),
      undefined: (variable: string) => ({
        message: `latent \`${variable}\` has neither a prior nor an encoder, so nothing defines its values`,
        help: `add \`prior p(${variable}) = Normal(0, 1)\` or an encoder that produces it`,
      }),
      unsampleable: (variable: string) => ({
        message: `latent \`${variable}\` has no prior, so the model cannot sample it (its other latents have priors)`,
        help: `add \`prior p(${variable}) = ...\``,
      }),
      generatorInput: (variable: string) => ({ message: `the generator reads \`${variable}\`, which has no prior to sample it from`, help: `add \`prior p(${variable}) = Normal(0, 1)\`` }),
      adversarial: (variable: string) => ({
        message: `\`${variable}\` is regularised adversarially, so it needs a prior to sample the real codes from`,
        help: `add \`prior p(${variable}) = Normal(0, 1)\``,
      }),
    },
  },
  AE0506: {
    title: "network never trained",
    severity: "error",
    explanation: "No phase lists the network in `over`, so its weights would keep their random initial values.",
    wrong: "phase reconstruct minimize nll(p(x | z), x) over encoder\n// the decoder p is never updated",
    fixed: "phase reconstruct minimize nll(p(x | z), x) over encoder, decoder",
    messages: {
      neverTrained: (network: string) => `no phase updates \`${network}\`, so its weights would stay at their random initial values`,
    },
  },
  AE0507: {
    title: "phase updates a network its loss does not reach",
    severity: "error",
    explanation: "A phase updates exactly the networks in `over`, and each must be one the loss depends on. `gan_d` is the discriminator's loss (the samples it judges are held fixed) and `gan_g` the generator's (the discriminator is held fixed): the classic adversarial bug is an optimizer that also moves the other side.",
    wrong: "phase regularize minimize gan_g(d, fake = q(z | x)) over encoder, d",
    fixed: "phase regularize minimize gan_g(d, fake = q(z | x)) over encoder",
    messages: {
      unreached: (a: { phase: string; network: string; listed: string; loss?: "gan_d" | "gan_g" }) => ({
        message: `phase \`${a.phase}\` updates \`${a.network}\`, but its loss does not depend on \`${a.network}\`${
          a.loss === "gan_g"
            ? " (gan_g is the generator's loss: updating the discriminator with it would train it to be fooled)"
            : a.loss === "gan_d"
              ? " (gan_d is the discriminator's loss: the samples it judges are held fixed)"
              : ""
        }`,
        help: `remove \`${a.listed}\` from \`over\``,
      }),
    },
  },
  AE0508: {
    title: "no objective, or two",
    severity: "error",
    explanation: "A model is trained either by a preset `objective` or by explicit phases in its train block, not both (the preset expands into phases of its own) and not neither.",
    wrong: "objective aae\ntrain { ...; phase reconstruct minimize ... }",
    fixed: "train { ...; phase reconstruct minimize ... }",
    messages: {
      both: () => ({ message: "the model has both an objective and explicit phases", help: "keep one: the objective expands into phases of its own" }),
      neither: (model: string) => ({ message: `model \`${model}\` has no objective`, help: "declare one, e.g. `objective elbo`, or write training phases in the train block" }),
      two: () => ({ message: "the model has more than one objective", help: "keep one: a model is trained by one objective (or by explicit phases)" }),
    },
  },
  AE0509: {
    title: "labelled subset misuse",
    severity: "error",
    explanation: "A data variable declared `labelled(N)` is known for N training examples only, so every phase that reads it runs `on labelled`; `on labelled` in turn needs such a variable.",
    wrong: "phase classify minimize nll(q(c | x), y) over encoder",
    fixed: "phase classify minimize nll(q(c | x), y) over encoder on labelled",
    messages: {
      unknownSubset: (name: string) => ({ message: `unknown subset \`${name}\``, help: "a phase runs on all examples, or `on labelled`" }),
      noLabelledData: () => "`on labelled` needs a data variable whose labels are known for a subset, e.g. `data y: onehot[10] labelled(1000)`",
      needsSubset: (a: { phase: string; variable: string; labelled: number }) => ({
        message: `phase \`${a.phase}\` reads \`${a.variable}\`, which is known for ${a.labelled} examples only`,
        help: "add `on labelled` to the phase",
      }),
      presetReads: (a: { objective: string; variable: string; labelled: number }) => ({
        message: `objective \`${a.objective}\` trains on every example, but its networks read \`${a.variable}\`, which is known for ${a.labelled} examples only`,
        help: "write the training phases out, with `on labelled` on the ones that read it; or, if every example has it, drop `labelled(…)`",
      }),
    },
  },
  AE0510: {
    title: "loss term used wrongly",
    severity: "error",
    explanation: "`nll(p(x | z), x)` scores a likelihood on its own variable (or, for an encoder's Categorical head, on onehot labels); `kl(q(z | x), p(z))` takes an encoder's posterior and the same variable's prior; `gan_d`/`gan_g` take a discriminator and named samples; `contractive(f(z | x), x)` takes an encoder and one of its inputs.",
    wrong: "minimize nll(p(x | z), z)",
    fixed: "minimize nll(p(x | z), x)",
    messages: {
      conditioning: (term: string) => `\`${term}\` takes no conditioning part`,
      arguments: (a: { term: string; count: number; usage: string }) => `\`${a.term}\` takes ${a.count} arguments: \`${a.usage}\``,
      nllTarget: () => "the second argument of `nll` is the observed variable it scores",
      deterministic: (a: { variable: string; network: string }) => ({
        message: `\`${a.variable}\` from \`${a.network}\` is deterministic, so it has no likelihood to score`,
        help: "give the network a distribution, e.g. `= Bernoulli(logits)`",
      }),
      classPrediction: (a: { network: string; variable: string; target: string }) =>
        `\`nll(${a.network}(${a.variable} | …), ${a.target})\` scores a class prediction, so \`${a.variable}\` needs a Categorical head and \`${a.target}\` must be onehot data with as many classes`,
      likelihoodTarget: (a: { network: string; variable: string; target: string }) => ({
        message: `the likelihood \`${a.network}(${a.variable} | …)\` scores \`${a.variable}\`, not \`${a.target}\``,
        help: `write \`nll(…, ${a.variable})\``,
      }),
      klPosterior: () => "the first argument of `kl` is the encoder's posterior, e.g. `q(z | x)`",
      klPrior: (variable: string) => `the second argument of \`kl\` is the prior of \`${variable}\`, e.g. \`p(${variable})\``,
      ganArguments: (a: { term: string; usage: string }) => `\`${a.term}\` takes a discriminator and named samples: \`${a.usage}\``,
      ganDiscriminator: (term: string) => `the first argument of \`${term}\` is a discriminator's name`,
      notDiscriminator: (a: { name: string; role: string }) => `\`${a.name}\` is ${withArticle(a.role)}, not a discriminator`,
      contractiveInput: () => "`contractive` penalises the encoder's Jacobian with respect to one of its inputs, as in `contractive(f(z | x), x)`",
      contractiveEncoder: (network: string) => ({
        message: `\`contractive\` needs a deterministic encoder of dense layers reading one variable; \`${network}\` is not one`,
        help: "write it as `dense(…, activation)` layers; the penalty is computed through their Jacobian (exactly for one layer, by a random projection for more)",
      }),
    },
  },
  AE0511: {
    title: "no such density",
    severity: "error",
    explanation: "Loss terms name densities as the model declares them: `p(x | z)` for `decoder p(x | z)`, `q(c | x)` for one output of `encoder q(z, c | x)`, `p(z)` for `prior p(z)`. The conditioning variables must be exactly the declared ones.",
    wrong: "gan_d(d, real = p(z), fake = q(z))",
    fixed: "gan_d(d, real = p(z), fake = q(z | x))",
    messages: {
      notADensity: (found: string) => `expected a density such as \`p(x | z)\`, found \`${found}\``,
      notVariables: (name: string) => `a density lists variables, as in \`${name}(z | x)\``,
      severalVariables: (density: string) => `\`${density}\`: a loss term scores one variable at a time`,
      unknown: (density: string) => `the model has no density \`${density}\``,
    },
  },
  AE0512: {
    title: "loss is not a weighted sum",
    severity: "error",
    explanation: "A phase minimises a weighted sum of loss terms: weights are numbers, terms are added or subtracted. Products of terms and bare constants have no meaning as a training signal.",
    wrong: "minimize nll(p(x | z), x) * kl(q(z | x), p(z))",
    fixed: "minimize nll(p(x | z), x) + kl(q(z | x), p(z))",
    messages: {
      constant: () => ({ message: "a constant in a loss changes no gradient", help: "remove it" }),
      product: (a: { expression: string; divides: boolean }) => ({
        message: `a loss is a weighted sum of terms; \`${a.expression}\` ${a.divides ? "divides by something that is not a non-zero number" : "multiplies two terms"}`,
        help: "write e.g. `nll(p(x | z), x) + 4 * kl(q(z | x), p(z))`",
      }),
    },
  },
  AE0513: {
    title: "no optimizer",
    severity: "error",
    explanation: "Each phase has an optimizer: its own (`using adam(lr = 2e-4)`) or the train block's `optimizer`.",
    wrong: "train { batch 100; epochs 50; phase discriminate minimize gan_d(...) over d }",
    fixed: "train { batch 100; epochs 50; phase discriminate minimize gan_d(...) over d using adam(lr = 2e-4) }",
    messages: {
      objective: (objective: string) => ({
        message: `objective \`${objective}\` trains with the train block's optimizer, and it sets none`,
        help: "add `optimizer adam(lr = 1e-3)` to the train block",
      }),
      phase: (phase: string) => ({
        message: `phase \`${phase}\` has no optimizer`,
        help: "add `using adam(lr = 1e-3)` to the phase, or `optimizer adam(lr = 1e-3)` to the train block for every phase",
      }),
    },
  },
  AE0514: {
    title: "train block incomplete",
    severity: "error",
    explanation: "Every model says how it is trained: a `train` block with `batch` and `epochs` (`aec train` flags may override them for one run).",
    wrong: "train { optimizer adam(lr = 1e-3); batch 128 }",
    fixed: "train { optimizer adam(lr = 1e-3); batch 128; epochs 10 }",
    messages: {
      noTrainBlock: (model: string) => ({ message: `model \`${model}\` has no train block`, help: "add `train { optimizer adam(lr = 1e-3); batch 128; epochs 10 }`" }),
      missingSetting: (a: { setting: string; doc: string; example: number }) => ({
        message: `the train block does not set \`${a.setting}\` (${a.doc})`,
        help: `add \`${a.setting} ${a.example}\``,
      }),
    },
  },
  AE0515: {
    title: "variable produced twice",
    severity: "error",
    explanation: "Each latent has one encoder and each data variable one decoder or generator; otherwise `q(z | x)` and the sampling of z would be ambiguous.",
    wrong: "encoder q(z | x) { ... }\nencoder q2(z | x) { ... }",
    fixed: "encoder q(z | x) { ... }",
    messages: {
      producedTwice: (a: { variable: string; first: string; second: string }) => `\`${a.variable}\` is produced by two networks: \`${a.first}\` and \`${a.second}\``,
    },
  },
  AE0516: {
    title: "latents depend on each other in a cycle",
    severity: "error",
    explanation:
      "Encoders are evaluated in order: a latent is computed from the data and from latents computed before it. If encoders read each other's outputs in a circle " +
      "(`q1(z1 | x, z2)` and `q2(z2 | z1)`), no order exists and the model cannot be evaluated. Break the circle: one of the encoders must not read the other's latent.",
    wrong: "encoder q1(z1 | x, z2) { ... }\nencoder q2(z2 | z1) { ... }",
    fixed: "encoder q1(z1 | x) { ... }\nencoder q2(z2 | z1) { ... }",
    messages: {
      cycle: (a: { cycle: readonly string[] }) => ({
        message: `latents depend on each other in a cycle: ${a.cycle.map((v) => `\`${v}\``).join(" → ")}`,
        help: "an encoder can read data and latents computed before it, never a latent that depends on its own output",
      }),
      priorCycle: (a: { cycle: readonly string[] }) => ({
        message: `prior networks condition latents on each other in a cycle: ${a.cycle.map((v) => `\`${v}\``).join(" → ")}`,
        help: "sampling draws latents top-down: a prior network can read only latents drawn before its own (the top latent has a fixed prior, `prior p(z2) = Normal(0, 1)`)",
      }),
    },
  },
  AE0550: {
    title: "objective cannot train a prior network",
    severity: "error",
    explanation:
      "A prior network (`prior p1(z1 | z2) = Normal(...) { ... }`) enters the variational bound through its latent's KL term: `objective elbo` expands into one KL term per layer, " +
      "and phases can write `kl(q1(z1 | x), p1(z1 | z2))`. The other presets compare samples of a latent against its prior (aae, gan) or assume one latent (iwae), which a prior network does not fit.",
    wrong: "prior p1(z1 | z2) = Normal(mu, logvar) { ... }\nobjective aae",
    fixed: "prior p1(z1 | z2) = Normal(mu, logvar) { ... }\nobjective elbo",
    messages: {
      objective: (a: { objective: string; network: string; variable: string; given: string }) => ({
        message: `\`objective ${a.objective}\` cannot train the prior network \`${a.network}\``,
        help: `use \`objective elbo\` (one KL term per layer), or write phases with \`kl(q(${a.variable} | …), ${a.network}(${a.variable} | ${a.given}))\``,
      }),
    },
  },
  AE0540: {
    title: "a codebook no phase trains",
    severity: "error",
    explanation:
      "A VectorQuantize latent's codebook vectors move only through its `vq` term: ‖sg[z_e] − e‖² pulls each chosen vector towards the encoder's output, and β‖z_e − sg[e]‖² " +
      "keeps the encoder committed to its codes. The straight-through gradient of the reconstruction reaches the encoder, never the codebook. " +
      "`objective elbo`, `reconstruction` and `aae` add the term; explicit phases must list `vq(q(z | x))`.",
    wrong: "phase train\n  minimize nll(p(x | z), x)\n  over q, p",
    fixed: "phase train\n  minimize nll(p(x | z), x) + vq(q(z | x))\n  over q, p",
    messages: {
      untrained: (a: { variable: string; network: string }) => `the codebook of \`${a.variable}\` is never trained: no phase minimises \`vq(${a.network}(${a.variable} | …))\``,
    },
  },
  AE0541: {
    title: "vq of a latent that is not vector-quantised",
    severity: "error",
    explanation: "`vq(q(z | x))` is the codebook and commitment loss of a VectorQuantize encoder; other posteriors have no codebook (a Normal posterior is regularised by `kl`).",
    wrong: "encoder q(z | x) = Normal(mu, logvar) { ... }\nminimize nll(p(x | z), x) + vq(q(z | x))",
    fixed: "encoder q(z | x) = VectorQuantize(codebook = 64) { ... }\nminimize nll(p(x | z), x) + vq(q(z | x))",
    messages: {
      notQuantized: (a: { network: string; variable: string; distribution: string }) => `vq needs a VectorQuantize encoder, but \`${a.network}\` gives \`${a.variable}\` ${withArticle(a.distribution)} distribution`,
    },
  },
  AE0517: {
    title: "mmd needs prior samples of the same variable",
    severity: "error",
    explanation:
      "`mmd(q(z | x), p(z))` compares the batch's codes with as many samples of the same variable's prior (the unbiased minibatch MMD² of WAE and InfoVAE). " +
      "The second argument is that prior, the latent is real-valued, and the kernel is `imq(scale)` (s/(s + ‖a − b‖²)) or `rbf(scale)` (exp(−‖a − b‖²/s)).",
    wrong: "minimize nll(p(x | z), x) + 10 * mmd(q(z | x), p(x | z))",
    fixed: "minimize nll(p(x | z), x) + 10 * mmd(q(z | x), p(z))",
    messages: {
      notPrior: (variable: string) => ({ message: `the second argument of \`mmd\` is the prior the codes are compared with, e.g. \`p(${variable})\``, help: `declare \`prior p(${variable}) = Normal(0, 1)\` and write \`mmd(…, p(${variable}))\`` }),
      shapes: (a: { variable: string; other: string; shape: string; otherShape: string }) => ({
        message: `\`mmd\` compares \`${a.variable}\` (${a.shape}) with samples of \`${a.other}\` (${a.otherShape}): the two samples must be of one variable`,
        help: `write the prior of \`${a.variable}\``,
      }),
      onehot: (variable: string) => ({ message: `\`${variable}\` is onehot: \`mmd\` compares real-valued codes`, help: "regularise a onehot latent adversarially (gan_d/gan_g)" }),
      kernel: (found: string) => ({ message: `\`${found}\` is not a kernel of \`mmd\``, help: "write `kernel = imq(scale)` or `kernel = rbf(scale)`, e.g. `kernel = imq(16)`" }),
    },
  },
  AE0518: {
    title: "total-correlation terms need a Normal posterior",
    severity: "error",
    explanation:
      "`tc`, `mi` and `dwkl` estimate densities of the aggregate posterior q(z) = mean over the batch of q(z | xₙ) by evaluating every code under every example's posterior, " +
      "so the posterior must be a density: `Normal(mu, logvar)`. A deterministic code has none (every q(z | x) is a point mass). `dwkl` compares each dimension with the prior's, so the prior is `Normal`.",
    wrong: "encoder q(z | x) { dense(400, relu); dense(10) }\n... minimize nll(p(x | z), x) + 6 * tc(q(z | x))",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { dense(400, relu); mu: dense(10); logvar: dense(10) }",
    messages: {
      posterior: (a: { term: string; network: string; variable: string; distribution: string }) => ({
        message: `\`${a.term}\` evaluates \`${a.network}(${a.variable} | …)\` as a density, but it is ${a.distribution === "Deterministic" ? "deterministic" : a.distribution}`,
        help: "declare the encoder `= Normal(mu, logvar)` with heads `mu` and `logvar`",
      }),
      dwklPrior: (a: { prior: string; distribution: string }) => ({
        message: `\`dwkl\` compares each dimension with the prior's marginal, and \`${a.prior}\` is ${a.distribution}, not a Normal with independent dimensions`,
        help: "use `prior p(z) = Normal(0, 1)`, or leave the dimension-wise KL out",
      }),
      discriminator: (a: { discriminator: string; judged: string; variable: string }) => ({
        message: `\`${a.discriminator}\` judges \`${a.judged}\`, so its density ratio says nothing about the total correlation of \`${a.variable}\``,
        help: `declare \`discriminator d_tc(${a.variable}) { …; dense(1) }\` trained by \`gan_d(d_tc, real = q(${a.variable} | x), fake = permuted(q(${a.variable} | x)))\``,
      }),
    },
  },
  AE0519: {
    title: "term needs an encoder's code",
    severity: "error",
    explanation: "`mmd`, `tc`, `mi`, `dwkl`, `l2` and `permuted` act on the codes an encoder produces, written as its density: `q(z | x)` for `encoder q(z | x)`.",
    wrong: "minimize nll(p(x | z), x) + l2(p(x | z))",
    fixed: "minimize nll(p(x | z), x) + l2(q(z | x))",
    messages: {
      code: (a: { term: string; usage: string }) => ({ message: `the first argument of \`${a.term}\` is an encoder's code`, help: `write \`${a.usage}\`` }),
      arguments: (a: { term: string; usage: string }) => `\`${a.term}\` is written ${a.usage.split(" or ").map((u) => `\`${u}\``).join(" or ")}`,
      permutedOneDimension: (variable: string) => ({
        message: `\`${variable}\` has one dimension: permuting it across the batch leaves its distribution unchanged`,
        help: "a total correlation needs a latent of at least two dimensions",
      }),
      permutedPlace: () => ({ message: "`permuted(q(z | x))` is a sample source: it is written as `gan_d`'s `real` or `fake`", help: "e.g. `gan_d(d, real = q(z | x), fake = permuted(q(z | x)))`" }),
    },
  },
  AE0520: {
    title: "network regulariser on an unsuitable network",
    severity: "error",
    explanation:
      "`weightDecay(p)` and `gradientPenalty(p)` take a network by its name or its role (`weightDecay(decoder)`). `gradientPenalty` computes ‖∂out/∂in‖²_F through the network's Jacobian, " +
      "so the network is made of dense layers and produces one head (exactly for one layer, by a random projection for more); discriminators are not supported.",
    wrong: "minimize nll(p(x | z), x) + gradientPenalty(p(x | z))",
    fixed: "minimize nll(p(x | z), x) + gradientPenalty(p)",
    messages: {
      notNetwork: (term: string) => ({ message: `\`${term}\` takes a network's name, e.g. \`${term}(p)\` or \`${term}(decoder)\``, help: "name the network, not its density" }),
      notDense: (a: { network: string; reason: string }) => ({
        message: `\`gradientPenalty\` needs a network of dense layers with one head; \`${a.network}\` ${a.reason}`,
        help: "write it as `dense(…, activation)` layers with one head, or use `weightDecay`",
      }),
    },
  },
  // ── numbers ──
  AE0530: {
    title: "VampPrior without a Normal encoder of data",
    severity: "error",
    explanation: "A VampPrior (Tomczak & Welling 2018) is p(z) = (1/K) Σₖ q(z | uₖ): the encoder's own posteriors at K learned pseudo-inputs uₖ. It needs the latent's encoder to output a Normal, and to read one data variable (real, an interval or binary) — the pseudo-inputs live where that variable's values do. An encoder that reads another latent or a one-hot label, a deterministic code, or a latent no encoder produces have no such mixture.",
    wrong: "latent z: real[8]\nprior p(z) = VampPrior(components = 50)\nencoder f(z | x) { dense(64, relu); dense(8) }",
    fixed: "latent z: real[8]\nprior p(z) = VampPrior(components = 50)\nencoder q(z | x) = Normal(mu, logvar) { dense(64, relu); mu: dense(8); logvar: dense(8) }",
    messages: {
      noEncoder: (variable: string) => ({ message: `a VampPrior on \`${variable}\` needs an encoder that produces \`${variable}\`; none does`, help: `declare \`encoder q(${variable} | x) = Normal(mu, logvar) { … }\`` }),
      notNormal: (a: { variable: string; network: string; distribution: string }) => ({ message: `a VampPrior on \`${a.variable}\` is a mixture of Normal posteriors, but \`${a.network}\` gives \`${a.variable}\` as ${a.distribution}`, help: `give \`${a.variable}\` as \`Normal(mu, logvar)\`, or use another prior` }),
      notData: (a: { variable: string; network: string; inputs: readonly string[] }) => ({
        message: `a VampPrior on \`${a.variable}\` feeds pseudo-inputs to \`${a.network}\`, which must read exactly one real, interval or binary data variable; it reads ${a.inputs.map((i) => `\`${i}\``).join(", ")}`,
        help: "use a learned `GaussianMixture(components = K, learned = true)` instead",
      }),
    },
  },
  AE0531: {
    title: "learned prior never trained",
    severity: "error",
    explanation: "A learned prior (a VampPrior, or a `GaussianMixture(learned = true)`) has weights; a phase trains them when it names the prior in `over` — as `prior` or by its name — and its loss reaches the prior's density (a `kl` or `iwae` term of that latent). Preset objectives `elbo` and `iwae` train it with the networks. No other preset reads the prior's density, so none can learn it.",
    wrong: "prior p(z) = VampPrior(components = 50)\n…\nphase elbo minimize nll(p(x | z), x) + kl(q(z | x), p(z)) over encoder, decoder",
    fixed: "phase elbo minimize nll(p(x | z), x) + kl(q(z | x), p(z)) over encoder, decoder, prior",
    messages: {
      neverTrained: (a: { prior: string; objective?: string }) => ({
        message: `no phase trains the learned prior \`${a.prior}\`, so its weights would stay at their initial values`,
        help: a.objective ? `objective \`${a.objective}\` does not read the prior's density: use \`elbo\` or \`iwae\`, or a fixed prior` : "add `prior` to the `over` list of the phase whose loss has its `kl` term",
      }),
      notLearned: (a: { prior: string; distribution: string }) => ({ message: `the prior \`${a.prior}\` (${a.distribution}) has no weights to train`, help: "remove it from `over`, or make it a `VampPrior` or a `GaussianMixture(learned = true)`" }),
      noPrior: () => ({ message: "`over prior` names the model's learned prior, but the model has none", help: "remove `prior` from `over`" }),
      severalPriors: (priors: readonly string[]) => ({ message: `\`over prior\` is ambiguous: the model has several learned priors (${priors.map((p) => `\`${p}\``).join(", ")})`, help: "name the prior instead, if no network has its name" }),
    },
  },
  AE0565: {
    title: "adversarial samples drawn without the discriminator's condition",
    severity: "error",
    explanation:
      "A conditional discriminator `d(x | y)` judges each sample with the y of its batch row. Samples that do not depend on the row — a generator fed only prior noise, a prior not given y — are paired with a y they know nothing of, " +
      "so the discriminator tells them apart by the pairing alone, and a generator cannot learn to draw the class it is asked for. Let the sample read the condition: the generator `g(x | z, y)`, the prior `p(z | y)`.",
    wrong: "generator g(x | z) { ... }\ndiscriminator d(x | y) { ...; dense(1) }",
    fixed: "generator g(x | z, y) { ... }\ndiscriminator d(x | y) { ...; dense(1) }",
    messages: {
      independent: (a: { discriminator: string; conditions: string; which: string; source: string; help: string }) => ({
        message: `\`${a.discriminator}\` judges its samples given \`${a.conditions}\`, but the ${a.which} samples \`${a.source}\` are drawn without it`,
        help: a.help,
      }),
    },
  },
  AE0566: {
    title: "conditional discriminator used as an unconditional one",
    severity: "error",
    explanation:
      "A conditional discriminator `d(x | y)` scores a sample together with the condition of its batch row. FactorVAE's permuted codes (`permuted(q(z | x))`) shuffle each dimension across the batch, so a code no longer belongs to one row; " +
      "and `tc(q(z | x), d)` reads d's logit as a density ratio of z alone. Both need a discriminator of the code alone: `discriminator d_tc(z)`.",
    wrong: "discriminator d(z | y) { ...; dense(1) }\n... tc(q(z | x), d)",
    fixed: "discriminator d_tc(z) { ...; dense(1) }\n... tc(q(z | x), d_tc)",
    messages: {
      permuted: (a: { discriminator: string; conditions: string; variable: string }) => ({
        message: `\`${a.discriminator}\` judges samples given \`${a.conditions}\`, but permuted codes of \`${a.variable}\` belong to no one row of the batch`,
        help: `judge the permuted codes with a discriminator of \`${a.variable}\` alone: \`discriminator d_tc(${a.variable}) { …; dense(1) }\``,
      }),
      tc: (a: { discriminator: string; conditions: string; variable: string }) => ({
        message: `\`tc\` reads \`${a.discriminator}\`'s logit as a density ratio of \`${a.variable}\` alone, but \`${a.discriminator}\` also reads \`${a.conditions}\``,
        help: `declare \`discriminator d_tc(${a.variable}) { …; dense(1) }\` trained by \`gan_d(d_tc, real = q(${a.variable} | x), fake = permuted(q(${a.variable} | x)))\``,
      }),
    },
  },
  AE0580: {
    title: "enumerated variable must be a small, partially labelled class",
    severity: "error",
    explanation:
      "`enumerate(q(y | x))` (and `objective m2`) sums the bound over every class of y where its label is missing (Kingma et al. 2014, M2): " +
      "y is a `onehot` data variable declared `labelled(N)`, q(y | x) is an encoder's `Categorical` output that reads data only, and every class is a full pass of the networks reading y, " +
      `so y has at most ${maxEnumeratedClasses} classes. Some network must read y, or there is nothing to sum.`,
    wrong: "data y: onehot[10]\nencoder q(y | x) = Categorical(logits) { dense(500, relu); logits: dense(10) }",
    fixed: "data y: onehot[10] labelled(100)\nencoder q(y | x) = Categorical(logits) { dense(500, relu); logits: dense(10) }",
    messages: {
      notCategorical: (a: { network: string; variable: string; distribution: string }) => ({
        message: `\`enumerate\` sums over the classes of \`${a.network}(${a.variable} | …)\`, but it is ${a.distribution === "Deterministic" ? "deterministic" : a.distribution}, not Categorical`,
        help: `declare \`encoder ${a.network}(${a.variable} | x) = Categorical(logits) { …; logits: dense(K) }\``,
      }),
      notPartiallyLabelled: (a: { variable: string; is: string }) => ({
        message: `\`enumerate\` sums over a class that is missing for some examples, but \`${a.variable}\` is ${a.is}`,
        help: "declare it `data y: onehot[K] labelled(N)`: its label is known for N training examples and summed over for the rest",
      }),
      tooManyClasses: (a: { variable: string; classes: number; bound: number }) => ({
        message: `\`${a.variable}\` has ${a.classes} classes; \`enumerate\` runs the networks reading it once per class, at most ${a.bound}`,
        help: "use fewer classes, or a relaxed sample of the class instead of an exact sum",
      }),
      readsLatent: (a: { network: string; latent: string }) => ({
        message: `\`${a.network}\` reads the latent \`${a.latent}\`; the class posterior summed over must read data only`,
        help: `write \`encoder ${a.network}(y | x)\``,
      }),
      jointOutput: (a: { network: string; variable: string }) => ({
        message: `\`${a.network}\` produces more than \`${a.variable}\`; the class posterior summed over is its own encoder`,
        help: `declare \`encoder ${a.network}(${a.variable} | x)\` alone, and the other latents in an encoder that reads \`${a.variable}\``,
      }),
      unread: (variable: string) => ({ message: `no encoder or decoder reads \`${variable}\`: summing the bound over its classes changes nothing`, help: `condition the decoder on it, e.g. \`decoder p(x | ${variable}, z)\`` }),
    },
  },
  AE0581: {
    title: "the enumerated bound needs Normal posteriors with Normal priors",
    severity: "error",
    explanation:
      "Summing −ELBO(x, y) over the classes of y runs every other encoder and every decoder once per class. Each other encoder's latent needs its KL to the prior per example: " +
      "a `Normal(mu, logvar)` posterior and a `Normal` prior (closed form).",
    wrong: "encoder q(z | x, y) { dense(500, relu); dense(50) }",
    fixed: "encoder q(z | x, y) = Normal(mu, logvar) { dense(500, relu); mu: dense(50); logvar: dense(50) }",
    messages: {
      posterior: (a: { network: string; variable: string; distribution: string }) => ({
        message: `summing the bound over the class runs \`${a.network}\` per class, but its \`${a.variable}\` is ${a.distribution === "Deterministic" ? "deterministic" : a.distribution}, not Normal`,
        help: "declare it `= Normal(mu, logvar)` with heads `mu` and `logvar`",
      }),
      prior: (a: { variable: string; prior: string }) => ({
        message: `summing the bound over the class needs KL(q(${a.variable} | …) ‖ p(${a.variable})) per example in closed form, and ${a.prior}`,
        help: `declare \`prior p(${a.variable}) = Normal(0, 1)\``,
      }),
    },
  },
  AE0582: {
    title: "objective m2 needs a partially labelled class and its encoder",
    severity: "error",
    explanation:
      "`objective m2(alpha)` is Kingma et al. 2014's M2: a `onehot` data variable y declared `labelled(N)`, an encoder `q(y | x) = Categorical(...)` inferring it, " +
      "other encoders reading it (`q(z | x, y)`) and decoders of the data given it (`p(x | y, z)`). It trains one loss per step: (N_l/N)·(−ELBO(x, y)) + α·(−log q(y | x)) on a batch of labelled examples " +
      "(N_l of the N training rows) plus the bound summed over y on a batch of every example — Kingma et al.'s J^α per training row (their α = 0.1·N is alpha = 0.1).",
    wrong: "data y: onehot[10] labelled(100)\nencoder q(z | x, y) = Normal(mu, logvar) { ... }\nobjective m2",
    fixed: "data y: onehot[10] labelled(100)\nencoder qy(y | x) = Categorical(logits) { dense(500, relu); logits: dense(10) }\nencoder q(z | x, y) = Normal(mu, logvar) { ... }\nobjective m2",
    messages: {
      noLabel: () => ({ message: "`m2` needs a class known for some examples only: a `onehot` data variable declared `labelled(N)`", help: "declare `data y: onehot[K] labelled(N)`" }),
      severalLabels: (labels: readonly string[]) => ({ message: `\`m2\` sums over one partially labelled class, but the model has ${labels.map((l) => `\`${l}\``).join(" and ")}`, help: "keep one `labelled(N)` class" }),
      noClassifier: (variable: string) => ({ message: `\`m2\` needs an encoder inferring \`${variable}\` where its label is missing`, help: `declare \`encoder qy(${variable} | x) = Categorical(logits) { …; logits: dense(K) }\`` }),
      inferredElsewhere: (a: { network: string; variable: string; objective: string }) => ({
        message: `\`${a.network}\` infers the partially labelled \`${a.variable}\`, which only \`m2\` (or an \`enumerate\` term) trains; \`${a.objective}\` leaves it out`,
        help: "write `objective m2(alpha = …)`, or phases with `enumerate(q(y | x))`",
      }),
    },
  },
  AE0595: {
    title: "a flowed posterior's density where only its Normal is computed",
    severity: "error",
    explanation:
      "A flow (`then planar(…)`, `then iaf(…)`) turns the Normal sample z0 into zK, and log q(zK | x) = log q0(z0 | x) − Σ log|det| holds only at the sample the flow made " +
      "from that example's own noise. Three places score a posterior elsewhere: `tc`, `mi` and `dwkl` (and `objective betaTC`) score every example's code under every other " +
      "example's posterior, a VampPrior scores a code under the posteriors of its pseudo-inputs, and `enumerate` (and `objective m2`) takes each other latent's KL in closed " +
      "form. Each would need the flow's inverse, which planar and IAF steps do not have in closed form, so they would silently use the Normal before the flow and train " +
      "a loss that ignores it. Drop the flow for these models, or use a term that needs only the sample: `kl` (Monte Carlo with a flow), `mmd`, `l2`.",
    wrong: "encoder q(z | x) = Normal(mu, logvar) then planar(steps = 4) { ... }\nobjective betaTC(alpha = 1, beta = 6, gamma = 1)",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { ... }\nobjective betaTC(alpha = 1, beta = 6, gamma = 1)",
    messages: {
      flowed: (a: { use: string; why: string; instead: string; network: string; variable: string; flow: string }) => ({
        message: `${a.use} would ignore the flow \`${a.flow}\` after \`${a.network}\`'s Normal posterior of \`${a.variable}\`: ${a.why}`,
        help: `remove \`then ${a.flow}(…)\` from \`${a.network}\`, or ${a.instead}`,
      }),
    },
  },
  AE0596: {
    title: "a prior network's latent without an encoder",
    severity: "error",
    explanation:
      "A prior network `p1(z1 | z2)` gives the prior of z1 in a hierarchy; the posterior of z1 still comes from an encoder `q1(z1 | …)`. While training, every latent a " +
      "network reads is drawn from its encoder (a latent with a fixed prior and no encoder is drawn from that prior), and the per-layer KL compares the encoder's posterior " +
      "with the prior network. A latent that only a prior network gives has neither: no sample for the networks that read it, and no KL term, so the prior network would " +
      "never be trained. Declare the encoder of the latent (bottom-up `q1(z1 | x)` or top-down `q1(z1 | x, z2)`).",
    wrong: "prior p(z2) = Normal(0, 1)\nprior p1(z1 | z2) = Normal(mu, logvar) { ... }\nencoder q2(z2 | x) = Normal(mu, logvar) { ... }\ndecoder px(x | z1) = Bernoulli(logits) { ... }",
    fixed: "prior p(z2) = Normal(0, 1)\nprior p1(z1 | z2) = Normal(mu, logvar) { ... }\nencoder q2(z2 | x) = Normal(mu, logvar) { ... }\nencoder q1(z1 | x, z2) = Normal(mu, logvar) { ... }\ndecoder px(x | z1) = Bernoulli(logits) { ... }",
    messages: {
      notInferred: (a: { network: string; variable: string; given: readonly string[] }) => ({
        message: `\`${a.network}\` gives the prior of \`${a.variable}\`, but no encoder infers \`${a.variable}\`: training would have no sample of it and no KL term to train \`${a.network}\``,
        help: `declare \`encoder q(${a.variable} | x) = Normal(mu, logvar) { … }\` (or \`q(${a.variable} | x, ${a.given.join(", ")})\`, top-down)`,
      }),
    },
  },
  AE0601: {
    title: "size must be a positive integer",
    severity: "error",
    explanation: "Dimensions, units, filters, kernels, strides, batch sizes, epochs, sample counts (k) and label counts are whole numbers of at least 1.",
    wrong: "dense(500.5, relu)",
    fixed: "dense(500, relu)",
    messages: {
      size: (a: { what: string; value: number }) => `${a.what} must be a positive integer, found ${a.value}`,
    },
  },
  AE0602: {
    title: "value must be positive",
    severity: "error",
    explanation: "Learning rates, standard deviations, radii and similar scales must be greater than 0.",
    wrong: "optimizer adam(lr = -1e-3)",
    fixed: "optimizer adam(lr = 1e-3)",
    messages: {
      positive: (a: { what: string; value: number }) => `${a.what} must be greater than 0, found ${a.value}`,
    },
  },
  AE0603: {
    title: "value must not be negative",
    severity: "error",
    explanation: "Weights such as β and noise levels are at least 0 (β = 0 drops the KL term; a negative β would reward divergence from the prior).",
    wrong: "objective elbo(beta = -1)",
    fixed: "objective elbo(beta = 4)",
    messages: {
      nonnegative: (a: { what: string; value: number }) => `${a.what} must be at least 0, found ${a.value}`,
    },
  },
  AE0604: {
    title: "probability out of [0, 1]",
    severity: "error",
    explanation: "Corruption and dropout rates, momentum and decay factors are probabilities.",
    wrong: "corrupt x with masking(p = 1.5)",
    fixed: "corrupt x with masking(p = 0.25)",
    messages: {
      probability: (a: { what: string; value: number }) => `${a.what} must be a probability in [0, 1], found ${a.value}`,
      belowOne: (a: { what: string; value: number; why: string }) => ({
        message: `${a.what} must be in [0, 1), found ${a.value}`,
        help: `at 1 ${a.why}; use a value below 1`,
      }),
    },
  },
  AE0605: {
    title: "number out of range",
    severity: "error",
    explanation: "A number that is not finite (`1e999`), or bounds that describe an empty range (`in [1, 0]`, `Uniform(2, 1)`).",
    wrong: "data x: real[784] in [1, 0]",
    fixed: "data x: real[784] in [0, 1]",
    messages: {
      notFinite: (a: { what: string; value: number }) => `${a.what} must be a finite number, but it evaluates to ${a.value}`,
      emptySupport: (a: { variable: string; low: number; high: number }) => `the support of \`${a.variable}\` is empty: ${a.low} is not below ${a.high}`,
      emptyUniform: (a: { low: number; high: number }) => `Uniform needs low < high, got [${a.low}, ${a.high}]`,
    },
  },
  AE0606: {
    title: "wrong kind of value",
    severity: "error",
    explanation: "A number was expected and a name or call was found, or the other way round (an activation name, a layer inside a head's distribution, an optimizer call).",
    wrong: "batch relu",
    fixed: "batch 128",
    messages: {
      number: (a: { what: string; found: string }) => `${a.what} must be a number, found ${a.found}`,
      name: (a: { what: string; expected: string; found: string }) => `${a.what} must be ${a.expected}, found ${a.found}`,
      layer: (a: { call: string; parameter: string; found: string }) => `${a.call}: \`${a.parameter}\` must be a layer such as \`dense(10)\`, found ${a.found}`,
      headLayer: (a: { parameter: string; distribution: string }) => `\`${a.parameter}\` of ${a.distribution} must be a layer such as \`dense(10)\``,
      optimizer: (found: string) => `an optimizer must be a call such as \`adam(lr = 1e-3)\`, found ${found}`,
    },
  },
  AE0607: {
    title: "too large",
    severity: "error",
    explanation: "Sizes above 1,000,000, variables above 10 million values and networks above 200 million parameters are rejected: they cannot be trained here and are almost always a typo. The bound also keeps the compiler's own work small for any input.",
    wrong: "data x: real[1e12]",
    fixed: "data x: real[784]",
    messages: {
      size: (a: { what: string; value: number; limit: number }) => ({
        message: `${a.what} is ${a.value}, more than the largest size aespec accepts (${a.limit})`,
        help: "sizes this large cannot be trained here; check the number",
      }),
      variable: (a: { variable: string; size: number; limit: number }) => `\`${a.variable}\` holds ${a.size} values, more than the ${a.limit} a variable may hold`,
      network: (a: { network: string; parameters: number; limit: number }) => `\`${a.network}\` has ${a.parameters} parameters, more than the ${a.limit} aespec accepts`,
      batchFlag: (a: { batch: number; widest: number; most: number }) => ({
        message: `--batch ${a.batch} is more than the model can hold at once: its widest layer holds ${a.widest} values per example, so a batch may have at most ${a.most}`,
        help: `pass --batch ${a.most} or less`,
      }),
      activations: (a: { network: string; values: number; batch: number; limit: number }) => ({
        message: `a layer of \`${a.network}\` computes ${a.values} values per example, ${a.values * a.batch} for a batch of ${a.batch}: more than the ${a.limit} one tensor may hold`,
        help: "use fewer units, filters or a smaller stride, or a smaller batch",
      }),
      product: (a: { what: string; values: number; limit: number }) => ({
        message: `${a.what} make ${a.values} values in one tensor, more than the ${a.limit} one tensor may hold`,
        help: "lower one of the factors (or the batch)",
      }),
    },
  },
  AE0608: {
    title: "number not representable in training",
    severity: "error",
    explanation:
      "Training computes in float32, whose largest value is about 3.4e38 and whose smallest normal one about 1.2e-38. A number that is finite here can overflow to infinity there " +
      "(`Normal(1e39, 1)`), underflow to 0 (`lr = 1e-40`), or overflow once squared and weighted: a variance, a squared error, Adam's squared gradient. So every number of a spec has " +
      "|value| ≤ 1e6 (squared, weighted by 1e6 and squared again it stays below float32's largest value), every positive number is at least 1.2e-38, and a scale training divides by " +
      "(a prior's standard deviation, batch normalisation's epsilon) is at least 1e-6.",
    wrong: "prior p(z) = Normal(0, 1e-30)",
    fixed: "prior p(z) = Normal(0, 1)",
    messages: {
      magnitude: (a: { what: string; value: number; limit: number }) => ({
        message: `${a.what} is ${a.value.toExponential().replace("e+", "e")}, beyond the ±${a.limit.toExponential().replace("e+", "e")} that float32 training can carry`,
        help: "training computes in float32 (largest value about 3.4e38, and squares of values appear in variances and optimizer statistics): rescale the data or use a smaller number",
      }),
      underflow: (a: { what: string; value: number; limit: number }) => ({
        message: `${a.what} is ${a.value.toExponential()}, which rounds to 0 in float32 (smallest normal value ${a.limit.toExponential(1)})`,
        help: "use a larger value",
      }),
      scale: (a: { what: string; value: number; limit: number }) => ({
        message: `${a.what} is ${a.value.toExponential()}, below the smallest scale training can divide by (${a.limit.toExponential()})`,
        help: "a density divides by σ², batch normalisation by √(variance + ε): below 1e-6 these overflow float32; use a larger value",
      }),
    },
  },
  AE0609: {
    title: "negative term weight",
    severity: "error",
    explanation:
      "A phase minimises a weighted sum of loss terms. A term with a negative weight is maximised instead, and the terms here (likelihoods, KL divergences, adversarial losses) are " +
      "unbounded above, so the loss is unbounded below and training diverges (`nll - kl` rewards an ever larger KL). When that is the intent, say why in the spec: " +
      "`// aec: allow AE0609 — why` keeps the phase.",
    wrong: "minimize nll(p(x | z), x) - kl(q(z | x), p(z))",
    fixed: "minimize nll(p(x | z), x) + kl(q(z | x), p(z))",
    messages: {
      negative: (a: { term: string; weight: number }) => ({
        message: `\`${a.term}\` has weight ${a.weight}, so the phase maximises it and its loss is unbounded below`,
        help: "use a weight of 0 or more, or keep it with a comment `// aec: allow AE0609 — why`",
      }),
    },
  },
  // ── lints (--lint) ──
  AE0615: {
    title: "too many fixed mixture components",
    severity: "error",
    explanation: "A fixed `GaussianMixture` puts its K means at ±radius on each axis of the latent: at most 2·d distinct means in d dimensions. More components would repeat means. Use fewer components, or `learned = true`.",
    messages: {
      tooMany: (a: { components: number; variable: string; size: number }) => ({ message: `a fixed GaussianMixture on \`${a.variable}\` (${a.size} dimensions) has at most ${2 * a.size} components, one at ±radius on each axis; ${a.components} were asked`, help: "use fewer components, or `learned = true`" }),
    },
  },
  // ── schedules (src/language/schedules.ts, src/check/schedules.ts) ──
  AE0620: {
    title: "schedule where only a number makes sense",
    severity: "error",
    explanation:
      "A schedule (`linear`, `cyclical`, `exponential`) gives a number that changes over training. It can be a term's weight, the capacity C of `abs(term - C)`, or a preset parameter " +
      "that takes one (`elbo`'s `beta`, `betaTC`'s weights). Sizes, the batch, the epochs, optimizer settings and layer arguments are fixed numbers.",
    wrong: "batch linear(32, 128, epochs = 10)",
    fixed: "batch 64",
    messages: {
      notHere: (a: { what: string; schedule: string }) => ({
        message: `${a.what} must be a number: a schedule such as \`${a.schedule}(…)\` cannot give it`,
        help: "schedules give term weights (`linear(0, 1, epochs = 10) * kl(q(z | x), p(z))`), the capacity C of `abs(term - C)`, and preset parameters such as `elbo(beta = …)`",
      }),
      trainSetting: () => ({
        message: "`schedule` is not a train setting: a schedule is written where the number it replaces goes",
        help: "for a KL warm-up write `objective elbo(beta = linear(0, 1, epochs = 10))`, or weight a term in a phase: `linear(0, 1, epochs = 10) * kl(q(z | x), p(z))`",
      }),
      product: (a: { expression: string }) => ({ message: `\`${a.expression}\` multiplies two schedules: a term's weight follows one schedule`, help: "write one schedule whose values are the product's" }),
      negativeScale: (a: { expression: string }) => ({ message: `\`${a.expression}\` scales a schedule by a negative number`, help: "write the schedule's own values negative (`linear(0, -1, …)`), or a positive factor" }),
    },
  },
  AE0621: {
    title: "schedule without one clock",
    severity: "error",
    explanation: "A `linear` schedule says over how long it runs, in epochs or in training steps: `linear(0, 1, epochs = 10)` or `linear(0, 1, steps = 5000)`, one of the two. `cyclical` takes at most one (by default it spans the whole training).",
    wrong: "objective elbo(beta = linear(0, 1))",
    fixed: "objective elbo(beta = linear(0, 1, epochs = 10))",
    messages: {
      missing: (a: { schedule: string }) => ({ message: `\`${a.schedule}\` needs its length: \`epochs = N\` or \`steps = N\``, help: `for example \`${a.schedule}(0, 1, epochs = 10)\`` }),
      both: (a: { schedule: string }) => ({ message: `\`${a.schedule}\` is given both \`epochs\` and \`steps\`: a schedule runs on one clock`, help: "keep one of them" }),
    },
  },
  AE0622: {
    title: "cycles do not divide the schedule's length",
    severity: "error",
    explanation:
      "Cyclical annealing (Fu et al. 2019) splits the schedule's length into M equal cycles. Each cycle must be a whole number of epochs or steps, so that every cycle rises and holds the same way: M must divide the length.",
    wrong: "cyclical(0, 1, cycles = 3, epochs = 10)",
    fixed: "cyclical(0, 1, cycles = 5, epochs = 10)",
    messages: {
      notDividing: (a: { cycles: number; length: number; unit: string; divisors: string }) => ({
        message: `${a.cycles} cycles do not divide ${a.length} ${a.unit}: each cycle would be ${+(a.length / a.cycles).toFixed(4)} ${a.unit}`,
        help: `use a number of cycles that divides ${a.length} (${a.divisors}), or change the length`,
      }),
    },
  },
  AE0623: {
    title: "rising fraction outside (0, 1]",
    severity: "error",
    explanation: "`rising = R` is the fraction of each cycle spent rising from `from` to `to` (Fu et al. use 0.5); the rest of the cycle holds `to`. R = 0 would jump at once and R > 1 would never reach `to`.",
    wrong: "cyclical(0, 1, rising = 1.5)",
    fixed: "cyclical(0, 1, rising = 0.5)",
    messages: {
      outside: (a: { value: number }) => ({ message: `\`rising\` is ${a.value}, outside (0, 1]`, help: "use a fraction of the cycle such as 0.5" }),
    },
  },
  AE0624: {
    title: "schedule outside its parameter's range",
    severity: "error",
    explanation: "A schedule takes every value between its ends (`linear(-1, 1, …)` passes through −1 to 1). Each of them must fit where it is used: a weight such as `beta` must stay at or above 0, a temperature above 0.",
    wrong: "objective elbo(beta = linear(-1, 1, epochs = 10))",
    fixed: "objective elbo(beta = linear(0, 1, epochs = 10))",
    messages: {
      range: (a: { what: string; low: number; high: number; expected: string }) => ({ message: `${a.what} follows a schedule from ${a.low} to ${a.high}, but must be ${a.expected}`, help: "change the schedule's ends" }),
    },
  },
  AE0625: {
    title: "exponential schedule that does not decay",
    severity: "error",
    explanation: "`exponential(from, floor, rate = r, per = step)` is max(floor, from·exp(−r·t)): it decays from `from` to `floor`. A floor at or above `from` would hold the floor from the first step.",
    wrong: "exponential(0.5, 1, rate = 1e-5, per = step)",
    fixed: "exponential(1, 0.5, rate = 1e-5, per = step)",
    messages: {
      floor: (a: { from: number; floor: number }) => ({ message: `the floor ${a.floor} is not below the start ${a.from}: the schedule would be ${a.floor} throughout`, help: "give a floor below `from`, or a constant" }),
    },
  },
  AE0626: {
    title: "malformed capacity term",
    severity: "error",
    explanation:
      "`abs(term - C)` is |term − C|, Burgess et al.'s (2018) capacity objective γ·|KL − C|: the term is one loss term and C a number or a schedule " +
      "(`1000 * abs(kl(q(z | x), p(z)) - linear(0, 25, epochs = 20))`). Anything else inside `abs` is not a loss the language knows.",
    wrong: "minimize nll(p(x | z), x) + abs(kl(q(z | x), p(z)))",
    fixed: "minimize nll(p(x | z), x) + 1000 * abs(kl(q(z | x), p(z)) - linear(0, 25, epochs = 20))",
    messages: {
      form: (a: { expression: string }) => ({ message: `\`${a.expression}\` is not \`abs(term - C)\``, help: "write one loss term minus a number or a schedule: `abs(kl(q(z | x), p(z)) - linear(0, 25, epochs = 20))`" }),
    },
  },
  AE0701: {
    title: "Gaussian likelihood on [0, 1] data (lint)",
    severity: "warning",
    explanation: "A Normal likelihood puts probability outside [0, 1], and with a sigmoid output its squared-error gradient vanishes near the bounds. Bernoulli(logits) fits intensities in [0, 1] and its cross-entropy gradient does not stall.",
    wrong: "data x: real[784] in [0, 1]\ndecoder p(x | z) = Normal(mu, logvar) { ... }",
    fixed: "data x: real[784] in [0, 1]\ndecoder p(x | z) = Bernoulli(logits) { ... }",
    messages: {
      gaussianOnInterval: (a: { variable: string; low: number; high: number }) => ({
        message: `a Normal likelihood on \`${a.variable}\`, which lies in [${a.low}, ${a.high}]`,
        help: "Normal puts mass outside the support and its MSE gradient is weak near the bounds; ContinuousBernoulli(logits) is a density on [0, 1], and Bernoulli(logits) fits binary-like [0, 1] data",
      }),
    },
  },
  AE0702: {
    title: "latent larger than the data (lint)",
    severity: "warning",
    explanation: "An overcomplete code can copy its input and learn nothing; it needs a regulariser such as input noise or a contractive penalty. Keep the warning with `// aec: allow AE0702 — why` when that is the intent.",
    wrong: "data x: real[784] in [0, 1]\nlatent z: real[1000]   // plain autoencoder",
    fixed: "latent z: real[32]",
    messages: {
      overcomplete: (a: { latent: string; size: number; dataSize: number }) => ({
        message: `latent \`${a.latent}\` has ${a.size} dimensions, more than the ${a.dataSize} of the data it encodes`,
        help: "an overcomplete code can learn the identity; it needs a regulariser (noise, a contractive penalty, sparsity)",
      }),
    },
  },
  AE0703: {
    title: "discriminator much larger than what it judges (lint)",
    severity: "warning",
    explanation: "A discriminator with more than four times the parameters of the network whose outputs it judges tends to win outright, leaving that network with vanishing gradients.",
    wrong: "encoder q(z | x) { dense(2) }\ndiscriminator d(z) { dense(1000, relu); dense(1000, relu); dense(1) }",
    fixed: "encoder q(z | x) { dense(1000, relu); dense(1000, relu); dense(2) }",
    messages: {
      strongDiscriminator: (a: { discriminator: string; parameters: number; judged: string; judgedParameters: number }) => ({
        message: `discriminator \`${a.discriminator}\` has ${a.parameters} parameters, ${(a.parameters / a.judgedParameters).toFixed(1)}× the ${a.judgedParameters} of \`${a.judged}\`, whose outputs it judges`,
        help: "a much stronger discriminator gives the other network vanishing gradients; shrink it or train it less often",
      }),
    },
  },
  AE0704: {
    title: "unused declaration (lint)",
    severity: "warning",
    explanation: "A variable that no network, prior or loss term reads or writes.",
    wrong: "data y: onehot[10]   // never used",
    fixed: "// removed",
    messages: {
      unused: (variable: string) => ({ message: `\`${variable}\` is declared but never used`, help: "remove it, or use it in a network or a loss" }),
    },
  },
  // ── inputs and internal ──
  AE0901: {
    title: "cannot read input",
    severity: "error",
    explanation: "A path given on the command line does not exist, is not readable, or is a folder with no `.aespec` files in it.",
    messages: {
      noSuchPath: (path: string) => `cannot read \`${path}\`: no such file or folder`,
      emptyFolder: (path: string) => `\`${path}\` holds no .aespec files`,
      unreadable: (a: { path: string; reason: string }) => `cannot read \`${a.path}\`: ${a.reason}`,
      notOneSpec: (path: string) => `\`${path}\` must name one spec file`,
    },
  },
  AE0902: {
    title: "refusing to overwrite a file",
    severity: "error",
    explanation: "`aec compile` only overwrites files that start with its `// @generated by aec` header, so it never destroys a file someone wrote by hand. Move the file away or pick another `--out` folder.",
    messages: {
      notGenerated: (path: string) => ({
        message: `refusing to overwrite \`${path}\`: it was not generated by aec (it lacks the \`// @generated by aec\` header)`,
        help: "move it away, or choose another --out folder",
      }),
    },
  },
  AE0903: {
    title: "unusable training data",
    severity: "error",
    explanation: "The data given to `aec train --data` cannot feed the model: a file is missing, truncated or malformed (IDX, CSV, PNG), its shape differs from the data variable's, or a value lies outside the support the spec declares (pixels above 1 for a Bernoulli likelihood). The message names the file, line or example.",
    messages: {
      /** The reason comes from the data loader, which names the file, line or example. */
      unusable: (reason: string) => reason,
    },
  },
  AE0904: {
    title: "run folder problem",
    severity: "error",
    explanation:
      "`aec train` never overwrites a run, nor any file of yours: `--out` must be a new or empty folder (or one that holds a run, with `--resume` and the same spec), never a file or a folder of other files. " +
      "One process trains in a run folder at a time (`run.lock` holds its pid; the lock of a process that no longer runs is taken over). " +
      "`--resume` keeps the run's settings: `--data`, `--seed`, `--limit`, `--labels`, `--batch` and `--model` may be left out, and if given must be the same; `--epochs` may grow. " +
      "`--resume`, `aec eval` and `aec sample` need a folder with a complete checkpoint.",
    messages: {
      nothingToResume: (run: string) => ({ message: `\`${run}\` holds no checkpoint to resume`, help: "run without --resume to start a new run" }),
      otherSpec: (a: { run: string; spec: string }) => ({
        message: `\`${a.run}\` was trained from a different spec than \`${a.spec}\``,
        help: "resume with the spec the run started from, or start a new run with another --out",
      }),
      incompleteToResume: (run: string) => `\`${run}\` holds no complete checkpoint to resume`,
      occupied: (run: string) => ({ message: `\`${run}\` already holds a run`, help: "pass --resume to continue it, or choose another --out; nothing was overwritten" }),
      notARun: (run: string) => `\`${run}\` is not a run folder (it lacks run.json and spec.aespec)`,
      incomplete: (run: string) => `\`${run}\` holds no complete checkpoint`,
      notRunFolder: (run: string) => ({
        message: `\`${run}\` already exists and holds files that are not a run`,
        help: "choose a new or empty folder with --out; nothing was overwritten",
      }),
      outIsFile: (run: string) => ({ message: `--out \`${run}\` is a file, not a folder`, help: "choose a folder for the run with --out; nothing was overwritten" }),
      inUse: (a: { run: string; pid: number }) => ({
        message: `\`${a.run}\` is in use by another aec process (pid ${a.pid})`,
        help: "wait for it to finish or stop it; a lock left by a process that no longer runs is cleared by itself",
      }),
      settingDiffers: (a: { run: string; setting: string; was: string; now: string }) => ({
        message: `\`${a.run}\` was trained with ${a.setting} ${a.was}; --resume cannot change it to ${a.now}`,
        help: `resume without ${a.setting} (the run keeps its own), or start a new run with another --out`,
      }),
    },
  },
  AE0905: {
    title: "spec cannot be trained",
    severity: "error",
    explanation: "`aec train` checks the spec first; it must check without errors, and a spec that declares several models needs `--model NAME` to pick the one to train.",
    messages: {
      doesNotCheck: (spec: string) => `\`${spec}\` does not check`,
      modelCount: (a: { spec: string; models: readonly string[] }) => ({
        message: `\`${a.spec}\` declares ${a.models.length} models (${a.models.join(", ")})`,
        help: `pick one with --model, e.g. --model ${a.models[0]}`,
      }),
      noSuchModel: (a: { spec: string; model: string; models: readonly string[] }) => ({
        message: `\`${a.spec}\` declares no model \`${a.model}\``,
        help: `its models are ${a.models.join(", ")}`,
      }),
    },
  },
  AE0906: {
    title: "a loss term stopped being finite",
    severity: "error",
    explanation: "A loss term — or a weight, even while the loss still looks finite (a ReLU turns −∞ into 0) — became NaN or infinite during training, so training stopped; the last complete checkpoint is kept. The message names the term, or the networks whose weights broke and the phases whose optimizers moved them. The usual fixes: a lower learning rate, gradient clipping (`clipNorm 5` in the train block), or a bounded log-variance.",
    messages: {
      nonFinite: (a: { term: string; value: number; step: number; epoch: number; checkpoint?: string }) => ({
        message: `loss term ${a.term} became ${a.value} at step ${a.step} (epoch ${a.epoch}); training stopped${a.checkpoint ? `, and the last good checkpoint (${a.checkpoint}) is kept` : ""}`,
        help: "try a lower learning rate, clip gradients with `clipNorm 5` in the train block, or bound the encoder's log-variance",
      }),
      weights: (a: { networks: readonly string[]; phases: readonly string[]; step: number; epoch: number; checkpoint?: string }) => ({
        message: `the weights of ${a.networks.join(", ")} became NaN or infinite at step ${a.step} (epoch ${a.epoch}) while every loss term was still finite; training stopped${a.checkpoint ? `, and the last good checkpoint (${a.checkpoint}) is kept` : ""}`,
        help: `these weights are moved by ${a.phases.map((p) => `\`${p}\``).join(", ")}: check that optimizer's settings (a learning rate or moment decay that makes the update overflow), clip gradients with \`clipNorm 5\`, and look for numbers in the spec that float32 cannot hold`,
      }),
    },
  },
  AE0907: {
    title: "run cannot sample",
    severity: "error",
    explanation: "`aec sample` draws from the prior and decodes; models whose decoder reads a latent without a prior (a plain autoencoder) or whose data is not an image cannot be sampled this way.",
    messages: {
      noPrior: (model: string) => ({
        message: `model ${model} cannot sample: a latent its decoder reads has no prior`,
        help: "sample from models with a prior (VAE, AAE, GAN, …), or through a Gaussian mixture fitted to the training codes: `--sampler gmm(10)`",
      }),
      notImage: (model: string) => `model ${model}'s data is not an image`,
      tooMany: (a: { n: number; max: number }) => ({ message: `-n ${a.n} is too many samples at once; at most ${a.max}`, help: "draw fewer, or run aec sample several times" }),
      noLabels: (model: string) => ({ message: `model ${model} is not conditional: it reads no label, so --label has no meaning`, help: "drop --label" }),
      labelOutOfRange: (a: { label: number; classes: number }) => `--label ${a.label} is not a class of the model, which has ${a.classes} (0 to ${a.classes - 1})`,
      unknownFormat: (path: string) => ({ message: `cannot tell how to write \`${path}\``, help: "name a .png file for image models, or a .csv or .json file" }),
    },
  },
  AE0908: {
    title: "no such phase",
    severity: "error",
    explanation: "`aec graph --phase NAME` names a phase the model does not have; the message lists the phases it has (a preset objective's phases are named after it: `elbo`, `reconstruct`, `discriminate`, …).",
    messages: {
      noSuchPhase: (a: { model: string; phase: string; phases: readonly string[] }) => ({
        message: `model ${a.model} has no phase \`${a.phase}\``,
        help: `its phases are ${a.phases.map((p) => `\`${p}\``).join(", ")}`,
      }),
    },
  },
  AE0909: {
    title: "cannot train on several workers",
    severity: "error",
    explanation: "`aec train --workers N` splits every batch into N shards, one per replica. It needs a batch of at least N examples, and a model without moving averages (`batchNorm`'s statistics, a `VectorQuantize(..., ema = γ)` codebook): each replica would keep its own, and the replicas' weights would drift apart. Train such a model with one worker.",
    messages: {
      batchTooSmall: (a: { workers: number; batch: number }) => `--workers ${a.workers} needs a batch of at least ${a.workers} examples; the batch is ${a.batch}`,
      movingStatistics: (model: string) => ({
        message: `model ${model} keeps moving averages (batchNorm's statistics or an EMA codebook), which data-parallel training does not support yet`,
        help: "train it with one worker",
      }),
    },
  },
  AE0910: {
    title: "unknown diagnostic code",
    severity: "error",
    explanation: "`aec explain CODE` takes a code that this catalogue lists, such as AE0102 (in either case). `docs/reference.md` lists every code with its title.",
    messages: {
      unknownCode: (code: string) => `unknown diagnostic code \`${code}\`; codes look like AE0102`,
    },
  },
  AE0911: {
    title: "cannot write the run",
    severity: "error",
    explanation:
      "A file of the run (a checkpoint, a picture, metrics.json, the generated module) could not be written: the folder is read-only, " +
      "permission is denied, or the disk is full. Every file is written to a temporary name and renamed into place, so the previous " +
      "version of the file is intact and no temporary file is left behind. Free space or choose a writable --out, then resume.",
    messages: {
      readOnly: (path: string) => ({ message: `cannot write \`${path}\`: the file system is read-only`, help: "choose a writable folder with --out" }),
      denied: (path: string) => ({ message: `cannot write \`${path}\`: permission denied`, help: "choose a folder you can write to with --out" }),
      diskFull: (path: string) => ({ message: `cannot write \`${path}\`: no space left on the disk`, help: "free some space and continue with --resume; the previous checkpoint is intact" }),
      cannotWrite: (a: { path: string; reason: string }) => `cannot write \`${a.path}\`: ${a.reason}`,
    },
  },
  AE0912: {
    title: "damaged checkpoint skipped (warning)",
    severity: "warning",
    explanation:
      "The newest checkpoint of a run is damaged (a file is missing, truncated or fails its checksum, or its state is invalid), so the run " +
      "continues from the previous complete checkpoint instead; the damaged one is left on disk, untouched, for inspection.",
    messages: {
      damaged: (a: { checkpoint: string; reason: string; fallback: string }) => `checkpoint \`${a.checkpoint}\` is damaged (${a.reason}); using \`${a.fallback}\` instead`,
    },
  },
  AE0913: {
    title: "backend not available",
    severity: "error",
    explanation: "`--backend` names a TensorFlow.js backend that cannot start here; `node` needs the optional package @tensorflow/tfjs-node (`npm install @tensorflow/tfjs-node`). Without --backend, aec picks the fastest that starts.",
    messages: {
      unavailable: (a: { backend: string; reason: string }) => ({ message: `--backend ${a.backend} cannot start: ${a.reason}`, help: "install it, or leave out --backend to use the fastest available" }),
    },
  },
  AE0914: {
    title: "the torch engine cannot run",
    severity: "error",
    explanation: "`aec train --engine torch` trains with PyTorch through the Python runtime shipped in aespec (python/aespec_torch). It needs a Python 3 that can `import torch` (≥ 1.13): `$AESPEC_PYTHON` if set, else `python3`, else `/usr/bin/python3`. On Debian: `apt-get install python3-torch`; elsewhere `pip install torch`. Without --engine, aec trains on TensorFlow.js.",
    messages: {
      noTorch: (tried: string) => ({ message: `no Python with PyTorch found (tried ${tried}); nothing was written`, help: "install PyTorch (`apt-get install python3-torch`, or `pip install torch`), or name an interpreter that has it with AESPEC_PYTHON" }),
      failed: (a: { code: number; message: string }) => `the PyTorch trainer stopped with exit code ${a.code}: ${a.message}`,
      workers: (workers: number) => ({ message: `--workers ${workers} splits batches over TF.js threads; the torch engine runs processes`, help: `use --nproc ${workers} with --engine torch` }),
      startFrom: (run: string) => ({ message: `--start-from ${run} starts a new torch run from another run's weights`, help: "use it with --engine torch and without --resume" }),
      nprocWithoutTorch: (nproc: number) => ({ message: `--nproc ${nproc} starts PyTorch processes, which only the torch engine has`, help: "add --engine torch, or use --workers N for TF.js threads" }),
    },
  },
  AE0915: {
    title: "images do not match the image variable",
    severity: "error",
    explanation:
      "A folder of PNG images feeds an image variable: `real[H, W, C]` (C = 1 for greyscale, 3 for colour) or, for greyscale, `real[H, W]` or `real[H*W]` (a square). " +
      "Every image must be H×W pixels, and with C declared its colours must match: C = 3 reads RGB (or RGBA, or a colour palette), C = 1 reads grey (or grey + alpha, or a palette of greys). " +
      "Without C, colour images are read as their grey level (the mean of red, green and blue). The message names the first file that does not fit.",
    messages: {
      size: (a: { file: string; width: number; height: number; variable: string; needWidth: number; needHeight: number }) => ({
        message: `\`${a.file}\` is ${a.width}×${a.height}; \`${a.variable}\` needs ${a.needWidth}×${a.needHeight} images`,
        help: "resize the images, or declare the variable with the images' height and width",
      }),
      channels: (a: { file: string; found: "greyscale" | "colour"; variable: string; declared: string }) => ({
        message: `\`${a.file}\` is a ${a.found} image; \`${a.variable}\` is ${a.declared}, which reads ${a.found === "colour" ? "greyscale" : "colour (RGB)"} images`,
        help: a.found === "colour" ? "declare the variable with 3 channels, `real[H, W, 3]`, or leave the channels out to read colour images as their grey level" : "declare the variable with 1 channel, `real[H, W, 1]`, or convert the images to RGB",
      }),
      channelCount: (a: { variable: string; declared: string; channels: number }) => ({
        message: `\`${a.variable}\` is ${a.declared}: ${a.channels} channels, but PNG images have 1 (grey) or 3 (red, green, blue)`,
        help: "declare the image as `real[H, W, 1]` or `real[H, W, 3]`",
      }),
      notAnImage: (a: { variable: string; declared: string }) => ({
        message: `\`${a.variable}\` is ${a.declared}, which is not a square image or [height, width, channels]; a folder of PNG images feeds images`,
        help: "declare the image as `real[H, W, C]`",
      }),
    },
  },
  AE0916: {
    title: "alpha channel ignored (warning)",
    severity: "warning",
    explanation:
      "Some PNG images have an alpha (transparency) channel. The model reads only grey or red, green and blue, so alpha is dropped: each pixel's colour is used as stored, not blended over a background. " +
      "Flatten the images onto the background you mean if transparent pixels hold colours you do not want the model to see.",
    messages: {
      alphaDropped: (a: { folder: string; files: number; total: number; example: string }) =>
        `${a.files} of the ${a.total} PNG images in \`${a.folder}\` have an alpha channel (e.g. \`${a.example}\`); alpha is dropped and colours are read as stored`,
    },
  },
  AE0920: {
    title: "cannot fit a post-hoc sampler",
    severity: "error",
    explanation: "`aec sample RUN --sampler gmm(K)` fits a K-component Gaussian mixture (full covariances, EM) to the codes `encode` gives for the training data, then decodes draws from it (Ghosh et al. 2020). Every input of the model's decoder must be a real latent an encoder produces, and the training data must hold at least K examples. `--label` fixes a class through a prior, so it goes with `--sampler prior` only.",
    messages: {
      noCodes: (a: { model: string; inputs: readonly string[] }) => ({
        message: `model ${a.model} cannot sample through a fitted mixture: its decoder reads ${a.inputs.length > 0 ? a.inputs.map((i) => `\`${i}\``).join(", ") : "nothing"}, not only real codes an encoder gives`,
        help: "a post-hoc sampler needs an encoder that gives every real latent the decoder reads",
      }),
      tooFewCodes: (a: { components: number; codes: number }) => ({ message: `a mixture of ${a.components} Gaussians needs at least ${a.components} codes; the training data gives ${a.codes}`, help: "choose fewer components" }),
      label: () => ({ message: "--label goes with --sampler prior: a fitted mixture of codes has no classes", help: "drop --label, or sample from the prior" }),
    },
  },
  AE0999: {
    title: "internal compiler error",
    severity: "error",
    explanation: "The compiler itself failed. This is always a bug in aespec, never in your spec: please file an issue with the spec that triggered it and the output of the command run with AEC_DEBUG=1.",
    messages: {
      internal: (message: string) => ({
        message: `internal compiler error: ${message}`,
        help: "this is a bug in aespec, not in your spec; please file an issue with the spec and the command you ran",
      }),
    },
  },
} satisfies Record<string, Definition>;

/** Every catalogued code, as a literal union: `"AE0101" | "AE0102" | …`. */
export type Code = keyof typeof definitions;

export interface CatalogEntry extends Definition {
  readonly code: Code;
}

const codes = Object.keys(definitions) as Code[];

export const catalog: ReadonlyMap<string, CatalogEntry> = new Map(codes.map((code) => [code, { code, ...definitions[code] }]));

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

type Constructors<Messages> = {
  readonly [Name in keyof Messages]: Messages[Name] extends (...args: infer Args) => Text ? (...args: Args) => Diagnostic : never;
};

/** One constructor per code and message: `diagnose.AE0402.bernoulliSupport({ density, variable, support })`. */
export type Diagnose = { readonly [C in Code]: Constructors<(typeof definitions)[C]["messages"]> };

/**
 * The diagnostics of the catalogue, not yet placed: each has its code, severity and message
 * (and the template's help), and no span. Place it with `at(diagnostic, span, details)`.
 */
export const diagnose = Object.fromEntries(codes.map((code) => [code, constructors(code, definitions[code])])) as Diagnose;

function constructors(code: Code, { severity, messages }: Definition): Record<string, (...args: never[]) => Diagnostic> {
  return Object.fromEntries(Object.entries(messages).map(([name, template]) => [name, (...args: never[]) => made(code, severity, template(...args))]));
}

/** Catalogue text becomes a Diagnostic here, and is placed by `at`: the brand in diagnostic.ts allows no other way. */
function made(code: Code, severity: Severity, text: Text): Diagnostic {
  return { code, severity, ...(typeof text === "string" ? { message: text } : text) } as Diagnostic;
}
