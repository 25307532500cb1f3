import type { IrLayer, IrNetwork } from "./types.js";

/** A layer in a few words, as comments and graph labels show it: `dense 500 relu`. */
export function describeLayer(layer: IrLayer): string {
  const a = layer.arguments;
  switch (layer.kind) {
    case "dense": return `dense ${a.units}${layer.activation === "linear" ? "" : ` ${layer.activation}`}`;
    case "conv2d":
    case "conv2dTranspose": return `${layer.kind} ${a.filters}×${a.kernel}×${a.kernel}/${a.stride}${layer.activation === "linear" ? "" : ` ${layer.activation}`} [${layer.outputShape.join(", ")}]`;
    case "reshape": return `reshape [${layer.outputShape.join(", ")}]`;
    case "activation": return layer.activation;
    case "maxPool2d":
    case "avgPool2d": return `${layer.kind} ${a.size}×${a.size}/${a.stride} [${layer.outputShape.join(", ")}]`;
    case "upsample2d": return `upsample2d ×${a.factor} ${a.mode} [${layer.outputShape.join(", ")}]`;
    case "residual": return `residual(${(layer.layers ?? []).map(describeLayer).join(" → ")})`;
    default: return layer.kind;
  }
}

/** A network's shape at a glance: `[784] → dense 500 relu → dense 500 relu → mu [20], logvar [20]`. */
export function describeNetwork(network: IrNetwork): string {
  return [
    `[${network.inputShape.join(", ")}]`,
    ...network.trunk.map(describeLayer),
    ...(network.heads.length > 0 ? [network.heads.map((h) => `${h.name} [${h.outputShape.join(", ")}]`).join(", ")] : []),
  ].join(" → ");
}

/** A network's signature as the spec writes it: `q(z | x)`, `d(z)`, a conditional discriminator `d(x | y)`. */
export function networkSignature(network: Pick<IrNetwork, "name" | "role" | "inputs" | "outputs" | "given">): string {
  if (network.role !== "discriminator") return `${network.name}(${network.outputs.join(", ")} | ${network.inputs.join(", ")})`;
  return `${network.name}(${network.inputs[0]}${network.given ? ` | ${network.given.join(", ")}` : ""})`;
}
