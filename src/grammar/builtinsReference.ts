import { type BuiltinSpec, corruptions, distributions, flows, layers, lossTerms, lossTermUsage, objectives, optimizers, parameterSets, priors, quantizers, trainSettings } from "../language/vocabulary.js";
import { catalog } from "../diagnostics/catalog.js";
import { schedules } from "../language/schedules.js";

/** docs/reference.md: every name the language defines and every diagnostic code, generated so it cannot drift. */
export function builtinsReference(): string {
  const table = (title: string, specs: readonly BuiltinSpec[]) => [
    `## ${title}`,
    "",
    "| name | parameters (in positional order) | what it is |",
    "|---|---|---|",
    ...specs.map((s) => `| \`${s.name}\` | ${parameters(s)} | ${s.doc} |`),
    "",
  ];
  const parameters = (s: BuiltinSpec) => {
    const listed = s.parameters.map((p) => {
      const detail = p.required ? "required" : p.default !== undefined ? `default ${p.default}` : "optional";
      const choices = p.choices ? `: ${p.choices.map((c) => `\`${c}\``).join(" \\| ")}` : "";
      return `\`${p.name}\` (${p.kind}${p.schedulable ? " or a schedule" : ""}, ${detail}${choices}) — ${p.doc}`;
    });
    if (s.variadic) listed.push(`any number of ${s.variadic}s`);
    return listed.length > 0 ? listed.join("<br>") : "—";
  };
  return [
    "<!-- Generated from src/language/vocabulary.ts and src/diagnostics/catalog.ts by `npm run grammar`; a test fails when it is stale. -->",
    "# aespec reference",
    "",
    "Parameter kinds: *size* is a whole number ≥ 1, *positive* > 0, *nonnegative* ≥ 0, *probability* in [0, 1], *activation* one of the activations below.",
    "",
    ...table("Layers", layers.filter((l) => l.parameters.length > 0 || ["reshape", "flatten"].includes(l.name))),
    "Activations, usable as `activation = …` or as layers of their own: " + layers.filter((l) => l.parameters.length === 0 && !["reshape", "flatten"].includes(l.name)).map((l) => `\`${l.name}\``).join(", ") + ".",
    "",
    "Residual blocks: `residual { LAYERS }` in a network's trunk computes x + LAYERS(x); its layers must give back their input's shape (AE0308). See docs/language.md, \"Image layers and residual blocks\".",
    "",
    "## Distributions of network outputs",
    "",
    "| name | parameter sets | constant or `learned` (else a head) | options | models | reparameterised |",
    "|---|---|---|---|---|---|",
    ...distributions.map((d) => {
      const fixable = Object.entries(d.fixable ?? {}).map(([p, kind]) => `\`${p}\`${kind === "positive" ? " (> 0)" : ""}`).join(", ") || "—";
      const options = (d.options ?? []).map((o) => `\`${o.name}\`${o.required ? " (required)" : ""}: ${o.doc}`).join("; ") || "—";
      return `| \`${d.name}\` | ${parameterSets(d)} | ${fixable} | ${options} | ${d.supports.join(", ")} | ${d.reparameterisable ? "yes" : "no"} |`;
    }),
    "",
    "A constant is written with its name (`Normal(mu, sigma = 0.1)`); `learned` is one weight per dimension of the variable, `learned(shared)` one scalar (docs/language.md, Likelihoods).",
    "",
    ...table("Quantisers of encoder outputs (`encoder q(z | x) = VectorQuantize(…) { … }`)", quantizers),
    "## Priors",
    "",
    "| name | parameters | density | latent |",
    "|---|---|---|---|",
    ...priors.map((p) => `| \`${p.name}\` | ${parameters(p)} | ${p.density ? "yes" : "no (samples only)"} | ${p.supports.join(", ")}${p.dimensions === 2 ? ", 2-D" : ""} |`),
    "",
    ...table("Corruptions (`corrupt x with …`)", corruptions),
    ...table("Flows (`encoder q(z | x) = Normal(mu, logvar) then …`)", flows),
    ...table("Objectives (`objective …`)", objectives),
    ...table("Schedules (a number that changes over training: a term's weight, `abs(term - C)`'s C, a parameter marked \"or a schedule\"; docs/language.md, Schedules)", schedules),
    "## Loss terms (`minimize …` in a phase)",
    "",
    "| name | written | what it computes |",
    "|---|---|---|",
    ...lossTerms.map((t) => `| \`${t}\` | \`${lossTermUsage[t].usage.replace(/\|/g, "\\|")}\` | ${lossTermUsage[t].doc.replace(/\|/g, "\\|")} |`),
    "",
    ...table("Optimizers", optimizers),
    "## Train settings",
    "",
    "| name | value | required | what it is |",
    "|---|---|---|---|",
    ...trainSettings.map((s) => `| \`${s.name}\` | ${s.kind} | ${s.required ? "yes" : "no"} | ${s.doc} |`),
    "",
    "## Diagnostic codes",
    "",
    "`aec explain CODE` prints the longer explanation with an example of the mistake and its fix.",
    "",
    "| code | meaning |",
    "|---|---|",
    ...[...catalog.values()].map((e) => `| ${e.code} | ${e.title} |`),
    "",
  ].join("\n");
}
