import { describe, expect, it } from "vitest";
import { drawLoss } from "../src/training/figures.js";

describe("loss.svg", () => {
  it("after one epoch draws each term as a dot (a line needs two points), filled for training and hollow for test", () => {
    const svg = drawLoss("VAE", [{ epoch: 1, seconds: 1, train: { nll_x: 120, kl_z: 20 }, test: { nll_x: 110, kl_z: 19 } }], 10);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('fill="white"');
  });

  it("after two epochs draws lines and no dots", () => {
    const epoch = (n: number) => ({ epoch: n, seconds: n, train: { nll_x: 120 - n }, test: { nll_x: 110 - n } });
    const svg = drawLoss("VAE", [epoch(1), epoch(2)], 10);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).not.toContain("<circle ");
  });
});
