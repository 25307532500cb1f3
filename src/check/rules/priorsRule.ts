import { diagnose } from "../../diagnostics/catalog.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { bindCall } from "../bind.js";
import { findBuiltin, priors } from "../../language/vocabulary.js";
import type { CheckContext } from "../context.js";
import { resolveVariable } from "../resolve.js";

const aliases: Record<string, string> = { Gaussian: "Normal", N: "Normal", Gauss: "Normal", MoG: "MixtureOfGaussians", GMM: "MixtureOfGaussians" };

/**
 * Priors: AE0204 unknown prior, AE0201 two priors on one latent, AE0404 a prior that
 * does not fit its variable (a data variable, a type or dimension it is not defined for).
 */
export function priorsRule(ctx: CheckContext): void {
  for (const decl of ctx.items("PriorDeclaration")) {
    priorDeclaration(ctx, decl);
    const variable = decl.signature.outputs[0]?.name;
    if (variable !== undefined && !ctx.priors.has(variable)) ctx.brokenPriors.add(variable);
  }
}

function priorDeclaration(ctx: CheckContext, decl: import("../../syntax/ast.js").PriorDeclaration): void {
  {
    const { signature, distribution } = decl;
    if (signature.outputs.length !== 1) {
      ctx.report(diagnose.AE0404.severalVariables(), signature.span);
      return;
    }
    const target = signature.outputs[0]!;
    const errorsBefore = ctx.errorCount();
    const variable = resolveVariable(ctx, target);
    const given = signature.given.map((g) => resolveVariable(ctx, g));
    const spec = findBuiltin(priors, distribution.callee.name);
    if (!spec) {
      const name = distribution.callee.name;
      ctx.report(diagnose.AE0204.unknown({ kind: "prior", name }), distribution.callee.span, {
        help: aliases[name] ? `write \`${aliases[name]}\`` : (didYouMean(name, priors.map((p) => p.name)) ?? `the priors are ${priors.map((p) => `\`${p.name}\``).join(", ")}`),
      });
      return;
    }
    const bound = bindCall(ctx, distribution, spec, "prior");
    if (!variable || !bound || given.includes(undefined)) return;

    if (variable.role !== "latent") {
      ctx.report(diagnose.AE0404.data(variable.name), target.span);
      return;
    }
    if (ctx.priors.has(variable.name)) {
      ctx.report(diagnose.AE0201.twoPriors(variable.name), signature.span, { labels: [{ span: ctx.priors.get(variable.name)!.declaration.span, message: "first prior" }] });
      return;
    }
    const kind = variable.type === "onehot" ? "onehot" : variable.type === "real" ? "real" : undefined;
    if (!kind || !spec.supports.includes(kind)) {
      const fitting = priors.filter((p) => kind && p.supports.includes(kind)).map((p) => `\`${p.name}\``);
      ctx.report(diagnose.AE0404.type({ prior: spec.name, variable: variable.name, type: variable.type }), distribution.callee.span, {
        help: fitting.length > 0 ? `for a ${variable.type} latent use ${fitting.join(" or ")}` : `latents are real or onehot`,
      });
      return;
    }
    if (spec.dimensions === 2 && (variable.shape.length !== 1 || variable.shape[0] !== 2)) {
      ctx.report(diagnose.AE0404.notTwoDimensional({ prior: spec.name, variable: variable.name, shape: variable.shape }), distribution.callee.span);
      return;
    }
    if (spec.name === "Uniform" && (bound.values.low as number) >= (bound.values.high as number)) {
      ctx.report(diagnose.AE0605.emptyUniform({ low: bound.values.low as number, high: bound.values.high as number }), distribution.span);
      return;
    }
    const conditioning = given.filter((g) => g !== undefined);
    if (conditioning.length > 0) {
      const label = conditioning[0]!;
      const components = bound.values.components as number | undefined;
      if (spec.name !== "MixtureOfGaussians" || conditioning.length > 1 || label.type !== "onehot" || label.size !== components) {
        ctx.report(diagnose.AE0404.conditioned(), signature.span);
        return;
      }
    }
    if (ctx.errorCount() > errorsBefore) return;
    ctx.priors.set(variable.name, {
      variable: variable.name,
      given: conditioning.map((g) => g!.name),
      distribution: spec.name,
      parameters: bound.values as Record<string, number | string>,
      density: spec.density,
      declaration: decl,
    });
  }
}
