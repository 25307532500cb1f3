/** A half-open range of a source text: offsets [start, end), with 1-based line/column of both ends. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A named source text: what every stage points back into. */
export interface Source {
  readonly name: string;
  readonly text: string;
}

/** The span covering both a and b (a must come first). */
export function joinSpans(a: Span, b: Span): Span {
  return {
    start: a.start,
    end: b.end,
    line: a.line,
    column: a.column,
    endLine: b.endLine,
    endColumn: b.endColumn,
  };
}

/** Line/column (1-based) of an offset; columns count UTF-16 units like editors' LSP positions. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** A span from two offsets, for places that only know offsets (e.g. the end of file). */
export function spanAt(text: string, start: number, end: number = start): Span {
  const a = positionAt(text, start);
  const b = positionAt(text, end);
  return { start, end, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}
