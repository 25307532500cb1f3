import { diagnose } from "../../diagnostics/catalog.js";
import { isLearnedPrior, priorParameterSet } from "../../language/vocabulary.js";
import type { CheckContext } from "../context.js";
import { withoutFlow } from "../flowedPosteriors.js";
import type { PriorInfo } from "../model.js";
import type * as A from "../../syntax/ast.js";

const written = (prior: PriorInfo) => priorParameterSet({ name: prior.declaration.signature.name.name, variable: prior.variable });

/**
 * Mixture priors in any dimension: AE0530 a VampPrior whose latent has no Normal encoder
 * reading one real, interval or binary data variable (its pseudo-inputs live where that
 * variable does); AE0615 a fixed GaussianMixture with more components than the 2·d
 * axis directions its means sit on. A prior that fails is left out of the model.
 */
export function learnedPriorsRule(ctx: CheckContext): void {
  for (const prior of [...ctx.priors.values()]) {
    const span = prior.declaration.distribution.span;
    if (prior.distribution === "GaussianMixture" && prior.parameters.learned !== "true") {
      const size = ctx.variables.get(prior.variable)!.size;
      const components = prior.parameters.components as number;
      if (components > 2 * size) {
        ctx.report(diagnose.AE0615.tooMany({ components, variable: prior.variable, size }), span);
        drop(ctx, prior);
      }
    }
    if (prior.distribution !== "VampPrior") continue;
    const encoder = ctx.producerOf(prior.variable, ["encoder"]);
    if (!encoder) {
      const declared = ctx.items("NetworkDeclaration").some((n) => n.role === "encoder" && n.signature.outputs.some((o) => o.name === prior.variable));
      if (!declared) ctx.report(diagnose.AE0530.noEncoder(prior.variable), span);
      drop(ctx, prior);
      continue;
    }
    const output = encoder.distributions.find((d) => d.variable === prior.variable)!;
    if (output.distribution !== "Normal") {
      ctx.report(diagnose.AE0530.notNormal({ variable: prior.variable, network: encoder.name, distribution: output.distribution }), span, {
        labels: [{ span: encoder.declaration.signature.span, message: `gives ${prior.variable} as ${output.distribution}` }],
      });
      drop(ctx, prior);
      continue;
    }
    if (!withoutFlow(ctx, { kind: "vampPrior", name: "a VampPrior" }, encoder, prior.variable, span)) {
      drop(ctx, prior);
      continue;
    }
    const input = encoder.inputs.length === 1 ? ctx.variables.get(encoder.inputs[0]!) : undefined;
    if (!input || input.role !== "data" || input.type === "onehot") {
      ctx.report(diagnose.AE0530.notData({ variable: prior.variable, network: encoder.name, inputs: encoder.inputs }), span, {
        labels: [{ span: encoder.declaration.signature.span, message: "the encoder" }],
      });
      drop(ctx, prior);
    }
  }
}

function drop(ctx: CheckContext, prior: PriorInfo): void {
  ctx.priors.delete(prior.variable);
  ctx.brokenPriors.add(prior.variable);
}

/** AE0531: a learned prior that no phase trains (its weights would stay at their initial values). */
export function learnedPriorCoverageRule(ctx: CheckContext): void {
  const allPhasesResolved = ctx.objective !== undefined && ctx.phases.length > 0 &&
    (ctx.objective.kind !== "phases" || ctx.phases.length === ctx.trainItems("PhaseDeclaration").length);
  if (!allPhasesResolved) return;
  for (const prior of ctx.priors.values()) {
    if (!isLearnedPrior(prior) || ctx.phases.some((p) => p.updates.includes(written(prior)))) continue;
    const objective = ctx.objective!.kind === "phases" ? undefined : ctx.objective!.kind;
    ctx.report(diagnose.AE0531.neverTrained({ prior: written(prior), ...(objective ? { objective } : {}) }), prior.declaration.signature.span);
  }
}

/**
 * A name in a phase's `over` that means a prior: `prior` (the model's one learned prior) or
 * a prior's name that no network has. Its parameter set (`p(z)`), or "network" when the
 * name is a network's, or undefined when reported (AE0531).
 */
export function priorInOver(ctx: CheckContext, name: A.Identifier): string | "network" | undefined {
  const priors = [...ctx.priors.values()];
  if (name.name === "prior") {
    const learned = priors.filter(isLearnedPrior);
    if (learned.length === 1) return written(learned[0]!);
    if (learned.length > 1) ctx.report(diagnose.AE0531.severalPriors(learned.map(written)), name.span);
    else if (priors.length === 1) ctx.report(diagnose.AE0531.notLearned({ prior: written(priors[0]!), distribution: priors[0]!.distribution }), name.span);
    else if ([...ctx.brokenPriors].length === 0) ctx.report(diagnose.AE0531.noPrior(), name.span);
    return undefined;
  }
  if (ctx.items("NetworkDeclaration").some((n) => n.signature.name.name === name.name)) return "network";
  const named = priors.filter((p) => p.declaration.signature.name.name === name.name);
  if (named.length === 0) return "network";
  const learned = named.filter(isLearnedPrior);
  if (learned.length === 1) return written(learned[0]!);
  if (learned.length > 1) ctx.report(diagnose.AE0531.severalPriors(learned.map(written)), name.span);
  else ctx.report(diagnose.AE0531.notLearned({ prior: written(named[0]!), distribution: named[0]!.distribution }), name.span);
  return undefined;
}

/** The parameter sets of the learned priors of these latents (what `elbo` and `iwae` train with the networks). */
export function learnedPriorsOf(ctx: CheckContext, latents: readonly string[]): string[] {
  return latents.flatMap((v) => {
    const prior = ctx.priors.get(v);
    return prior && isLearnedPrior(prior) ? [written(prior)] : [];
  });
}
