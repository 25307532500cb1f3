import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { runtimeDescription } from "../../src/codegen/description.js";
import { checkSource } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import { DataError, loadTrainingData, maxCsvBytes, maxIdxBytes } from "../../src/runner/datasets.js";

/**
 * Each way --data can be given is read correctly or refused with a DataError (AE0903),
 * never changed without a word (issue 20). In-process, on tiny files: 2×2 images.
 */
function model(label?: string) {
  const text = `model M {
  data x: real[4] in [0, 1]
  ${label ? `data y: ${label}` : ""}
  latent z: real[1]
  prior p(z) = Normal(0, 1)
  encoder q(z | x${label ? ", y" : ""}) = Normal(mu, logvar) {
    mu: dense(1)
    logvar: dense(1)
  }
  decoder p(x | z${label ? ", y" : ""}) = Bernoulli(logits) {
    logits: dense(4)
  }
  objective elbo
  train {
    optimizer adam(lr = 1e-3)
    batch 2
    epochs 1
  }
}`;
  const result = checkSource({ name: "m.aespec", text });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return runtimeDescription(lowerModel(result.models[0]!, "m.aespec"));
}

const plain = model();
const conditional = model("onehot[3]");
const scratch = () => mkdtempSync(join(tmpdir(), "aec-loaders-"));
const load = (data: string, description = plain, extra: { limit?: number; labels?: number } = {}) => loadTrainingData(description, { data, ...extra });
const refused = (data: string, message: RegExp, description = plain) => {
  expect(() => load(data, description)).toThrow(DataError);
  expect(() => load(data, description)).toThrow(message);
};

/** Every example's features, train then test, as plain arrays, sorted (the split picks rows at random). */
function allRows(data: ReturnType<typeof load>): number[][] {
  const rows: number[][] = [];
  for (const part of [data.train, data.test]) {
    const x = part.columns.x!;
    for (let i = 0; i < part.size; i++) rows.push(Array.from(x.subarray(i * 4, i * 4 + 4)));
  }
  return rows.sort((a, b) => a.join().localeCompare(b.join()));
}

function pngFolder(images: Record<string, Uint8Array>): string {
  const folder = scratch();
  for (const [name, bytes] of Object.entries(images)) {
    mkdirSync(join(folder, name, ".."), { recursive: true });
    writeFileSync(join(folder, name), bytes);
  }
  return folder;
}

function idx(type: number, dimensions: number[], values: number[]): Uint8Array {
  const bytes = { 0x08: 1, 0x0c: 4, 0x0d: 4 }[type]!;
  const out = new DataView(new ArrayBuffer(4 + 4 * dimensions.length + values.length * bytes));
  out.setUint8(2, type);
  out.setUint8(3, dimensions.length);
  dimensions.forEach((d, i) => out.setUint32(4 + 4 * i, d));
  const offset = 4 + 4 * dimensions.length;
  values.forEach((v, i) => (type === 0x08 ? out.setUint8(offset + i, v) : type === 0x0c ? out.setInt32(offset + 4 * i, v) : out.setFloat32(offset + 4 * i, v)));
  return new Uint8Array(out.buffer);
}

describe("PNG folders", () => {
  const grey = (value: number) => encode({ width: 2, height: 2, data: new Uint8Array(4).fill(value), channels: 1 });

  it("grey + alpha: the alpha is not averaged in (opaque black stays 0)", () => {
    const blackOpaque = encode({ width: 2, height: 2, data: new Uint8Array([0, 255, 0, 255, 0, 255, 0, 255]), channels: 2 });
    const data = load(pngFolder(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${i}.png`, blackOpaque]))));
    expect(allRows(data).flat().every((v) => v === 0)).toBe(true);
  });

  it("palette images: each index through the palette", () => {
    const indexed = encode({ width: 2, height: 2, data: new Uint8Array([0, 1, 1, 0]), channels: 1, depth: 8, palette: [[255, 255, 255], [0, 0, 0]] });
    const data = load(pngFolder(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${i}.png`, indexed]))));
    expect(allRows(data)[0]).toEqual([1, 0, 0, 1]);
  });

  it.each([1, 2, 4] as const)("%i-bit grey images: unpacked and scaled to [0, 1], never NaN", (depth) => {
    const top = (1 << depth) - 1;
    // Row 0: (top, 0), row 1: (0, top), packed from the high bits, each row padded to a byte.
    const data = new Uint8Array([top << (8 - depth), top << (8 - 2 * depth)]);
    const image = encode({ width: 2, height: 2, data, channels: 1, depth });
    const loaded = load(pngFolder(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${i}.png`, image]))));
    expect(allRows(loaded)[0]).toEqual([1, 0, 0, 1]);
  });

  it("a class folder 256/ is label 256, refused by a 3-class model rather than wrapped to 0", () => {
    refused(pngFolder({ "0/a.png": grey(0), "1/a.png": grey(0), "256/a.png": grey(0) }), /label 256, but `y` has 3 classes/, conditional);
  });

  it("a decompression bomb is refused from its header, before it is decompressed", () => {
    const bomb = new Uint8Array(grey(0));
    new DataView(bomb.buffer).setUint32(16, 30_000);
    new DataView(bomb.buffer).setUint32(20, 30_000);
    refused(pngFolder({ "a.png": bomb, "b.png": grey(0) }), /is 30000×30000; `x` needs 2×2 images/);
  });

  it("class folders: the held-out tenth holds every class", () => {
    const images: Record<string, Uint8Array> = {};
    for (let c = 0; c < 3; c++) for (let i = 0; i < 10; i++) images[`${c}/${i}.png`] = grey(c * 100);
    const data = load(pngFolder(images), conditional);
    expect([...new Set(data.testLabels)].sort()).toEqual([0, 1, 2]);
    expect(data.test.size).toBe(3);
  });
});

describe("IDX folders", () => {
  function folder(files: Record<string, Uint8Array>): string {
    const path = scratch();
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(path, name), bytes);
    return path;
  }
  const pixels = Array.from({ length: 40 }, (_, i) => (i * 7) % 256);

  it("float images are used as they are, unsigned bytes scaled by 255", () => {
    const values = Array.from({ length: 40 }, (_, i) => (i % 4) / 4);
    expect(allRows(load(folder({ "train-images-idx3-ubyte": idx(0x0d, [10, 2, 2], values) })))[0]).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Math.max(...allRows(load(folder({ "train-images-idx3-ubyte": idx(0x08, [10, 2, 2], pixels) }))).flat())).toBeCloseTo(252 / 255, 6);
  });

  it("any image size, not only MNIST's 784", () => {
    expect(load(folder({ "train-images-idx3-ubyte": idx(0x08, [10, 2, 2], pixels) })).train.size).toBe(9);
  });

  it("NaN values never pass the support check", () => {
    refused(folder({ "train-images-idx3-ubyte": idx(0x0d, [10, 2, 2], pixels.map((_, i) => (i === 5 ? NaN : 0.5))) }), /x value NaN, outside the support/);
  });

  it("no label file for a conditional model is refused (not every label 0)", () => {
    refused(folder({ "train-images-idx3-ubyte": idx(0x08, [10, 2, 2], pixels) }), /reads the label `y`, but the data has no labels/, conditional);
  });

  it("int32 labels of 256 are refused, not wrapped to 0", () => {
    const labels = idx(0x0c, [10], [0, 1, 2, 0, 1, 2, 0, 1, 2, 256]);
    refused(folder({ "train-images-idx3-ubyte": idx(0x08, [10, 2, 2], pixels), "train-labels-idx1-ubyte": labels }), /has label 256, but `y` has 3 classes/, conditional);
  });

  it("0 images, an entry that is a folder, test images of another size", () => {
    refused(folder({ "train-images-idx3-ubyte": idx(0x08, [0, 2, 2], []) }), /holds no images/);
    const withFolder = scratch();
    mkdirSync(join(withFolder, "train-images-idx3-ubyte"));
    refused(withFolder, /is a folder, not an IDX file/);
    refused(folder({ "train-images-idx3-ubyte": idx(0x08, [10, 2, 2], pixels), "t10k-images-idx3-ubyte": idx(0x08, [2, 3, 3], Array(18).fill(0)) }), /test images .* have 9 values each, the training images 4/);
  });

  it("a file over the size limit is refused before it is read", () => {
    const path = scratch();
    writeFileSync(join(path, "train-images-idx3-ubyte"), "");
    truncateSync(join(path, "train-images-idx3-ubyte"), maxIdxBytes + 1);
    refused(path, /MiB; aec train reads IDX files of at most 2047 MiB/);
  });
});

describe("CSV files", () => {
  const csv = (text: string) => {
    const path = join(scratch(), "data.csv");
    writeFileSync(path, text);
    return path;
  };
  const rows = (n: number, first = "0.5,0.5,0.5,0.5") => [first, ...Array.from({ length: n - 1 }, () => "0.25,0.5,0.75,1")].join("\n");

  it("a first row with `1e-3` is data, not a header; a header of names is skipped", () => {
    const data = load(csv(rows(20, "1e-3,0,0,1")));
    expect(data.train.size + data.test.size).toBe(20);
    const headed = load(csv(`a,b,c,d\n${rows(20)}`));
    expect(headed.train.size + headed.test.size).toBe(20);
  });

  it.each(["0x10", "0b1", "0o7", "Infinity", " "])("`%s` is not a number", (cell) => {
    refused(csv(rows(20, `0.5,${cell},0.5,0.5`)), /line 1, column 2: `.*` is not a number/);
  });

  it("an error names the file's line, counting the header and blank lines", () => {
    refused(csv(`a,b,c,d\n\n${rows(3)}\n0.5,0.5,0.5\n`), /line 6 has 3 columns/);
    refused(csv(`a,b,c,d\n0.5,0.5,0.5,0.5,1.5\n`), /line 2: the label 1.5 is not a class number/, conditional);
  });

  it("labels of 256 are refused, not wrapped to 0", () => {
    refused(csv(Array.from({ length: 20 }, (_, i) => `0,0,0,0,${i === 7 ? 256 : i % 3}`).join("\n")), /label 256, but `y` has 3 classes/, conditional);
  });

  it("a label-sorted file holds every class in its test split", () => {
    const sorted = Array.from({ length: 30 }, (_, i) => `0.5,0.5,0.5,0.5,${Math.floor(i / 10)}`).join("\n");
    const data = load(csv(sorted), conditional);
    expect([...new Set(data.testLabels)].sort()).toEqual([0, 1, 2]);
  });

  it("a file over 512 MiB is refused before it is read", () => {
    const path = csv("");
    truncateSync(path, maxCsvBytes + 1);
    refused(path, /MiB; aec train reads CSV files of at most 511 MiB/);
  });

  it("labelled(N) larger than the data names --labels", () => {
    const result = checkSource({ name: "ssaae", text: readFileSync("tests/train/fixtures/tiny-ssaae.aespec", "utf8") });
    const semi = runtimeDescription(lowerModel(result.models[0]!, "ssaae"));
    const data = csv(Array.from({ length: 40 }, (_, i) => `${Array(784).fill(0).join(",")},${i % 10}`).join("\n"));
    expect(() => load(data, semi)).toThrow(/labelled\(50\): 50 labelled examples, but the training data has 39; use --labels with at most 39/);
    expect(load(data, semi, { labels: 20 }).train.labelled).toHaveLength(20);
  });
});
