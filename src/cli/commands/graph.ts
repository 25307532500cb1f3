import { type GraphFormat, renderGraph } from "../../graph/index.js";
import { checkSource } from "../../compiler.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { lowerModel } from "../../ir/lower.js";
import { writeFileAtomic } from "../files.js";
import { ExitCode, type CliIO } from "../io.js";
import { displayPath } from "./compile.js";
import { loadSources, printDiagnostics } from "./common.js";

/** `aec graph SPEC`: the model and its loss graph as DOT, Mermaid, SVG or JSON. */
export function graphCommand(path: string, options: { format: GraphFormat; output?: string; phase?: string }, io: CliIO): number {
  const { sources, failures } = loadSources([path]);
  if (failures.length > 0 || sources.length !== 1) {
    printDiagnostics(io, undefined, failures.length > 0 ? failures : [{ code: "AE0901", severity: "error", message: `\`${path}\` must name one spec file` }]);
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
      io.stderr(`error[AE0908]: model ${ir.model} has no phase \`${options.phase}\`\n  = help: its phases are ${ir.phases.map((p) => `\`${p.name}\``).join(", ")}\n`);
      return ExitCode.diagnostics;
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
