import type { CheckContext } from "../context.js";

/** AE0701 (lint, on with `--lint`): a Gaussian likelihood on data bounded in [0, 1]. */
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

