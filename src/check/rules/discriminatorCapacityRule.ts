import type { CheckContext } from "../context.js";

/** AE0703 (lint, on with `--lint`): a discriminator much larger than the network whose outputs it judges wins too easily. */
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

