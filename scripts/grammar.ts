// Regenerates the language reference in grammar/ from the parser and the token list.
import { writeFileSync } from "node:fs";
import { builtinsReference } from "../src/grammar/builtinsReference.js";
import { grammarDiagramsHtml, grammarEbnf, textMateGrammar } from "../src/grammar/reference.js";

writeFileSync("grammar/aespec.ebnf", grammarEbnf());
writeFileSync("grammar/diagrams.html", grammarDiagramsHtml());
writeFileSync("docs/reference.md", builtinsReference());
writeFileSync("grammar/aespec.tmLanguage.json", `${JSON.stringify(textMateGrammar(), null, 2)}\n`);
console.log("wrote grammar/aespec.ebnf, grammar/diagrams.html, grammar/aespec.tmLanguage.json and docs/reference.md");
