import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { XMLValidator } from "fast-xml-parser";
import { JSDOM } from "jsdom";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../src/compiler.js";
import { buildLossGraph, graphJsonSchema, renderGraph } from "../src/graph/index.js";
import { lowerModel } from "../src/ir/lower.js";
import type { ModelIR } from "../src/ir/types.js";
import { aec } from "./helpers/cli.js";

const specs = readdirSync("specs").filter((f) => f.endsWith(".aespec")).sort();

function irOf(file: string): ModelIR {
  const result = checkSource({ name: `specs/${file}`, text: readFileSync(`specs/${file}`, "utf8") });
  return lowerModel(result.models[0]!, `specs/${file}`);
}

const graphviz = spawnSync("dot", ["-V"]).status === 0;
let mermaid: { parse(text: string): Promise<unknown> };

beforeAll(async () => {
  // Mermaid's parser runs in Node with a DOM from jsdom.
  const dom = new JSDOM("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  mermaid = (await import("mermaid")).default;
}, 60_000);

describe.each(specs)("the loss graph of %s", (file) => {
  const ir = irOf(file);
  const names = [...ir.networks.map((n) => n.name), ...ir.variables.map((v) => v.name), ...ir.terms.map((t) => t.id)];

  it("DOT is accepted by Graphviz", () => {
    if (!graphviz) throw new Error("Graphviz `dot` is not installed (.ci/run installs it)");
    const run = spawnSync("dot", ["-Tsvg"], { input: renderGraph(ir, "dot"), encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("Mermaid is accepted by Mermaid's parser", async () => {
    await expect(mermaid.parse(renderGraph(ir, "mermaid"))).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });

  it("the SVG is well-formed XML and names every network, variable and loss term", () => {
    const svg = renderGraph(ir, "svg");
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toMatch(/(href|src)="https?:/);
    for (const name of names) expect(svg).toMatch(new RegExp(`>[^<]*\\b${name}\\b[^<]*<`));
  });

  it("the JSON validates against its schema and holds every term once per phase using it", () => {
    const graph = JSON.parse(renderGraph(ir, "json"));
    const validate = new Ajv({ allErrors: true }).compile(graphJsonSchema);
    expect(validate(graph), JSON.stringify(validate.errors)).toBe(true);
    const uses = ir.phases.reduce((n, p) => n + p.terms.length, 0);
    expect(graph.nodes.filter((n: { kind: string }) => n.kind === "loss")).toHaveLength(uses);
    expect(graph.groups.map((g: { phase: string }) => g.phase)).toEqual(ir.phases.map((p) => p.name));
  });
});

describe("what the graph shows", () => {
  it("the VAE's reparameterisation: ε and the posterior both feed z", () => {
    const graph = buildLossGraph(irOf("vae.aespec"));
    const byLine = (text: string) => graph.nodes.find((n) => n.lines[0]!.startsWith(text))!.id;
    const z = byLine("z");
    expect(graph.edges).toContainEqual({ from: byLine("ε ~ N(0, I)"), to: z });
    expect(graph.edges).toContainEqual({ from: byLine("q(z | x) = Normal"), to: z, label: "z = μ + σ·ε" });
    expect(graph.nodes.find((n) => n.lines[0] === "kl_z")!.lines).toContain("analytic (closed form)");
  });

  it("--phase keeps one phase and only what feeds it", async () => {
    const run = await aec("graph", "specs/aae.aespec", "--format", "json", "--phase", "discriminate");
    expect(run.exitCode).toBe(0);
    const graph = JSON.parse(run.stdout);
    expect(graph.groups.map((g: { phase: string }) => g.phase)).toEqual(["discriminate"]);
    const labels = graph.nodes.map((n: { lines: string[] }) => n.lines[0]);
    expect(labels).toContain("gan_d_d");
    expect(labels).not.toContain("nll_x");
    expect(labels.some((l: string) => l.startsWith("decoder"))).toBe(false);
  });

  it("an unknown phase is an error listing the phases", async () => {
    const run = await aec("graph", "specs/aae.aespec", "--phase", "bogus");
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("error[AE0908]: model AAE has no phase `bogus`");
    expect(run.stderr).toContain("`reconstruct`, `discriminate`, `regularize`");
  });
});

describe("the loss graph of a decoder used as a sampler", () => {
  // `fake = p(x | z)`: a decoder with a likelihood gives the GAN term its samples. The graph once drew an edge from `undefined`.
  const text = `model VAEGAN {
  data x: real[8] in [0, 1]
  latent z: real[2]
  prior p(z) = Normal(0, 1)
  encoder q(z | x) = Normal(mu, logvar) { dense(6, relu); mu: dense(2); logvar: dense(2) }
  decoder p(x | z) = Bernoulli(logits) { dense(6, relu); logits: dense(8) }
  discriminator d(x) { dense(6, relu); dense(1) }
  train {
    optimizer adam(lr = 1e-3)
    batch 4
    epochs 1
    phase vae minimize nll(p(x | z), x) + kl(q(z | x), p(z)) over encoder, decoder
    phase discriminate minimize gan_d(d, real = x, fake = p(x | z)) over d
    phase fool minimize gan_g(d, fake = p(x | z)) over decoder, encoder
  }
}`;

  it("has an edge from the samples of the likelihood to the discriminator, and no edge to or from nothing", () => {
    const result = checkSource({ name: "vaegan.aespec", text });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const graph = buildLossGraph(lowerModel(result.models[0]!, "vaegan.aespec"));
    const ids = new Set(graph.nodes.map((n) => n.id));
    for (const e of graph.edges) {
      expect(ids.has(e.from), JSON.stringify(e)).toBe(true);
      expect(ids.has(e.to), JSON.stringify(e)).toBe(true);
    }
    const sample = graph.nodes.find((n) => n.kind === "sample")!;
    expect(sample.lines[0]).toContain("p(x | z)");
    const likelihood = graph.nodes.find((n) => n.kind === "likelihood")!;
    expect(graph.edges).toContainEqual({ from: likelihood.id, to: sample.id });
    const d = graph.nodes.find((n) => n.lines[0] === "discriminator d")!;
    expect(graph.edges.filter((e) => e.from === sample.id && e.to === d.id).length).toBeGreaterThan(0);
    expect(JSON.stringify(graph)).not.toContain("undefined");
  });
});
