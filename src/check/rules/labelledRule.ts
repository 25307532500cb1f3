import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";
import { termReads } from "../terms.js";

/**
 * AE0509 for preset objectives: a variable declared `labelled(N)` is unknown outside the
 * labelled subset, and a preset's phases run on every example, so no network a preset
 * runs may read it. (Explicit phases are checked by phasesRule, with the same reads.)
 */
export function labelledRule(ctx: CheckContext): void {
  const objective = ctx.items("ObjectiveDeclaration")[0];
  if (!objective) return;
  const reported = new Set<string>();
  for (const phase of ctx.phases) {
    if (phase.declaration) continue;
    for (const { term: id, rows } of phase.terms) {
      if (rows === "labelled") continue;
      const term = ctx.terms.find((t) => t.id === id);
      if (!term) continue;
      for (const variable of termReads(ctx, term)) {
        const labelled = ctx.variables.get(variable)?.labelled;
        if (labelled === undefined || reported.has(variable)) continue;
        reported.add(variable);
        ctx.report(diagnose.AE0509.presetReads({ objective: objective.preset.callee.name, variable, labelled }), objective.preset.span);
      }
    }
  }
}
