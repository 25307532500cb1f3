import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";

/** AE0701 (lint, on with `--lint`): a Gaussian likelihood on data bounded in [0, 1]. */
export function gaussianOnUnitIntervalRule(ctx: CheckContext): void {
  for (const network of ctx.networks.values()) {
    if (network.role !== "decoder" && network.role !== "generator") continue;
    for (const output of network.distributions) {
      const v = ctx.variables.get(output.variable)!;
      if (output.distribution === "Normal" && v.support.kind === "interval") {
        const at = network.declaration.distribution?.span ?? network.declaration.signature.span;
        ctx.report(diagnose.AE0701.gaussianOnInterval({ variable: v.name, low: v.support.low, high: v.support.high }), at);
      }
    }
  }
}

