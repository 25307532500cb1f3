import { diagnose } from "../diagnostics/catalog.js";
import { didYouMean, orList } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { printExpression } from "../syntax/format.js";
import { checkValue } from "./bind.js";
import { learnedPriorSets, termDependencies, upstream } from "./dependencies.js";
import { lossTerms } from "../language/vocabulary.js";
import { vqTerm } from "./quantize.js";
import { enumerateTerm } from "./enumerate.js";
import type { CheckContext } from "./context.js";
import { bareName, constantValue } from "./evaluate.js";
import type { Scalar } from "../language/schedules.js";
import { capacityParts, isScheduleCall, isWeightExpression, scaleScalar, timesSchedule, weightFactor } from "./schedules.js";
import type { GanDiscriminatorLoss, GanGeneratorLoss, KlEstimator, NetworkInfo, PriorInfo, SampleSource, UnidentifiedTerm } from "./model.js";

/** The losses `gan_d` and `gan_g` take, the default first: logistic (Goodfellow et al.), least squares (Mao et al. 2017), hinge (Lim & Ye 2017). */
export const ganDiscriminatorLosses: readonly GanDiscriminatorLoss[] = ["logistic", "leastSquares", "hinge"];
export const ganGeneratorLosses: readonly GanGeneratorLoss[] = ["nonsaturating", "minimax", "leastSquares", "hinge"];
import { resolveNetwork, resolveVariable } from "./resolve.js";
import { checkConditionedSource, conditionsOf, networkReads, sourceReads } from "./conditions.js";
import { codeRegulariser, isPermutedSource, mmdTerm, networkRegulariser, permutedSource, tcTerm } from "./regularisers.js";

/**
 * Loss terms of explicit phases, resolved against the model: which network and variable
 * each term reads, how it is estimated, and which networks its value depends on.
 */

type Unresolved = UnidentifiedTerm;

/** One summand of a phase's loss: a term's call, its weight (a number or a schedule), and the capacity C of `abs(term - C)`. */
export interface LossSummand {
  readonly call: A.Call;
  readonly weight: Scalar;
  readonly capacity?: Scalar;
}

/**
 * A loss is a weighted sum of terms, each weight a constant times at most one schedule,
 * and a term may be `abs(term - C)`; AE0512 for anything else (a product of terms, a bare constant).
 */
export function flattenLoss(ctx: CheckContext, e: A.Expression, weight: Scalar = 1): LossSummand[] | undefined {
  switch (e.kind) {
    case "Call": {
      if (isScheduleCall(e)) {
        ctx.report(diagnose.AE0512.constant(), e.span);
        return undefined;
      }
      if (e.callee.name !== "abs" || !e.hasParens) return [{ call: e, weight }];
      const capacity = capacityParts(ctx, e);
      return capacity && [{ call: capacity.term, weight, capacity: capacity.capacity }];
    }
    case "ParenthesizedExpression":
      return flattenLoss(ctx, e.expression, weight);
    case "UnaryExpression": {
      const negated = scaleScalar(ctx, weight, -1, e);
      return negated === undefined ? undefined : flattenLoss(ctx, e.operand, negated);
    }
    case "NumberLiteral":
      ctx.report(diagnose.AE0512.constant(), e.span);
      return undefined;
    case "BinaryExpression": {
      if (e.operator === "+" || e.operator === "-") {
        const left = flattenLoss(ctx, e.left, weight);
        const rightWeight = e.operator === "-" ? scaleScalar(ctx, weight, -1, e) : weight;
        const right = rightWeight === undefined ? undefined : flattenLoss(ctx, e.right, rightWeight);
        return left && right ? [...left, ...right] : undefined;
      }
      const leftValue = constantValue(e.left);
      const rightValue = constantValue(e.right);
      const scaled = (factor: number, rest: A.Expression) => {
        const w = scaleScalar(ctx, weight, factor, e);
        return w === undefined ? undefined : flattenLoss(ctx, rest, w);
      };
      const scheduled = (factor: A.Expression, rest: A.Expression) => {
        const s = weightFactor(ctx, factor);
        const w = s === undefined ? undefined : typeof s === "number" ? scaleScalar(ctx, weight, s, e) : timesSchedule(ctx, weight, s, e);
        return w === undefined ? undefined : flattenLoss(ctx, rest, w);
      };
      if (e.operator === "*" && leftValue !== undefined) return scaled(leftValue, e.right);
      if (e.operator === "*" && rightValue !== undefined) return scaled(rightValue, e.left);
      if (e.operator === "/" && rightValue !== undefined && rightValue !== 0) return scaled(1 / rightValue, e.left);
      if (e.operator === "*" && isWeightExpression(e.left)) return scheduled(e.left, e.right);
      if (e.operator === "*" && isWeightExpression(e.right)) return scheduled(e.right, e.left);
      ctx.report(diagnose.AE0512.product({ expression: printExpression(e), divides: e.operator === "/" }), e.span);
      return undefined;
    }
  }
}

export interface ResolvedTerm {
  readonly term: Unresolved;
  /** Networks whose parameters the term's gradient reaches. */
  readonly dependsOn: readonly string[];
  /** Data variables the term reads (to require `on labelled` for partially labelled ones). */
  readonly reads: readonly string[];
}

export function resolveTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const kind = call.callee.name;
  if (isPermutedSource(call)) {
    ctx.report(diagnose.AE0519.permutedPlace(), call.span);
    return undefined;
  }
  if (!(lossTerms as readonly string[]).includes(kind)) {
    const presets = ["elbo", "iwae", "gan", "aae", "reconstruction", "betaTC", "m2"];
    ctx.report(diagnose.AE0204.unknown({ kind: "loss term", name: kind }), call.callee.span, {
      help: presets.includes(kind)
        ? `\`${kind}\` is an objective: write \`objective ${kind}\` instead of phases, or spell it out from terms (${lossTerms.join(", ")})`
        : (didYouMean(kind, lossTerms) ?? `the loss terms are ${lossTerms.map((t) => `\`${t}\``).join(", ")}`),
    });
    return undefined;
  }
  if (call.given.length > 0) {
    ctx.report(diagnose.AE0510.conditioning(kind), call.given[0]!.span);
    return undefined;
  }
  switch (kind) {
    case "nll": return nllTerm(ctx, call);
    case "kl": return klTerm(ctx, call);
    case "gan_d": return ganTerm(ctx, call, "gan_d");
    case "gan_g": return ganTerm(ctx, call, "gan_g");
    case "mmd": return mmdTerm(ctx, call);
    case "tc": return tcTerm(ctx, call);
    case "mi":
    case "dwkl":
    case "l2": return codeRegulariser(ctx, call, kind);
    case "weightDecay":
    case "gradientPenalty": return networkRegulariser(ctx, call, kind);
    case "vq": return quantizerTerm(ctx, call);
    case "enumerate": return enumeratedTerm(ctx, call);
    default: return contractiveTerm(ctx, call);
  }
}

function positional(ctx: CheckContext, call: A.Call, count: number, usage: string): A.Expression[] | undefined {
  if (call.args.length !== count || call.args.some((a) => a.name)) {
    ctx.report(diagnose.AE0510.arguments({ term: call.callee.name, count, usage }), call.span);
    return undefined;
  }
  return call.args.map((a) => a.value);
}

/** A density written as in the maths: `p(x | z)`, `q(c | x)` (a marginal of `q(z, c | x)`), `p(z)` for a prior. */
export type DensityRef =
  | { readonly kind: "network"; readonly network: NetworkInfo; readonly variable: string }
  | { readonly kind: "prior"; readonly prior: PriorInfo };

export function resolveDensity(ctx: CheckContext, e: A.Expression, allowPrior: boolean): DensityRef | "broken" | undefined {
  if (e.kind !== "Call" || !e.hasParens) {
    ctx.report(diagnose.AE0511.notADensity(printExpression(e)), e.span);
    return undefined;
  }
  const name = e.callee.name;
  const outputs: string[] = [];
  const given: string[] = [];
  for (const [list, into] of [[e.args, outputs], [e.given, given]] as const) {
    for (const arg of list) {
      const variable = bareName(arg.value);
      if (arg.name || variable === undefined) {
        ctx.report(diagnose.AE0511.notVariables(name), arg.span);
        return undefined;
      }
      into.push(variable);
    }
  }
  for (const v of [...outputs, ...given]) {
    if (ctx.isPoisoned(v)) return "broken";
    if (!ctx.variables.has(v)) {
      resolveVariable(ctx, { kind: "Identifier", name: v, span: e.span });
      return undefined;
    }
  }
  const written = `${name}(${outputs.join(", ")}${given.length ? ` | ${given.join(", ")}` : ""})`;
  if (outputs.length !== 1) {
    ctx.report(diagnose.AE0511.severalVariables(written), e.span, { help: `write \`${name}(${outputs[0] ?? "z"}${given.length ? ` | ${given.join(", ")}` : ""})\`` });
    return undefined;
  }
  const variable = outputs[0]!;
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (allowPrior) {
    // A prior is written as declared: `p(z)`, or a conditional one `p(z | y)`.
    const prior = ctx.priors.get(variable);
    if (prior && prior.declaration.signature.name.name === name && sameSet(prior.given, given)) return { kind: "prior", prior };
  }
  const latentWithoutPrior = given.length === 0 && allowPrior && ctx.variables.get(variable)?.role === "latent" && !ctx.priors.has(variable);
  const producedByName = ctx.items("NetworkDeclaration").some((n) => n.signature.name.name === name && n.signature.outputs.some((o) => o.name === variable));
  if (latentWithoutPrior && !producedByName) {
    if (ctx.brokenPriors.has(variable)) return "broken";
    ctx.report(diagnose.AE0505.density({ density: written, variable }), e.span, { help: `add \`prior ${name}(${variable}) = ...\`` });
    ctx.brokenPriors.add(variable);
    return "broken";
  }
  for (const decl of ctx.items("NetworkDeclaration")) {
    if (decl.signature.name.name !== name || decl.role === "discriminator") continue;
    if (!decl.signature.outputs.some((o) => o.name === variable) || !sameSet(decl.signature.given.map((g) => g.name), given)) continue;
    const network = ctx.networks.get(name);
    return network ? { kind: "network", network, variable } : "broken";
  }
  const known = [
    ...ctx.items("NetworkDeclaration").filter((n) => n.role !== "discriminator").map((n) => printSignatureOf(n.signature)),
    ...(allowPrior ? ctx.items("PriorDeclaration").map((p) => printSignatureOf(p.signature)) : []),
  ];
  ctx.report(diagnose.AE0511.unknown(written), e.span, {
    help: known.length > 0 ? `its densities are ${orList(known.map((k) => `\`${k}\``))}` : "declare the network that produces it",
  });
  return undefined;
}

function printSignatureOf(s: A.Signature): string {
  return `${s.name.name}(${s.outputs.map((o) => o.name).join(", ")}${s.given.length ? ` | ${s.given.map((g) => g.name).join(", ")}` : ""})`;
}

function dataInputs(ctx: CheckContext, networks: readonly string[]): string[] {
  return [...new Set(networks.flatMap((n) => ctx.networks.get(n)?.inputs ?? []).filter((v) => ctx.variables.get(v)?.role === "data"))];
}

function nllTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const args = positional(ctx, call, 2, "nll(p(x | z), x)");
  if (!args) return undefined;
  const density = resolveDensity(ctx, args[0]!, false);
  const target = bareName(args[1]!);
  if (target === undefined) {
    ctx.report(diagnose.AE0510.nllTarget(), args[1]!.span);
    return undefined;
  }
  if (!density || density === "broken" || density.kind !== "network") return undefined;
  const { network, variable } = density;
  const output = network.distributions.find((o) => o.variable === variable)!;
  if (output.distribution === "Deterministic") {
    ctx.report(diagnose.AE0510.deterministic({ variable, network: network.name }), args[0]!.span);
    return undefined;
  }
  const targetVariable = ctx.variables.get(target);
  if (!targetVariable) {
    resolveVariable(ctx, { kind: "Identifier", name: target, span: args[1]!.span });
    return undefined;
  }
  if (network.role === "encoder") {
    // Classification: the encoder's categorical head scored on an observed label.
    if (output.distribution !== "Categorical" || targetVariable.role !== "data" || targetVariable.type !== "onehot" || targetVariable.size !== ctx.variables.get(variable)!.size) {
      ctx.report(diagnose.AE0510.classPrediction({ network: network.name, variable, target }), call.span);
      return undefined;
    }
  } else if (target !== variable) {
    ctx.report(diagnose.AE0510.likelihoodTarget({ network: network.name, variable, target }), args[1]!.span);
    return undefined;
  }
  const dependsOn = upstream([...ctx.networks.values()], network);
  return { term: { kind: "nll", network: network.name, variable, target }, dependsOn, reads: [...new Set([target, ...dataInputs(ctx, dependsOn)])] };
}

/**
 * KL(q(z1 | x) ‖ p1(z1 | z2)) against a prior network is analytic (two Normals) only when
 * the z2 it is given does not itself depend on z1 under q; in the bottom-up hierarchy
 * q(z1 | x) q(z2 | z1) it does, and the KL is the one-sample Monte Carlo estimate
 * log q(z1 | x) − log p1(z1 | z2) at the same samples.
 */
export function klPriorNetworkEstimator(networks: readonly NetworkInfo[], posterior: NetworkInfo, prior: NetworkInfo): KlEstimator {
  const flowed = posterior.distributions.some((o) => o.flow !== undefined);
  return flowed || upstream(networks, prior).includes(posterior.name) ? "monte-carlo" : "analytic";
}

/** AE0502: a KL against a prior network needs a Normal posterior (the prior network outputs a Normal, AE0441). */
export function checkPriorNetworkKl(ctx: CheckContext, network: NetworkInfo, variable: string, span: A.Call["span"]): boolean {
  const posterior = network.distributions.find((o) => o.variable === variable)!.distribution;
  if (posterior === "Normal") return true;
  ctx.report(diagnose.AE0502.posterior({ network: network.name, variable, distribution: posterior }), span, { help: "use Normal(mu, logvar) for the posterior" });
  return false;
}

export function klEstimator(network: NetworkInfo, variable: string, prior: PriorInfo): KlEstimator {
  const posterior = network.distributions.find((o) => o.variable === variable)!;
  if (posterior.distribution === "VectorQuantize") return "exact"; // a one-hot posterior over K codes against a uniform prior: log K per position
  if (posterior.distribution === "RelaxedCategorical") return "analytic-categorical"; // KL(Categorical(softmax(logits)) ‖ uniform), Jang et al. 2017
  // After a flow, q(z | x) has no closed form: log q0(z0) − Σ log|det ∂f/∂z| − log p(zK) at the sample.
  return posterior.distribution === "Normal" && !posterior.flow && prior.distribution === "Normal" ? "analytic" : "monte-carlo";
}

/** AE0502 / AE0503: what a KL(q ‖ p) needs of its posterior and prior. */
export function checkKlPair(ctx: CheckContext, network: NetworkInfo, variable: string, prior: PriorInfo | undefined, span: A.Call["span"]): boolean {
  const posterior = network.distributions.find((o) => o.variable === variable)!.distribution;
  // A quantised latent's prior must be a Codebook: quantizerRule reports any other.
  // A relaxed categorical's prior is the Categorical its latent's type allows (priorsRule).
  if (posterior !== "Normal" && !(posterior === "VectorQuantize" && prior) && posterior !== "RelaxedCategorical") {
    ctx.report(diagnose.AE0502.posterior({ network: network.name, variable, distribution: posterior }), span, {
      help:
        // A onehot latent cannot take a Normal posterior (AE0402): advice to use one would only lead there.
        ctx.variables.get(variable)?.type === "onehot"
          ? `for \`elbo\` or a kl term, declare the encoder \`= RelaxedCategorical(logits, temperature = 0.5)\` (Gumbel-softmax: a reparameterised relaxation of the onehot code), or regularise \`${variable}\` adversarially (\`objective aae\`)`
          : posterior === "Deterministic"
            ? "declare the encoder `= Normal(mu, logvar)` with heads `mu` and `logvar`, or use an adversarial objective"
            : "use Normal(mu, logvar) for the posterior",
    });
    return false;
  }
  if (!prior) {
    if (ctx.brokenPriors.has(variable)) return false;
    ctx.report(diagnose.AE0505.kl(variable), span);
    return false;
  }
  if (!prior.density) {
    ctx.report(diagnose.AE0503.noDensity(prior.distribution), span, { labels: [{ span: prior.declaration.distribution.span, message: "the prior" }] });
    return false;
  }
  if (prior.distribution === "Uniform") {
    ctx.report(diagnose.AE0503.uniform(), span, { labels: [{ span: prior.declaration.distribution.span, message: "the prior" }] });
    return false;
  }
  return true;
}

function klTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const args = positional(ctx, call, 2, "kl(q(z | x), p(z))");
  if (!args) return undefined;
  const posterior = resolveDensity(ctx, args[0]!, false);
  const prior = resolveDensity(ctx, args[1]!, true);
  if (!posterior || posterior === "broken" || !prior || prior === "broken") return undefined;
  if (posterior.kind !== "network" || posterior.network.role !== "encoder") {
    ctx.report(diagnose.AE0510.klPosterior(), args[0]!.span);
    return undefined;
  }
  if (prior.kind === "network" && prior.network.role === "prior" && prior.variable === posterior.variable) {
    if (!checkPriorNetworkKl(ctx, posterior.network, posterior.variable, call.span)) return undefined;
    const networks = [...ctx.networks.values()];
    const term = { kind: "kl" as const, network: posterior.network.name, variable: posterior.variable, estimator: klPriorNetworkEstimator(networks, posterior.network, prior.network), prior: prior.network.name };
    const dependsOn = [...new Set([...upstream(networks, posterior.network), ...upstream(networks, prior.network)])];
    return { term, dependsOn, reads: dataInputs(ctx, dependsOn) };
  }
  if (prior.kind !== "prior" || prior.prior.variable !== posterior.variable) {
    ctx.report(diagnose.AE0510.klPrior(posterior.variable), args[1]!.span);
    return undefined;
  }
  if (!checkKlPair(ctx, posterior.network, posterior.variable, prior.prior, call.span)) return undefined;
  const estimator = klEstimator(posterior.network, posterior.variable, prior.prior);
  const term = { kind: "kl" as const, network: posterior.network.name, variable: posterior.variable, estimator };
  const dependsOn = termDependencies([...ctx.networks.values()], term, learnedPriorSets(ctx.priors.values()));
  return { term, dependsOn, reads: dataInputs(ctx, dependsOn) };
}

function resolveSource(ctx: CheckContext, e: A.Expression): SampleSource | "broken" | undefined {
  if (isPermutedSource(e)) return permutedSource(ctx, e as A.Call);
  const name = bareName(e);
  if (name !== undefined) {
    const variable = resolveVariable(ctx, { kind: "Identifier", name, span: e.span });
    if (!variable) return "broken";
    if (variable.role !== "data") {
      ctx.report(diagnose.AE0504.latent(name), e.span);
      return undefined;
    }
    return { kind: "data", variable: name };
  }
  const density = resolveDensity(ctx, e, true);
  if (!density || density === "broken") return density;
  if (density.kind === "prior") return { kind: "prior", variable: density.prior.variable };
  return { kind: "network", network: density.network.name, variable: density.variable };
}

function ganTerm(ctx: CheckContext, call: A.Call, kind: "gan_d" | "gan_g"): ResolvedTerm | undefined {
  const usage = kind === "gan_d" ? "gan_d(d, real = p(z), fake = q(z | x))" : "gan_g(d, fake = q(z | x))";
  const [first, ...rest] = call.args;
  const named = new Map(rest.map((a) => [a.name?.name ?? "", a]));
  const allowed = kind === "gan_d" ? ["real", "fake", "loss"] : ["fake", "loss"];
  if (!first || first.name || rest.some((a) => !a.name || !allowed.includes(a.name.name)) || !named.has("fake") || (kind === "gan_d" && !named.has("real"))) {
    ctx.report(diagnose.AE0510.ganArguments({ term: kind, usage }), call.span);
    return undefined;
  }
  const discriminatorName = bareName(first.value);
  if (discriminatorName === undefined) {
    ctx.report(diagnose.AE0510.ganDiscriminator(kind), first.span);
    return undefined;
  }
  const discriminator = resolveNetwork(ctx, { kind: "Identifier", name: discriminatorName, span: first.span });
  if (!discriminator || discriminator === "broken") return undefined;
  if (discriminator.role !== "discriminator") {
    ctx.report(diagnose.AE0510.notDiscriminator({ name: discriminatorName, role: discriminator.role }), first.span);
    return undefined;
  }
  const judged = discriminator.inputs[0]!;
  const sources: Record<string, SampleSource> = {};
  for (const which of kind === "gan_d" ? ["real", "fake"] : ["fake"]) {
    const arg = named.get(which)!;
    const source = resolveSource(ctx, arg.value);
    if (!source || source === "broken") return undefined;
    if (source.variable !== judged) {
      ctx.report(diagnose.AE0504.variable({ discriminator: discriminator.name, judged, which, variable: source.variable }), arg.span);
      return undefined;
    }
    if (!checkConditionedSource(ctx, discriminator, which, source, arg.span)) return undefined;
    sources[which] = source;
  }
  const lossArg = named.get("loss");
  const choices = kind === "gan_d" ? ganDiscriminatorLosses : ganGeneratorLosses;
  const loss = lossArg ? checkValue(ctx, lossArg.value, { name: "loss", kind: "choice", choices }, `\`${kind}\``) : choices[0];
  if (loss === undefined) return undefined;
  if (kind === "gan_d") {
    if (sources.fake!.kind !== "network" && sources.fake!.kind !== "permuted") {
      ctx.report(diagnose.AE0504.discriminatorFake(), named.get("fake")!.span);
      return undefined;
    }
    // The discriminator's loss holds the samples fixed: it trains the discriminator only.
    return { term: { kind, discriminator: discriminator.name, real: sources.real!, fake: sources.fake!, loss: loss as GanDiscriminatorLoss }, dependsOn: [discriminator.name], reads: [] };
  }
  const fake = sources.fake!;
  if (fake.kind !== "network") {
    ctx.report(diagnose.AE0504.generatorFake(), named.get("fake")!.span);
    return undefined;
  }
  const producer = ctx.networks.get(fake.network)!;
  const dependsOn = upstream([...ctx.networks.values()], producer);
  return {
    term: { kind, discriminator: discriminator.name, fake, loss: loss as GanGeneratorLoss },
    dependsOn,
    reads: dataInputs(ctx, dependsOn),
  };
}

function quantizerTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const args = positional(ctx, call, 1, "vq(q(z | x))");
  if (!args) return undefined;
  const density = resolveDensity(ctx, args[0]!, false);
  if (!density || density === "broken" || density.kind !== "network") return undefined;
  const resolved = vqTerm(ctx, call, density);
  return resolved && { ...resolved, reads: dataInputs(ctx, resolved.dependsOn) };
}

function enumeratedTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const args = positional(ctx, call, 1, "enumerate(q(y | x))");
  if (!args) return undefined;
  const density = resolveDensity(ctx, args[0]!, false);
  if (!density || density === "broken" || density.kind !== "network") return undefined;
  const term = enumerateTerm(ctx, density.network, density.variable, call.span);
  if (!term) return undefined;
  const dependsOn = termDependencies([...ctx.networks.values()], term);
  return { term, dependsOn, reads: dataInputs(ctx, dependsOn).filter((v) => v !== term.variable) };
}

function contractiveTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const args = positional(ctx, call, 2, "contractive(f(z | x), x)");
  if (!args) return undefined;
  const density = resolveDensity(ctx, args[0]!, false);
  const input = bareName(args[1]!);
  if (!density || density === "broken" || density.kind !== "network") return undefined;
  if (density.network.role !== "encoder" || input === undefined || !density.network.inputs.includes(input)) {
    ctx.report(diagnose.AE0510.contractiveInput(), call.span);
    return undefined;
  }
  const network = density.network;
  const denseOnly = [...network.trunk, ...network.heads.flatMap((h) => h.layers)].every((l) => l.kind === "dense");
  if (network.inputs.length !== 1 || network.heads.length > 1 || network.distributions[0]?.distribution !== "Deterministic" || !denseOnly) {
    ctx.report(diagnose.AE0510.contractiveEncoder(network.name), call.span);
    return undefined;
  }
  return { term: { kind: "contractive", network: density.network.name, variable: density.variable, input }, dependsOn: [density.network.name], reads: [input] };
}

/**
 * Every data variable evaluating a term reads, for AE0509: its target, the inputs of
 * every network it runs (with the encoders those read), the labels a conditional prior
 * is given, and the data variables its samples come from. Broader than the term's
 * gradient (`dependsOn`): `gan_d` holds its fake samples fixed, but still computes them.
 */
export function termReads(ctx: CheckContext, term: UnidentifiedTerm): string[] {
  // A conditional discriminator reads its conditions from the batch.
  const conditions = (discriminator: string) => {
    const d = ctx.networks.get(discriminator);
    return d ? [...conditionsOf(d)] : [];
  };
  const mmdPrior = (variable: string) => [...(ctx.priors.get(variable)?.given ?? [])];
  const reads = (() => {
    switch (term.kind) {
      case "nll": return [term.target, ...networkReads(ctx, term.network)];
      case "kl": return [...networkReads(ctx, term.network), ...(term.prior ? networkReads(ctx, term.prior) : []), ...(ctx.priors.get(term.variable)?.given ?? [])];
      case "iwae": return [term.data, ...networkReads(ctx, term.encoder), ...networkReads(ctx, term.decoder), ...(ctx.priors.get(term.latent)?.given ?? [])];
      case "gan_d": return [...sourceReads(ctx, term.real), ...sourceReads(ctx, term.fake), ...conditions(term.discriminator)];
      case "gan_g": return [...sourceReads(ctx, term.fake), ...conditions(term.discriminator)];
      case "contractive": return [term.input, ...networkReads(ctx, term.network)];
      case "mmd": return [...networkReads(ctx, term.network), ...mmdPrior(term.variable)];
      case "tc":
      case "mi":
      case "dwkl":
      case "l2":
      case "weightDecay":
      case "gradientPenalty": return networkReads(ctx, term.network);
      case "vq": return networkReads(ctx, term.network);
      // The class is summed over, never read: every network reading it is given each class in turn.
      case "enumerate": return [term.network, ...term.encoders, ...term.decoders].flatMap((n) => networkReads(ctx, n)).filter((v) => v !== term.variable);
    }
  })();
  return [...new Set(reads)].filter((v) => ctx.variables.get(v)?.role === "data");
}
