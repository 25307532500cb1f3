import { diagnose } from "../../diagnostics/catalog.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type * as A from "../../syntax/ast.js";
import { type DistributionSpec, distributions, findBuiltin, parameterSets } from "../../language/vocabulary.js";
import type { Scalar } from "../../language/schedules.js";
import { fixedArgument, resolveOptions } from "../likelihoodArguments.js";
import type { CheckContext, NetworkBody, NetworkSignature } from "../context.js";
import type { HeadInfo, LayerInfo, NetworkOutput, ParameterSource } from "../model.js";
import { formatShape } from "../shapes.js";
import { isQuantizer, quantizerParameters } from "../quantize.js";
import { checkRelaxedOutputs, relaxedCategorical, reportMissingTemperature } from "../relaxed.js";

/**
 * What each network outputs: AE0204 unknown distribution, AE0401 an invalid parameter
 * set, AE0205 a parameter whose head is never produced, AE0302 / AE0306 a head or trunk
 * whose shape is not its variable's, AE0411 a `probs` head that does not end in its
 * squashing function, AE0206 (warning) a head nothing reads, AE0410 (warning) logits
 * squashed by a sigmoid.
 */
export function networkOutputsRule(ctx: CheckContext): void {
  for (const signature of ctx.signatures.values()) {
    const body = ctx.bodies.get(signature.name);
    if (!body) continue;
    const before = ctx.errorCount();
    const outputs = signature.role === "discriminator" ? [] : resolveOutputs(ctx, signature, body);
    if (outputs) checkProbabilities(ctx, body, outputs);
    if (outputs) checkRelaxedOutputs(ctx, signature, outputs);
    if (!outputs || ctx.errorCount() > before) {
      ctx.brokenNetworks.add(signature.name);
      continue;
    }
    warnUnusedHeads(ctx, signature, body, outputs);
    warnSquashedLogits(ctx, body, outputs);
    ctx.networks.set(signature.name, {
      name: signature.name,
      role: signature.role,
      inputs: signature.inputs,
      outputs: signature.outputs,
      inputShape: signature.inputShape,
      trunk: body.trunk,
      heads: body.heads,
      distributions: outputs,
      parameterCount: body.parameterCount,
      declaration: signature.declaration,
      ...(signature.role === "encoder" && signature.outputs.some((o) => ctx.variables.get(o)?.role === "data") ? { infersLabel: true } : {}),
    });
  }
}

function resolveOutputs(ctx: CheckContext, signature: NetworkSignature, body: NetworkBody): NetworkOutput[] | undefined {
  const decl = signature.declaration;
  if (decl.distribution) {
    if (signature.outputs.length !== 1) {
      ctx.report(diagnose.AE0401.severalOutputs({ network: signature.name, outputs: signature.outputs.length }), decl.distribution.span, {
        help: `give each variable its own head, e.g. \`${signature.outputs[0]}: Normal(mu = dense(…), logvar = dense(…))\``,
      });
      return undefined;
    }
    if (body.inline.length > 0) {
      ctx.report(diagnose.AE0401.givenTwice(), body.inline[0]!.span);
      return undefined;
    }
    if (isQuantizer(decl.distribution)) {
      // VectorQuantize quantises the trunk's output z_e: the trunk must give the latent's shape.
      const codebook = quantizerParameters(ctx, signature, decl.distribution, body);
      const trunk = codebook && trunkOutput(ctx, signature, body);
      return trunk && [{ ...trunk[0]!, distribution: "VectorQuantize", codebook }];
    }
    const output = networkLevelDistribution(ctx, signature.outputs[0]!, decl.distribution, body);
    return output ? [output] : undefined;
  }
  if (body.heads.length === 0) return trunkOutput(ctx, signature, body);
  const outputs: NetworkOutput[] = [];
  for (const name of signature.outputs) {
    const variable = ctx.variables.get(name)!;
    const inline = body.inline.find((i) => i.variable === name);
    const plain = body.heads.find((h) => h.name === name);
    if (!inline && !plain) {
      ctx.report(diagnose.AE0205.neverProduced({ variable: name, network: signature.name }), decl.signature.span, {
        help: `add a head such as \`${name}: dense(${variable.size})\` or \`${name}: Normal(mu = dense(${variable.size}), logvar = dense(${variable.size}))\``,
      });
      return undefined;
    }
    const heads: Record<string, ParameterSource> = inline
      ? Object.fromEntries(Object.entries(inline.parameters).map(([p, head]) => [p, { head }]))
      : { value: { head: name } };
    const spec = inline ? findBuiltin(distributions, inline.distribution)! : undefined;
    const options = spec ? likelihoodOptions(ctx, spec, { ...inline!.options }, inline!.temperature, name, inline!.span) : undefined;
    if (options === "error") return undefined;
    for (const source of Object.values(heads)) {
      if (!checkHeadShape(ctx, body, (source as { head: string }).head, name, options?.components)) return undefined;
    }
    const parameters = { ...heads, ...inline?.fixed };
    outputs.push({ variable: name, distribution: inline?.distribution ?? "Deterministic", parameters, ...(options ? { options } : {}), ...(inline?.temperature !== undefined ? { temperature: inline.temperature } : {}) });
  }
  return outputs;
}

/** A network without heads: its trunk's last layer is the output, so its shape must be the variable's. */
function trunkOutput(ctx: CheckContext, signature: NetworkSignature, body: NetworkBody): NetworkOutput[] | undefined {
  const decl = signature.declaration;
  if (signature.outputs.length !== 1) {
    ctx.report(diagnose.AE0205.noHeads({ network: signature.name, outputs: signature.outputs }), decl.signature.span, {
      help: `end it with one head per variable, e.g. \`${signature.outputs[0]}: dense(…)\``,
    });
    return undefined;
  }
  const variable = ctx.variables.get(signature.outputs[0]!)!;
  if (formatShape(body.trunkShape) !== formatShape(variable.shape)) {
    const last = decl.body[decl.body.length - 1];
    const mismatch = diagnose.AE0306.outputShape({ network: signature.name, shape: formatShape(body.trunkShape), variable: variable.name, variableShape: formatShape(variable.shape) });
    ctx.report(mismatch, last?.span ?? decl.signature.span, {
      help: variable.shape.length === 1 ? `end it with \`dense(${variable.shape[0]})\`` : (convAdvice(body.trunk[body.trunk.length - 1], variable.shape) ?? `end it with a layer that produces ${formatShape(variable.shape)}`),
    });
    return undefined;
  }
  return [{ variable: variable.name, distribution: "Deterministic", parameters: { value: { trunk: true } } }];
}

function networkLevelDistribution(ctx: CheckContext, variable: string, call: A.Call, body: NetworkBody): NetworkOutput | undefined {
  const spec = findBuiltin(distributions, call.callee.name);
  if (!spec) {
    ctx.report(diagnose.AE0204.unknown({ kind: "distribution", name: call.callee.name }), call.callee.span, {
      help: didYouMean(call.callee.name, distributions.map((d) => d.name)) ?? `the distributions are ${distributions.map((d) => `\`${d.name}\``).join(", ")}`,
    });
    return undefined;
  }
  const allParameters = [...new Set(spec.parameterSets.flat())];
  const mapping: Record<string, string> = {};
  const fixed: Record<string, ParameterSource> = {};
  const given: Record<string, number> = {};
  let temperature: Scalar | undefined;
  for (const arg of call.args) {
    const head = arg.value.kind === "Call" && !arg.value.hasParens ? arg.value.callee.name : undefined;
    if (arg.name && (allParameters.includes(arg.name.name) || spec.options?.some((o) => o.name === arg.name!.name))) {
      const found = fixedArgument(ctx, spec, arg.name.name, arg);
      if (found === "error") return undefined;
      if (found?.kind === "option") given[arg.name.name] = found.value;
      else if (found?.kind === "temperature") temperature = found.value;
      else if (found) fixed[arg.name.name] = found.source;
      if (found) continue;
    }
    if (!head) {
      ctx.report(diagnose.AE0401.parametersNameHeads({ distribution: spec.name, example: spec.parameterSets[0]!.join(", ") }), arg.span, fixedHelp(spec));
      return undefined;
    }
    const parameter = arg.name?.name ?? head;
    if (!allParameters.includes(parameter)) {
      ctx.report(diagnose.AE0401.unknownParameter({ distribution: spec.name, parameter }), arg.span, {
        help: `${spec.name} takes ${parameterSets(spec)}; to use a head with another name write \`${allParameters[0]} = ${head}\``,
      });
      return undefined;
    }
    mapping[parameter] = head;
  }
  const givenParameters = [...Object.keys(mapping), ...Object.keys(fixed)];
  const chosen = spec.parameterSets.find((set) => set.length === givenParameters.length && set.every((p) => givenParameters.includes(p)));
  if (!chosen) {
    ctx.report(diagnose.AE0401.parameterSet({ distribution: spec.name, sets: parameterSets(spec), given: givenParameters }), call.span);
    return undefined;
  }
  const options = likelihoodOptions(ctx, spec, given, temperature, variable, call.span);
  if (options === "error") return undefined;
  for (const [parameter, head] of Object.entries(mapping)) {
    if (!body.heads.some((h) => h.name === head)) {
      ctx.report(diagnose.AE0205.headMissing({ parameter, distribution: spec.name, head }), call.span, {
        help: `add a head \`${head}: dense(${ctx.variables.get(variable)!.size * (options?.components ?? 1)})\` at the end of the network`,
      });
      return undefined;
    }
    if (!checkHeadShape(ctx, body, head, variable, options?.components)) return undefined;
  }
  const parameters = { ...Object.fromEntries(Object.entries(mapping).map(([p, head]) => [p, { head }])), ...fixed };
  return { variable, distribution: spec.name, parameters, ...(options ? { options } : {}), ...(temperature !== undefined ? { temperature } : {}) };
}

/** A number written without its parameter's name: say how a constant is written. */
function fixedHelp(spec: DistributionSpec): { help: string } | undefined {
  const [first] = Object.entries(spec.fixable ?? {});
  return first ? { help: `a constant names its parameter, e.g. \`${spec.name}(${spec.parameterSets.find((s) => s.includes(first[0]))!.map((p) => (p === first[0] ? `${p} = ${first[1] === "positive" ? "0.1" : "-2"}` : p)).join(", ")})\`` } : undefined;
}

/** The options of a likelihood, defaults filled from the data (`levels`), required ones present (AE0419). */
function likelihoodOptions(ctx: CheckContext, spec: DistributionSpec, given: Record<string, number>, temperature: Scalar | undefined, variable: string, span: A.Call["span"]): Record<string, number> | undefined | "error" {
  const missing = spec.options?.find((o) => o.required && (o.name === "temperature" ? temperature : given[o.name]) === undefined);
  if (missing && spec.name === relaxedCategorical) {
    reportMissingTemperature(ctx, span);
    return "error";
  }
  if (missing) {
    ctx.report(diagnose.AE0419.missing({ distribution: spec.name, option: missing.name }), span);
    return "error";
  }
  return resolveOptions(spec, given, ctx.variables.get(variable)!.support);
}

function checkHeadShape(ctx: CheckContext, body: NetworkBody, headName: string, variableName: string, components?: number): boolean {
  const head = body.heads.find((h) => h.name === headName)!;
  const variable = ctx.variables.get(variableName)!;
  if (components !== undefined) {
    const size = head.outputShape.reduce((a, b) => a * b, 1);
    if (size === components * variable.size) return true;
    ctx.report(diagnose.AE0418.headSize({ head: headName, size, components, variable: variable.name, variableSize: variable.size }), head.span, {
      help: variable.shape.length === 1 ? `use \`dense(${components * variable.size})\`` : `give it ${components} channels per value, e.g. \`conv2d(filters = ${components * variable.shape[variable.shape.length - 1]!}, …)\``,
    });
    return false;
  }
  if (formatShape(head.outputShape) === formatShape(variable.shape)) return true;
  ctx.report(diagnose.AE0302.headShape({ head: headName, shape: formatShape(head.outputShape), variable: variable.name, variableShape: formatShape(variable.shape) }), head.span, {
    help:
      variable.shape.length === 1
        ? `use \`dense(${variable.shape[0]})\``
        : (convAdvice(head.layers[head.layers.length - 1], variable.shape) ?? `add \`reshape(${variable.shape.join(", ")})\` after a layer of ${variable.size} units`),
  });
  return false;
}

/**
 * When a convolution produces an image of the wrong size, the fix is in the convolution
 * (its filters or its stride), not a reshape: the advice names the change that gives the
 * variable's shape, when one does.
 */
function convAdvice(last: LayerInfo | undefined, wanted: readonly number[]): string | undefined {
  if (!last || (last.kind !== "conv2d" && last.kind !== "conv2dTranspose") || wanted.length !== 3 || last.outputShape.length !== 3) return undefined;
  const [h, w, c] = last.outputShape as [number, number, number];
  const [wh, ww, wc] = wanted as [number, number, number];
  const stride = last.arguments.stride as number;
  const filters = wc !== c ? `\`filters = ${wc}\`` : undefined;
  let strideFix: string | undefined;
  if (wh !== h || ww !== w) {
    if (last.arguments.padding !== "same") return `the ${last.kind} gives ${h}×${w}, but \`${formatShape(wanted)}\` needs ${wh}×${ww}: with \`padding = same\` its sides are ${last.kind === "conv2d" ? "the input's ÷ stride" : "the input's × stride"}`;
    const [ih, iw] = last.inputShape as [number, number];
    const candidate = last.kind === "conv2dTranspose" ? wh / ih : ih / wh;
    const fits = Number.isInteger(candidate) && candidate >= 1 && (last.kind === "conv2dTranspose" ? iw * candidate === ww : Math.ceil(iw / candidate) === ww && Math.ceil(ih / candidate) === wh);
    if (!fits) return `the ${last.kind} gives ${h}×${w} from a ${ih}×${iw} input, and no stride gives ${wh}×${ww}: change the layers before it`;
    strideFix = `\`stride = ${candidate}\` (now ${stride})`;
  }
  const fixes = [strideFix, filters].filter((f): f is string => f !== undefined);
  return fixes.length > 0 ? `give the last ${last.kind} ${fixes.join(" and ")}` : undefined;
}

function warnUnusedHeads(ctx: CheckContext, signature: NetworkSignature, body: NetworkBody, outputs: readonly NetworkOutput[]): void {
  const used = new Set(outputs.flatMap((o) => Object.values(o.parameters).map((s) => ("head" in s ? s.head : ""))));
  for (const head of body.heads) {
    if (!used.has(head.name)) {
      ctx.report(diagnose.AE0206.unusedHead({ head: head.name, network: signature.name }), head.span);
    }
  }
}

/**
 * A `probs` parameter must hold probabilities. The checker does not insert the squashing
 * function (what is checked is what is generated): a Bernoulli's head must end in
 * `sigmoid`, and a Categorical, for which no layer computes a softmax, is given by logits.
 */
function checkProbabilities(ctx: CheckContext, body: NetworkBody, outputs: readonly NetworkOutput[]): void {
  for (const output of outputs) {
    const found = lastLayerOf(body, output, "probs");
    if (!found) continue;
    const { head, last } = found;
    if (output.distribution === "Categorical") ctx.report(diagnose.AE0411.categorical(head.name), last.span);
    else if (last.activation !== "sigmoid") ctx.report(diagnose.AE0411.bernoulli({ head: head.name, activation: last.activation }), last.span);
  }
}

/** The head that gives a distribution parameter, and its last layer (undefined when the parameter is not given by a head). */
function lastLayerOf(body: NetworkBody, output: NetworkOutput, parameter: string): { head: HeadInfo; last: LayerInfo } | undefined {
  const source = output.parameters[parameter];
  if (!source || !("head" in source)) return undefined;
  const head = body.heads.find((h) => h.name === source.head)!;
  return { head, last: head.layers[head.layers.length - 1]! };
}

function warnSquashedLogits(ctx: CheckContext, body: NetworkBody, outputs: readonly NetworkOutput[]): void {
  for (const output of outputs) {
    const last = lastLayerOf(body, output, "logits")?.last;
    if (last && last.activation !== "linear") {
      ctx.report(diagnose.AE0410.squashedLogits({ distribution: output.distribution, activation: last.activation }), last.span);
    }
  }
}
