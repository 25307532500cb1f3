import { diagnose } from "../diagnostics/catalog.js";
import type * as A from "../syntax/ast.js";
import { findBuiltin, quantizers } from "../language/vocabulary.js";
import { bindCall } from "./bind.js";
import type { CheckContext, NetworkBody, NetworkSignature } from "./context.js";
import type { NetworkInfo, NetworkOutput, WeightedTerm } from "./model.js";
import { upstream } from "./dependencies.js";

/**
 * Vector quantisation (van den Oord et al. 2017): an encoder declared
 * `= VectorQuantize(codebook = K, beta = β)` gives z_e from its trunk, and the latent is
 * the nearest of K learned codebook vectors at each position (the latent's last
 * dimension is the vectors' width). Its loss term `vq` is the codebook term
 * ‖sg[z_e] − e‖² plus β times the commitment term ‖z_e − sg[e]‖²; with `ema = γ` the
 * codebook follows moving averages instead of its gradient, and the term is β·commitment.
 */

export function isQuantizer(call: A.Call): boolean {
  return findBuiltin(quantizers, call.callee.name) !== undefined;
}

/**
 * AE0435 a quantiser outside an encoder or with heads, AE0436 on a latent that is not
 * unbounded real, AE0438 a codebook of one vector, AE0450 an EMA decay of 0; otherwise
 * its codebook size, β and EMA decay.
 */
export function quantizerParameters(ctx: CheckContext, signature: NetworkSignature, call: A.Call, body: NetworkBody): NetworkOutput["codebook"] {
  const spec = findBuiltin(quantizers, call.callee.name)!;
  const bound = bindCall(ctx, call, spec, "quantiser");
  if (!bound) return undefined;
  if (signature.role !== "encoder") {
    ctx.report(diagnose.AE0435.notEncoder({ network: signature.name, role: signature.role }), call.span);
    return undefined;
  }
  if (body.heads.length > 0) {
    ctx.report(diagnose.AE0435.heads(signature.name), body.heads[0]!.span, { help: "end the network with the layer that gives z_e, as wide as the latent, and no heads" });
    return undefined;
  }
  const variable = ctx.variables.get(signature.outputs[0]!)!;
  if (variable.role !== "latent" || variable.support.kind !== "real") {
    const support = variable.support.kind === "interval" ? `real in [${variable.support.low}, ${variable.support.high}]` : variable.type;
    ctx.report(diagnose.AE0436.support({ variable: variable.name, role: variable.role, support }), call.span, {
      help: `declare \`latent ${variable.name}: real[${variable.shape.join(", ")}]\`: codebook vectors are unbounded reals`,
    });
    return undefined;
  }
  const codes = bound.values.codebook as number;
  if (codes < 2) {
    ctx.report(diagnose.AE0438.oneCode(signature.name), bound.spans.codebook ?? call.span, { help: "give it at least 2 codes, e.g. `codebook = 64`" });
    return undefined;
  }
  const ema = bound.values.ema as number | undefined;
  if (ema === 0) {
    ctx.report(diagnose.AE0450.zeroDecay(signature.name), bound.spans.ema ?? call.span, { help: "use a decay near 1, e.g. `ema = 0.99` (the paper's)" });
    return undefined;
  }
  return { codes, beta: bound.values.beta as number, ...(ema !== undefined ? { ema } : {}) };
}

/** The codebook term of each quantised latent the encoders produce, weight 1 (β is inside the term). */
export function quantizerTerms(ctx: CheckContext, encoders: readonly NetworkInfo[], add: (term: { kind: "vq"; network: string; variable: string; beta: number }) => string): WeightedTerm[] {
  return encoders.flatMap((encoder) =>
    encoder.distributions.flatMap((o) => (o.codebook ? [{ term: add({ kind: "vq", network: encoder.name, variable: o.variable, beta: o.codebook.beta }), weight: 1 }] : [])),
  );
}

/** `vq(q(z | x))`: AE0541 when the density is not a VectorQuantize output. */
export function vqTerm(ctx: CheckContext, call: A.Call, density: { network: NetworkInfo; variable: string }) {
  const output = density.network.distributions.find((o) => o.variable === density.variable)!;
  if (!output.codebook) {
    ctx.report(diagnose.AE0541.notQuantized({ network: density.network.name, variable: density.variable, distribution: output.distribution }), call.span, {
      help: `declare \`encoder ${density.network.name}(${density.variable} | …) = VectorQuantize(codebook = 512)\`, or use kl(…) for a Normal posterior`,
    });
    return undefined;
  }
  const dependsOn = upstream([...ctx.networks.values()], density.network);
  return { term: { kind: "vq" as const, network: density.network.name, variable: density.variable, beta: output.codebook.beta }, dependsOn };
}
