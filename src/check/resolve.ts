import { diagnose } from "../diagnostics/catalog.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import type { CheckContext } from "./context.js";
import type { NetworkInfo, VariableInfo } from "./model.js";

/** Looks up a variable, reporting AE0202 (with a suggestion) unless the name is already known to be broken. */
export function resolveVariable(ctx: CheckContext, name: A.Identifier): VariableInfo | undefined {
  const found = ctx.variables.get(name.name);
  if (found || ctx.isPoisoned(name.name) || name.name === "") return found;
  const declared = ctx.items("VariableDeclaration").map((v) => v.name.name);
  ctx.report(diagnose.AE0202.unknownVariable(name.name), name.span, {
    help: didYouMean(name.name, declared) ?? `declare it, e.g. \`latent ${name.name}: real[2]\` or \`data ${name.name}: real[784]\``,
  });
  ctx.poison(name.name);
  return undefined;
}

const roles: readonly A.NetworkRole[] = ["encoder", "decoder", "generator", "discriminator"];

/**
 * Looks up a network by its name (`q`, `d_z`) or by its role (`encoder`) when exactly one
 * network has that role; reports AE0203 otherwise.
 */
export function resolveNetwork(ctx: CheckContext, name: A.Identifier): NetworkInfo | "broken" | undefined {
  const declarations = ctx.items("NetworkDeclaration");
  const byName = declarations.find((n) => n.signature.name.name === name.name);
  const byRole = (roles as readonly string[]).includes(name.name) ? declarations.filter((n) => n.role === name.name) : [];
  const declaration = byName ?? (byRole.length === 1 ? byRole[0] : undefined);
  if (declaration) {
    const network = ctx.networks.get(declaration.signature.name.name);
    return network ?? "broken";
  }
  if (ctx.isPoisoned(name.name)) return "broken";
  if (byRole.length > 1 && byRole.some((n) => !ctx.networks.has(n.signature.name.name))) return "broken";
  if (byRole.length > 1) {
    ctx.report(diagnose.AE0203.ambiguousRole({ role: name.name, networks: byRole.map((n) => n.signature.name.name) }), name.span);
    return undefined;
  }
  const candidates = [...declarations.map((n) => n.signature.name.name), ...new Set(declarations.map((n) => n.role))];
  ctx.report(diagnose.AE0203.unknownNetwork(name.name), name.span, {
    help: didYouMean(name.name, candidates) ?? (candidates.length > 0 ? `the model's networks are ${candidates.map((c) => `\`${c}\``).join(", ")}` : "the model declares no network"),
  });
  return undefined;
}
