import { describe, expect, it } from "vitest";
import { cholesky, fitGaussianMixture, sampleGaussianMixture, type GaussianMixture } from "../../src/training/gaussianMixture.js";

/** Three well-separated, correlated 2-D Gaussians with unequal weights. */
const truth: GaussianMixture = {
  weights: [0.5, 0.3, 0.2],
  means: [[-4, 0], [3, 3], [2, -5]],
  covariances: [
    [[1, 0.6], [0.6, 1]],
    [[0.5, 0], [0, 2]],
    [[0.3, -0.2], [-0.2, 0.4]],
  ],
};

describe("the post-hoc Gaussian mixture (Ghosh et al. 2020)", () => {
  it("cholesky factors a known matrix", () => {
    const l = cholesky([[4, 2], [2, 5]]);
    expect(l).toEqual([[2, 0], [1, 2]]);
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/positive definite/);
  });

  it("samples have the mixture's weights, means and covariances", () => {
    const n = 40_000;
    const points = sampleGaussianMixture(truth, n, 7);
    // Every point is nearest to one of the well-separated means: count and average them.
    const groups = truth.means.map(() => [] as number[][]);
    for (let p = 0; p < n; p++) {
      const x = [points[2 * p]!, points[2 * p + 1]!];
      const c = truth.means.map((m) => (x[0]! - m[0]!) ** 2 + (x[1]! - m[1]!) ** 2).reduce((b, d, i, all) => (d < all[b]! ? i : b), 0);
      groups[c]!.push(x);
    }
    for (const [c, g] of groups.entries()) {
      expect(g.length / n).toBeCloseTo(truth.weights[c]!, 1);
      const mean = [0, 1].map((i) => g.reduce((s, x) => s + x[i]!, 0) / g.length);
      expect(mean[0]).toBeCloseTo(truth.means[c]![0]!, 1);
      expect(mean[1]).toBeCloseTo(truth.means[c]![1]!, 1);
    }
  });

  it("EM recovers a known mixture's weights, means and covariances from its samples", () => {
    const points = sampleGaussianMixture(truth, 20_000, 11);
    const fit = fitGaussianMixture(points, 2, { components: 3, seed: 3 });
    expect(fit.converged).toBe(true);
    // Components come back in any order: match each true one to the nearest fitted mean.
    for (const [c, m] of truth.means.entries()) {
      const j = fit.means.map((f) => (f[0]! - m[0]!) ** 2 + (f[1]! - m[1]!) ** 2).reduce((b, d, i, all) => (d < all[b]! ? i : b), 0);
      expect(Math.abs(fit.weights[j]! - truth.weights[c]!)).toBeLessThan(0.02);
      expect(Math.hypot(fit.means[j]![0]! - m[0]!, fit.means[j]![1]! - m[1]!)).toBeLessThan(0.1);
      for (const [r, row] of truth.covariances[c]!.entries()) for (const [s, v] of row.entries()) expect(Math.abs(fit.covariances[j]![r]![s]! - v)).toBeLessThan(0.1);
    }
    const total = fit.weights.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 9);
  });

  it("is deterministic for a seed", () => {
    const points = sampleGaussianMixture(truth, 2_000, 5);
    const a = fitGaussianMixture(points, 2, { components: 3, seed: 9 });
    const b = fitGaussianMixture(points, 2, { components: 3, seed: 9 });
    expect(a).toEqual(b);
    expect(sampleGaussianMixture(a, 10, 1)).toEqual(sampleGaussianMixture(b, 10, 1));
  });

  it("refuses fewer points than components", () => {
    expect(() => fitGaussianMixture(new Float64Array([1, 2]), 2, { components: 3, seed: 1 })).toThrow(/at least 3 points/);
  });
});
