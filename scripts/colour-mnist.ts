/**
 * Colour MNIST: a small colour image set the project makes itself (none is bundled).
 * Each MNIST digit is scaled, shifted and painted in a random bright colour on a random
 * darker background of another hue, then written as an 8-bit RGB PNG in a class folder:
 *
 *   OUT/train/<digit>/<n>.png   (from MNIST's training images)
 *   OUT/test/<digit>/<n>.png    (from MNIST's test images)
 *
 * `aec train SPEC --data OUT` then trains on OUT/train and tests on OUT/test. The same
 * seed always writes the same images.
 *
 *   npx tsx scripts/colour-mnist.ts [--out data/colour-mnist] [--train 4000] [--test 1000] [--size 32] [--seed 1]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { encode } from "fast-png";
import { loadMnist } from "../src/data/mnistFiles.js";
import { Random } from "../src/runtime/random.js";

export interface ColourMnistOptions {
  readonly out: string;
  readonly train: number;
  readonly test: number;
  /** Side of the square images, at least 20 (digits are scaled to 60–100 % of 28 pixels and must fit). */
  readonly size: number;
  readonly seed: number;
}

export const defaults: ColourMnistOptions = { out: "data/colour-mnist", train: 4000, test: 1000, size: 32, seed: 1 };

/** HSV (each in [0, 1]) to RGB in [0, 1]. */
function hsv(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

/** The grey level of a 28×28 digit at (u, v), bilinear between pixels, 0 outside. */
function bilinear(digit: Float32Array, u: number, v: number): number {
  const x0 = Math.floor(u);
  const y0 = Math.floor(v);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : digit[y * 28 + x]!);
  const [fx, fy] = [u - x0, v - y0];
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/** One digit as a size × size × 3 RGB image of bytes: scaled, shifted, a coloured stroke over a background of another hue. */
export function colourDigit(digit: Float32Array, size: number, random: Random): Uint8Array {
  const scale = 0.6 + 0.4 * random.next();
  const span = 28 * scale;
  const [left, top] = [random.next() * (size - span), random.next() * (size - span)];
  const hue = random.next();
  const ink = hsv(hue, 0.7 + 0.3 * random.next(), 0.8 + 0.2 * random.next());
  const paper = hsv((hue + 0.3 + 0.4 * random.next()) % 1, 0.3 + 0.5 * random.next(), 0.1 + 0.35 * random.next());
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // The centre of output pixel (x, y) in the digit's pixel coordinates.
      const a = bilinear(digit, (x + 0.5 - left) / scale - 0.5, (y + 0.5 - top) / scale - 0.5);
      for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = Math.round(255 * (paper[c]! * (1 - a) + ink[c]! * a));
    }
  }
  return out;
}

/** Writes OUT/train and OUT/test; returns how many images each got. */
export function writeColourMnist(options: ColourMnistOptions): { train: number; test: number } {
  if (!Number.isInteger(options.size) || options.size < 20) throw new Error(`--size ${options.size}: images must be at least 20 pixels wide to hold a digit`);
  const random = new Random(options.seed);
  const written = { train: 0, test: 0 };
  for (const split of ["train", "test"] as const) {
    const mnist = loadMnist(split, options[split]);
    for (let i = 0; i < mnist.size; i++) {
      const folder = join(options.out, split, String(mnist.labels[i]));
      mkdirSync(folder, { recursive: true });
      const rgb = colourDigit(mnist.images.subarray(i * 784, (i + 1) * 784), options.size, random);
      writeFileSync(join(folder, `${i}.png`), encode({ width: options.size, height: options.size, data: rgb, channels: 3, depth: 8 }));
    }
    written[split] = mnist.size;
  }
  return written;
}

function parseArguments(argv: readonly string[]): ColourMnistOptions {
  const options: Record<string, string | number> = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, "");
    const value = argv[i + 1];
    if (!(key in defaults) || value === undefined) throw new Error(`usage: colour-mnist [--out DIR] [--train N] [--test N] [--size S] [--seed N]; got \`${argv[i]}\``);
    options[key] = key === "out" ? value : Number(value);
  }
  return options as unknown as ColourMnistOptions;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  const options = parseArguments(process.argv.slice(2));
  const written = writeColourMnist(options);
  console.log(`wrote ${written.train} training and ${written.test} test images (${options.size}×${options.size} RGB) to ${options.out}/train and ${options.out}/test`);
}
