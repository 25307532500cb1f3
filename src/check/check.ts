import { diagnose } from "../diagnostics/catalog.js";
import { type Diagnostic, hasErrors } from "../diagnostics/diagnostic.js";
import type * as A from "../syntax/ast.js";
import type { Source } from "../language/span.js";
import { CheckContext, maxDiagnosticsPerModel } from "./context.js";
import type { CheckedModel } from "./model.js";
import { lintRules, specifiedRules } from "./rules/index.js";

export interface ModelCheck {
  readonly diagnostics: readonly Diagnostic[];
  /** Present only when the model has no errors. */
  readonly model?: CheckedModel;
}

/** Runs every rule over one model; returns what it proved, or why it could not. */
export function checkModel(source: Source, declaration: A.ModelDeclaration, options: { lint: boolean }): ModelCheck {
  const ctx = new CheckContext(source, declaration, options);
  for (const rule of specifiedRules) rule(ctx);
  if (options.lint && !hasErrors(ctx.diagnostics)) for (const rule of lintRules) rule(ctx);
  const diagnostics = [...ctx.diagnostics];
  if (diagnostics.length >= maxDiagnosticsPerModel) {
    diagnostics.push(diagnose.AE0108.modelDiagnostics({ model: declaration.name.name, shown: maxDiagnosticsPerModel }));
  }
  if (hasErrors(diagnostics)) return { diagnostics };
  const model: CheckedModel = {
    name: declaration.name.name,
    variables: [...ctx.variables.values()],
    priors: [...ctx.priors.values()],
    networks: [...ctx.networks.values()],
    corruptions: [...ctx.corruptions.values()],
    objective: ctx.objective!,
    terms: ctx.terms,
    phases: ctx.phases,
    train: { batch: ctx.train.batch!, epochs: ctx.train.epochs!, ...(ctx.train.clipNorm !== undefined ? { clipNorm: ctx.train.clipNorm } : {}) },
  };
  return { diagnostics, model };
}
