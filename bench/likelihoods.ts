// The measurements behind docs/likelihoods.md, rerunnable by anyone: `npm run bench:likelihoods`.
//   1. The gradient reaching a sigmoid output's pre-activation under cross-entropy and
//      under squared error, by TF.js autodiff → docs/images/likelihood-gradients.svg.
import { mkdirSync, writeFileSync } from "node:fs";
import { selectBackend } from "../src/runtime/backend.js";
import { drawGradientSvg, linspace, sigmoidGradients } from "./sigmoidGradient.js";

const images = "docs/images";
mkdirSync(images, { recursive: true });
await selectBackend("wasm");

// Target 1, pre-activations from confidently wrong (σ(−10) ≈ 4.5e-5) to confidently right.
const curves = await sigmoidGradients(linspace(-10, 10, 201), 1);
writeFileSync(`${images}/likelihood-gradients.svg`, drawGradientSvg(curves));
const at = (a: number) => curves.preActivations.findIndex((v) => Math.abs(v - a) < 1e-4);
for (const a of [-10, -5, -2, 0, 2]) {
  const i = at(a);
  console.log(`a = ${a}: cross-entropy ${curves.crossEntropy[i]!.toExponential(3)}, squared error ${curves.squaredError[i]!.toExponential(3)}`);
}
console.log(`wrote ${images}/likelihood-gradients.svg`);
