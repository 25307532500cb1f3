import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";
import type { LossTerm, NetworkInfo, OptimizerInfo, UnidentifiedTerm, WeightedTerm } from "../model.js";
import { resolveOptimizer } from "../optimizer.js";
import { resolveNetwork } from "../resolve.js";
import { printExpression } from "../../syntax/format.js";
import { maxMagnitude, minPositive } from "../limits.js";
import { scalarRange } from "../../language/schedules.js";
import { flattenLoss, resolveTerm, termReads } from "../terms.js";
import type * as A from "../../syntax/ast.js";
import { priorInOver } from "./learnedPriorsRule.js";

/** Gives a term a stable id named after what it scores (`nll_x`, `kl_z`, `gan_d_d_z`); an identical term keeps its id. */
export function addTerm(ctx: CheckContext, term: UnidentifiedTerm): string {
  const same = ctx.terms.find((t) => JSON.stringify({ ...t, id: undefined }) === JSON.stringify({ ...term, id: undefined }));
  if (same) return same.id;
  const subject =
    term.kind === "nll" ? term.target : term.kind === "gan_d" || term.kind === "gan_g" ? term.discriminator : term.kind === "iwae" ? term.data : "variable" in term ? term.variable : term.network;
  // `abs(kl(…) - C)` is scored as |KL − C|: a term of its own, not the KL.
  const base = `${term.capacity === undefined ? "" : "abs_"}${term.kind}_${subject}`;
  let id = base;
  for (let n = 2; ctx.terms.some((t) => t.id === id); n++) id = `${base}_${n}`;
  ctx.terms.push({ ...term, id } as LossTerm);
  return id;
}

/**
 * Explicit training phases: each a weighted sum of terms, the networks it updates and
 * its optimizer. AE0507 a phase that updates a network its loss does not reach (the
 * classic bug: the autoencoder's optimizer also moving the discriminator), AE0513 no
 * optimizer, AE0509 labelled data outside `on labelled`, AE0609 a negative term weight
 * (unless a comment allows it), AE0608 a weight float32 cannot carry.
 */
export function phasesRule(ctx: CheckContext): void {
  for (const decl of ctx.trainItems("PhaseDeclaration")) {
    const before = ctx.errorCount();
    const flat = flattenLoss(ctx, decl.loss);
    const resolved = (flat ?? []).map(({ call, weight, capacity }) => ({ resolved: resolveTerm(ctx, call), weight, capacity, call }));

    const updates: NetworkInfo[] = [];
    const priorUpdates: { set: string; name: A.Identifier }[] = [];
    let updatesBroken = false;
    for (const name of decl.over) {
      const prior = priorInOver(ctx, name);
      if (prior !== "network") {
        if (prior === undefined) updatesBroken = true;
        else if (priorUpdates.some((u) => u.set === prior)) ctx.report(diagnose.AE0201.listedTwice(prior), name.span);
        else priorUpdates.push({ set: prior, name });
        continue;
      }
      const network = resolveNetwork(ctx, name);
      if (!network || network === "broken") {
        updatesBroken = true;
        continue;
      }
      if (updates.some((u) => u.name === network.name)) {
        ctx.report(diagnose.AE0201.listedTwice(network.name), name.span);
        continue;
      }
      updates.push(network);
    }

    let subset: "all" | "labelled" = "all";
    if (decl.subset) {
      if (decl.subset.name !== "labelled") {
        ctx.report(diagnose.AE0509.unknownSubset(decl.subset.name), decl.subset.span);
      } else if (![...ctx.variables.values()].some((v) => v.labelled !== undefined)) {
        ctx.report(diagnose.AE0509.noLabelledData(), decl.subset.span);
      } else subset = "labelled";
    }

    let optimizer: OptimizerInfo | undefined;
    if (decl.optimizer) optimizer = resolveOptimizer(ctx, decl.optimizer);
    else if (ctx.defaultOptimizer) optimizer = ctx.defaultOptimizer;
    else if (!ctx.defaultOptimizerBroken) {
      ctx.report(diagnose.AE0513.phase(decl.name.name), decl.name.span);
    }

    if (!flat || resolved.some((r) => !r.resolved) || updatesBroken || ctx.errorCount() > before) continue;

    const dependsOn = new Set(resolved.flatMap((r) => r.resolved!.dependsOn));
    if (!updatesBroken) {
      for (const network of updates) {
        if (dependsOn.has(network.name)) continue;
        const listed = decl.over.find((o) => o.name === network.name || o.name === network.role)!;
        const loss = adversarialLoss(resolved.map((r) => r.resolved!.term), network);
        ctx.report(diagnose.AE0507.unreached({ phase: decl.name.name, network: network.name, listed: listed.name, ...(loss ? { loss } : {}) }), listed.span);
      }
      for (const { set, name } of priorUpdates) {
        if (!dependsOn.has(set)) ctx.report(diagnose.AE0507.unreached({ phase: decl.name.name, network: set, listed: name.name }), name.span);
      }
    }
    if (subset !== "labelled") {
      for (const variable of new Set(resolved.flatMap((r) => [...r.resolved!.reads, ...termReads(ctx, r.resolved!.term)]))) {
        const info = ctx.variables.get(variable);
        if (info?.labelled !== undefined) {
          ctx.report(diagnose.AE0509.needsSubset({ phase: decl.name.name, variable, labelled: info.labelled }), decl.name.span);
        }
      }
    }
    for (const { call, weight } of resolved) {
      // A schedule's every value is a weight: its ends bound them.
      const [low, high] = scalarRange(weight);
      const largest = Math.abs(high) > Math.abs(low) ? high : low;
      if (Math.abs(largest) > maxMagnitude) {
        ctx.report(diagnose.AE0608.magnitude({ what: `the weight of \`${printExpression(call)}\``, value: largest, limit: maxMagnitude }), call.span);
      } else if (typeof weight === "number" && weight !== 0 && Math.abs(weight) < minPositive) {
        ctx.report(diagnose.AE0608.underflow({ what: `the weight of \`${printExpression(call)}\``, value: weight, limit: minPositive }), call.span);
      } else if (low < 0 && !ctx.allows("AE0609")) {
        ctx.report(diagnose.AE0609.negative({ term: printExpression(call), weight: low }), call.span);
      }
    }
    if (ctx.errorCount() > before || !optimizer) continue;

    const terms: WeightedTerm[] = resolved.map((r) => ({
      term: addTerm(ctx, r.capacity === undefined ? r.resolved!.term : { ...r.resolved!.term, capacity: r.capacity }),
      weight: r.weight,
      ...(subset === "labelled" ? { rows: "labelled" as const } : {}),
    }));
    ctx.phases.push({ name: decl.name.name, terms, updates: [...updates.map((u) => u.name), ...priorUpdates.map((u) => u.set)], optimizer, declaration: decl });
  }
}

/** The adversarial loss that explains why a phase's loss does not reach a network it updates, if one does. */
function adversarialLoss(terms: readonly UnidentifiedTerm[], network: NetworkInfo): "gan_d" | "gan_g" | undefined {
  if (network.role === "discriminator" && terms.some((t) => t.kind === "gan_g")) return "gan_g";
  if (terms.some((t) => t.kind === "gan_d")) return "gan_d";
  return undefined;
}
