import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";

/** AE0703 (lint, on with `--lint`): a discriminator much larger than the network whose outputs it judges wins too easily. */
export function discriminatorCapacityRule(ctx: CheckContext): void {
  for (const d of ctx.networks.values()) {
    if (d.role !== "discriminator") continue;
    const judged = d.inputs[0]!;
    const producer = ctx.producerOf(judged, ["encoder", "generator"]);
    if (producer && d.parameterCount > 4 * producer.parameterCount) {
      const strong = diagnose.AE0703.strongDiscriminator({ discriminator: d.name, parameters: d.parameterCount, judged: producer.name, judgedParameters: producer.parameterCount });
      ctx.report(strong, d.declaration.signature.span);
    }
  }
}

