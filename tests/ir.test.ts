import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkSource } from "../src/compiler.js";
import { lowerModel } from "../src/ir/lower.js";
import { irErrors } from "../src/ir/validate.js";
import type { ModelIR } from "../src/ir/types.js";
import { runtimeDescription } from "../src/codegen/description.js";
import { networkWeights } from "../src/ir/lookup.js";
import { modelWeights, phaseParameters } from "../src/runtime/model.js";

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

describe("the runtime's description, projected from the IR", () => {
  it.each(specs)("%s: the runtime expands each phase to exactly the IR's weight list, and every weight keeps its initialiser", (file) => {
    const ir = irOf(file);
    const description = runtimeDescription(ir);
    for (const [i, phase] of description.phases.entries()) expect(phaseParameters(description, phase)).toEqual(ir.phases[i]!.parameters);
    // Each network's layers' weights, then its learned likelihood values and codebooks (a VectorQuantize encoder's [K, D] vectors).
    const weights = ir.networks.flatMap(networkWeights);
    // A learned prior's weights follow the networks'.
    expect(modelWeights(description)).toEqual([...weights, ...ir.priors.flatMap((p) => p.learned?.weights ?? [])]);
  });
});

describe("learned priors in the IR", () => {
  it("a VampPrior's pseudo-inputs are weights the elbo phase trains with the networks, and its KL reaches them", () => {
    const ir = irOf("vamp-vae.aespec");
    const prior = ir.priors[0]!;
    expect(prior.learned).toEqual({ parameterSet: "p(z)", weights: [{ name: "p(z)/pseudoInputs", shape: [500, 784], trainable: true, init: "standardNormal" }], encoder: "q", input: "x" });
    expect(ir.phases[0]!.updates).toEqual(["q", "p", "p(z)"]);
    expect(ir.phases[0]!.parameters.at(-1)).toBe("p(z)/pseudoInputs");
    const kl = ir.terms.find((t) => t.kind === "kl")!;
    expect(kl).toMatchObject({ estimator: "monte-carlo", dependsOn: ["q", "p(z)"] });
    expect(ir.roles.importanceSampling).toBeDefined();
  });
});

describe("what the IR states", () => {
  it("gives a hierarchy one KL term per layer, naming its estimator: Monte Carlo against the prior network (its z2 depends on z1 under q), analytic at the top", () => {
    const ir = irOf("vae-2layer.aespec");
    const kl = (v: string) => ir.terms.find((t) => t.kind === "kl" && t.variable === v)!;
    expect(kl("z1")).toMatchObject({ prior: "p1", estimator: "monte-carlo", dependsOn: expect.arrayContaining(["q1", "q2", "p1"]) });
    expect(kl("z2")).toMatchObject({ estimator: "analytic" });
    expect(kl("z2")).not.toHaveProperty("prior");
    expect(ir.networks.find((n) => n.name === "p1")!.role).toBe("prior");
    expect(ir.phases[0]!.updates).toContain("p1");
    expect(ir.roles.hierarchicalImportanceSampling).toEqual({ latents: [{ latent: "z1", encoder: "q1", prior: "p1" }, { latent: "z2", encoder: "q2" }], decoder: "px", data: "x" });
    expect(ir.roles.methods.encode!.inputs).toEqual(["x"]);
    expect(ir.roles.methods.sample).toEqual({ latents: ["z1"] });
  });

  it("counts a flow's weights in its encoder and makes the KL Monte Carlo (IAF: D·H + H + 2·(H·D + D) per step)", () => {
    const ir = irOf("vae-iaf.aespec");
    const q = ir.networks.find((n) => n.name === "q")!;
    const [d, h] = [20, 320];
    expect(q.parameterCount).toBe(784 * 500 + 500 + 500 * 500 + 500 + 2 * (500 * 20 + 20) + 2 * (d * h + h + 2 * (h * d + d)));
    expect(q.distributions[0]!.flow).toMatchObject({ kind: "iaf", steps: 2, hidden: 320 });
    expect(q.distributions[0]!.flow!.weights.find((w) => w.name === "q/z.flow1/sigma/bias")).toEqual({ name: "q/z.flow1/sigma/bias", shape: [20], trainable: true, init: "ones" });
    expect(ir.terms.find((t) => t.kind === "kl")!.estimator).toBe("monte-carlo");
    expect(ir.phases[0]!.parameters).toContain("q/z.flow0/hidden/kernel");
  });

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

  it("gives every weight its initialiser: Glorot-uniform kernels, zero biases, unit batch-norm scales and variances", () => {
    const inits = (file: string) => Object.fromEntries(irOf(file).networks.flatMap((n) => [...n.trunk, ...n.heads.flatMap((h) => h.layers)].flatMap((l) => l.weights)).map((w) => [w.name.split("/").at(-1)!, w.init]));
    expect(inits("vae.aespec")).toEqual({ kernel: "glorotUniform", bias: "zeros" });
    expect(inits("conv-vae.aespec")).toMatchObject({ kernel: "glorotUniform", bias: "zeros" });
  });

  it("names head weights by what they compute, written as a named head or inline", () => {
    const names = (file: string, network: string) => irOf(file).networks.find((n) => n.name === network)!.heads.flatMap((h) => h.layers.map((l) => l.id));
    expect(names("vae.aespec", "q")).toEqual(["z.mu", "z.logvar"]);
    expect(names("vae.aespec", "p")).toEqual(["x.logits"]);
  });

  it("states the roles tools ask about, decided once in lowering", () => {
    const vae = irOf("vae.aespec").roles;
    expect(vae.negativeElbo).toEqual(["nll_x", "kl_z"]);
    expect(vae.importanceSampling).toEqual({ encoder: "q", decoder: "p", latent: "z", data: "x" });
    expect(vae.image).toEqual({ variable: "x", height: 28, width: 28, channels: 1 });
    expect(vae.label).toBeUndefined();
    expect(vae.classifier).toBeUndefined();
    expect(vae.methods.sample).toEqual({ latents: ["z"] });
    expect(vae.methods.encode!.outputs).toEqual([{ variable: "z", network: "q", summary: "mean" }]);
    expect(vae.methods.decode!.outputs).toEqual([{ variable: "x", network: "p", summary: "probabilities" }]);

    expect(irOf("vae-2d.aespec").roles.planarLatent).toEqual({ latent: "z", decoder: "p", encoder: "q" });
    expect(irOf("cvae.aespec").roles.label).toBe("y");
    const ae = irOf("ae.aespec").roles;
    expect(ae.methods.sample).toBeUndefined(); // no prior: an autoencoder cannot sample
    expect(ae.negativeElbo).toBeUndefined();
    expect(ae.importanceSampling).toBeUndefined();
    const semi = irOf("semi-supervised-aae.aespec").roles;
    expect(semi.classifier).toMatchObject({ variable: expect.any(String), target: "y" });
    expect(irOf("gan.aespec").roles.methods.encode).toBeUndefined();
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
