import { didYouMean } from "../../diagnostics/suggest.js";
import { bindCall } from "../bind.js";
import { corruptions, findBuiltin } from "../builtins.js";
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
      ctx.error("AE0204", `unknown corruption \`${decl.noise.callee.name}\``, decl.noise.callee.span, {
        help: didYouMean(decl.noise.callee.name, corruptions.map((c) => c.name)) ?? `the corruptions are ${corruptions.map((c) => `\`${c.name}\``).join(", ")}`,
      });
      continue;
    }
    const bound = bindCall(ctx, decl.noise, spec, "corruption");
    if (!variable || !bound) continue;
    if (variable.role !== "data") {
      ctx.error("AE0403", `only data can be corrupted; \`${variable.name}\` is a latent`, decl.target.span);
      continue;
    }
    if (ctx.corruptions.has(variable.name)) {
      ctx.error("AE0201", `\`${variable.name}\` is corrupted twice`, decl.span, { labels: [{ span: ctx.corruptions.get(variable.name)!.declaration.span, message: "first corruption" }] });
      continue;
    }
    const { support } = variable;
    const fail = (message: string, span = decl.noise.span, help?: string) => ctx.error("AE0403", message, span, help ? { help } : {});
    if (spec.name === "gaussianNoise" && (support.kind === "binary" || support.kind === "onehot")) {
      fail(`Gaussian noise takes \`${variable.name}\` out of its support (${support.kind})`, decl.noise.callee.span, "use `saltPepper(p = …)` or `masking(p = …)` for discrete data");
      continue;
    }
    if (spec.name === "saltPepper") {
      if (support.kind === "onehot") {
        fail("salt-and-pepper noise does not keep a onehot vector onehot", decl.noise.callee.span);
        continue;
      }
      const bounds = support.kind === "interval" ? [support.low, support.high] : support.kind === "binary" ? [0, 1] : undefined;
      const low = (bound.values.low as number | undefined) ?? bounds?.[0];
      const high = (bound.values.high as number | undefined) ?? bounds?.[1];
      if (low === undefined || high === undefined) {
        fail(`\`${variable.name}\` is unbounded, so salt-and-pepper needs explicit \`low\` and \`high\` values`, decl.noise.span, "e.g. `saltPepper(p = 0.1, low = -1, high = 1)`");
        continue;
      }
      const outside = ([["high", high], ["low", low]] as const).filter(
        ([, value]) => bounds !== undefined && (value < bounds[0]! || value > bounds[1]! || (support.kind === "binary" && value !== 0 && value !== 1)),
      );
      for (const [which, value] of outside) {
        fail(`the ${which === "high" ? "salt" : "pepper"} value ${value} is outside \`${variable.name}\`'s support (${describeSupport(variable)})`, bound.spans[which] ?? decl.noise.span, `use a value in [${bounds![0]}, ${bounds![1]}], or leave \`${which}\` out to use the support's end`);
      }
      if (outside.length > 0) continue;
    }
    if (spec.name === "masking") {
      const zeroAllowed = support.kind === "real" || support.kind === "binary" || (support.kind === "interval" && support.low <= 0 && support.high >= 0);
      if (!zeroAllowed) {
        fail(`masking sets values to 0, which is outside \`${variable.name}\`'s support (${describeSupport(variable)})`, decl.noise.callee.span);
        continue;
      }
    }
    ctx.corruptions.set(variable.name, { variable: variable.name, kind: spec.name, parameters: bound.values as Record<string, number>, declaration: decl });
  }
  for (const [name, corruption] of ctx.corruptions) {
    const read = [...ctx.networks.values()].some((n) => n.role === "encoder" && n.inputs.includes(name));
    if (!read && ctx.items("NetworkDeclaration").every((n) => n.role !== "encoder" || ctx.networks.has(n.signature.name.name))) {
      ctx.error("AE0403", `\`${name}\` is corrupted, but no encoder reads it, so the corruption has no effect`, corruption.declaration.span);
    }
  }
}
