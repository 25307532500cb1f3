import type { Scalar, Schedule } from "../../language/schedules.js";
import { checkConditionedSource } from "../conditions.js";
import { diagnose } from "../../diagnostics/catalog.js";
import type * as A from "../../syntax/ast.js";
import { bindCall } from "../bind.js";
import { findBuiltin, objectives } from "../../language/vocabulary.js";
import type { CheckContext } from "../context.js";
import type { GanDiscriminatorLoss, GanGeneratorLoss, NetworkInfo, PhaseInfo, PriorInfo, UnidentifiedTerm, WeightedTerm } from "../model.js";
import { upstream } from "../dependencies.js";
import { checkKlPair, checkPriorNetworkKl, klEstimator, klPriorNetworkEstimator } from "../terms.js";
import { rejectRelaxed } from "../relaxed.js";
import { addTerm } from "./phasesRule.js";
import { quantizerTerms } from "../quantize.js";
import { learnedPriorsOf } from "./learnedPriorsRule.js";
import { m2 } from "./m2Objective.js";

/**
 * The objective: a preset (`objective elbo(beta = 4)`) expands into the same terms and
 * phases one would write by hand. AE0508 a model with both a preset and phases, or
 * neither; AE0501 a preset the model's networks cannot support; AE0502/AE0503/AE0505
 * what ELBO and IWAE need of posterior and prior.
 */
export function objectiveRule(ctx: CheckContext): void {
  const declaration = ctx.items("ObjectiveDeclaration")[0];
  const phases = ctx.trainItems("PhaseDeclaration");
  if (declaration && phases.length > 0) {
    ctx.report(diagnose.AE0508.both(), declaration.span, { labels: [{ span: phases[0]!.span, message: "a phase" }] });
    return;
  }
  if (!declaration) {
    if (phases.length === 0) {
      ctx.report(diagnose.AE0508.neither(ctx.model.name.name), ctx.model.name.span);
    } else ctx.objective = { kind: "phases", parameters: {} };
    return;
  }
  const preset = declaration.preset;
  const spec = findBuiltin(objectives, preset.callee.name);
  if (!spec) {
    ctx.report(diagnose.AE0204.unknown({ kind: "objective", name: preset.callee.name }), preset.callee.span, {
      // Each objective is a different model: a near name (`wae` → `iwae`) is no fix, so only a
      // difference of case is suggested.
      help:
        sameUpToCase(preset.callee.name, objectives.map((o) => o.name)) ??
        writtenAsPhases[preset.callee.name.toLowerCase()] ??
        `the objectives are ${objectives.map((o) => `\`${o.name}\``).join(", ")}`,
    });
    return;
  }
  const bound = bindCall(ctx, preset, spec, "objective");
  if (!bound) return;
  ctx.objective = { kind: spec.name, parameters: bound.values as Record<string, number | string | Schedule> };
  // Presets need the networks they combine; a broken network has been reported already.
  if (ctx.items("NetworkDeclaration").some((n) => !ctx.networks.has(n.signature.name.name))) return;
  if (!ctx.defaultOptimizer) {
    if (!ctx.defaultOptimizerBroken && !ctx.trainBroken) {
      ctx.report(diagnose.AE0513.objective(spec.name), preset.span);
    }
    return;
  }
  // Prior networks enter the bound through their latents' KL terms: only `elbo` expands into them.
  const priorNetwork = networksOf(ctx, "prior")[0];
  if (priorNetwork && spec.name !== "elbo") {
    ctx.report(diagnose.AE0550.objective({ objective: spec.name, network: priorNetwork.name, variable: priorNetwork.outputs[0]!, given: priorNetwork.inputs.join(", ") }), preset.span, { labels: [{ span: priorNetwork.declaration.signature.span, message: "the prior network" }] });
    return;
  }
  const expand = { reconstruction, elbo, iwae, gan, aae, betaTC, m2 }[spec.name as "elbo"];
  expand(ctx, preset, bound.values as Record<string, Scalar>);
}

/** Models of the field that are a phase of terms rather than a preset: how to write them. */
const writtenAsPhases: Record<string, string> = {
  wae: "a Wasserstein autoencoder is a phase: `minimize nll(p(x | z), x) + 10 * mmd(q(z | x), p(z))` (see specs/wae-mmd.aespec)",
  infovae: "InfoVAE is a phase: `minimize nll(p(x | z), x) + kl(q(z | x), p(z)) + 99 * mmd(q(z | x), p(z))` (see specs/info-vae.aespec)",
  factorvae: "FactorVAE is two phases: `nll + kl + γ·tc(q(z | x), d)` and `gan_d(d, real = q(z | x), fake = permuted(q(z | x)))` (see specs/factor-vae.aespec)",
  rae: "a regularised autoencoder is a phase: `minimize nll(p(x | z), x) + l2(q(z | x)) + 1e-4 * weightDecay(decoder)` (see specs/rae.aespec)",
  betatcvae: "did you mean `betaTC`?",
};

function sameUpToCase(name: string, candidates: readonly string[]): string | undefined {
  const match = candidates.find((c) => c.toLowerCase() === name.toLowerCase());
  return match === undefined ? undefined : `did you mean \`${match}\`?`;
}

const networksOf = (ctx: CheckContext, role: A.NetworkRole) => [...ctx.networks.values()].filter((n) => n.role === role);

/** `priors`: the learned priors the phase trains with its networks (their parameter sets, `p(z)`). */
function phase(ctx: CheckContext, name: string, terms: WeightedTerm[], updates: readonly NetworkInfo[], priors: readonly string[] = []): PhaseInfo {
  return { name, terms, updates: [...updates.map((n) => n.name), ...priors], optimizer: ctx.defaultOptimizer! };
}

function needs(ctx: CheckContext, preset: A.Call, what: string, ok: boolean, help: string): boolean {
  if (!ok) ctx.report(diagnose.AE0501.needs({ objective: preset.callee.name, what }), preset.span, { help });
  return ok;
}

/** One likelihood term per decoded data variable. */
function likelihoodTerms(ctx: CheckContext): WeightedTerm[] {
  return networksOf(ctx, "decoder").flatMap((decoder) =>
    decoder.outputs.map((x) => ({ term: addTerm(ctx, { kind: "nll", network: decoder.name, variable: x, target: x }), weight: 1 })),
  );
}

function autoencoderParts(ctx: CheckContext, preset: A.Call): { encoders: NetworkInfo[]; decoders: NetworkInfo[] } | undefined {
  const encoders = networksOf(ctx, "encoder");
  const decoders = networksOf(ctx, "decoder");
  const classifier = encoders.find((e) => e.infersLabel);
  if (classifier) {
    const variable = classifier.outputs.find((o) => ctx.variables.get(o)?.role === "data")!;
    ctx.report(diagnose.AE0582.inferredElsewhere({ network: classifier.name, variable, objective: preset.callee.name }), preset.span);
    return undefined;
  }
  const ok =
    needs(ctx, preset, "an encoder", encoders.length > 0, "declare `encoder q(z | x) { ... }`") &&
    needs(ctx, preset, "a decoder with a likelihood", decoders.length > 0, "declare `decoder p(x | z) = Bernoulli(logits) { ... }`");
  return ok ? { encoders, decoders } : undefined;
}

function reconstruction(ctx: CheckContext, preset: A.Call): void {
  const parts = autoencoderParts(ctx, preset);
  if (!parts) return;
  ctx.phases.push(phase(ctx, "reconstruct", [...likelihoodTerms(ctx), ...quantizerTerms(ctx, parts.encoders, (t) => addTerm(ctx, t))], [...parts.encoders, ...parts.decoders]));
}

/** Each latent the encoders produce, with its prior, once every pair passes checkKlPair (AE0502/AE0503); undefined after the first that fails. */
/** A KL(q ‖ p) pair: a latent against its prior, or one layer of a hierarchy against the prior network that produces it. */
type KlPair = { encoder: NetworkInfo; z: string } & ({ prior: PriorInfo } | { priorNetwork: NetworkInfo });

function klPairs(ctx: CheckContext, encoders: readonly NetworkInfo[], preset: A.Call): KlPair[] | undefined {
  const pairs: KlPair[] = [];
  for (const encoder of encoders) {
    for (const z of encoder.outputs) {
      const priorNetwork = ctx.producerOf(z, ["prior"]);
      if (priorNetwork) {
        if (!checkPriorNetworkKl(ctx, encoder, z, preset.span)) return undefined;
        pairs.push({ encoder, z, priorNetwork });
        continue;
      }
      const prior = ctx.priors.get(z);
      if (!checkKlPair(ctx, encoder, z, prior, preset.span)) return undefined;
      pairs.push({ encoder, z, prior: prior! });
    }
  }
  return pairs;
}

/** One KL term per pair; a hierarchy's layer is scored against the prior network given the latents it reads. */
function klTerm(ctx: CheckContext, pair: KlPair): UnidentifiedTerm {
  const { encoder, z } = pair;
  if ("priorNetwork" in pair) {
    const estimator = klPriorNetworkEstimator([...ctx.networks.values()], encoder, pair.priorNetwork);
    return { kind: "kl", network: encoder.name, variable: z, estimator, prior: pair.priorNetwork.name };
  }
  return { kind: "kl", network: encoder.name, variable: z, estimator: klEstimator(encoder, z, pair.prior) };
}

function elbo(ctx: CheckContext, preset: A.Call, args: Record<string, Scalar>): void {
  const parts = autoencoderParts(ctx, preset);
  if (!parts) return;
  const terms = likelihoodTerms(ctx);
  const pairs = klPairs(ctx, parts.encoders, preset);
  if (!pairs) return;
  for (const pair of pairs) terms.push({ term: addTerm(ctx, klTerm(ctx, pair)), weight: args.beta ?? 1 });
  terms.push(...quantizerTerms(ctx, parts.encoders, (t) => addTerm(ctx, t)));
  ctx.phases.push(phase(ctx, "elbo", terms, [...parts.encoders, ...parts.decoders, ...networksOf(ctx, "prior")], learnedPriorsOf(ctx, parts.encoders.flatMap((e) => e.outputs))));
}

function iwae(ctx: CheckContext, preset: A.Call, args: Record<string, Scalar>): void {
  const parts = autoencoderParts(ctx, preset);
  if (!parts) return;
  const [encoder] = parts.encoders;
  const [decoder] = parts.decoders;
  const single = parts.encoders.length === 1 && parts.decoders.length === 1 && encoder!.outputs.length === 1 && decoder!.outputs.length === 1;
  if (!needs(ctx, preset, "exactly one encoder of one latent and one decoder of one data variable", single, "write the bound's terms as phases for richer models")) return;
  const z = encoder!.outputs[0]!;
  const prior = ctx.priors.get(z);
  if (!checkKlPair(ctx, encoder!, z, prior, preset.span) || rejectRelaxed(ctx, "iwae", encoder!, z, preset.span)) return;
  const term = addTerm(ctx, { kind: "iwae", k: args.k as number, encoder: encoder!.name, decoder: decoder!.name, latent: z, data: decoder!.outputs[0]! });
  ctx.phases.push(phase(ctx, "iwae", [{ term, weight: 1 }], [encoder!, decoder!], learnedPriorsOf(ctx, [z])));
}

function gan(ctx: CheckContext, preset: A.Call, args: Record<string, string>): void {
  const generators = networksOf(ctx, "generator");
  const discriminators = networksOf(ctx, "discriminator");
  if (!needs(ctx, preset, "one generator and one discriminator", generators.length === 1 && discriminators.length === 1, "declare `generator g(x | z) { ... }` and `discriminator d(x) { ... }`")) return;
  const g = generators[0]!;
  const d = discriminators[0]!;
  const x = g.outputs[0]!;
  if (!needs(ctx, preset, `a discriminator on \`${x}\`, the generator's output`, d.inputs[0] === x && g.outputs.length === 1, `declare \`discriminator ${d.name}(${x})\``)) return;
  for (const z of g.inputs) {
    const v = ctx.variables.get(z)!;
    if (v.role === "latent" && !ctx.priors.has(z)) {
      if (!ctx.brokenPriors.has(z)) ctx.report(diagnose.AE0505.generatorInput(z), g.declaration.signature.span);
      return;
    }
  }
  const fake = { kind: "network" as const, network: g.name, variable: x };
  if (!checkConditionedSource(ctx, d, "fake", fake, preset.span)) return;
  // Least squares and hinge are losses of both players; the two logistic generator losses share the logistic discriminator.
  const loss = (args.loss ?? "nonsaturating") as GanGeneratorLoss;
  const discriminatorLoss: GanDiscriminatorLoss = loss === "leastSquares" || loss === "hinge" ? loss : "logistic";
  const discriminate = addTerm(ctx, { kind: "gan_d", discriminator: d.name, real: { kind: "data", variable: x }, fake, loss: discriminatorLoss });
  const generate = addTerm(ctx, { kind: "gan_g", discriminator: d.name, fake, loss });
  ctx.phases.push(phase(ctx, "discriminate", [{ term: discriminate, weight: 1 }], [d]));
  ctx.phases.push(phase(ctx, "generate", [{ term: generate, weight: 1 }], upstream([...ctx.networks.values()], g).map((n) => ctx.networks.get(n)!)));
}

function aae(ctx: CheckContext, preset: A.Call): void {
  const parts = autoencoderParts(ctx, preset);
  if (!parts) return;
  const discriminate: WeightedTerm[] = [];
  const regularize: WeightedTerm[] = [];
  const discriminators: NetworkInfo[] = [];
  for (const encoder of parts.encoders) {
    for (const z of encoder.outputs) {
      const d = networksOf(ctx, "discriminator").find((n) => n.inputs[0] === z);
      const prior = ctx.priors.get(z);
      if (!needs(ctx, preset, `a discriminator on \`${z}\``, d !== undefined, `declare \`discriminator d_${z}(${z}) { ...; dense(1) }\``)) return;
      if (!prior) {
        // A prior written with errors has been reported; "add a prior" would only repeat it.
        if (!ctx.brokenPriors.has(z)) ctx.report(diagnose.AE0505.adversarial(z), preset.span);
        return;
      }
      const fake = { kind: "network" as const, network: encoder.name, variable: z };
      if (!checkConditionedSource(ctx, d!, "real", { kind: "prior", variable: z }, preset.span)) return;
      discriminate.push({ term: addTerm(ctx, { kind: "gan_d", discriminator: d!.name, real: { kind: "prior", variable: z }, fake, loss: "logistic" }), weight: 1 });
      regularize.push({ term: addTerm(ctx, { kind: "gan_g", discriminator: d!.name, fake, loss: "nonsaturating" }), weight: 1 });
      discriminators.push(d!);
    }
  }
  ctx.phases.push(phase(ctx, "reconstruct", [...likelihoodTerms(ctx), ...quantizerTerms(ctx, parts.encoders, (t) => addTerm(ctx, t))], [...parts.encoders, ...parts.decoders]));
  ctx.phases.push(phase(ctx, "discriminate", discriminate, discriminators));
  ctx.phases.push(phase(ctx, "regularize", regularize, parts.encoders));
}

/**
 * β-TCVAE (Chen et al. 2018): the ELBO's KL split into index-code mutual information, total
 * correlation and dimension-wise KL, weighted α, β, γ; (1, 1, 1) is the ELBO again.
 */
function betaTC(ctx: CheckContext, preset: A.Call, args: Record<string, Scalar>): void {
  const parts = autoencoderParts(ctx, preset);
  if (!parts) return;
  const terms = likelihoodTerms(ctx);
  const pairs = klPairs(ctx, parts.encoders, preset);
  if (!pairs) return;
  for (const pair of pairs) {
    const { encoder, z } = pair;
    if (rejectRelaxed(ctx, "betaTC", encoder, z, preset.span)) return;
    // dwkl needs the prior's marginal per dimension: a prior network's Normal is conditional on the layer above.
    const declaration = "prior" in pair ? pair.prior.declaration : pair.priorNetwork.declaration;
    if (!("prior" in pair) || pair.prior.distribution !== "Normal" || pair.prior.given.length > 0) {
      const distribution = !("prior" in pair) || pair.prior.given.length > 0 ? "conditional" : pair.prior.distribution;
      ctx.report(diagnose.AE0518.dwklPrior({ prior: declaration.signature.name.name, distribution }), preset.span, {
        labels: [{ span: (declaration.distribution ?? declaration.signature).span, message: "the prior" }],
      });
      return;
    }
    const code = { network: encoder.name, variable: z };
    terms.push({ term: addTerm(ctx, { kind: "mi", ...code }), weight: args.alpha! });
    terms.push({ term: addTerm(ctx, { kind: "tc", ...code }), weight: args.beta! });
    terms.push({ term: addTerm(ctx, { kind: "dwkl", ...code }), weight: args.gamma! });
  }
  ctx.phases.push(phase(ctx, "betaTC", terms, [...parts.encoders, ...parts.decoders]));
}
