import { describeScalar } from "../language/schedules.js";
import { conditionsOf } from "../check/conditions.js";
import { distributions, findBuiltin, isActivation, isLearnedPrior, priorParameterSet } from "../language/vocabulary.js";
import { relaxedCategorical, relaxedOptions } from "../check/relaxed.js";
import { learnedPriorSets, termDependencies, upstream } from "../check/dependencies.js";
import { logvarBounds } from "../check/limits.js";
import type { CheckedModel, LayerInfo, LossTerm, NetworkInfo, ParameterSource, PriorInfo, SampleSource } from "../check/model.js";
import type { IrCodebook, IrLayer, IrNetwork, IrParameterSource, IrPrior, IrTerm, IrWeight, ModelIR } from "./types.js";
import { networkWeights } from "./lookup.js";
import { irVersion } from "./types.js";
import { type IrParts, modelRoles } from "./roles.js";
import { flowWeights } from "./flows.js";

/** Lowers a checked model to the IR: plain JSON, with weights and per-phase parameter sets made explicit. */
export function lowerModel(model: CheckedModel, sourceName: string): ModelIR {
  const parts = lowerParts(model, sourceName);
  return { ...parts, roles: modelRoles(parts) };
}

function lowerParts(model: CheckedModel, sourceName: string): IrParts {
  const networks = model.networks.map((n) => lowerNetwork(model, n));
  const priors = model.priors.map((p) => lowerPrior(model, p));
  const weightsOf = (name: string) => {
    const prior = priors.find((p) => p.learned?.parameterSet === name);
    if (prior) return prior.learned!.weights.map((w) => w.name);
    return networkWeights(networks.find((n) => n.name === name)!).filter((w) => w.trainable).map((w) => w.name);
  };
  return {
    irVersion,
    model: model.name,
    source: sourceName,
    variables: model.variables.map((v) => ({
      name: v.name,
      role: v.role,
      type: v.type,
      shape: [...v.shape],
      size: v.size,
      support: { ...v.support },
      ...(v.labelled !== undefined ? { labelled: v.labelled } : {}),
    })),
    priors,
    networks,
    corruptions: model.corruptions.map((c) => ({ variable: c.variable, kind: c.kind, parameters: { ...c.parameters } })),
    objective: { kind: model.objective.kind, parameters: { ...model.objective.parameters } },
    terms: model.terms.map((t) => lowerTerm(model, t)),
    phases: model.phases.map((p) => ({
      name: p.name,
      terms: p.terms.map((t) => ({ ...t })),
      updates: [...p.updates],
      parameters: p.updates.flatMap(weightsOf),
      optimizer: { kind: p.optimizer.kind, parameters: { ...p.optimizer.parameters } },
    })),
    train: { ...model.train },
  };
}

function lowerPrior(model: CheckedModel, prior: PriorInfo): IrPrior {
  const lowered: IrPrior = {
    name: prior.declaration.signature.name.name,
    variable: prior.variable,
    given: [...prior.given],
    distribution: prior.distribution,
    parameters: { ...prior.parameters },
    density: prior.density,
  };
  if (!isLearnedPrior(prior)) return lowered;
  const parameterSet = priorParameterSet(lowered);
  const k = prior.parameters.components as number;
  const size = model.variables.find((v) => v.name === prior.variable)!.size;
  const w = (name: string, shape: number[], init: IrWeight["init"]): IrWeight => ({ name: `${parameterSet}/${name}`, shape, trainable: true, init });
  if (prior.distribution === "VampPrior") {
    // The checker proved one Normal encoder of the latent, reading one data variable.
    const encoder = model.networks.find((n) => n.role === "encoder" && n.outputs.includes(prior.variable))!;
    const input = model.variables.find((v) => v.name === encoder.inputs[0])!;
    // Random, distinct pseudo-inputs: identical ones would stay identical (their gradients are equal).
    return { ...lowered, learned: { parameterSet, weights: [w("pseudoInputs", [k, ...input.shape], "standardNormal")], encoder: encoder.name, input: input.name } };
  }
  // Means drawn from N(0, 1), unit variances, equal weights: a spread of components where the standard prior has its mass.
  return { ...lowered, learned: { parameterSet, weights: [w("means", [k, size], "standardNormal"), w("logvars", [k, size], "zeros"), w("logits", [k], "zeros")] } };
}

/** A Normal whose σ or log-variance is a head or a learned weight (a constant is checked instead, AE0443). */
function hasLearnedVariance(o: NetworkInfo["distributions"][number]): boolean {
  const variance = o.parameters.sigma ?? o.parameters.logvar;
  return o.distribution === "Normal" && variance !== undefined && !("constant" in variance);
}

function lowerNetwork(model: CheckedModel, network: NetworkInfo): IrNetwork {
  const shapeOf = (variable: string) => [...model.variables.find((v) => v.name === variable)!.shape];
  const outputs: IrNetwork["distributions"] = network.distributions.map((o) => ({
    variable: o.variable,
    distribution: o.distribution,
    parameters: Object.fromEntries(Object.entries(o.parameters).map(([k, v]) => [k, lowerSource(network.name, o.variable, k, v, shapeOf(o.variable))])),
    ...(o.options && o.distribution !== relaxedCategorical ? { options: { ...o.options } } : {}),
    ...(o.distribution === relaxedCategorical ? { relaxed: relaxedOptions(o) } : {}),
    ...(hasLearnedVariance(o) ? { logvarBounds: [...logvarBounds] as [number, number] } : {}),
    reparameterised: o.distribution === "VectorQuantize" || findBuiltin(distributions, o.distribution)!.reparameterisable,
    feeds: network.role !== "encoder" ? "none" : o.distribution === "Normal" || o.distribution === relaxedCategorical ? "sample" : o.distribution === "Deterministic" ? "value" : o.distribution === "VectorQuantize" ? "quantized" : "probabilities",
    ...(o.flow ? { flow: { kind: o.flow.kind, steps: o.flow.steps, ...(o.flow.hidden !== undefined ? { hidden: o.flow.hidden } : {}), weights: flowWeights(network.name, o.variable, model.variables.find((v) => v.name === o.variable)!.size, o.flow) } } : {}),
    ...(o.codebook ? { codebook: lowerCodebook(model, network.name, o.variable, o.codebook) } : {}),
  }));
  // The checker counts layer weights; learned likelihood values, flows' weights and codebooks are weights of the network too.
  const codebooks = outputs.reduce((n, o) => n + (o.codebook ? o.codebook.codes * o.codebook.dimension : 0), 0);
  const learnedValues = outputs.flatMap((o) => Object.values(o.parameters).flatMap((s) => ("learned" in s ? [s.learned.shape.reduce((a, b) => a * b, 1)] : [])));
  const flowValues = outputs.flatMap((o) => o.flow?.weights ?? []).map((w) => w.shape.reduce((a, b) => a * b, 1));
  return {
    name: network.name,
    role: network.role,
    inputs: [...network.inputs],
    outputs: [...network.outputs],
    ...(conditionsOf(network).length > 0 ? { given: [...conditionsOf(network)] } : {}),
    inputShape: [...network.inputShape],
    trunk: network.trunk.map((l, i) => lowerLayer(network.name, `t${i}`, l)),
    heads: network.heads.map((h) => ({
      name: h.name,
      layers: h.layers.map((l, i) => lowerLayer(network.name, h.layers.length === 1 ? headId(network, h.name) : `${headId(network, h.name)}.${i}`, l)),
      outputShape: [...h.outputShape],
    })),
    distributions: outputs,
    parameterCount: network.parameterCount + codebooks + [...learnedValues, ...flowValues].reduce((a, b) => a + b, 0),
  };
}

function lastDimension(model: CheckedModel, variable: string): number {
  const shape = model.variables.find((v) => v.name === variable)!.shape;
  return shape[shape.length - 1]!;
}

/**
 * The codebook weight `network/variable/codebook`, [K, D], Glorot-uniform like a kernel (small
 * vectors near z_e's initial scale). An EMA codebook is not trainable, and its codes' counts
 * `network/variable/clusterSize` start at 1: the codebook is then the mean m / N with m = e.
 */
function lowerCodebook(model: CheckedModel, network: string, variable: string, codebook: { codes: number; beta: number; ema?: number }): IrCodebook {
  const size = model.variables.find((v) => v.name === variable)!.size;
  const dimension = lastDimension(model, variable);
  return {
    weight: { name: `${network}/${variable}/codebook`, shape: [codebook.codes, dimension], trainable: codebook.ema === undefined, init: "glorotUniform" },
    codes: codebook.codes,
    dimension,
    positions: size / dimension,
    beta: codebook.beta,
    ...(codebook.ema !== undefined ? { ema: { decay: codebook.ema, clusterSize: { name: `${network}/${variable}/clusterSize`, shape: [codebook.codes], trainable: false, init: "ones" } } } : {}),
  };
}

/**
 * A learned parameter is a weight of its network, `p/x.logvar/value`, shaped like the
 * variable (`learned`) or [1] (`learned(shared)`). It starts at 0, as a head's bias does:
 * logvar = 0 and logscale = 0 give σ = b = 1; sigma and scale pass through softplus,
 * so 0 gives log 2 ≈ 0.69, the value of an untrained head.
 */
function lowerSource(network: string, variable: string, parameter: string, source: ParameterSource, shape: number[]): IrParameterSource {
  if ("head" in source) return { head: source.head };
  if ("constant" in source) return { constant: source.constant };
  if ("learned" in source) return { learned: { name: `${network}/${variable}.${parameter}/value`, shape: source.learned === "shared" ? [1] : shape, trainable: true, init: "zeros" } };
  return { trunk: true };
}

/**
 * Head layers are named by what they compute, `variable.parameter` (`z.mu`, `c.logits`),
 * whether the head was written as `mu: dense(20)` or inline as `c: Categorical(logits = ...)`.
 */
function headId(network: NetworkInfo, head: string): string {
  for (const d of network.distributions) {
    const parameter = Object.entries(d.parameters).find(([, source]) => "head" in source && source.head === head)?.[0];
    if (parameter) return `${d.variable}.${parameter}`;
  }
  return head.includes(".") ? head : `head.${head}`;
}

function lowerLayer(network: string, id: string, layer: LayerInfo): IrLayer {
  const args = Object.fromEntries(Object.entries(layer.arguments).filter(([k]) => k !== "activation").map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])) as IrLayer["arguments"];
  const inner = layer.inner ? { layers: layer.inner.map((l, i) => lowerLayer(network, `${id}.${i}`, l)) } : {};
  return {
    id,
    kind: isActivation(layer.kind) ? "activation" : layer.kind,
    activation: layer.activation,
    arguments: args,
    inputShape: [...layer.inputShape],
    outputShape: [...layer.outputShape],
    parameters: layer.parameters,
    weights: layerWeights(`${network}/${id}`, layer),
    ...inner,
  };
}

/** Keras's defaults: Glorot-uniform kernels, zero biases and shifts, unit scales; moving statistics start at N(0, 1). */
const initialiser: Record<string, IrWeight["init"]> = { kernel: "glorotUniform", bias: "zeros", gamma: "ones", beta: "zeros", movingMean: "zeros", movingVariance: "ones" };

function layerWeights(prefix: string, layer: LayerInfo): IrWeight[] {
  const w = (name: string, shape: number[], trainable = true): IrWeight => ({ name: `${prefix}/${name}`, shape, trainable, init: initialiser[name]! });
  const inChannels = layer.inputShape[layer.inputShape.length - 1]!;
  const out = layer.outputShape[layer.outputShape.length - 1]!;
  const k = layer.arguments.kernel as number;
  switch (layer.kind) {
    case "dense":
      return [w("kernel", [inChannels, out]), w("bias", [out])];
    case "conv2d":
      return [w("kernel", [k, k, inChannels, out]), w("bias", [out])];
    case "conv2dTranspose":
      return [w("kernel", [k, k, out, inChannels]), w("bias", [out])];
    case "batchNorm":
      return [w("gamma", [out]), w("beta", [out]), w("movingMean", [out], false), w("movingVariance", [out], false)];
    case "layerNorm":
      return [w("gamma", [out]), w("beta", [out])];
    default:
      return [];
  }
}

function density(model: CheckedModel, networkName: string, variable: string): string {
  const network = model.networks.find((n) => n.name === networkName)!;
  return `${network.name}(${variable} | ${network.inputs.join(", ")})`;
}

/** A discriminator's logit on a source in a formula: `d(x ~ data)`, or given its conditions from the batch, `d(x ~ data | y)`. */
function judged(model: CheckedModel, discriminator: string, source: SampleSource): string {
  const given = conditionsOf(model.networks.find((n) => n.name === discriminator)!);
  return `${discriminator}(${describeSource(model, source)}${given.length > 0 ? ` | ${given.join(", ")}` : ""})`;
}

function describeSource(model: CheckedModel, source: SampleSource): string {
  switch (source.kind) {
    case "data":
      return `${source.variable} ~ data`;
    case "prior": {
      const prior = model.priors.find((p) => p.variable === source.variable)!;
      return `${source.variable} ~ ${prior.declaration.signature.name.name}(${source.variable}${prior.given.length > 0 ? ` | ${prior.given.join(", ")}` : ""})`;
    }
    case "network":
      return `${source.variable} ~ ${density(model, source.network, source.variable)}`;
    case "permuted":
      return `${source.variable} ~ Πⱼ ${source.network}(${source.variable}ⱼ), permuted`;
  }
}

function formula(model: CheckedModel, term: LossTerm): string {
  switch (term.kind) {
    case "nll": {
      const network = model.networks.find((n) => n.name === term.network)!;
      if (network.role === "encoder") return `−log ${network.name}(${term.variable} = ${term.target} | ${network.inputs.join(", ")})`;
      const sampled = network.inputs
        .map((v) => model.networks.find((n) => n.role === "encoder" && !n.infersLabel && n.outputs.includes(v)))
        .filter((e): e is NetworkInfo => e !== undefined)
        .flatMap((e) => e.outputs.filter((o) => network.inputs.includes(o)).map((o) => `${o} ~ ${density(model, e.name, o)}`));
      return `−log ${density(model, term.network, term.variable)}${sampled.length ? `, ${[...new Set(sampled)].join(", ")}` : ""}`;
    }
    case "kl": {
      if (term.prior) {
        // z2 ~ q2(z2 | z1) is the sample the prior network is given; Monte Carlo also over z1 when z2 depends on it.
        const priorNetwork = model.networks.find((n) => n.name === term.prior)!;
        const given = priorNetwork.inputs.map((v) => {
          const encoder = model.networks.find((n) => n.role === "encoder" && n.outputs.includes(v));
          return encoder ? `${v} ~ ${density(model, encoder.name, v)}` : `${v} ~ p(${v})`;
        });
        return `KL(${density(model, term.network, term.variable)} ‖ ${density(model, priorNetwork.name, term.variable)}), ${given.join(", ")}`;
      }
      const prior = model.priors.find((p) => p.variable === term.variable)!;
      return `KL(${density(model, term.network, term.variable)} ‖ ${prior.declaration.signature.name.name}(${term.variable}))`;
    }
    case "iwae":
      return `−log (1/${term.k}) Σᵢ ${model.networks.find((n) => n.name === term.decoder)!.name}(${term.data}, ${term.latent}ᵢ) / ${term.encoder}(${term.latent}ᵢ | ${term.data})`;
    case "gan_d": {
      const [real, fake] = [judged(model, term.discriminator, term.real), judged(model, term.discriminator, term.fake)];
      if (term.loss === "leastSquares") return `½(${real} − 1)² + ½${fake}², on logits`;
      if (term.loss === "hinge") return `max(0, 1 − ${real}) + max(0, 1 + ${fake}), on logits`;
      return `−log ${real} − log(1 − ${fake})`;
    }
    case "gan_g": {
      const fake = judged(model, term.discriminator, term.fake);
      if (term.loss === "leastSquares") return `½(${fake} − 1)², on logits`;
      if (term.loss === "hinge") return `−${fake}, on logits`;
      return term.loss === "nonsaturating" ? `−log ${fake}` : `log(1 − ${fake})`;
    }
    case "contractive":
      return `‖∂${term.variable}/∂${term.input}‖²_F of ${term.network}`;
    case "mmd": {
      const prior = model.priors.find((p) => p.variable === term.variable)!;
      const kernel = term.kernel === "imq" ? `${term.scale}/(${term.scale} + ‖a − b‖²)` : `exp(−‖a − b‖²/${term.scale})`;
      return `MMD²(${density(model, term.network, term.variable)}, ${prior.declaration.signature.name.name}(${term.variable})), k(a, b) = ${kernel}`;
    }
    case "tc":
      return term.discriminator
        ? `E log q(${term.variable}) / Πⱼ q(${term.variable}ⱼ) ≈ E ${term.discriminator}'s logit, ${term.variable} ~ ${density(model, term.network, term.variable)}`
        : `KL(q(${term.variable}) ‖ Πⱼ q(${term.variable}ⱼ)), q(${term.variable}) = mean over the batch of ${density(model, term.network, term.variable)}`;
    case "mi":
      return `E log ${density(model, term.network, term.variable)} − log q(${term.variable}), q(${term.variable}) = mean over the batch`;
    case "dwkl": {
      const prior = model.priors.find((p) => p.variable === term.variable)!;
      return `Σⱼ KL(q(${term.variable}ⱼ) ‖ ${prior.declaration.signature.name.name}(${term.variable}ⱼ)), q = mean over the batch of ${density(model, term.network, term.variable)}`;
    }
    case "l2":
      return `½‖${term.variable}‖², ${term.variable} ~ ${density(model, term.network, term.variable)}`;
    case "weightDecay":
      return `½ Σ θ² over the weights of ${term.network}`;
    case "gradientPenalty": {
      const network = model.networks.find((n) => n.name === term.network)!;
      return `‖∂${network.name}/∂(${network.inputs.join(", ")})‖²_F`;
    }
    case "vq": {
      const ema = model.networks.find((n) => n.name === term.network)!.distributions.find((o) => o.variable === term.variable)!.codebook!.ema;
      const of = density(model, term.network, term.variable);
      return ema === undefined ? `‖sg[z_e] − e‖² + ${term.beta}·‖z_e − sg[e]‖² of ${of}` : `${term.beta}·‖z_e − sg[e]‖² of ${of}; codebook e = m / N, moving averages (decay ${ema}) of the z_e each code takes`;
    }
    case "enumerate": {
      const y = term.variable;
      const bound = [
        ...term.decoders.flatMap((d) => model.networks.find((n) => n.name === d)!.outputs.map((x) => `−log ${density(model, d, x)}`)),
        ...term.encoders.flatMap((e) => model.networks.find((n) => n.name === e)!.outputs.map((z) => `KL(${density(model, e, z)} ‖ ${model.priors.find((p) => p.variable === z)!.declaration.signature.name.name}(${z}))`)),
      ];
      return `Σ_${y} ${density(model, term.network, y)}·(${bound.join(" + ")}) + KL(${density(model, term.network, y)} ‖ Uniform(${term.classes})), summed exactly over the ${term.classes} classes of ${y}`;
    }
  }
}

/** Whether a code is sampled (a Normal posterior) rather than a value. */
function sampled(model: CheckedModel, network: string, variable: string): boolean {
  return model.networks.find((n) => n.name === network)!.distributions.find((d) => d.variable === variable)!.distribution === "Normal";
}

function estimator(model: CheckedModel, term: LossTerm): IrTerm["estimator"] {
  switch (term.kind) {
    case "nll": {
      // Monte Carlo when the likelihood reads a sampled latent; exact for deterministic codes and class probabilities.
      const reached = upstream(model.networks, model.networks.find((n) => n.name === term.network)!);
      const stochastic = reached.some((name) => {
        const n = model.networks.find((m) => m.name === name)!;
        return n.role === "encoder" && name !== term.network && n.distributions.some((d) => d.distribution === "Normal" || d.distribution === relaxedCategorical);
      });
      return stochastic ? "monte-carlo" : "exact";
    }
    case "kl":
      return term.estimator;
    case "iwae":
      return "importance-weighted";
    case "gan_d":
    case "gan_g":
      return "adversarial";
    case "contractive": {
      // Exact for one dense layer; a random-projection (Hutchinson) estimate for deeper encoders.
      const network = model.networks.find((n) => n.name === term.network)!;
      const dense = [...network.trunk, ...network.heads.flatMap((h) => h.layers)].filter((l) => l.kind === "dense");
      return dense.length === 1 ? "exact" : "monte-carlo";
    }
    case "mmd":
      return "u-statistic";
    case "tc":
      return term.discriminator ? "density-ratio" : "minibatch";
    case "mi":
    case "dwkl":
      return "minibatch";
    case "l2":
      return sampled(model, term.network, term.variable) ? "monte-carlo" : "exact";
    case "weightDecay":
      return "exact";
    case "gradientPenalty": {
      // As contractive: exact for one dense layer, Hutchinson's random projection for more; Monte Carlo too when the inputs are sampled.
      const network = model.networks.find((n) => n.name === term.network)!;
      const inputsSampled = network.inputs.some((v) => model.networks.some((e) => e.role === "encoder" && e.outputs.includes(v) && sampled(model, e.name, v)));
      return [...network.trunk, ...network.heads.flatMap((h) => h.layers)].length === 1 && !inputsSampled ? "exact" : "monte-carlo";
    }
    case "vq":
      return "exact";
    case "enumerate":
      return "enumeration";
  }
}

function lowerTerm(model: CheckedModel, term: LossTerm): IrTerm {
  const { estimator: _kl, ...rest } = term as LossTerm & { estimator?: unknown };
  return {
    ...(JSON.parse(JSON.stringify(rest)) as Omit<IrTerm, "estimator" | "dependsOn" | "formula">),
    estimator: estimator(model, term),
    dependsOn: termDependencies(model.networks, term, learnedPriorSets(model.priors)),
    formula: term.capacity === undefined ? formula(model, term) : `|${formula(model, term)} − C|, C = ${describeScalar(term.capacity)}`,
  } as IrTerm;
}
