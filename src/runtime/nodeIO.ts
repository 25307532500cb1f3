// The Node-only part of the runtime: file system access and package paths.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { artifactsManifest } from "./weights.js";

/** Where the wasm backend's .wasm binaries are, inside the installed package. */
export function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"))}/dist/`;
}

/** How bytes reach a file descriptor: `fs.writeSync`, replaceable in tests to act out a full disk. */
export type WriteBytes = (fd: number, bytes: Uint8Array, offset: number, length: number) => number;

/**
 * Writes through a temporary file and a rename: readers see the old file or the new one,
 * never half. A write that cannot finish (a full disk writes fewer bytes than asked, or
 * throws ENOSPC) removes the temporary file and throws, so the old file stays as it was.
 */
export function writeFileAtomic(path: string, content: Uint8Array | string, write: WriteBytes = writeSync): void {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(temporary, "wx");
  try {
    try {
      writeAll(fd, bytes, write, temporary);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Writes every byte, resuming after partial writes; a write that makes no progress means the disk is full. */
function writeAll(fd: number, bytes: Uint8Array, write: WriteBytes, path: string): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = write(fd, bytes, offset, bytes.length - offset);
    if (!(written > 0)) throw Object.assign(new Error(`no space left to write (${offset} of ${bytes.length} bytes written)`), { code: "ENOSPC", path });
    offset += written;
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
    throw new Error(
      code === "ENOENT" ? `no saved model in ${folder} (model.json is missing)`
      : code === "ENOTDIR" ? `${folder} is a file; load takes the folder that save wrote (model.json + weights.bin)`
      : code ? `cannot read ${join(folder, "model.json")}: ${code}`
      : `${join(folder, "model.json")} is not valid JSON`,
    );
  }
  const groups = manifest.weightsManifest;
  if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))) {
    throw new Error(`${join(folder, "model.json")} is not a model manifest (it has no weightsManifest)`);
  }
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
