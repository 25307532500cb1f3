import type { Dataset } from "../runtime/data.js";
import type { ModelDescription } from "../runtime/model.js";
import { binarize, type Mnist, oneHot } from "./mnist.js";

export class DataMismatchError extends Error {}

/**
 * Feeds MNIST to a model: its 784-value data variable gets the images (thresholded for
 * binary variables), a onehot[10] data variable the labels. `labelled` picks the rows
 * whose labels count as known, balanced over the classes (as the AAE paper does).
 */
export function mnistForModel(description: ModelDescription, mnist: Mnist, options: { labelled?: number } = {}): Dataset {
  const columns: Record<string, Float32Array> = {};
  let labelled: number | undefined;
  for (const [name, v] of Object.entries(description.variables)) {
    if (v.role !== "data") continue;
    const size = v.shape.reduce((a, b) => a * b, 1);
    if (v.type === "onehot" && size === 10) {
      columns[name] = oneHot(mnist.labels, 10);
      if (v.labelled !== undefined) labelled = options.labelled ?? v.labelled;
    } else if (v.type !== "onehot" && size === 784) {
      columns[name] = v.type === "binary" ? binarize(mnist.images) : mnist.images;
    } else {
      throw new DataMismatchError(`MNIST has 28×28 images and 10 classes; data variable \`${name}\` is ${v.type}[${v.shape.join(", ")}]`);
    }
  }
  return { size: mnist.size, columns, ...(labelled !== undefined ? { labelled: balancedRows(mnist.labels, labelled) } : {}) };
}

/** The first rows of each class, `count / classes` of each (the remainder from the first classes). */
export function balancedRows(labels: ArrayLike<number>, count: number, classes = 10): Int32Array {
  if (count > labels.length) throw new DataMismatchError(`asked for ${count} labelled examples, but the data has ${labels.length}`);
  const quota = Array.from({ length: classes }, (_, c) => Math.floor(count / classes) + (c < count % classes ? 1 : 0));
  const rows: number[] = [];
  for (let i = 0; i < labels.length && rows.length < count; i++) {
    const c = labels[i]!;
    if (quota[c]! > 0) {
      quota[c]!--;
      rows.push(i);
    }
  }
  return Int32Array.from(rows);
}
