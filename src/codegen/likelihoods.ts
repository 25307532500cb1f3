import type { OutputKind } from "../language/vocabulary.js";
import type { IrNetworkOutput, IrRelaxed, IrScalar, IrSupport, ModelIR } from "../ir/types.js";
import { variableOf } from "../ir/lookup.js";
import { literal, valueLiteral } from "./names.js";

/**
 * What each distribution compiles to, in both targets, in one table: the runtime type of
 * its parameters, how a network's heads become them, its negative log-likelihood (nats
 * per example), its mean (what decode() returns), a draw, and what it passes on to the
 * networks that read it. The TF.js and PyTorch emitters read only this; adding a
 * likelihood is adding a row here (and its runtime functions).
 */
export interface TargetCode {
  /** The runtime type of the parameters (TF.js only: Python is untyped here). */
  readonly type: string;
  /** The parameters from each parameter's expression, keyed by the parameter set in use. */
  build(p: Readonly<Record<string, string>>, facts: OutputFacts): string;
  nll(params: string, target: string): string;
  mean(params: string): string;
  /** A draw (decode with `draw: true`; the TF.js target only). */
  draw?(params: string, random: string): string;
  /** What an encoder's output passes on while training. */
  fed(params: string, random: string): string;
}

/** What a row needs beyond the parameters' expressions. */
export interface OutputFacts {
  readonly shape: readonly number[];
  readonly support: IrSupport;
  readonly options: Readonly<Record<string, number>>;
  /** A Normal's log-variance clamp when its variance is a head or learned (IrNetworkOutput.logvarBounds). */
  readonly logvarBounds?: readonly [number, number];
  /** A RelaxedCategorical's temperature and straight-through flag. */
  readonly relaxed?: IrRelaxed;
}

export interface LikelihoodCode {
  readonly ts: TargetCode;
  readonly py: TargetCode;
  /**
   * A constant is folded into the parameter the runtime keeps (σ = 0.1 becomes logvar =
   * 2·log 0.1), so constants skip the transforms (softplus) that heads pass through.
   */
  readonly constants?: Readonly<Record<string, { readonly as: string; readonly value: (c: number) => number }>>;
}

const same = (as: string) => ({ as, value: (c: number) => c });

function bins(facts: OutputFacts, py: boolean): string {
  const s = facts.support;
  if (s.kind !== "interval") throw new Error("a discretized likelihood needs an interval (the checker says so)");
  return py ? `rt.Bins(${num(s.low)}, ${num(s.high)}, ${facts.options.levels})` : `{ low: ${num(s.low)}, high: ${num(s.high)}, levels: ${facts.options.levels} }`;
}

function num(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} as a number literal`);
  return String(n);
}

/** The Normal's parameters with the log-variance clamped to the IR's bounds, when it has them. */
/** What the likelihood table needs to know of an output beyond its parameters, from the IR. */
export function outputFacts(ir: ModelIR, d: IrNetworkOutput): OutputFacts {
  const v = variableOf(ir, d.variable);
  return {
    shape: v.shape,
    support: v.support,
    options: d.options ?? {},
    ...(d.logvarBounds ? { logvarBounds: d.logvarBounds } : {}),
    ...(d.relaxed ? { relaxed: d.relaxed } : {}),
  };
}

function boundedLogvar(facts: OutputFacts, params: string, clamp: string): string {
  return facts.logvarBounds ? `${clamp}(${params}, ${num(facts.logvarBounds[0])}, ${num(facts.logvarBounds[1])})` : params;
}

function relaxed(facts: OutputFacts): IrRelaxed {
  if (!facts.relaxed) throw new Error("a RelaxedCategorical output has its temperature in the IR (lowering writes it)");
  return facts.relaxed;
}

/** A number, or a schedule as the dict python/aespec_torch/schedules.py reads (the IR's JSON, keys and all). */
export function pyScalar(value: IrScalar): string {
  if (typeof value === "number") return num(value);
  return `{${Object.entries(value).map(([k, v]) => `${literal(k)}: ${typeof v === "number" ? num(v) : literal(v)}`).join(", ")}}`;
}

/**
 * A relaxed categorical's temperature inside a network function (whose Forward is `f`):
 * a number as written, a schedule evaluated at the Forward's clock (the step's).
 */
function temperature(facts: OutputFacts, target: "ts" | "py"): string {
  const t = relaxed(facts).temperature;
  if (typeof t === "number") return num(t);
  return target === "ts" ? `rt.scalarValue(${valueLiteral(t)}, f.clock)` : `f.scalar(${pyScalar(t)})`;
}

const tuple = (items: readonly number[]) => (items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`);

export const likelihoodCode: Readonly<Record<OutputKind, LikelihoodCode>> = {
  Normal: {
    constants: { sigma: { as: "logvar", value: (c) => 2 * Math.log(c) }, logvar: same("logvar") },
    ts: {
      type: "rt.NormalParameters",
      build: (p, facts) => boundedLogvar(facts, "sigma" in p ? `rt.normalFromSigma(${p.mu}, ${p.sigma})` : `{ mu: ${p.mu}, logvar: ${p.logvar} }`, "rt.boundLogvar"),
      nll: (params, target) => `tf.neg(rt.normalLogProb(${target}, ${params}))`,
      mean: (params) => `${params}.mu`,
      draw: (params, random) => `rt.normalSample(${params}, ${random})`,
      fed: (params, random) => `rt.normalSample(${params}, ${random})`,
    },
    py: {
      type: "",
      build: (p, facts) => boundedLogvar(facts, "sigma" in p ? `rt.normal_from_sigma(${p.mu}, ${p.sigma})` : `rt.NormalParameters(${p.mu}, ${p.logvar})`, "rt.bound_logvar"),
      nll: (params, target) => `-rt.normal_log_prob(${target}, ${params})`,
      mean: (params) => `${params}.mu`,
      draw: (params, noise) => `rt.normal_sample(${params}, ${noise})`,
      fed: (params, noise) => `rt.normal_sample(${params}, ${noise})`,
    },
  },
  Bernoulli: {
    ts: {
      type: "rt.LogitParameters",
      build: (p) => ("probs" in p ? `{ logits: rt.logitsFromProbs(${p.probs}) }` : `{ logits: ${p.logits} }`),
      nll: (params, target) => `rt.bernoulliNll(${params}.logits, ${target})`,
      mean: (params) => `tf.sigmoid(${params}.logits)`,
      draw: (params, random) => `rt.bernoulliSample(${params}.logits, ${random})`,
      fed: (params) => `tf.sigmoid(${params}.logits)`,
    },
    py: {
      type: "",
      build: (p) => `rt.LogitParameters(${"probs" in p ? `rt.logits_from_probs(${p.probs})` : p.logits})`,
      nll: (params, target) => `rt.bernoulli_nll(${params}.logits, ${target})`,
      mean: (params) => `torch.sigmoid(${params}.logits)`,
      fed: (params) => `torch.sigmoid(${params}.logits)`,
    },
  },
  Categorical: {
    ts: {
      type: "rt.LogitParameters",
      build: (p) => ("probs" in p ? `{ logits: rt.categoricalLogitsFromProbs(${p.probs}) }` : `{ logits: ${p.logits} }`),
      nll: (params, target) => `rt.categoricalNll(${params}.logits, ${target})`,
      mean: (params) => `tf.softmax(${params}.logits)`,
      draw: (params, random) => `rt.categoricalSample(${params}.logits as tf.Tensor2D, ${random})`,
      fed: (params) => `tf.softmax(${params}.logits)`,
    },
    py: {
      type: "",
      build: (p) => `rt.LogitParameters(${"probs" in p ? `rt.categorical_logits_from_probs(${p.probs})` : p.logits})`,
      nll: (params, target) => `rt.categorical_nll(${params}.logits, ${target})`,
      mean: (params) => `torch.softmax(${params}.logits, -1)`,
      fed: (params) => `torch.softmax(${params}.logits, -1)`,
    },
  },
  Deterministic: {
    ts: {
      type: "rt.ValueParameters",
      build: (p) => `{ value: ${p.value} }`,
      nll: () => {
        throw new Error("a deterministic output has no likelihood");
      },
      mean: (params) => `${params}.value`,
      draw: (params) => `${params}.value`,
      fed: (params) => `${params}.value`,
    },
    py: {
      type: "",
      build: (p) => `rt.ValueParameters(${p.value})`,
      nll: () => {
        throw new Error("a deterministic output has no likelihood");
      },
      mean: (params) => `${params}.value`,
      draw: (params) => `${params}.value`,
      fed: (params) => `${params}.value`,
    },
  },
  Laplace: {
    constants: { scale: { as: "logscale", value: Math.log }, logscale: same("logscale") },
    ts: {
      type: "rt.LaplaceParameters",
      build: (p) => ("scale" in p ? `rt.laplaceFromScale(${p.mu}, ${p.scale})` : `{ mu: ${p.mu}, logScale: ${p.logscale} }`),
      nll: (params, target) => `rt.laplaceNll(${target}, ${params}.mu, ${params}.logScale)`,
      mean: (params) => `${params}.mu`,
      draw: (params, random) => `rt.laplaceSample(${params}.mu, ${params}.logScale, ${random})`,
      fed: (params) => `${params}.mu`,
    },
    py: {
      type: "",
      build: (p) => ("scale" in p ? `rt.laplace_from_scale(${p.mu}, ${p.scale})` : `rt.LaplaceParameters(${p.mu}, ${p.logscale})`),
      nll: (params, target) => `rt.laplace_nll(${target}, ${params}.mu, ${params}.log_scale)`,
      mean: (params) => `${params}.mu`,
      draw: (params, noise) => `rt.laplace_sample(${params}.mu, ${params}.log_scale, ${noise})`,
      fed: (params) => `${params}.mu`,
    },
  },
  ContinuousBernoulli: {
    ts: {
      type: "rt.LogitParameters",
      build: (p) => `{ logits: ${p.logits} }`,
      nll: (params, target) => `rt.continuousBernoulliNll(${target}, ${params}.logits)`,
      mean: (params) => `rt.continuousBernoulliMean(${params}.logits)`,
      draw: (params, random) => `rt.continuousBernoulliSample(${params}.logits, ${random})`,
      fed: (params) => `rt.continuousBernoulliMean(${params}.logits)`,
    },
    py: {
      type: "",
      build: (p) => `rt.LogitParameters(${p.logits})`,
      nll: (params, target) => `rt.continuous_bernoulli_nll(${target}, ${params}.logits)`,
      mean: (params) => `rt.continuous_bernoulli_mean(${params}.logits)`,
      draw: (params, noise) => `rt.continuous_bernoulli_sample(${params}.logits, ${noise})`,
      fed: (params) => `rt.continuous_bernoulli_mean(${params}.logits)`,
    },
  },
  DiscretizedLogistic: {
    constants: { logscale: same("logscale") },
    ts: {
      type: "rt.DiscretizedLogisticParameters",
      build: (p, facts) => `{ mu: ${p.mu}, logScale: ${p.logscale}, bins: ${bins(facts, false)} }`,
      nll: (params, target) => `rt.discretizedLogisticNll(${target}, ${params}.mu, ${params}.logScale, ${params}.bins)`,
      mean: (params) => `rt.discretizedLogisticMean(${params}.mu, ${params}.logScale, ${params}.bins)`,
      draw: (params, random) => `rt.discretizedLogisticSample(${params}.mu, ${params}.logScale, ${params}.bins, ${random})`,
      fed: (params) => `rt.discretizedLogisticMean(${params}.mu, ${params}.logScale, ${params}.bins)`,
    },
    py: {
      type: "",
      build: (p, facts) => `rt.DiscretizedLogisticParameters(${p.mu}, ${p.logscale}, ${bins(facts, true)})`,
      nll: (params, target) => `rt.discretized_logistic_nll(${target}, ${params}.mu, ${params}.log_scale, ${params}.bins)`,
      mean: (params) => `rt.discretized_logistic_mean(${params}.mu, ${params}.log_scale, ${params}.bins)`,
      draw: (params, noise) => `rt.discretized_logistic_sample(${params}.mu, ${params}.log_scale, ${params}.bins, ${noise})`,
      fed: (params) => `rt.discretized_logistic_mean(${params}.mu, ${params}.log_scale, ${params}.bins)`,
    },
  },
  DiscretizedLogisticMixture: {
    ts: {
      type: "rt.DiscretizedLogisticMixtureParameters",
      build: (p, facts) => `rt.mixtureParameters(${p.logits}, ${p.mu}, ${p.logscale}, ${JSON.stringify(facts.shape)}, ${facts.options.components}, ${bins(facts, false)})`,
      nll: (params, target) => `rt.discretizedLogisticMixtureNll(${target}, ${params}.logits, ${params}.mu, ${params}.logScale, ${params}.bins)`,
      mean: (params) => `rt.discretizedLogisticMixtureMean(${params}.logits, ${params}.mu, ${params}.logScale, ${params}.bins)`,
      draw: (params, random) => `rt.discretizedLogisticMixtureSample(${params}.logits, ${params}.mu, ${params}.logScale, ${params}.bins, ${random})`,
      fed: (params) => `rt.discretizedLogisticMixtureMean(${params}.logits, ${params}.mu, ${params}.logScale, ${params}.bins)`,
    },
    py: {
      type: "",
      build: (p, facts) => `rt.mixture_parameters(${p.logits}, ${p.mu}, ${p.logscale}, ${tuple(facts.shape)}, ${facts.options.components}, ${bins(facts, true)})`,
      nll: (params, target) => `rt.discretized_logistic_mixture_nll(${target}, ${params}.logits, ${params}.mu, ${params}.log_scale, ${params}.bins)`,
      mean: (params) => `rt.discretized_logistic_mixture_mean(${params}.logits, ${params}.mu, ${params}.log_scale, ${params}.bins)`,
      draw: (params, noise) => `rt.discretized_logistic_mixture_sample(${params}.logits, ${params}.mu, ${params}.log_scale, ${params}.bins, ${noise})`,
      fed: (params) => `rt.discretized_logistic_mixture_mean(${params}.logits, ${params}.mu, ${params}.log_scale, ${params}.bins)`,
    },
  },
  Beta: {
    ts: {
      type: "rt.BetaParameters",
      build: (p) => `rt.betaFromHeads(${p.alpha}, ${p.beta})`,
      nll: (params, target) => `rt.betaNll(${target}, ${params}.alpha, ${params}.beta)`,
      mean: (params) => `rt.betaMean(${params}.alpha, ${params}.beta)`,
      draw: (params, random) => `rt.betaSample(${params}.alpha, ${params}.beta, ${random})`,
      fed: (params) => `rt.betaMean(${params}.alpha, ${params}.beta)`,
    },
    py: {
      type: "",
      build: (p) => `rt.beta_from_heads(${p.alpha}, ${p.beta})`,
      nll: (params, target) => `rt.beta_nll(${target}, ${params}.alpha, ${params}.beta)`,
      mean: (params) => `rt.beta_mean(${params}.alpha, ${params}.beta)`,
      draw: (params, noise) => `rt.beta_sample(${params}.alpha, ${params}.beta, ${noise})`,
      fed: (params) => `rt.beta_mean(${params}.alpha, ${params}.beta)`,
    },
  },
  /**
   * A posterior only (the checker rejects it elsewhere, AE0446): passes on the relaxed
   * sample; encode() and reconstruct() take the most probable class, one-hot.
   */
  RelaxedCategorical: {
    ts: {
      type: "rt.RelaxedCategoricalParameters",
      build: (p, facts) => `{ logits: ${p.logits}, temperature: ${temperature(facts, "ts")}, hard: ${relaxed(facts).hard} }`,
      nll: () => {
        throw new Error("a relaxed categorical is a posterior, not a likelihood (AE0446)");
      },
      mean: (params) => `rt.categoricalMode(${params}.logits)`,
      fed: (params, random) => `rt.relaxedCategoricalSample(${params}, ${random})`,
    },
    py: {
      type: "",
      build: (p, facts) => `rt.RelaxedCategoricalParameters(${p.logits}, ${temperature(facts, "py")}, ${relaxed(facts).hard ? "True" : "False"})`,
      nll: () => {
        throw new Error("a relaxed categorical is a posterior, not a likelihood (AE0446)");
      },
      mean: (params) => `rt.categorical_mode(${params}.logits)`,
      fed: (params, noise) => `rt.relaxed_categorical_sample(${params}, ${noise})`,
    },
  },
  /**
   * A quantiser, not a likelihood: its trunk's z_e is the `value`; the emitters pass on and
   * summarise the latent through its quantize method (`feeds: quantized`), not this row.
   */
  VectorQuantize: {
    ts: {
      type: "rt.ValueParameters",
      build: (p) => `{ value: ${p.value} }`,
      nll: () => {
        throw new Error("a quantised latent has no likelihood");
      },
      mean: () => {
        throw new Error("a quantised latent is summarised by its quantize method");
      },
      fed: () => {
        throw new Error("a quantised latent is passed on by its quantize method");
      },
    },
    py: {
      type: "",
      build: (p) => `rt.ValueParameters(${p.value})`,
      nll: () => {
        throw new Error("a quantised latent has no likelihood");
      },
      mean: () => {
        throw new Error("a quantised latent is summarised by its quantize method");
      },
      fed: () => {
        throw new Error("a quantised latent is passed on by its quantize method");
      },
    },
  },
};

/** How each kind of non-head parameter is written in one target. */
export interface SourceWriters {
  /** A tensor shaped like `like`, filled with a number. */
  constant(like: string, value: number): string;
  /** A learned weight broadcast to the shape of `like`. */
  learned(like: string, weight: string): string;
}

/**
 * The parameters of one output in a target: heads and the trunk by their locals,
 * constants folded into the parameter the runtime keeps, learned weights broadcast to
 * the batch (both shaped like the first head, the location, which every set has).
 */
export function buildParameters(d: IrNetworkOutput, target: "ts" | "py", local: (source: { head: string } | { trunk: true }) => string, weight: (name: string) => string, writers: SourceWriters, facts: OutputFacts): string {
  const code = likelihoodCode[d.distribution];
  const entries = Object.entries(d.parameters);
  const located = entries.find(([, s]) => "head" in s || "trunk" in s);
  if (!located) throw new Error(`${d.variable}: every likelihood has a location given by a head (the checker says so)`);
  const like = local(located[1] as { head: string } | { trunk: true });
  const p: Record<string, string> = {};
  for (const [parameter, source] of entries) {
    if ("constant" in source) {
      const folded = code.constants?.[parameter];
      if (!folded) throw new Error(`${d.distribution}'s ${parameter} cannot be a constant (the checker says so)`);
      p[folded.as] = writers.constant(like, folded.value(source.constant));
    } else if ("learned" in source) {
      p[parameter] = writers.learned(like, weight(source.learned.name));
    } else {
      p[parameter] = local(source);
    }
  }
  return code[target].build(p, facts);
}
