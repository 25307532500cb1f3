import { diagnose } from "../diagnostics/catalog.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LayerKind } from "../language/vocabulary.js";
import type { ArgumentValue } from "./model.js";

/** How a layer changes a shape, and how many trainable parameters it has; or why it cannot take its input (AE0303). */
export type ShapeResult =
  | { readonly shape: readonly number[]; readonly parameters: number }
  | { readonly problem: Diagnostic };

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A reshape that would make a flat input an image, when one is obvious (784 → 28×28×1). */
function imageSuggestion(input: readonly number[]): string {
  const size = sizeOf(input);
  const side = Math.round(Math.sqrt(size));
  if (side * side === size) return `add \`reshape(${side}, ${side}, 1)\` before it`;
  return "add a `reshape(height, width, channels)` before it";
}

type Arguments = Readonly<Record<string, ArgumentValue | readonly number[]>>;

/** Defaults that depend on another argument: a pooling stride is its window unless written. */
export function completeArguments<T extends Arguments>(kind: LayerKind, args: T): T {
  if ((kind === "maxPool2d" || kind === "avgPool2d") && args.stride === undefined) return { ...args, stride: args.size };
  return args;
}

export function layerShape(kind: LayerKind, args: Arguments, input: readonly number[]): ShapeResult {
  const num = (name: string) => args[name] as number;
  switch (kind) {
    case "dense": {
      if (input.length !== 1) return { problem: diagnose.AE0303.denseNeedsFlat(formatShape(input)) };
      return { shape: [num("units")], parameters: input[0]! * num("units") + num("units") };
    }
    case "conv2d":
    case "conv2dTranspose": {
      if (input.length !== 3) return { problem: { ...diagnose.AE0303.convNeedsImage({ layer: kind, input: formatShape(input) }), help: imageSuggestion(input) } };
      const [h, w, c] = input as [number, number, number];
      const k = num("kernel");
      const s = num("stride");
      const valid = args.padding === "valid";
      const side = (n: number) =>
        kind === "conv2d" ? (valid ? Math.floor((n - k) / s) + 1 : Math.ceil(n / s)) : valid ? (n - 1) * s + k : n * s;
      const [oh, ow] = [side(h), side(w)];
      if (oh < 1 || ow < 1) return { problem: diagnose.AE0303.kernelTooLarge({ layer: kind, kernel: k, height: h, width: w }) };
      return { shape: [oh, ow, num("filters")], parameters: k * k * c * num("filters") + num("filters") };
    }
    case "reshape": {
      const dims = (args.dimensions as readonly number[] | undefined) ?? [];
      if (dims.length === 0) return { problem: diagnose.AE0303.reshapeWithoutDimensions() };
      if (sizeOf(dims) !== sizeOf(input)) {
        return { problem: diagnose.AE0303.reshapeSize({ to: formatShape(dims), needs: sizeOf(dims), input: formatShape(input), has: sizeOf(input) }) };
      }
      return { shape: dims, parameters: 0 };
    }
    case "flatten":
      return { shape: [sizeOf(input)], parameters: 0 };
    case "maxPool2d":
    case "avgPool2d": {
      if (input.length !== 3) return { problem: { ...diagnose.AE0303.convNeedsImage({ layer: kind, input: formatShape(input) }), help: imageSuggestion(input) } };
      const [h, w, c] = input as [number, number, number];
      const size = num("size");
      if (size > h || size > w) return { problem: diagnose.AE0307.windowTooLarge({ layer: kind, size, height: h, width: w }) };
      const side = (n: number) => Math.floor((n - size) / num("stride")) + 1;
      return { shape: [side(h), side(w), c], parameters: 0 };
    }
    case "upsample2d": {
      if (input.length !== 3) return { problem: { ...diagnose.AE0303.convNeedsImage({ layer: kind, input: formatShape(input) }), help: imageSuggestion(input) } };
      const [h, w, c] = input as [number, number, number];
      return { shape: [h * num("factor"), w * num("factor"), c], parameters: 0 };
    }
    case "layerNorm": {
      const features = input[input.length - 1]!;
      if (features === 1) return { problem: { ...diagnose.AE0309.singleValue({ input: formatShape(input) }), help: input.length === 3 ? "normalise after a layer with several channels (e.g. a `conv2d`)" : "normalise a layer with several units, or remove it" } };
      return { shape: input, parameters: 2 * features };
    }
    case "batchNorm":
      return { shape: input, parameters: 2 * input[input.length - 1]! };
    default:
      // dropout and activation layers keep the shape.
      return { shape: input, parameters: 0 };
  }
}
