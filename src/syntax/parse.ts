import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import { diagnose } from "../diagnostics/catalog.js";
import { at, type Diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean, orList } from "../diagnostics/suggest.js";
import type { SpecFile } from "./ast.js";
import { sharedParser } from "./parser.js";
import { type Source, type Span, spanAt } from "../language/span.js";
import { constructName, decodeSyntaxError, keywordSuggestion } from "./syntaxErrors.js";
import { cstToAst, tokenSpan } from "./toAst.js";
import { keywords, lexer } from "./tokens.js";

/** Work bounds: every input ends in a result or a diagnostic, never a hang or a stack overflow. */
export const limits = {
  maxBytes: 1024 * 1024,
  maxNesting: 64,
  maxSyntaxErrors: 20,
} as const;

export interface Comment {
  readonly text: string;
  readonly span: Span;
  readonly block: boolean;
}

export interface ParseResult {
  /** Present even when there are syntax errors; consumers must check `diagnostics` first. */
  readonly ast: SpecFile;
  readonly comments: readonly Comment[];
  readonly diagnostics: readonly Diagnostic[];
}

const emptyFile = (source: Source): SpecFile => ({ kind: "SpecFile", models: [], span: spanAt(source.text, 0, source.text.length) });

export function parseSpec(source: Source): ParseResult {
  const { text } = source;
  if (text.length > limits.maxBytes) {
    return {
      ast: emptyFile(source),
      comments: [],
      diagnostics: [at(diagnose.AE0106.tooLarge({ length: text.length, limit: limits.maxBytes }), spanAt(text, 0))],
    };
  }

  const binary = notText(text);
  if (binary !== undefined) {
    return {
      ast: emptyFile(source),
      comments: [],
      diagnostics: [at(diagnose.AE0109.notText(), spanAt(text, binary, binary + 1))],
    };
  }

  const lexed = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = lexed.errors.slice(0, limits.maxSyntaxErrors).map((e) => unexpectedCharacter(text, e.offset, e.length));
  for (const token of lexed.groups.unclosed ?? []) {
    diagnostics.push(at(diagnose.AE0104.unclosedComment(), tokenSpan({ ...token, endOffset: token.startOffset + 1, endColumn: (token.startColumn ?? 1) + 1 })));
  }
  const comments: Comment[] = (lexed.groups.comments ?? []).map((t) => ({
    text: t.image,
    span: tokenSpan(t),
    block: t.image.startsWith("/*"),
  }));

  const tooDeep = nestingTooDeep(lexed.tokens);
  if (tooDeep) {
    diagnostics.push(at(diagnose.AE0107.tooDeep(limits.maxNesting), tokenSpan(tooDeep)));
    return { ast: emptyFile(source), comments, diagnostics };
  }

  const parser = sharedParser();
  parser.input = lexed.tokens;
  const cst = parser.specFile();
  const meaningful = withoutCascades(parser.errors, diagnostics.map((d) => d.span!.line));
  const syntaxErrors = meaningful.slice(0, limits.maxSyntaxErrors);
  diagnostics.push(...syntaxErrors.map((e) => syntaxDiagnostic(text, e)));
  if (meaningful.length > syntaxErrors.length) {
    diagnostics.push(diagnose.AE0108.syntaxErrors(limits.maxSyntaxErrors));
  }

  const ast = cstToAst(cst);
  if (diagnostics.length === 0 && ast.models.length === 0) {
    diagnostics.push(at(diagnose.AE0105.noModel(), spanAt(text, text.length)));
  }
  return { ast, comments, diagnostics };
}

/** The offset of the first suspicious character, when a file has too many of them to be text. */
function notText(text: string): number | undefined {
  let count = 0;
  let first: number | undefined;
  const suspicious = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/g;
  for (let m = suspicious.exec(text); m; m = suspicious.exec(text)) {
    first ??= m.index;
    if (++count > 8) return first;
  }
  return undefined;
}

function unexpectedCharacter(text: string, offset: number, length: number): Diagnostic {
  const shown = [...text.slice(offset, offset + Math.min(length, 8))].map(describeCharacter).join(" ");
  const nonAscii = /[^\x00-\x7f]/.test(text.slice(offset, offset + length));
  const diagnostic = length === 1 ? diagnose.AE0101.unexpectedCharacter(shown) : diagnose.AE0101.unexpectedCharacters({ shown, more: length > 8 });
  return at(diagnostic, spanAt(text, offset, offset + length), nonAscii ? { help: "names are ASCII letters, digits and `_`; other characters may only appear in comments" } : {});
}

/** Printable characters as `c`; anything else as its code point, so messages never carry control bytes. */
function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code >= 0x21 && code < 0x7f) return `\`${ch}\``;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

function nestingTooDeep(tokens: readonly IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of tokens) {
    const name = t.tokenType.name;
    if (name === "LCurly" || name === "LParen" || name === "LSquare") {
      if (++depth > limits.maxNesting) return t;
    } else if (name === "RCurly" || name === "RParen" || name === "RSquare") {
      depth = Math.max(0, depth - 1);
    }
  }
  // Unary minus chains recurse too.
  let run = 0;
  for (const t of tokens) {
    run = t.tokenType.name === "Minus" ? run + 1 : 0;
    if (run > limits.maxNesting) return t;
  }
  return undefined;
}

/**
 * Keeps the errors a person needs: recovery reports follow-on errors on the line of the
 * first one, and a stray top-level `}` once an earlier block lost its way; those are
 * consequences, not new mistakes.
 */
function withoutCascades(errors: readonly IRecognitionException[], lexerErrorLines: readonly number[]): IRecognitionException[] {
  const kept: IRecognitionException[] = [];
  const linesWithErrors = new Set<number>(lexerErrorLines);
  let seenEnd = false;
  for (const e of errors) {
    const atEnd = e.token.tokenType === EOF || Number.isNaN(e.token.startOffset);
    if (atEnd) {
      if (seenEnd) continue;
      seenEnd = true;
    } else {
      const line = e.token.startLine ?? 0;
      if (linesWithErrors.has(line)) continue;
      const strayClosingBrace = e.token.image === "}" && (e.context?.ruleStack ?? []).length <= 1;
      if (strayClosingBrace && (kept.length > 0 || lexerErrorLines.length > 0)) continue;
      linesWithErrors.add(line);
    }
    kept.push(e);
  }
  return kept;
}

function syntaxDiagnostic(text: string, error: IRecognitionException): Diagnostic {
  const detail = decodeSyntaxError(error.message);
  const atEnd = error.token.tokenType === EOF || Number.isNaN(error.token.startOffset);
  const span = atEnd ? spanAt(text, text.length) : tokenSpan(error.token);
  const expected = orList(detail.expected.slice(0, 12));
  const where = constructName(error.context?.ruleStack ?? [], detail.rule);
  const keyword = atEnd ? undefined : keywordSuggestion(detail, error.token.image);
  const reserved = !atEnd && detail.expected.includes("a name") && keywords.includes(error.token.image);
  const closing = detail.expected.includes("`}`") || detail.expected.includes("`)`") || detail.expected.includes("`]`");
  if (atEnd) {
    return at(diagnose.AE0103.unexpectedEnd({ construct: where, expected }), span, closing ? { help: "a block or bracket opened earlier is never closed" } : {});
  }
  const help = reserved
    ? `\`${error.token.image}\` is a reserved word of the language and cannot be used as a name`
    : keyword
      ? didYouMean(error.token.image, [keyword])
      : undefined;
  return at(diagnose.AE0102.unexpectedToken({ found: detail.found, construct: where, expected }), span, help ? { help } : {});
}
