import { didYouMean } from "../../diagnostics/suggest.js";
import { checkNumber } from "../bind.js";
import { trainSettings } from "../builtins.js";
import type { CheckContext } from "../context.js";
import { resolveOptimizer } from "../optimizer.js";

/**
 * The train block: AE0514 a missing block or required setting (batch, epochs), AE0204
 * unknown settings, AE0201 a setting given twice, numbers checked by kind.
 */
export function trainSettingsRule(ctx: CheckContext): void {
  const block = ctx.items("TrainBlock")[0];
  if (!block) {
    ctx.error("AE0514", `model \`${ctx.model.name.name}\` has no train block`, ctx.model.name.span, {
      help: "add `train { optimizer adam(lr = 1e-3); batch 128; epochs 10 }`",
    });
    ctx.trainBroken = true;
    return;
  }
  const seen = new Map<string, import("../../syntax/span.js").Span>();
  const misspelt = new Set<string>();
  const before = ctx.errorCount();
  for (const setting of ctx.trainItems("TrainSetting")) {
    const name = setting.name.name;
    const spec = trainSettings.find((s) => s.name === name);
    if (!spec) {
      const meant = didYouMean(name, trainSettings.map((s) => s.name));
      if (meant) misspelt.add(meant);
      ctx.error("AE0204", `unknown train setting \`${name}\``, setting.name.span, {
        help: didYouMean(name, trainSettings.map((s) => s.name)) ?? `the settings are ${trainSettings.map((s) => `\`${s.name}\``).join(", ")} and \`phase\``,
      });
      continue;
    }
    const first = seen.get(name);
    if (first) {
      ctx.error("AE0201", `\`${name}\` is set twice`, setting.name.span, { labels: [{ span: first, message: "first set here" }] });
      continue;
    }
    seen.set(name, setting.name.span);
    if (spec.kind === "optimizer") {
      ctx.defaultOptimizer = resolveOptimizer(ctx, setting.value);
      ctx.defaultOptimizerBroken = ctx.defaultOptimizer === undefined;
      continue;
    }
    const value = checkNumber(ctx, setting.value, spec.kind, `\`${name}\``);
    if (value !== undefined) (ctx.train as Record<string, number>)[name] = value;
  }
  for (const spec of trainSettings.filter((s) => s.required)) {
    if (!seen.has(spec.name) && !misspelt.has(`did you mean \`${spec.name}\`?`)) {
      ctx.error("AE0514", `the train block does not set \`${spec.name}\` (${spec.doc})`, block.span, {
        help: `add \`${spec.name} ${spec.name === "batch" ? 128 : 10}\``,
      });
    }
  }
  if (ctx.errorCount() > before) ctx.trainBroken = true;
}
