import type { CheckContext } from "../context.js";

/** AE0702 (lint, on with `--lint`): a latent larger than the data it encodes is no bottleneck. */
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

