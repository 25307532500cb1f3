import { diagnose } from "../../diagnostics/catalog.js";
import type { Fix } from "../../diagnostics/diagnostic.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type * as A from "../../syntax/ast.js";
import { bindCall } from "../bind.js";
import { type Activation, distributions, findBuiltin, isActivation, layers, parameterSets } from "../../language/vocabulary.js";
import type { Scalar } from "../../language/schedules.js";
import type { CheckContext, InlineDistribution } from "../context.js";
import type { ArgumentValue, HeadInfo, LayerInfo, ParameterSource } from "../model.js";
import { fixedArgument } from "../likelihoodArguments.js";
import { completeArguments, formatShape, layerShape } from "../shapes.js";

/** No network here should need more; a bigger one would not fit in memory for training. */
const maxParameters = 200_000_000;

/**
 * Shapes flow through every layer: AE0204 unknown layers, AE0303 a layer that cannot
 * take its input, AE0304 a layer after the heads, AE0305 a discriminator that does not
 * end in one logit (or squashes it), AE0607 a network too large to train.
 */
export function networkShapesRule(ctx: CheckContext): void {
  for (const signature of ctx.signatures.values()) {
    const decl = signature.declaration;
    const before = ctx.errorCount();
    let shape = signature.inputShape;
    const trunk: LayerInfo[] = [];
    const heads: HeadInfo[] = [];
    const inline: InlineDistribution[] = [];
    let broken = false;

    decl.body.forEach((item, index) => {
      if (broken) {
        // Shapes stop at the first broken layer, but every unknown name is still worth a report.
        for (const call of unresolvedCalls(item)) if (!findBuiltin(layers, call.callee.name)) reportUnknownLayer(ctx, call);
        return;
      }
      if (item.kind !== "Head") {
        if (decl.body.slice(0, index).some((i) => i.kind === "Head")) {
          ctx.report(diagnose.AE0304.layerAfterHeads(), item.span);
          broken = true;
          return;
        }
        const layer = item.kind === "Layer" ? resolveLayer(ctx, item.call, shape) : resolveResidual(ctx, item, shape);
        if (!layer) {
          broken = true;
          return;
        }
        trunk.push(layer);
        shape = layer.outputShape;
        return;
      }
      if (signature.role === "discriminator") {
        ctx.report(diagnose.AE0305.heads(), item.span);
        broken = true;
        return;
      }
      const head = resolveHead(ctx, item, shape);
      if (!head) {
        broken = true;
        return;
      }
      heads.push(...head.heads);
      if (head.inline) inline.push(head.inline);
    });

    if (!broken && signature.role === "discriminator" && (shape.length !== 1 || shape[0] !== 1)) {
      const last = decl.body[decl.body.length - 1];
      ctx.report(diagnose.AE0305.notOneLogit({ network: signature.name, shape: formatShape(shape) }), last?.span ?? decl.signature.span);
    } else if (!broken && signature.role === "discriminator") {
      // The GAN losses read the output as a logit: a squashed one (`dense(1, sigmoid)`) trains a wrong loss.
      const squashing = [...trunk].reverse().find((l) => l.activation !== "linear" || !["dropout", "reshape", "flatten"].includes(l.kind));
      if (squashing && squashing.activation !== "linear") {
        const fix = withoutActivation(ctx, decl, squashing);
        ctx.report(diagnose.AE0305.squashed({ network: signature.name, activation: squashing.activation }), squashing.span, fix ? { fix } : undefined);
      }
    }
    const parameterCount = [...trunk, ...heads.flatMap((h) => h.layers)].reduce((sum, l) => sum + l.parameters, 0);
    if (parameterCount > maxParameters) {
      ctx.report(diagnose.AE0607.network({ network: signature.name, parameters: parameterCount, limit: maxParameters }), decl.signature.span);
    }
    if (ctx.errorCount() > before) {
      ctx.brokenNetworks.add(signature.name);
      continue;
    }
    ctx.bodies.set(signature.name, { trunk, trunkShape: shape, heads, inline, parameterCount });
  }
}

/** The last layer written without its activation (`dense(1, sigmoid)` → `dense(1)`; a bare `sigmoid` layer removed). */
function withoutActivation(ctx: CheckContext, decl: A.NetworkDeclaration, layer: LayerInfo): Fix | undefined {
  const item = decl.body.find((i) => i.kind === "Layer" && i.call.span.start === layer.span.start);
  if (!item || item.kind !== "Layer") return undefined;
  const call = item.call;
  if (call.callee.name === layer.activation && call.args.length === 0) return { span: call.span, replacement: "", message: "remove the activation" };
  const spec = findBuiltin(layers, call.callee.name)!;
  const position = spec.parameters.findIndex((p) => p.name === "activation");
  const kept = call.args.filter((a, index) => (a.name ? a.name.name !== "activation" : index !== position));
  const text = ctx.source.text;
  return { span: call.span, replacement: `${call.callee.name}(${kept.map((a) => text.slice(a.span.start, a.span.end)).join(", ")})`, message: "drop the activation" };
}

/** The layer calls of an item whose shapes are not followed (after a broken layer). */
function unresolvedCalls(item: A.NetworkItem): A.Call[] {
  switch (item.kind) {
    case "Layer": return [item.call];
    case "Head": return findBuiltin(distributions, item.value.callee.name) ? [] : [item.value];
    case "Residual": return item.body.flatMap(unresolvedCalls);
  }
}

/**
 * A residual block (AE0308): its layers in order from the block's input, which their
 * output must match, since the block adds them. A shape change is refused rather than
 * bridged by a hidden learned projection, so every weight is one the spec writes.
 */
function resolveResidual(ctx: CheckContext, block: A.Residual, input: readonly number[]): LayerInfo | undefined {
  if (block.body.length === 0) {
    ctx.report(diagnose.AE0308.empty(), block.span);
    return undefined;
  }
  const inner: LayerInfo[] = [];
  let shape = input;
  for (const item of block.body) {
    if (item.kind === "Head") {
      ctx.report(diagnose.AE0308.head(), item.span);
      return undefined;
    }
    const layer = item.kind === "Layer" ? resolveLayer(ctx, item.call, shape) : resolveResidual(ctx, item, shape);
    if (!layer) {
      for (const rest of block.body.slice(block.body.indexOf(item) + 1)) for (const call of unresolvedCalls(rest)) if (!findBuiltin(layers, call.callee.name)) reportUnknownLayer(ctx, call);
      return undefined;
    }
    inner.push(layer);
    shape = layer.outputShape;
  }
  if (formatShape(shape) !== formatShape(input)) {
    ctx.report(diagnose.AE0308.changesShape({ input: formatShape(input), output: formatShape(shape) }), block.keywordSpan, { help: residualAdvice(input, shape) });
    return undefined;
  }
  return {
    kind: "residual",
    arguments: {},
    activation: "linear",
    inner,
    inputShape: input,
    outputShape: input,
    parameters: inner.reduce((sum, l) => sum + l.parameters, 0),
    span: block.span,
  };
}

/** How to keep a block's shape: the channels and the resolution change outside it. */
function residualAdvice(input: readonly number[], output: readonly number[]): string {
  const image = input.length === 3 && output.length === 3;
  if (image && input[0] === output[0] && input[1] === output[1]) {
    return `end the block with ${input[2]} channels, or change the channels before it (e.g. \`conv2d(${output[2]}, 1)\`) so the block keeps ${output[2]}`;
  }
  if (image) return "keep strides, pooling and upsampling out of the block: change the resolution before or after it";
  if (input.length === 1 && output.length === 1) return `end the block with \`dense(${input[0]})\`, or change the width before it (e.g. \`dense(${output[0]})\`)`;
  return `end the block with a layer that gives back ${formatShape(input)}`;
}

function reportUnknownLayer(ctx: CheckContext, call: A.Call): void {
  const name = call.callee.name;
  const isDistribution = distributions.some((d) => d.name === name);
  ctx.report(diagnose.AE0204.unknown({ kind: "layer", name }), call.callee.span, {
    help: isDistribution
      ? `a distribution is not a layer: name the variable it models, e.g. \`z: ${name}(...)\`, or declare it after the signature: \`= ${name}(...)\``
      : (didYouMean(name, layers.map((l) => l.name)) ?? `the layers are ${layers.slice(0, 7).map((l) => `\`${l.name}\``).join(", ")} and the activations`),
  });
}

export function resolveLayer(ctx: CheckContext, call: A.Call, input: readonly number[]): LayerInfo | undefined {
  const spec = findBuiltin(layers, call.callee.name);
  if (!spec) {
    reportUnknownLayer(ctx, call);
    return undefined;
  }
  const bound = bindCall(ctx, call, spec, "layer");
  if (!bound) return undefined;
  const values = completeArguments(spec.name, bound.values as Record<string, ArgumentValue | readonly number[]>); // no layer parameter is schedulable
  const result = layerShape(spec.name, values, input);
  if ("problem" in result) {
    ctx.report(result.problem, call.span);
    return undefined;
  }
  const activation = (values.activation ?? (isActivation(spec.name) ? spec.name : "linear")) as Activation;
  return {
    kind: spec.name,
    arguments: values,
    activation,
    inputShape: input,
    outputShape: result.shape,
    parameters: result.parameters,
    span: call.span,
  };
}

/** A head is one layer (`mu: dense(20)`) or a distribution of layers (`c: Categorical(logits = dense(10))`). */
function resolveHead(ctx: CheckContext, head: A.Head, input: readonly number[]): { heads: HeadInfo[]; inline?: InlineDistribution } | undefined {
  const call = head.value;
  const distribution = findBuiltin(distributions, call.callee.name);
  if (!distribution) {
    const layer = resolveLayer(ctx, call, input);
    return layer ? { heads: [{ name: head.name.name, layers: [layer], outputShape: layer.outputShape, span: call.span }] } : undefined;
  }
  const parameterNames = [...new Set(distribution.parameterSets.flat())];
  const given: Record<string, A.Call> = {};
  const fixed: Record<string, ParameterSource> = {};
  const options: Record<string, number> = {};
  let temperature: Scalar | undefined;
  const firstSet = distribution.parameterSets[0]!;
  for (const [index, arg] of call.args.entries()) {
    const parameter = arg.name?.name ?? firstSet[index];
    if (arg.name && (parameterNames.includes(arg.name.name) || distribution.options?.some((o) => o.name === arg.name!.name))) {
      const found = fixedArgument(ctx, distribution, arg.name.name, arg);
      if (found === "error") return undefined;
      if (found?.kind === "option") options[arg.name.name] = found.value;
      else if (found?.kind === "temperature") temperature = found.value;
      else if (found) fixed[arg.name.name] = found.source;
      if (found) continue;
    }
    if (!parameter || !parameterNames.includes(parameter)) {
      ctx.report(diagnose.AE0401.unknownParameter({ distribution: distribution.name, parameter: parameter ?? `number ${index + 1}` }), arg.span, {
        help: `${distribution.name} takes ${parameterSets(distribution)}`,
      });
      return undefined;
    }
    if (arg.value.kind !== "Call" || !arg.value.hasParens) {
      ctx.report(diagnose.AE0606.headLayer({ parameter, distribution: distribution.name }), arg.value.span);
      return undefined;
    }
    given[parameter] = arg.value;
  }
  const givenParameters = [...Object.keys(given), ...Object.keys(fixed)];
  const chosen = distribution.parameterSets.find((set) => set.length === givenParameters.length && set.every((p) => givenParameters.includes(p)));
  if (!chosen) {
    ctx.report(diagnose.AE0401.headParameterSet({ distribution: distribution.name, sets: parameterSets(distribution), head: head.name.name, given: givenParameters }), call.span);
    return undefined;
  }
  const heads: HeadInfo[] = [];
  const parameters: Record<string, string> = {};
  for (const parameter of chosen.filter((p) => p in given)) {
    const layer = resolveLayer(ctx, given[parameter]!, input);
    if (!layer) return undefined;
    const name = `${head.name.name}.${parameter}`;
    heads.push({ name, layers: [layer], outputShape: layer.outputShape, span: given[parameter]!.span });
    parameters[parameter] = name;
  }
  return { heads, inline: { variable: head.name.name, distribution: distribution.name, parameters, fixed, options, ...(temperature !== undefined ? { temperature } : {}), span: head.span } };
}
