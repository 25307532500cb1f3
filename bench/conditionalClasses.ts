/**
 * Does a conditional model draw the class it is asked for? For each class K, samples n
 * images with `aec sample RUN --label K` and labels each by its nearest MNIST class mean
 * (the mean training image of each digit, Euclidean distance). The same nearest-mean rule
 * on the MNIST test images gives its own accuracy, the yardstick for the agreement.
 *
 *   npx tsx bench/conditionalClasses.ts RUN [n = 100]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMnist } from "../src/data/mnistFiles.js";

const pixels = 784;

function classMeans(): Float64Array[] {
  const train = loadMnist("train");
  const means = Array.from({ length: 10 }, () => new Float64Array(pixels));
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < train.size; i++) {
    const label = train.labels[i]!;
    counts[label]!++;
    const mean = means[label]!;
    for (let p = 0; p < pixels; p++) mean[p]! += train.images[i * pixels + p]!;
  }
  return means.map((m, k) => m.map((v) => v / counts[k]!));
}

function nearest(means: readonly Float64Array[], image: ArrayLike<number>, offset = 0): number {
  let best = 0;
  let bestDistance = Infinity;
  means.forEach((m, k) => {
    let d = 0;
    for (let p = 0; p < pixels; p++) d += (image[offset + p]! - m[p]!) ** 2;
    if (d < bestDistance) [best, bestDistance] = [k, d];
  });
  return best;
}

const [run, n = "100"] = process.argv.slice(2);
if (!run) throw new Error("usage: npx tsx bench/conditionalClasses.ts RUN [n]");
const means = classMeans();
const test = loadMnist("test");
let right = 0;
for (let i = 0; i < test.size; i++) if (nearest(means, test.images, i * pixels) === test.labels[i]) right++;
console.log(`nearest class mean on the ${test.size} MNIST test images: ${((100 * right) / test.size).toFixed(1)} % correct`);

const folder = mkdtempSync(join(tmpdir(), "aespec-classes-"));
const agreement: number[] = [];
for (let k = 0; k < 10; k++) {
  const file = join(folder, `${k}.json`);
  execFileSync(process.execPath, ["bin/aec.js", "sample", run, "--label", String(k), "-n", n, "-o", file], { stdio: "ignore" });
  const { x } = JSON.parse(readFileSync(file, "utf8")) as { x: number[][] };
  agreement.push(x.filter((image) => nearest(means, image) === k).length / x.length);
}
rmSync(folder, { recursive: true, force: true });
console.log(`samples (${n} per class) whose nearest class mean is the requested class:`);
console.log(`| class | ${agreement.map((_, k) => k).join(" | ")} | all |`);
console.log(`| agree % | ${agreement.map((a) => (100 * a).toFixed(0)).join(" | ")} | ${((100 * agreement.reduce((s, a) => s + a, 0)) / 10).toFixed(1)} |`);
