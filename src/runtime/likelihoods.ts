import * as tf from "@tensorflow/tfjs";
import { sumPerExample } from "./distributions.js";
import type { Random } from "./random.js";

/**
 * The likelihoods beyond Normal, Bernoulli and Categorical: negative log densities per
 * example (shape [batch], nats, every constant kept), their means and their samples.
 * Parameters have the data's shape [batch, ...shape] unless stated. Every formula is
 * mirrored term for term in python/aespec_torch/likelihoods.py; docs/likelihoods-numerics.md
 * states them with the accuracy measured.
 *
 * TF.js has no gradient through comparisons, so branches are chosen with `choose` (a mask
 * from tf.step, which has a zero gradient), and every branch is evaluated on inputs that
 * keep it finite: tf.where's gradient multiplies the unchosen branch's by 0, and 0·∞ is NaN.
 */

const LOG_2 = Math.log(2);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Log-scales are clipped to ±40 (zero gradient beyond): exp(40) ≈ 2.4e17 leaves float32
 * room for |x − μ|·e^40 and for the bin widths of 16-bit data scaled by e^−40.
 */
export const LOG_SCALE_BOUND = 40;

/** Picks `whenPositive` where `test` > 0, `whenNotPositive` elsewhere; no gradient flows into `test`. */
function choose(test: tf.Tensor, whenPositive: tf.Tensor, whenNotPositive: tf.Tensor): tf.Tensor {
  return tf.where(tf.cast(tf.step(test), "bool"), whenPositive, whenNotPositive);
}

function boundedLogScale(logScale: tf.Tensor): tf.Tensor {
  return tf.clipByValue(logScale, -LOG_SCALE_BOUND, LOG_SCALE_BOUND);
}

/** Uniform draws in [0, 1) (tf.randomUniform; the torch side's Noise.uniform) kept inside [edge, 1 − edge]. */
function uniformWithin(shape: number[], edge: number, random: Random): tf.Tensor {
  return tf.clipByValue(tf.randomUniform(shape, 0, 1, "float32", random.seed()), edge, 1 - edge);
}

// ---------------------------------------------------------------------------------------
// Laplace

/** |t| as sign(t)·t: its gradient at 0 is 0, as torch's abs (TF.js's tf.abs gives −1 there). */
function absolute(t: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sign(t), t);
}

/** −log Laplace(x | μ, b) = |x − μ|/b + log(2b), b = exp(logScale). */
export function laplaceNll(x: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor): tf.Tensor1D {
  const s = boundedLogScale(logScale);
  return sumPerExample(tf.add(tf.mul(absolute(tf.sub(x, mu)), tf.exp(tf.neg(s))), tf.add(s, LOG_2)));
}

/** Inverse CDF: μ − b·sign(v)·log(1 − 2|v|), v = u − ½; |v| stays below ½ so the draw is finite. */
export function laplaceSample(mu: tf.Tensor, logScale: tf.Tensor, random: Random): tf.Tensor {
  return tf.tidy(() => {
    const v = tf.sub(uniformWithin(mu.shape, 1e-7, random), 0.5);
    const tail = tf.log(tf.sub(1, tf.mul(2, tf.abs(v))));
    return tf.sub(mu, tf.mul(tf.exp(boundedLogScale(logScale)), tf.mul(tf.sign(v), tail)));
  });
}

// ---------------------------------------------------------------------------------------
// Continuous Bernoulli (Loaiza-Ganem & Cunningham 2019)

/** Below this |logit|, log C and the mean use their Taylor series (error < 1e-8 there). */
const CB_LOG_NORMALISER_SERIES_BELOW = 0.5;
const CB_MEAN_SERIES_BELOW = 1;
const CB_SAMPLE_SERIES_BELOW = 0.01;

/**
 * log C(λ), λ = σ(l). C = 2·atanh(1 − 2λ)/(1 − 2λ), written in logits, is l / tanh(l/2)
 * (even in l). Near l = 0 (λ near ½) its series in y = l/2:
 * log 2 + y²/3 − 7y⁴/90 + 62y⁶/2835 − 127y⁸/18900.
 */
export function continuousBernoulliLogNormaliser(logits: tf.Tensor): tf.Tensor {
  const a = tf.abs(logits);
  const far = tf.maximum(a, CB_LOG_NORMALISER_SERIES_BELOW);
  const exact = tf.sub(tf.log(far), tf.log(tf.tanh(tf.mul(0.5, far))));
  const y2 = tf.square(tf.mul(0.5, tf.minimum(a, CB_LOG_NORMALISER_SERIES_BELOW)));
  const series = tf.add(LOG_2, tf.mul(y2, tf.add(1 / 3, tf.mul(y2, tf.add(-7 / 90, tf.mul(y2, tf.add(62 / 2835, tf.mul(y2, -127 / 18900))))))));
  return choose(tf.sub(CB_LOG_NORMALISER_SERIES_BELOW, a), series, exact);
}

/** −log CB(x | σ(logits)) = softplus(l) − x·l − log C: the binary cross-entropy minus the log normaliser. */
export function continuousBernoulliNll(x: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  const crossEntropy = tf.sub(tf.softplus(logits), tf.mul(x, logits));
  return sumPerExample(tf.sub(crossEntropy, continuousBernoulliLogNormaliser(logits)));
}

/**
 * E[x] = λ/(2λ − 1) + 1/(2·atanh(1 − 2λ)) = ½ + (coth y − 1/y)/2 with y = l/2; near y = 0
 * the Langevin series coth y − 1/y = y/3 − y³/45 + 2y⁵/945 − y⁷/4725.
 */
export function continuousBernoulliMean(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
  const y = tf.mul(0.5, logits);
  const far = tf.maximum(tf.abs(y), CB_MEAN_SERIES_BELOW / 2);
  const exact = tf.mul(tf.sign(y), tf.sub(tf.reciprocal(tf.tanh(far)), tf.reciprocal(far)));
  const near = tf.clipByValue(y, -CB_MEAN_SERIES_BELOW / 2, CB_MEAN_SERIES_BELOW / 2);
  const y2 = tf.square(near);
  const series = tf.mul(near, tf.add(1 / 3, tf.mul(y2, tf.add(-1 / 45, tf.mul(y2, tf.add(2 / 945, tf.mul(y2, -1 / 4725)))))));
  const langevin = choose(tf.sub(CB_MEAN_SERIES_BELOW, tf.abs(logits)), series, exact);
  return tf.add(0.5, tf.mul(0.5, langevin));
  });
}

/**
 * Inverse CDF. With a = −|l| ≤ 0 and v = u (l < 0) or 1 − u (l ≥ 0), the draw of the
 * density ∝ e^(a·s) is s = log(1 + v·expm1(a))/a, and x = s or 1 − s: no exp(l) can
 * overflow. Near a = 0, s = v + v(1−v)a/2 + v(1−v)(1−2v)a²/6.
 */
export function continuousBernoulliSample(logits: tf.Tensor, random: Random): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.randomUniform(logits.shape, 0, 1, "float32", random.seed());
    const v = choose(tf.neg(logits), u, tf.sub(1, u));
    const a = tf.neg(tf.abs(logits));
    const far = tf.minimum(a, -CB_SAMPLE_SERIES_BELOW);
    const exact = tf.div(tf.log1p(tf.mul(v, tf.expm1(far))), far);
    const near = tf.maximum(a, -CB_SAMPLE_SERIES_BELOW);
    const spread = tf.mul(v, tf.sub(1, v));
    const series = tf.add(v, tf.mul(spread, tf.add(tf.mul(0.5, near), tf.mul(tf.div(tf.sub(1, tf.mul(2, v)), 6), tf.square(near)))));
    const s = tf.clipByValue(choose(tf.add(a, CB_SAMPLE_SERIES_BELOW), series, exact), 0, 1);
    return choose(tf.neg(logits), s, tf.sub(1, s));
  });
}

// ---------------------------------------------------------------------------------------
// Discretized logistic (Salimans et al. 2017, PixelCNN++)

/** The grid data lie on: low + i·(high − low)/(levels − 1), i = 0 … levels − 1. */
export interface Bins {
  readonly low: number;
  readonly high: number;
  readonly levels: number;
}

/** The distance between grid points; refuses a grid that has none. */
export function binWidth(bins: Bins): number {
  if (!Number.isInteger(bins.levels) || bins.levels < 2 || !(bins.high > bins.low)) {
    throw new Error(`a discretized likelihood needs levels ≥ 2 and high > low, not ${JSON.stringify(bins)}`);
  }
  return (bins.high - bins.low) / (bins.levels - 1);
}

/**
 * Below this bin width in scale units (d = step/b), the bin's mass is the density at its
 * centre times its width: the midpoint rule's relative error is at most d²/24 < 5e-8.
 */
const NARROW_BIN = 1e-3;

/**
 * log P(x's bin) under Logistic(μ, b = exp(logScale)), element-wise (x, μ, logScale broadcast).
 * With a = (x − μ + step/2)/b and c = (x − μ − step/2)/b:
 * - the lowest bin (−∞, x + step/2]: log σ(a) = −softplus(−a);
 * - the highest [x − step/2, ∞): log(1 − σ(c)) = −softplus(c);
 * - inside: log(σ(a) − σ(c)) = log σ(a) + log σ(−c) + log(1 − e^(−d)), d = a − c: three
 *   non-positive terms, so nothing cancels and the mass cannot underflow in log space;
 * - narrow bins (d < 1e-3, where PixelCNN++'s σ(a) − σ(c) loses everything to rounding):
 *   log pdf(centre) + log step.
 */
export function discretizedLogisticLogMass(x: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor, bins: Bins): tf.Tensor {
  const step = binWidth(bins);
  const s = boundedLogScale(logScale);
  const inverseScale = tf.exp(tf.neg(s));
  const centred = tf.sub(x, mu);
  const upper = tf.mul(inverseScale, tf.add(centred, step / 2));
  const lower = tf.mul(inverseScale, tf.sub(centred, step / 2));
  const width = tf.mul(inverseScale, step);
  const logBelowUpper = tf.neg(tf.softplus(tf.neg(upper)));
  const logAboveLower = tf.neg(tf.softplus(lower));
  const wide = tf.maximum(width, NARROW_BIN);
  const logBin = tf.add(tf.add(logBelowUpper, logAboveLower), tf.log(tf.neg(tf.expm1(tf.neg(wide)))));
  const middle = tf.mul(inverseScale, centred);
  const logMidpoint = tf.sub(tf.neg(tf.add(tf.softplus(middle), tf.softplus(tf.neg(middle)))), tf.sub(s, Math.log(step)));
  const inside = choose(tf.sub(width, NARROW_BIN), logBin, logMidpoint);
  const top = choose(tf.sub(x, bins.high - step / 2), logAboveLower, inside);
  return choose(tf.sub(bins.low + step / 2, x), logBelowUpper, top);
}

/** −log P(x) for data on the grid of `bins`, summed per example. */
export function discretizedLogisticNll(x: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor, bins: Bins): tf.Tensor1D {
  return sumPerExample(tf.neg(discretizedLogisticLogMass(x, mu, logScale, bins)));
}

/** μ clipped to [low, high]: the centre of the continuous logistic, kept on the data's range (not the exact mean of the binned distribution). */
export function discretizedLogisticMean(mu: tf.Tensor, logScale: tf.Tensor, bins: Bins): tf.Tensor {
  binWidth(bins);
  void logScale;
  return tf.clipByValue(mu, bins.low, bins.high);
}

/** The grid point nearest to `value` (round half to even, as torch.round), inside [low, high]. */
function snapToGrid(value: tf.Tensor, bins: Bins): tf.Tensor {
  const step = binWidth(bins);
  const index = tf.clipByValue(tf.round(tf.div(tf.sub(value, bins.low), step)), 0, bins.levels - 1);
  return tf.add(bins.low, tf.mul(index, step));
}

/** A logistic draw μ + b·log(u/(1 − u)) (u kept within [1e-5, 1 − 1e-5], as PixelCNN++), snapped to the grid. */
export function discretizedLogisticSample(mu: tf.Tensor, logScale: tf.Tensor, bins: Bins, random: Random): tf.Tensor {
  return tf.tidy(() => {
    const u = uniformWithin(mu.shape, 1e-5, random);
    const logistic = tf.sub(tf.log(u), tf.log(tf.sub(1, u)));
    return snapToGrid(tf.add(mu, tf.mul(tf.exp(boundedLogScale(logScale)), logistic)), bins);
  });
}

/**
 * K discretized logistics per dimension: logitWeights, mu and logScale are [batch, ...shape, K];
 * −log Σ_k softmax(w)_k P_k(x), by log-sum-exp over K.
 */
export function discretizedLogisticMixtureNll(x: tf.Tensor, logitWeights: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor, bins: Bins): tf.Tensor1D {
  const logWeights = tf.sub(logitWeights, tf.logSumExp(logitWeights, -1, true));
  const logMass = discretizedLogisticLogMass(tf.expandDims(x, -1), mu, logScale, bins);
  return sumPerExample(tf.neg(tf.logSumExp(tf.add(logWeights, logMass), -1)));
}

/** Σ_k softmax(w)_k · clip(μ_k, low, high): the mixture of the components' means above. */
export function discretizedLogisticMixtureMean(logitWeights: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor, bins: Bins): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(tf.softmax(logitWeights), discretizedLogisticMean(mu, logScale, bins)), -1));
}

/** A component by Gumbel-max (one uniform per component), then that component's draw. */
export function discretizedLogisticMixtureSample(logitWeights: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor, bins: Bins, random: Random): tf.Tensor {
  return tf.tidy(() => {
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniformWithin(logitWeights.shape, 1e-5, random)))));
    const components = logitWeights.shape[logitWeights.rank - 1]!;
    const chosen = tf.oneHot(tf.argMax(tf.add(logitWeights, gumbel), -1), components).toFloat();
    return discretizedLogisticSample(tf.sum(tf.mul(chosen, mu), -1), tf.sum(tf.mul(chosen, logScale), -1), bins, random);
  });
}

// ---------------------------------------------------------------------------------------
// Beta

/** Data are clipped to [1e-6, 1 − 1e-6] so log x and log(1 − x) stay finite at 0 and 1. */
export const BETA_EDGE = 1e-6;

/** Stirling's series needs z ≥ 8 for float32 precision (first omitted term 1/(1188 z⁹) < 1e-11). */
const STIRLING_SHIFT = 8;

/**
 * log Γ(x) for x > 0, differentiable: log Γ(x) = log Γ(x + 8) − Σ_{k<8} log(x + k), the sum
 * taken as four logs of pairs (x + k)(x + 7 − k) (fewer roundings; finite up to x ≈ 1e19),
 * with Stirling's series at z = x + 8 written as (z − ½)(log z − 1) − ½ + ½·log 2π
 * + 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷), which rounds less than (z − ½)·log z − z.
 * Its gradient is the digamma function by the same construction.
 */
export function lgamma(x: tf.Tensor): tf.Tensor {
  let shift: tf.Tensor | undefined;
  for (let k = 0; k < STIRLING_SHIFT / 2; k++) {
    const pair = tf.log(tf.mul(tf.add(x, k), tf.add(x, STIRLING_SHIFT - 1 - k)));
    shift = shift ? tf.add(shift, pair) : pair;
  }
  const z = tf.add(x, STIRLING_SHIFT);
  const r = tf.reciprocal(z);
  const r2 = tf.square(r);
  const series = tf.mul(r, tf.sub(1 / 12, tf.mul(r2, tf.sub(1 / 360, tf.mul(r2, tf.sub(1 / 1260, tf.mul(r2, 1 / 1680)))))));
  const stirling = tf.add(tf.mul(tf.sub(z, 0.5), tf.sub(tf.log(z), 1)), tf.add(series, HALF_LOG_2PI - 0.5));
  return tf.sub(stirling, shift!);
}

/** −log Beta(x | α, β) = log B(α, β) − (α − 1)·log x − (β − 1)·log(1 − x), for positive α, β. */
export function betaNll(x: tf.Tensor, alpha: tf.Tensor, beta: tf.Tensor): tf.Tensor1D {
  const clipped = tf.clipByValue(x, BETA_EDGE, 1 - BETA_EDGE);
  const logBeta = tf.sub(tf.add(lgamma(alpha), lgamma(beta)), lgamma(tf.add(alpha, beta)));
  const logKernel = tf.add(tf.mul(tf.sub(alpha, 1), tf.log(clipped)), tf.mul(tf.sub(beta, 1), tf.log(tf.sub(1, clipped))));
  return sumPerExample(tf.sub(logBeta, logKernel));
}

export function betaMean(alpha: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(alpha, tf.add(alpha, beta)));
}

/**
 * Proposal rounds of the Gamma sampler: each accepts with probability ≥ 0.95, so all ten
 * fail with probability < 1e-13; the proposal's centre d is returned then.
 */
const GAMMA_ROUNDS = 10;

/**
 * log G, G ~ Gamma(α, 1), by Marsaglia & Tsang (2000) drawn in fixed rounds (tf.randomGamma
 * takes one α for the whole tensor): for α' = α + 1 where α < 1, else α, d = α' − ⅓,
 * c = 1/√(9d), v = (1 + c·n)³ with n ~ N(0, 1), accepted when v > 0 and
 * log u < n²/2 + d − d·v + d·log v; the first accepted round wins. α < 1 adds log(u′)/α.
 * Draws: normal [rounds, ...shape], uniform [rounds, ...shape], uniform [...shape].
 */
function logGammaSample(alpha: tf.Tensor, random: Random): tf.Tensor {
  const boost = tf.step(tf.sub(1, alpha));
  const raised = tf.add(alpha, boost);
  const d = tf.sub(raised, 1 / 3);
  const c = tf.rsqrt(tf.mul(9, d));
  const n = tf.randomNormal([GAMMA_ROUNDS, ...alpha.shape], 0, 1, "float32", random.seed());
  const u = tf.randomUniform([GAMMA_ROUNDS, ...alpha.shape], 0, 1, "float32", random.seed());
  const boostU = uniformWithin(alpha.shape, 1e-30, random);
  const cube = tf.pow(tf.add(1, tf.mul(c, n)), 3);
  const positive = tf.maximum(cube, 1e-30);
  const bound = tf.add(tf.mul(0.5, tf.square(n)), tf.add(tf.sub(d, tf.mul(d, positive)), tf.mul(d, tf.log(positive))));
  const accepted = tf.logicalAnd(tf.greater(cube, 0), tf.less(tf.log(u), bound));
  const proposals = tf.unstack(tf.log(tf.mul(d, positive)));
  const verdicts = tf.unstack(accepted);
  let logG = tf.log(d);
  for (let round = GAMMA_ROUNDS - 1; round >= 0; round--) logG = tf.where(verdicts[round]!, proposals[round]!, logG);
  return tf.add(logG, tf.mul(boost, tf.div(tf.log(boostU), alpha)));
}

/** x = G_α/(G_α + G_β) = σ(log G_α − log G_β): finite even when both draws underflow. No gradient. */
export function betaSample(alpha: tf.Tensor, beta: tf.Tensor, random: Random): tf.Tensor {
  return tf.tidy(() => {
    const logA = logGammaSample(alpha, random);
    const logB = logGammaSample(beta, random);
    return tf.sigmoid(tf.sub(logA, logB));
  });
}
