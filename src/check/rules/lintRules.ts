import type { CheckContext } from "../context.js";

/**
 * Modelling advice, on with `--lint` (AE07xx, warnings). Each is a common weakness,
 * not an error: a spec may keep one with a comment that says why.
 */

/** AE0701: a Gaussian likelihood on data bounded in [0, 1]. */
export function gaussianOnUnitIntervalRule(ctx: CheckContext): void {
  for (const network of ctx.networks.values()) {
    if (network.role !== "decoder" && network.role !== "generator") continue;
    for (const output of network.distributions) {
      const v = ctx.variables.get(output.variable)!;
      if (output.distribution === "Normal" && v.support.kind === "interval") {
        ctx.warning("AE0701", `a Normal likelihood on \`${v.name}\`, which lies in [${v.support.low}, ${v.support.high}]`, network.declaration.distribution?.span ?? network.declaration.signature.span, {
          help: "Normal puts mass outside the support and its MSE gradient is weak near the bounds; Bernoulli(logits) fits [0, 1] data",
        });
      }
    }
  }
}

/** AE0702: a latent larger than the data it encodes is no bottleneck. */
export function latentLargerThanDataRule(ctx: CheckContext): void {
  for (const network of ctx.networks.values()) {
    if (network.role !== "encoder") continue;
    const dataSize = network.inputs.map((i) => ctx.variables.get(i)!).filter((v) => v.role === "data").reduce((s, v) => s + v.size, 0);
    for (const z of network.outputs) {
      const latent = ctx.variables.get(z)!;
      if (dataSize > 0 && latent.size > dataSize) {
        ctx.warning("AE0702", `latent \`${z}\` has ${latent.size} dimensions, more than the ${dataSize} of the data it encodes`, latent.declaration.type.span, {
          help: "an overcomplete code can learn the identity; it needs a regulariser (noise, a contractive penalty, sparsity)",
        });
      }
    }
  }
}

/** AE0703: a discriminator much larger than the network whose outputs it judges wins too easily. */
export function discriminatorCapacityRule(ctx: CheckContext): void {
  for (const d of ctx.networks.values()) {
    if (d.role !== "discriminator") continue;
    const judged = d.inputs[0]!;
    const producer = ctx.producerOf(judged, ["encoder", "generator"]);
    if (producer && d.parameterCount > 4 * producer.parameterCount) {
      ctx.warning("AE0703", `discriminator \`${d.name}\` has ${d.parameterCount} parameters, ${(d.parameterCount / producer.parameterCount).toFixed(1)}× the ${producer.parameterCount} of \`${producer.name}\`, whose outputs it judges`, d.declaration.signature.span, {
        help: "a much stronger discriminator gives the other network vanishing gradients; shrink it or train it less often",
      });
    }
  }
}

/** AE0704: a variable that nothing reads or writes. */
export function unusedDeclarationRule(ctx: CheckContext): void {
  const used = new Set<string>();
  for (const n of ctx.items("NetworkDeclaration")) for (const v of [...n.signature.outputs, ...n.signature.given]) used.add(v.name);
  for (const p of ctx.items("PriorDeclaration")) for (const v of [...p.signature.outputs, ...p.signature.given]) used.add(v.name);
  for (const t of ctx.terms) for (const value of Object.values(t)) if (typeof value === "string") used.add(value);
  for (const v of ctx.variables.values()) {
    if (!used.has(v.name)) {
      ctx.warning("AE0704", `\`${v.name}\` is declared but never used`, v.declaration.name.span, { help: "remove it, or use it in a network or a loss" });
    }
  }
}

export const lintRules = [gaussianOnUnitIntervalRule, latentLargerThanDataRule, discriminatorCapacityRule, unusedDeclarationRule];
