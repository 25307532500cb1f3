import type { CheckContext } from "../context.js";
import { acyclicityRule } from "./acyclicityRule.js";
import { corruptionsRule } from "./corruptionsRule.js";
import { coverageRule } from "./coverageRule.js";
import { declarationsRule } from "./declarationsRule.js";
import { flowsRule } from "./flowsRule.js";
import { likelihoodSupportsRule } from "./likelihoodSupportsRule.js";
import { labelledRule } from "./labelledRule.js";
import { learnedPriorCoverageRule, learnedPriorsRule } from "./learnedPriorsRule.js";
import { lintRules } from "./lintRules.js";
import { networkOutputsRule } from "./networkOutputsRule.js";
import { networkShapesRule } from "./networkShapesRule.js";
import { networkSignaturesRule } from "./networkSignaturesRule.js";
import { objectiveRule } from "./objectiveRule.js";
import { phasesRule } from "./phasesRule.js";
import { priorNetworksRule } from "./priorNetworksRule.js";
import { priorsRule } from "./priorsRule.js";
import { quantizerRule } from "./quantizerRule.js";
import { resourcesRule } from "./resourcesRule.js";
import { supportsRule } from "./supportsRule.js";
import { trainSettingsRule } from "./trainSettingsRule.js";
import { variablesRule } from "./variablesRule.js";

export type Rule = (ctx: CheckContext) => void;

/** The rules in the order they run: each may read what the ones before it resolved. */
export const specifiedRules: readonly Rule[] = [
  declarationsRule,
  variablesRule,
  priorsRule,
  networkSignaturesRule,
  acyclicityRule,
  networkShapesRule,
  networkOutputsRule,
  priorNetworksRule,
  flowsRule,
  learnedPriorsRule,
  supportsRule,
  likelihoodSupportsRule,
  corruptionsRule,
  trainSettingsRule,
  objectiveRule,
  phasesRule,
  quantizerRule,
  labelledRule,
  resourcesRule,
  coverageRule,
  learnedPriorCoverageRule,
];

export { lintRules };
