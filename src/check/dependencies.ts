import type { NetworkInfo, UnidentifiedTerm } from "./model.js";

/**
 * Which networks' parameters a loss term's gradient reaches. A network reading a latent
 * reaches the encoder that samples it (reparameterised); `gan_d` reaches only its
 * discriminator (the samples it judges are held fixed), and `gan_g` only the network
 * that made the fake samples (the discriminator is held fixed).
 */
export function upstream(networks: readonly NetworkInfo[], network: NetworkInfo, seen = new Set<string>()): string[] {
  seen.add(network.name);
  for (const input of network.inputs) {
    const encoder = networks.find((n) => n.role === "encoder" && n.outputs.includes(input));
    if (encoder && !seen.has(encoder.name)) upstream(networks, encoder, seen);
  }
  return [...seen];
}

export function termDependencies(networks: readonly NetworkInfo[], term: UnidentifiedTerm): string[] {
  const named = (name: string) => networks.find((n) => n.name === name)!;
  switch (term.kind) {
    case "nll":
    case "vq":
      return upstream(networks, named(term.network));
    case "kl":
      // An exact KL (a quantised latent's log K per position) is a constant: no gradient.
      return term.estimator === "exact" ? [] : upstream(networks, named(term.network));
    case "iwae":
      return upstream(networks, named(term.decoder));
    case "gan_d":
      return [term.discriminator];
    case "gan_g":
      return term.fake.kind === "network" ? upstream(networks, named(term.fake.network)) : [];
    case "contractive":
      return [term.network];
  }
}
