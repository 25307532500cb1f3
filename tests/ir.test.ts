import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkSource } from "../src/compiler.js";
import { lowerModel } from "../src/ir/lower.js";
import { irErrors } from "../src/ir/validate.js";
import type { ModelIR } from "../src/ir/types.js";

const update = process.env.AEC_UPDATE_GOLDEN === "1";
const specs = readdirSync("specs").filter((f) => f.endsWith(".aespec")).sort();

function irOf(file: string): ModelIR {
  const path = `specs/${file}`;
  const result = checkSource({ name: path, text: readFileSync(path, "utf8") });
  expect(result.diagnostics).toEqual([]);
  return lowerModel(result.models[0]!, path);
}

describe("the model IR of every spec", () => {
  it.each(specs)("%s validates against the schema and matches its golden dump", (file) => {
    const ir = irOf(file);
    expect(irErrors(ir)).toEqual([]);
    const golden = `tests/ir/${file.replace(/\.aespec$/, ".ir.json")}`;
    const text = `${JSON.stringify(ir, null, 2)}\n`;
    if (update) writeFileSync(golden, text);
    if (!existsSync(golden)) throw new Error(`${golden} is missing: run npm run golden:update and review it`);
    expect(text).toBe(readFileSync(golden, "utf8"));
  });
});

describe("what the IR states", () => {
  it("lists exactly the weights each phase updates (the AAE's discriminator phase moves only d)", () => {
    const ir = irOf("aae.aespec");
    const discriminate = ir.phases.find((p) => p.name === "discriminate")!;
    expect(discriminate.updates).toEqual(["d"]);
    expect(discriminate.parameters.every((w) => w.startsWith("d/"))).toBe(true);
    const reconstruct = ir.phases.find((p) => p.name === "reconstruct")!;
    expect(reconstruct.parameters.some((w) => w.startsWith("d/"))).toBe(false);
    expect(reconstruct.parameters).toHaveLength(12);
  });

  it("resolves shapes and parameter counts (the VAE's encoder: 784·500+500 + 500·500+500 + 2·(500·20+20))", () => {
    const encoder = irOf("vae.aespec").networks.find((n) => n.name === "q")!;
    expect(encoder.parameterCount).toBe(784 * 500 + 500 + 500 * 500 + 500 + 2 * (500 * 20 + 20));
    expect(encoder.trunk.map((l) => l.outputShape)).toEqual([[500], [500]]);
    expect(encoder.distributions[0]).toMatchObject({ variable: "z", distribution: "Normal", feeds: "sample", parameters: { mu: { head: "mu" }, logvar: { head: "logvar" } } });
  });

  it("records how each term is estimated", () => {
    const terms = Object.fromEntries(irOf("vae.aespec").terms.map((t) => [t.id, t.estimator]));
    expect(terms).toEqual({ nll_x: "monte-carlo", kl_z: "analytic" });
    expect(irOf("iwae.aespec").terms[0]).toMatchObject({ kind: "iwae", k: 50, estimator: "importance-weighted" });
  });

  it("weights β on the KL term", () => {
    const phase = irOf("beta-vae.aespec").phases[0]!;
    expect(phase.terms).toEqual([{ term: "nll_x", weight: 1 }, { term: "kl_z", weight: 4 }]);
  });

  it("rejects an IR that breaks the schema", () => {
    const ir = irOf("vae.aespec") as unknown as Record<string, unknown>;
    expect(irErrors({ ...ir, extra: 1 })).not.toEqual([]);
    expect(irErrors({ ...ir, phases: [] })).not.toEqual([]);
    const broken = JSON.parse(JSON.stringify(ir));
    broken.networks[0].trunk[0].outputShape = [0];
    expect(irErrors(broken).join()).toMatch(/outputShape/);
  });
});
