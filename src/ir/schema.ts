/**
 * JSON Schema (draft-07) of the model IR, validated with ajv in the tests and before
 * every code generation. Closed objects everywhere: a field the generators do not know
 * is a bug, not an extension.
 */

import { distributions, objectives, quantizers } from "../language/vocabulary.js";

const closed = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});

const name = { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" };
const names = { type: "array", items: name };
/** What a phase updates and a term reaches: networks by name, and learned priors' parameter sets, `p(z)`. */
const parameterSets = { type: "array", items: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*(\\([A-Za-z_][A-Za-z0-9_]*\\))?$" } };
const size = { type: "integer", minimum: 1 };
const shape = { type: "array", items: size, minItems: 1 };
const finite = { type: "number" };
const scalarMap = { type: "object", additionalProperties: { type: ["number", "string"] } };
const numberMap = { type: "object", additionalProperties: finite };

/** A schedule (src/language/schedules.ts) and "a number or a schedule": term weights, capacities, schedulable preset parameters. */
const scheduleUnit = { enum: ["steps", "epochs"] };
const schedule = {
  oneOf: [
    closed({ schedule: { const: "linear" }, from: finite, to: finite, unit: scheduleUnit, length: size }),
    closed({ schedule: { const: "cyclical" }, from: finite, to: finite, unit: scheduleUnit, length: size, cycles: size, rising: { type: "number", exclusiveMinimum: 0, maximum: 1 } }),
    closed({ schedule: { const: "exponential" }, from: finite, floor: finite, unit: scheduleUnit, rate: { type: "number", exclusiveMinimum: 0 } }),
  ],
};
const scalar = { oneOf: [finite, schedule] };

const support = {
  oneOf: [
    closed({ kind: { const: "real" } }),
    closed({ kind: { const: "interval" }, low: finite, high: finite }),
    closed({ kind: { const: "binary" } }),
    closed({ kind: { const: "onehot" } }),
  ],
};

const weight = closed({ name: { type: "string", pattern: "^[A-Za-z0-9_./()]+$" }, shape, trainable: { type: "boolean" }, init: { enum: ["glorotUniform", "zeros", "ones", "standardNormal"] } });

/** A layer; a residual block holds its layers, so the definition refers to itself (`#/definitions/layer`). */
const layerFields = {
  id: { type: "string", pattern: "^[A-Za-z0-9_.]+$" },
  kind: { enum: ["dense", "conv2d", "conv2dTranspose", "reshape", "flatten", "dropout", "batchNorm", "maxPool2d", "avgPool2d", "upsample2d", "layerNorm", "activation", "residual"] },
  activation: { enum: ["linear", "relu", "leakyRelu", "elu", "sigmoid", "tanh", "softplus"] },
  arguments: { type: "object", additionalProperties: { type: ["number", "string", "array"], items: size } },
  inputShape: shape,
  outputShape: shape,
  parameters: { type: "integer", minimum: 0 },
  weights: { type: "array", items: weight },
};
const layer = { $ref: "#/definitions/layer" };
const layerDefinition = closed({ ...layerFields, layers: { type: "array", items: layer, minItems: 1 } }, Object.keys(layerFields));

const parameterSource = {
  oneOf: [closed({ head: { type: "string" } }), closed({ trunk: { const: true } }), closed({ constant: { type: "number" } }), closed({ learned: weight })],
};

const network = closed({
  name,
  role: { enum: ["encoder", "decoder", "generator", "discriminator", "prior"] },
  inputs: names,
  outputs: names,
  inputShape: shape,
  trunk: { type: "array", items: layer },
  heads: { type: "array", items: closed({ name: { type: "string" }, layers: { type: "array", items: layer, minItems: 1 }, outputShape: shape }) },
  distributions: {
    type: "array",
    items: closed(
      {
        variable: name,
        distribution: { enum: [...distributions.map((d) => d.name), ...quantizers.map((q) => q.name)] },
        parameters: { type: "object", additionalProperties: parameterSource, minProperties: 1 },
        options: { type: "object", additionalProperties: { type: "integer", minimum: 1 } },
        logvarBounds: { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 },
        reparameterised: { type: "boolean" },
        feeds: { enum: ["sample", "value", "probabilities", "quantized", "none"] },
        flow: closed({ kind: { enum: ["planar", "iaf"] }, steps: size, hidden: size, weights: { type: "array", items: weight, minItems: 1 } }, ["kind", "steps", "weights"]),
        relaxed: closed({ temperature: { oneOf: [{ type: "number", exclusiveMinimum: 0 }, schedule] }, hard: { type: "boolean" } }),
        codebook: closed({ weight, codes: size, dimension: size, positions: size, beta: { type: "number", minimum: 0 }, ema: closed({ decay: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }, clusterSize: weight }, ["decay", "clusterSize"]) }, ["weight", "codes", "dimension", "positions", "beta"]),
      },
      ["variable", "distribution", "parameters", "reparameterised", "feeds"],
    ),
  },
  parameterCount: { type: "integer", minimum: 0 },
  given: { ...names, minItems: 1 },
}, ["name", "role", "inputs", "outputs", "inputShape", "trunk", "heads", "distributions", "parameterCount"]);

const sampleSource = {
  oneOf: [
    closed({ kind: { const: "prior" }, variable: name }),
    closed({ kind: { const: "network" }, network: name, variable: name }),
    closed({ kind: { const: "data" }, variable: name }),
    closed({ kind: { const: "permuted" }, network: name, variable: name }),
  ],
};

const termBase = {
  id: { type: "string", pattern: "^[A-Za-z0-9_]+$" },
  estimator: { enum: ["exact", "analytic", "analytic-categorical", "monte-carlo", "importance-weighted", "adversarial", "u-statistic", "minibatch", "density-ratio", "enumeration"] },
  dependsOn: parameterSets,
  formula: { type: "string" },
};

/** Every term may carry `capacity` (`abs(term - C)`), which no term requires. */
const termClosed = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => closed({ ...properties, capacity: scalar }, required);

const term = {
  oneOf: [
    termClosed({ ...termBase, kind: { const: "nll" }, network: name, variable: name, target: name }),
    termClosed({ ...termBase, kind: { const: "kl" }, network: name, variable: name, prior: name }, [...Object.keys(termBase), "kind", "network", "variable"]),
    termClosed({ ...termBase, kind: { const: "iwae" }, k: size, encoder: name, decoder: name, latent: name, data: name }),
    termClosed({ ...termBase, kind: { const: "gan_d" }, discriminator: name, real: sampleSource, fake: sampleSource, loss: { enum: ["logistic", "leastSquares", "hinge"] } }),
    termClosed({ ...termBase, kind: { const: "gan_g" }, discriminator: name, fake: sampleSource, loss: { enum: ["nonsaturating", "minimax", "leastSquares", "hinge"] } }),
    termClosed({ ...termBase, kind: { const: "contractive" }, network: name, variable: name, input: name }),
    termClosed({ ...termBase, kind: { const: "mmd" }, network: name, variable: name, kernel: { enum: ["imq", "rbf"] }, scale: { type: "number", exclusiveMinimum: 0 } }),
    termClosed({ ...termBase, kind: { const: "tc" }, network: name, variable: name, discriminator: name }, ["id", "estimator", "dependsOn", "formula", "kind", "network", "variable"]),
    termClosed({ ...termBase, kind: { enum: ["mi", "dwkl", "l2"] }, network: name, variable: name }),
    termClosed({ ...termBase, kind: { enum: ["weightDecay", "gradientPenalty"] }, network: name }),
    termClosed({ ...termBase, kind: { const: "vq" }, network: name, variable: name, beta: { type: "number", minimum: 0 } }),
    termClosed({ ...termBase, kind: { const: "enumerate" }, network: name, variable: name, classes: { type: "integer", minimum: 1 }, encoders: { type: "array", items: name }, decoders: { type: "array", items: name } }),
  ],
};

const code = closed({ variable: name, network: name, summary: { enum: ["mean", "value", "probabilities", "quantized", "mode"] } });
const codes = { type: "array", items: code, minItems: 1 };

const roles = closed(
  {
    negativeElbo: { type: "array", items: { type: "string" }, minItems: 1 },
    importanceSampling: closed({ encoder: name, decoder: name, latent: name, data: name }),
    hierarchicalImportanceSampling: closed({ latents: { type: "array", minItems: 2, items: closed({ latent: name, encoder: name, prior: name }, ["latent", "encoder"]) }, decoder: name, data: name }),
    label: name,
    classifier: closed({ term: { type: "string" }, network: name, variable: name, target: name }),
    planarLatent: closed({ latent: name, decoder: name, encoder: name }),
    image: closed({ variable: name, height: size, width: size, channels: { enum: [1, 3] } }),
    methods: closed(
      {
        encode: closed({ inputs: names, outputs: codes }),
        decode: closed({ inputs: names, outputs: codes }),
        reconstruct: closed({ inputs: names }),
        sample: closed({ latents: names }),
      },
      [],
    ),
  },
  ["methods"],
);

export const irSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "aespec model IR",
  definitions: { layer: layerDefinition },
  ...closed({
    irVersion: { const: 2 },
    model: name,
    source: { type: "string" },
    variables: {
      type: "array",
      items: closed(
        { name, role: { enum: ["data", "latent"] }, type: { enum: ["real", "binary", "onehot"] }, shape, size, support, labelled: size },
        ["name", "role", "type", "shape", "size", "support"],
      ),
    },
    priors: {
      type: "array",
      items: closed({
        name,
        variable: name,
        given: names,
        distribution: { enum: ["Normal", "Uniform", "Categorical", "MixtureOfGaussians", "Codebook", "SwissRoll", "VampPrior", "GaussianMixture"] },
        parameters: scalarMap,
        density: { type: "boolean" },
        learned: closed({ parameterSet: { type: "string" }, weights: { type: "array", items: weight, minItems: 1 }, encoder: name, input: name }, ["parameterSet", "weights"]),
      }, ["name", "variable", "given", "distribution", "parameters", "density"]),
    },
    networks: { type: "array", items: network },
    corruptions: { type: "array", items: closed({ variable: name, kind: { enum: ["gaussianNoise", "saltPepper", "masking"] }, parameters: numberMap }) },
    objective: closed({ kind: { enum: [...objectives.map((o) => o.name), "phases"] }, parameters: { type: "object", additionalProperties: { oneOf: [{ type: ["number", "string"] }, schedule] } } }),
    terms: { type: "array", items: term, minItems: 1 },
    phases: {
      type: "array",
      minItems: 1,
      items: closed({
        name,
        terms: { type: "array", minItems: 1, items: closed({ term: { type: "string" }, weight: scalar, rows: { const: "labelled" }, byLabelledFraction: { const: true } }, ["term", "weight"]) },
        updates: { ...parameterSets, minItems: 1 },
        parameters: { type: "array", items: { type: "string" } },
        optimizer: closed({ kind: { enum: ["adam", "sgd", "rmsprop"] }, parameters: numberMap }),
      }),
    },
    train: closed({ batch: size, epochs: size, clipNorm: { type: "number", exclusiveMinimum: 0 } }, ["batch", "epochs"]),
    roles,
  }),
} as const;
