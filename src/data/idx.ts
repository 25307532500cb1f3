/**
 * The IDX format of the MNIST files: a magic number (two zero bytes, a type code, the
 * number of dimensions), big-endian dimension sizes, then the values. Every way a file
 * can be malformed is reported with what was expected.
 */
export interface IdxArray {
  readonly dimensions: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

export class IdxFormatError extends Error {}

const types: Record<number, { name: string; bytes: number }> = {
  0x08: { name: "unsigned byte", bytes: 1 },
  0x09: { name: "signed byte", bytes: 1 },
  0x0b: { name: "short", bytes: 2 },
  0x0c: { name: "int", bytes: 4 },
  0x0d: { name: "float", bytes: 4 },
  0x0e: { name: "double", bytes: 8 },
};

export function parseIdx(bytes: Uint8Array): IdxArray {
  if (bytes.length < 4) throw new IdxFormatError(`the file has ${bytes.length} bytes, too few for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new IdxFormatError("not an IDX file (it does not start with two zero bytes)");
  const type = types[bytes[2]!];
  if (!type) throw new IdxFormatError(`unknown IDX value type 0x${bytes[2]!.toString(16)}`);
  const rank = bytes[3]!;
  if (rank < 1) throw new IdxFormatError("the IDX header declares no dimensions");
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new IdxFormatError(`the IDX header is truncated: ${rank} dimensions need ${headerLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dimensions.reduce((a, b) => a * b, 1);
  const expected = headerLength + count * type.bytes;
  if (bytes.length !== expected) {
    throw new IdxFormatError(`the file is ${bytes.length < expected ? "truncated" : "longer than its header says"}: dimensions [${dimensions.join(", ")}] of ${type.name}s need ${expected} bytes, found ${bytes.length}`);
  }
  const body = bytes.subarray(headerLength);
  switch (bytes[2]) {
    case 0x08: return { dimensions, data: new Uint8Array(body) };
    case 0x09: return { dimensions, data: new Int8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)) };
    default: {
      // Multi-byte IDX values are big-endian.
      const read = { 0x0b: (o: number) => view.getInt16(o, false), 0x0c: (o: number) => view.getInt32(o, false), 0x0d: (o: number) => view.getFloat32(o, false), 0x0e: (o: number) => view.getFloat64(o, false) }[bytes[2] as 0x0b]!;
      const out = bytes[2] === 0x0b ? new Int16Array(count) : bytes[2] === 0x0c ? new Int32Array(count) : bytes[2] === 0x0d ? new Float32Array(count) : new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = read(headerLength + i * type.bytes);
      return { dimensions, data: out };
    }
  }
}
