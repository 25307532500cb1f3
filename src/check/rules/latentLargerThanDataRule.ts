import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";

/** AE0702 (lint, on with `--lint`): a latent larger than the data it encodes is no bottleneck. */
export function latentLargerThanDataRule(ctx: CheckContext): void {
  for (const network of ctx.networks.values()) {
    if (network.role !== "encoder") continue;
    const dataSize = network.inputs.map((i) => ctx.variables.get(i)!).filter((v) => v.role === "data").reduce((s, v) => s + v.size, 0);
    for (const z of network.outputs) {
      const latent = ctx.variables.get(z)!;
      if (dataSize > 0 && latent.size > dataSize) {
        ctx.report(diagnose.AE0702.overcomplete({ latent: z, size: latent.size, dataSize }), latent.declaration.type.span);
      }
    }
  }
}

