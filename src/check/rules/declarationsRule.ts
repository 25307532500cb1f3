import type { CheckContext } from "../context.js";

/**
 * AE0201: every variable, network and phase is declared once, and no name means two
 * things (a variable and a network both called `d` would make `gan_d(d, …)` ambiguous).
 */
export function declarationsRule(ctx: CheckContext): void {
  const seen = new Map<string, { what: string; span: import("../../syntax/span.js").Span }>();
  const declare = (name: string, what: string, span: import("../../syntax/span.js").Span) => {
    if (name === "") return;
    const first = seen.get(name);
    if (first) {
      ctx.error("AE0201", first.what === what ? `${what} \`${name}\` is declared twice` : `\`${name}\` is declared as a ${first.what} and as a ${what}`, span, {
        labels: [{ span: first.span, message: "first declared here" }],
        help: "give each declaration its own name",
      });
      ctx.poison(name);
      return;
    }
    seen.set(name, { what, span });
  };
  for (const v of ctx.items("VariableDeclaration")) declare(v.name.name, "variable", v.name.span);
  for (const n of ctx.items("NetworkDeclaration")) declare(n.signature.name.name, "network", n.signature.name.span);

  const phases = new Map<string, import("../../syntax/span.js").Span>();
  for (const phase of ctx.trainItems("PhaseDeclaration")) {
    const first = phases.get(phase.name.name);
    if (first) ctx.error("AE0201", `phase \`${phase.name.name}\` is declared twice`, phase.name.span, { labels: [{ span: first, message: "first declared here" }] });
    else phases.set(phase.name.name, phase.name.span);
  }

  const blocks = ctx.items("TrainBlock");
  for (const extra of blocks.slice(1)) {
    ctx.error("AE0201", "the model has more than one train block", extra.span, { labels: [{ span: blocks[0]!.span, message: "first train block" }], help: "merge them into one" });
  }
  const objectives = ctx.items("ObjectiveDeclaration");
  for (const extra of objectives.slice(1)) {
    ctx.error("AE0201", "the model has more than one objective", extra.span, { labels: [{ span: objectives[0]!.span, message: "first objective" }] });
  }
}
