import { activations, corruptions, distributions, layers, lossTerms, objectives, optimizers, priors, quantizers, variableTypes } from "../language/vocabulary.js";
import { keywords, lexer } from "./tokens.js";

export type HighlightKind = "keyword" | "builtin" | "type" | "number" | "comment" | "identifier" | "punctuation" | "invalid";

/** A stretch of source text and how an editor should colour it. */
export interface HighlightSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: HighlightKind;
}

const builtinNames = new Set<string>([
  ...[layers, distributions, quantizers, priors, corruptions, objectives, optimizers].flatMap((list) => list.map((b) => b.name)),
  ...activations,
  ...lossTerms,
]);
const typeNames = new Set<string>(variableTypes);
const keywordNames = new Set(keywords);

/**
 * Colours a spec with the language's own lexer, so an editor agrees with the compiler on
 * every token (the TextMate grammar in grammar/ is generated from the same tables).
 * Text the lexer cannot read is marked invalid; nothing is dropped.
 */
export function highlightSpec(text: string): HighlightSpan[] {
  const { tokens, groups, errors } = lexer.tokenize(text);
  const spans: HighlightSpan[] = [];
  for (const token of tokens) {
    const start = token.startOffset;
    const end = token.startOffset + token.image.length;
    const name = token.tokenType.name;
    const kind: HighlightKind =
      keywordNames.has(token.image) && name !== "Identifier" ? "keyword"
      : name === "NumberLiteral" ? "number"
      : name === "Identifier" ? (builtinNames.has(token.image) ? "builtin" : typeNames.has(token.image) ? "type" : "identifier")
      : "punctuation";
    spans.push({ start, end, kind });
  }
  for (const comment of [...(groups.comments ?? []), ...(groups.unclosed ?? [])]) {
    spans.push({ start: comment.startOffset, end: comment.startOffset + comment.image.length, kind: "comment" });
  }
  for (const error of errors) spans.push({ start: error.offset, end: error.offset + error.length, kind: "invalid" });
  return spans.sort((a, b) => a.start - b.start);
}
