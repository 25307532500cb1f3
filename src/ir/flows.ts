import type { FlowInfo } from "../check/model.js";
import type { IrWeight } from "./types.js";

/**
 * The weights of a flow after `network`'s posterior of a D-dimensional latent, named
 * `network/variable.flowK/…` (one prefix per step). Planar: u and w ([1, D], Glorot) and
 * b ([1], zero). IAF: a MADE network per step, hidden [D, H] and the two outputs [H, D];
 * the σ output's bias starts at 1 (σ = sigmoid(1) ≈ 0.73), so each step first keeps most of z.
 */
export function flowWeights(network: string, variable: string, size: number, flow: FlowInfo): IrWeight[] {
  const weights: IrWeight[] = [];
  const w = (step: number, name: string, shape: number[], init: IrWeight["init"]) => weights.push({ name: `${network}/${variable}.flow${step}/${name}`, shape, trainable: true, init });
  for (let step = 0; step < flow.steps; step++) {
    if (flow.kind === "planar") {
      w(step, "u", [1, size], "glorotUniform");
      w(step, "w", [1, size], "glorotUniform");
      w(step, "b", [1], "zeros");
    } else {
      const hidden = flow.hidden!;
      w(step, "hidden/kernel", [size, hidden], "glorotUniform");
      w(step, "hidden/bias", [hidden], "zeros");
      w(step, "mu/kernel", [hidden, size], "glorotUniform");
      w(step, "mu/bias", [size], "zeros");
      w(step, "sigma/kernel", [hidden, size], "glorotUniform");
      w(step, "sigma/bias", [size], "ones");
    }
  }
  return weights;
}
