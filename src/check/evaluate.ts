import type * as A from "../syntax/ast.js";

/** The value of a constant expression (`1e-3`, `-1`, `2 * (1 + 1)`), or undefined if it is not one. */
export function constantValue(e: A.Expression): number | undefined {
  switch (e.kind) {
    case "NumberLiteral":
      return e.value;
    case "ParenthesizedExpression":
      return constantValue(e.expression);
    case "UnaryExpression": {
      const v = constantValue(e.operand);
      return v === undefined ? undefined : -v;
    }
    case "BinaryExpression": {
      const l = constantValue(e.left);
      const r = constantValue(e.right);
      if (l === undefined || r === undefined) return undefined;
      switch (e.operator) {
        case "+": return l + r;
        case "-": return l - r;
        case "*": return l * r;
        case "/": return l / r;
      }
      return undefined;
    }
    case "Call":
      return undefined;
  }
}

/** A bare name such as `relu` or `same` (a call without parentheses). */
export function bareName(e: A.Expression): string | undefined {
  return e.kind === "Call" && !e.hasParens ? e.callee.name : undefined;
}

/** What an expression is, in words, for "expected a number, found …" messages. */
export function describeExpression(e: A.Expression): string {
  if (e.kind === "Call") return e.hasParens ? `the call \`${e.callee.name}(…)\`` : `the name \`${e.callee.name}\``;
  return "an expression";
}
