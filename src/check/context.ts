import { at, type Details, type Diagnostic } from "../diagnostics/diagnostic.js";
import type * as A from "../syntax/ast.js";
import type { Source, Span } from "../language/span.js";
import type { DistributionName } from "../language/vocabulary.js";
import type { Scalar } from "../language/schedules.js";
import type {
  CorruptionInfo, HeadInfo, LayerInfo, LossTerm, NetworkInfo, ObjectiveInfo, OptimizerInfo, ParameterSource, PhaseInfo, PriorInfo, TrainInfo, VariableInfo,
} from "./model.js";

export const maxDiagnosticsPerModel = 50;

export interface NetworkSignature {
  readonly name: string;
  readonly role: A.NetworkRole;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly inputShape: readonly number[];
  readonly declaration: A.NetworkDeclaration;
}

/** A head written as a distribution of layers (`c: Categorical(logits = dense(10))`). */
export interface InlineDistribution {
  readonly variable: string;
  readonly distribution: DistributionName;
  readonly parameters: Readonly<Record<string, string>>;
  /** Parameters given as constants or learned weights, and options (`levels = 256`). */
  readonly fixed?: Readonly<Record<string, ParameterSource>>;
  readonly options?: Readonly<Record<string, number>>;
  /** A RelaxedCategorical's temperature: a number or a schedule. */
  readonly temperature?: Scalar;
  readonly span: A.Call["span"];
}

export interface NetworkBody {
  readonly trunk: readonly LayerInfo[];
  readonly trunkShape: readonly number[];
  readonly heads: readonly HeadInfo[];
  readonly inline: readonly InlineDistribution[];
  readonly parameterCount: number;
}

/**
 * What the rules share while checking one model. Rules run in order (rules/index.ts);
 * each reads what earlier rules resolved and adds its own. A name an earlier rule found
 * broken is "poisoned": later rules stay quiet about it instead of cascading.
 */
export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  private readonly poisoned = new Set<string>();

  readonly variables = new Map<string, VariableInfo>();
  readonly priors = new Map<string, PriorInfo>();
  /** Latents whose prior declaration has errors: "no prior" would only repeat them. */
  readonly brokenPriors = new Set<string>();
  readonly networks = new Map<string, NetworkInfo>();
  /** Networks whose declaration has errors: known by name, but with no trusted shapes. */
  readonly brokenNetworks = new Set<string>();
  readonly corruptions = new Map<string, CorruptionInfo>();
  /** Filled by networkSignaturesRule, read by the network rules after it. */
  readonly signatures = new Map<string, NetworkSignature>();
  /** Filled by networkShapesRule. */
  readonly bodies = new Map<string, NetworkBody>();
  objective: ObjectiveInfo | undefined;
  defaultOptimizer: OptimizerInfo | undefined;
  /** An optimizer setting was written but is broken: phases relying on it stay quiet. */
  defaultOptimizerBroken = false;
  train: Partial<TrainInfo> = {};
  readonly terms: LossTerm[] = [];
  readonly phases: PhaseInfo[] = [];
  trainBroken = false;

  constructor(
    readonly source: Source,
    readonly model: A.ModelDeclaration,
    readonly options: { readonly lint: boolean },
  ) {}

  /** Reports a catalogued diagnostic (`diagnose.AE0402.…`) at a place in the model. */
  report(diagnostic: Diagnostic, span: Span, details?: Details): void {
    if (this.diagnostics.length < maxDiagnosticsPerModel) this.diagnostics.push(at(diagnostic, span, details));
  }

  poison(name: string): void {
    this.poisoned.add(name);
  }

  isPoisoned(name: string): boolean {
    return this.poisoned.has(name);
  }

  /**
   * Whether the spec keeps an error that a comment may allow (`// aec: allow AE0609 — why`).
   * Warnings are allowed in compiler.ts; the few errors that may be allowed ask here.
   */
  allows(code: string): boolean {
    return new RegExp(`aec:\\s*allow\\s+${code}\\b`).test(this.source.text);
  }

  errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === "error").length;
  }

  items<K extends A.ModelItem["kind"]>(kind: K): Extract<A.ModelItem, { kind: K }>[] {
    return this.model.items.filter((i): i is Extract<A.ModelItem, { kind: K }> => i.kind === kind);
  }

  trainItems<K extends A.TrainItem["kind"]>(kind: K): Extract<A.TrainItem, { kind: K }>[] {
    return this.items("TrainBlock").flatMap((b) => b.items.filter((i): i is Extract<A.TrainItem, { kind: K }> => i.kind === kind));
  }

  /** The network whose outputs include the variable, for a role (an encoder of z, a decoder of x). */
  producerOf(variable: string, roles: readonly A.NetworkRole[]): NetworkInfo | undefined {
    for (const network of this.networks.values()) if (roles.includes(network.role) && network.outputs.includes(variable)) return network;
    return undefined;
  }
}
