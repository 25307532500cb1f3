import { didYouMean } from "../../diagnostics/suggest.js";
import { bindCall } from "../bind.js";
import { findBuiltin, priors } from "../builtins.js";
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
      ctx.error("AE0404", "a prior is over one latent variable", signature.span, { help: "write one prior per latent, e.g. `prior p(z) = Normal(0, 1)`" });
      return;
    }
    const target = signature.outputs[0]!;
    const errorsBefore = ctx.errorCount();
    const variable = resolveVariable(ctx, target);
    const given = signature.given.map((g) => resolveVariable(ctx, g));
    const spec = findBuiltin(priors, distribution.callee.name);
    if (!spec) {
      const name = distribution.callee.name;
      ctx.error("AE0204", `unknown prior \`${name}\``, distribution.callee.span, {
        help: aliases[name] ? `write \`${aliases[name]}\`` : (didYouMean(name, priors.map((p) => p.name)) ?? `the priors are ${priors.map((p) => `\`${p.name}\``).join(", ")}`),
      });
      return;
    }
    const bound = bindCall(ctx, distribution, spec, "prior");
    if (!variable || !bound || given.includes(undefined)) return;

    if (variable.role !== "latent") {
      ctx.error("AE0404", `\`${variable.name}\` is data, so it has no prior: its values come from the dataset`, target.span, { help: `declare it \`latent\` if the model should infer it` });
      return;
    }
    if (ctx.priors.has(variable.name)) {
      ctx.error("AE0201", `\`${variable.name}\` has two priors`, signature.span, { labels: [{ span: ctx.priors.get(variable.name)!.declaration.span, message: "first prior" }] });
      return;
    }
    const kind = variable.type === "onehot" ? "onehot" : variable.type === "real" ? "real" : undefined;
    if (!kind || !spec.supports.includes(kind)) {
      const fitting = priors.filter((p) => kind && p.supports.includes(kind)).map((p) => `\`${p.name}\``);
      ctx.error("AE0404", `a ${spec.name} prior does not fit \`${variable.name}\`, which is ${variable.type}`, distribution.callee.span, {
        help: fitting.length > 0 ? `for a ${variable.type} latent use ${fitting.join(" or ")}` : `latents are real or onehot`,
      });
      return;
    }
    if (spec.dimensions === 2 && (variable.shape.length !== 1 || variable.shape[0] !== 2)) {
      ctx.error("AE0404", `${spec.name} is a 2-D prior, but \`${variable.name}\` has shape [${variable.shape.join(", ")}]`, distribution.callee.span, {
        help: `declare \`latent ${variable.name}: real[2]\`, or use Normal(0, 1)`,
      });
      return;
    }
    if (spec.name === "Uniform" && (bound.values.low as number) >= (bound.values.high as number)) {
      ctx.error("AE0605", `Uniform needs low < high, got [${bound.values.low}, ${bound.values.high}]`, distribution.span);
      return;
    }
    const conditioning = given.filter((g) => g !== undefined);
    if (conditioning.length > 0) {
      const label = conditioning[0]!;
      const components = bound.values.components as number | undefined;
      if (spec.name !== "MixtureOfGaussians" || conditioning.length > 1 || label.type !== "onehot" || label.size !== components) {
        ctx.error("AE0404", "only a MixtureOfGaussians prior can be conditioned, on one onehot label with one class per component", signature.span, {
          help: "e.g. `prior p(z | y) = MixtureOfGaussians(components = 10)` with `data y: onehot[10]`",
        });
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
