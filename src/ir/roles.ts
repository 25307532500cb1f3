import { priorNetworkOf, priorOf, variableOf } from "./lookup.js";
import type { IrCode, IrMethods, IrNetwork, IrNetworkOutput, IrRoles, ModelIR } from "./types.js";

/** The IR without its roles: what lowering has built when it decides them. */
export type IrParts = Omit<ModelIR, "roles">;

/** Decides, once, the parts of a model that tools ask about by role (see `IrRoles`). */
export function modelRoles(ir: IrParts): IrRoles {
  const label = labelVariable(ir);
  const importanceSampling = importanceSamplingParts(ir);
  const hierarchicalImportanceSampling = importanceSampling ? undefined : hierarchicalParts(ir);
  const classifier = classifierTerm(ir);
  const planarLatent = planar(ir);
  const image = imageVariable(ir);
  const negativeElbo = ir.objective.kind === "elbo" ? ir.terms.filter((t) => t.kind === "nll" || t.kind === "kl").map((t) => t.id) : undefined;
  return {
    ...(negativeElbo ? { negativeElbo } : {}),
    ...(importanceSampling ? { importanceSampling } : {}),
    ...(hierarchicalImportanceSampling ? { hierarchicalImportanceSampling } : {}),
    ...(label ? { label } : {}),
    ...(classifier ? { classifier } : {}),
    ...(planarLatent ? { planarLatent } : {}),
    ...(image ? { image } : {}),
    methods: methods(ir, label),
  };
}

const encoders = (ir: IrParts) => ir.networks.filter((n) => n.role === "encoder");
const decoders = (ir: IrParts) => ir.networks.filter((n) => n.role === "decoder" || n.role === "generator");
const unique = (names: string[]) => [...new Set(names)];

/** The decoders' inputs, in order of first use. */
function decoderInputs(ir: IrParts): string[] {
  return unique(decoders(ir).flatMap((d) => d.inputs));
}

function labelVariable(ir: IrParts): string | undefined {
  const inputs = decoderInputs(ir);
  // A label may reach the decoders through a prior only: `p(z | y)` picks its component by y.
  const priorLabels = inputs.flatMap((v) => priorOf(ir, v)?.given ?? []);
  // A onehot[N, K] latent (N groups of a relaxed categorical) is a code, not one class to choose.
  return [...inputs, ...priorLabels].find((v) => variableOf(ir, v).type === "onehot" && variableOf(ir, v).shape.length === 1);
}

function importanceSamplingParts(ir: IrParts): IrRoles["importanceSampling"] {
  const [es, ds] = [encoders(ir), ir.networks.filter((n) => n.role === "decoder")];
  if (es.length !== 1 || ds.length !== 1) return undefined;
  const [encoder, decoder] = [es[0]!, ds[0]!];
  if (encoder.outputs.length !== 1 || decoder.outputs.length !== 1) return undefined;
  const latent = encoder.outputs[0]!;
  if (encoder.distributions[0]!.distribution !== "Normal" || !priorOf(ir, latent)?.density) return undefined;
  if (decoder.distributions[0]!.distribution === "Deterministic" || !decoder.inputs.includes(latent)) return undefined;
  return { encoder: encoder.name, decoder: decoder.name, latent, data: decoder.outputs[0]! };
}

/** Several latents, each from a Normal encoder and with a density (a fixed prior, unconditioned, or a prior network); one decoder of one data variable. */
function hierarchicalParts(ir: IrParts): IrRoles["hierarchicalImportanceSampling"] {
  const ds = ir.networks.filter((n) => n.role === "decoder");
  const latents = ir.variables.filter((v) => v.role === "latent");
  if (ds.length !== 1 || ds[0]!.outputs.length !== 1 || ds[0]!.distributions[0]!.distribution === "Deterministic" || latents.length < 2) return undefined;
  const layers: { latent: string; encoder: string; prior?: string }[] = [];
  for (const v of latents) {
    const encoder = encoders(ir).find((e) => e.outputs.includes(v.name));
    if (!encoder || encoder.distributions.find((d) => d.variable === v.name)!.distribution !== "Normal") return undefined;
    const network = priorNetworkOf(ir, v.name);
    const prior = priorOf(ir, v.name);
    if (!network && !(prior?.density && prior.given.length === 0)) return undefined;
    layers.push(network ? { latent: v.name, encoder: encoder.name, prior: network.name } : { latent: v.name, encoder: encoder.name });
  }
  return { latents: layers, decoder: ds[0]!.name, data: ds[0]!.outputs[0]! };
}

function classifierTerm(ir: IrParts): IrRoles["classifier"] {
  for (const t of ir.terms) {
    if (t.kind !== "nll") continue;
    const network = ir.networks.find((n) => n.name === t.network)!;
    if (network.role !== "encoder") continue;
    const output = network.distributions.find((d) => d.variable === t.variable)!;
    if (output.distribution === "Categorical" && variableOf(ir, t.target).type === "onehot") return { term: t.id, network: network.name, variable: t.variable, target: t.target };
  }
  return undefined;
}

function planar(ir: IrParts): IrRoles["planarLatent"] {
  for (const encoder of encoders(ir)) {
    for (const d of encoder.distributions) {
      const v = variableOf(ir, d.variable);
      if (v.type !== "real" || v.size !== 2) continue;
      const decoder = ir.networks.find((n) => n.role === "decoder" && n.inputs.length === 1 && n.inputs[0] === v.name);
      if (decoder) return { latent: v.name, decoder: decoder.name, encoder: encoder.name };
    }
  }
  return undefined;
}

/**
 * The first non-label data variable that is an image: `[H, W, 3]` in colour, else greyscale
 * when its size is a rectangle (its first two dimensions) or a square.
 */
function imageVariable(ir: IrParts): IrRoles["image"] {
  const v = ir.variables.find((x) => x.role === "data" && x.type !== "onehot");
  if (!v) return undefined;
  const side = Math.round(Math.sqrt(v.size));
  const [height, width] = v.shape.length >= 2 ? [v.shape[0]!, v.shape[1]!] : [side, side];
  const channels = v.shape.length === 3 && v.shape[2] === 3 ? 3 : 1;
  return height * width * channels === v.size ? { variable: v.name, height, width, channels } : undefined;
}

const summaryOf: Record<IrNetworkOutput["distribution"], IrCode["summary"]> = {
  Normal: "mean",
  Deterministic: "value",
  Categorical: "probabilities",
  Bernoulli: "probabilities",
  Laplace: "mean",
  ContinuousBernoulli: "mean",
  DiscretizedLogistic: "mean",
  DiscretizedLogisticMixture: "mean",
  Beta: "mean",
  VectorQuantize: "quantized",
  RelaxedCategorical: "mode",
};

function codes(networks: IrNetwork[]): IrCode[] {
  return networks.flatMap((n) => n.distributions.map((d) => ({ variable: d.variable, network: n.name, summary: summaryOf[d.distribution] })));
}

function methods(ir: IrParts, label: string | undefined): IrMethods {
  const [es, ds] = [encoders(ir), decoders(ir)];
  const out: IrMethods = {};
  // A latent one encoder reads from another (q2(z2 | z1) in a hierarchy) is computed, not given.
  if (es.length > 0) out.encode = { inputs: unique(es.flatMap((e) => e.inputs)).filter((v) => !es.some((e) => e.outputs.includes(v))), outputs: codes(es) };
  if (ds.length === 0) return out;
  const inputs = decoderInputs(ir);
  out.decode = { inputs, outputs: codes(ds) };
  const isData = (v: string) => variableOf(ir, v).role === "data";
  if (es.length > 0 && inputs.every((v) => isData(v) || es.some((e) => e.outputs.includes(v)))) {
    out.reconstruct = { inputs: unique([...out.encode!.inputs, ...inputs.filter(isData)]) };
  }
  // Every decoder input must come from a prior or be the label; an autoencoder without a prior cannot sample.
  if (inputs.every((v) => v === label || priorOf(ir, v) || priorNetworkOf(ir, v))) out.sample = { latents: inputs.filter((v) => v !== label) };
  return out;
}
