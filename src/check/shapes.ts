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
    case "batchNorm":
      return { shape: input, parameters: 2 * input[input.length - 1]! };
    default:
      // dropout and activation layers keep the shape.
      return { shape: input, parameters: 0 };
  }
}
