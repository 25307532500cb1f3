import { findTorchInterpreter } from "../../src/runner/torchEngine.js";
import { readdirSync, readFileSync } from "node:fs";
import { checkSource } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import { generateTorchModule } from "../../src/codegen/torchModule.js";
import type { ModelIR } from "../../src/ir/types.js";

export const root = new URL("../../", import.meta.url).pathname;

export const specNames = readdirSync(`${root}specs`).filter((f) => f.endsWith(".aespec")).map((f) => f.replace(/\.aespec$/, "")).sort();

export function irOf(spec: string): ModelIR {
  const path = `specs/${spec}.aespec`;
  const result = checkSource({ name: path, text: readFileSync(`${root}${path}`, "utf8") });
  if (result.models.length === 0) throw new Error(`${path} does not check`);
  return lowerModel(result.models[0]!, path);
}

/** Every spec's generated Python module. */
export function torchModules(): { spec: string; ir: ModelIR; python: string }[] {
  return specNames.map((spec) => {
    const ir = irOf(spec);
    return { spec, ir, python: generateTorchModule(ir) };
  });
}

/** Specs the Python trainer's tests use (python/tests/test_trainer.py), generated into python/tests/fixtures/<name>.py. */
export const trainerFixtures = ["tests/train/fixtures/tiny-ae.aespec", "tests/train/fixtures/tiny-vae.aespec", "tests/train/fixtures/tiny-ssaae.aespec", "tests/train/fixtures/tiny-m2.aespec", "tests/torch/fixtures/exploding-vae.aespec"];

export function torchFixtureModules(): { file: string; python: string }[] {
  return trainerFixtures.map((path) => {
    const name = path.replace(/^.*\//, "").replace(/\.aespec$/, "");
    const result = checkSource({ name: path, text: readFileSync(`${root}${path}`, "utf8") });
    if (result.models.length !== 1) throw new Error(`${path} does not check`);
    return { file: `python/tests/fixtures/${name}.py`, python: generateTorchModule(lowerModel(result.models[0]!, path)) };
  });
}

/** The interpreter that can import torch, found as `aec train --engine torch` finds it; undefined when none can. */
export function torchPython(): string | undefined {
  return findTorchInterpreter();
}

/** Set AESPEC_SKIP_TORCH=1 to skip the torch tests where no torch can be installed; otherwise a missing torch fails them. */
export const skipTorch = process.env.AESPEC_SKIP_TORCH === "1";
