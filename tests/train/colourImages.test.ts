import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode, encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { runtimeDescription } from "../../src/codegen/description.js";
import { checkSource } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import { DataError, ImageDataError, loadTrainingData } from "../../src/runner/datasets.js";
import { imageGrid } from "../../src/training/figures.js";
import { Random } from "../../src/runtime/random.js";
import { colourDigit, writeColourMnist } from "../../scripts/colour-mnist.js";

/**
 * Colour and greyscale PNG folders against image variables (issue 15): channels and size
 * checked (AE0915), values scaled to the declared interval at 8 and 16 bits, alpha
 * dropped with one warning (AE0916); pictures drawn in colour for colour images only.
 * In-process, on tiny 2×2 images written here.
 */
function lowered(data: string) {
  const size = data.match(/real\[([\d, ]+)\]/)![1]!.split(",").reduce((a, b) => a * Number(b), 1);
  const text = `model M {
  data x: ${data}
  latent z: real[1]
  prior p(z) = Normal(0, 1)
  encoder q(z | x) = Normal(mu, logvar) {
    flatten
    mu: dense(1)
    logvar: dense(1)
  }
  decoder p(x | z) = Normal(mu, logvar) {
    dense(${size})
    mu: reshape(${data.match(/real\[([\d, ]+)\]/)![1]})
    logvar: reshape(${data.match(/real\[([\d, ]+)\]/)![1]})
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
  return lowerModel(result.models[0]!, "m.aespec");
}
const model = (data: string) => runtimeDescription(lowered(data));

const scratch = () => mkdtempSync(join(tmpdir(), "aec-colour-"));
function folderOf(images: Record<string, Uint8Array>): string {
  const folder = scratch();
  for (const [name, bytes] of Object.entries(images)) {
    mkdirSync(join(folder, name, ".."), { recursive: true });
    writeFileSync(join(folder, name), bytes);
  }
  return folder;
}
/** Ten copies of one image: enough for a held-out tenth. */
const tenOf = (image: Uint8Array) => folderOf(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${i}.png`, image])));
const load = (folder: string, description: ReturnType<typeof model>) => loadTrainingData(description, { data: folder });
const firstRow = (data: ReturnType<typeof load>, width: number) => Array.from(data.train.columns.x!.subarray(0, width));

// Pixels (red, green, blue) of a 2×2 image: red, green, blue, white.
const rgb8 = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
const rgbaOf = (rgb: Uint8Array, alpha: number) => Uint8Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? alpha : rgb[Math.floor(i / 4) * 3 + (i % 4)]!));

describe("colour PNG folders", () => {
  it("RGB, 8-bit, into real[2, 2, 3] in [0, 1]: red, green and blue interleaved per pixel", () => {
    const data = load(tenOf(encode({ width: 2, height: 2, data: rgb8, channels: 3 })), model("real[2, 2, 3] in [0, 1]"));
    expect(firstRow(data, 12)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect(data.warnings).toBeUndefined();
  });

  it("RGB, 16-bit, into in [0, 255]: the full 16-bit level maps to 255 as the full 8-bit level does", () => {
    const sixteen = Uint16Array.from(rgb8, (v) => (v === 255 ? 65535 : 0));
    sixteen[0] = 32768; // half red in the first pixel
    const data16 = load(tenOf(encode({ width: 2, height: 2, data: sixteen, channels: 3, depth: 16 })), model("real[2, 2, 3] in [0, 255]"));
    const row = firstRow(data16, 12);
    expect(row[0]).toBeCloseTo((32768 / 65535) * 255, 4);
    expect(row.slice(1)).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    const data8 = load(tenOf(encode({ width: 2, height: 2, data: rgb8, channels: 3 })), model("real[2, 2, 3] in [0, 255]"));
    expect(firstRow(data8, 12)).toEqual(Array.from(rgb8));
  });

  it("RGBA: alpha is dropped, colours read as stored, and said once for the folder (AE0916)", () => {
    const folder = folderOf({ ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`train/${i}.png`, encode({ width: 2, height: 2, data: rgbaOf(rgb8, 0), channels: 4 })])), "test/a.png": encode({ width: 2, height: 2, data: rgbaOf(rgb8, 128), channels: 4 }) });
    const data = load(folder, model("real[2, 2, 3] in [0, 1]"));
    expect(firstRow(data, 12)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect(data.warnings).toHaveLength(1);
    expect(data.warnings![0]!.code).toBe("AE0916");
    expect(data.warnings![0]!.severity).toBe("warning");
    expect(data.warnings![0]!.message).toMatch(/^10 of the 10 PNG images in `.*` have an alpha channel \(e.g. `.*train\/0.png`\); alpha is dropped/);
  });

  it("grey + alpha at 16 bits into real[2, 2, 1]: grey scaled, alpha dropped with the warning", () => {
    const data = load(tenOf(encode({ width: 2, height: 2, data: new Uint16Array([65535, 0, 0, 65535, 65535, 65535, 0, 0]), channels: 2, depth: 16 })), model("real[2, 2, 1] in [0, 1]"));
    expect(firstRow(data, 4)).toEqual([1, 0, 1, 0]);
    expect(data.warnings?.[0]?.code).toBe("AE0916");
  });

  it("palettes: a colour palette is colour, a palette of greys is greyscale", () => {
    const colour = encode({ width: 2, height: 2, data: new Uint8Array([0, 1, 1, 0]), channels: 1, depth: 8, palette: [[255, 0, 0], [0, 0, 255]] });
    expect(firstRow(load(tenOf(colour), model("real[2, 2, 3] in [0, 1]")), 6)).toEqual([1, 0, 0, 0, 0, 1]);
    const greys = encode({ width: 2, height: 2, data: new Uint8Array([0, 1, 1, 0]), channels: 1, depth: 8, palette: [[255, 255, 255], [0, 0, 0]] });
    expect(firstRow(load(tenOf(greys), model("real[2, 2, 1] in [0, 1]")), 4)).toEqual([1, 0, 0, 1]);
  });

  it("train/ and test/ subfolders are the split; class folders inside give labels", () => {
    const image = encode({ width: 2, height: 2, data: rgb8, channels: 3 });
    const folder = folderOf({ "train/0/a.png": image, "train/1/b.png": image, "train/1/c.png": image, "test/1/d.png": image });
    const data = load(folder, model("real[2, 2, 3] in [0, 1]"));
    expect([data.train.size, data.test.size]).toEqual([3, 1]);
    expect(data.source).toBe(folder);
    expect(Array.from(data.testLabels!)).toEqual([1]);
  });

  it("without declared channels, colour is read as its grey level (greyscale MNIST-style specs as before)", () => {
    const data = load(tenOf(encode({ width: 2, height: 2, data: rgb8, channels: 3 })), model("real[4] in [0, 1]"));
    expect(firstRow(data, 4).map((v) => Number(v.toFixed(6)))).toEqual([0.333333, 0.333333, 0.333333, 1]);
  });
});

describe("images that do not fit the image variable (AE0915)", () => {
  const refused = (folder: string, description: ReturnType<typeof model>, message: RegExp) => {
    let error: unknown;
    try {
      load(folder, description);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageDataError);
    expect(error).toBeInstanceOf(DataError);
    expect((error as ImageDataError).diagnostic.code).toBe("AE0915");
    expect((error as ImageDataError).message).toMatch(message);
    return error as ImageDataError;
  };

  it("a greyscale file for a colour variable, naming the file", () => {
    const folder = folderOf({ "a.png": encode({ width: 2, height: 2, data: rgb8, channels: 3 }), "b.png": encode({ width: 2, height: 2, data: new Uint8Array(4), channels: 1 }) });
    const error = refused(folder, model("real[2, 2, 3] in [0, 1]"), /^`.*b\.png` is a greyscale image; `x` is real\[2, 2, 3\], which reads colour \(RGB\) images$/);
    expect(error.diagnostic.help).toMatch(/real\[H, W, 1\]/);
  });

  it("a colour file for a one-channel variable", () => {
    refused(tenOf(encode({ width: 2, height: 2, data: rgb8, channels: 3 })), model("real[2, 2, 1] in [0, 1]"), /is a colour image; `x` is real\[2, 2, 1\], which reads greyscale images/);
  });

  it("the wrong size, from the header", () => {
    refused(tenOf(encode({ width: 3, height: 2, data: new Uint8Array(18), channels: 3 })), model("real[2, 2, 3] in [0, 1]"), /is 3×2; `x` needs 2×2 images/);
  });

  it("a channel count that PNG images do not have", () => {
    refused(tenOf(encode({ width: 2, height: 2, data: rgb8, channels: 3 })), model("real[2, 2, 2] in [0, 1]"), /is real\[2, 2, 2\]: 2 channels, but PNG images have 1 \(grey\) or 3/);
  });
});

describe("pictures of image variables", () => {
  const channelsOf = (png: Uint8Array) => {
    const image = decode(png);
    return { channels: image.channels, data: image.data };
  };
  /** Some pixel whose red, green and blue differ. */
  const hasColour = (data: ArrayLike<number>) => Array.from({ length: data.length / 3 }, (_, p) => p).some((p) => data[3 * p] !== data[3 * p + 1] || data[3 * p + 1] !== data[3 * p + 2]);

  it("a real[H, W, 3] variable is a colour image in the IR; real[784] and real[28, 28, 1] stay greyscale", () => {
    expect(lowered("real[2, 2, 3] in [0, 1]").roles.image).toEqual({ variable: "x", height: 2, width: 2, channels: 3 });
    expect(lowered("real[784] in [0, 1]").roles.image).toEqual({ variable: "x", height: 28, width: 28, channels: 1 });
    expect(lowered("real[28, 28, 1] in [0, 1]").roles.image).toEqual({ variable: "x", height: 28, width: 28, channels: 1 });
  });

  it("colour images draw in colour, their declared [0, 255] drawn black to white", () => {
    const digit = new Float32Array(784).fill(0);
    for (let i = 300; i < 500; i++) digit[i] = 1;
    const images = Float32Array.from(colourDigit(digit, 32, new Random(3)));
    const png = channelsOf(imageGrid(lowered("real[32, 32, 3] in [0, 255]"), images, 1, 1));
    expect(png.channels).toBe(3);
    expect(hasColour(png.data)).toBe(true);
    // The image itself, inside the 1-pixel frame: the same bytes.
    const W = 34;
    for (const [x, y] of [[0, 0], [10, 17], [31, 31]] as const) {
      for (let c = 0; c < 3; c++) expect(png.data[((y + 1) * W + x + 1) * 3 + c]).toBe(images[(y * 32 + x) * 3 + c]);
    }
  });

  it("greyscale images stay greyscale", () => {
    const images = Float32Array.from({ length: 4 * 784 }, (_, i) => (i % 7) / 7);
    const png = channelsOf(imageGrid(lowered("real[784] in [0, 1]"), images, 4, 2));
    expect(png.channels).toBe(1);
  });
});

describe("aec train on generated colour MNIST", { timeout: 300_000 }, () => {
  /** Some pixel whose red, green and blue differ. */
  const hasColour = (data: ArrayLike<number>) => Array.from({ length: data.length / 3 }, (_, p) => p).some((p) => data[3 * p] !== data[3 * p + 1] || data[3 * p + 1] !== data[3 * p + 2]);

  it("the script writes the same images for the same seed, train/ and test/ in class folders", () => {
    const [a, b] = [scratch(), scratch()];
    for (const out of [a, b]) expect(writeColourMnist({ out, train: 12, test: 4, size: 28, seed: 7 })).toEqual({ train: 12, test: 4 });
    const image = decode(readFileSync(join(a, "train", "5", "0.png")));
    expect([image.width, image.height, image.channels, image.depth]).toEqual([28, 28, 3, 8]);
    expect(hasColour(image.data)).toBe(true);
    expect(readFileSync(join(a, "test", "7", "0.png"))).toEqual(readFileSync(join(b, "test", "7", "0.png")));
  });

  it("a colour VAE trains from `aec train --data` on it and draws its pictures in colour (needs npm run build)", () => {
    const data = scratch();
    writeColourMnist({ out: data, train: 60, test: 20, size: 32, seed: 1 });
    const out = join(scratch(), "run");
    const run = spawnSync(process.execPath, ["bin/aec.js", "train", "tests/train/fixtures/tiny-colour-vae.aespec", "--data", data, "--out", out], { encoding: "utf8", timeout: 300_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("60 training and 20 test examples");
    expect(run.stdout).toMatch(/epoch 2\/2: train nll_x [\d.]+/);
    for (const file of ["samples.png", "reconstructions.png", "manifold.png"]) {
      const image = decode(readFileSync(join(out, file)));
      expect(image.channels, file).toBe(3);
      expect(hasColour(image.data), `${file} has colour`).toBe(true);
    }
    // The top row of reconstructions.png is the test images themselves, pixel for pixel.
    const reconstructions = decode(readFileSync(join(out, "reconstructions.png")));
    const numeric = (folder: string) => readdirSync(folder).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    const firstClass = join(data, "test", numeric(join(data, "test"))[0]!);
    const first = decode(readFileSync(join(firstClass, numeric(firstClass)[0]!)));
    const W = reconstructions.width;
    for (const [x, y] of [[0, 0], [16, 16], [31, 5]] as const) {
      for (let c = 0; c < 3; c++) expect(reconstructions.data[((y + 1) * W + x + 1) * 3 + c]).toBe(first.data[(y * 32 + x) * 3 + c]);
    }
  });
});

describe("specs/colour-vae.aespec on generated colour MNIST", { timeout: 600_000 }, () => {
  /** Some pixel whose red, green and blue differ. */
  const hasColour = (data: ArrayLike<number>) => Array.from({ length: data.length / 3 }, (_, p) => p).some((p) => data[3 * p] !== data[3 * p + 1] || data[3 * p + 1] !== data[3 * p + 2]);

  it("the residual, discretized-logistic colour VAE trains a few steps from aec train: finite figures, pictures in colour (needs npm run build)", () => {
    const data = scratch();
    writeColourMnist({ out: data, train: 24, test: 8, size: 32, seed: 2 });
    const out = join(scratch(), "run");
    const run = spawnSync(process.execPath, ["bin/aec.js", "train", "specs/colour-vae.aespec", "--data", data, "--epochs", "1", "--batch", "8", "--k", "2", "--out", out], { encoding: "utf8", timeout: 600_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    for (const value of [...Object.values(metrics.test), metrics.importanceSampledNll.nats] as number[]) expect(Number.isFinite(value)).toBe(true);
    for (const file of ["samples.png", "reconstructions.png"]) {
      const image = decode(readFileSync(join(out, file)));
      expect(image.channels, file).toBe(3);
      expect(hasColour(image.data), `${file} has colour`).toBe(true);
    }
  });
});
