import { conditionsOf } from "./conditions.js";
import { diagnose } from "../diagnostics/catalog.js";
import type * as A from "../syntax/ast.js";
import { printExpression } from "../syntax/format.js";
import { lossTermUsage } from "../language/vocabulary.js";
import { checkValue } from "./bind.js";
import type { CheckContext } from "./context.js";
import { upstream } from "./dependencies.js";
import { withoutFlow } from "./flowedPosteriors.js";
import { bareName } from "./evaluate.js";
import type { MmdKernel, NetworkInfo, SampleSource } from "./model.js";
import { resolveNetwork } from "./resolve.js";
import { type ResolvedTerm, resolveDensity } from "./terms.js";

/**
 * The regularisers of the WAE / InfoVAE / β-TCVAE / FactorVAE / RAE family: terms on an
 * encoder's codes (`mmd`, `tc`, `mi`, `dwkl`, `l2`), on a network's weights or Jacobian
 * (`weightDecay`, `gradientPenalty`), and the `permuted(q(z | x))` sample source.
 */

type CodeTerm = "mmd" | "tc" | "mi" | "dwkl" | "l2" | "permuted";

const usage = (term: CodeTerm): string => (term === "permuted" ? "permuted(q(z | x))" : lossTermUsage[term].usage);

/** An encoder's code written as its density, `q(z | x)`: AE0519 for anything else. */
function encoderCode(ctx: CheckContext, term: CodeTerm, e: A.Expression): { network: NetworkInfo; variable: string } | undefined {
  const density = resolveDensity(ctx, e, true);
  if (density === "broken" || density === undefined) return undefined;
  if (density.kind !== "network" || density.network.role !== "encoder") {
    ctx.report(diagnose.AE0519.code({ term, usage: usage(term) }), e.span);
    return undefined;
  }
  return { network: density.network, variable: density.variable };
}

/** Positional arguments only, between `min` and `max` of them (AE0519 otherwise). */
function argumentsOf(ctx: CheckContext, call: A.Call, term: CodeTerm, min: number, max: number, named: readonly string[] = []): readonly A.Argument[] | undefined {
  const positional = call.args.filter((a) => !a.name);
  const ok = positional.length >= min && positional.length <= max && call.args.every((a) => !a.name || named.includes(a.name.name)) && call.args.slice(0, positional.length).every((a) => !a.name);
  if (!ok) {
    ctx.report(diagnose.AE0519.arguments({ term, usage: usage(term) }), call.span);
    return undefined;
  }
  return call.args;
}

/** A Normal posterior, which `tc`, `mi` and `dwkl` evaluate between examples (AE0518). */
function normalPosterior(ctx: CheckContext, term: string, code: { network: NetworkInfo; variable: string }, span: A.Call["span"]): boolean {
  const distribution = code.network.distributions.find((d) => d.variable === code.variable)!.distribution;
  if (distribution === "Normal") return withoutFlow(ctx, { kind: "aggregate", name: `\`${term}\`` }, code.network, code.variable, span);
  ctx.report(diagnose.AE0518.posterior({ term, network: code.network.name, variable: code.variable, distribution }), span);
  return false;
}

function dataInputs(ctx: CheckContext, networks: readonly string[]): string[] {
  return [...new Set(networks.flatMap((n) => ctx.networks.get(n)?.inputs ?? []).filter((v) => ctx.variables.get(v)?.role === "data"))];
}

function codeTerm(ctx: CheckContext, network: NetworkInfo, term: ResolvedTerm["term"]): ResolvedTerm {
  const dependsOn = upstream([...ctx.networks.values()], network);
  return { term, dependsOn, reads: dataInputs(ctx, dependsOn) };
}

/** `mmd(q(z | x), p(z), kernel = imq(scale))`: the prior of the same real latent (AE0517). */
export function mmdTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const args = argumentsOf(ctx, call, "mmd", 2, 2, ["kernel"]);
  if (!args) return undefined;
  const code = encoderCode(ctx, "mmd", args[0]!.value);
  if (!code) return undefined;
  const variable = ctx.variables.get(code.variable)!;
  if (variable.type === "onehot") {
    ctx.report(diagnose.AE0517.onehot(code.variable), args[0]!.span);
    return undefined;
  }
  const prior = resolveDensity(ctx, args[1]!.value, true);
  if (prior === "broken") return undefined;
  if (!prior || prior.kind !== "prior") {
    if (prior) ctx.report(diagnose.AE0517.notPrior(code.variable), args[1]!.span);
    return undefined;
  }
  if (prior.prior.variable !== code.variable) {
    const other = ctx.variables.get(prior.prior.variable)!;
    ctx.report(diagnose.AE0517.shapes({ variable: code.variable, other: other.name, shape: `${variable.type}[${variable.shape.join(", ")}]`, otherShape: `${other.type}[${other.shape.join(", ")}]` }), args[1]!.span);
    return undefined;
  }
  const kernel = mmdKernel(ctx, args.find((a) => a.name?.name === "kernel")?.value, variable.size);
  if (!kernel) return undefined;
  return codeTerm(ctx, code.network, { kind: "mmd", network: code.network.name, variable: code.variable, ...kernel });
}

/** `imq(scale)` or `rbf(scale)`; the scale defaults to 2·dim(z), the WAE paper's C for a unit prior. */
function mmdKernel(ctx: CheckContext, e: A.Expression | undefined, dimensions: number): { kernel: MmdKernel; scale: number } | undefined {
  if (!e) return { kernel: "imq", scale: 2 * dimensions };
  const name = e.kind === "Call" ? e.callee.name : undefined;
  if (e.kind !== "Call" || (name !== "imq" && name !== "rbf") || e.given.length > 0 || e.args.length > 1 || e.args.some((a) => a.name && a.name.name !== "scale")) {
    ctx.report(diagnose.AE0517.kernel(printExpression(e)), e.span);
    return undefined;
  }
  const scaleArgument = e.args[0];
  const scale = scaleArgument ? checkValue(ctx, scaleArgument.value, { name: "scale", kind: "positive", scale: true }, `\`${name}\``) : 2 * dimensions;
  return scale === undefined ? undefined : { kernel: name, scale: scale as number };
}

/**
 * `tc(q(z | x))` over the batch (β-TCVAE), or `tc(q(z | x), d)` by the density ratio of a
 * discriminator judging z (FactorVAE): d's logit estimates log q(z) / Πⱼ q(zⱼ), d held fixed.
 */
export function tcTerm(ctx: CheckContext, call: A.Call): ResolvedTerm | undefined {
  const args = argumentsOf(ctx, call, "tc", 1, 2);
  if (!args) return undefined;
  const code = encoderCode(ctx, "tc", args[0]!.value);
  if (!code) return undefined;
  if (args.length === 1) {
    if (!normalPosterior(ctx, "tc", code, args[0]!.span)) return undefined;
    return codeTerm(ctx, code.network, { kind: "tc", network: code.network.name, variable: code.variable });
  }
  const name = bareName(args[1]!.value);
  if (name === undefined) {
    ctx.report(diagnose.AE0510.ganDiscriminator("tc"), args[1]!.span);
    return undefined;
  }
  const discriminator = resolveNetwork(ctx, { kind: "Identifier", name, span: args[1]!.span });
  if (!discriminator || discriminator === "broken") return undefined;
  if (discriminator.role !== "discriminator") {
    ctx.report(diagnose.AE0510.notDiscriminator({ name, role: discriminator.role }), args[1]!.span);
    return undefined;
  }
  if (conditionsOf(discriminator).length > 0) {
    ctx.report(diagnose.AE0566.tc({ discriminator: discriminator.name, conditions: conditionsOf(discriminator).join(", "), variable: code.variable }), args[1]!.span);
    return undefined;
  }
  if (discriminator.inputs[0] !== code.variable || discriminator.inputs.length !== 1) {
    ctx.report(diagnose.AE0518.discriminator({ discriminator: discriminator.name, judged: discriminator.inputs.join(", "), variable: code.variable }), args[1]!.span);
    return undefined;
  }
  return codeTerm(ctx, code.network, { kind: "tc", network: code.network.name, variable: code.variable, discriminator: discriminator.name });
}

/** `mi(q(z | x))`, `dwkl(q(z | x), p(z))` and `l2(q(z | x))`. */
export function codeRegulariser(ctx: CheckContext, call: A.Call, kind: "mi" | "dwkl" | "l2"): ResolvedTerm | undefined {
  const args = argumentsOf(ctx, call, kind, kind === "dwkl" ? 2 : 1, kind === "dwkl" ? 2 : 1);
  if (!args) return undefined;
  const code = encoderCode(ctx, kind, args[0]!.value);
  if (!code) return undefined;
  if (kind !== "l2" && !normalPosterior(ctx, kind, code, args[0]!.span)) return undefined;
  if (kind === "dwkl") {
    const prior = resolveDensity(ctx, args[1]!.value, true);
    if (prior === "broken" || !prior) return undefined;
    // A hierarchy's prior network of the same latent is its prior, conditional on the layer above: no marginal per dimension.
    if (prior.kind === "network" && prior.network.role === "prior" && prior.variable === code.variable) {
      ctx.report(diagnose.AE0518.dwklPrior({ prior: prior.network.name, distribution: "conditional" }), args[1]!.span, { labels: [{ span: prior.network.declaration.signature.span, message: "the prior network" }] });
      return undefined;
    }
    if (prior.kind !== "prior" || prior.prior.variable !== code.variable) {
      ctx.report(diagnose.AE0510.klPrior(code.variable), args[1]!.span);
      return undefined;
    }
    if (prior.prior.distribution !== "Normal" || prior.prior.given.length > 0) {
      ctx.report(diagnose.AE0518.dwklPrior({ prior: prior.prior.declaration.signature.name.name, distribution: prior.prior.given.length > 0 ? "conditional" : prior.prior.distribution }), args[1]!.span, {
        labels: [{ span: prior.prior.declaration.distribution.span, message: "the prior" }],
      });
      return undefined;
    }
  }
  return codeTerm(ctx, code.network, { kind, network: code.network.name, variable: code.variable });
}

/** `weightDecay(p)` and `gradientPenalty(p)`: a network by name or role (AE0520). */
export function networkRegulariser(ctx: CheckContext, call: A.Call, kind: "weightDecay" | "gradientPenalty"): ResolvedTerm | undefined {
  const name = call.args.length === 1 && !call.args[0]!.name ? bareName(call.args[0]!.value) : undefined;
  if (name === undefined) {
    ctx.report(diagnose.AE0520.notNetwork(kind), call.span);
    return undefined;
  }
  const network = resolveNetwork(ctx, { kind: "Identifier", name, span: call.args[0]!.span });
  if (!network || network === "broken") return undefined;
  if (kind === "weightDecay") {
    return { term: { kind, network: network.name }, dependsOn: [network.name], reads: [] };
  }
  const reason = gradientPenaltyObstacle(network);
  if (reason) {
    ctx.report(diagnose.AE0520.notDense({ network: network.name, reason }), call.args[0]!.span);
    return undefined;
  }
  // The penalty is taken at the inputs the network is given, which reach back into the encoders that sample them.
  const dependsOn = upstream([...ctx.networks.values()], network);
  return { term: { kind, network: network.name }, dependsOn, reads: dataInputs(ctx, dependsOn) };
}

/** Why `gradientPenalty` cannot differentiate a network's output by its input, if it cannot. */
function gradientPenaltyObstacle(network: NetworkInfo): string | undefined {
  if (network.role === "discriminator") return "is a discriminator";
  const layers = [...network.trunk, ...network.heads.flatMap((h) => h.layers)];
  if (!layers.every((l) => l.kind === "dense")) return `has ${layers.find((l) => l.kind !== "dense")!.kind} layers`;
  if (network.heads.length > 1) return `has ${network.heads.length} heads`;
  if (network.inputShape.length !== 1) return "reads an image";
  return undefined;
}

/** `permuted(q(z | x))` as a sample source: the codes with each dimension shuffled across the batch. */
export function permutedSource(ctx: CheckContext, e: A.Call): SampleSource | undefined {
  if (e.args.length !== 1 || e.args[0]!.name || e.given.length > 0) {
    ctx.report(diagnose.AE0519.arguments({ term: "permuted", usage: usage("permuted") }), e.span);
    return undefined;
  }
  const code = encoderCode(ctx, "permuted", e.args[0]!.value);
  if (!code) return undefined;
  if (ctx.variables.get(code.variable)!.size < 2) {
    ctx.report(diagnose.AE0519.permutedOneDimension(code.variable), e.span);
    return undefined;
  }
  return { kind: "permuted", network: code.network.name, variable: code.variable };
}

/** `permuted(q(z | x))`, as opposed to a network that happens to be called `permuted` (`permuted(z | x)`). */
export function isPermutedSource(e: A.Expression): boolean {
  return e.kind === "Call" && e.callee.name === "permuted" && e.hasParens && e.args.length >= 1 && e.args[0]!.value.kind === "Call" && e.args[0]!.value.hasParens;
}
