/**
 * A Gaussian mixture with full covariances fitted by EM to a model's codes after training:
 * the post-hoc sampler of Ghosh et al. (2020), "From variational to deterministic
 * autoencoders", which lets autoencoders without a prior (RAE, WAE, a plain AE) generate.
 * Pure arithmetic in float64 on plain arrays, seeded: the same codes and seed give the same
 * mixture on any machine.
 */
import { Random } from "../runtime/random.js";

export interface GaussianMixture {
  /** Mixing weights, summing to 1. */
  readonly weights: number[];
  /** K means of `dimensions` values each. */
  readonly means: number[][];
  /** K full covariance matrices, row by row (dimensions × dimensions). */
  readonly covariances: number[][][];
}

export interface MixtureFit extends GaussianMixture {
  /** Mean log-likelihood of the fitted points, nats per point. */
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface MixtureFitOptions {
  readonly components: number;
  readonly seed: number;
  /** EM stops when the mean log-likelihood improves by less than this (scikit-learn's default). */
  readonly tolerance?: number;
  readonly maxIterations?: number;
  /** Added to every covariance's diagonal so that none is singular (scikit-learn's reg_covar). */
  readonly regularisation?: number;
}

/** Cholesky factor L (lower, row by row) of a symmetric positive-definite matrix. */
export function cholesky(a: readonly (readonly number[])[]): number[][] {
  const d = a.length;
  const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error("covariance is not positive definite");
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}

/** log N(x; μ, LLᵀ) for every point and one component: solves L y = x − μ. */
function componentLogDensity(points: Float64Array, n: number, d: number, mean: readonly number[], l: readonly (readonly number[])[], out: Float64Array): void {
  let logDet = 0;
  for (let i = 0; i < d; i++) logDet += Math.log(l[i]![i]!);
  const constant = -0.5 * d * Math.log(2 * Math.PI) - logDet;
  const y = new Float64Array(d);
  for (let p = 0; p < n; p++) {
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = points[p * d + i]! - mean[i]!;
      for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
      y[i] = s / l[i]![i]!;
      q += y[i]! * y[i]!;
    }
    out[p] = constant - 0.5 * q;
  }
}

/** k-means++ seeding, then Lloyd iterations: the initial means, as scikit-learn's default init does. */
function kMeans(points: Float64Array, n: number, d: number, k: number, random: Random, iterations = 10): number[][] {
  const distance = (p: number, c: readonly number[]) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += (points[p * d + i]! - c[i]!) ** 2;
    return s;
  };
  const row = (p: number) => Array.from(points.subarray(p * d, (p + 1) * d));
  const centres = [row(random.int(n))];
  const nearest = new Float64Array(n).fill(Infinity);
  while (centres.length < k) {
    let total = 0;
    for (let p = 0; p < n; p++) {
      nearest[p] = Math.min(nearest[p]!, distance(p, centres.at(-1)!));
      total += nearest[p]!;
    }
    let target = random.next() * total;
    let chosen = n - 1;
    for (let p = 0; p < n; p++) {
      target -= nearest[p]!;
      if (target < 0) { chosen = p; break; }
    }
    centres.push(row(chosen));
  }
  for (let it = 0; it < iterations; it++) {
    const sums = Array.from({ length: k }, () => new Array<number>(d).fill(0));
    const counts = new Array<number>(k).fill(0);
    for (let p = 0; p < n; p++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const dc = distance(p, centres[c]!);
        if (dc < bestDistance) [best, bestDistance] = [c, dc];
      }
      counts[best]!++;
      for (let i = 0; i < d; i++) sums[best]![i]! += points[p * d + i]!;
    }
    for (let c = 0; c < k; c++) if (counts[c]! > 0) centres[c] = sums[c]!.map((s) => s / counts[c]!);
  }
  return centres;
}

/**
 * Fits K full-covariance Gaussians to n points of d values (row by row) by EM, from
 * k-means++ initial means, unit-weighted initial covariances of the whole data, and equal
 * weights. Deterministic for a seed.
 */
export function fitGaussianMixture(points: Float64Array, d: number, options: MixtureFitOptions): MixtureFit {
  const n = points.length / d;
  const k = options.components;
  if (!Number.isInteger(n) || n < k) throw new Error(`a mixture of ${k} components needs at least ${k} points; got ${n}`);
  const tolerance = options.tolerance ?? 1e-3;
  const maxIterations = options.maxIterations ?? 100;
  const regularisation = options.regularisation ?? 1e-6;
  const random = new Random(options.seed);
  let means = kMeans(points, n, d, k, random);
  const overall = covariance(points, n, d, null, new Array<number>(d).fill(0).map((_, i) => mean(points, n, d, i)), regularisation);
  let covariances = means.map(() => overall.map((r) => [...r]));
  let weights = new Array<number>(k).fill(1 / k);
  const logDensity = Array.from({ length: k }, () => new Float64Array(n));
  const responsibility = Array.from({ length: k }, () => new Float64Array(n));
  let previous = -Infinity;
  let logLikelihood = -Infinity;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    // E step: responsibilities by log-sum-exp over components.
    for (let c = 0; c < k; c++) componentLogDensity(points, n, d, means[c]!, cholesky(covariances[c]!), logDensity[c]!);
    let total = 0;
    for (let p = 0; p < n; p++) {
      let top = -Infinity;
      for (let c = 0; c < k; c++) top = Math.max(top, Math.log(weights[c]!) + logDensity[c]![p]!);
      let s = 0;
      for (let c = 0; c < k; c++) s += Math.exp(Math.log(weights[c]!) + logDensity[c]![p]! - top);
      const log = top + Math.log(s);
      total += log;
      for (let c = 0; c < k; c++) responsibility[c]![p] = Math.exp(Math.log(weights[c]!) + logDensity[c]![p]! - log);
    }
    logLikelihood = total / n;
    if (logLikelihood - previous < tolerance) {
      converged = true;
      break;
    }
    previous = logLikelihood;
    // M step.
    const mass = responsibility.map((r) => r.reduce((a, b) => a + b, 0) + 10 * Number.EPSILON);
    weights = mass.map((m) => m / n);
    means = responsibility.map((r, c) => Array.from({ length: d }, (_, i) => {
      let s = 0;
      for (let p = 0; p < n; p++) s += r[p]! * points[p * d + i]!;
      return s / mass[c]!;
    }));
    covariances = responsibility.map((r, c) => covariance(points, n, d, r, means[c]!, regularisation, mass[c]!));
  }
  return { weights, means, covariances, logLikelihood, iterations, converged };
}

function mean(points: Float64Array, n: number, d: number, i: number): number {
  let s = 0;
  for (let p = 0; p < n; p++) s += points[p * d + i]!;
  return s / n;
}

/** The (responsibility-weighted) covariance about `centre`, plus `regularisation` on the diagonal. */
function covariance(points: Float64Array, n: number, d: number, r: Float64Array | null, centre: readonly number[], regularisation: number, mass = n): number[][] {
  const c = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const x = new Float64Array(d);
  for (let p = 0; p < n; p++) {
    const w = r ? r[p]! : 1;
    for (let i = 0; i < d; i++) x[i] = points[p * d + i]! - centre[i]!;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) c[i]![j]! += w * x[i]! * x[j]!;
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) c[j]![i] = c[i]![j] = c[i]![j]! / mass;
    c[i]![i]! += regularisation;
  }
  return c;
}

/** n draws from the mixture (row by row): a component by its weight, then μ + L ε. */
export function sampleGaussianMixture(mixture: GaussianMixture, n: number, seed: number): Float64Array {
  const random = new Random(seed);
  const d = mixture.means[0]!.length;
  const factors = mixture.covariances.map(cholesky);
  const out = new Float64Array(n * d);
  const eps = new Float64Array(d);
  for (let p = 0; p < n; p++) {
    let u = random.next();
    let c = mixture.weights.length - 1;
    for (let j = 0; j < mixture.weights.length; j++) {
      u -= mixture.weights[j]!;
      if (u < 0) { c = j; break; }
    }
    for (let i = 0; i < d; i++) eps[i] = standardNormal(random);
    const l = factors[c]!;
    for (let i = 0; i < d; i++) {
      let s = mixture.means[c]![i]!;
      for (let k = 0; k <= i; k++) s += l[i]![k]! * eps[k]!;
      out[p * d + i] = s;
    }
  }
  return out;
}

/** Box–Muller from the seeded stream. */
function standardNormal(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
