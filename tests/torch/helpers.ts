import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
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
export const trainerFixtures = ["tests/train/fixtures/tiny-ae.aespec", "tests/train/fixtures/tiny-vae.aespec", "tests/train/fixtures/tiny-ssaae.aespec", "tests/torch/fixtures/exploding-vae.aespec"];

export function torchFixtureModules(): { file: string; python: string }[] {
  return trainerFixtures.map((path) => {
    const name = path.replace(/^.*\//, "").replace(/\.aespec$/, "");
    const result = checkSource({ name: path, text: readFileSync(`${root}${path}`, "utf8") });
    if (result.models.length !== 1) throw new Error(`${path} does not check`);
    return { file: `python/tests/fixtures/${name}.py`, python: generateTorchModule(lowerModel(result.models[0]!, path)) };
  });
}

/**
 * The interpreter that can import torch: $AESPEC_PYTHON, then `python3`, then
 * /usr/bin/python3 (Debian's python3-torch installs there; the first python3 on PATH may
 * be another interpreter). Undefined when none can.
 */
export function torchPython(): string | undefined {
  const candidates = [process.env.AESPEC_PYTHON, "python3", "/usr/bin/python3"].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Set AESPEC_SKIP_TORCH=1 to skip the torch tests where no torch can be installed; otherwise a missing torch fails them. */
export const skipTorch = process.env.AESPEC_SKIP_TORCH === "1";
