/**
 * Every diagnostic code the compiler can report, with the longer explanation behind
 * `aec explain CODE`. Codes are stable: a code is never reused for another meaning.
 *   AE01xx syntax · AE02xx names · AE03xx shapes · AE04xx distributions and supports
 *   AE05xx objectives and phases · AE06xx numbers · AE07xx lints · AE09xx inputs and internal
 */
export interface CatalogEntry {
  readonly code: string;
  readonly title: string;
  readonly explanation: string;
  /** A spec fragment with the mistake, and the same fragment fixed. */
  readonly wrong?: string;
  readonly fixed?: string;
}

const entries: CatalogEntry[] = [
  {
    code: "AE0101",
    title: "unexpected character",
    explanation:
      "The lexer met a character that starts no token of the language. Names are ASCII letters, digits and `_` " +
      "(so look-alike letters from other scripts can never reach generated code); other characters may appear only inside comments.",
    wrong: "latent ζ: real[2]",
    fixed: "latent zeta: real[2]   // ζ",
  },
  {
    code: "AE0102",
    title: "unexpected token",
    explanation:
      "The parser found a token where the grammar does not allow it. The message names the construct being read " +
      "and lists what may come next there. Reserved words (`model`, `data`, `latent`, `prior`, `encoder`, `decoder`, " +
      "`generator`, `discriminator`, `corrupt`, `with`, `objective`, `train`, `phase`, `minimize`, `over`, `using`, `on`, `in`, `labelled`) cannot be used as names.",
    wrong: "encodr q(z | x) = Normal(mu, logvar) { ... }",
    fixed: "encoder q(z | x) = Normal(mu, logvar) { ... }",
  },
  {
    code: "AE0103",
    title: "unexpected end of file",
    explanation: "The file ended in the middle of a construct, most often because a `{`, `(` or `[` opened earlier is never closed.",
    wrong: "model VAE {\n  data x: real[784] in [0, 1]\n",
    fixed: "model VAE {\n  data x: real[784] in [0, 1]\n}",
  },
  {
    code: "AE0104",
    title: "unclosed block comment",
    explanation: "A `/*` comment runs to the end of the file because its closing `*/` is missing; everything after it would be ignored.",
    wrong: "/* Kingma & Welling 2014\nmodel VAE { ... }",
    fixed: "/* Kingma & Welling 2014 */\nmodel VAE { ... }",
  },
  {
    code: "AE0105",
    title: "no model in the file",
    explanation: "A spec file holds one or more `model Name { ... }` blocks; this one holds none (it is empty or only comments).",
    wrong: "// TODO",
    fixed: "model AE {\n  ...\n}",
  },
  {
    code: "AE0106",
    title: "input too large",
    explanation: "Specs are limited to 1 MiB so that the compiler's work per input is bounded. A real model spec is a few kilobytes.",
  },
  {
    code: "AE0107",
    title: "nesting too deep",
    explanation: "Brackets (or chains of unary minus) are nested more than 64 deep. No model needs this; the limit keeps the parser's recursion bounded.",
    wrong: "objective elbo(beta = ((((((((1))))))))...)",
    fixed: "objective elbo(beta = 1)",
  },
  {
    code: "AE0108",
    title: "further syntax errors not shown",
    explanation: "Only the first 20 syntax errors of a file are reported; later ones are often consequences of the first. Fix these and run again.",
  },
  {
    code: "AE0109",
    title: "not a text file",
    explanation: "The file holds control bytes or bytes that are not valid UTF-8, so it is not a spec (perhaps a binary file was named by mistake). Specs are UTF-8 text.",
  },
  {
    code: "AE0901",
    title: "cannot read input",
    explanation: "A path given on the command line does not exist, is not readable, or is a folder with no `.aespec` files in it.",
  },
  {
    code: "AE0999",
    title: "internal compiler error",
    explanation: "The compiler itself failed. This is always a bug in aespec, never in your spec: please file an issue with the spec that triggered it and the output of the command run with AEC_DEBUG=1.",
  },
];

export const catalog: ReadonlyMap<string, CatalogEntry> = new Map(entries.map((e) => [e.code, e]));

export function explain(code: string): string | undefined {
  const entry = catalog.get(code.toUpperCase());
  if (!entry) return undefined;
  const parts = [`${entry.code}: ${entry.title}`, "", entry.explanation];
  if (entry.wrong) parts.push("", "For example, this is wrong:", "", indent(entry.wrong));
  if (entry.fixed) parts.push("", "and this is right:", "", indent(entry.fixed));
  return parts.join("\n");
}

function indent(text: string): string {
  return text.split("\n").map((l) => `    ${l}`).join("\n");
}
