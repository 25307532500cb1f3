import { discriminatorCapacityRule } from "./discriminatorCapacityRule.js";
import { gaussianOnUnitIntervalRule } from "./gaussianOnUnitIntervalRule.js";
import { latentLargerThanDataRule } from "./latentLargerThanDataRule.js";
import { unusedDeclarationRule } from "./unusedDeclarationRule.js";

/**
 * Modelling advice, on with `--lint` (AE07xx, warnings). Each is a common weakness, not an
 * error: a spec may keep one with `// aec: allow AE07xx — why`.
 */
export const lintRules = [gaussianOnUnitIntervalRule, latentLargerThanDataRule, discriminatorCapacityRule, unusedDeclarationRule];
