import { diagnose } from "../diagnostics/catalog.js";
import { andList, didYouMean, orList } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { activations, type BuiltinSpec, type ParameterKind, type ParameterSpec } from "../language/vocabulary.js";
import type { CheckContext } from "./context.js";
import { bareName, constantValue, describeExpression } from "./evaluate.js";
import { maxMagnitude, minPositive, minScale } from "./limits.js";
import type { ArgumentValue } from "./model.js";
import type { Schedule } from "../language/schedules.js";
import { checkScalar, isScheduleCall } from "./schedules.js";

/** Sizes beyond this are certainly mistakes (and would exhaust memory long before training). */
export const maxSize = 1_000_000;

export interface BoundCall {
  readonly values: Record<string, ArgumentValue | readonly number[] | Schedule>;
  /** Arguments that are calls themselves (layers inside a head's distribution). */
  readonly calls: Record<string, A.Call>;
  readonly spans: Record<string, A.Argument["span"]>;
}

/**
 * Binds a call's arguments to a builtin's parameters (positional, then named), checks
 * every value against its kind, and fills defaults. Reports what is wrong and returns
 * undefined, so callers never work with half-bound arguments.
 */
export function bindCall(ctx: CheckContext, call: A.Call, spec: BuiltinSpec, what: string): BoundCall | undefined {
  const before = ctx.errorCount();
  const values: BoundCall["values"] = {};
  const calls: BoundCall["calls"] = {};
  const spans: BoundCall["spans"] = {};
  const label = `${what} \`${spec.name}\``;

  if (call.given.length > 0) {
    ctx.report(diagnose.AE0208.conditioning(label), call.given[0]!.span);
  }

  const given = new Map<string, A.Argument>();
  const variadic: A.Argument[] = [];
  let seenNamed = false;
  call.args.forEach((arg, index) => {
    if (arg.name) {
      seenNamed = true;
      const parameter = spec.parameters.find((p) => p.name === arg.name!.name);
      if (!parameter) {
        const names = spec.parameters.map((p) => `\`${p.name}\``);
        ctx.report(diagnose.AE0207.unknownParameter({ call: label, name: arg.name.name }), arg.name.span, {
          help: didYouMean(arg.name.name, spec.parameters.map((p) => p.name)) ?? (names.length > 0 ? `its parameters are ${andList(names)}` : `it takes no arguments`),
        });
        return;
      }
      if (given.has(parameter.name)) {
        ctx.report(diagnose.AE0208.givenTwice({ call: label, parameter: parameter.name }), arg.span);
        return;
      }
      given.set(parameter.name, arg);
      return;
    }
    if (seenNamed) {
      ctx.report(diagnose.AE0208.positionalAfterNamed(label), arg.span);
      return;
    }
    const parameter = spec.parameters[index];
    if (parameter) given.set(parameter.name, arg);
    else if (spec.variadic) variadic.push(arg);
    else {
      const count = spec.parameters.length;
      ctx.report(diagnose.AE0208.tooMany({ call: label, most: count, given: call.args.length }), arg.span, {
        help: count === 0 ? `write \`${spec.name}\` without parentheses` : `its parameters are ${andList(spec.parameters.map((p) => `\`${p.name}\``))}`,
      });
    }
  });

  // A misspelt name already reported stands for the parameter it meant: no "missing" error on top.
  const misspelt = ctx.errorCount() > before;
  for (const parameter of spec.parameters) {
    const arg = given.get(parameter.name);
    if (!arg) {
      if (parameter.required && !misspelt) {
        ctx.report(diagnose.AE0208.missing({ call: label, parameter: parameter.name, doc: parameter.doc }), call.span, { help: `for example \`${example(spec, parameter)}\`` });
      } else if (parameter.default !== undefined) {
        values[parameter.name] = parameter.default;
      }
      continue;
    }
    spans[parameter.name] = arg.span;
    if (parameter.kind === "layer") {
      if (arg.value.kind === "Call") calls[parameter.name] = arg.value;
      else ctx.report(diagnose.AE0606.layer({ call: label, parameter: parameter.name, found: describeExpression(arg.value) }), arg.value.span);
      continue;
    }
    const value = parameter.schedulable ? checkScalar(ctx, arg.value, parameter, `\`${parameter.name}\` of ${label}`) : checkValue(ctx, arg.value, parameter, label);
    if (value !== undefined) values[parameter.name] = value;
  }

  if (variadic.length > 0) {
    const dims: number[] = [];
    for (const arg of variadic) {
      const value = checkValue(ctx, arg.value, { name: "dimension", kind: spec.variadic!, doc: "" }, label);
      if (typeof value === "number") dims.push(value);
    }
    values.dimensions = dims;
  }

  return ctx.errorCount() === before ? { values, calls, spans } : undefined;
}

function example(spec: BuiltinSpec, parameter: ParameterSpec): string {
  const sample: Record<ParameterKind, string> = {
    size: "10", positive: "1e-3", nonnegative: "1", probability: "0.5", number: "0",
    activation: "relu", choice: parameter.choices?.[0] ?? "", head: parameter.name, layer: "dense(10)",
  };
  return `${spec.name}(${parameter.name} = ${sample[parameter.kind]})`;
}

/** Checks one value against its parameter's kind, reporting and returning undefined when it does not fit. */
export function checkValue(ctx: CheckContext, e: A.Expression, parameter: Pick<ParameterSpec, "name" | "kind"> & Range & { readonly choices?: readonly string[]; readonly doc?: string }, label: string): ArgumentValue | undefined {
  const where = `\`${parameter.name}\` of ${label}`;
  switch (parameter.kind) {
    case "activation":
    case "choice":
    case "head": {
      const name = bareName(e);
      const options = parameter.kind === "activation" ? activations : parameter.kind === "choice" ? (parameter.choices ?? []) : undefined;
      if (name === undefined) {
        const expected = options ? orList(options.map((o) => `\`${o}\``)) : "a name";
        ctx.report(diagnose.AE0606.name({ what: where, expected, found: describeExpression(e) }), e.span);
        return undefined;
      }
      if (options && !options.includes(name)) {
        ctx.report(diagnose.AE0204.unknownChoice({ what: parameter.kind === "activation" ? "activation" : parameter.name, name, call: label }), e.span, {
          help: didYouMean(name, options) ?? `expected ${orList(options.map((o) => `\`${o}\``))}`,
        });
        return undefined;
      }
      return name;
    }
    default:
      return checkNumber(ctx, e, parameter.kind, where, parameter);
  }
}

/** What a parameter's spec says of its range beyond its kind (vocabulary.ts). */
type Range = Pick<ParameterSpec, "belowOne" | "scale" | "default">;

/**
 * Checks a number against its kind and against what float32 training can represent
 * (limits.ts): AE0601/AE0602/AE0603/AE0604 by kind, AE0604 a probability of 1 where 1
 * breaks the maths, AE0608 a magnitude above 1e15, a positive number that rounds to 0,
 * a standard deviation below 1e-6.
 */
export function checkNumber(ctx: CheckContext, e: A.Expression, kind: ParameterKind, where: string, range: Range = {}): number | undefined {
  const value = constantValue(e);
  if (value === undefined) {
    if (isScheduleCall(e)) ctx.report(diagnose.AE0620.notHere({ what: where, schedule: (e as A.Call).callee.name }), e.span);
    else ctx.report(diagnose.AE0606.number({ what: where, found: describeExpression(e) }), e.span);
    return undefined;
  }
  if (!Number.isFinite(value)) {
    ctx.report(diagnose.AE0605.notFinite({ what: where, value }), e.span);
    return undefined;
  }
  if (kind !== "size" && Math.abs(value) > maxMagnitude) {
    ctx.report(diagnose.AE0608.magnitude({ what: where, value, limit: maxMagnitude }), e.span);
    return undefined;
  }
  // A number that float32 rounds to 0 is not the number written (a weight of 1e-200 is a weight of 0, and 0 × an infinite term is NaN).
  if (kind !== "size" && value !== 0 && Math.abs(value) < minPositive && !(kind === "positive" && value < 0)) {
    ctx.report(diagnose.AE0608.underflow({ what: where, value, limit: minPositive }), e.span);
    return undefined;
  }
  switch (kind) {
    case "size":
      if (!Number.isInteger(value) || value < 1) {
        ctx.report(diagnose.AE0601.size({ what: where, value }), e.span);
        return undefined;
      }
      if (value > maxSize) {
        ctx.report(diagnose.AE0607.size({ what: where, value, limit: maxSize }), e.span);
        return undefined;
      }
      return value;
    case "positive":
      if (value <= 0) {
        ctx.report(diagnose.AE0602.positive({ what: where, value }), e.span);
        return undefined;
      }
      if (range.scale && value < minScale) {
        ctx.report(diagnose.AE0608.scale({ what: where, value, limit: minScale }), e.span);
        return undefined;
      }
      return value;
    case "nonnegative":
      if (value < 0) {
        ctx.report(diagnose.AE0603.nonnegative({ what: where, value }), e.span);
        return undefined;
      }
      return value;
    case "probability":
      if (value < 0 || value > 1) {
        ctx.report(diagnose.AE0604.probability({ what: where, value }), e.span);
        return undefined;
      }
      if (range.belowOne && value === 1) {
        const below = typeof range.default === "number" && range.default > 0 && range.default < 1 ? range.default : 0.5;
        ctx.report(diagnose.AE0604.belowOne({ what: where, value, why: range.belowOne }), e.span, { fix: { span: e.span, replacement: String(below), message: "use a value below 1" } });
        return undefined;
      }
      return value;
    default:
      return value;
  }
}
