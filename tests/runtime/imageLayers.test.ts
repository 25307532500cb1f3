import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { avgPool2d, interpolationMatrix, layerNorm, maxPool2d, residual, selectBackend, upsample2d } from "../../src/runtime/index.js";

/**
 * The image layers against direct computations (plain loops over a small NHWC image) and
 * their gradients against central finite differences, on the cpu and the wasm backends.
 * The tolerances are float32's: a wrong gradient kernel (as TF.js's own `same`-padded
 * pooling and resize gradients are, see src/runtime/imageLayers.ts) misses by 0.3 to 10.
 */

const [B, H, W, C] = [2, 5, 6, 3];
/** The first use of wasm loads and compiles its module. */
const slow = 180_000;

/** A shuffle of evenly spaced values, 0.05 apart: no two within a finite-difference step of each other, so max pooling has no ties. */
function image(): number[] {
  const n = B * H * W * C;
  return Array.from({ length: n }, (_, i) => ((i * 7) % n) * 0.05 - 4.5);
}

const at = (values: readonly number[], [h, w, c]: readonly number[], b: number, y: number, x: number, ch: number) => values[((b * h! + y) * w! + x) * c! + ch]!;

function pool(values: number[], size: number, stride: number, reduce: (window: number[]) => number): number[] {
  const out: number[] = [];
  const oh = Math.floor((H - size) / stride) + 1;
  const ow = Math.floor((W - size) / stride) + 1;
  for (let b = 0; b < B; b++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let c = 0; c < C; c++) {
    const window: number[] = [];
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) window.push(at(values, [H, W, C], b, y * stride + i, x * stride + j, c));
    out.push(reduce(window));
  }
  return out;
}

/** Bilinear resizing written pixel by pixel: the four neighbours of each output centre, edges clamped. */
function bilinear(values: number[], factor: number): number[] {
  const source = (o: number, n: number) => {
    const s = Math.max((o + 0.5) / factor - 0.5, 0);
    const low = Math.min(Math.floor(s), n - 1);
    return { low, high: Math.min(low + 1, n - 1), t: s - low };
  };
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let y = 0; y < H * factor; y++) for (let x = 0; x < W * factor; x++) for (let c = 0; c < C; c++) {
    const r = source(y, H);
    const q = source(x, W);
    const v = (yy: number, xx: number) => at(values, [H, W, C], b, yy, xx, c);
    out.push((1 - r.t) * ((1 - q.t) * v(r.low, q.low) + q.t * v(r.low, q.high)) + r.t * ((1 - q.t) * v(r.high, q.low) + q.t * v(r.high, q.high)));
  }
  return out;
}

function nearest(values: number[], factor: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let y = 0; y < H * factor; y++) for (let x = 0; x < W * factor; x++) for (let c = 0; c < C; c++) out.push(at(values, [H, W, C], b, Math.floor(y / factor), Math.floor(x / factor), c));
  return out;
}

/** A 3×3 max pool with stride 2 and TF's `same` padding (the extra row and column at the bottom-right). */
function paddedMaxPool(values: number[]): number[] {
  const out: number[] = [];
  const [oh, ow] = [Math.ceil(H / 2), Math.ceil(W / 2)];
  const [top, left] = [Math.floor(Math.max((oh - 1) * 2 + 3 - H, 0) / 2), Math.floor(Math.max((ow - 1) * 2 + 3 - W, 0) / 2)];
  for (let b = 0; b < B; b++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let c = 0; c < C; c++) {
    let largest = -Infinity;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      const [yy, xx] = [y * 2 - top + i, x * 2 - left + j];
      if (yy >= 0 && yy < H && xx >= 0 && xx < W) largest = Math.max(largest, at(values, [H, W, C], b, yy, xx, c));
    }
    out.push(largest);
  }
  return out;
}

const gamma = [1.5, -0.5, 0.25];
const beta = [0.1, 0.2, -0.3];

function normalised(values: number[], epsilon: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < values.length / C; p++) {
    const row = values.slice(p * C, p * C + C);
    const mean = row.reduce((a, b) => a + b, 0) / C;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / C;
    row.forEach((v, c) => out.push(((v - mean) / Math.sqrt(variance + epsilon)) * gamma[c]! + beta[c]!));
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly layer: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  readonly direct: (values: number[]) => number[];
  /** Whether gamma and beta take part (their gradients are checked too). */
  readonly normalises?: boolean;
  /** The finite-difference step: large for linear layers (exact at any step, less float32 rounding), below half the inputs' spacing for max pooling. */
  readonly step: number;
}

const cases: Case[] = [
  { name: "maxPool2d(2)", layer: (x) => maxPool2d(x, 2, 2), direct: (v) => pool(v, 2, 2, (w) => Math.max(...w)), step: 0.02 },
  { name: "maxPool2d(3, stride = 1)", layer: (x) => maxPool2d(x, 3, 1), direct: (v) => pool(v, 3, 1, (w) => Math.max(...w)), step: 0.02 },
  { name: "maxPool2d(3, stride = 2)", layer: (x) => maxPool2d(x, 3, 2), direct: (v) => pool(v, 3, 2, (w) => Math.max(...w)), step: 0.02 },
  { name: "avgPool2d(2)", layer: (x) => avgPool2d(x, 2, 2), direct: (v) => pool(v, 2, 2, (w) => w.reduce((a, b) => a + b, 0) / w.length), step: 0.25 },
  { name: "avgPool2d(3, stride = 2)", layer: (x) => avgPool2d(x, 3, 2), direct: (v) => pool(v, 3, 2, (w) => w.reduce((a, b) => a + b, 0) / w.length), step: 0.25 },
  { name: "upsample2d(2)", layer: (x) => upsample2d(x, 2, "nearest"), direct: (v) => nearest(v, 2), step: 0.25 },
  { name: "upsample2d(3)", layer: (x) => upsample2d(x, 3, "nearest"), direct: (v) => nearest(v, 3), step: 0.25 },
  { name: "upsample2d(2, mode = bilinear)", layer: (x) => upsample2d(x, 2, "bilinear"), direct: (v) => bilinear(v, 2), step: 0.25 },
  { name: "upsample2d(3, mode = bilinear)", layer: (x) => upsample2d(x, 3, "bilinear"), direct: (v) => bilinear(v, 3), step: 0.25 },
  { name: "layerNorm", layer: (x, g, b) => layerNorm(x, g, b, 1e-5), direct: (v) => normalised(v, 1e-5), normalises: true, step: 1e-2 },
  {
    name: "residual { layerNorm }",
    layer: (x, g, b) => residual(x, (r) => layerNorm(r, g, b, 1e-3)),
    direct: (v) => normalised(v, 1e-3).map((n, i) => n + v[i]!),
    normalises: true,
    step: 1e-2,
  },
  // Not a layer of the language: the padded form of the wasm MaxPoolGrad kernel this project replaces.
  { name: "tf.maxPool(3, stride 2, same)", layer: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, "same"), direct: paddedMaxPool, step: 0.02 },
];

const backends = ["cpu", "wasm"] as const;
/** The largest finite-difference error seen per backend and layer, printed at the end (the figures the docs quote). */
const worst: Record<string, number> = {};
afterAll(() => {
  if (process.env.AESPEC_REPORT) console.log(worst);
});

describe.each(backends)("the image layers on %s", (backend) => {
  it.each(cases)("$name equals its direct computation", { timeout: slow }, async ({ layer, direct }) => {
    await selectBackend(backend);
    const values = image();
    const got = tf.tidy(() => Array.from(layer(tf.tensor4d(values, [B, H, W, C]), tf.tensor1d(gamma), tf.tensor1d(beta)).dataSync()));
    const expected = direct(values);
    expect(got.length).toBe(expected.length);
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected[i]!))));
  });

  it.each(cases)("$name: gradients equal central finite differences", { timeout: slow }, async ({ name, layer, normalises, step }) => {
    await selectBackend(backend);
    const values = image();
    const weights = tf.randomNormal(tf.tidy(() => layer(tf.tensor4d(values, [B, H, W, C]), tf.tensor1d(gamma), tf.tensor1d(beta)).shape), 0, 1, "float32", 7);
    // A random linear read-out of the output, so every output's gradient path counts.
    const loss = (x: number[], g: number[], b: number[]) => tf.tidy(() => tf.sum(tf.mul(layer(tf.tensor4d(x, [B, H, W, C]), tf.tensor1d(g), tf.tensor1d(b)), weights)));
    const inputs = [values, gamma, beta];
    const shapes = [[B, H, W, C], [C], [C]];
    const analytic = tf.tidy(() => {
      const [x, g, b] = inputs.map((v, i) => tf.tensor(v, shapes[i]!)) as [tf.Tensor, tf.Tensor, tf.Tensor];
      // tf.grads wants every argument on the loss's path: gamma and beta only where they are.
      const grads = normalises ? tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer(x, g, b), weights)))([x, g, b]) : [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(layer(x, g, b), weights)))(x)];
      return grads.map((t) => Array.from(t.dataSync()));
    });
    let largest = 0;
    for (const which of normalises ? [0, 1, 2] : [0]) {
      for (let i = 0; i < inputs[which]!.length; i++) {
        const shifted = (delta: number) => inputs.map((v, k) => (k === which ? v.map((e, j) => (j === i ? e + delta : e)) : v));
        const plus = loss(...(shifted(step) as [number[], number[], number[]]));
        const minus = loss(...(shifted(-step) as [number[], number[], number[]]));
        const numeric = (plus.dataSync()[0]! - minus.dataSync()[0]!) / (2 * step);
        tf.dispose([plus, minus]);
        largest = Math.max(largest, Math.abs(numeric - analytic[which]![i]!));
      }
    }
    weights.dispose();
    worst[`${backend} ${name}`] = largest;
    expect(largest).toBeLessThan(5e-3);
  });

  it("leaves no tensors and no backend buffers behind, forward and backward", { timeout: slow }, async () => {
    await selectBackend(backend);
    const x = tf.tensor4d(image(), [B, H, W, C]);
    const g = tf.tensor1d(gamma);
    const b = tf.tensor1d(beta);
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (const { layer } of cases) {
      tf.tidy(() => {
        layer(x, g, b);
        tf.grad((x: tf.Tensor) => tf.sum(layer(x, g, b)))(x);
      });
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    tf.dispose([x, g, b]);
  });
});

describe("the interpolation matrix", () => {
  it("doubles two pixels as PyTorch's bilinear `align_corners = False` does: [1, 0], [¾, ¼], [¼, ¾], [0, 1]", () => {
    expect(Array.from(interpolationMatrix(2, 2, "bilinear"))).toEqual([1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1]);
  });

  it("repeats each pixel for `nearest`, and every row sums to 1", () => {
    expect(Array.from(interpolationMatrix(2, 3, "nearest"))).toEqual([1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]);
    const m = interpolationMatrix(7, 3, "bilinear");
    for (let row = 0; row < 21; row++) expect(m.slice(row * 7, row * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
});
