import * as tf from "@tensorflow/tfjs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as rt from "../../src/runtime/index.js";
import { findTorchInterpreter } from "../../src/runner/torchEngine.js";
import { recordNoise } from "../torch/noiseRecorder.js";

/** Float64 references, written independently of the runtime's float32 formulas. */
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logSigmoid = (x: number) => -softplus(-x);

function laplaceRef(x: number, mu: number, logScale: number): number {
  return Math.abs(x - mu) * Math.exp(-logScale) + logScale + Math.log(2);
}

/**
 * log C(λ) from its definition 2·atanh(1 − 2λ)/(1 − 2λ), with 1 − 2λ = −tanh(l/2) so it
 * keeps its digits; where atanh(1 − 2λ) = −l/2 is beyond double's reach, 1 − tanh(|l|/2) = 2/(e^|l| + 1).
 */
function logCRef(l: number): number {
  const oneMinusTwoLambda = -Math.tanh(l / 2);
  if (Math.abs(oneMinusTwoLambda) < 1e-6) return Math.log(2) + (l * l) / 12;
  if (Math.abs(l) > 20) return Math.log(Math.abs(l)) - Math.log1p(-2 / (Math.exp(Math.abs(l)) + 1));
  return Math.log((2 * Math.atanh(oneMinusTwoLambda)) / oneMinusTwoLambda);
}
const cbRef = (x: number, l: number) => -(x * Math.log(sigmoid(l)) + (1 - x) * Math.log(sigmoid(-l))) - logCRef(l);
/** λ/(2λ − 1) + 1/(2·atanh(1 − 2λ)) and the variance λ(λ−1)/(1−2λ)² + 1/(2·atanh(1−2λ))², from the paper. */
function cbMomentsRef(l: number): { mean: number; variance: number } {
  const lambda = sigmoid(l);
  if (Math.abs(l) < 1e-4) return { mean: 0.5 + l / 12, variance: 1 / 12 };
  // 2·atanh(1 − 2λ) = −l exactly; atanh itself overflows for |l| ≳ 37.
  const t = -l;
  return { mean: lambda / (2 * lambda - 1) + 1 / t, variance: (lambda * (lambda - 1)) / (1 - 2 * lambda) ** 2 + 1 / (t * t) };
}

/** log of a logistic bin's mass as a difference of CDFs in float64 (upper tail form where that keeps the digits). */
function binRef(x: number, mu: number, logScale: number, bins: rt.Bins): number {
  const step = (bins.high - bins.low) / (bins.levels - 1);
  const b = Math.exp(logScale);
  const a = (x - mu + step / 2) / b;
  const c = (x - mu - step / 2) / b;
  if (x < bins.low + step / 2) return logSigmoid(a);
  if (x > bins.high - step / 2) return logSigmoid(-c);
  // σ(a) − σ(c) = σ(a)·σ(−c)·(1 − e^(c − a)): the identity keeps the digits a narrow bin's plain difference loses.
  return logSigmoid(a) + logSigmoid(-c) + Math.log(-Math.expm1(c - a));
}

function logSumExp(values: number[]): number {
  const top = Math.max(...values);
  return top + Math.log(values.reduce((s, v) => s + Math.exp(v - top), 0));
}

/** Lanczos (g = 7, 9 terms): double precision, independent of the runtime's Stirling series. */
const lanczos = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
function lgammaRef(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgammaRef(1 - x);
  const z = x - 1;
  let sum = lanczos[0]!;
  for (let i = 1; i < 9; i++) sum += lanczos[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
function digammaRef(x: number): number {
  let shift = 0;
  while (x < 10) shift -= 1 / x++;
  const r2 = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x - r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 / 240)));
}
const betaRef = (x: number, a: number, b: number) => lgammaRef(a) + lgammaRef(b) - lgammaRef(a + b) - (a - 1) * Math.log(x) - (b - 1) * Math.log1p(-x);

/** Central differences of a float64 reference in one argument. */
function slope(f: (...args: number[]) => number, args: number[], i: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(args[i]!));
  const plus = [...args];
  const minus = [...args];
  plus[i]! += h;
  minus[i]! -= h;
  return (f(...plus) - f(...minus)) / (2 * h);
}

/**
 * The runtime's per-example values and gradients for cases of scalar parameters, each
 * case one example of one dimension; checks they are finite and match the reference.
 */
function checkAgainst(
  f: (...t: tf.Tensor[]) => tf.Tensor,
  ref: (...args: number[]) => number,
  cases: number[][],
  differentiate: number[],
  tolerance = { value: 2e-6, gradient: 1e-4 },
  magnitude: (...args: number[]) => number = () => 0,
): void {
  const columns = cases[0]!.map((_, j) => tf.tensor2d(cases.map((c) => [c[j]!])));
  const { value, grads } = tf.valueAndGrads((...params: tf.Tensor[]) => tf.sum(f(...columns.map((c, j) => (differentiate.includes(j) ? params[differentiate.indexOf(j)]! : c)))))(differentiate.map((j) => columns[j]!));
  const perExample = tf.tidy(() => f(...columns));
  const values = Array.from(perExample.dataSync());
  const gradients = grads.map((g) => Array.from(g.dataSync()));
  tf.dispose([value, perExample, ...grads, ...columns]);
  cases.forEach((c, i) => {
    const expected = ref(...c);
    expect(Number.isFinite(values[i]), `value at ${c}`).toBe(true);
    expect(Math.abs(values[i]! - expected), `value at ${c}: ${values[i]} vs ${expected}`).toBeLessThanOrEqual(tolerance.value * Math.max(1, Math.abs(expected), magnitude(...c)));
    differentiate.forEach((j, k) => {
      const g = gradients[k]![i]!;
      const expectedSlope = slope(ref, c, j);
      expect(Number.isFinite(g), `gradient ${j} at ${c}`).toBe(true);
      expect(Math.abs(g - expectedSlope), `gradient ${j} at ${c}: ${g} vs ${expectedSlope}`).toBeLessThanOrEqual(tolerance.gradient * Math.max(1, Math.abs(expectedSlope)));
    });
  });
}

/** Simpson's rule over [a, b] of exp(logDensity) evaluated on a batch of points. */
function integrate(logDensity: (x: tf.Tensor2D) => tf.Tensor, a: number, b: number, intervals = 4000): number {
  const h = (b - a) / intervals;
  const xs = Array.from({ length: intervals + 1 }, (_, i) => [a + i * h]);
  const points = tf.tensor2d(xs);
  const density = tf.tidy(() => logDensity(points)).dataSync();
  points.dispose();
  let sum = 0;
  density.forEach((l, i) => (sum += Math.exp(l) * (i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2)));
  return (sum * h) / 3;
}

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]! / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2 / (n - 1);
  return { mean, variance };
}

/** Draws n samples of one scalar distribution (parameters tiled to [n, 1]) and disposes everything. */
function draw(sample: (params: tf.Tensor[], random: rt.Random) => tf.Tensor, params: number[][], n: number, seed = 7): Float32Array {
  const tiled = params.map((p) => tf.tile(tf.tensor2d([p]), [n, 1]));
  const out = sample(tiled, new rt.Random(seed));
  const values = out.dataSync() as Float32Array;
  tf.dispose([out, ...tiled]);
  return values;
}

const bytes = { low: 0, high: 255, levels: 256 };
const unit = { low: 0, high: 1, levels: 256 };

describe.each(["cpu", "wasm"] as const)("likelihoods on %s", (backend) => {
  beforeAll(async () => {
    await rt.selectBackend(backend);
  });

  it("Laplace: value and gradients, logScale ±20 included", () => {
    const cases = [[0.3, 0, 0], [-1.2, 0.5, -1], [2.5, 2, 0.7], [1, 0, -20], [1, 0.5, 20], [-3, 4, 3]];
    checkAgainst((x, mu, s) => rt.laplaceNll(x!, mu!, s!), laplaceRef, cases, [1, 2]);
  });

  it("Laplace integrates to 1 and its samples have mean μ and variance 2b²", () => {
    const integral = integrate((x) => tf.neg(rt.laplaceNll(x, tf.fill(x.shape, 1.5), tf.fill(x.shape, Math.log(0.7)))), 1.5 - 30, 1.5 + 30, 20000);
    expect(integral).toBeCloseTo(1, 5);
    const { mean, variance } = moments(draw(([mu, s], r) => rt.laplaceSample(mu!, s!, r), [[1.5], [Math.log(0.7)]], 40000));
    expect(Math.abs(mean - 1.5)).toBeLessThan(0.02);
    expect(Math.abs(variance / (2 * 0.49) - 1)).toBeLessThan(0.05);
  });

  it("continuous Bernoulli: log C, the NLL and its gradient at logits ±80, near ½ and at x = 0, 1", async () => {
    const logits = [-80, -20, -3, -0.5000001, -0.5, -0.4999999, -1e-3, -1e-7, 0, 1e-7, 1e-4, 0.3, 0.5, 0.999, 1.001, 2, 80];
    const logC = rt.continuousBernoulliLogNormaliser(tf.tensor1d(logits));
    const actual = Array.from(await logC.data());
    logC.dispose();
    logits.forEach((l, i) => expect(Math.abs(actual[i]! - logCRef(l)), `log C at ${l}`).toBeLessThan(3e-7 * Math.max(1, Math.abs(logCRef(l)))));
    const cases = logits.flatMap((l) => [[0, l], [1, l], [0.37, l]]);
    checkAgainst((x, l) => rt.continuousBernoulliNll(x!, l!), cbRef, cases, [1]);
  });

  it("continuous Bernoulli: the density integrates to 1 for λ near ½ and far from it", () => {
    for (const l of [-20, -3, -1e-3, 0, 1e-5, 0.4999, 0.5001, 2, 15]) {
      const integral = integrate((x) => tf.neg(rt.continuousBernoulliNll(x, tf.fill(x.shape, l))), 0, 1, 4000);
      expect(integral, `∫ at logit ${l}`).toBeCloseTo(1, 5);
    }
  });

  it("continuous Bernoulli: mean against the paper's closed form; samples' moments", async () => {
    const logits = [-80, -5, -1.0001, -0.9999, -1e-3, 0, 1e-6, 0.3, 0.9999, 1.0001, 4, 80];
    const mean = rt.continuousBernoulliMean(tf.tensor1d(logits));
    const actual = Array.from(await mean.data());
    mean.dispose();
    logits.forEach((l, i) => expect(Math.abs(actual[i]! - cbMomentsRef(l).mean), `mean at ${l}`).toBeLessThan(3e-7));
    for (const l of [-3, 0, 0.2, 5, 60]) {
      const samples = draw(([logit], r) => rt.continuousBernoulliSample(logit!, r), [[l]], 40000);
      expect(samples.every((x) => x >= 0 && x <= 1)).toBe(true);
      const { mean: m, variance } = moments(samples);
      const expected = cbMomentsRef(l);
      expect(Math.abs(m - expected.mean), `sample mean at ${l}`).toBeLessThan(0.01);
      expect(Math.abs(variance / expected.variance - 1), `sample variance at ${l}`).toBeLessThan(0.05);
    }
  });

  it("discretized logistic: value and gradients at the grid's ends, inside, logScale ±20, narrow bins", () => {
    for (const bins of [bytes, unit]) {
      const step = (bins.high - bins.low) / (bins.levels - 1);
      const xs = [bins.low, bins.low + step, bins.low + 100 * step, bins.high - step, bins.high];
      const cases: number[][] = [];
      for (const x of xs) for (const [mu, s] of [[bins.low, 0], [bins.low + 120 * step, Math.log(3 * step)], [bins.high, -20], [x, -20], [x + 0.3 * step, -3], [bins.low + 10 * step, 20], [bins.high + 50 * step, Math.log(10 * step)]]) cases.push([x, mu!, s!]);
      // Either side of the narrow-bin switch (d = step/b = 1e-3).
      const s = Math.log(step / 1e-3);
      cases.push([bins.low + 50 * step, bins.low + 40 * step, s - 1e-4], [bins.low + 50 * step, bins.low + 40 * step, s + 1e-4]);
      checkAgainst((x, mu, ls) => rt.discretizedLogisticNll(x!, mu!, ls!, bins), (x, mu, ls) => -binRef(x, mu, ls, bins), cases, [1, 2], { value: 2e-6, gradient: 2e-4 });
    }
  });

  it("discretized logistic: the bins' probabilities sum to 1; samples lie on the grid with the binned moments", () => {
    for (const bins of [bytes, unit, { low: -1, high: 1, levels: 5 }]) {
      const step = (bins.high - bins.low) / (bins.levels - 1);
      const grid = Array.from({ length: bins.levels }, (_, i) => bins.low + i * step);
      for (const [mu, s] of [[bins.low + 0.4 * (bins.high - bins.low), Math.log(2 * step)], [bins.low, -20], [bins.high + 3, 20], [bins.low - 10 * step, Math.log(step)]]) {
        const x = tf.tensor2d(grid.map((g) => [g]));
        const nll = tf.tidy(() => rt.discretizedLogisticNll(x, tf.fill(x.shape, mu!), tf.fill(x.shape, s!), bins));
        const total = Array.from(nll.dataSync()).reduce((sum, v) => sum + Math.exp(-v), 0);
        tf.dispose([x, nll]);
        expect(total, `Σ P at μ ${mu}, log b ${s}`).toBeCloseTo(1, 5);
      }
    }
    const grid = Array.from({ length: 256 }, (_, i) => i);
    const probabilities = grid.map((g) => Math.exp(binRef(g, 100.3, Math.log(3), bytes)));
    const exactMean = grid.reduce((s, g, i) => s + g * probabilities[i]!, 0);
    const exactVariance = grid.reduce((s, g, i) => s + (g - exactMean) ** 2 * probabilities[i]!, 0);
    const samples = draw(([mu, s], r) => rt.discretizedLogisticSample(mu!, s!, bytes, r), [[100.3], [Math.log(3)]], 40000);
    expect(samples.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    const { mean, variance } = moments(samples);
    expect(Math.abs(mean - exactMean)).toBeLessThan(0.1);
    expect(Math.abs(variance / exactVariance - 1)).toBeLessThan(0.05);
    const clipped = rt.discretizedLogisticMean(tf.tensor1d([-3, 0.5, 300]), tf.zeros([3]), bytes);
    expect(Array.from(clipped.dataSync())).toEqual([0, 0.5, 255]);
    clipped.dispose();
  });

  it("discretized logistic mixture: log-sum-exp of the components, gradients, normalisation, samples", () => {
    const weights = [0.5, -1, 2];
    const mus = [30, 128.4, 250];
    const scales = [Math.log(5), -20, Math.log(2)];
    const ref = (x: number, ...p: number[]) => {
      const w = p.slice(0, 3);
      const lw = w.map((v) => v - logSumExp(w));
      return -logSumExp(lw.map((v, k) => v + binRef(x, p[3 + k]!, p[6 + k]!, bytes)));
    };
    const f = (x: tf.Tensor, ...p: tf.Tensor[]) => {
      const stack = (group: tf.Tensor[]) => tf.stack(group, -1);
      return rt.discretizedLogisticMixtureNll(x, stack(p.slice(0, 3)), stack(p.slice(3, 6)), stack(p.slice(6, 9)), bytes);
    };
    const cases = [0, 1, 30, 128, 200, 255].map((x) => [x, ...weights, ...mus, ...scales]);
    checkAgainst(f, ref, cases, [1, 2, 3, 4, 5, 6, 7, 8, 9], { value: 2e-6, gradient: 2e-4 });
    const grid = tf.tensor2d(Array.from({ length: 256 }, (_, i) => [i]));
    const tiled = (v: number[]) => tf.tile(tf.tensor3d([[v]]), [256, 1, 1]);
    const nll = tf.tidy(() => rt.discretizedLogisticMixtureNll(grid, tiled(weights), tiled(mus), tiled(scales), bytes));
    expect(Array.from(nll.dataSync()).reduce((s, v) => s + Math.exp(-v), 0)).toBeCloseTo(1, 5);
    tf.dispose([grid, nll]);
    const probabilities = Array.from({ length: 256 }, (_, x) => Math.exp(-ref(x, ...weights, ...mus, ...scales)));
    const exactMean = probabilities.reduce((s, p, x) => s + p * x, 0);
    const n = 40000;
    const [w, m, s] = [weights, mus, scales].map((v) => tf.tile(tf.tensor3d([[v]]), [n, 1, 1]));
    const out = rt.discretizedLogisticMixtureSample(w!, m!, s!, bytes, new rt.Random(5));
    const mixtureMean = rt.discretizedLogisticMixtureMean(w!, m!, s!, bytes);
    const samples = out.dataSync();
    const meanOfMeans = mixtureMean.dataSync()[0]!;
    tf.dispose([w!, m!, s!, out, mixtureMean]);
    expect(samples.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    expect(Math.abs(moments(samples).mean - exactMean)).toBeLessThan(1);
    const pi = weights.map((v) => Math.exp(v - logSumExp(weights)));
    expect(meanOfMeans).toBeCloseTo(pi.reduce((sum, p, k) => sum + p * mus[k]!, 0), 3);
  });

  it("lgamma: known values, relative accuracy over [1e-3, 1e6], gradient = digamma", async () => {
    const known: [number, number][] = [[0.5, 0.5 * Math.log(Math.PI)], [1, 0], [2, 0], [10, Math.log(362880)], [1e-3, lgammaRef(1e-3)]];
    const xs = [...known.map(([x]) => x), ...Array.from({ length: 61 }, (_, i) => 10 ** (-3 + i / 6.66))];
    const input = tf.tensor1d(xs);
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => tf.sum(rt.lgamma(x)))([input]);
    const values = Array.from(rt.lgamma(input).dataSync());
    const derivative = Array.from(grads[0]!.dataSync());
    tf.dispose([input, value, ...grads]);
    known.forEach(([x, v], i) => expect(Math.abs(values[i]! - v), `lgamma(${x})`).toBeLessThan(4e-6 * Math.max(1, Math.abs(v))));
    xs.forEach((x, i) => {
      const expected = lgammaRef(x);
      // Relative where |lgamma| ≥ 1; near its zeros at 1 and 2, absolute.
      expect(Math.abs(values[i]! - expected), `lgamma(${x}) = ${values[i]} vs ${expected}`).toBeLessThan(4e-6 * Math.max(1, Math.abs(expected)));
      expect(Math.abs(derivative[i]! - digammaRef(x)), `digamma(${x})`).toBeLessThan(2e-6 * Math.max(1, Math.abs(digammaRef(x))));
    });
    // Large arguments against Stirling's leading terms, and digamma's special values.
    expect(Math.abs(values[xs.length - 1]! - lgammaRef(xs[xs.length - 1]!)) / lgammaRef(xs[xs.length - 1]!)).toBeLessThan(3e-7);
    expect(derivative[1]).toBeCloseTo(-0.5772156649, 5);
    expect(derivative[0]).toBeCloseTo(-0.5772156649 - 2 * Math.log(2), 5);
  });

  it("Beta: value and gradients, at x = 0 and 1 too; integrates to 1; samples' moments", () => {
    const cases: number[][] = [];
    for (const x of [0.2, 0.5, 0.97]) for (const [a, b] of [[1, 1], [2, 5], [0.5, 0.5], [0.01, 3], [300, 20], [1e4, 2e4]]) cases.push([x, a!, b!]);
    // log B(α, β) adds three lgammas (each within ~3e-6, see above) and, for large α, β, cancels them: float32 keeps ~1e-7 of their size, not of the result's.
    const lgammaSize = (_x: number, a: number, b: number) => 0.1 * (Math.abs(lgammaRef(a)) + Math.abs(lgammaRef(b)) + Math.abs(lgammaRef(a + b)));
    checkAgainst((x, a, b) => rt.betaNll(x!, a!, b!), betaRef, cases, [1, 2], { value: 1e-5, gradient: 2e-4 }, lgammaSize);
    // At 0 and 1 the data are clipped to the edge as float32 holds it (1 − 1e-6 rounds to 0.99999899).
    const edge = [[0, 2, 3], [1, 2, 3], [0, 0.5, 0.5], [1, 0.5, 0.5]];
    checkAgainst((x, a, b) => rt.betaNll(x!, a!, b!), (x, a, b) => betaRef(Math.min(Math.max(x, Math.fround(rt.BETA_EDGE)), Math.fround(1 - rt.BETA_EDGE)), a, b), edge, [1, 2], { value: 1e-5, gradient: 2e-4 }, lgammaSize);
    for (const [a, b] of [[1, 1], [2, 5], [3.5, 1.5], [10, 10]]) {
      const integral = integrate((x) => tf.neg(rt.betaNll(x, tf.fill(x.shape, a!), tf.fill(x.shape, b!))), 0, 1, 20000);
      expect(integral, `∫ Beta(${a}, ${b})`).toBeCloseTo(1, 4);
    }
    for (const [a, b] of [[2, 5], [0.5, 0.5], [0.3, 3], [50, 20]]) {
      const samples = draw(([alpha, beta], r) => rt.betaSample(alpha!, beta!, r), [[a!], [b!]], 40000);
      expect(samples.every((v) => v >= 0 && v <= 1)).toBe(true);
      const { mean, variance } = moments(samples);
      const exactMean = a! / (a! + b!);
      const exactVariance = (a! * b!) / ((a! + b!) ** 2 * (a! + b! + 1));
      expect(Math.abs(mean - exactMean), `mean of Beta(${a}, ${b})`).toBeLessThan(0.01 * Math.max(exactMean, 0.1));
      expect(Math.abs(variance / exactVariance - 1), `variance of Beta(${a}, ${b})`).toBeLessThan(0.05);
    }
    const mean = rt.betaMean(tf.tensor1d([2, 0.5]), tf.tensor1d([6, 0.5]));
    expect(Array.from(mean.dataSync())).toEqual([0.25, 0.5]);
    mean.dispose();
  });

  it("leaves no tensor behind: values and gradients, samples, means", () => {
    const x = tf.tensor2d([[0, 0.5, 1]]);
    const p = tf.tensor2d([[-0.3, 0.2, 4]]);
    const q = tf.tensor2d([[1.5, 0.7, 2]]);
    const x3 = tf.tensor3d([[[0], [128], [255]]]);
    const w3 = tf.tensor3d([[[0, 1], [1, 0], [2, -1]]]);
    const uses: (() => tf.Tensor | tf.Tensor[])[] = [
      () => tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(rt.laplaceNll(x, m, s)))([p, q]),
      () => tf.grads((l: tf.Tensor) => tf.sum(rt.continuousBernoulliNll(x, l)))([p]),
      () => tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(rt.discretizedLogisticNll(x, m, s, unit)))([p, q]),
      () => tf.grads((w: tf.Tensor) => tf.sum(rt.discretizedLogisticMixtureNll(x3, w, w, w, bytes)))([w3]),
      () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(rt.betaNll(x, a, b)))([q, q]),
      () => rt.laplaceSample(p, q, new rt.Random(1)),
      () => rt.continuousBernoulliSample(p, new rt.Random(1)),
      () => rt.continuousBernoulliMean(p),
      () => rt.discretizedLogisticSample(p, q, unit, new rt.Random(1)),
      () => rt.discretizedLogisticMean(p, q, unit),
      () => rt.discretizedLogisticMixtureSample(w3, w3, w3, bytes, new rt.Random(1)),
      () => rt.discretizedLogisticMixtureMean(w3, w3, w3, bytes),
      () => rt.betaSample(q, q, new rt.Random(1)),
      () => rt.betaMean(q, q),
    ];
    for (const use of uses) {
      const before = tf.memory().numTensors;
      tf.dispose(use());
      expect(tf.memory().numTensors, use.toString()).toBe(before);
      tf.tidy(() => {
        use();
      });
      expect(tf.memory().numTensors, use.toString()).toBe(before);
    }
    tf.dispose([x, p, q, x3, w3]);
  });
});

/**
 * The torch runtime (python/aespec_torch/likelihoods.py) on the same inputs and, through
 * ReplayNoise, the same random draws: values, gradients, means and samples agree to float32.
 */
describe.skipIf(process.env.AESPEC_SKIP_TORCH === "1")("the torch runtime agrees with TF.js", () => {
  beforeAll(async () => {
    await rt.selectBackend("cpu");
  });

  it("on a fixed input", { timeout: 120_000 }, () => {
    const python = findTorchInterpreter();
    expect(python, "no interpreter with torch: apt-get install python3-torch, or set AESPEC_PYTHON").toBeDefined();
    const x01 = [[0, 0.25, 1], [0.5, 0.999, 1e-3]];
    const logits = [[-80, 0.3, 1e-6], [-0.5, 4, 80]];
    const mu = [[0.1, -2, 1], [0.5, 0.9, 3]];
    const logScale = [[-20, 0.5, 20], [-3, -6, 1]];
    const bytesX = [[0, 17, 255], [128, 254, 1]];
    const bytesMu = [[3, 17.2, 250], [-10, 254, 300]];
    const w = [[[0, 1], [2, -1], [0.5, 0.5]], [[-3, 3], [0, 0], [1, 2]]];
    const m = [[[0, 30], [100, 200], [250, 255]], [[128, 129], [0, 255], [3, 9]]];
    const s = [[[0, 1], [-20, 2], [1, 1]], [[-1, 3], [0, 0], [20, -5]]];
    const alpha = [[0.5, 2, 300], [0.01, 1, 7]];
    const beta = [[0.5, 5, 20], [3, 1, 0.2]];
    const t = tf.tensor;
    const run = () => {
      const grad = (f: (...p: tf.Tensor[]) => tf.Tensor, ...p: (number[][] | number[][][])[]) => {
        const params = p.map((v) => t(v));
        const { value, grads } = tf.valueAndGrads((...q: tf.Tensor[]) => tf.sum(f(...q)))(params);
        return { value: Array.from(f(...params).dataSync()), grads: grads.map((g) => Array.from(g.dataSync())) };
      };
      return {
        laplace: grad((a, b) => rt.laplaceNll(t(x01), a!, b!), mu, logScale),
        cb: grad((l) => rt.continuousBernoulliNll(t(x01), l!), logits),
        cbMean: Array.from(rt.continuousBernoulliMean(t(logits)).dataSync()),
        dl: grad((a, b) => rt.discretizedLogisticNll(t(bytesX), a!, b!, bytes), bytesMu, logScale),
        dlUnit: grad((a, b) => rt.discretizedLogisticNll(t(x01), a!, b!, unit), mu, logScale),
        mixture: grad((a, b, c) => rt.discretizedLogisticMixtureNll(t(bytesX), a!, b!, c!, bytes), w, m, s),
        mixtureMean: Array.from(rt.discretizedLogisticMixtureMean(t(w), t(m), t(s), bytes).dataSync()),
        beta: grad((a, b) => rt.betaNll(t(x01), a!, b!), alpha, beta),
        betaMean: Array.from(rt.betaMean(t(alpha), t(beta)).dataSync()),
      };
    };
    const expected = tf.tidy(run);
    const sampled = recordNoise(() =>
      tf.tidy(() => ({
        laplace: Array.from(rt.laplaceSample(t(mu), t(logScale), new rt.Random(1)).dataSync()),
        cb: Array.from(rt.continuousBernoulliSample(t(logits), new rt.Random(2)).dataSync()),
        dl: Array.from(rt.discretizedLogisticSample(t(bytesMu), t(logScale), bytes, new rt.Random(3)).dataSync()),
        mixture: Array.from(rt.discretizedLogisticMixtureSample(t(w), t(m), t(s), bytes, new rt.Random(4)).dataSync()),
        beta: Array.from(rt.betaSample(t(alpha), t(beta), new rt.Random(5)).dataSync()),
      })),
    );
    const input = {
      x01, logits, mu, logScale, bytesX, bytesMu, w, m, s, alpha, beta,
      draws: sampled.draws.map((d) => ({ kind: d.kind, shape: d.shape, values: Array.from(d.values) })),
    };
    const script = `
import json, sys, torch
from aespec_torch.likelihoods import *
from aespec_torch.noise import ReplayNoise
i = json.load(sys.stdin)
t = lambda v: torch.tensor(v, dtype=torch.float32, requires_grad=True)
def grad(f, *p):
    params = [t(v) for v in p]
    value = f(*params)
    grads = torch.autograd.grad(value.sum(), params)
    return {"value": value.flatten().tolist(), "grads": [g.flatten().tolist() for g in grads]}
B, U = Bins(0, 255, 256), Bins(0, 1, 256)
c = lambda v: torch.tensor(v, dtype=torch.float32)
out = {
    "laplace": grad(lambda a, b: laplace_nll(c(i["x01"]), a, b), i["mu"], i["logScale"]),
    "cb": grad(lambda l: continuous_bernoulli_nll(c(i["x01"]), l), i["logits"]),
    "cbMean": continuous_bernoulli_mean(c(i["logits"])).flatten().tolist(),
    "dl": grad(lambda a, b: discretized_logistic_nll(c(i["bytesX"]), a, b, B), i["bytesMu"], i["logScale"]),
    "dlUnit": grad(lambda a, b: discretized_logistic_nll(c(i["x01"]), a, b, U), i["mu"], i["logScale"]),
    "mixture": grad(lambda a, b, d: discretized_logistic_mixture_nll(c(i["bytesX"]), a, b, d, B), i["w"], i["m"], i["s"]),
    "mixtureMean": discretized_logistic_mixture_mean(c(i["w"]), c(i["m"]), c(i["s"]), B).flatten().tolist(),
    "beta": grad(lambda a, b: beta_nll(c(i["x01"]), a, b), i["alpha"], i["beta"]),
    "betaMean": beta_mean(c(i["alpha"]), c(i["beta"])).flatten().tolist(),
}
noise = ReplayNoise([(d["kind"], torch.tensor(d["values"], dtype=torch.float32).reshape(d["shape"])) for d in i["draws"]])
samples = {
    "laplace": laplace_sample(c(i["mu"]), c(i["logScale"]), noise).flatten().tolist(),
    "cb": continuous_bernoulli_sample(c(i["logits"]), noise).flatten().tolist(),
    "dl": discretized_logistic_sample(c(i["bytesMu"]), c(i["logScale"]), B, noise).flatten().tolist(),
    "mixture": discretized_logistic_mixture_sample(c(i["w"]), c(i["m"]), c(i["s"]), B, noise).flatten().tolist(),
    "beta": beta_sample(c(i["alpha"]), c(i["beta"]), noise).flatten().tolist(),
}
assert noise.finished(), "torch drew fewer numbers than TF.js"
print(json.dumps({"expected": out, "samples": samples}))
`;
    const output = execFileSync(python!, ["-c", script], {
      input: JSON.stringify(input),
      env: { ...process.env, PYTHONPATH: join(new URL("../../", import.meta.url).pathname, "python"), PYTHONDONTWRITEBYTECODE: "1" },
      encoding: "utf8",
    });
    const torch = JSON.parse(output) as { expected: Record<string, unknown>; samples: Record<string, number[]> };
    const close = (a: number, b: number, where: string) => expect(Math.abs(a - b), `${where}: TF.js ${a}, torch ${b}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(a)));
    const compare = (a: unknown, b: unknown, where: string): void => {
      if (typeof a === "number") return close(a, b as number, where);
      if (Array.isArray(a)) return a.forEach((v, k) => compare(v, (b as unknown[])[k], `${where}[${k}]`));
      for (const [key, value] of Object.entries(a as Record<string, unknown>)) compare(value, (b as Record<string, unknown>)[key], `${where}.${key}`);
    };
    compare(expected, torch.expected, "");
    // Sample shapes: the Gumbel-max picks the same component; snapped samples equal.
    compare(sampled.result, torch.samples, "samples");
  });
});
