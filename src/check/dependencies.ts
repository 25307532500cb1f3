import { isLearnedPrior, priorParameterSet } from "../language/vocabulary.js";
import type { NetworkInfo, PriorInfo, UnidentifiedTerm } from "./model.js";

/**
 * Which networks' parameters a loss term's gradient reaches. A network reading a latent
 * reaches the encoder that samples it (reparameterised); `gan_d` reaches only its
 * discriminator (the samples it judges are held fixed), and `gan_g` only the network
 * that made the fake samples (the discriminator is held fixed).
 */
export function upstream(networks: readonly NetworkInfo[], network: NetworkInfo, seen = new Set<string>()): string[] {
  seen.add(network.name);
  for (const input of network.inputs) {
    const encoder = networks.find((n) => n.role === "encoder" && !n.infersLabel && n.outputs.includes(input));
    if (encoder && !seen.has(encoder.name)) upstream(networks, encoder, seen);
  }
  return [...seen];
}

/**
 * `learned`: each latent with a learned prior, and the prior's parameter set (`p(z)`):
 * the terms that read the prior's density (kl, iwae) reach its weights too.
 */
export function termDependencies(networks: readonly NetworkInfo[], term: UnidentifiedTerm, learned: Readonly<Record<string, string>> = {}): string[] {
  const named = (name: string) => networks.find((n) => n.name === name)!;
  const prior = (latent: string) => (learned[latent] !== undefined ? [learned[latent]!] : []);
  switch (term.kind) {
    case "nll":
    case "vq":
      return upstream(networks, named(term.network));
    case "kl":
      // An exact KL (a quantised latent's log K per position) is a constant: no gradient.
      if (term.estimator === "exact") return [];
      // Against a prior network, the gradient also reaches it and the encoders of the latents it reads.
      return [...new Set([...upstream(networks, named(term.network)), ...(term.prior ? upstream(networks, named(term.prior)) : []), ...prior(term.variable)])];
    case "iwae":
      return [...upstream(networks, named(term.decoder)), ...prior(term.latent)];
    case "gan_d":
      return [term.discriminator];
    case "gan_g":
      return term.fake.kind === "network" ? upstream(networks, named(term.fake.network)) : [];
    case "contractive":
    case "weightDecay":
      return [term.network];
    case "mmd":
    case "tc":
    case "mi":
    case "dwkl":
    case "l2":
    case "gradientPenalty":
      return upstream(networks, named(term.network));
    case "enumerate":
      return [...new Set([term.network, ...term.encoders, ...term.decoders].flatMap((n) => upstream(networks, named(n))))];
  }
}

/** Each latent with a learned prior → the prior's parameter set (`p(z)`), for termDependencies. */
export function learnedPriorSets(priors: Iterable<PriorInfo>): Record<string, string> {
  return Object.fromEntries([...priors].filter(isLearnedPrior).map((p) => [p.variable, priorParameterSet({ name: p.declaration.signature.name.name, variable: p.variable })]));
}
