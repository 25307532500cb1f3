import { diagnose } from "../../diagnostics/catalog.js";
import type * as A from "../../syntax/ast.js";
import type { CheckContext } from "../context.js";
import { termDependencies } from "../dependencies.js";
import { enumerateTerm } from "../enumerate.js";
import type { WeightedTerm } from "../model.js";
import { addTerm } from "./phasesRule.js";

/**
 * `objective m2(alpha)` — Kingma et al. 2014's M2 as one phase, their J^α per training row:
 * (N_l/N)·(−ELBO(x, y)) on labelled rows (each decoder's nll, each other encoder's KL;
 * −log p(y) = log K is a constant), α·(−log q(y | x)) on labelled rows (the paper's
 * α = 0.1·N is alpha = 0.1), and the bound with y summed out exactly on every row,
 * `enumerate(q(y | x))`: one loss, one optimizer step. AE0582 a model without the
 * partially labelled class or its encoder; AE0580/AE0581 (enumerateTerm) what the sum needs.
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
  const labelledBound = { weight: 1, rows: "labelled", byLabelledFraction: true } as const;
  const terms: WeightedTerm[] = [
    ...enumerated.decoders.flatMap((d) => ctx.networks.get(d)!.outputs.map((x) => ({ term: addTerm(ctx, { kind: "nll", network: d, variable: x, target: x }), ...labelledBound }))),
    ...enumerated.encoders.flatMap((e) => ctx.networks.get(e)!.outputs.map((z) => ({ term: addTerm(ctx, { kind: "kl", network: e, variable: z, estimator: "analytic" }), ...labelledBound }))),
    ...(args.alpha === 0 ? [] : [{ term: addTerm(ctx, { kind: "nll", network: classifier.name, variable: y, target: y }), weight: args.alpha!, rows: "labelled" as const }]),
    { term: addTerm(ctx, enumerated), weight: 1 },
  ];
  const names = new Set(terms.flatMap((t) => termDependencies(networks, ctx.terms.find((x) => x.id === t.term)!)));
  ctx.phases.push({ name: "m2", terms, updates: networks.filter((n) => names.has(n.name)).map((n) => n.name), optimizer: ctx.defaultOptimizer! });
}
