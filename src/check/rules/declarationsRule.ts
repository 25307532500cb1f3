import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";

/**
 * Names that are members of every JavaScript object. A variable called `__proto__` or
 * `constructor` would become a key of the batches apps pass in, where it could replace
 * an object's prototype instead of holding data.
 */
const objectMembers = new Set(Object.getOwnPropertyNames(Object.prototype));

/** AE0209: a name generated code cannot use safely as an object key. */
function reserved(ctx: CheckContext, name: import("../../syntax/ast.js").Identifier): void {
  if (objectMembers.has(name.name) || name.name.startsWith("__")) {
    ctx.report(diagnose.AE0209.reservedName(name.name), name.span);
    ctx.poison(name.name);
  }
}

/**
 * AE0201: every variable, network and phase is declared once, and no name means two
 * things (a variable and a network both called `d` would make `gan_d(d, …)` ambiguous).
 */
export function declarationsRule(ctx: CheckContext): void {
  const seen = new Map<string, { what: string; span: import("../../language/span.js").Span }>();
  const declare = (name: string, what: string, span: import("../../language/span.js").Span) => {
    if (name === "") return;
    const first = seen.get(name);
    if (first) {
      const twice = first.what === what ? diagnose.AE0201.declaredTwice({ what, name }) : diagnose.AE0201.declaredAsTwoThings({ name, first: first.what, second: what });
      ctx.report(twice, span, {
        labels: [{ span: first.span, message: "first declared here" }],
        help: "give each declaration its own name",
      });
      ctx.poison(name);
      return;
    }
    seen.set(name, { what, span });
  };
  for (const v of ctx.items("VariableDeclaration")) {
    reserved(ctx, v.name);
    declare(v.name.name, "variable", v.name.span);
  }
  for (const n of ctx.items("NetworkDeclaration")) {
    reserved(ctx, n.signature.name);
    declare(n.signature.name.name, "network", n.signature.name.span);
  }
  for (const phase of ctx.trainItems("PhaseDeclaration")) reserved(ctx, phase.name);

  const phases = new Map<string, import("../../language/span.js").Span>();
  for (const phase of ctx.trainItems("PhaseDeclaration")) {
    const first = phases.get(phase.name.name);
    if (first) ctx.report(diagnose.AE0201.declaredTwice({ what: "phase", name: phase.name.name }), phase.name.span, { labels: [{ span: first, message: "first declared here" }] });
    else phases.set(phase.name.name, phase.name.span);
  }

  const blocks = ctx.items("TrainBlock");
  for (const extra of blocks.slice(1)) {
    ctx.report(diagnose.AE0201.trainBlocks(), extra.span, { labels: [{ span: blocks[0]!.span, message: "first train block" }] });
  }
  const objectives = ctx.items("ObjectiveDeclaration");
  for (const extra of objectives.slice(1)) {
    ctx.report(diagnose.AE0508.two(), extra.span, { labels: [{ span: objectives[0]!.span, message: "first objective" }], fix: { span: extra.span, replacement: "", message: "delete the second objective" } });
  }
}
