import { diagnose } from "../diagnostics/catalog.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { printExpression } from "../syntax/format.js";
import { type Scalar, type Schedule, isSchedule, scalarRange, scaleSchedule, scheduleNames, schedules } from "../language/schedules.js";
import { findBuiltin, type ParameterSpec } from "../language/vocabulary.js";
import { bindCall, checkNumber } from "./bind.js";
import type { CheckContext } from "./context.js";
import { constantValue } from "./evaluate.js";

/**
 * Schedules as the checker sees them: a call `linear(…)`, `cyclical(…)` or `exponential(…)`
 * wherever a number may follow one (a term's weight, a `schedulable` preset parameter, the
 * capacity C of `abs(term - C)`), checked once here into the IR's `Schedule`.
 */

/** A schedule called by name: `linear(0, 1, epochs = 10)`. */
export function isScheduleCall(e: A.Expression): boolean {
  return e.kind === "Call" && e.hasParens && (scheduleNames as readonly string[]).includes(e.callee.name);
}

/** AE0621 the clock, AE0622 cycles that do not divide the length, AE0623 the rising fraction, AE0625 an exponential that does not decay. */
export function checkSchedule(ctx: CheckContext, call: A.Call): Schedule | undefined {
  const spec = findBuiltin(schedules, call.callee.name)!;
  const bound = bindCall(ctx, call, spec, "schedule");
  if (!bound) return undefined;
  const v = bound.values as Record<string, number | string | undefined>;
  const num = (name: string) => v[name] as number;
  if (spec.name === "exponential") {
    if (num("floor") >= num("from")) {
      ctx.report(diagnose.AE0625.floor({ from: num("from"), floor: num("floor") }), bound.spans.floor ?? call.span);
      return undefined;
    }
    return { schedule: "exponential", from: num("from"), floor: num("floor"), rate: num("rate"), unit: v.per === "step" ? "steps" : "epochs" };
  }
  const clocks = (["epochs", "steps"] as const).filter((k) => v[k] !== undefined);
  if (clocks.length === 2) {
    ctx.report(diagnose.AE0621.both({ schedule: spec.name }), bound.spans.steps ?? call.span);
    return undefined;
  }
  if (clocks.length === 0 && spec.name === "linear") {
    ctx.report(diagnose.AE0621.missing({ schedule: spec.name }), call.span);
    return undefined;
  }
  // Cyclical annealing spans the whole training unless told otherwise (Fu et al.'s T); a broken train block is reported there.
  const unit = clocks[0] ?? "epochs";
  const length = clocks[0] ? num(clocks[0]) : ctx.train.epochs;
  if (length === undefined) return undefined;
  if (spec.name === "linear") return { schedule: "linear", from: num("from"), to: num("to"), unit, length };
  const rising = num("rising");
  if (!(rising > 0 && rising <= 1)) {
    ctx.report(diagnose.AE0623.outside({ value: rising }), bound.spans.rising ?? call.span);
    return undefined;
  }
  const cycles = num("cycles");
  if (length % cycles !== 0) {
    const divisors = Array.from({ length: Math.min(length, 1000) }, (_, i) => i + 1).filter((d) => length % d === 0);
    const shown = divisors.length > 8 ? [...divisors.slice(0, 8).map(String), "…"] : divisors.map(String);
    ctx.report(diagnose.AE0622.notDividing({ cycles, length, unit, divisors: shown.join(", ") }), bound.spans.cycles ?? bound.spans[unit] ?? call.span);
    return undefined;
  }
  return { schedule: "cyclical", from: num("from"), to: num("to"), unit, length, cycles, rising };
}

const rangeOf: Partial<Record<ParameterSpec["kind"], { fits: (low: number, high: number) => boolean; expected: string }>> = {
  nonnegative: { fits: (low) => low >= 0, expected: "0 or more throughout" },
  positive: { fits: (low) => low > 0, expected: "above 0 throughout" },
  probability: { fits: (low, high) => low >= 0 && high <= 1, expected: "in [0, 1] throughout" },
};

/**
 * A parameter that takes a number or a schedule (`schedulable` in vocabulary.ts): a number
 * checked as any other, or a schedule every value of which fits the parameter's kind (AE0624).
 */
export function checkScalar(ctx: CheckContext, e: A.Expression, parameter: ParameterSpec, where: string): Scalar | undefined {
  if (e.kind !== "Call" || !e.hasParens) return checkNumber(ctx, e, parameter.kind, where, parameter);
  if (!isScheduleCall(e)) {
    reportUnknownSchedule(ctx, e);
    return undefined;
  }
  const schedule = checkSchedule(ctx, e);
  if (!schedule) return undefined;
  const [low, high] = scalarRange(schedule);
  const range = rangeOf[parameter.kind];
  if (range && !range.fits(low, high)) {
    ctx.report(diagnose.AE0624.range({ what: where, low, high, expected: range.expected }), e.span);
    return undefined;
  }
  return schedule;
}

/** AE0204 for a call where a schedule goes: `warmup(…)` is the common guess. */
export function reportUnknownSchedule(ctx: CheckContext, call: A.Call): void {
  const warmup = /warm|anneal|ramp/i.test(call.callee.name);
  ctx.report(diagnose.AE0204.unknown({ kind: "schedule", name: call.callee.name }), call.callee.span, {
    help: warmup
      ? "a warm-up is `linear(0, 1, epochs = 10)`; cyclical annealing `cyclical(0, 1, cycles = 4)`"
      : (didYouMean(call.callee.name, scheduleNames) ?? `the schedules are ${scheduleNames.map((s) => `\`${s}\``).join(", ")}`),
  });
}

/** k × a weight that may be a schedule (`4 * linear(…) * kl(…)`); AE0620 for a schedule scaled below 0. */
export function scaleScalar(ctx: CheckContext, weight: Scalar, k: number, e: A.Expression): Scalar | undefined {
  if (!isSchedule(weight)) return weight * k;
  if (k < 0) {
    ctx.report(diagnose.AE0620.negativeScale({ expression: printExpression(e) }), e.span);
    return undefined;
  }
  return scaleSchedule(weight, k);
}

/** A weight times a schedule: the schedule scaled by the weight; AE0620 for two schedules. */
export function timesSchedule(ctx: CheckContext, weight: Scalar, schedule: Schedule, e: A.Expression): Scalar | undefined {
  if (isSchedule(weight)) {
    ctx.report(diagnose.AE0620.product({ expression: printExpression(e) }), e.span);
    return undefined;
  }
  return scaleScalar(ctx, schedule, weight, e);
}

/** An expression of numbers and schedules only (`4 * linear(…)`): a weight, not a term. */
export function isWeightExpression(e: A.Expression): boolean {
  switch (e.kind) {
    case "NumberLiteral":
      return true;
    case "Call":
      return isScheduleCall(e);
    case "ParenthesizedExpression":
      return isWeightExpression(e.expression);
    case "UnaryExpression":
      return isWeightExpression(e.operand);
    case "BinaryExpression":
      return (e.operator === "*" || e.operator === "/") && isWeightExpression(e.left) && isWeightExpression(e.right);
  }
}

/** The value of a weight expression: a number, or one schedule scaled by numbers; AE0620 for two schedules or a negative scale. */
export function weightFactor(ctx: CheckContext, e: A.Expression): Scalar | undefined {
  const constant = constantValue(e);
  if (constant !== undefined) return constant;
  switch (e.kind) {
    case "Call":
      return checkSchedule(ctx, e);
    case "ParenthesizedExpression":
      return weightFactor(ctx, e.expression);
    case "UnaryExpression": {
      const inner = weightFactor(ctx, e.operand);
      return inner === undefined ? undefined : scaleScalar(ctx, inner, -1, e);
    }
    case "BinaryExpression": {
      const left = weightFactor(ctx, e.left);
      const right = left === undefined ? undefined : weightFactor(ctx, e.right);
      if (left === undefined || right === undefined) return undefined;
      if (e.operator === "/") return typeof right === "number" && right !== 0 ? scaleScalar(ctx, left, 1 / right, e) : reportProduct(ctx, e);
      if (typeof right === "number") return scaleScalar(ctx, left, right, e);
      return timesSchedule(ctx, left, right, e);
    }
    default:
      return undefined;
  }
}

function reportProduct(ctx: CheckContext, e: A.Expression): undefined {
  ctx.report(diagnose.AE0620.product({ expression: printExpression(e) }), e.span);
  return undefined;
}

/** `abs(term - C)`: the term's call and its capacity C (a number or a schedule), or AE0626. */
export function capacityParts(ctx: CheckContext, call: A.Call): { term: A.Call; capacity: Scalar } | undefined {
  const inner = call.args.length === 1 && !call.args[0]!.name && call.given.length === 0 ? unwrap(call.args[0]!.value) : undefined;
  if (inner?.kind === "BinaryExpression" && inner.operator === "-") {
    const term = unwrap(inner.left);
    const right = unwrap(inner.right);
    if (term.kind === "Call" && term.hasParens && !isScheduleCall(term) && term.callee.name !== "abs") {
      if (constantValue(right) !== undefined) {
        const constant = checkNumber(ctx, right, "number", "the capacity C of `abs(term - C)`");
        return constant === undefined ? undefined : { term, capacity: constant };
      }
      if (isScheduleCall(right)) {
        const capacity = checkSchedule(ctx, right as A.Call);
        return capacity && { term, capacity };
      }
    }
  }
  ctx.report(diagnose.AE0626.form({ expression: printExpression(call) }), call.span);
  return undefined;
}

function unwrap(e: A.Expression): A.Expression {
  return e.kind === "ParenthesizedExpression" ? unwrap(e.expression) : e;
}
