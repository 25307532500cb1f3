import { diagnose } from "../../diagnostics/catalog.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { checkNumber } from "../bind.js";
import { variableTypes, type VariableType } from "../../language/vocabulary.js";
import type { CheckContext } from "../context.js";
import type { Support } from "../model.js";
import { sizeOf } from "../shapes.js";

/** Largest number of values one variable may hold (a 1024×1024×3 image is 3.1 M). */
const maxVariableSize = 10_000_000;

/**
 * Types of data and latent variables: AE0204 unknown type, AE0301 onehot shape (one
 * dimension, at least two classes),
 * AE0405 a support on a type that has its own, AE0601/AE0605/AE0607 sizes and bounds.
 */
export function variablesRule(ctx: CheckContext): void {
  for (const decl of ctx.items("VariableDeclaration")) {
    const name = decl.name.name;
    if (ctx.isPoisoned(name)) continue;
    const before = ctx.errorCount();
    const { type } = decl;
    const base = type.base.name;
    if (!(variableTypes as readonly string[]).includes(base)) {
      ctx.report(diagnose.AE0204.unknown({ kind: "type", name: base }), type.base.span, {
        help: didYouMean(base, variableTypes) ?? "the types are `real` (optionally `in [low, high]`), `binary` and `onehot`",
      });
    }
    const shape = type.shape.map((dim) => checkNumber(ctx, dim, "size", `a dimension of \`${name}\``));
    // A latent may hold several independent one-hot groups, `onehot[N, K]` (relaxed categoricals: AE0449).
    if (base === "onehot" && type.shape.length !== 1 && !(decl.role === "latent" && type.shape.length === 2)) {
      ctx.report(diagnose.AE0301.onehotDimensions({ variable: name, dimensions: type.shape.length }), type.span);
    }
    if (base === "onehot" && type.shape.length <= 2 && shape[shape.length - 1] === 1) {
      ctx.report(diagnose.AE0301.oneClass(name), type.span);
    }
    let support: Support | undefined;
    if (type.support) {
      if (!(variableTypes as readonly string[]).includes(base)) {
        // reported above
      } else if (base !== "real") {
        ctx.report(diagnose.AE0405.supportOnDiscrete(base), type.support.span);
      } else {
        const low = checkNumber(ctx, type.support.low, "number", `the lower bound of \`${name}\``);
        const high = checkNumber(ctx, type.support.high, "number", `the upper bound of \`${name}\``);
        if (low !== undefined && high !== undefined) {
          if (low >= high) ctx.report(diagnose.AE0605.emptySupport({ variable: name, low, high }), type.support.span);
          else support = { kind: "interval", low, high };
        }
      }
    } else if (base === "real") {
      support = { kind: "real" };
    } else if (base === "binary") {
      support = { kind: "binary" };
    } else if (base === "onehot") {
      support = { kind: "onehot" };
    }
    let labelled: number | undefined;
    if (decl.labelled) {
      if (decl.role !== "data") ctx.report(diagnose.AE0405.labelledLatent(name), decl.labelled.span);
      else labelled = checkNumber(ctx, decl.labelled, "size", `the labelled count of \`${name}\``);
    }
    const dims = shape.filter((d): d is number => d !== undefined);
    if (dims.length === type.shape.length && sizeOf(dims) > maxVariableSize) {
      ctx.report(diagnose.AE0607.variable({ variable: name, size: sizeOf(dims), limit: maxVariableSize }), type.span);
    }
    if (ctx.errorCount() > before || !support) {
      ctx.poison(name);
      continue;
    }
    ctx.variables.set(name, {
      name,
      role: decl.role,
      type: base as VariableType,
      shape: dims,
      size: sizeOf(dims),
      support,
      ...(labelled !== undefined ? { labelled } : {}),
      declaration: decl,
    });
  }
}
