import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean, orList } from "../diagnostics/suggest.js";
import type { SpecFile } from "./ast.js";
import { sharedParser } from "./parser.js";
import { type Source, type Span, spanAt } from "./span.js";
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
      diagnostics: [{
        code: "AE0106",
        severity: "error",
        message: `the spec is ${text.length} characters long; specs are limited to ${limits.maxBytes} characters`,
        span: spanAt(text, 0),
        help: "a model spec is a few dozen lines; check that this is the file you meant",
      }],
    };
  }

  const binary = notText(text);
  if (binary !== undefined) {
    return {
      ast: emptyFile(source),
      comments: [],
      diagnostics: [{
        code: "AE0109",
        severity: "error",
        message: "this file is not a text spec: it holds control bytes or invalid UTF-8",
        span: spanAt(text, binary, binary + 1),
        help: "specs are UTF-8 text; check that this is the file you meant",
      }],
    };
  }

  const lexed = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = lexed.errors.slice(0, limits.maxSyntaxErrors).map((e) => unexpectedCharacter(text, e.offset, e.length));
  for (const token of lexed.groups.unclosed ?? []) {
    diagnostics.push({
      code: "AE0104",
      severity: "error",
      message: "block comment is never closed",
      span: tokenSpan({ ...token, endOffset: token.startOffset + 1, endColumn: (token.startColumn ?? 1) + 1 }),
      help: "close it with `*/`",
    });
  }
  const comments: Comment[] = (lexed.groups.comments ?? []).map((t) => ({
    text: t.image,
    span: tokenSpan(t),
    block: t.image.startsWith("/*"),
  }));

  const tooDeep = nestingTooDeep(lexed.tokens);
  if (tooDeep) {
    diagnostics.push({
      code: "AE0107",
      severity: "error",
      message: `brackets are nested more than ${limits.maxNesting} deep`,
      span: tokenSpan(tooDeep),
      help: "no model needs this much nesting; check for unbalanced brackets",
    });
    return { ast: emptyFile(source), comments, diagnostics };
  }

  const parser = sharedParser();
  parser.input = lexed.tokens;
  const cst = parser.specFile();
  const meaningful = withoutCascades(parser.errors, diagnostics.map((d) => d.span!.line));
  const syntaxErrors = meaningful.slice(0, limits.maxSyntaxErrors);
  diagnostics.push(...syntaxErrors.map((e) => syntaxDiagnostic(text, e)));
  if (meaningful.length > syntaxErrors.length) {
    diagnostics.push({
      code: "AE0108",
      severity: "note",
      message: `further syntax errors are not shown (only the first ${limits.maxSyntaxErrors} are reported)`,
    });
  }

  const ast = cstToAst(cst);
  if (diagnostics.length === 0 && ast.models.length === 0) {
    diagnostics.push({
      code: "AE0105",
      severity: "error",
      message: "the file declares no model",
      span: spanAt(text, text.length),
      help: "a spec starts with `model Name { ... }`",
    });
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
  return {
    code: "AE0101",
    severity: "error",
    message: length === 1 ? `unexpected character ${shown}` : `unexpected characters ${shown}${length > 8 ? "…" : ""}`,
    span: spanAt(text, offset, offset + length),
    ...(nonAscii ? { help: "names are ASCII letters, digits and `_`; other characters may only appear in comments" } : {}),
  };
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
  return atEnd
    ? {
        code: "AE0103",
        severity: "error",
        message: `unexpected end of file in ${where}: expected ${expected}`,
        span,
        ...(closing ? { help: "a block or bracket opened earlier is never closed" } : {}),
      }
    : {
        code: "AE0102",
        severity: "error",
        message: `unexpected ${detail.found} in ${where}: expected ${expected}`,
        span,
        ...(keyword ? { help: didYouMean(error.token.image, [keyword])! } : {}),
        ...(reserved ? { help: `\`${error.token.image}\` is a reserved word of the language and cannot be used as a name` } : {}),
      };
}
