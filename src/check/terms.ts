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
import type { GanDiscriminatorLoss, GanGeneratorLoss, KlEstimator, NetworkInfo, PriorInfo, SampleSource, UnidentifiedTerm } from "./model.js";

/** The losses `gan_d` and `gan_g` take, the default first: logistic (Goodfellow et al.), least squares (Mao et al. 2017), hinge (Lim & Ye 2017). */
export const ganDiscriminatorLosses: readonly GanDiscriminatorLoss[] = ["logistic", "leastSquares", "hinge"];
export const ganGeneratorLosses: readonly GanGeneratorLoss[] = ["nonsaturating", "minimax", "leastSquares", "hinge"];
import { resolveNetwork, resolveVariable } from "./resolve.js";
import { codeRegulariser, isPermutedSource, mmdTerm, networkRegulariser, permutedSource, tcTerm } from "./regularisers.js";

/**
 * Loss terms of explicit phases, resolved against the model: which network and variable
 * each term reads, how it is estimated, and which networks its value depends on.
 */

type Unresolved = UnidentifiedTerm;

/** A loss is a weighted sum of terms; AE0512 for anything else (a product of terms, a bare constant). */
export function flattenLoss(ctx: CheckContext, e: A.Expression, weight = 1): { call: A.Call; weight: number }[] | undefined {
  switch (e.kind) {
    case "Call":
      return [{ call: e, weight }];
    case "ParenthesizedExpression":
      return flattenLoss(ctx, e.expression, weight);
    case "UnaryExpression":
      return flattenLoss(ctx, e.operand, -weight);
    case "NumberLiteral":
      ctx.report(diagnose.AE0512.constant(), e.span);
      return undefined;
    case "BinaryExpression": {
      if (e.operator === "+" || e.operator === "-") {
        const left = flattenLoss(ctx, e.left, weight);
        const right = flattenLoss(ctx, e.right, e.operator === "-" ? -weight : weight);
        return left && right ? [...left, ...right] : undefined;
      }
      const leftValue = constantValue(e.left);
      const rightValue = constantValue(e.right);
      if (e.operator === "*" && leftValue !== undefined) return flattenLoss(ctx, e.right, weight * leftValue);
      if (e.operator === "*" && rightValue !== undefined) return flattenLoss(ctx, e.left, weight * rightValue);
      if (e.operator === "/" && rightValue !== undefined && rightValue !== 0) return flattenLoss(ctx, e.left, weight / rightValue);
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
  if (given.length === 0 && allowPrior) {
    const prior = ctx.priors.get(variable);
    if (prior && prior.declaration.signature.name.name === name && prior.given.length === 0) return { kind: "prior", prior };
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

export function klEstimator(network: NetworkInfo, variable: string, prior: PriorInfo): KlEstimator {
  const posterior = network.distributions.find((o) => o.variable === variable)!.distribution;
  if (posterior === "VectorQuantize") return "exact"; // a one-hot posterior over K codes against a uniform prior: log K per position
  return posterior === "Normal" && prior.distribution === "Normal" ? "analytic" : "monte-carlo";
}

/** AE0502 / AE0503: what a KL(q ‖ p) needs of its posterior and prior. */
export function checkKlPair(ctx: CheckContext, network: NetworkInfo, variable: string, prior: PriorInfo | undefined, span: A.Call["span"]): boolean {
  const posterior = network.distributions.find((o) => o.variable === variable)!.distribution;
  // A quantised latent's prior must be a Codebook: quantizerRule reports any other.
  if (posterior !== "Normal" && !(posterior === "VectorQuantize" && prior)) {
    ctx.report(diagnose.AE0502.posterior({ network: network.name, variable, distribution: posterior }), span, {
      help:
        // A onehot latent cannot take a Normal posterior (AE0402): advice to use one would only lead there.
        ctx.variables.get(variable)?.type === "onehot"
          ? `a onehot latent has no reparameterisable posterior: regularise \`${variable}\` adversarially (\`objective aae\`, or gan_d/gan_g phases), or make it a real latent with a Normal posterior`
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
  const all = [...ctx.networks.values()];
  const networkReads = (name: string): string[] => {
    const network = ctx.networks.get(name);
    if (!network) return [];
    const names = upstream(all, network);
    // Latents no encoder produces are drawn from their prior, which may be given a label.
    const sampled = names.flatMap((n) => ctx.networks.get(n)?.inputs ?? []).filter((v) => ctx.variables.get(v)?.role === "latent" && !ctx.producerOf(v, ["encoder"]));
    return [...dataInputs(ctx, names), ...sampled.flatMap((v) => ctx.priors.get(v)?.given ?? [])];
  };
  const sourceReads = (source: SampleSource): string[] =>
    source.kind === "data" ? [source.variable] : source.kind === "prior" ? [...(ctx.priors.get(source.variable)?.given ?? [])] : networkReads(source.network);
  const mmdPrior = (variable: string) => [...(ctx.priors.get(variable)?.given ?? [])];
  const reads = (() => {
    switch (term.kind) {
      case "nll": return [term.target, ...networkReads(term.network)];
      case "kl": return [...networkReads(term.network), ...(ctx.priors.get(term.variable)?.given ?? [])];
      case "iwae": return [term.data, ...networkReads(term.encoder), ...networkReads(term.decoder), ...(ctx.priors.get(term.latent)?.given ?? [])];
      case "gan_d": return [...sourceReads(term.real), ...sourceReads(term.fake)];
      case "gan_g": return sourceReads(term.fake);
      case "contractive": return [term.input, ...networkReads(term.network)];
      case "mmd": return [...networkReads(term.network), ...mmdPrior(term.variable)];
      case "tc":
      case "mi":
      case "dwkl":
      case "l2":
      case "weightDecay":
      case "gradientPenalty": return networkReads(term.network);
      case "vq": return networkReads(term.network);
      // The class is summed over, never read: every network reading it is given each class in turn.
      case "enumerate": return [term.network, ...term.encoders, ...term.decoders].flatMap(networkReads).filter((v) => v !== term.variable);
    }
  })();
  return [...new Set(reads)].filter((v) => ctx.variables.get(v)?.role === "data");
}
