import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";

/**
 * Nothing is left out: AE0506 a network no phase updates (its weights would stay random),
 * AE0505 a latent that nothing defines (no encoder produces it and it has no prior), or
 * that lacks a prior in a model whose other latents have one (it could not be sampled).
 */
export function coverageRule(ctx: CheckContext): void {
  const allPhasesResolved = ctx.objective !== undefined && ctx.phases.length > 0 &&
    (ctx.objective.kind !== "phases" || ctx.phases.length === ctx.trainItems("PhaseDeclaration").length);
  if (allPhasesResolved) {
    for (const network of ctx.networks.values()) {
      if (network.parameterCount === 0) continue;
      if (!ctx.phases.some((p) => p.updates.includes(network.name))) {
        ctx.report(diagnose.AE0506.neverTrained(network.name), network.declaration.signature.name.span, {
          help: ctx.objective?.kind === "phases" ? `add \`${network.name}\` to the \`over\` list of the phase that should train it` : "remove the network, or write phases that train it",
        });
      }
    }
  }
  const generative = ctx.priors.size > 0;
  for (const variable of ctx.variables.values()) {
    if (variable.role !== "latent" || ctx.priors.has(variable.name) || ctx.brokenPriors.has(variable.name) || ctx.isPoisoned(variable.name)) continue;
    // A prior network defines the latent given others (`prior p1(z1 | z2) = Normal(...) { ... }`).
    if (ctx.items("NetworkDeclaration").some((n) => n.role === "prior" && n.signature.outputs.some((o) => o.name === variable.name))) continue;
    const produced = ctx.producerOf(variable.name, ["encoder"]) !== undefined ||
      ctx.items("NetworkDeclaration").some((n) => n.role === "encoder" && n.signature.outputs.some((o) => o.name === variable.name));
    if (!produced) {
      ctx.report(diagnose.AE0505.undefined(variable.name), variable.declaration.name.span);
    } else if (generative) {
      ctx.report(diagnose.AE0505.unsampleable(variable.name), variable.declaration.name.span);
    }
  }
}
