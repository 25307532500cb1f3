import fc from "fast-check";
import { activations, corruptions, flows, layers, objectives, optimizers, priors } from "../../src/language/vocabulary.js";

/**
 * A generator of mostly well-typed specs for the semantic fuzz (tests/semanticFuzz.test.ts):
 * models of the autoencoder family built from the builtin tables — data, labels and
 * latents of every type, every prior, encoders and decoders of random layers with random
 * arguments and every distribution, discriminators, corruptions, every preset objective
 * or explicit phases with random weights, every optimizer and train setting. Numbers are
 * drawn from typical values and from the edges of what the checker accepts (and a little
 * beyond), so that both halves of the property — accepted specs train, rejected ones get
 * located diagnostics — are exercised. Sizes stay tiny so a spec trains in milliseconds.
 * Learning rates stay in [1e-4, 1e-2] and accepted term weights in [0, 4]: divergence
 * from a large step (a rate, or a rate times a weight) is a training outcome the runtime
 * reports (AE0906), not a type error.
 */

/**
 * A number written in a spec: typical values, edges (0, 1, float32 limits) and a few invalid
 * ones. A spec writes a dozen numbers or more, so an edge drawn for one in nine of them left
 * most specs rejected by one of them; one in seventeen still draws each edge many times a run.
 */
const number = (typical: fc.Arbitrary<number>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 16, arbitrary: typical.map(format) },
    { weight: 1, arbitrary: fc.constantFrom("0", "1", "-1", "1e6", "-1e6", "1000001", "1e15", "1e39", "1e-6", "1e-7", "1e-30", "1e-40", "0.999", "2") },
  );

/**
 * The same, for values a gradient step must travel (a prior's location and bounds): a
 * prior mean of 1e6 is representable, but SGD pulling a posterior 1e6 away diverges like a
 * learning rate that is too large, so the accepted edge ±1e6 is not drawn here.
 */
const location = (typical: fc.Arbitrary<number>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 16, arbitrary: typical.map(format) }, { weight: 1, arbitrary: fc.constantFrom("0", "1", "-1", "1000001", "1e39", "1e-40", "2") });

/**
 * A prior's standard deviation: the accepted edge 1e-6 is not drawn, for the reason above —
 * a KL to N(μ, 1e-12) pulls the posterior with gradients near 1e12, which any optimizer step
 * turns into a divergence (the runtime's AE0906), not a type error. The rejected edges are.
 */
const priorScale = (typical: fc.Arbitrary<number>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 16, arbitrary: typical.map(format) }, { weight: 1, arbitrary: fc.constantFrom("0", "1", "-1", "1000001", "1e39", "1e-7", "1e-40", "2") });

function format(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Number(n.toPrecision(3)).toString();
}

/**
 * A typical value in [min, max], on a grid of 1,000 steps: fast-check's doubles favour
 * extremes (5e-324, subnormals), which the edge values below already cover, and which the
 * checker rightly rejects (they round to 0 in float32) — drawn everywhere, they would
 * leave few specs accepted.
 */
const small = (min: number, max: number) => fc.integer({ min: 0, max: 1000 }).map((i) => min + ((max - min) * i) / 1000);
const size = (min: number, max: number) => fc.integer({ min, max });

export interface SpecParts {
  readonly text: string;
}

type Act = (typeof activations)[number];
const activation = fc.constantFrom<Act>(...activations);

/** A dense trunk layer or a shape-keeping layer, with random arguments. */
const flatLayer: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(size(1, 8), activation).map(([u, a]) => `dense(${u}, ${a})`) },
  { weight: 1, arbitrary: number(small(0, 0.9)).map((r) => `dropout(${r})`) },
  { weight: 1, arbitrary: fc.tuple(number(small(0.5, 0.99)), number(small(1e-5, 1e-2))).map(([m, e]) => `batchNorm(momentum = ${m}, epsilon = ${e})`) },
  { weight: 1, arbitrary: activation },
  { weight: 1, arbitrary: number(small(1e-5, 1e-2)).map((e) => `layerNorm(epsilon = ${e})`) },
  // Shape-keeping when the width happens to match the layer before: both halves of AE0308.
  {
    weight: 1,
    arbitrary: fc.oneof(activation.map((a) => `residual { layerNorm; ${a} }`), fc.tuple(size(1, 8), activation).map(([u, a]) => `residual { dense(${u}, ${a}) }`)),
  },
);

/** A layer inside an image's residual block: a `same` stride-1 convolution (its channels at random), a normalisation, an activation, a nested block. */
const blockLayer: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(size(1, 3), size(1, 3), activation).map(([f, k, a]) => `conv2d(${f}, ${k}, activation = ${a})`) },
  { weight: 1, arbitrary: fc.constant("layerNorm") },
  { weight: 1, arbitrary: activation },
  { weight: 1, arbitrary: fc.tuple(size(1, 3), size(1, 2)).map(([f, k]) => `residual { conv2d(${f}, ${k}) }`) },
);

/** Pooling, upsampling, normalisation and residual blocks between the convolutions and the flatten. */
const imageLayer: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom("maxPool2d", "avgPool2d"), size(1, 3), fc.option(size(1, 3))).map(([kind, k, s]) => `${kind}(${k}${s ? `, stride = ${s}` : ""})`),
  fc.tuple(size(1, 3), fc.constantFrom("nearest", "bilinear")).map(([f, m]) => `upsample2d(${f}, mode = ${m})`),
  number(small(1e-5, 1e-2)).map((e) => `layerNorm(${e})`),
  fc.array(blockLayer, { minLength: 1, maxLength: 3 }).map((inner) => `residual { ${inner.join("; ")} }`),
);

/** Convolutional layers over a 4×4×1 image, then flatten: strides and paddings at random. */
const convTrunk: fc.Arbitrary<string[]> = fc
  .array(
    fc.tuple(fc.constantFrom("conv2d", "conv2dTranspose"), size(1, 3), size(1, 3), size(1, 2), fc.constantFrom("same", "valid"), activation).map(
      ([kind, f, k, s, p, a]) => `${kind}(${f}, ${k}, stride = ${s}, padding = ${p}, activation = ${a})`,
    ),
    { minLength: 1, maxLength: 2 },
  )
  .chain((convs) => fc.array(imageLayer, { maxLength: 2 }).map((more) => [...convs, ...more, "flatten"]));

function trunk(image: boolean): fc.Arbitrary<string[]> {
  const dense = fc.array(flatLayer, { maxLength: 3 });
  return image ? fc.tuple(convTrunk, dense).map(([c, d]) => [...c, ...d]) : dense;
}

/** Layer names other than the ones the generator builds by hand, to keep every table in play. */
export const coveredTables = { layers: layers.map((l) => l.name), priors: priors.map((p) => p.name), corruptions: corruptions.map((c) => c.name), objectives: objectives.map((o) => o.name), optimizers: optimizers.map((o) => o.name), flows: flows.map((f) => f.name) };

/** A flow after a Normal posterior (mostly none): planar or IAF steps, sometimes zero steps (rejected). */
const flow: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: size(0, 3).map((k) => ` then planar(steps = ${k})`) },
  { weight: 1, arbitrary: fc.tuple(size(1, 2), size(1, 6)).map(([k, h]) => ` then iaf(steps = ${k}, hidden = ${h})`) },
);

/**
 * A second, top latent (in three specs of four where it fits; fc.option's `freq` is the odds
 * of none): z2 ~ p2(z2) = N(0, 1), z ~ pz(z | z2) through a prior network, inferred bottom-up
 * by q2(z2 | z) — the two-layer VAE, under elbo, and now and then (`anyPreset`) under
 * reconstruction, iwae or aae, which reject it (AE0550): drawn there every time, it left
 * most of those specs rejected.
 */
const hierarchy: fc.Arbitrary<{ readonly size: number; readonly activation: Act; readonly anyPreset: boolean; readonly inferred: boolean } | undefined> = fc.option(
  fc.record({
    size: size(1, 3),
    activation,
    anyPreset: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    // Now and then z2 has no encoder: drawn from p2 while training, read by the prior network only.
    inferred: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  }),
  { freq: 4 },
);

const lr = small(1e-4, 1e-2).map(format);
const optimizer: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(lr, number(small(0, 0.95)), number(small(0.9, 0.9999)), number(small(1e-8, 1e-4))).map(([l, b1, b2, e]) => `adam(lr = ${l}, beta1 = ${b1}, beta2 = ${b2}, epsilon = ${e})`),
  fc.tuple(lr, number(small(0, 0.95))).map(([l, m]) => `sgd(lr = ${l}, momentum = ${m})`),
  fc.tuple(lr, number(small(0.5, 0.99)), number(small(0, 0.9)), number(small(1e-8, 1e-4))).map(([l, d, m, e]) => `rmsprop(lr = ${l}, decay = ${d}, momentum = ${m}, epsilon = ${e})`),
);

interface Shape {
  readonly data: { readonly declaration: string; readonly size: number; readonly image: boolean; readonly kind: "unit" | "interval" | "binary" | "real" };
  /** `quantized`: a VectorQuantize encoder, with the Codebook prior (mostly) and a vq term in phases. */
  /** `groups`: a onehot[groups, size] latent (several one-hot groups: a RelaxedCategorical encoder, flattened by the decoders). */
  readonly latent: { readonly size: number; readonly onehot: boolean; readonly quantized: boolean; readonly groups?: number };
  readonly labels?: { readonly classes: number; readonly labelled: boolean };
}

const shape: fc.Arbitrary<Shape> = fc
  .record({
    kind: fc.constantFrom("unit", "unit", "interval", "binary", "real", "image"),
    size: size(2, 8),
    // Data bounds stay moderate: a network reading values near 1e6 overflows exp(logvar)
    // in its first step (a known limit, docs/reliability.md), whatever the checker says.
    low: fc.oneof({ weight: 8, arbitrary: small(-3, 0).map(format) }, { weight: 1, arbitrary: fc.constantFrom("0", "-1", "1e-40", "2", "1e39") }),
    high: fc.oneof({ weight: 8, arbitrary: small(0.5, 3).map(format) }, { weight: 1, arbitrary: fc.constantFrom("1", "-1", "1e-40", "1e39") }),
    latent: size(1, 3),
    onehot: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    quantized: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    classes: fc.option(fc.tuple(fc.oneof({ weight: 19, arbitrary: size(2, 4) }, { weight: 1, arbitrary: fc.constant(1) }), fc.boolean()), { freq: 4 }),
    groups: fc.option(size(2, 3), { freq: 3 }),
  })
  .map((r) => {
    const image = r.kind === "image";
    const declaration = image
      ? "real[4, 4, 1] in [0, 1]"
      : r.kind === "unit" ? `real[${r.size}] in [0, 1]` : r.kind === "interval" ? `real[${r.size}] in [${r.low}, ${r.high}]` : r.kind === "binary" ? `binary[${r.size}]` : `real[${r.size}]`;
    return {
      data: { declaration, size: image ? 16 : r.size, image, kind: image ? "unit" : (r.kind as "unit" | "interval" | "binary" | "real") },
      latent: { size: r.onehot ? r.latent + 1 : r.latent, onehot: r.onehot, quantized: r.quantized && !r.onehot, ...(r.onehot && r.groups ? { groups: r.groups } : {}) },
      // An image encoder reads the image alone (conditioning would flatten it).
      ...(r.classes && !image ? { labels: { classes: r.classes[0], labelled: r.classes[1] } } : {}),
    };
  });

function prior(s: Shape): fc.Arbitrary<string> {
  if (s.latent.onehot) return fc.constant("Categorical(uniform)");
  // A quantised latent takes the Codebook prior; another prior on it, or a Codebook on a Normal posterior, is rejected (AE0437).
  if (s.latent.quantized) return fc.oneof({ weight: 8, arbitrary: fc.constant("Codebook(uniform)") }, { weight: 1, arbitrary: fc.constant("Normal(0, 1)") });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant("Codebook(uniform)") },
    { weight: 4, arbitrary: fc.tuple(location(small(-2, 2)), priorScale(small(0.1, 3))).map(([m, sd]) => `Normal(${m}, ${sd})`) },
    { weight: 1, arbitrary: fc.tuple(location(small(-3, -0.5)), location(small(0.5, 3))).map(([l, h]) => `Uniform(${l}, ${h})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(size(1, 12), location(small(0.5, 6)), number(small(0.05, 1)), number(small(0.05, 1)))
        .map(([c, r, a, b]) => `MixtureOfGaussians(components = ${c}, radius = ${r}, radialSigma = ${a}, tangentialSigma = ${b})`),
    },
    { weight: 1, arbitrary: fc.tuple(number(small(0.5, 3)), number(small(0, 0.3)), location(small(1, 5))).map(([t, n, sc]) => `SwissRoll(turns = ${t}, noise = ${n}, scale = ${sc})`) },
  );
}

/**
 * Mixture priors in any dimension, drawn as a last field of the spec that replaces the
 * prior above (so every other spec of a seed stays what it was before they existed).
 */
function mixturePrior(s: Shape): fc.Arbitrary<string | null> {
  // A quantised latent keeps its Codebook prior (any other is AE0437).
  if (s.latent.onehot || s.latent.quantized) return fc.constant(null);
  return fc.option(
    fc.oneof(
      size(1, 6).map((c) => `VampPrior(components = ${c})`),
      // Fixed: at most 2·size components fit on the axes (more are rejected, AE0615).
      fc.tuple(size(1, 2 * s.latent.size + 1), location(small(0.5, 4)), number(small(0.1, 2))).map(([c, r, sd]) => `GaussianMixture(components = ${c}, radius = ${r}, sigma = ${sd})`),
      size(1, 6).map((c) => `GaussianMixture(components = ${c}, learned = true)`),
    ),
    { freq: 3 },
  );
}

/** A prior with weights: phases that read its density train it too (`over …, prior`). */
const learnedPrior = (prior: string) => prior.startsWith("VampPrior") || prior.includes("learned = true");

/** A VectorQuantize codebook learned by gradient (mostly) or an EMA one; decay 0 (AE0450) and 1 (AE0604) are rejected. */
const emaDecay = fc.oneof(
  { weight: 4, arbitrary: fc.constant("") },
  { weight: 3, arbitrary: fc.constantFrom("0.5", "0.9", "0.99", "0.999").map((g) => `, ema = ${g}`) },
  { weight: 1, arbitrary: fc.constantFrom(", ema = 0", ", ema = 1") },
);

/** The encoder's output: a Normal, a deterministic code, or a Categorical or RelaxedCategorical for a onehot latent. */
function encoder(s: Shape, inputs: string): fc.Arbitrary<string> {
  const z = s.latent.size;
  const head = s.latent.quantized
    ? fc.tuple(size(1, 8), fc.oneof({ weight: 4, arbitrary: small(0, 2).map(format) }, { weight: 1, arbitrary: fc.constantFrom("0", "-1") }), emaDecay).map(([k, b, ema]) => ` = VectorQuantize(codebook = ${k}, beta = ${b}${ema}) {\n    BODY\n    dense(${z})\n  }`)
    : s.latent.onehot
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constant(` = Categorical(logits) {\n    BODY\n    logits: dense(${z})\n  }`) },
        { weight: 1, arbitrary: fc.constant(` = Categorical(probs) {\n    BODY\n    probs: dense(${z}, sigmoid)\n  }`) },
        // Gumbel-softmax: trains under elbo and kl terms; a temperature ≤ 0 is rejected (AE0445), a schedule reaching 0 (AE0624), iwae and betaTC too (AE0448).
        {
          weight: s.latent.groups ? 24 : 8,
          arbitrary: fc
            .tuple(fc.oneof({ weight: 8, arbitrary: small(0.05, 3).map(format) }, { weight: 1, arbitrary: fc.constantFrom("0", "-1", "1e-3") }, { weight: 2, arbitrary: schedule }), fc.boolean())
            .map(([t, hard]) => ` = RelaxedCategorical(logits, temperature = ${t}${hard ? ", hard = true" : ""}) {\n    BODY\n    ${s.latent.groups ? `dense(${s.latent.groups * z})\n    logits: reshape(${s.latent.groups}, ${z})` : `logits: dense(${z})`}\n  }`),
        },
      )
    : fc.oneof(
        { weight: 3, arbitrary: flow.map((then) => ` = Normal(mu, logvar)${then} {\n    BODY\n    mu: dense(${z})\n    logvar: dense(${z})\n  }`) },
        { weight: 2, arbitrary: flow.map((then) => ` = Normal(mu, sigma)${then} {\n    BODY\n    mu: dense(${z})\n    sigma: dense(${z}, softplus)\n  }`) },
        { weight: 1, arbitrary: fc.constant(` {\n    BODY\n    dense(${z})\n  }`) },
      );
  return fc.tuple(head, trunk(s.data.image)).map(([h, t]) => `  encoder q(z | ${inputs})${h.replace("BODY", t.join("\n    ") || "dense(4, relu)")}`);
}

/** The decoder's likelihood: usually one that fits the data, sometimes one that does not (rejected). */
function decoder(s: Shape, name: "decoder p" | "generator g", inputs: string): fc.Arbitrary<string> {
  const x = s.data.size;
  // An image's heads are convolutions over a reshaped trunk; a flat variable's are dense layers.
  const trunkEnd = s.data.image ? "\n    dense(16, relu)\n    reshape(4, 4, 1)" : "";
  const layer = (a?: string) => (s.data.image ? `conv2d(1, 1${a ? `, activation = ${a}` : ""})` : `dense(${x}${a ? `, ${a}` : ""})`);
  const bounded = s.data.kind === "unit" || s.data.kind === "binary";
  const normal = `Normal(mu, logvar) {\n    BODY${trunkEnd}\n    mu: ${layer()}\n    logvar: ${layer()}\n  }`;
  const likelihoods = moreLikelihoods(s, trunkEnd, layer);
  const fitting = [...(bounded ? [`Bernoulli(logits) {\n    BODY${trunkEnd}\n    logits: ${layer()}\n  }`, `Bernoulli(probs) {\n    BODY${trunkEnd}\n    probs: ${layer("sigmoid")}\n  }`] : [normal]), ...likelihoods.fitting];
  const any = [...fitting, normal, `Bernoulli(probs) {\n    BODY${trunkEnd}\n    probs: ${layer()}\n  }`, ...likelihoods.misfits];
  const deterministic = `{\n    BODY${trunkEnd}\n    ${layer(bounded ? "sigmoid" : undefined)}\n  }`;
  const choice = name === "generator g" ? fc.constant(deterministic) : fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...fitting) }, { weight: 1, arbitrary: fc.constantFrom(...any) });
  // A onehot[N, K] latent read alone keeps its shape: flatten it for the dense layers.
  const lead = s.latent.groups && inputs === "z" ? ["flatten"] : [];
  return fc.tuple(choice, fc.array(flatLayer, { maxLength: 3 })).map(([c, t]) => `  ${name}(x | ${inputs}) ${c.startsWith("{") ? "" : "= "}${c.replace("BODY", [...lead, ...t].join("\n    ") || "dense(4, relu)")}`);
}

/**
 * The likelihoods of issue 15 and the non-head parameter forms (constants, `learned`,
 * `learned(shared)`, options), each where the data's support fits it; `misfits` are the
 * ones the checker must reject (a support that does not fit, σ = 0, a log-variance beyond
 * the bounds, too few levels).
 */
function moreLikelihoods(s: Shape, trunkEnd: string, layer: (activation?: string) => string): { fitting: string[]; misfits: string[] } {
  const write = (call: string, heads: readonly string[]) => `${call} {\n    BODY${trunkEnd}\n${heads.map((h) => `    ${h}: ${layer()}\n`).join("")}  }`;
  const mixtureHead = s.data.image ? "conv2d(2, 1)" : `dense(${2 * s.data.size})`;
  const mixture = `DiscretizedLogisticMixture(logits, mu, logscale, components = 2) {\n    BODY${trunkEnd}\n    logits: ${mixtureHead}\n    mu: ${mixtureHead}\n    logscale: ${mixtureHead}\n  }`;
  const real = [
    write("Normal(mu, sigma = 0.5)", ["mu"]),
    write("Normal(mu, logvar = learned)", ["mu"]),
    write("Normal(mu, logvar = learned(shared))", ["mu"]),
    write("Normal(mu, sigma = learned)", ["mu"]),
    write("Laplace(mu, scale = 0.2)", ["mu"]),
    write("Laplace(mu, logscale)", ["mu", "logscale"]),
    write("Laplace(mu, scale = learned(shared))", ["mu"]),
  ];
  const interval = [write("DiscretizedLogistic(mu, logscale)", ["mu", "logscale"]), write("DiscretizedLogistic(mu, logscale = learned, levels = 16)", ["mu"]), write("DiscretizedLogistic(mu, logscale = -2)", ["mu"]), mixture];
  const unit = [write("ContinuousBernoulli(logits)", ["logits"]), write("Beta(alpha, beta)", ["alpha", "beta"])];
  // A constant variance beyond the log-variance bounds (AE0443), beside σ = 0 and too few levels.
  const misfits = [write("Normal(mu, sigma = 0)", ["mu"]), write("Normal(mu, logvar = -60)", ["mu"]), write("DiscretizedLogistic(mu, logscale, levels = 1)", ["mu", "logscale"])];
  switch (s.data.kind) {
    case "real": return { fitting: real, misfits: [...misfits, ...interval, ...unit] };
    case "interval": return { fitting: [...real, ...interval], misfits: [...misfits, ...unit] };
    case "unit": return { fitting: [...real, ...interval, ...unit], misfits };
    case "binary": return { fitting: [], misfits: [...misfits, ...real.slice(4), ...interval, ...unit] };
  }
}

/** `unflat`: the variable has several dimensions (an image, a onehot[N, K] latent), flattened first. */
function discriminator(variable: string, unflat: boolean): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(flatLayer, { maxLength: 2 }), fc.oneof({ weight: 8, arbitrary: fc.constant("linear") }, { weight: 1, arbitrary: activation }))
    .map(([t, a]) => `  discriminator d(${variable}) {\n    ${[...(unflat ? ["flatten"] : []), ...t, "dense(4, leakyRelu)"].join("\n    ")}\n    dense(1${a === "linear" ? "" : `, ${a}`})\n  }`);
}

/**
 * A corruption (in two specs of three), mostly one that keeps the data's support: Gaussian
 * noise would leave binary data, salt and pepper has no ends on unbounded reals (AE0403,
 * drawn now and then).
 */
function corruption(kind: Shape["data"]["kind"]): fc.Arbitrary<string | undefined> {
  const noise = number(small(0.01, 0.5)).map((s) => `gaussianNoise(sigma = ${s})`);
  const saltPepper = number(small(0, 0.5)).map((p) => `saltPepper(p = ${p})`);
  const masking = number(small(0, 0.5)).map((p) => `masking(p = ${p})`);
  const misfit = kind === "binary" ? noise : kind === "real" ? saltPepper : undefined;
  const fitting = kind === "binary" ? [saltPepper, masking] : kind === "real" ? [noise, masking] : [noise, saltPepper, masking];
  return fc.option(fc.oneof({ weight: 6, arbitrary: fc.oneof(...fitting) }, ...(misfit ? [{ weight: 1, arbitrary: misfit }] : [])), { freq: 3 });
}

/**
 * Term weights (and β) multiply the step an optimizer takes: under SGD, 1e-4 × a weight of
 * 1e6 is a step of 100, which diverges like a learning rate of 100 would. So, like learning
 * rates, accepted weights stay typical ([0, 4]); the edges drawn are the rejected ones.
 */
const constantWeight = fc.oneof({ weight: 8, arbitrary: small(0, 4).map(format) }, { weight: 1, arbitrary: fc.constantFrom("0", "1", "-1", "1000001", "1e39", "1e-40") });

/**
 * A schedule where a weight goes (src/language/schedules.ts), its values in [0, 4] like a
 * constant weight's; the edges drawn are mistakes: no length or two, cycles that do not
 * divide the length, a rising fraction outside (0, 1], a floor above the start, a value below 0.
 */
const clock = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(size(1, 3).map((n) => `epochs = ${n}`), size(1, 12).map((n) => `steps = ${n}`)) },
  { weight: 1, arbitrary: fc.constantFrom("", "epochs = 2, steps = 4", "steps = -3") },
);
const schedule = fc.oneof(
  fc.tuple(small(0, 4), small(0, 4), clock).map(([a, b, c]) => `linear(${format(a)}, ${format(b)}${c ? `, ${c}` : ""})`),
  fc
    .tuple(small(0, 4), small(0, 4), size(1, 3), size(1, 3), fc.oneof({ weight: 6, arbitrary: small(0.1, 1).map(format) }, { weight: 1, arbitrary: fc.constantFrom("0", "1.5") }), fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }))
    .map(([a, b, cycles, per, rising, divides]) => `cyclical(${format(a)}, ${format(b)}, cycles = ${cycles}, rising = ${rising}, steps = ${divides ? cycles * per : cycles * per + 1})`),
  fc
    .tuple(small(1, 4), small(0, 1), fc.constantFrom("step", "epoch"), fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }))
    .map(([a, floor, per, swapped]) => (swapped ? `exponential(${format(floor)}, ${format(a)}, rate = 0.5, per = ${per})` : `exponential(${format(a)}, ${format(floor)}, rate = 0.5, per = ${per})`)),
  fc.constant("linear(-1, 1, steps = 4)"),
);

/** A term weight or a schedulable preset parameter: a number or, now and then, a schedule. */
const weight = fc.oneof({ weight: 5, arbitrary: constantWeight }, { weight: 1, arbitrary: schedule });

/** The regulariser terms of an explicit phase; those a model cannot take (tc of a deterministic code, mmd of a onehot one) are rejected. */
function regulariserTerms(labelInput: string): string[] {
  const code = `q(z | x${labelInput})`;
  return [
    `mmd(${code}, p(z))`,
    `mmd(${code}, p(z), kernel = rbf(2))`,
    `tc(${code})`,
    `mi(${code})`,
    `dwkl(${code}, p(z))`,
    `l2(${code})`,
    "weightDecay(decoder)",
    "weightDecay(encoder)",
    "gradientPenalty(decoder)",
  ];
}

/** A whole spec. */
export const specText: fc.Arbitrary<string> = shape.chain((s) => {
  const labelInput = s.labels ? ", y" : "";
  // Presets run on every example: a partly labelled y is read by explicit phases `on labelled` (mostly).
  const objective = s.labels?.labelled
    ? fc.oneof({ weight: 4, arbitrary: fc.constant("phases") }, { weight: 1, arbitrary: fc.constantFrom("elbo", "aae") }, { weight: 2, arbitrary: fc.constant("m2") })
    : fc.constantFrom("reconstruction", "elbo", "iwae", "aae", "gan", "phases", "betaTC", "factor");
  return fc
    .record({
      objective,
      beta: weight,
      k: size(1, 6),
      loss: fc.constantFrom("nonsaturating", "minimax", "leastSquares", "hinge"),
      discriminatorLoss: fc.constantFrom("logistic", "leastSquares", "hinge"),
      // At most two: each is rejected with some models (mmd of a onehot code, tc of a deterministic one), so a long list left few phases accepted.
      regularisers: fc.subarray(regulariserTerms(labelInput), { maxLength: 2 }),
      tcWeights: fc.tuple(weight, weight, weight),
      prior: prior(s),
      encoder: encoder(s, `x${labelInput}`),
      decoder: decoder(s, "decoder p", `z${labelInput}`),
      generator: decoder(s, "generator g", `z${labelInput}`),
      discriminatorZ: discriminator("z", s.latent.groups !== undefined), // flattens a onehot[N, K] latent
      discriminatorX: discriminator("x", s.data.image),
      corruption: corruption(s.data.kind),
      optimizer,
      batch: size(1, 64),
      clipNorm: fc.option(number(small(0.1, 10)), { freq: 3 }),
      weights: fc.tuple(weight, weight),
      classify: fc.boolean(),
      hierarchy,
      classifierActivation: fc.constantFrom("relu", "softplus", "tanh"),
      // M2's bound takes each latent's KL in closed form: a Normal prior (others are AE0581, drawn by the other objectives).
      normalPrior: fc.tuple(location(small(-2, 2)), priorScale(small(0.1, 3))).map(([m, sd]) => `Normal(${m}, ${sd})`),
      mixture: mixturePrior(s),
      // Drawn last (so every other spec of a seed stays what it was): a labelled model's
      // discriminator judges its variable given y — the conditional GAN, or the AAE whose
      // prior picks its component by y (2-D real codes; otherwise AE0565, a prior without y).
      conditional: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    })
    .map((drawn) => {
      const conditional = drawn.conditional && s.labels !== undefined && !s.labels.labelled && (drawn.objective === "gan" || drawn.objective === "aae");
      const labelledPrior = conditional && drawn.objective === "aae" && !s.latent.onehot && !s.latent.quantized && s.latent.size === 2;
      const r = {
        ...drawn,
        prior: labelledPrior ? `MixtureOfGaussians(components = ${s.labels!.classes}, radius = 3, radialSigma = 0.5, tangentialSigma = 0.1)` : drawn.objective === "m2" && !s.latent.onehot && !s.latent.quantized ? drawn.normalPrior : (drawn.mixture ?? drawn.prior),
        discriminatorX: conditional ? drawn.discriminatorX.replace("d(x)", "d(x | y)") : drawn.discriminatorX,
        discriminatorZ: conditional ? drawn.discriminatorZ.replace("d(z)", "d(z | y)") : drawn.discriminatorZ,
      };
      const lines: string[] = ["model Fuzz {", `  data x: ${s.data.declaration}`];
      if (s.labels) lines.push(`  data y: onehot[${s.labels.classes}]${s.labels.labelled ? " labelled(2)" : ""}`);
      // Presets only: explicit phases (and FactorVAE's) name p(z), which a hierarchy replaces by pz(z | z2).
      const h = r.hierarchy && !s.latent.onehot && !labelledPrior && (r.objective === "elbo" || (r.hierarchy.anyPreset && ["reconstruction", "iwae", "aae"].includes(r.objective))) ? r.hierarchy : undefined;
      lines.push(`  latent z: ${s.latent.onehot ? "onehot" : "real"}[${s.latent.groups ? `${s.latent.groups}, ` : ""}${s.latent.size}]`);
      if (h) {
        const z = s.latent.size;
        lines.push(`  latent z2: real[${h.size}]`, "  prior p2(z2) = Normal(0, 1)");
        lines.push(`  prior pz(z | z2) = Normal(mu, logvar) {\n    dense(4, ${h.activation})\n    mu: dense(${z})\n    logvar: dense(${z})\n  }`);
        if (h.inferred) lines.push(`  encoder q2(z2 | z) = Normal(mu, logvar) {\n    dense(4, ${h.activation})\n    mu: dense(${h.size})\n    logvar: dense(${h.size})\n  }`);
      } else lines.push(`  prior p(z${labelledPrior ? " | y" : ""}) = ${r.prior}`);
      if (r.corruption && r.objective !== "gan") lines.push(`  corrupt x with ${r.corruption}`);
      const train = [`    optimizer ${r.optimizer}`, `    batch ${r.batch}`, "    epochs 1", ...(r.clipNorm ? [`    clipNorm ${r.clipNorm}`] : [])];
      if (r.objective === "gan") {
        lines.push(r.generator, r.discriminatorX, `  objective gan(loss = ${r.loss})`);
      } else {
        lines.push(r.encoder, r.decoder);
        if (r.objective === "aae" || r.objective === "factor") lines.push(r.discriminatorZ);
        // M2 (Kingma et al. 2014): q(y | x) infers the partly labelled y, summed over exactly where it is missing.
        if (r.objective === "m2") lines.push(`  encoder qy(y | x) = Categorical(logits) {\n    dense(${r.k + 1}, ${r.classifierActivation})\n    logits: dense(${s.labels!.classes})\n  }`, `  objective m2(alpha = ${r.beta})`);
        const onLabelled = s.labels?.labelled ? "\n      on labelled" : "";
        if (r.objective === "phases") {
          const [a, b] = r.weights;
          // A onehot latent has no KL here (AE0502) unless its posterior is relaxed: then its phase is the likelihood alone.
          const kl = s.latent.onehot && !r.encoder.includes("RelaxedCategorical") ? "" : ` + ${b} * kl(q(z | x${labelInput}), p(z))${s.latent.quantized ? ` + vq(q(z | x${labelInput}))` : ""}`;
          const regularisers = r.regularisers.map((t) => ` + ${a} * ${t}`).join("");
          train.push(`    phase fit\n      minimize ${a} * nll(p(x | z${labelInput}), x)${kl}${regularisers}\n      over encoder, decoder${learnedPrior(r.prior) && kl ? ", prior" : ""}${onLabelled}`);
        } else if (r.objective === "factor") {
          // FactorVAE's two phases: a density-ratio TC, and a discriminator of permuted codes.
          const code = `q(z | x${labelInput})`;
          train.push(`    phase vae\n      minimize nll(p(x | z${labelInput}), x) + kl(${code}, p(z)) + ${r.weights[0]} * tc(${code}, d)\n      over encoder, decoder${learnedPrior(r.prior) ? ", prior" : ""}${onLabelled}`);
          train.push(`    phase discriminate\n      minimize gan_d(d, real = ${code}, fake = permuted(${code}), loss = ${r.discriminatorLoss})\n      over d${onLabelled}`);
        } else if (r.objective === "betaTC") {
          const [alpha, beta, gamma] = r.tcWeights;
          lines.push(`  objective betaTC(alpha = ${alpha}, beta = ${beta}, gamma = ${gamma})`);
        } else if (r.objective !== "m2") lines.push(`  objective ${r.objective === "elbo" ? `elbo(beta = ${r.beta})` : r.objective === "iwae" ? `iwae(k = ${r.k})` : r.objective}`);
      }
      lines.push("  train {", ...train, "  }", "}");
      return lines.join("\n") + "\n";
    });
});
