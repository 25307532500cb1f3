import { convertIndexedToRgb, type DecodedPng } from "fast-png";
import { diagnose } from "../diagnostics/catalog.js";
import type { VariableDescription } from "../runtime/model.js";
import { ImageDataError } from "./dataError.js";

/**
 * PNG images as an image variable reads them: greyscale or colour, any bit depth, scaled
 * to the variable's declared interval. Decoding is fast-png's; this file decides what a
 * file's samples mean for the model and refuses images that do not fit (AE0915).
 */

/** How an image variable lays out its values: `real[H, W, C]`, `real[H, W]` or a square `real[H*W]`. */
export interface ImageLayout {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** True for `real[H, W, C]`: the files must have that many colour channels; else colour is read as grey. */
  readonly declaredChannels: boolean;
  /** The declared interval pixels map onto: `in [0, 255]` keeps 8-bit levels, anything else without an interval is [0, 1]. */
  readonly low: number;
  readonly high: number;
}

const declared = (v: VariableDescription) => `${v.type}[${v.shape.join(", ")}]`;

export function imageLayout(name: string, v: VariableDescription): ImageLayout {
  const size = v.shape.reduce((a, b) => a * b, 1);
  const side = Math.round(Math.sqrt(size));
  const [low, high] = v.support.kind === "interval" ? [v.support.low, v.support.high] : [0, 1];
  if (v.shape.length === 3) {
    const channels = v.shape[2]!;
    if (channels !== 1 && channels !== 3) throw new ImageDataError(diagnose.AE0915.channelCount({ variable: name, declared: declared(v), channels }));
    return { height: v.shape[0]!, width: v.shape[1]!, channels, declaredChannels: true, low, high };
  }
  const [height, width] = v.shape.length === 2 ? [v.shape[0]!, v.shape[1]!] : [side, side];
  if (height * width !== size) throw new ImageDataError(diagnose.AE0915.notAnImage({ variable: name, declared: declared(v) }));
  return { height, width, channels: 1, declaredChannels: false, low, high };
}

/** Width and height from a PNG's header (IHDR), read before anything is decompressed. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b) || String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
}

/** Refuses a file whose header gives another size than the layout's (checked before decompressing: a small file can inflate to gigabytes). */
export function checkSize(file: string, size: { width: number; height: number }, variable: string, layout: ImageLayout): void {
  if (size.width !== layout.width || size.height !== layout.height) {
    throw new ImageDataError(diagnose.AE0915.size({ file, width: size.width, height: size.height, variable, needWidth: layout.width, needHeight: layout.height }));
  }
}

/** A decoded image's samples, one pixel after another: `stride` samples a pixel, the first `colours` of them grey or red, green, blue. */
interface Samples {
  readonly data: ArrayLike<number>;
  readonly stride: number;
  readonly colours: 1 | 3;
  readonly alpha: boolean;
  /** The largest sample value (255 for 8-bit, 65535 for 16-bit, 2^depth − 1 below 8 bits). */
  readonly max: number;
}

function samples(image: DecodedPng): Samples {
  const { width, height } = image;
  if (image.palette) {
    const entry = image.palette[0]!.length;
    // A palette of greys only is a greyscale image (PNG writers often store grey as a palette).
    const grey = image.palette.every((c) => c[0] === c[1] && c[1] === c[2]);
    return { data: convertIndexedToRgb(image), stride: entry, colours: grey ? 1 : 3, alpha: entry === 4, max: 255 };
  }
  const stride = image.channels;
  const colours = stride >= 3 ? 3 : 1;
  const alpha = stride === 2 || stride === 4;
  if (image.depth >= 8) return { data: image.data, stride, colours, alpha, max: image.depth === 16 ? 65535 : 255 };
  // 1/2/4-bit samples are packed from the high bits, each row padded to a byte.
  const depth = image.depth;
  const rowBytes = Math.ceil((width * stride * depth) / 8);
  const unpacked = new Uint8Array(width * height * stride);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * stride; i++) {
      const bit = i * depth;
      const byte = image.data[y * rowBytes + (bit >> 3)]!;
      unpacked[y * width * stride + i] = (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    }
  }
  return { data: unpacked, stride, colours, alpha, max: (1 << depth) - 1 };
}

/**
 * A decoded image's values as the variable reads them, height × width × channels, scaled
 * from [0, max] to the declared [low, high]; whether the file had alpha (which is dropped).
 */
export function imageValues(file: string, image: DecodedPng, variable: string, description: VariableDescription, layout: ImageLayout): { values: Float32Array; alpha: boolean } {
  const s = samples(image);
  if (layout.declaredChannels && s.colours !== layout.channels) {
    throw new ImageDataError(diagnose.AE0915.channels({ file, found: s.colours === 3 ? "colour" : "greyscale", variable, declared: declared(description) }));
  }
  const pixels = image.width * image.height;
  const out = new Float32Array(pixels * layout.channels);
  const scale = (level: number) => layout.low + (level / s.max) * (layout.high - layout.low);
  for (let p = 0; p < pixels; p++) {
    if (layout.channels === 3) {
      for (let c = 0; c < 3; c++) out[p * 3 + c] = scale(s.data[p * s.stride + c]!);
    } else {
      // Undeclared channels read colour as its grey level: the mean of red, green and blue.
      let sum = 0;
      for (let c = 0; c < s.colours; c++) sum += s.data[p * s.stride + c]!;
      out[p] = scale(sum / s.colours);
    }
  }
  return { values: out, alpha: s.alpha };
}
