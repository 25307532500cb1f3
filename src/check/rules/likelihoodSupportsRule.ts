import { diagnose } from "../../diagnostics/catalog.js";
import { distributions, findBuiltin } from "../../language/vocabulary.js";
import type { CheckContext } from "../context.js";
import { describeSupport } from "./supportsRule.js";

/**
 * The supports of the likelihoods beyond Normal, Bernoulli and Categorical: AE0414 a
 * discretized likelihood needs an interval to cut into bins, AE0415 ContinuousBernoulli
 * and Beta need data in [0, 1], AE0416 Laplace needs real data, AE0417 none of them is
 * an encoder's posterior.
 */
export function likelihoodSupportsRule(ctx: CheckContext): void {
  for (const network of ctx.networks.values()) {
    for (const output of network.distributions) {
      const spec = findBuiltin(distributions, output.distribution); // undefined for a quantiser (VectorQuantize)
      if (!spec?.likelihoodOnly) continue;
      const at = network.declaration.distribution?.span ?? network.declaration.signature.span;
      if (network.role === "encoder") {
        ctx.report(diagnose.AE0417.posterior({ distribution: spec.name, network: network.name }), at);
        continue;
      }
      const variable = ctx.variables.get(output.variable)!;
      const { support } = variable;
      const facts = { distribution: spec.name, variable: variable.name, support: describeSupport(variable) };
      switch (output.distribution) {
        case "DiscretizedLogistic":
        case "DiscretizedLogisticMixture":
          if (support.kind !== "interval") {
            ctx.report(diagnose.AE0414.unbounded(facts), at, {
              help: variable.type === "real" ? `declare the pixels' range, e.g. \`${variable.role} ${variable.name}: real[${variable.shape.join(", ")}] in [0, 255]\`` : support.kind === "binary" ? "use Bernoulli(logits) for binary data" : "use Categorical(logits) for onehot data",
            });
          }
          break;
        case "ContinuousBernoulli":
        case "Beta":
          if (!(support.kind === "interval" && support.low >= 0 && support.high <= 1)) {
            ctx.report(diagnose.AE0415.outside(facts), at, {
              help: support.kind === "binary" ? "use Bernoulli(logits) for binary data" : support.kind === "onehot" ? "use Categorical(logits) for onehot data" : `rescale the data and declare \`${variable.role} ${variable.name}: real[${variable.shape.join(", ")}] in [0, 1]\``,
            });
          }
          break;
        case "Laplace":
          if (support.kind === "binary" || support.kind === "onehot") {
            ctx.report(diagnose.AE0416.discrete(facts), at, { help: support.kind === "binary" ? "use Bernoulli(logits) for binary data" : "use Categorical(logits) for onehot data" });
          }
          break;
      }
    }
  }
}
