// The measurements behind docs/likelihoods.md, rerunnable by anyone: `npm run bench:likelihoods`.
//   1. The gradient reaching a sigmoid output's pre-activation under cross-entropy and
//      under squared error, by TF.js autodiff → docs/images/likelihood-gradients.svg.
//   2. One VAE on MNIST's grey values, three decoders — Bernoulli, fixed-σ Normal,
//      continuous Bernoulli — each trained by `aec train` with the same architecture, seed
//      and budget; test −ELBO and importance-sampled −log p(x) in nats, reconstructions
//      and samples → docs/images/likelihoods-*.png and bench/results/likelihoods.json.
// Flags: --epochs N (5), --limit N (10000 training images; the test set is MNIST's 10,000),
// --only NAME (one decoder), --gradients (part 1 only). Needs `npm run build` (the script
// in package.json runs it first).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { selectBackend } from "../src/runtime/backend.js";
import type { RunMetrics } from "../src/training/metrics.js";
import { drawGradientSvg, linspace, sigmoidGradients } from "./sigmoidGradient.js";

const { values: flags } = parseArgs({ options: { epochs: { type: "string", default: "5" }, limit: { type: "string", default: "10000" }, only: { type: "string" }, gradients: { type: "boolean", default: false } } });
const images = "docs/images";
mkdirSync(images, { recursive: true });

// ── 1. the gradient plot ──
await selectBackend("wasm");
// Target 1, pre-activations from confidently wrong (σ(−10) ≈ 4.5e-5) to confidently right.
const curves = await sigmoidGradients(linspace(-10, 10, 201), 1);
writeFileSync(`${images}/likelihood-gradients.svg`, drawGradientSvg(curves));
const at = (a: number) => curves.preActivations.findIndex((v) => Math.abs(v - a) < 1e-4);
for (const a of [-10, -5, -2, 0, 2]) {
  const i = at(a);
  console.log(`a = ${a}: cross-entropy ${curves.crossEntropy[i]!.toExponential(3)}, squared error ${curves.squaredError[i]!.toExponential(3)}`);
}
console.log(`wrote ${images}/likelihood-gradients.svg`);

// ── 2. three decoders, one autoencoder ──
/** The decoders compared; everything else in the spec is the same text. */
const decoders = [
  { name: "bernoulli", title: "Bernoulli", likelihood: "Bernoulli(logits)", head: "logits" },
  { name: "normal", title: "Normal, σ = 0.1", likelihood: "Normal(mu, sigma = 0.1)", head: "mu" },
  { name: "continuous-bernoulli", title: "continuous Bernoulli", likelihood: "ContinuousBernoulli(logits)", head: "logits" },
] as const;

/** The 784-500-500-20 ReLU VAE of specs/vae.aespec with the given decoder likelihood. */
function likelihoodSpec(decoder: (typeof decoders)[number]): string {
  return `// bench/likelihoods.ts: the VAE of specs/vae.aespec with a ${decoder.title} decoder.
model VAE {
  data x: real[784] in [0, 1]
  latent z: real[20]

  prior p(z) = Normal(0, 1)

  encoder q(z | x) = Normal(mu, logvar) {
    dense(500, relu)
    dense(500, relu)
    mu: dense(20)
    logvar: dense(20)
  }

  decoder p(x | z) = ${decoder.likelihood} {
    dense(500, relu)
    dense(500, relu)
    ${decoder.head}: dense(784)
  }

  objective elbo

  train {
    optimizer adam(lr = 1e-3)
    batch 128
    epochs 5
  }
}
`;
}

if (!flags.gradients) {
  const root = "runs/likelihoods";
  const results: (RunMetrics & { decoder: string; likelihood: string })[] = [];
  for (const decoder of decoders.filter((d) => !flags.only || d.name === flags.only)) {
    const folder = join(root, decoder.name);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const spec = join(root, `${decoder.name}.aespec`);
    writeFileSync(spec, likelihoodSpec(decoder));
    const args = ["bin/aec.js", "train", spec, "--data", "mnist", "--limit", flags.limit!, "--epochs", flags.epochs!, "--seed", "1", "--backend", "wasm", "--out", folder];
    console.log(`aec ${args.slice(1).join(" ")}`);
    const run = spawnSync(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
    if (run.status !== 0) throw new Error(`training the ${decoder.title} decoder failed (exit ${run.status})`);
    const metrics = JSON.parse(readFileSync(join(folder, "metrics.json"), "utf8")) as RunMetrics;
    for (const picture of ["samples", "reconstructions"]) copyFileSync(join(folder, `${picture}.png`), join(images, `likelihoods-${decoder.name}-${picture}.png`));
    results.push({ decoder: decoder.title, likelihood: decoder.likelihood, ...metrics });
  }
  const budget = { epochs: Number(flags.epochs), trainExamples: Number(flags.limit), seed: 1, backend: "wasm", batch: 128, optimizer: "adam(lr = 1e-3)" };
  // --only replaces its decoder's entry and keeps the others (each entry records its own budget).
  const saved = "bench/results/likelihoods.json";
  const previous = flags.only && existsSync(saved) ? (JSON.parse(readFileSync(saved, "utf8")) as { results: (typeof results)[number][] }).results : [];
  const entries = [...previous.filter((p) => !results.some((r) => r.decoder === p.decoder)), ...results.map((r) => ({ ...r, budget, date: new Date().toISOString() }))];
  entries.sort((a, b) => decoders.findIndex((d) => d.title === a.decoder) - decoders.findIndex((d) => d.title === b.decoder));
  writeFileSync(saved, `${JSON.stringify({ results: entries }, null, 2)}\n`);
  console.log("| decoder | test −ELBO (nats) | −log p(x), IWAE k (nats) | seconds |");
  console.log("|---|---|---|---|");
  for (const r of entries) {
    const nll = r.importanceSampledNll;
    console.log(`| ${r.decoder} | ${r.test.negativeElbo?.toFixed(2) ?? Object.entries(r.test).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")} | ${nll ? `${nll.nats.toFixed(2)} (k = ${nll.k}, ${nll.examples} images)` : "—"} | ${r.seconds.toFixed(0)} |`);
  }
}
