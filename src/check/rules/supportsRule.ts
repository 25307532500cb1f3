import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";
import type { Support, VariableInfo } from "../model.js";

/** Where an activation's outputs lie. */
const activationRange: Record<string, [number, number]> = {
  sigmoid: [0, 1],
  tanh: [-1, 1],
  relu: [0, Infinity],
  softplus: [0, Infinity],
  elu: [-1, Infinity],
};

export function describeSupport(v: VariableInfo): string {
  const s = v.support;
  return s.kind === "interval" ? `real in [${s.low}, ${s.high}]` : s.kind === "real" ? "real (unbounded)" : s.kind;
}

function within(support: Support, low: number, high: number): boolean {
  switch (support.kind) {
    case "real": return true;
    case "interval": return low >= support.low && high <= support.high;
    default: return false;
  }
}

/**
 * AE0402: the likelihood fits the data's declared support (Bernoulli needs [0, 1] or
 * binary data, Categorical onehot data, Normal real data), a posterior fits its latent's
 * type, a decoder declares a likelihood, and a generator's outputs stay in the support.
 */
export function supportsRule(ctx: CheckContext): void {
  for (const network of ctx.networks.values()) {
    for (const output of network.distributions) {
      const variable = ctx.variables.get(output.variable)!;
      const at = network.declaration.distribution?.span ?? network.declaration.signature.span;
      const { support } = variable;
      switch (output.distribution) {
        case "Bernoulli":
          if (!(support.kind === "binary" || (support.kind === "interval" && support.low >= 0 && support.high <= 1))) {
            ctx.report(diagnose.AE0402.bernoulliSupport({ density: network.role === "encoder" ? "posterior" : "likelihood", variable: variable.name, support: describeSupport(variable) }), at, {
              help: variable.type === "real" ? `declare \`${variable.role} ${variable.name}: real[${variable.shape.join(", ")}] in [0, 1]\`, or use Normal(...) for unbounded data` : "use Categorical for onehot variables",
            });
          }
          break;
        case "Categorical":
          if (support.kind !== "onehot") {
            ctx.report(diagnose.AE0402.categoricalSupport({ variable: variable.name, support: describeSupport(variable) }), at, {
              help: `declare \`${variable.role} ${variable.name}: onehot[${variable.size}]\`, or use ${support.kind === "binary" || support.kind === "interval" ? "Bernoulli" : "Normal"}`,
            });
          }
          break;
        case "Normal":
          if (support.kind === "binary" || support.kind === "onehot") {
            ctx.report(diagnose.AE0402.normalSupport({ variable: variable.name, support: support.kind }), at, {
              help:
                support.kind === "binary"
                  ? "use Bernoulli(logits) for binary data"
                  : variable.role === "latent"
                    ? "use RelaxedCategorical(logits, temperature = 0.5) for a onehot latent under `elbo` (Gumbel-softmax), or Categorical(logits) under an adversarial objective"
                    : "use Categorical(logits) for onehot data",
            });
          }
          break;
        case "Deterministic":
          if (network.role === "decoder") {
            ctx.report(diagnose.AE0402.noLikelihood(network.name), network.declaration.signature.span, {
              help: variable.support.kind === "real" ? "declare one, e.g. `= Normal(mu, sigma = 0.1)` with a head `mu` (a fixed-variance Normal: the squared error / 2σ²), or `= Normal(mu, logvar = learned)` to learn the variance" : "declare one, e.g. `= Bernoulli(logits)` with a head `logits: dense(…)`",
            });
          } else if (network.role === "generator") {
            checkGeneratorRange(ctx, network.name, variable);
          }
          break;
      }
    }
  }
}

function checkGeneratorRange(ctx: CheckContext, name: string, variable: VariableInfo): void {
  const network = ctx.networks.get(name)!;
  const source = network.distributions.find((o) => o.variable === variable.name)!.parameters.value!;
  const layers = "head" in source ? network.heads.find((h) => h.name === source.head)!.layers : network.trunk;
  const last = layers[layers.length - 1];
  if (!last) return;
  const [low, high] = activationRange[last.activation] ?? [-Infinity, Infinity];
  if (within(variable.support, low, high)) return;
  const fits = Object.entries(activationRange).filter(([, [l, h]]) => within(variable.support, l, h)).map(([a]) => `\`${a}\``);
  const range = Number.isFinite(low) || Number.isFinite(high) ? `lies in [${low}, ${high === Infinity ? "∞" : high})` : "is unbounded";
  ctx.report(diagnose.AE0402.generatorRange({ network: name, variable: variable.name, activation: last.activation, range, support: describeSupport(variable) }), last.span, {
    help: fits.length > 0 ? `end it with ${fits.join(" or ")}` : "generators of binary or onehot data need a likelihood instead",
  });
}
