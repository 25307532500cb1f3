import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { drawGradientSvg, linspace, sigmoidGradients } from "../bench/sigmoidGradient.js";

/**
 * The gradient plot of docs/likelihoods.md (bench/likelihoods.ts): TF.js autodiff against
 * the closed forms, CE: σ(a) − y, SE: (σ(a) − y)σ(a)(1 − σ(a)), at both targets and at
 * confidently wrong pre-activations; the picture draws both curves.
 */
const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

describe("the gradient reaching a sigmoid's pre-activation", () => {
  it.each([1, 0])("matches the closed forms for target %i, from −12 to 12, and leaks no tensors", async (target) => {
    await tf.setBackend("cpu");
    const before = tf.memory().numTensors;
    const curves = await sigmoidGradients(linspace(-12, 12, 97), target);
    expect(tf.memory().numTensors).toBe(before);
    curves.preActivations.forEach((a, i) => {
      const s = sigmoid(a);
      expect(curves.crossEntropy[i]).toBeCloseTo(s - target, 6);
      // Float32 autodiff: 1 − σ(a) near σ = 1 keeps ~7 digits of 1, hence the absolute part.
      const se = (s - target) * s * (1 - s);
      expect(Math.abs(curves.squaredError[i]! - se)).toBeLessThanOrEqual(1e-5 * Math.abs(se) + 1e-7);
    });
  });

  it("for a confidently wrong output cross-entropy sends back ~1 and squared error ~0 (the lesson)", async () => {
    await tf.setBackend("cpu");
    const { crossEntropy, squaredError } = await sigmoidGradients(Float32Array.of(-10), 1);
    expect(crossEntropy[0]).toBeCloseTo(-1, 4);
    expect(squaredError[0]! / -4.5397e-5).toBeCloseTo(1, 3);
  });

  it("draws both curves as SVG with their closed forms in the legend", async () => {
    await tf.setBackend("cpu");
    const svg = drawGradientSvg(await sigmoidGradients(linspace(-10, 10, 21), 1));
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain("cross-entropy: σ(a) − y");
    expect(svg).toContain("squared error: (σ(a) − y)σ(a)(1 − σ(a))");
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
