import { diagnose } from "../diagnostics/catalog.js";
import type * as A from "../syntax/ast.js";
import type { DistributionSpec } from "../language/vocabulary.js";
import type { Scalar } from "../language/schedules.js";
import type { CheckContext } from "./context.js";
import { bareName, constantValue } from "./evaluate.js";
import type { ParameterSource, Support } from "./model.js";
import { logvarBounds } from "./limits.js";
import { relaxedOption } from "./relaxed.js";

/**
 * The arguments of a likelihood that are not heads: constants (`sigma = 0.1`), learned
 * weights (`logvar = learned`, `logvar = learned(shared)`) and options (`levels = 256`).
 * Shared by `= Normal(mu, sigma = 0.1)` after a signature and by inline heads
 * (`x: Normal(mu = dense(784), sigma = 0.1)`), so both forms accept the same things.
 */
export type FixedArgument =
  | { readonly kind: "parameter"; readonly source: ParameterSource }
  | { readonly kind: "option"; readonly value: number }
  /** A relaxed categorical's temperature: a number or a schedule. */
  | { readonly kind: "temperature"; readonly value: Scalar };

/** The word that makes a parameter a learned weight of the network. */
export const learnedKeyword = "learned";

/**
 * Classifies one named argument: a fixed parameter, an option, "error" (reported), or
 * undefined when it is a head (a bare name or a layer call) for the caller to resolve.
 */
export function fixedArgument(ctx: CheckContext, spec: DistributionSpec, parameter: string, arg: A.Argument): FixedArgument | "error" | undefined {
  const option = spec.options?.find((o) => o.name === parameter);
  if (option) {
    // A relaxed categorical's options are a temperature (a number or a schedule) and a choice (`hard`); the others are counts.
    if (option.kind !== "size") return relaxedOption(ctx, option, arg);
    const value = constantValue(arg.value);
    if (value === undefined || !Number.isInteger(value) || value < (option.name === "levels" ? 2 : 1)) {
      ctx.report(diagnose.AE0419.option({ distribution: spec.name, option: option.name, minimum: option.name === "levels" ? 2 : 1 }), arg.value.span);
      return "error";
    }
    return { kind: "option", value };
  }
  const learned = learnedForm(arg.value);
  const constant = constantValue(arg.value);
  if (learned === undefined && constant === undefined) return undefined;
  const fixable = spec.fixable?.[parameter];
  if (!fixable) {
    const takes = Object.keys(spec.fixable ?? {});
    ctx.report(diagnose.AE0412.notFixable({ distribution: spec.name, parameter }), arg.value.span, {
      help: takes.length > 0 ? `only ${takes.map((t) => `\`${t}\``).join(" and ")} can be a constant or \`learned\`; \`${parameter}\` names a head` : `every parameter of ${spec.name} names a head, e.g. \`${parameter}: dense(…)\``,
    });
    return "error";
  }
  if (learned === "invalid") {
    ctx.report(diagnose.AE0412.learnedForm(parameter), arg.value.span);
    return "error";
  }
  if (learned) return { kind: "parameter", source: { learned } };
  if (!Number.isFinite(constant!) || (fixable === "positive" && constant! <= 0)) {
    ctx.report(diagnose.AE0413.scale({ distribution: spec.name, parameter, value: constant! }), arg.value.span, {
      help: fixable === "positive" ? `a scale is > 0, e.g. \`${parameter} = 0.1\`` : `\`${parameter}\` is a logarithm: any finite number`,
    });
    return "error";
  }
  const logvar = spec.name === "Normal" ? (parameter === "sigma" ? 2 * Math.log(constant!) : parameter === "logvar" ? constant! : undefined) : undefined;
  if (logvar !== undefined && (logvar < logvarBounds[0] || logvar > logvarBounds[1])) {
    ctx.report(diagnose.AE0443.variance({ distribution: spec.name, parameter, value: constant!, low: logvarBounds[0], high: logvarBounds[1] }), arg.value.span);
    return "error";
  }
  return { kind: "parameter", source: { constant: constant! } };
}

/** `learned` → one per dimension, `learned(shared)` → one scalar, `learned(other)` → invalid. */
function learnedForm(e: A.Expression): "each" | "shared" | "invalid" | undefined {
  if (e.kind !== "Call" || e.callee.name !== learnedKeyword) return undefined;
  if (!e.hasParens) return "each";
  return e.args.length === 1 && !e.args[0]!.name && bareName(e.args[0]!.value) === "shared" ? "shared" : "invalid";
}

/**
 * The bins of a discretized likelihood: an interval of integers such as `[0, 255]` holds
 * its integers (256 levels); any other interval (`[0, 1]`, `[-1, 1]`: 8-bit data rescaled)
 * holds 256 equal bins. `levels = N` overrides both.
 */
export function defaultLevels(support: Support): number {
  if (support.kind !== "interval") return 256;
  const { low, high } = support;
  return Number.isInteger(low) && Number.isInteger(high) && high - low >= 2 ? high - low + 1 : 256;
}

/** The resolved options of a likelihood: the given ones, `levels` defaulted from the data. */
export function resolveOptions(spec: DistributionSpec, given: Readonly<Record<string, number>>, support: Support): Record<string, number> | undefined {
  if (!spec.options) return undefined;
  const options: Record<string, number> = { ...given };
  if (spec.options.some((o) => o.name === "levels") && options.levels === undefined) options.levels = defaultLevels(support);
  if (spec.options.some((o) => o.name === "hard") && options.hard === undefined) options.hard = 0;
  return options;
}
