import type { ArgumentValue } from "./model.js";

/** How a layer changes a shape, and how many trainable parameters it has. */
export type ShapeResult =
  | { readonly shape: readonly number[]; readonly parameters: number }
  | { readonly error: string; readonly help?: string };

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

export function layerShape(kind: string, args: Arguments, input: readonly number[]): ShapeResult {
  const num = (name: string) => args[name] as number;
  switch (kind) {
    case "dense": {
      if (input.length !== 1) return { error: `dense needs a flat input, but gets ${formatShape(input)}`, help: "add `flatten` before it" };
      return { shape: [num("units")], parameters: input[0]! * num("units") + num("units") };
    }
    case "conv2d":
    case "conv2dTranspose": {
      if (input.length !== 3) return { error: `${kind} needs an image input [height, width, channels], but gets ${formatShape(input)}`, help: imageSuggestion(input) };
      const [h, w, c] = input as [number, number, number];
      const k = num("kernel");
      const s = num("stride");
      const valid = args.padding === "valid";
      const side = (n: number) =>
        kind === "conv2d" ? (valid ? Math.floor((n - k) / s) + 1 : Math.ceil(n / s)) : valid ? (n - 1) * s + k : n * s;
      const [oh, ow] = [side(h), side(w)];
      if (oh < 1 || ow < 1) return { error: `${kind} with kernel ${k} and \`valid\` padding does not fit the ${h}×${w} input`, help: "use a smaller kernel or `padding = same`" };
      return { shape: [oh, ow, num("filters")], parameters: k * k * c * num("filters") + num("filters") };
    }
    case "reshape": {
      const dims = (args.dimensions as readonly number[] | undefined) ?? [];
      if (dims.length === 0) return { error: "reshape needs the dimensions to reshape to", help: "for example `reshape(28, 28, 1)`" };
      if (sizeOf(dims) !== sizeOf(input)) {
        return { error: `reshape to ${formatShape(dims)} needs ${sizeOf(dims)} values, but its input ${formatShape(input)} has ${sizeOf(input)}` };
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
