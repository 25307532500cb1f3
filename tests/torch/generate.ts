/**
 * Writes generated/<spec>.py for every spec in specs/ (the torch target's committed
 * output, until `aec compile --target torch` does it), and the trainer tests' modules of
 * tests/train/fixtures (python/tests/fixtures/): `npx tsx tests/torch/generate.ts`.
 */
import { writeFileSync } from "node:fs";
import { torchFixtureModules, torchModules } from "./helpers.js";

for (const { spec, python } of torchModules()) {
  writeFileSync(new URL(`../../generated/${spec}.py`, import.meta.url), python);
  console.log(`generated/${spec}.py`);
}
for (const { file, python } of torchFixtureModules()) {
  writeFileSync(new URL(`../../${file}`, import.meta.url), python);
  console.log(file);
}
