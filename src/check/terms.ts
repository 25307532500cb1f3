import { didYouMean, orList } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { printExpression } from "../syntax/format.js";
import { checkValue } from "./bind.js";
import { upstream } from "./dependencies.js";
import { lossTerms } from "./builtins.js";
import type { CheckContext } from "./context.js";
import { bareName, constantValue } from "./evaluate.js";
import type { KlEstimator, NetworkInfo, PriorInfo, SampleSource, UnidentifiedTerm } from "./model.js";
import { resolveNetwork, resolveVariable } from "./resolve.js";

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
      ctx.error("AE0512", "a constant in a loss changes no gradient", e.span, { help: "remove it" });
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
      ctx.error("AE0512", `a loss is a weighted sum of terms; \`${printExpression(e)}\` ${e.operator === "/" ? "divides by something that is not a non-zero number" : "multiplies two terms"}`, e.span, {
        help: "write e.g. `nll(p(x | z), x) + 4 * kl(q(z | x), p(z))`",
      });
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
  if (!(lossTerms as readonly string[]).includes(kind)) {
    const presets = ["elbo", "iwae", "gan", "aae", "reconstruction"];
    ctx.error("AE0204", `unknown loss term \`${kind}\``, call.callee.span, {
      help: presets.includes(kind)
        ? `\`${kind}\` is an objective: write \`objective ${kind}\` instead of phases, or spell it out from terms (${lossTerms.join(", ")})`
        : (didYouMean(kind, lossTerms) ?? `the loss terms are ${lossTerms.map((t) => `\`${t}\``).join(", ")}`),
    });
    return undefined;
  }
  if (call.given.length > 0) {
    ctx.error("AE0510", `\`${kind}\` takes no conditioning part`, call.given[0]!.span);
    return undefined;
  }
  switch (kind) {
    case "nll": return nllTerm(ctx, call);
    case "kl": return klTerm(ctx, call);
    case "gan_d": return ganTerm(ctx, call, "gan_d");
    case "gan_g": return ganTerm(ctx, call, "gan_g");
    default: return contractiveTerm(ctx, call);
  }
}

function positional(ctx: CheckContext, call: A.Call, count: number, usage: string): A.Expression[] | undefined {
  if (call.args.length !== count || call.args.some((a) => a.name)) {
    ctx.error("AE0510", `\`${call.callee.name}\` takes ${count} arguments: \`${usage}\``, call.span);
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
    ctx.error("AE0511", `expected a density such as \`p(x | z)\`, found \`${printExpression(e)}\``, e.span);
    return undefined;
  }
  const name = e.callee.name;
  const outputs: string[] = [];
  const given: string[] = [];
  for (const [list, into] of [[e.args, outputs], [e.given, given]] as const) {
    for (const arg of list) {
      const variable = bareName(arg.value);
      if (arg.name || variable === undefined) {
        ctx.error("AE0511", `a density lists variables, as in \`${name}(z | x)\``, arg.span);
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
    ctx.error("AE0511", `\`${written}\`: a loss term scores one variable at a time`, e.span, { help: `write \`${name}(${outputs[0] ?? "z"}${given.length ? ` | ${given.join(", ")}` : ""})\`` });
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
    ctx.error("AE0505", `\`${written}\` is the prior of \`${variable}\`, but \`${variable}\` has no prior`, e.span, { help: `add \`prior ${name}(${variable}) = ...\`` });
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
  ctx.error("AE0511", `the model has no density \`${written}\``, e.span, {
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
    ctx.error("AE0510", "the second argument of `nll` is the observed variable it scores", args[1]!.span);
    return undefined;
  }
  if (!density || density === "broken" || density.kind !== "network") return undefined;
  const { network, variable } = density;
  const output = network.distributions.find((o) => o.variable === variable)!;
  if (output.distribution === "Deterministic") {
    ctx.error("AE0510", `\`${variable}\` from \`${network.name}\` is deterministic, so it has no likelihood to score`, args[0]!.span, {
      help: "give the network a distribution, e.g. `= Bernoulli(logits)`",
    });
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
      ctx.error("AE0510", `\`nll(${network.name}(${variable} | …), ${target})\` scores a class prediction, so \`${variable}\` needs a Categorical head and \`${target}\` must be onehot data with as many classes`, call.span);
      return undefined;
    }
  } else if (target !== variable) {
    ctx.error("AE0510", `the likelihood \`${network.name}(${variable} | …)\` scores \`${variable}\`, not \`${target}\``, args[1]!.span, { help: `write \`nll(…, ${variable})\`` });
    return undefined;
  }
  const dependsOn = upstream([...ctx.networks.values()], network);
  return { term: { kind: "nll", network: network.name, variable, target }, dependsOn, reads: [...new Set([target, ...dataInputs(ctx, dependsOn)])] };
}

export function klEstimator(network: NetworkInfo, variable: string, prior: PriorInfo): KlEstimator {
  const posterior = network.distributions.find((o) => o.variable === variable)!.distribution;
  return posterior === "Normal" && prior.distribution === "Normal" ? "analytic" : "monte-carlo";
}

/** AE0502 / AE0503: what a KL(q ‖ p) needs of its posterior and prior. */
export function checkKlPair(ctx: CheckContext, network: NetworkInfo, variable: string, prior: PriorInfo | undefined, span: A.Call["span"]): boolean {
  const posterior = network.distributions.find((o) => o.variable === variable)!.distribution;
  if (posterior !== "Normal") {
    ctx.error("AE0502", `the KL term needs a reparameterisable Normal posterior, but \`${network.name}\` gives \`${variable}\` a ${posterior} distribution`, span, {
      help: posterior === "Deterministic" ? "declare the encoder `= Normal(mu, logvar)` with heads `mu` and `logvar`, or use an adversarial objective" : "use Normal(mu, logvar) for the posterior",
    });
    return false;
  }
  if (!prior) {
    if (ctx.brokenPriors.has(variable)) return false;
    ctx.error("AE0505", `the KL term needs a prior on \`${variable}\`, and there is none`, span, { help: `add \`prior p(${variable}) = Normal(0, 1)\`` });
    return false;
  }
  if (!prior.density) {
    ctx.error("AE0503", `a ${prior.distribution} prior can be sampled but has no density, so KL(q ‖ p) cannot be computed`, span, {
      labels: [{ span: prior.declaration.distribution.span, message: "the prior" }],
      help: "use an adversarial objective for this prior (AAE), or a prior with a density",
    });
    return false;
  }
  if (prior.distribution === "Uniform") {
    ctx.error("AE0503", "KL from a Normal posterior to a Uniform prior is infinite: the Normal puts mass outside the Uniform's bounds", span, {
      labels: [{ span: prior.declaration.distribution.span, message: "the prior" }],
      help: "use a Normal prior, or regularise adversarially (AAE), which needs only samples",
    });
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
    ctx.error("AE0510", "the first argument of `kl` is the encoder's posterior, e.g. `q(z | x)`", args[0]!.span);
    return undefined;
  }
  if (prior.kind !== "prior" || prior.prior.variable !== posterior.variable) {
    ctx.error("AE0510", `the second argument of \`kl\` is the prior of \`${posterior.variable}\`, e.g. \`p(${posterior.variable})\``, args[1]!.span);
    return undefined;
  }
  if (!checkKlPair(ctx, posterior.network, posterior.variable, prior.prior, call.span)) return undefined;
  const estimator = klEstimator(posterior.network, posterior.variable, prior.prior);
  const dependsOn = upstream([...ctx.networks.values()], posterior.network);
  return { term: { kind: "kl", network: posterior.network.name, variable: posterior.variable, estimator }, dependsOn, reads: dataInputs(ctx, dependsOn) };
}

function resolveSource(ctx: CheckContext, e: A.Expression): SampleSource | "broken" | undefined {
  const name = bareName(e);
  if (name !== undefined) {
    const variable = resolveVariable(ctx, { kind: "Identifier", name, span: e.span });
    if (!variable) return "broken";
    if (variable.role !== "data") {
      ctx.error("AE0504", `\`${name}\` is a latent: say where its samples come from, e.g. \`p(${name})\` (the prior) or \`q(${name} | x)\` (the encoder)`, e.span);
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
  const allowed = kind === "gan_d" ? ["real", "fake"] : ["fake", "loss"];
  if (!first || first.name || rest.some((a) => !a.name || !allowed.includes(a.name.name)) || !named.has("fake") || (kind === "gan_d" && !named.has("real"))) {
    ctx.error("AE0510", `\`${kind}\` takes a discriminator and named samples: \`${usage}\``, call.span);
    return undefined;
  }
  const discriminatorName = bareName(first.value);
  if (discriminatorName === undefined) {
    ctx.error("AE0510", `the first argument of \`${kind}\` is a discriminator's name`, first.span);
    return undefined;
  }
  const discriminator = resolveNetwork(ctx, { kind: "Identifier", name: discriminatorName, span: first.span });
  if (!discriminator || discriminator === "broken") return undefined;
  if (discriminator.role !== "discriminator") {
    ctx.error("AE0510", `\`${discriminatorName}\` is ${discriminator.role === "encoder" ? "an" : "a"} ${discriminator.role}, not a discriminator`, first.span);
    return undefined;
  }
  const judged = discriminator.inputs[0]!;
  const sources: Record<string, SampleSource> = {};
  for (const which of kind === "gan_d" ? ["real", "fake"] : ["fake"]) {
    const arg = named.get(which)!;
    const source = resolveSource(ctx, arg.value);
    if (!source || source === "broken") return undefined;
    if (source.variable !== judged) {
      ctx.error("AE0504", `\`${discriminator.name}\` judges \`${judged}\`, but the ${which} samples are \`${source.variable}\``, arg.span, {
        help: `pass samples of \`${judged}\`, or declare a discriminator on \`${source.variable}\``,
      });
      return undefined;
    }
    sources[which] = source;
  }
  if (kind === "gan_d") {
    if (sources.fake!.kind !== "network") {
      ctx.error("AE0504", "the fake samples of `gan_d` come from a network (an encoder's codes or a generator's outputs)", named.get("fake")!.span);
      return undefined;
    }
    // The discriminator's loss holds the samples fixed: it trains the discriminator only.
    return { term: { kind, discriminator: discriminator.name, real: sources.real!, fake: sources.fake! }, dependsOn: [discriminator.name], reads: [] };
  }
  const fake = sources.fake!;
  if (fake.kind !== "network") {
    ctx.error("AE0504", "the generator loss `gan_g` needs samples produced by a network, which it then trains to fool the discriminator", named.get("fake")!.span);
    return undefined;
  }
  const lossArg = named.get("loss");
  const loss = lossArg ? checkValue(ctx, lossArg.value, { name: "loss", kind: "choice", choices: ["nonsaturating", "minimax"] }, "`gan_g`") : "nonsaturating";
  if (loss === undefined) return undefined;
  const producer = ctx.networks.get(fake.network)!;
  const dependsOn = upstream([...ctx.networks.values()], producer);
  return {
    term: { kind, discriminator: discriminator.name, fake, loss: loss as "nonsaturating" | "minimax" },
    dependsOn,
    reads: dataInputs(ctx, dependsOn),
  };
}

function contractiveTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const args = positional(ctx, call, 2, "contractive(f(z | x), x)");
  if (!args) return undefined;
  const density = resolveDensity(ctx, args[0]!, false);
  const input = bareName(args[1]!);
  if (!density || density === "broken" || density.kind !== "network") return undefined;
  if (density.network.role !== "encoder" || input === undefined || !density.network.inputs.includes(input)) {
    ctx.error("AE0510", "`contractive` penalises the encoder's Jacobian with respect to one of its inputs, as in `contractive(f(z | x), x)`", call.span);
    return undefined;
  }
  const network = density.network;
  const denseOnly = [...network.trunk, ...network.heads.flatMap((h) => h.layers)].every((l) => l.kind === "dense");
  if (network.inputs.length !== 1 || network.heads.length > 1 || network.distributions[0]?.distribution !== "Deterministic" || !denseOnly) {
    ctx.error("AE0510", `\`contractive\` needs a deterministic encoder of dense layers reading one variable; \`${network.name}\` is not one`, call.span, {
      help: "write it as `dense(…, activation)` layers; the penalty is computed through their Jacobian (exactly for one layer, by a random projection for more)",
    });
    return undefined;
  }
  return { term: { kind: "contractive", network: density.network.name, variable: density.variable, input }, dependsOn: [density.network.name], reads: [input] };
}
