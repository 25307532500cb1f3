import { diagnose } from "../diagnostics/catalog.js";
import type { Span } from "../language/span.js";
import type * as A from "../syntax/ast.js";
import type { CheckContext } from "./context.js";
import { upstream } from "./dependencies.js";
import type { NetworkInfo, SampleSource, VariableInfo } from "./model.js";

/**
 * Conditional discriminators, `discriminator d(x | y)`: d judges x given y. Its input is
 * x and y concatenated; y is a data variable, read from the batch for the real and the
 * fake samples alike — the label the generator was given, the label of the example an
 * encoder coded, the label a conditional prior `p(z | y)` drew for.
 */

/** The variables a discriminator judges its samples given (none for `d(z)`). */
export function conditionsOf(network: Pick<NetworkInfo, "role" | "inputs">): readonly string[] {
  return network.role === "discriminator" ? network.inputs.slice(1) : [];
}

/** Layers that need an image input, which a conditional discriminator's flat input is not. */
const imageLayers = new Set(["conv2d", "conv2dTranspose", "maxPool2d", "avgPool2d", "upsample2d"]);

/** AE0406 a condition that is the judged variable, AE0226 a latent condition, AE0227 an image layer on the flat input. */
export function checkConditions(ctx: CheckContext, decl: A.NetworkDeclaration, judged: VariableInfo | undefined, conditions: readonly (VariableInfo | undefined)[]): void {
  const name = decl.signature.name.name;
  conditions.forEach((v, i) => {
    const span = decl.signature.given[i]!.span;
    if (!v || !judged) return;
    if (v.name === judged.name) ctx.report(diagnose.AE0406.outputAndInput({ variable: v.name, network: name }), span);
    else if (v.role === "latent") ctx.report(diagnose.AE0226.latentCondition({ discriminator: name, variable: v.name, judged: judged.name }), span);
  });
  const first = decl.body[0];
  const layer = first && firstLayer(first);
  if (!judged || conditions.length === 0 || conditions.includes(undefined) || layer === undefined || !imageLayers.has(layer)) return;
  const width = [judged, ...conditions].reduce((sum, v) => sum + v!.size, 0);
  ctx.report(diagnose.AE0227.flatInput({ discriminator: name, variables: [judged, ...conditions].map((v) => `\`${v!.name}\``).join(" and "), width, layer }), first!.span);
}

/** The layer that first reads a network's input: a residual block's first layer. */
function firstLayer(item: A.NetworkItem): string | undefined {
  if (item.kind === "Layer") return item.call.callee.name;
  if (item.kind === "Residual") return item.body[0] && firstLayer(item.body[0]);
  return undefined;
}

/** Data variables a network's value depends on: its inputs and its encoders', and the labels of the priors its sampled latents are drawn from. */
export function networkReads(ctx: CheckContext, name: string): string[] {
  const network = ctx.networks.get(name);
  if (!network) return [];
  const names = upstream([...ctx.networks.values()], network);
  const inputs = names.flatMap((n) => ctx.networks.get(n)?.inputs ?? []);
  // Latents no encoder produces are drawn from their prior, which may be given a label.
  const sampled = inputs.filter((v) => ctx.variables.get(v)?.role === "latent" && !ctx.producerOf(v, ["encoder"]));
  return [...inputs.filter((v) => ctx.variables.get(v)?.role === "data"), ...sampled.flatMap((v) => ctx.priors.get(v)?.given ?? [])];
}

/** Data variables the samples of a source depend on: empty when they are drawn without the batch (prior noise only). */
export function sourceReads(ctx: CheckContext, source: SampleSource): string[] {
  switch (source.kind) {
    case "data": return [source.variable];
    case "prior": return [...(ctx.priors.get(source.variable)?.given ?? [])];
    case "network":
    case "permuted": return networkReads(ctx, source.network);
  }
}

/**
 * A source a conditional discriminator judges must belong to its batch row: AE0566 for
 * permuted codes (shuffled across rows), AE0565 for samples drawn without the batch.
 * True when the pairing holds (or the discriminator is unconditional).
 */
export function checkConditionedSource(ctx: CheckContext, discriminator: NetworkInfo, which: string, source: SampleSource, span: Span): boolean {
  const conditions = conditionsOf(discriminator);
  if (conditions.length === 0) return true;
  const given = conditions.join(", ");
  if (source.kind === "permuted") {
    ctx.report(diagnose.AE0566.permuted({ discriminator: discriminator.name, conditions: given, variable: source.variable }), span);
    return false;
  }
  if (sourceReads(ctx, source).length > 0) return true;
  ctx.report(diagnose.AE0565.independent({ discriminator: discriminator.name, conditions: given, which, source: describe(ctx, source), help: independenceHelp(ctx, source, conditions[0]!) }), span);
  return false;
}

function describe(ctx: CheckContext, source: SampleSource): string {
  if (source.kind === "prior") {
    const prior = ctx.priors.get(source.variable);
    return `${prior?.declaration.signature.name.name ?? "p"}(${source.variable})`;
  }
  if (source.kind === "network") {
    const network = ctx.networks.get(source.network)!;
    return `${network.name}(${source.variable} | ${network.inputs.join(", ")})`;
  }
  return source.variable;
}

function independenceHelp(ctx: CheckContext, source: SampleSource, condition: string): string {
  if (source.kind === "prior") return `condition the prior on it: \`prior p(${source.variable} | ${condition}) = MixtureOfGaussians(…)\`, which picks the component by the label`;
  if (source.kind === "network") {
    const network = ctx.networks.get(source.network)!;
    return `let \`${network.name}\` read it: \`${network.role} ${network.name}(${source.variable} | ${[...network.inputs, condition].join(", ")})\``;
  }
  return `pass samples that depend on \`${condition}\``;
}
