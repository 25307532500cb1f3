import { diagnose } from "../../diagnostics/catalog.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { checkNumber } from "../bind.js";
import { trainSettings } from "../../language/vocabulary.js";
import type { CheckContext } from "../context.js";
import { resolveOptimizer } from "../optimizer.js";

/**
 * The train block: AE0514 a missing block or required setting (batch, epochs), AE0204
 * unknown settings, AE0201 a setting given twice, numbers checked by kind.
 */
export function trainSettingsRule(ctx: CheckContext): void {
  const block = ctx.items("TrainBlock")[0];
  if (!block) {
    ctx.report(diagnose.AE0514.noTrainBlock(ctx.model.name.name), ctx.model.name.span);
    ctx.trainBroken = true;
    return;
  }
  const seen = new Map<string, import("../../language/span.js").Span>();
  const misspelt = new Set<string>();
  const before = ctx.errorCount();
  for (const setting of ctx.trainItems("TrainSetting")) {
    const name = setting.name.name;
    const spec = trainSettings.find((s) => s.name === name);
    if (!spec && name === "schedule") {
      ctx.report(diagnose.AE0620.trainSetting(), setting.name.span);
      continue;
    }
    if (!spec) {
      const meant = didYouMean(name, trainSettings.map((s) => s.name));
      if (meant) misspelt.add(meant);
      ctx.report(diagnose.AE0204.unknown({ kind: "train setting", name }), setting.name.span, {
        help: didYouMean(name, trainSettings.map((s) => s.name)) ?? `the settings are ${trainSettings.map((s) => `\`${s.name}\``).join(", ")} and \`phase\``,
      });
      continue;
    }
    const first = seen.get(name);
    if (first) {
      ctx.report(diagnose.AE0201.setTwice(name), setting.name.span, { labels: [{ span: first, message: "first set here" }] });
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
      ctx.report(diagnose.AE0514.missingSetting({ setting: spec.name, doc: spec.doc, example: spec.name === "batch" ? 128 : 10 }), block.span);
    }
  }
  if (ctx.errorCount() > before) ctx.trainBroken = true;
}
