import type { ModelIR } from "../ir/types.js";
import { toDot, toJson, toMermaid, toSvg } from "./formats.js";
import { buildLossGraph } from "./lossGraph.js";

export type GraphFormat = "dot" | "mermaid" | "svg" | "json";

/** The loss graph of a model in one format; `phase` keeps one phase and what feeds it. */
export function renderGraph(ir: ModelIR, format: GraphFormat, phase?: string): string {
  const graph = buildLossGraph(ir, phase ? { phase } : {});
  switch (format) {
    case "dot": return toDot(graph);
    case "mermaid": return toMermaid(graph);
    case "svg": return toSvg(graph);
    case "json": return toJson(graph);
  }
}

export { buildLossGraph, type LossGraph } from "./lossGraph.js";
export { graphJsonSchema } from "./formats.js";
