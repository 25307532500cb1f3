import { diagnose } from "../../diagnostics/catalog.js";
import type { CheckContext, NetworkSignature } from "../context.js";

/**
 * AE0516: encoders are evaluated in order, each from the data and the latents computed
 * before it, so the graph "latent ← the latents its encoder reads" must have no cycle
 * (`q1(z1 | x, z2)`, `q2(z2 | z1)`). Decoders and generators read latents and produce
 * data, which no encoder's output depends on through them (data are observed), so only
 * encoders take part. Prior networks (`prior p1(z1 | z2) = Normal(...) { ... }`) form the
 * generative graph, drawn top-down by `sample()`: it must be acyclic too (`p1(z1 | z2)`,
 * `p2(z2 | z1)`); an encoder and a prior network reading each other's latents is the
 * usual hierarchical VAE, not a cycle. Networks on a cycle are dropped from the signatures, so the later
 * rules (and lowering, whose recursion over dependencies would not end) never see them.
 */
export function acyclicityRule(ctx: CheckContext): void {
  // Inference (encoders) and generation (prior networks, drawn top-down) are two graphs: each must be acyclic on its own.
  for (const role of ["encoder", "prior"] as const) acyclic(ctx, role);
}

function acyclic(ctx: CheckContext, role: "encoder" | "prior"): void {
  const encoders = [...ctx.signatures.values()].filter((s) => s.role === role);
  const producer = new Map<string, NetworkSignature>();
  for (const e of encoders) for (const output of e.outputs) producer.set(output, e);
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const reported = new Set<string>();

  const visit = (latent: string): void => {
    state.set(latent, "visiting");
    path.push(latent);
    const encoder = producer.get(latent)!;
    for (const input of encoder.inputs) {
      if (!producer.has(input)) continue;
      if (state.get(input) === "visiting") {
        const cycle = [...path.slice(path.indexOf(input)), input];
        const networks = [...new Set(cycle.map((v) => producer.get(v)!))];
        if (networks.some((n) => reported.has(n.name))) continue;
        for (const n of networks) reported.add(n.name);
        // The cycle as it is read: each latent depends on the next one.
        ctx.report((role === "encoder" ? diagnose.AE0516.cycle : diagnose.AE0516.priorCycle)({ cycle }), encoder.declaration.signature.span, {
          labels: networks.filter((n) => n !== encoder).map((n) => ({ span: n.declaration.signature.span, message: "part of the cycle" })),
        });
      } else if (state.get(input) === undefined) visit(input);
    }
    path.pop();
    state.set(latent, "done");
  };
  for (const latent of producer.keys()) if (!state.has(latent)) visit(latent);

  for (const name of reported) {
    ctx.signatures.delete(name);
    ctx.brokenNetworks.add(name);
    ctx.poison(name);
  }
}
