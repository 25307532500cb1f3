import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";

/**
 * Prior networks (`prior p1(z1 | z2) = Normal(mu, logvar) { ... }`), once their layers
 * and outputs are checked: AE0441 an output that is not a Normal (the KL term and
 * log p(z1 | z2) need its density), AE0201 a latent with both a fixed prior and a prior
 * network, AE0596 a latent that a prior network gives but no encoder infers. What they may read (AE0440) is checked with the other signatures, and their
 * cycles (AE0516) with the encoders'.
 */
export function priorNetworksRule(ctx: CheckContext): void {
  for (const network of [...ctx.networks.values()].filter((n) => n.role === "prior")) {
    const at = network.declaration.distribution?.span ?? network.declaration.signature.span;
    const output = network.distributions[0]!;
    if (output.distribution !== "Normal") {
      ctx.report(diagnose.AE0441.distribution({ network: network.name, distribution: output.distribution }), at);
      drop(ctx, network.name);
      continue;
    }
    const fixed = ctx.priors.get(output.variable);
    if (fixed) {
      ctx.report(diagnose.AE0201.twoPriors(output.variable), network.declaration.signature.span, { labels: [{ span: fixed.declaration.span, message: "first prior" }] });
      drop(ctx, network.name);
      continue;
    }
    // Training draws each latent a network reads from its encoder; a broken encoder has its own error.
    const inferred = ctx.items("NetworkDeclaration").some((n) => n.role === "encoder" && n.signature.outputs.some((o) => o.name === output.variable));
    if (!inferred) ctx.report(diagnose.AE0596.notInferred({ network: network.name, variable: output.variable, given: network.inputs }), network.declaration.signature.span);
  }
}

function drop(ctx: CheckContext, name: string): void {
  ctx.networks.delete(name);
  ctx.brokenNetworks.add(name);
  ctx.poison(name);
}
