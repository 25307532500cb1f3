import dagre from "@dagrejs/dagre";
import { type LossGraph, type NodeKind, nodeKindNames } from "./lossGraph.js";

/** Colours and shapes per node kind, shared by every format. */
const style: Record<NodeKind, { fill: string; stroke: string; dot: string; mermaid: [string, string] }> = {
  data: { fill: "#dbeafe", stroke: "#1d4ed8", dot: "ellipse", mermaid: ["([", "])"] },
  latent: { fill: "#ede9fe", stroke: "#6d28d9", dot: "ellipse", mermaid: ["([", "])"] },
  network: { fill: "#f1f5f9", stroke: "#334155", dot: "box", mermaid: ["[", "]"] },
  prior: { fill: "#fef3c7", stroke: "#b45309", dot: "box", mermaid: ["(", ")"] },
  posterior: { fill: "#fce7f3", stroke: "#be185d", dot: "box", mermaid: ["(", ")"] },
  likelihood: { fill: "#dcfce7", stroke: "#15803d", dot: "box", mermaid: ["(", ")"] },
  noise: { fill: "#ffffff", stroke: "#64748b", dot: "circle", mermaid: ["((", "))"] },
  sample: { fill: "#e0f2fe", stroke: "#0369a1", dot: "ellipse", mermaid: ["([", "])"] },
  corruption: { fill: "#fee2e2", stroke: "#b91c1c", dot: "box", mermaid: ["[/", "/]"] },
  loss: { fill: "#fff1f2", stroke: "#e11d48", dot: "hexagon", mermaid: ["{{", "}}"] },
};

const phaseFills = ["#eff6ff", "#f0fdf4", "#fefce8", "#fdf4ff", "#f8fafc"];

// ── DOT (Graphviz) ──

const dotString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]+/g, " ")}"`;

export function toDot(graph: LossGraph): string {
  const lines = [`digraph ${dotString(graph.model)} {`, "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=11, style="filled,rounded"];', '  edge [fontname="Helvetica", fontsize=9];'];
  const nodeLine = (n: LossGraph["nodes"][number]) => {
    const s = style[n.kind];
    const label = n.lines.map((l) => l.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]+/g, " ")).join("\\n");
    return `${n.id} [label="${label}", shape=${s.dot}, fillcolor="${s.fill}", color="${s.stroke}"];`;
  };
  for (const n of graph.nodes.filter((x) => !x.group)) lines.push(`  ${nodeLine(n)}`);
  graph.groups.forEach((g, i) => {
    lines.push(`  subgraph cluster_${g.id} {`, `    label=${dotString(g.lines.join(" — "))};`, `    style="filled,rounded"; fillcolor="${phaseFills[i % phaseFills.length]}"; color="#94a3b8";`);
    for (const n of graph.nodes.filter((x) => x.group === g.id)) lines.push(`    ${nodeLine(n)}`);
    lines.push("  }");
  });
  for (const e of graph.edges) lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label=${dotString(e.label)}]` : ""};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

// ── Mermaid ──

/** Mermaid labels are quoted; quotes and angle brackets become entity codes. */
const mermaidText = (s: string) => s.replace(/[\r\n]+/g, " ").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

export function toMermaid(graph: LossGraph): string {
  const lines = ["flowchart TB"];
  const nodeLine = (n: LossGraph["nodes"][number]) => {
    const [open, close] = style[n.kind].mermaid;
    return `${n.id}${open}"${n.lines.map(mermaidText).join("<br/>")}"${close}:::${n.kind}`;
  };
  for (const n of graph.nodes.filter((x) => !x.group)) lines.push(`  ${nodeLine(n)}`);
  for (const g of graph.groups) {
    lines.push(`  subgraph ${g.id}["${g.lines.map(mermaidText).join("<br/>")}"]`);
    for (const n of graph.nodes.filter((x) => x.group === g.id)) lines.push(`    ${nodeLine(n)}`);
    lines.push("  end");
  }
  for (const e of graph.edges) lines.push(`  ${e.from} -->${e.label ? `|"${mermaidText(e.label)}"|` : ""} ${e.to}`);
  for (const [kind, s] of Object.entries(style)) lines.push(`  classDef ${kind} fill:${s.fill},stroke:${s.stroke}`);
  return `${lines.join("\n")}\n`;
}

// ── JSON ──

export function toJson(graph: LossGraph): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}

export const graphJsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["model", "nodes", "edges", "groups"],
  properties: {
    model: { type: "string" },
    nodes: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "kind", "lines"],
        properties: {
          id: { type: "string", pattern: "^n\\d+$" },
          kind: { enum: Object.keys(nodeKindNames) },
          lines: { type: "array", items: { type: "string" }, minItems: 1 },
          group: { type: "string", pattern: "^g\\d+$" },
        },
      },
    },
    edges: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["from", "to"],
        properties: { from: { type: "string", pattern: "^n\\d+$" }, to: { type: "string", pattern: "^n\\d+$" }, label: { type: "string" } },
      },
    },
    groups: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "phase", "lines"],
        properties: { id: { type: "string", pattern: "^g\\d+$" }, phase: { type: "string" }, lines: { type: "array", items: { type: "string" } } },
      },
    },
  },
} as const;

// ── SVG (laid out with dagre) ──

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const charWidth = 6.6; // 11px monospace
const lineHeight = 15;

function box(lines: readonly string[], first = 12): { width: number; height: number } {
  const widest = Math.max(...lines.map((l, i) => [...l].length * (i === 0 ? (first / 11) * charWidth : charWidth)));
  return { width: Math.ceil(widest + 24), height: lines.length * lineHeight + 14 };
}

/** A self-contained SVG: nodes by kind, phases as coloured groups, a legend; no external program or font. */
export function toSvg(graph: LossGraph): string {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 50, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, box(n.lines));
  for (const group of graph.groups) {
    g.setNode(group.id, { label: group.id });
    // The phase's caption is laid out as a node of its own, above the group's terms, so
    // the group is always wide and tall enough for it and groups never overlap.
    const caption = box(group.lines, 11);
    g.setNode(`${group.id}_caption`, { width: caption.width, height: caption.height - 6 });
    g.setParent(`${group.id}_caption`, group.id);
  }
  for (const n of graph.nodes) {
    if (!n.group) continue;
    g.setParent(n.id, n.group);
    g.setEdge(`${n.group}_caption`, n.id, { minlen: 1, weight: 1 }, `caption_${n.id}`);
  }
  graph.edges.forEach((e, i) => {
    const label = e.label ? { label: e.label, width: [...e.label].length * 6 + 8, height: 14, labelpos: "c" } : {};
    g.setEdge(e.from, e.to, label, `e${i}`);
  });
  dagre.layout(g);

  const legendKinds = [...new Set(graph.nodes.map((n) => n.kind))];
  const layout = g.graph() as { width: number; height: number };
  const legendWidth = 190;
  const width = Math.ceil(layout.width + legendWidth + 24);
  const height = Math.ceil(Math.max(layout.height, legendKinds.length * 22 + 60) + 36);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#475569"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="16" y="22" font-size="14" font-weight="bold">${xml(graph.model)}: model and loss graph</text>`,
    `<g transform="translate(0, 28)">`,
  ];
  graph.groups.forEach((group, i) => {
    const c = g.node(group.id) as { x: number; y: number; width: number; height: number };
    const caption = g.node(`${group.id}_caption`) as { x: number; y: number; width: number; height: number };
    out.push(`<rect x="${(c.x - c.width / 2).toFixed(1)}" y="${(c.y - c.height / 2).toFixed(1)}" width="${c.width.toFixed(1)}" height="${c.height.toFixed(1)}" rx="10" fill="${phaseFills[i % phaseFills.length]}" stroke="#94a3b8" stroke-dasharray="4 3"/>`);
    group.lines.forEach((line, j) => {
      out.push(`<text x="${(caption.x - caption.width / 2 + 10).toFixed(1)}" y="${(caption.y - caption.height / 2 + 14 + j * 14).toFixed(1)}"${j === 0 ? ' font-weight="bold"' : ' fill="#475569"'}>${xml(line)}</text>`);
    });
  });
  graph.edges.forEach((e, i) => {
    const edge = g.edge(e.from, e.to, `e${i}`) as { points: { x: number; y: number }[]; x?: number; y?: number };
    const d = edge.points.map((p, j) => `${j === 0 ? "M" : "L"} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ");
    out.push(`<path d="${d}" fill="none" stroke="#475569" stroke-width="1.2" marker-end="url(#arrow)"/>`);
    if (e.label && edge.x !== undefined && edge.y !== undefined) {
      const w = [...e.label].length * 6 + 8;
      out.push(`<rect x="${(edge.x - w / 2).toFixed(1)}" y="${(edge.y - 8).toFixed(1)}" width="${w}" height="15" fill="white" opacity="0.9"/>`);
      out.push(`<text x="${edge.x.toFixed(1)}" y="${(edge.y + 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#334155">${xml(e.label)}</text>`);
    }
  });
  for (const n of graph.nodes) {
    const p = g.node(n.id) as { x: number; y: number; width: number; height: number };
    const s = style[n.kind];
    const [x, y] = [p.x - p.width / 2, p.y - p.height / 2];
    const radius = n.kind === "data" || n.kind === "latent" || n.kind === "sample" || n.kind === "noise" ? p.height / 2 : n.kind === "loss" ? 2 : 6;
    out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${p.width.toFixed(1)}" height="${p.height.toFixed(1)}" rx="${radius.toFixed(1)}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${n.kind === "loss" ? 2 : 1.3}"/>`);
    n.lines.forEach((line, j) => {
      out.push(`<text x="${p.x.toFixed(1)}" y="${(y + 18 + j * lineHeight).toFixed(1)}" text-anchor="middle"${j === 0 ? ' font-weight="bold" font-size="12"' : ' fill="#334155"'}>${xml(line)}</text>`);
    });
  }
  out.push("</g>");
  const lx = Math.ceil(layout.width + 24);
  out.push(`<g transform="translate(${lx}, 44)"><text x="0" y="0" font-weight="bold">legend</text>`);
  legendKinds.forEach((kind, i) => {
    const s = style[kind];
    out.push(`<rect x="0" y="${10 + i * 22}" width="18" height="14" rx="3" fill="${s.fill}" stroke="${s.stroke}"/><text x="26" y="${21 + i * 22}">${xml(nodeKindNames[kind])}</text>`);
  });
  if (graph.groups.length > 0) {
    const y = 10 + legendKinds.length * 22;
    out.push(`<rect x="0" y="${y}" width="18" height="14" rx="3" fill="${phaseFills[0]}" stroke="#94a3b8" stroke-dasharray="4 3"/><text x="26" y="${y + 11}">training phase</text>`);
  }
  out.push("</g>", "</svg>");
  return `${out.join("\n")}\n`;
}
