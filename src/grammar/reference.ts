import { createSyntaxDiagramsCode, type ISerializedGast } from "chevrotain";
import { sharedParser } from "../syntax/parser.js";
import { allTokens, keywordTokens } from "../syntax/tokens.js";

/**
 * The language reference, generated from the parser itself so it can never drift:
 * grammar/aespec.ebnf (W3C-style EBNF) and grammar/diagrams.html (railroad diagrams).
 */

type Gast = ISerializedGast & { name?: string; label?: string; pattern?: string; idx?: number; separator?: Gast; definition?: Gast[] };

function terminal(node: Gast): string {
  const token = allTokens.find((t) => t.name === node.name);
  if (token && (keywordTokens.includes(token) || token.LABEL?.startsWith("`"))) {
    const text = token.LABEL!.slice(1, -1);
    return `'${text}'`;
  }
  return node.name ?? "?";
}

function sequence(items: readonly Gast[] | undefined): string {
  return (items ?? []).map(element).join(" ");
}

function grouped(items: readonly Gast[] | undefined): string {
  const inner = sequence(items);
  const single = (items ?? []).length === 1;
  return single && (!inner.includes(" ") || items![0]!.type === "Alternation") ? inner : `( ${inner} )`;
}

function element(node: Gast): string {
  switch (node.type) {
    case "NonTerminal":
      return node.name!;
    case "Terminal":
      return terminal(node);
    case "Alternative":
      return sequence(node.definition);
    case "Alternation":
      return `( ${(node.definition ?? []).map((alt) => sequence(alt.definition)).join(" | ")} )`;
    case "Option":
      return `${grouped(node.definition)}?`;
    case "Repetition":
      return `${grouped(node.definition)}*`;
    case "RepetitionMandatory":
      return `${grouped(node.definition)}+`;
    case "RepetitionMandatoryWithSeparator": {
      const item = sequence(node.definition);
      return `${item} ( ${terminal(node.separator!)} ${item} )*`;
    }
    case "RepetitionWithSeparator": {
      const item = sequence(node.definition);
      return `( ${item} ( ${terminal(node.separator!)} ${item} )* )?`;
    }
    default:
      return `?${node.type}?`;
  }
}

const lexicalRules = [
  ["Identifier", "[A-Za-z_] [A-Za-z0-9_]*   /* ASCII only; reserved words excluded */"],
  ["NumberLiteral", "( [0-9]+ ( '.' [0-9]* )? | '.' [0-9]+ ) ( [eE] [+-]? [0-9]+ )?"],
  ["Comment", "'//' [^\\n]* | '/*' ... '*/'   /* kept by the formatter */"],
] as const;

export function grammarEbnf(): string {
  const rules = sharedParser().getSerializedGastProductions() as Gast[];
  const width = Math.max(...rules.map((r) => r.name!.length), ...lexicalRules.map(([n]) => n.length));
  const lines = [
    "/* The .aespec language — generated from the parser (src/syntax/parser.ts) by",
    "   `npm run grammar`; tests/grammar.test.ts fails when it is out of date.",
    "   Notation: W3C EBNF. 'x' is a literal, ? optional, * zero or more, + one or more.",
    "   Whitespace separates tokens and is otherwise insignificant; `;` may end any item. */",
    "",
    ...rules.map((r) => `${r.name!.padEnd(width)} ::= ${sequence(r.definition)}`),
    "",
    "/* Lexical rules */",
    ...lexicalRules.map(([name, body]) => `${name.padEnd(width)} ::= ${body}`),
    "",
    `/* Reserved words: ${keywordTokens.map((t) => t.name.toLowerCase()).join(", ")} */`,
    "",
  ];
  return lines.join("\n");
}

/** Railroad diagrams that open offline: the scripts come from the installed chevrotain package. */
export function grammarDiagramsHtml(): string {
  const resourceBase = "../node_modules/chevrotain/diagrams/";
  return createSyntaxDiagramsCode(sharedParser().getSerializedGastProductions(), {
    resourceBase,
    css: `${resourceBase}diagrams.css`,
  });
}

/** A TextMate grammar for editors (VS Code, Sublime, GitHub's linguist), built from the same token list. */
export function textMateGrammar(): object {
  const words = keywordTokens.map((t) => t.name.toLowerCase()).join("|");
  return {
    name: "aespec",
    scopeName: "source.aespec",
    fileTypes: ["aespec"],
    patterns: [
      { include: "#comments" },
      { name: "keyword.control.aespec", match: `\\b(${words})\\b` },
      { name: "entity.name.type.distribution.aespec", match: "\\b[A-Z][A-Za-z0-9_]*(?=\\s*\\()" },
      { name: "support.function.aespec", match: "\\b[a-z_][A-Za-z0-9_]*(?=\\s*\\()" },
      { name: "constant.numeric.aespec", match: "(?:\\b\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?\\b" },
      { name: "keyword.operator.aespec", match: "[|=+\\-*/:]" },
      { name: "punctuation.section.aespec", match: "[{}()\\[\\],;]" },
    ],
    repository: {
      comments: {
        patterns: [
          { name: "comment.line.double-slash.aespec", match: "//.*$" },
          { name: "comment.block.aespec", begin: "/\\*", end: "\\*/" },
        ],
      },
    },
  };
}
