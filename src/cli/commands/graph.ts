import { type GraphFormat, renderGraph } from "../../graph/index.js";
import { checkSource } from "../../compiler.js";
import { diagnose } from "../../diagnostics/catalog.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { DiagnosticError } from "../../diagnostics/error.js";
import { lowerModel } from "../../ir/lower.js";
import { writeFileAtomic } from "../files.js";
import { ExitCode, type CliIO } from "../io.js";
import { displayPath } from "./compile.js";
import { loadSources, printDiagnostics } from "./common.js";

/** `aec graph SPEC`: the model and its loss graph as DOT, Mermaid, SVG or JSON. */
export function graphCommand(path: string, options: { format: GraphFormat; output?: string; phase?: string }, io: CliIO): number {
  const { sources, failures } = loadSources([path]);
  if (failures.length > 0 || sources.length !== 1) {
    printDiagnostics(io, undefined, failures.length > 0 ? failures : [diagnose.AE0901.notOneSpec(path)]);
    return ExitCode.diagnostics;
  }
  const source = sources[0]!;
  const result = checkSource(source);
  if (hasErrors(result.diagnostics)) {
    printDiagnostics(io, source.name, result.diagnostics, source);
    return ExitCode.diagnostics;
  }
  const texts: string[] = [];
  for (const model of result.models) {
    const ir = lowerModel(model, displayPath(source.name));
    if (options.phase && !ir.phases.some((p) => p.name === options.phase)) {
      throw new DiagnosticError(diagnose.AE0908.noSuchPhase({ model: ir.model, phase: options.phase, phases: ir.phases.map((p) => p.name) }));
    }
    texts.push(renderGraph(ir, options.format, options.phase));
  }
  const text = texts.join("\n");
  if (options.output) {
    writeFileAtomic(options.output, text);
    io.stdout(`wrote ${options.output}\n`);
  } else io.stdout(text);
  return ExitCode.ok;
}
