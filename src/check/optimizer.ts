import { diagnose } from "../diagnostics/catalog.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { bindCall } from "./bind.js";
import { findBuiltin, optimizers } from "../language/vocabulary.js";
import type { CheckContext } from "./context.js";
import { describeExpression } from "./evaluate.js";
import type { OptimizerInfo } from "./model.js";

/** `adam(lr = 1e-3)` → the optimizer with every parameter filled in; AE0204 for unknown names. */
export function resolveOptimizer(ctx: CheckContext, value: A.Expression): OptimizerInfo | undefined {
  if (value.kind !== "Call") {
    ctx.report(diagnose.AE0606.optimizer(describeExpression(value)), value.span);
    return undefined;
  }
  const spec = findBuiltin(optimizers, value.callee.name);
  if (!spec) {
    ctx.report(diagnose.AE0204.unknown({ kind: "optimizer", name: value.callee.name }), value.callee.span, {
      help: didYouMean(value.callee.name, optimizers.map((o) => o.name)) ?? `the optimizers are ${optimizers.map((o) => `\`${o.name}\``).join(", ")}`,
    });
    return undefined;
  }
  const bound = bindCall(ctx, value, spec, "optimizer");
  return bound ? { kind: spec.name, parameters: bound.values as Record<string, number> } : undefined;
}
