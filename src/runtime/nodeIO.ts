// The Node-only part of the runtime: file system access and package paths.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { artifactsManifest } from "./weights.js";

/** Where the wasm backend's .wasm binaries are, inside the installed package. */
export function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"))}/dist/`;
}

/** Writes through a temporary file and a rename: readers see the old file or the new one, never half. */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(temporary, "wx");
  try {
    writeSync(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}

function concatenated(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out;
}

/**
 * Saves artifacts as `model.json` + `weights.bin` in a folder, the layout tfjs-node and
 * tf.loadLayersModel use. The weights are written first, so a model.json on disk always
 * points at complete weights.
 */
export function saveArtifactsToFolder(folder: string, artifacts: tf.io.ModelArtifacts): void {
  mkdirSync(folder, { recursive: true });
  writeFileAtomic(join(folder, "weights.bin"), concatenated(artifacts.weightData!));
  writeFileAtomic(join(folder, "model.json"), `${JSON.stringify(artifactsManifest(artifacts, "weights.bin"), null, 2)}\n`);
}

export function loadArtifactsFromFolder(folder: string): tf.io.ModelArtifacts {
  let manifest: { modelTopology?: object; format?: string; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    manifest = JSON.parse(readFileSync(join(folder, "model.json"), "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `no saved model in ${folder} (model.json is missing)` : `${join(folder, "model.json")} is not valid JSON`);
  }
  const groups = manifest.weightsManifest ?? [];
  const buffers = groups.flatMap((g) => g.paths.map((p) => readFileSync(join(folder, p))));
  const bytes = concatenated(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  const specs = groups.flatMap((g) => g.weights);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bytes.byteLength !== expected) throw new Error(`weights.bin in ${folder} has ${bytes.byteLength} bytes, but model.json describes ${expected}`);
  return {
    ...(manifest.modelTopology ? { modelTopology: manifest.modelTopology } : {}),
    ...(manifest.format ? { format: manifest.format } : {}),
    weightSpecs: specs,
    weightData: bytes.buffer as ArrayBuffer,
  };
}
