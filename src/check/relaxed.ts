import { diagnose } from "../diagnostics/catalog.js";
import type * as A from "../syntax/ast.js";
import type { ParameterSpec } from "../language/vocabulary.js";
import type { CheckContext, NetworkSignature } from "./context.js";
import { bareName, constantValue, describeExpression } from "./evaluate.js";
import type { NetworkInfo, NetworkOutput } from "./model.js";
import type { Scalar } from "../language/schedules.js";
import { checkScalar } from "./schedules.js";
import { describeSupport } from "./rules/supportsRule.js";

/**
 * The relaxed categorical (Gumbel-softmax, Jang et al. 2017; Concrete, Maddison et al.
 * 2017): an encoder `= RelaxedCategorical(logits, temperature = τ)` of a onehot latent
 * passes on softmax((logits + g) / τ), g ~ Gumbel(0, 1), differentiable in the logits;
 * `hard = true` passes on its one-hot argmax with the relaxed gradient (straight-through).
 * `hard` lives in the checked model's options as 0 or 1; the temperature, a number or a
 * schedule (Jang et al. anneal it), beside them as the output's `temperature`.
 */

export const relaxedCategorical = "RelaxedCategorical";

/** `temperature = τ` (a number > 0, or a schedule above 0 throughout: AE0624) or `hard = true | false` (1 or 0): AE0445 otherwise. */
export function relaxedOption(ctx: CheckContext, option: ParameterSpec, arg: A.Argument): { kind: "option"; value: number } | { kind: "temperature"; value: Scalar } | "error" {
  if (option.kind === "choice") {
    const name = bareName(arg.value);
    if (name === "true" || name === "false") return { kind: "option", value: name === "true" ? 1 : 0 };
    const given = constantValue(arg.value);
    ctx.report(diagnose.AE0445.hard({ given: given === undefined ? describeExpression(arg.value) : String(given) }), arg.value.span);
    return "error";
  }
  if (arg.value.kind === "Call" && arg.value.hasParens) {
    const schedule = checkScalar(ctx, arg.value, option, "the temperature");
    return schedule === undefined ? "error" : { kind: "temperature", value: schedule };
  }
  const value = constantValue(arg.value);
  if (value === undefined || !Number.isFinite(value) || value <= 0) {
    ctx.report(diagnose.AE0445.temperature({ given: value === undefined ? describeExpression(arg.value) : String(value) }), arg.value.span);
    return "error";
  }
  return { kind: "temperature", value };
}

/** A relaxed categorical written without its temperature (AE0445). */
export function reportMissingTemperature(ctx: CheckContext, span: A.Call["span"]): void {
  ctx.report(diagnose.AE0445.missing(), span);
}

/** AE0446 a relaxed categorical outside an encoder, AE0447 on a variable that is not a onehot latent, AE0449 a grouped onehot latent with another posterior. */
export function checkRelaxedOutputs(ctx: CheckContext, signature: NetworkSignature, outputs: readonly NetworkOutput[]): void {
  for (const output of outputs) {
    const at = signature.declaration.distribution?.span ?? signature.declaration.signature.span;
    if (output.distribution !== relaxedCategorical) {
      checkGroups(ctx, signature, output, at);
      continue;
    }
    if (signature.role !== "encoder") {
      ctx.report(diagnose.AE0446.notEncoder({ network: signature.name, role: signature.role }), at, {
        help: signature.role === "decoder" ? "use `Categorical(logits)`, the likelihood of onehot data" : "declare the network an `encoder` of a onehot latent",
      });
      continue;
    }
    const variable = ctx.variables.get(output.variable)!;
    if (variable.type !== "onehot") {
      ctx.report(diagnose.AE0447.support({ variable: variable.name, support: describeSupport(variable) }), at, {
        help: variable.type === "real" ? `use Normal(mu, logvar) for a real latent, or declare \`latent ${variable.name}: onehot[K]\`` : `declare \`latent ${variable.name}: onehot[K]\``,
      });
    }
  }
}

/** AE0449: a onehot latent of several groups (`onehot[N, K]`) whose encoder is not a relaxed categorical. */
function checkGroups(ctx: CheckContext, signature: NetworkSignature, output: NetworkOutput, at: A.Call["span"]): void {
  const variable = ctx.variables.get(output.variable)!;
  if (variable.type !== "onehot" || variable.shape.length < 2) return;
  ctx.report(diagnose.AE0449.groups({ variable: variable.name, shape: `onehot[${variable.shape.join(", ")}]`, network: signature.name, distribution: output.distribution }), at, {
    help: `declare \`${signature.name}\` \`= RelaxedCategorical(logits, temperature = 0.5)\` with a head \`logits\` shaped [${variable.shape.join(", ")}], or make \`${variable.name}\` one group, \`onehot[${variable.shape[variable.shape.length - 1]}]\``,
  });
}

/** The temperature and straight-through flag of a relaxed output, as lowering and the generators read them. */
export function relaxedOptions(output: NetworkOutput): { temperature: Scalar; hard: boolean } {
  return { temperature: output.temperature!, hard: output.options?.hard === 1 };
}

/** AE0448: an objective (`iwae`, `betaTC`) with no bound here for a relaxed categorical latent; true when it has none. */
export function rejectRelaxed(ctx: CheckContext, objective: string, encoder: NetworkInfo, variable: string, span: A.Call["span"]): boolean {
  if (encoder.distributions.find((o) => o.variable === variable)?.distribution !== relaxedCategorical) return false;
  ctx.report(diagnose.AE0448.objective({ objective, variable, network: encoder.name }), span, {
    help: "use `objective elbo` (the analytic KL of the underlying categorical), or write the terms as phases",
  });
  return true;
}
