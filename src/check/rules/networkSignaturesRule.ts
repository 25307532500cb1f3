import { diagnose } from "../../diagnostics/catalog.js";
import { withArticle } from "../../diagnostics/suggest.js";
import type * as A from "../../syntax/ast.js";
import type { CheckContext } from "../context.js";
import type { VariableInfo } from "../model.js";
import { resolveVariable } from "../resolve.js";
import { checkConditions } from "../conditions.js";

const expectedOutput: Record<A.NetworkRole, { role?: "data" | "latent"; example: string }> = {
  encoder: { role: "latent", example: "encoder q(z | x)" },
  decoder: { role: "data", example: "decoder p(x | z)" },
  generator: { role: "data", example: "generator g(x | z)" },
  discriminator: { example: "discriminator d(z)" },
  prior: { role: "latent", example: "prior p1(z1 | z2) = Normal(mu, logvar) { ... }" },
};

/**
 * What each network reads and produces: AE0202 unknown variables, AE0406 a signature
 * that does not fit the role, AE0515 one variable produced by two networks of a role.
 * A network's input is its conditioning variables, concatenated (flattened when there
 * is more than one).
 */
export function networkSignaturesRule(ctx: CheckContext): void {
  const producers = new Map<string, A.NetworkDeclaration>();
  for (const decl of ctx.items("NetworkDeclaration")) {
    const { signature, role } = decl;
    const name = signature.name.name;
    if (ctx.isPoisoned(name)) continue;
    const before = ctx.errorCount();
    const outputs = signature.outputs.map((o) => resolveVariable(ctx, o));
    const inputs = signature.given.map((g) => resolveVariable(ctx, g));
    const expected = expectedOutput[role];

    if (role === "discriminator") {
      // `d(x | y)` judges x given the condition y (a conditional discriminator).
      if (signature.outputs.length !== 1) ctx.report(diagnose.AE0406.discriminator(), signature.span);
      else checkConditions(ctx, decl, outputs[0], inputs);
    } else {
      if (signature.given.length === 0) {
        if (role === "prior") ctx.report(diagnose.AE0440.noInput(name), signature.span);
        else ctx.report(diagnose.AE0406.noInput(role), signature.span, { help: `write \`${expected.example}\`` });
      }
      if (role === "prior") {
        inputs.forEach((v, i) => {
          if (v?.role === "data") ctx.report(diagnose.AE0440.dataInput({ network: name, variable: v.name }), signature.given[i]!.span);
        });
      }
      outputs.forEach((v, i) => {
        if (!v || v.role === expected.role) return;
        // A partially labelled class is inferred where it is missing (Kingma et al.'s M2: `encoder q(y | x)`).
        if (role === "encoder" && isPartialLabel(v)) return;
        const other = v.role === "data" ? "decoder" : "encoder";
        // `decoder pz(z1 | z2)` means a learned prior of z1 given z2, not an encoder (which reads data): say what exists instead.
        const fromLatents = v.role === "latent" && inputs.every((input) => input?.role === "latent");
        const given = signature.given.map((g) => g.name).join(", ");
        ctx.report(diagnose.AE0406.output({ role, produces: expected.role!, variable: v.name, is: v.role }), signature.outputs[i]!.span, {
          help: fromLatents
            ? `a latent's distribution given other latents is a prior network: write \`prior ${name}(${v.name} | ${given}) = Normal(mu, logvar) { ... }\``
            : role === "prior"
              ? `a prior network gives a latent's distribution; data is produced by a decoder (\`decoder ${name}(${v.name} | ${given})\`)`
              : `did you mean ${withArticle(other)}? (an encoder infers latents from data; a decoder or generator produces data)`,
        });
      });
      for (const v of inputs) {
        if (v && signature.outputs.some((o) => o.name === v.name)) {
          ctx.report(diagnose.AE0406.outputAndInput({ variable: v.name, network: name }), signature.span);
        }
      }
      for (const [i, v] of outputs.entries()) {
        if (!v) continue;
        const key = `${role === "generator" ? "decoder" : role}:${v.name}`;
        const first = producers.get(key);
        if (first) {
          ctx.report(diagnose.AE0515.producedTwice({ variable: v.name, first: first.signature.name.name, second: name }), signature.outputs[i]!.span, {
            labels: [{ span: first.signature.span, message: "also produced here" }],
          });
        } else producers.set(key, decl);
      }
    }

    const unresolved = [...outputs, ...inputs].includes(undefined);
    // A discriminator reads the variable it judges, then its conditions.
    const known = (role === "discriminator" ? [...outputs, ...inputs] : inputs).filter((v): v is VariableInfo => v !== undefined);
    if (ctx.errorCount() > before || unresolved) {
      ctx.poison(name);
      ctx.brokenNetworks.add(name);
      continue;
    }
    ctx.signatures.set(name, {
      name,
      role,
      inputs: known.map((v) => v.name),
      outputs: role === "discriminator" ? [] : outputs.map((v) => v!.name),
      inputShape: known.length === 1 ? known[0]!.shape : [known.reduce((sum, v) => sum + v.size, 0)],
      declaration: decl,
    });
  }
}

/** A onehot data variable known for some examples only (`labelled(N)`): an encoder may infer it (M2's q(y | x)). */
export function isPartialLabel(v: VariableInfo): boolean {
  return v.role === "data" && v.type === "onehot" && v.labelled !== undefined;
}
