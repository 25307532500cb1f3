/**
 * aespec/runtime: what generated modules import. Small, and free of Node-only imports
 * (file access lives in nodeIO.ts, loaded dynamically in Node only).
 */
// TF.js itself, so that a generated module and the app around it use the one copy the runtime
// uses, however aespec was installed (a symlinked `npm install <path>` resolves its own).
export * as tf from "@tensorflow/tfjs";
export { Random } from "./random.js";
export * from "./layers.js";
export * from "./imageLayers.js";
export * from "./distributions.js";
export * from "./hierarchy.js";
export * from "./flows.js";
export * from "./likelihoodParameters.js";
export * from "./likelihoods.js";
export * from "./priors.js";
export * from "./quantize.js";
export * from "./relaxed.js";
export * from "./enumerate.js";
export * from "./mixturePriors.js";
export * from "./losses.js";
export * from "./regularisers.js";
export * from "./corruption.js";
export * from "./trainer.js";
export * from "./data.js";
export * from "./weights.js";
export * from "./backend.js";
export * from "./model.js";
export * from "./schedules.js";
export { checkCount, checkLabel, maxElements, ModelInputError, rowsWithin } from "./validate.js";
export { isNode } from "./environment.js";
export { installWasmFastPaths } from "./wasmFastPaths.js";
