// Trains a generated model on full MNIST and records its test figures (issue 4's quality bar).
// Not part of CI: `npx tsx bench/quality.ts vae [epochs]`; results go to bench/results/.
import { writeFileSync } from "node:fs";
import { loadMnist } from "../src/data/mnistFiles.js";
import { mnistForModel } from "../src/data/forModel.js";
import { importanceSampledNll } from "../src/training/metrics.js";
import { selectBackend } from "../src/runtime/backend.js";
import type { GeneratedModel, ModelDescription } from "../src/runtime/model.js";

const spec = process.argv[2] ?? "vae";
const modules: Record<string, () => Promise<Record<string, unknown>>> = {
  vae: () => import("../generated/vae.js"),
  aae: () => import("../generated/aae.js"),
  "semi-supervised-aae": () => import("../generated/semi-supervised-aae.js"),
};
const module = (await modules[spec]!()) as { description: ModelDescription } & Record<string, unknown>;
const create = Object.entries(module).find(([k]) => k.startsWith("create"))![1] as (o: object) => Promise<GeneratedModel<any, any> & Record<string, any>>;

const backend = await selectBackend("wasm");
const model = await create({ seed: 1, backend: "wasm" });
const epochs = Number(process.argv[3] ?? model.description.train.epochs);
const train = mnistForModel(model.description, loadMnist("train"));
const test = mnistForModel(model.description, loadMnist("test"));
const started = Date.now();
const log: object[] = [];
await model.fit(train, {
  epochs,
  onEpochEnd: async (epoch, terms) => {
    const entry = { epoch: epoch + 1, seconds: (Date.now() - started) / 1000, train: terms };
    log.push(entry);
    console.log(JSON.stringify(entry));
  },
});
const seconds = (Date.now() - started) / 1000;
const figures: Record<string, unknown> = { spec, backend, epochs, seconds, examplesPerSecond: (train.size * epochs) / seconds, test: await model.evaluate(test) };
const nll = await importanceSampledNll(model, test, 100);
if (nll) figures.importanceSampledNll = nll;
console.log(JSON.stringify(figures));
writeFileSync(`bench/results/${spec}-quality.json`, `${JSON.stringify({ date: new Date().toISOString(), figures, log }, null, 2)}\n`);
