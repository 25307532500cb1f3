import type { CstElement, CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import { sharedParser } from "./parser.js";
import type { Span } from "../language/span.js";

/**
 * Builds the AST from Chevrotain's CST. It tolerates the holes error recovery leaves
 * (a missing token becomes an empty name at the enclosing node's span), so it never
 * throws on a file with syntax errors; such trees are only used for formatting refusal
 * and never reach the checker.
 */

type Children = Record<string, CstElement[] | undefined>;

const emptySpan: Span = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };

function isToken(element: CstElement | undefined): element is IToken {
  return element !== undefined && "image" in element;
}

function tokenSpan(token: IToken): Span {
  return {
    start: token.startOffset,
    end: (token.endOffset ?? token.startOffset) + 1,
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
    endLine: token.endLine ?? token.startLine ?? 1,
    endColumn: (token.endColumn ?? token.startColumn ?? 0) + 1,
  };
}

function nodeSpan(node: CstNode): Span {
  const l = node.location;
  if (!l || Number.isNaN(l.startOffset)) return emptySpan;
  return {
    start: l.startOffset,
    end: (l.endOffset ?? l.startOffset) + 1,
    line: l.startLine ?? 1,
    column: l.startColumn ?? 1,
    endLine: l.endLine ?? l.startLine ?? 1,
    endColumn: (l.endColumn ?? l.startColumn ?? 0) + 1,
  };
}

function tokens(children: Children, name: string): IToken[] {
  return (children[name] ?? []).filter(isToken);
}

function nodes(children: Children, name: string): CstNode[] {
  return (children[name] ?? []).filter((e): e is CstNode => !isToken(e));
}

/** Children in source order, so alternatives inside MANY keep the order they were written in. */
function ordered(children: Children, names: readonly string[]): CstElement[] {
  const all = names.flatMap((n) => children[n] ?? []);
  const offset = (e: CstElement) => (isToken(e) ? e.startOffset : (e.location?.startOffset ?? 0));
  return all.sort((a, b) => offset(a) - offset(b));
}

function identifier(token: IToken | undefined, fallback: Span): A.Identifier {
  if (!token || token.isInsertedInRecovery) return { kind: "Identifier", name: "", span: fallback };
  return { kind: "Identifier", name: token.image, span: tokenSpan(token) };
}

const BaseVisitor = sharedParser().getBaseCstVisitorConstructor();

class AstBuilder extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  specFile(c: Children, node: CstNode): A.SpecFile {
    return { kind: "SpecFile", models: nodes(c, "modelDeclaration").map((n) => this.build(n)), span: nodeSpan(node) };
  }

  modelDeclaration(c: Children, node: CstNode): A.ModelDeclaration {
    const span = nodeSpan(node);
    const itemRules = ["variableDeclaration", "priorDeclaration", "networkDeclaration", "corruptionDeclaration", "objectiveDeclaration", "trainBlock"];
    const items = ordered(c, itemRules).map((n) => this.build(n as CstNode) as A.ModelItem);
    return { kind: "ModelDeclaration", name: identifier(tokens(c, "Identifier")[0], span), items, span };
  }

  variableDeclaration(c: Children, node: CstNode): A.VariableDeclaration {
    const span = nodeSpan(node);
    const labelled = nodes(c, "expression")[0];
    return {
      kind: "VariableDeclaration",
      role: tokens(c, "Data").length > 0 ? "data" : "latent",
      name: identifier(tokens(c, "Identifier")[0], span),
      type: this.visitOr(nodes(c, "typeExpression")[0], () => this.emptyType(span)),
      ...(labelled ? { labelled: this.build(labelled) as A.Expression } : {}),
      span,
    };
  }

  typeExpression(c: Children, node: CstNode): A.TypeExpression {
    const span = nodeSpan(node);
    const interval = nodes(c, "interval")[0];
    return {
      kind: "TypeExpression",
      base: identifier(tokens(c, "Identifier")[0], span),
      shape: tokens(c, "NumberLiteral").filter((t) => !t.isInsertedInRecovery).map(numberLiteral),
      ...(interval ? { support: this.build(interval) as A.Interval } : {}),
      span,
    };
  }

  interval(c: Children, node: CstNode): A.Interval {
    const span = nodeSpan(node);
    const [low, high] = nodes(c, "expression");
    return {
      kind: "Interval",
      low: this.visitOr(low, () => missingNumber(span)),
      high: this.visitOr(high, () => missingNumber(span)),
      span,
    };
  }

  signature(c: Children, node: CstNode): A.Signature {
    const span = nodeSpan(node);
    const [outputs, given] = nodes(c, "nameList");
    return {
      kind: "Signature",
      name: identifier(tokens(c, "Identifier")[0], span),
      outputs: outputs ? this.build(outputs) : [],
      given: given ? this.build(given) : [],
      span,
    };
  }

  nameList(c: Children, node: CstNode): A.Identifier[] {
    return tokens(c, "Identifier").filter((t) => !t.isInsertedInRecovery).map((t) => identifier(t, nodeSpan(node)));
  }

  networkList(c: Children, node: CstNode): A.Identifier[] {
    const names = ordered(c, ["Identifier", "Encoder", "Decoder", "Generator", "Discriminator", "Prior"]).filter(isToken);
    return names.filter((t) => !t.isInsertedInRecovery).map((t) => identifier(t, nodeSpan(node)));
  }

  priorDeclaration(c: Children, node: CstNode): A.PriorDeclaration | A.NetworkDeclaration {
    const span = nodeSpan(node);
    // A prior with a body is a network (role `prior`) whose output is a latent: its layers are checked and lowered as any network's.
    const body = nodes(c, "networkBody")[0];
    if (body) {
      const prior = tokens(c, "Prior")[0];
      return {
        kind: "NetworkDeclaration",
        role: "prior",
        roleSpan: prior ? tokenSpan(prior) : span,
        signature: this.visitOr(nodes(c, "signature")[0], () => emptySignature(span)),
        distribution: this.visitOr(nodes(c, "call")[0], () => emptyCall(span)),
        body: this.networkItems(body),
        span,
      };
    }
    return {
      kind: "PriorDeclaration",
      signature: this.visitOr(nodes(c, "signature")[0], () => emptySignature(span)),
      distribution: this.visitOr(nodes(c, "call")[0], () => emptyCall(span)),
      span,
    };
  }

  networkDeclaration(c: Children, node: CstNode): A.NetworkDeclaration {
    const span = nodeSpan(node);
    const roleToken = [...tokens(c, "Encoder"), ...tokens(c, "Decoder"), ...tokens(c, "Generator"), ...tokens(c, "Discriminator")][0];
    const [distribution, flow] = nodes(c, "call");
    return {
      kind: "NetworkDeclaration",
      role: (roleToken?.image ?? "encoder") as A.NetworkRole,
      roleSpan: roleToken ? tokenSpan(roleToken) : span,
      signature: this.visitOr(nodes(c, "signature")[0], () => emptySignature(span)),
      ...(distribution ? { distribution: this.build(distribution) as A.Call } : {}),
      ...(flow ? { flow: this.build(flow) as A.Call } : {}),
      body: this.networkItems(nodes(c, "networkBody")[0]),
      span,
    };
  }

  private networkItems(body: CstNode | undefined): A.NetworkItem[] {
    return body ? this.build(body) : [];
  }

  networkBody(c: Children): A.NetworkItem[] {
    return ordered(c, ["head", "layer", "residualBlock"]).map((n) => this.build(n as CstNode) as A.NetworkItem);
  }

  residualBlock(c: Children, node: CstNode): A.Residual {
    const span = nodeSpan(node);
    const keyword = tokens(c, "Residual")[0];
    return { kind: "Residual", keywordSpan: keyword ? tokenSpan(keyword) : span, body: this.networkItems(nodes(c, "networkBody")[0]), span };
  }

  head(c: Children, node: CstNode): A.Head {
    const span = nodeSpan(node);
    return {
      kind: "Head",
      name: identifier(tokens(c, "Identifier")[0], span),
      value: this.visitOr(nodes(c, "call")[0], () => emptyCall(span)),
      span,
    };
  }

  layer(c: Children, node: CstNode): A.Layer {
    const span = nodeSpan(node);
    return { kind: "Layer", call: this.visitOr(nodes(c, "call")[0], () => emptyCall(span)), span };
  }

  corruptionDeclaration(c: Children, node: CstNode): A.CorruptionDeclaration {
    const span = nodeSpan(node);
    return {
      kind: "CorruptionDeclaration",
      target: identifier(tokens(c, "Identifier")[0], span),
      noise: this.visitOr(nodes(c, "call")[0], () => emptyCall(span)),
      span,
    };
  }

  objectiveDeclaration(c: Children, node: CstNode): A.ObjectiveDeclaration {
    const span = nodeSpan(node);
    return { kind: "ObjectiveDeclaration", preset: this.visitOr(nodes(c, "call")[0], () => emptyCall(span)), span };
  }

  trainBlock(c: Children, node: CstNode): A.TrainBlock {
    const items = ordered(c, ["phaseDeclaration", "trainSetting"]).map((n) => this.build(n as CstNode) as A.TrainItem);
    return { kind: "TrainBlock", items, span: nodeSpan(node) };
  }

  trainSetting(c: Children, node: CstNode): A.TrainSetting {
    const span = nodeSpan(node);
    return {
      kind: "TrainSetting",
      name: identifier(tokens(c, "Identifier")[0], span),
      value: this.visitOr(nodes(c, "expression")[0], () => missingNumber(span)),
      span,
    };
  }

  phaseDeclaration(c: Children, node: CstNode): A.PhaseDeclaration {
    const span = nodeSpan(node);
    const [name, subsetName] = tokens(c, "Identifier");
    const subset = tokens(c, "Labelled")[0] ?? subsetName;
    const optimizer = nodes(c, "call")[0];
    const over = nodes(c, "networkList")[0];
    return {
      kind: "PhaseDeclaration",
      name: identifier(name, span),
      loss: this.visitOr(nodes(c, "expression")[0], () => missingNumber(span)),
      over: over ? this.build(over) : [],
      ...(optimizer ? { optimizer: this.build(optimizer) as A.Call } : {}),
      ...(subset ? { subset: identifier(subset, span) } : {}),
      span,
    };
  }

  expression(c: Children, node: CstNode): A.Expression {
    return this.leftAssociative(c, node, "term", ["Plus", "Minus"]);
  }

  term(c: Children, node: CstNode): A.Expression {
    return this.leftAssociative(c, node, "factor", ["Star", "Slash"]);
  }

  factor(c: Children, node: CstNode): A.Expression {
    const span = nodeSpan(node);
    const number = tokens(c, "NumberLiteral")[0];
    if (number) return numberLiteral(number);
    const call = nodes(c, "call")[0];
    if (call) return this.build(call);
    const role = nodes(c, "roleName")[0];
    if (role) return this.build(role);
    const inner = nodes(c, "expression")[0];
    if (inner) return { kind: "ParenthesizedExpression", expression: this.build(inner), span };
    const negated = nodes(c, "factor")[0];
    if (negated) return { kind: "UnaryExpression", operator: "-", operand: this.build(negated), span };
    return missingNumber(span);
  }

  call(c: Children, node: CstNode): A.Call {
    const span = nodeSpan(node);
    const bar = tokens(c, "Bar")[0];
    const lists = nodes(c, "argumentList");
    // With a bar, the list that starts after it is the conditioning part.
    const before = lists.filter((l) => !bar || (l.location?.startOffset ?? 0) < bar.startOffset);
    const after = lists.filter((l) => bar && (l.location?.startOffset ?? 0) > bar.startOffset);
    return {
      kind: "Call",
      callee: identifier(tokens(c, "Identifier")[0], span),
      hasParens: tokens(c, "LParen").length > 0,
      args: before.flatMap((l) => this.build(l) as A.Argument[]),
      given: after.flatMap((l) => this.build(l) as A.Argument[]),
      span,
    };
  }

  /** A role written where a network is named reads as that bare name (`decoder`), resolved by role in the checker. */
  roleName(c: Children, node: CstNode): A.Call {
    const span = nodeSpan(node);
    const token = ordered(c, ["Encoder", "Decoder", "Generator", "Discriminator"]).filter(isToken)[0];
    return { kind: "Call", callee: identifier(token, span), hasParens: false, args: [], given: [], span };
  }

  argumentList(c: Children): A.Argument[] {
    return nodes(c, "argument").map((n) => this.build(n));
  }

  argument(c: Children, node: CstNode): A.Argument {
    const span = nodeSpan(node);
    const name = tokens(c, "Identifier")[0];
    return {
      kind: "Argument",
      ...(name ? { name: identifier(name, span) } : {}),
      value: this.visitOr(nodes(c, "expression")[0], () => missingNumber(span)),
      span,
    };
  }

  private leftAssociative(c: Children, node: CstNode, operandRule: string, operatorNames: string[]): A.Expression {
    const operands = nodes(c, operandRule).map((n) => this.build(n) as A.Expression);
    const operators = ordered(c, operatorNames).filter(isToken);
    let result = operands[0] ?? missingNumber(nodeSpan(node));
    operators.forEach((op, i) => {
      const right = operands[i + 1];
      if (!right) return;
      result = {
        kind: "BinaryExpression",
        operator: op.image as A.BinaryExpression["operator"],
        left: result,
        right,
        span: { ...result.span, end: right.span.end, endLine: right.span.endLine, endColumn: right.span.endColumn },
      };
    });
    return result;
  }

  /** Chevrotain passes the visit's parameter to the rule method; we pass the node itself, for its location. */
  private build(node: CstNode): any {
    return this.visit(node, node);
  }

  private visitOr<R>(node: CstNode | undefined, fallback: () => R): R {
    return node ? (this.build(node) as R) : fallback();
  }

  private emptyType(span: Span): A.TypeExpression {
    return { kind: "TypeExpression", base: { kind: "Identifier", name: "", span }, shape: [], span };
  }
}

function numberLiteral(token: IToken): A.NumberLiteral {
  return { kind: "NumberLiteral", value: Number(token.image), text: token.image, span: tokenSpan(token) };
}

function missingNumber(span: Span): A.NumberLiteral {
  return { kind: "NumberLiteral", value: Number.NaN, text: "", span };
}

function emptyCall(span: Span): A.Call {
  return { kind: "Call", callee: { kind: "Identifier", name: "", span }, hasParens: false, args: [], given: [], span };
}

function emptySignature(span: Span): A.Signature {
  return { kind: "Signature", name: { kind: "Identifier", name: "", span }, outputs: [], given: [], span };
}

let builder: AstBuilder | undefined;
export function cstToAst(cst: CstNode): A.SpecFile {
  builder ??= new AstBuilder();
  return builder.visit(cst, cst) as A.SpecFile;
}

export { tokenSpan };
