import { diagnose } from "../../diagnostics/catalog.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { bindCall } from "../bind.js";
import { corruptions, findBuiltin } from "../../language/vocabulary.js";
import type { CheckContext } from "../context.js";
import { resolveVariable } from "../resolve.js";
import { describeSupport } from "./supportsRule.js";

/**
 * Input corruption for denoising: AE0204 unknown kind, AE0403 a corruption that leaves
 * the data's support (salt pushing pixels above 1, Gaussian noise on binary data, masking
 * to a value the support excludes) or that no encoder sees, AE0201 two on one variable.
 */
export function corruptionsRule(ctx: CheckContext): void {
  for (const decl of ctx.items("CorruptionDeclaration")) {
    const variable = resolveVariable(ctx, decl.target);
    const spec = findBuiltin(corruptions, decl.noise.callee.name);
    if (!spec) {
      ctx.report(diagnose.AE0204.unknown({ kind: "corruption", name: decl.noise.callee.name }), decl.noise.callee.span, {
        help: didYouMean(decl.noise.callee.name, corruptions.map((c) => c.name)) ?? `the corruptions are ${corruptions.map((c) => `\`${c.name}\``).join(", ")}`,
      });
      continue;
    }
    const bound = bindCall(ctx, decl.noise, spec, "corruption");
    if (!variable || !bound) continue;
    if (variable.role !== "data") {
      ctx.report(diagnose.AE0403.latent(variable.name), decl.target.span);
      continue;
    }
    if (ctx.corruptions.has(variable.name)) {
      ctx.report(diagnose.AE0201.corruptedTwice(variable.name), decl.span, { labels: [{ span: ctx.corruptions.get(variable.name)!.declaration.span, message: "first corruption" }] });
      continue;
    }
    const { support } = variable;
    if (spec.name === "gaussianNoise" && (support.kind === "binary" || support.kind === "onehot")) {
      ctx.report(diagnose.AE0403.gaussianOnDiscrete({ variable: variable.name, support: support.kind }), decl.noise.callee.span);
      continue;
    }
    if (spec.name === "saltPepper") {
      if (support.kind === "onehot") {
        ctx.report(diagnose.AE0403.saltPepperOnOnehot(), decl.noise.callee.span);
        continue;
      }
      const bounds = support.kind === "interval" ? [support.low, support.high] : support.kind === "binary" ? [0, 1] : undefined;
      const low = (bound.values.low as number | undefined) ?? bounds?.[0];
      const high = (bound.values.high as number | undefined) ?? bounds?.[1];
      if (low === undefined || high === undefined) {
        ctx.report(diagnose.AE0403.saltPepperUnbounded(variable.name), decl.noise.span);
        continue;
      }
      const outside = ([["high", high], ["low", low]] as const).filter(
        ([, value]) => bounds !== undefined && (value < bounds[0]! || value > bounds[1]! || (support.kind === "binary" && value !== 0 && value !== 1)),
      );
      for (const [which, value] of outside) {
        ctx.report(diagnose.AE0403.saltPepperValue({ which: which === "high" ? "salt" : "pepper", value, variable: variable.name, support: describeSupport(variable) }), bound.spans[which] ?? decl.noise.span, {
          help: `use a value in [${bounds![0]}, ${bounds![1]}], or leave \`${which}\` out to use the support's end`,
        });
      }
      if (outside.length > 0) continue;
    }
    if (spec.name === "masking") {
      const zeroAllowed = support.kind === "real" || support.kind === "binary" || (support.kind === "interval" && support.low <= 0 && support.high >= 0);
      if (!zeroAllowed) {
        ctx.report(diagnose.AE0403.maskingOutsideSupport({ variable: variable.name, support: describeSupport(variable) }), decl.noise.callee.span);
        continue;
      }
    }
    ctx.corruptions.set(variable.name, { variable: variable.name, kind: spec.name, parameters: bound.values as Record<string, number>, declaration: decl });
  }
  for (const [name, corruption] of ctx.corruptions) {
    const read = [...ctx.networks.values()].some((n) => n.role === "encoder" && n.inputs.includes(name));
    if (!read && ctx.items("NetworkDeclaration").every((n) => n.role !== "encoder" || ctx.networks.has(n.signature.name.name))) {
      ctx.report(diagnose.AE0403.unread(name), corruption.declaration.span);
    }
  }
}
