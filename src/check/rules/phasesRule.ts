import type { CheckContext } from "../context.js";
import type { LossTerm, NetworkInfo, OptimizerInfo, PhaseInfo, UnidentifiedTerm, WeightedTerm } from "../model.js";
import { resolveOptimizer } from "../optimizer.js";
import { resolveNetwork } from "../resolve.js";
import { flattenLoss, resolveTerm } from "../terms.js";

/** Gives a term a stable id named after what it scores (`nll_x`, `kl_z`, `gan_d_d_z`); an identical term keeps its id. */
export function addTerm(ctx: CheckContext, term: UnidentifiedTerm): string {
  const same = ctx.terms.find((t) => JSON.stringify({ ...t, id: undefined }) === JSON.stringify({ ...term, id: undefined }));
  if (same) return same.id;
  const subject =
    term.kind === "nll" ? term.target : term.kind === "gan_d" || term.kind === "gan_g" ? term.discriminator : term.kind === "iwae" ? term.data : term.variable;
  const base = `${term.kind}_${subject}`;
  let id = base;
  for (let n = 2; ctx.terms.some((t) => t.id === id); n++) id = `${base}_${n}`;
  ctx.terms.push({ ...term, id } as LossTerm);
  return id;
}

/**
 * Explicit training phases: each a weighted sum of terms, the networks it updates and
 * its optimizer. AE0507 a phase that updates a network its loss does not reach (the
 * classic bug: the autoencoder's optimizer also moving the discriminator), AE0513 no
 * optimizer, AE0509 labelled data outside `on labelled`.
 */
export function phasesRule(ctx: CheckContext): void {
  for (const decl of ctx.trainItems("PhaseDeclaration")) {
    const before = ctx.errorCount();
    const flat = flattenLoss(ctx, decl.loss);
    const resolved = (flat ?? []).map(({ call, weight }) => ({ resolved: resolveTerm(ctx, call), weight, call }));

    const updates: NetworkInfo[] = [];
    let updatesBroken = false;
    for (const name of decl.over) {
      const network = resolveNetwork(ctx, name);
      if (!network || network === "broken") {
        updatesBroken = true;
        continue;
      }
      if (updates.some((u) => u.name === network.name)) {
        ctx.error("AE0201", `\`${network.name}\` is listed twice`, name.span);
        continue;
      }
      updates.push(network);
    }

    let subset: PhaseInfo["subset"] = "all";
    if (decl.subset) {
      if (decl.subset.name !== "labelled") {
        ctx.error("AE0509", `unknown subset \`${decl.subset.name}\``, decl.subset.span, { help: "a phase runs on all examples, or `on labelled`" });
      } else if (![...ctx.variables.values()].some((v) => v.labelled !== undefined)) {
        ctx.error("AE0509", "`on labelled` needs a data variable whose labels are known for a subset, e.g. `data y: onehot[10] labelled(1000)`", decl.subset.span);
      } else subset = "labelled";
    }

    let optimizer: OptimizerInfo | undefined;
    if (decl.optimizer) optimizer = resolveOptimizer(ctx, decl.optimizer);
    else if (ctx.defaultOptimizer) optimizer = ctx.defaultOptimizer;
    else if (!ctx.defaultOptimizerBroken) {
      ctx.error("AE0513", `phase \`${decl.name.name}\` has no optimizer`, decl.name.span, {
        help: "add `using adam(lr = 1e-3)` to the phase, or `optimizer adam(lr = 1e-3)` to the train block for every phase",
      });
    }

    if (!flat || resolved.some((r) => !r.resolved) || updatesBroken || ctx.errorCount() > before) continue;

    const dependsOn = new Set(resolved.flatMap((r) => r.resolved!.dependsOn));
    if (!updatesBroken) {
      for (const network of updates) {
        if (dependsOn.has(network.name)) continue;
        const why = explainIndependence(resolved.map((r) => r.resolved!.term), network);
        ctx.error("AE0507", `phase \`${decl.name.name}\` updates \`${network.name}\`, but its loss does not depend on \`${network.name}\`${why}`, decl.over.find((o) => o.name === network.name || o.name === network.role)!.span, {
          help: `remove \`${decl.over.find((o) => o.name === network.name || o.name === network.role)!.name}\` from \`over\``,
        });
      }
    }
    if (subset !== "labelled") {
      for (const variable of new Set(resolved.flatMap((r) => r.resolved!.reads))) {
        const info = ctx.variables.get(variable);
        if (info?.labelled !== undefined) {
          ctx.error("AE0509", `phase \`${decl.name.name}\` reads \`${variable}\`, which is known for ${info.labelled} examples only`, decl.name.span, { help: "add `on labelled` to the phase" });
        }
      }
    }
    if (ctx.errorCount() > before || !optimizer) continue;

    const terms: WeightedTerm[] = resolved.map((r) => ({ term: addTerm(ctx, r.resolved!.term), weight: r.weight }));
    ctx.phases.push({ name: decl.name.name, terms, updates: updates.map((u) => u.name), optimizer, subset, declaration: decl });
  }
}

function explainIndependence(terms: readonly UnidentifiedTerm[], network: NetworkInfo): string {
  if (network.role === "discriminator" && terms.some((t) => t.kind === "gan_g")) {
    return " (gan_g is the generator's loss: updating the discriminator with it would train it to be fooled)";
  }
  if (terms.some((t) => t.kind === "gan_d")) return " (gan_d is the discriminator's loss: the samples it judges are held fixed)";
  return "";
}
