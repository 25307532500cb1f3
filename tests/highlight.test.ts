import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { highlightSpec } from "../src/syntax/highlight.js";

const specs = readdirSync("specs").filter((f) => f.endsWith(".aespec"));

describe("highlighting with the compiler's lexer (the playground's editor colours)", () => {
  it.each(specs)("%s: every non-blank character is in exactly one span", (file) => {
    const text = readFileSync(`specs/${file}`, "utf8");
    const covered = new Uint8Array(text.length);
    let previousEnd = 0;
    for (const span of highlightSpec(text)) {
      expect(span.start).toBeGreaterThanOrEqual(previousEnd);
      previousEnd = span.end;
      for (let i = span.start; i < span.end; i++) covered[i]!++;
    }
    // Spans never overlap (checked above); outside them there is only white space.
    const uncovered = text.split("").filter((c, i) => covered[i] === 0 && !/\s/.test(c));
    expect(uncovered).toEqual([]);
  });

  it("tells keywords, builtins, types, numbers, comments and unreadable text apart", () => {
    const text = "model M { // note\n data x: real[784] in [0, 1e-3] encoder q(z | x) = Normal(mu) { dense(5, relu) } € }";
    const kinds = Object.fromEntries(highlightSpec(text).map((s) => [text.slice(s.start, s.end), s.kind]));
    expect(kinds).toMatchObject({
      model: "keyword", data: "keyword", in: "keyword", encoder: "keyword",
      M: "identifier", x: "identifier", mu: "identifier",
      real: "type", Normal: "builtin", dense: "builtin", relu: "builtin",
      "784": "number", "1e-3": "number", "// note": "comment", "€": "invalid", "{": "punctuation",
    });
  });

  it("an unclosed block comment is still coloured as a comment to the end", () => {
    const text = "model M { /* never closed\n data x: real[2]";
    const spans = highlightSpec(text);
    expect(spans.at(-1)).toEqual({ start: text.indexOf("/*"), end: text.length, kind: "comment" });
  });
});
