/**
 * The gradient that reaches a sigmoid output's pre-activation a, computed by TF.js
 * autodiff, for the two reconstruction losses of the talk's lesson (docs/likelihoods.md):
 *
 *   cross-entropy (Bernoulli NLL, the runtime's bernoulliNll from logits):  ∂/∂a = σ(a) − y
 *   squared error ½(σ(a) − y)² (a fixed-σ Normal on the sigmoid's output):  ∂/∂a = (σ(a) − y)·σ(a)(1 − σ(a))
 *
 * The sigmoid's derivative σ(1 − σ) cancels out of the first and stays in the second, so
 * for a confidently wrong output (σ(a) near 0 while y = 1) squared error sends back almost
 * nothing. Plotted by drawGradientSvg, a small SVG writer (lossSvg in src/training/pictures.ts
 * plots per-epoch losses in nats, not a function of a).
 */
import * as tf from "@tensorflow/tfjs";
import { bernoulliNll } from "../src/runtime/distributions.js";

export interface GradientCurves {
  readonly preActivations: Float32Array;
  readonly target: number;
  readonly crossEntropy: Float32Array;
  readonly squaredError: Float32Array;
}

/** ∂loss/∂a for each pre-activation, both losses, by autodiff on the current backend; leaks no tensors. */
export async function sigmoidGradients(preActivations: Float32Array, target: number): Promise<GradientCurves> {
  const a = tf.tensor2d(preActivations, [preActivations.length, 1]);
  const y = tf.fill([preActivations.length, 1], target);
  // Each row is one example; the gradient of the summed loss is each example's own gradient.
  const crossEntropy = tf.grad((logits: tf.Tensor) => tf.sum(bernoulliNll(logits, y)))(a);
  const squaredError = tf.grad((logits: tf.Tensor) => tf.sum(tf.mul(0.5, tf.square(tf.sub(tf.sigmoid(logits), y)))))(a);
  const [ce, se] = [(await crossEntropy.data()) as Float32Array, (await squaredError.data()) as Float32Array];
  tf.dispose([a, y, crossEntropy, squaredError]);
  return { preActivations, target, crossEntropy: ce, squaredError: se };
}

/** n evenly spaced points from low to high, both included. */
export function linspace(low: number, high: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => low + ((high - low) * i) / (n - 1));
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The two gradients against a as lines, with the confidently wrong region shaded. */
export function drawGradientSvg(curves: GradientCurves): string {
  const [width, height] = [720, 420];
  const margin = { left: 70, right: 260, top: 50, bottom: 55 };
  const a = curves.preActivations;
  const [x0, x1] = [a[0]!, a[a.length - 1]!];
  const values = [...curves.crossEntropy, ...curves.squaredError];
  const [low, high] = [Math.min(0, ...values), Math.max(0, ...values)];
  const x = (v: number) => margin.left + ((v - x0) / (x1 - x0)) * (width - margin.left - margin.right);
  const y = (v: number) => margin.top + (1 - (v - low) / (high - low)) * (height - margin.top - margin.bottom);
  const line = (ys: Float32Array) => Array.from(a, (v, i) => `${x(v).toFixed(1)},${y(ys[i]!).toFixed(1)}`).join(" ");
  // Confidently wrong: the output σ(a) is below 0.05 while the target is 1 (or above 0.95 for target 0).
  const edge = Math.log(0.05 / 0.95);
  const [wrong0, wrong1] = curves.target === 1 ? [x0, Math.max(x0, edge)] : [Math.min(x1, -edge), x1];
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="24" font-size="15">${escapeXml(`Gradient reaching a sigmoid's pre-activation a, target y = ${curves.target}`)}</text>`,
    `<rect x="${x(wrong0).toFixed(1)}" y="${margin.top}" width="${(x(wrong1) - x(wrong0)).toFixed(1)}" height="${height - margin.top - margin.bottom}" fill="rgb(250,228,228)"/>`,
    `<text x="${((x(wrong0) + x(wrong1)) / 2).toFixed(1)}" y="${margin.top + 16}" text-anchor="middle" fill="rgb(150,40,40)">confidently wrong (σ(a) &lt; 0.05)</text>`,
    `<line x1="${margin.left}" y1="${y(0).toFixed(1)}" x2="${width - margin.right}" y2="${y(0).toFixed(1)}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="black"/>`,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 14}" text-anchor="middle">pre-activation a (σ(a) is the predicted pixel)</text>`,
    `<text x="18" y="${(margin.top + height - margin.bottom) / 2}" transform="rotate(-90 18 ${(margin.top + height - margin.bottom) / 2})" text-anchor="middle">∂loss/∂a</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = low + ((high - low) * t) / 4;
    lines.push(`<text x="${margin.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toPrecision(3))}</text>`);
  }
  for (let v = Math.ceil(x0); v <= x1; v += Math.max(1, Math.round((x1 - x0) / 10))) {
    lines.push(`<text x="${x(v).toFixed(1)}" y="${height - margin.bottom + 16}" text-anchor="middle">${v}</text>`);
  }
  const series = [
    { label: "cross-entropy: σ(a) − y", values: curves.crossEntropy, stroke: "rgb(31,119,180)" },
    { label: "squared error: (σ(a) − y)σ(a)(1 − σ(a))", values: curves.squaredError, stroke: "rgb(214,39,40)" },
  ];
  series.forEach((s, i) => {
    lines.push(`<polyline fill="none" stroke="${s.stroke}" stroke-width="2" points="${line(s.values)}"/>`);
    const ly = margin.top + 40 + 18 * i;
    lines.push(`<line x1="${width - margin.right + 12}" y1="${ly}" x2="${width - margin.right + 36}" y2="${ly}" stroke="${s.stroke}" stroke-width="2"/>`);
    lines.push(`<text x="${width - margin.right + 42}" y="${ly + 4}" font-size="11">${escapeXml(s.label)}</text>`);
  });
  lines.push(`</svg>`);
  return `${lines.join("\n")}\n`;
}
