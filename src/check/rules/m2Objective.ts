import { diagnose } from "../../diagnostics/catalog.js";
import type * as A from "../../syntax/ast.js";
import type { CheckContext } from "../context.js";
import { termDependencies } from "../dependencies.js";
import { enumerateTerm } from "../enumerate.js";
import type { WeightedTerm } from "../model.js";
import { addTerm } from "./phasesRule.js";

/**
 * `objective m2(alpha)` — Kingma et al. 2014's M2, as two phases of general terms: on
 * labelled examples −ELBO(x, y) (each decoder's nll, each other encoder's KL; −log p(y) = log K
 * is a constant) plus α·(−log q(y | x)); on every example the bound with y summed out
 * exactly, `enumerate(q(y | x))`. AE0582 a model without the partially labelled class or its
 * encoder; AE0580/AE0581 (enumerateTerm) what the sum needs.
 */
export function m2(ctx: CheckContext, preset: A.Call, args: Record<string, number>): void {
  const labels = [...ctx.variables.values()].filter((v) => v.role === "data" && v.type === "onehot" && v.labelled !== undefined);
  if (labels.length !== 1) {
    ctx.report(labels.length === 0 ? diagnose.AE0582.noLabel() : diagnose.AE0582.severalLabels(labels.map((l) => l.name)), preset.span);
    return;
  }
  const y = labels[0]!.name;
  const classifier = [...ctx.networks.values()].find((n) => n.role === "encoder" && n.outputs.includes(y));
  if (!classifier) {
    ctx.report(diagnose.AE0582.noClassifier(y), preset.span);
    return;
  }
  const enumerated = enumerateTerm(ctx, classifier, y, preset.span);
  if (!enumerated) return;
  const networks = [...ctx.networks.values()];
  const labelled: WeightedTerm[] = [
    ...enumerated.decoders.flatMap((d) => ctx.networks.get(d)!.outputs.map((x) => ({ term: addTerm(ctx, { kind: "nll", network: d, variable: x, target: x }), weight: 1 }))),
    ...enumerated.encoders.flatMap((e) => ctx.networks.get(e)!.outputs.map((z) => ({ term: addTerm(ctx, { kind: "kl", network: e, variable: z, estimator: "analytic" }), weight: 1 }))),
    { term: addTerm(ctx, { kind: "nll", network: classifier.name, variable: y, target: y }), weight: args.alpha! },
  ].filter((t) => t.weight !== 0);
  const reached = (terms: readonly WeightedTerm[]) => {
    const names = new Set(terms.flatMap((t) => termDependencies(networks, ctx.terms.find((x) => x.id === t.term)!)));
    return networks.filter((n) => names.has(n.name)).map((n) => n.name);
  };
  const unlabelled: WeightedTerm[] = [{ term: addTerm(ctx, enumerated), weight: 1 }];
  ctx.phases.push({ name: "supervised", terms: labelled, updates: reached(labelled), optimizer: ctx.defaultOptimizer!, subset: "labelled" });
  ctx.phases.push({ name: "unsupervised", terms: unlabelled, updates: reached(unlabelled), optimizer: ctx.defaultOptimizer!, subset: "all" });
}
