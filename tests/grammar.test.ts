import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtinsReference } from "../src/grammar/builtinsReference.js";
import { grammarDiagramsHtml, grammarEbnf, textMateGrammar } from "../src/grammar/reference.js";
import { sharedParser } from "../src/syntax/parser.js";
import { keywords } from "../src/syntax/tokens.js";

describe("grammar/ stays in sync with the parser", () => {
  it("docs/reference.md lists the builtins and codes of this version (run `npm run grammar` to refresh)", () => {
    expect(readFileSync("docs/reference.md", "utf8")).toBe(builtinsReference());
  });

  it("aespec.ebnf is the parser's grammar (run `npm run grammar` to refresh)", () => {
    expect(readFileSync("grammar/aespec.ebnf", "utf8")).toBe(grammarEbnf());
  });

  it("the EBNF defines every parser rule and lists every reserved word", () => {
    const ebnf = grammarEbnf();
    for (const rule of Object.keys(sharedParser().getGAstProductions())) expect(ebnf).toMatch(new RegExp(`^${rule} +::=`, "m"));
    for (const word of keywords) expect(ebnf).toContain(`'${word}'`);
  });

  it("diagrams.html is generated from the parser and loads no remote script", () => {
    const html = readFileSync("grammar/diagrams.html", "utf8");
    expect(html).toBe(grammarDiagramsHtml());
    expect(html).not.toMatch(/(src|href)=['"]https?:/);
  });

  it("the TextMate grammar highlights exactly the reserved words", () => {
    const committed = JSON.parse(readFileSync("grammar/aespec.tmLanguage.json", "utf8"));
    expect(committed).toEqual(textMateGrammar());
    const keywordPattern = committed.patterns.find((p: { name?: string }) => p.name === "keyword.control.aespec");
    const regex = new RegExp(keywordPattern.match, "g");
    expect("model data latent prior encoder dense".match(regex)).toEqual(["model", "data", "latent", "prior", "encoder"]);
    for (const word of keywords) expect(word).toMatch(new RegExp(`^${keywordPattern.match}$`));
  });
});
