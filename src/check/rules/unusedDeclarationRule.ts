import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";

/** AE0704 (lint, on with `--lint`): a variable that nothing reads or writes. */
export function unusedDeclarationRule(ctx: CheckContext): void {
  const used = new Set<string>();
  for (const n of ctx.items("NetworkDeclaration")) for (const v of [...n.signature.outputs, ...n.signature.given]) used.add(v.name);
  for (const p of ctx.items("PriorDeclaration")) for (const v of [...p.signature.outputs, ...p.signature.given]) used.add(v.name);
  for (const t of ctx.terms) for (const value of Object.values(t)) if (typeof value === "string") used.add(value);
  for (const v of ctx.variables.values()) {
    if (!used.has(v.name)) {
      ctx.report(diagnose.AE0704.unused(v.name), v.declaration.name.span);
    }
  }
}
