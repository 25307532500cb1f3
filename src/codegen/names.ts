/**
 * Safe names and literals for generated code. Spec names are ASCII identifiers already
 * (the lexer allows nothing else) and never JavaScript object members (AE0209); here
 * they are only ever used with a fixed prefix, as quoted keys, or inside string
 * literals built by JSON.stringify, so no spec text reaches an executable position.
 */

/** A string literal for any text. */
export function literal(text: string): string {
  return JSON.stringify(text);
}

/** A value as a TypeScript literal (numbers, strings, arrays, plain objects). */
export function valueLiteral(value: unknown): string {
  return JSON.stringify(value);
}

/** A comment-safe rendering: spec text in comments can never close the comment. */
export function commentText(text: string): string {
  return text.replace(/\*\//g, "* /").replace(/[\r\n\u2028\u2029]+/g, " ");
}

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Builds an identifier from a fixed prefix and a spec name; refuses anything else. */
export function prefixed(prefix: string, name: string): string {
  const id = `${prefix}${name.replace(/\./g, "_")}`;
  if (!identifierPattern.test(id)) throw new Error(`cannot make an identifier of ${JSON.stringify(name)}`);
  return id;
}

/** Hands out identifiers, appending _2, _3 … to keep them unique. */
export class NameAllocator {
  private readonly used = new Set<string>();

  allocate(base: string): string {
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }
}
