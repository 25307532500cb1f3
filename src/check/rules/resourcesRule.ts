import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext } from "../context.js";
import { maxTensorValues } from "../limits.js";
import { sizeOf } from "../shapes.js";

/**
 * AE0607 for tensors too large to train: the checker bounds parameter counts when
 * networks are read, and here, once the batch is known, the activations. Each of these is
 * one tensor and is held to `maxTensorValues` (2²⁶ floats, the runtime's own bound): a
 * layer's output for a whole batch; the decoder's widest layer for k importance samples
 * of every example (IWAE runs it on k × batch rows); a mixture prior's log-density table
 * of components × batch × the latent's size (one row per example, one column per component and dimension), and a
 * VampPrior's pseudo-inputs × its encoder's widest layer.
 * A batch given on the command line (`aec train --batch`) is the runner's to bound.
 */
export function resourcesRule(ctx: CheckContext): void {
  const batch = ctx.train.batch;
  if (batch === undefined) return;
  const widest = new Map<string, number>();
  for (const network of ctx.networks.values()) {
    const layers = [...network.trunk, ...network.heads.flatMap((h) => h.layers)];
    let width = sizeOf(network.inputShape);
    let culprit = layers[0];
    for (const layer of layers) {
      const size = sizeOf(layer.outputShape);
      if (size > width) [width, culprit] = [size, layer];
    }
    widest.set(network.name, width);
    if (width * batch > maxTensorValues) {
      ctx.report(diagnose.AE0607.activations({ network: network.name, values: width, batch, limit: maxTensorValues }), culprit?.span ?? network.declaration.signature.span);
    }
  }
  const objective = ctx.items("ObjectiveDeclaration")[0];
  for (const term of ctx.terms) {
    if (term.kind !== "iwae" || !objective) continue;
    const width = Math.max(widest.get(term.decoder) ?? 0, widest.get(term.encoder) ?? 0, ctx.variables.get(term.data)?.size ?? 0);
    const values = term.k * batch * width;
    if (values > maxTensorValues) {
      ctx.report(diagnose.AE0607.product({ what: `k = ${term.k} importance samples × a batch of ${batch} × ${width} values per sample`, values, limit: maxTensorValues }), objective.preset.span);
    }
  }
  for (const prior of ctx.priors.values()) {
    const components = prior.parameters.components;
    if (typeof components !== "number") continue;
    const size = ctx.variables.get(prior.variable)?.size ?? 2;
    const values = components * batch * size;
    if (values > maxTensorValues) {
      ctx.report(diagnose.AE0607.product({ what: `${components} mixture components × a batch of ${batch} × ${size} dimensions`, values, limit: maxTensorValues }), prior.declaration.distribution.span);
      continue;
    }
    // A VampPrior runs its encoder on every pseudo-input, each step.
    const encoder = prior.distribution === "VampPrior" ? ctx.producerOf(prior.variable, ["encoder"]) : undefined;
    const width = encoder ? (widest.get(encoder.name) ?? 0) : 0;
    if (components * width > maxTensorValues) {
      ctx.report(diagnose.AE0607.product({ what: `${components} pseudo-inputs × ${width} values in \`${encoder!.name}\`'s widest layer`, values: components * width, limit: maxTensorValues }), prior.declaration.distribution.span);
    }
  }
}
