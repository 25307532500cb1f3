import type * as A from "./ast.js";
import type { Comment, ParseResult } from "./parse.js";
import type { Span } from "../language/span.js";

/**
 * The canonical formatter behind `aec fmt`. It prints the AST, not the text, so any
 * two specs with the same AST print the same; comments are carried along by position
 * (leading, trailing on the same line, or dangling before a closing brace), and one blank
 * line is kept wherever the author left at least one between items.
 */

const indentUnit = "  ";
const maxLineWidth = 100;

export function formatSpec(parsed: ParseResult, text: string): string {
  const printer = new Printer(text, parsed.comments);
  parsed.ast.models.forEach((model, i) => {
    printer.item(model.span, 0, i > 0, () => printer.block(`model ${model.name.name}`, model.span, 0, model.items, (item, depth) => printModelItem(printer, item, depth)));
  });
  printer.rest(0);
  return printer.result();
}

class Printer {
  private readonly lines: string[] = [];
  private next = 0; // index of the first comment not yet printed
  private lastEnd = 0; // source offset where the previously printed item ended

  constructor(private readonly text: string, private readonly comments: readonly Comment[]) {}

  /** Prints one item: leading comments, the item, and a comment trailing on its last line. */
  item(span: Span, depth: number, separate: boolean, print: () => void): void {
    const firstStart = this.comments[this.next] && this.comments[this.next]!.span.start < span.start ? this.comments[this.next]!.span.start : span.start;
    const blankBefore = separate && /\n[ \t\r]*\n/.test(this.text.slice(this.lastEnd, firstStart));
    if (blankBefore || (depth === 0 && separate)) this.lines.push("");
    this.leading(span.start, depth);
    print();
    this.trailing(span);
  }

  /** `header {`, the items, dangling comments, `}`. */
  block<T extends { span: Span }>(header: string, span: Span, depth: number, items: readonly T[], print: (item: T, depth: number) => void): void {
    const hasInnerComment = this.comments.slice(this.next).some((c) => c.span.start < span.end);
    if (items.length === 0 && !hasInnerComment) {
      this.line(depth, `${header} {}`);
      this.lastEnd = span.end;
      return;
    }
    this.line(depth, `${header} {`);
    this.lastEnd = Math.max(this.lastEnd, span.start);
    items.forEach((item, i) => this.item(item.span, depth + 1, i > 0, () => print(item, depth + 1)));
    this.leading(span.end - 1, depth + 1, items.length > 0);
    this.line(depth, "}");
    this.lastEnd = span.end;
  }

  line(depth: number, content: string): void {
    this.lines.push(indentUnit.repeat(depth) + content);
  }

  /** Comments before the given offset, each on its own line. */
  leading(before: number, depth: number, keepBlank = false): void {
    while (this.next < this.comments.length && this.comments[this.next]!.span.start < before) {
      const comment = this.comments[this.next++]!;
      if (keepBlank && /\n[ \t\r]*\n/.test(this.text.slice(this.lastEnd, comment.span.start))) this.lines.push("");
      keepBlank = false;
      const [first, ...more] = comment.text.split("\n");
      this.line(depth, first!.trimEnd());
      for (const continuation of more) this.lines.push(continuation.trimEnd());
      this.lastEnd = comment.span.end;
    }
  }

  /** A comment that starts on the item's last line goes at the end of the printed line. */
  private trailing(span: Span): void {
    const comment = this.comments[this.next];
    const onlySpaceBetween = comment !== undefined && /^[ \t;]*$/.test(this.text.slice(span.end, comment.span.start));
    if (comment && onlySpaceBetween && comment.span.start >= span.end && !comment.text.includes("\n")) {
      this.next++;
      this.lines[this.lines.length - 1] += ` ${comment.text.trimEnd()}`;
      this.lastEnd = comment.span.end;
    } else {
      this.lastEnd = Math.max(this.lastEnd, span.end);
    }
  }

  rest(depth: number): void {
    this.leading(Infinity, depth, true);
  }

  result(): string {
    while (this.lines[0] === "") this.lines.shift();
    return this.lines.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
  }
}

function printModelItem(p: Printer, item: A.ModelItem, depth: number): void {
  switch (item.kind) {
    case "VariableDeclaration": {
      const labelled = item.labelled ? ` labelled(${printExpression(item.labelled)})` : "";
      p.line(depth, `${item.role} ${item.name.name}: ${printType(item.type)}${labelled}`);
      return;
    }
    case "PriorDeclaration":
      p.line(depth, `prior ${printSignature(item.signature)} = ${printExpression(item.distribution)}`);
      return;
    case "NetworkDeclaration": {
      const distribution = item.distribution ? ` = ${printExpression(item.distribution)}${item.flow ? ` then ${printExpression(item.flow)}` : ""}` : "";
      p.block(`${item.role} ${printSignature(item.signature)}${distribution}`, item.span, depth, item.body, (layer, d) => printNetworkItem(p, layer, d));
      return;
    }
    case "CorruptionDeclaration":
      p.line(depth, `corrupt ${item.target.name} with ${printExpression(item.noise)}`);
      return;
    case "ObjectiveDeclaration":
      p.line(depth, `objective ${printExpression(item.preset)}`);
      return;
    case "TrainBlock":
      p.block("train", item.span, depth, item.items, (trainItem, d) => printTrainItem(p, trainItem, d));
      return;
  }
}

function printNetworkItem(p: Printer, item: A.NetworkItem, depth: number): void {
  switch (item.kind) {
    case "Head": return p.line(depth, `${item.name.name}: ${printExpression(item.value)}`);
    case "Layer": return p.line(depth, printExpression(item.call));
    case "Residual": return p.block("residual", item.span, depth, item.body, (inner, d) => printNetworkItem(p, inner, d));
  }
}

function printTrainItem(p: Printer, item: A.TrainItem, depth: number): void {
  if (item.kind === "TrainSetting") {
    p.line(depth, `${item.name.name} ${printExpression(item.value)}`);
    return;
  }
  p.line(depth, `phase ${item.name.name}`);
  printLoss(p, item.loss, depth + 1);
  p.line(depth + 1, `over ${item.over.map((n) => n.name).join(", ")}`);
  if (item.optimizer) p.line(depth + 1, `using ${printExpression(item.optimizer)}`);
  if (item.subset) p.line(depth + 1, `on ${item.subset.name}`);
}

/** A long loss breaks before each top-level `+` or `-`, one term a line. */
function printLoss(p: Printer, loss: A.Expression, depth: number): void {
  const oneLine = `minimize ${printExpression(loss)}`;
  if (indentUnit.length * depth + oneLine.length <= maxLineWidth) {
    p.line(depth, oneLine);
    return;
  }
  const terms: { operator?: string; expression: A.Expression }[] = [];
  let rest: A.Expression = loss;
  while (rest.kind === "BinaryExpression" && (rest.operator === "+" || rest.operator === "-")) {
    terms.unshift({ operator: rest.operator, expression: rest.right });
    rest = rest.left;
  }
  terms.unshift({ expression: rest });
  p.line(depth, `minimize ${printExpression(terms[0]!.expression)}`);
  for (const term of terms.slice(1)) p.line(depth + 2, `${term.operator} ${printExpression(term.expression)}`);
}

export function printSignature(s: A.Signature): string {
  const outputs = s.outputs.map((o) => o.name).join(", ");
  const given = s.given.length > 0 ? ` | ${s.given.map((g) => g.name).join(", ")}` : "";
  return `${s.name.name}(${outputs}${given})`;
}

export function printType(t: A.TypeExpression): string {
  const support = t.support ? ` in [${printExpression(t.support.low)}, ${printExpression(t.support.high)}]` : "";
  return `${t.base.name}[${t.shape.map((n) => n.text).join(", ")}]${support}`;
}

export function printExpression(e: A.Expression): string {
  switch (e.kind) {
    case "NumberLiteral":
      return e.text;
    case "Call": {
      if (!e.hasParens) return e.callee.name;
      const args = e.args.map(printArgument).join(", ");
      const given = e.given.length > 0 ? ` | ${e.given.map(printArgument).join(", ")}` : "";
      return `${e.callee.name}(${args}${given})`;
    }
    case "BinaryExpression":
      return `${printExpression(e.left)} ${e.operator} ${printExpression(e.right)}`;
    case "UnaryExpression":
      return `-${printExpression(e.operand)}`;
    case "ParenthesizedExpression":
      return `(${printExpression(e.expression)})`;
  }
}

function printArgument(a: A.Argument): string {
  return a.name ? `${a.name.name} = ${printExpression(a.value)}` : printExpression(a.value);
}
