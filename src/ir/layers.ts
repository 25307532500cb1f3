import type { IrLayer, IrNetwork } from "./types.js";

/** Layers in weight order, each residual block followed by its own layers (recursively). */
export function flattenLayers(layers: readonly IrLayer[]): IrLayer[] {
  return layers.flatMap((l) => [l, ...flattenLayers(l.layers ?? [])]);
}

/** Every layer of a network in weight order: the trunk, then each head, residual blocks flattened. */
export function networkLayers(network: Pick<IrNetwork, "trunk" | "heads">): IrLayer[] {
  return flattenLayers([...network.trunk, ...network.heads.flatMap((h) => h.layers)]);
}
