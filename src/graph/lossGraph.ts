import { describeScalar, isSchedule, labelledOnly, weightedSum } from "../language/schedules.js";
import { describeNetwork } from "../ir/describe.js";
import type { IrNetwork, IrPrior, IrSampleSource, IrTerm, ModelIR } from "../ir/types.js";

/**
 * The model as the slides draw it: variables, networks, distributions, the
 * reparameterisation noise, loss terms with their estimators, and each training phase as
 * a group. Node ids are generated (`n0`, `n1`, …): no text from the spec is ever an id,
 * so every output format only has to escape labels.
 */
export type NodeKind = "data" | "latent" | "network" | "prior" | "posterior" | "likelihood" | "noise" | "sample" | "corruption" | "loss";

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** First line: the name; further lines: details. */
  readonly lines: readonly string[];
  /** The phase group the node belongs to (loss terms only). */
  readonly group?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

export interface PhaseGroup {
  readonly id: string;
  readonly phase: string;
  readonly lines: readonly string[];
}

export interface LossGraph {
  readonly model: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly groups: readonly PhaseGroup[];
}

export const nodeKindNames: Record<NodeKind, string> = {
  data: "data variable",
  latent: "latent variable",
  network: "network",
  prior: "prior",
  posterior: "posterior q",
  likelihood: "likelihood p",
  noise: "noise ε",
  sample: "generated sample",
  corruption: "corruption",
  loss: "loss term",
};

const estimatorWords: Record<IrTerm["estimator"], string> = {
  exact: "exact",
  analytic: "analytic (closed form)",
  "analytic-categorical": "analytic, of the relaxed categorical's underlying categorical",
  "monte-carlo": "Monte Carlo, 1 sample",
  "importance-weighted": "importance-weighted",
  adversarial: "adversarial",
  "u-statistic": "unbiased over the batch (U-statistic)",
  minibatch: "over the batch's aggregate posterior",
  "density-ratio": "density ratio (a discriminator's logit)",
  enumeration: "exact enumeration over the classes (K·B rows; z Monte Carlo, 1 sample per class)",
};

function parameterList(params: Record<string, unknown>): string {
  return Object.keys(params).map((p) => ({ mu: "μ", sigma: "σ", logvar: "log σ²" })[p] ?? p).join(", ");
}

function typeOf(ir: ModelIR, name: string): string {
  const v = ir.variables.find((x) => x.name === name)!;
  const support = v.support.kind === "interval" ? ` ∈ [${v.support.low}, ${v.support.high}]` : "";
  return `${v.type}[${v.shape.join(", ")}]${support}`;
}

function describePrior(prior: IrPrior): string {
  const p = prior.parameters;
  const args = {
    Normal: () => `${p.mu}, ${p.sigma}`,
    Uniform: () => `${p.low}, ${p.high}`,
    Categorical: () => "uniform",
    MixtureOfGaussians: () => `${p.components} components, radius ${p.radius}`,
    SwissRoll: () => `${p.turns} turns`,
    VampPrior: () => `${p.components} pseudo-inputs`,
    Codebook: () => `${p.weights}`,
    GaussianMixture: () => (p.learned === "true" ? `${p.components} components, learned` : `${p.components} components, radius ${p.radius}, σ ${p.sigma}`),
  }[prior.distribution]();
  return `${prior.name}(${prior.variable}${prior.given.length ? ` | ${prior.given.join(", ")}` : ""}) = ${prior.distribution}(${args})`;
}

export function buildLossGraph(ir: ModelIR, options: { phase?: string } = {}): LossGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const groups: PhaseGroup[] = [];
  const ids = new Map<string, string>();
  const node = (key: string, kind: NodeKind, lines: string[], group?: string): string => {
    const existing = ids.get(key);
    if (existing) return existing;
    const id = `n${nodes.length}`;
    ids.set(key, id);
    nodes.push({ id, kind, lines, ...(group ? { group } : {}) });
    return id;
  };
  const edge = (from: string, to: string, label?: string) => {
    if (!edges.some((e) => e.from === from && e.to === to && e.label === label)) edges.push({ from, to, ...(label ? { label } : {}) });
  };

  // Variables, corruption and priors.
  for (const v of ir.variables) node(`var:${v.name}`, v.role === "data" ? "data" : "latent", [v.name, typeOf(ir, v.name)]);
  for (const c of ir.corruptions) {
    const id = node(`corrupt:${c.variable}`, "corruption", [`${c.variable}̃ = ${c.kind}(${c.variable})`, Object.entries(c.parameters).map(([k, x]) => `${k} = ${x}`).join(", ")]);
    edge(ids.get(`var:${c.variable}`)!, id);
  }
  for (const p of ir.priors) {
    const learned = p.learned ? [`learned: ${p.learned.weights.map((w) => `${w.name.slice(w.name.lastIndexOf("/") + 1)} [${w.shape.join(", ")}]`).join(", ")}`] : [];
    const id = node(`prior:${p.variable}`, "prior", [describePrior(p), p.density ? "density and samples" : "samples only", ...learned]);
    for (const g of p.given) edge(ids.get(`var:${g}`)!, id, "chooses component");
  }

  // Networks: inputs in, distributions out.
  const inputOf = (network: IrNetwork, v: string) => (network.role === "encoder" && ir.corruptions.some((c) => c.variable === v) ? ids.get(`corrupt:${v}`)! : ids.get(`var:${v}`)!);
  for (const n of ir.networks) {
    const id = node(`net:${n.name}`, "network", [`${n.role} ${n.name}`, describeNetwork(n), `${n.parameterCount.toLocaleString("en-US")} parameters`]);
    // A conditional discriminator reads its conditions from the batch, with the samples it judges.
    for (const g of n.given ?? []) edge(ids.get(`var:${g}`)!, id, "condition");
    if (n.role === "discriminator") continue;
    for (const v of n.inputs) edge(inputOf(n, v), id);
    for (const d of n.distributions) {
      const density = `${n.name}(${d.variable} | ${n.inputs.join(", ")})`;
      if (d.distribution === "Deterministic") {
        if (n.role === "encoder") edge(id, ids.get(`var:${d.variable}`)!, `${d.variable} = ${n.name}(${n.inputs.join(", ")})`);
        else edge(id, node(`fake:${n.name}:${d.variable}`, "sample", [`${d.variable}̂ = ${n.name}(${n.inputs.join(", ")})`, "generated samples of " + d.variable]));
        continue;
      }
      const kind = n.role === "encoder" ? "posterior" : n.role === "prior" ? "prior" : "likelihood";
      const parameters = d.codebook
        ? `codebook = ${d.codebook.codes}, beta = ${d.codebook.beta}${d.codebook.ema ? `, ema = ${d.codebook.ema.decay}` : ""}`
        : d.relaxed ? `${parameterList(d.parameters)}, temperature = ${describeScalar(d.relaxed.temperature)}${d.relaxed.hard ? ", hard" : ""}` : parameterList(d.parameters);
      const dist = node(`dist:${n.name}:${d.variable}`, kind, [`${density} = ${d.distribution}(${parameters})`, ...(d.codebook ? [`${d.codebook.codes} codes of width ${d.codebook.dimension} at ${d.codebook.positions} positions${d.codebook.ema ? ", an EMA codebook (no gradient)" : ""}`] : [])]);
      edge(id, dist);
      if (n.role !== "encoder") continue;
      const latent = ids.get(`var:${d.variable}`)!;
      if (d.relaxed) {
        const noise = node(`noise:${d.variable}`, "noise", [`g ~ Gumbel(0, 1)`, `reparameterisation of ${d.variable}`]);
        edge(noise, latent);
        edge(dist, latent, `${d.variable} = softmax((logits + g) / ${describeScalar(d.relaxed.temperature)})${d.relaxed.hard ? ", one-hot forward (straight-through)" : ""}`);
      } else if (d.feeds === "sample") {
        const noise = node(`noise:${d.variable}`, "noise", [`ε ~ N(0, I)`, `reparameterisation of ${d.variable}`]);
        edge(noise, latent);
        edge(dist, latent, `${d.variable} = μ + σ·ε`);
      } else if (ir.variables.find((v) => v.name === d.variable)!.role === "data") edge(dist, latent, "inferred where the label is missing");
      else edge(dist, latent, d.feeds === "probabilities" ? "class probabilities" : d.feeds === "quantized" ? "nearest code (straight-through gradient)" : undefined);
    }
  }
  // A VampPrior's components are the encoder's posteriors at its pseudo-inputs.
  for (const p of ir.priors) if (p.learned?.encoder) edge(ids.get(`net:${p.learned.encoder}`)!, ids.get(`prior:${p.variable}`)!, `${p.learned.encoder}(${p.variable} | uₖ), ${p.parameters.components} pseudo-inputs uₖ`);
  // Latents nothing encodes are drawn from their prior.
  for (const v of ir.variables.filter((x) => x.role === "latent")) {
    if (!ir.networks.some((n) => n.role === "encoder" && n.outputs.includes(v.name)) && ids.has(`prior:${v.name}`)) edge(ids.get(`prior:${v.name}`)!, ids.get(`var:${v.name}`)!, "sample");
  }

  // Loss terms, grouped by phase. A code is its posterior, or the latent itself when the encoder is deterministic.
  const code = (network: string, variable: string): string => ids.get(`dist:${network}:${variable}`) ?? ids.get(`var:${variable}`)!;
  const source = (s: IrSampleSource): string => {
    if (s.kind === "prior") return ids.get(`prior:${s.variable}`)!;
    if (s.kind === "data") return ids.get(`var:${s.variable}`)!;
    if (s.kind === "permuted") {
      const permuted = ids.get(`permuted:${s.variable}`) ?? node(`permuted:${s.variable}`, "sample", [`${s.variable}̃ = ${s.variable} permuted`, "each dimension shuffled across the batch"]);
      if (!edges.some((e) => e.to === permuted)) edge(ids.get(`var:${s.variable}`)!, permuted, "permute");
      return permuted;
    }
    const network = ir.networks.find((n) => n.name === s.network)!;
    if (network.role === "encoder") return ids.get(`var:${s.variable}`)!;
    const fake = ids.get(`fake:${network.name}:${s.variable}`);
    if (fake) return fake;
    // A decoder with a likelihood used as a sampler (`fake = p(x | z)`): its samples come from that distribution.
    const sample = node(`fake:${network.name}:${s.variable}`, "sample", [`${s.variable}̂ ~ ${network.name}(${s.variable} | ${network.inputs.join(", ")})`, "generated samples of " + s.variable]);
    edge(ids.get(`dist:${network.name}:${s.variable}`)!, sample);
    return sample;
  };
  const phases = options.phase ? ir.phases.filter((p) => p.name === options.phase) : ir.phases;
  for (const phase of phases) {
    const group = `g${groups.length}`;
    const optimizer = `${phase.optimizer.kind}(${Object.entries(phase.optimizer.parameters).filter(([k]) => k === "lr").map(([k, v]) => `${k} = ${v}`).join(", ")})`;
    groups.push({
      id: group,
      phase: phase.name,
      lines: [`phase ${phase.name}: minimise ${weightedSum(phase.terms)}`, `updates ${phase.updates.join(", ")} (${phase.parameters.length} tensors) with ${optimizer}${labelledOnly(phase.terms) ? ", labelled examples only" : ""}`],
    });
    for (const { term: termId, weight } of phase.terms) {
      const term = ir.terms.find((t) => t.id === termId)!;
      const estimator = term.kind === "iwae" ? `${estimatorWords[term.estimator]}, k = ${term.k}` : estimatorWords[term.estimator];
      // A scheduled weight is drawn on its term (a constant one is in the phase's line).
      const scheduled = isSchedule(weight) ? [`weight ${describeScalar(weight)}`] : [];
      const id = node(`term:${phase.name}:${term.id}`, "loss", [term.id, term.formula, estimator, ...scheduled], group);
      switch (term.kind) {
        case "nll":
          edge(ids.get(`dist:${term.network}:${term.variable}`)!, id);
          edge(ids.get(`var:${term.target}`)!, id, "observed");
          break;
        case "kl":
          edge(ids.get(`dist:${term.network}:${term.variable}`)!, id);
          edge(ids.get(term.prior ? `dist:${term.prior}:${term.variable}` : `prior:${term.variable}`)!, id);
          break;
        case "iwae":
          edge(ids.get(`dist:${term.encoder}:${term.latent}`)!, id);
          edge(ids.get(`dist:${term.decoder}:${term.data}`)!, id);
          edge(ids.get(`prior:${term.latent}`)!, id);
          break;
        case "gan_d": {
          const d = ids.get(`net:${term.discriminator}`)!;
          edge(source(term.real), d, "real");
          edge(source(term.fake), d, "fake");
          edge(d, id);
          break;
        }
        case "gan_g": {
          const d = ids.get(`net:${term.discriminator}`)!;
          edge(source(term.fake), d, "fake");
          edge(d, id);
          break;
        }
        case "contractive":
          edge(ids.get(`net:${term.network}`)!, id, `∂${term.variable}/∂${term.input}`);
          break;
        case "mmd":
          edge(code(term.network, term.variable), id, "codes");
          edge(ids.get(`prior:${term.variable}`)!, id, "samples");
          break;
        case "tc":
          if (term.discriminator) {
            const d = ids.get(`net:${term.discriminator}`)!;
            edge(ids.get(`var:${term.variable}`)!, d, "codes");
            edge(d, id, "logit");
          } else edge(code(term.network, term.variable), id);
          break;
        case "mi":
        case "l2":
          edge(code(term.network, term.variable), id);
          break;
        case "dwkl":
          edge(code(term.network, term.variable), id);
          edge(ids.get(`prior:${term.variable}`)!, id);
          break;
        case "weightDecay":
          edge(ids.get(`net:${term.network}`)!, id, "weights");
          break;
        case "gradientPenalty":
          edge(ids.get(`net:${term.network}`)!, id, "Jacobian");
          break;
        case "vq":
          edge(ids.get(`dist:${term.network}:${term.variable}`)!, id, "z_e and its codes");
          break;
        case "enumerate": {
          const classes = `each of the ${term.classes} classes of ${term.variable}`;
          edge(ids.get(`dist:${term.network}:${term.variable}`)!, id, `weights q(${term.variable} | …) and its entropy`);
          for (const e of term.encoders) for (const z of ir.networks.find((n) => n.name === e)!.outputs) {
            edge(ids.get(`dist:${e}:${z}`)!, id, `KL per class (${classes})`);
            edge(ids.get(`prior:${z}`)!, id);
          }
          for (const d of term.decoders) for (const x of ir.networks.find((n) => n.name === d)!.outputs) edge(ids.get(`dist:${d}:${x}`)!, id, `likelihood per class (${classes})`);
          break;
        }
      }
    }
  }
  return options.phase ? reachable({ model: ir.model, nodes, edges, groups }) : { model: ir.model, nodes, edges, groups };
}

/** Keeps the loss terms and everything upstream of them (for `--phase`). */
function reachable(graph: LossGraph): LossGraph {
  const keep = new Set(graph.nodes.filter((n) => n.kind === "loss").map((n) => n.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of graph.edges) if (keep.has(e.to) && !keep.has(e.from)) {
      keep.add(e.from);
      grew = true;
    }
  }
  return { ...graph, nodes: graph.nodes.filter((n) => keep.has(n.id)), edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)) };
}
