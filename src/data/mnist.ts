import { IdxFormatError, parseIdx } from "./idx.js";

/** MNIST as the models see it: images scaled to [0, 1], row-major 28×28, and labels 0–9. */
export interface Mnist {
  readonly size: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

/** MNIST from the bytes of its two IDX files (read from disk in Node, fetched in a browser). */
export function decodeMnist(imageBytes: Uint8Array, labelBytes: Uint8Array, limit?: number): Mnist {
  const images = parseIdx(imageBytes);
  const labels = parseIdx(labelBytes);
  if (images.dimensions.length !== 3 || images.dimensions[1] !== 28 || images.dimensions[2] !== 28) {
    throw new IdxFormatError(`MNIST images are [n, 28, 28]; this file holds [${images.dimensions.join(", ")}]`);
  }
  if (labels.dimensions[0] !== images.dimensions[0]) {
    throw new IdxFormatError(`${images.dimensions[0]} images but ${labels.dimensions[0]} labels`);
  }
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
