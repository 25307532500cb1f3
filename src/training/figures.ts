import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../runtime/data.js";
import type { ModelIR } from "../ir/types.js";
import { dataBatch } from "../runtime/model.js";
import type { EpochRecord, TrainableModel } from "./model.js";
import { type Curve, gridPng, lossSvg, scatterPng } from "./pictures.js";

async function pixels(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

/** A grid of the image variable's values as a PNG: in colour for `real[H, W, 3]`, its declared interval drawn black to white. */
export function imageGrid(ir: ModelIR, images: Float32Array, count: number, columns: number): Uint8Array {
  const layout = ir.roles.image!;
  const support = ir.variables.find((v) => v.name === layout.variable)!.support;
  const range = support.kind === "interval" ? ([support.low, support.high] as const) : undefined;
  return gridPng({ images, count, height: layout.height, width: layout.width, channels: layout.channels, columns, ...(range ? { range } : {}) });
}

/** samples.png, reconstructions.png, and for a 2-D latent manifold.png and latent.png. */
export async function drawPictures(model: TrainableModel, ir: ModelIR, test: Dataset, testLabels?: Uint8Array): Promise<Record<string, Uint8Array>> {
  const { image: layout, label: labelName, planarLatent: planar } = ir.roles;
  const files: Record<string, Uint8Array> = {};
  if (!layout) return files;
  const grid = (images: Float32Array, count: number, columns: number) => imageGrid(ir, images, count, columns);
  if (model.sample) {
    // Conditional models: one row per class; others an 8×8 grid.
    const label = labelName ? ir.variables.find((v) => v.name === labelName)! : undefined;
    const labels = label ? Array.from({ length: label.size * 10 }, (_, i) => Math.floor(i / 10)) : undefined;
    const out = model.sample(labels ? labels.length : 64, labels ? { label: labels } : {});
    files["samples.png"] = grid(await pixels(out[layout.variable]!), labels ? labels.length : 64, labels ? 10 : 8);
    tf.dispose(Object.values(out));
  }
  if (model.reconstruct) {
    const count = Math.min(16, test.size);
    const batch = dataBatch(model.description, test, Int32Array.from({ length: count }, (_, i) => i));
    const out = model.reconstruct(batch);
    const inputs = await pixels(batch[layout.variable]!);
    const outputs = await pixels(out[layout.variable]!);
    const both = new Float32Array(inputs.length * 2);
    both.set(inputs, 0);
    both.set(outputs, inputs.length);
    files["reconstructions.png"] = grid(both, count * 2, count);
    tf.dispose([...Object.values(out), ...Object.values(batch).filter((t): t is tf.Tensor => t !== undefined)]);
  }
  if (planar && model.encode && model.decode) {
    const count = Math.min(test.size, 5000);
    const batch = dataBatch(model.description, test, Int32Array.from({ length: count }, (_, i) => i));
    const codes = model.encode(batch);
    const points = await pixels(codes[planar.latent]!);
    const prior = model.priorSample(planar.latent, 5000);
    const background = prior ? await pixels(prior) : undefined;
    prior?.dispose();
    files["latent.png"] = scatterPng(points, testLabels ? testLabels.subarray(0, count) : new Uint8Array(count), 512, background);
    // The manifold: decode a 20×20 grid spanning the 1st to 99th percentile of the codes.
    const range = (axis: number) => {
      const values = Array.from({ length: count }, (_, i) => points[2 * i + axis]!).sort((a, b) => a - b);
      return [values[Math.floor(count * 0.01)]!, values[Math.floor(count * 0.99)]!] as const;
    };
    const [[x0, x1], [y0, y1]] = [range(0), range(1)];
    const side = 20;
    const plane = new Float32Array(side * side * 2);
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) {
      plane[2 * (r * side + c)] = x0 + ((x1 - x0) * c) / (side - 1);
      plane[2 * (r * side + c) + 1] = y1 - ((y1 - y0) * r) / (side - 1);
    }
    const z = tf.tensor2d(plane, [side * side, 2]);
    const decoded = model.decode({ [planar.latent]: z });
    files["manifold.png"] = grid(await pixels(decoded[layout.variable]!), side * side, side);
    tf.dispose([z, ...Object.values(decoded), ...Object.values(codes), ...Object.values(batch).filter((t): t is tf.Tensor => t !== undefined)]);
  }
  return files;
}

/** loss.svg: every term per epoch, training solid and test dashed. */
export function drawLoss(model: string, history: readonly EpochRecord[], epochs: number): string {
  const terms = [...new Set(history.flatMap((h) => Object.keys(h.train)))];
  const curves: Curve[] = terms.flatMap((term, i) => [
    { label: `${term} (train)`, values: history.map((h) => h.train[term]), dashed: false, colour: i },
    { label: `${term} (test)`, values: history.map((h) => h.test[term]), dashed: true, colour: i },
  ]);
  return lossSvg(`${model}: loss terms per epoch`, curves, Math.max(epochs, history.length));
}
