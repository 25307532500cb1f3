import type { IrLayer } from "./types.js";

/** Layers in weight order, each residual block followed by its own layers (recursively). */
export function flattenLayers(layers: readonly IrLayer[]): IrLayer[] {
  return layers.flatMap((l) => [l, ...flattenLayers(l.layers ?? [])]);
}
