import { diagnose } from "../../diagnostics/catalog.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { bindCall } from "../bind.js";
import { findBuiltin, flows } from "../../language/vocabulary.js";
import type { CheckContext } from "../context.js";
import type { FlowInfo } from "../model.js";

/**
 * Flows after a posterior (`encoder q(z | x) = Normal(mu, logvar) then planar(steps = 8)`):
 * AE0204 an unknown flow, its arguments (bindCall), AE0442 a flow anywhere but after an
 * encoder's Normal posterior of a flat latent. A checked flow is attached to its output.
 */
export function flowsRule(ctx: CheckContext): void {
  for (const decl of ctx.items("NetworkDeclaration")) {
    if (!decl.flow) continue;
    const name = decl.signature.name.name;
    const before = ctx.errorCount();
    const spec = findBuiltin(flows, decl.flow.callee.name);
    if (!spec) {
      ctx.report(diagnose.AE0204.unknown({ kind: "flow", name: decl.flow.callee.name }), decl.flow.callee.span, {
        help: didYouMean(decl.flow.callee.name, flows.map((f) => f.name)) ?? `the flows are ${flows.map((f) => `\`${f.name}\``).join(", ")}`,
      });
    }
    const bound = spec ? bindCall(ctx, decl.flow, spec, "flow") : undefined;
    const network = ctx.networks.get(name);
    if (network) {
      const output = network.distributions[0]!;
      const variable = ctx.variables.get(output.variable)!;
      if (network.role !== "encoder") ctx.report(diagnose.AE0442.notEncoder({ network: name, role: network.role }), decl.flow.span);
      else if (output.distribution !== "Normal") ctx.report(diagnose.AE0442.notNormal({ network: name, distribution: output.distribution }), decl.flow.span);
      else if (variable.shape.length !== 1) ctx.report(diagnose.AE0442.notFlat({ variable: variable.name, shape: variable.shape }), decl.flow.span);
    }
    if (ctx.errorCount() > before || !spec || !bound) {
      if (network) {
        ctx.networks.delete(name);
        ctx.brokenNetworks.add(name);
        ctx.poison(name);
      }
      continue;
    }
    if (!network) continue;
    const flow: FlowInfo = { kind: spec.name, steps: bound.values.steps as number, ...(spec.name === "iaf" ? { hidden: bound.values.hidden as number } : {}) };
    ctx.networks.set(name, { ...network, distributions: [{ ...network.distributions[0]!, flow }] });
  }
}
