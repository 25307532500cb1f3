import { readFileSync, writeFileSync } from "node:fs";

/** A named tensor for the exchange with Python: float32 or int32, little-endian. */
export interface PackedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array;
}

/** Writes PATH.json (name, shape, dtype, byte offset) and PATH.bin; tests/torch/step.py reads them. */
export function writePack(path: string, tensors: readonly PackedTensor[]): void {
  let offset = 0;
  const entries = tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, dtype: t.values instanceof Int32Array ? "int32" : "float32", offset };
    offset += t.values.byteLength;
    return entry;
  });
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const t of tensors) {
    const view = new DataView(bytes.buffer, at, t.values.byteLength);
    t.values.forEach((v, i) => (t.values instanceof Int32Array ? view.setInt32(i * 4, v, true) : view.setFloat32(i * 4, v, true)));
    at += t.values.byteLength;
  }
  writeFileSync(`${path}.bin`, bytes);
  writeFileSync(`${path}.json`, JSON.stringify(entries));
}

export function readPack(path: string): Map<string, { shape: number[]; values: Float32Array }> {
  const entries = JSON.parse(readFileSync(`${path}.json`, "utf8")) as { name: string; shape: number[]; offset: number }[];
  const bytes = readFileSync(`${path}.bin`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = view.getFloat32(e.offset + i * 4, true);
    out.set(e.name, { shape: e.shape, values });
  }
  return out;
}
