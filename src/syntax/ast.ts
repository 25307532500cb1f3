import type { Span } from "../language/span.js";

/**
 * The abstract syntax tree: readonly nodes tagged by `kind`, each with its source span.
 * The parser accepts a generic shape (calls with named or positional arguments) and the
 * checker gives it meaning, so new layers or distributions never need grammar changes.
 */

export interface Identifier {
  readonly kind: "Identifier";
  readonly name: string;
  readonly span: Span;
}

export interface NumberLiteral {
  readonly kind: "NumberLiteral";
  readonly value: number;
  /** As written, so the formatter keeps `1e-3` instead of printing 0.001. */
  readonly text: string;
  readonly span: Span;
}

/** `name` or `name(args)` or `name(args | given)`: a layer, a distribution, a loss term, a density reference. */
export interface Call {
  readonly kind: "Call";
  readonly callee: Identifier;
  /** False for a bare name such as `flatten`; true once parentheses are written, even if empty. */
  readonly hasParens: boolean;
  readonly args: readonly Argument[];
  /** The conditioning part after `|`, as in `p(x | z, y)`. */
  readonly given: readonly Argument[];
  readonly span: Span;
}

export interface Argument {
  readonly kind: "Argument";
  readonly name?: Identifier;
  readonly value: Expression;
  readonly span: Span;
}

export interface BinaryExpression {
  readonly kind: "BinaryExpression";
  readonly operator: "+" | "-" | "*" | "/";
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}

export interface UnaryExpression {
  readonly kind: "UnaryExpression";
  readonly operator: "-";
  readonly operand: Expression;
  readonly span: Span;
}

export interface ParenthesizedExpression {
  readonly kind: "ParenthesizedExpression";
  readonly expression: Expression;
  readonly span: Span;
}

export type Expression = NumberLiteral | Call | BinaryExpression | UnaryExpression | ParenthesizedExpression;

/** `real[784] in [0, 1]`, `binary[28, 28, 1]`, `onehot[10]`. */
export interface TypeExpression {
  readonly kind: "TypeExpression";
  readonly base: Identifier;
  readonly shape: readonly NumberLiteral[];
  readonly support?: Interval;
  readonly span: Span;
}

export interface Interval {
  readonly kind: "Interval";
  readonly low: Expression;
  readonly high: Expression;
  readonly span: Span;
}

/** `data x: real[784] in [0, 1]` or `latent z: real[20]`. */
export interface VariableDeclaration {
  readonly kind: "VariableDeclaration";
  readonly role: "data" | "latent";
  readonly name: Identifier;
  readonly type: TypeExpression;
  /** `labelled(1000)`: the labels are known for a subset only. */
  readonly labelled?: Expression;
  readonly span: Span;
}

/** The left side of a density: `p(x | z, y)`, `q(z, c | x)`, `d(z)`. */
export interface Signature {
  readonly kind: "Signature";
  readonly name: Identifier;
  readonly outputs: readonly Identifier[];
  readonly given: readonly Identifier[];
  readonly span: Span;
}

/** `prior p(z) = Normal(0, 1)`. */
export interface PriorDeclaration {
  readonly kind: "PriorDeclaration";
  readonly signature: Signature;
  readonly distribution: Call;
  readonly span: Span;
}

/** `prior` is a prior network, `prior p1(z1 | z2) = Normal(mu, logvar) { ... }`: a latent's conditional prior given other latents. */
export type NetworkRole = "encoder" | "decoder" | "generator" | "discriminator" | "prior";

/** A layer of a network's stack, e.g. `dense(500, relu)` or `flatten`. */
export interface Layer {
  readonly kind: "Layer";
  readonly call: Call;
  readonly span: Span;
}

/** A named output of a network: `mu: dense(20)` or `c: Categorical(logits = dense(10))`. */
export interface Head {
  readonly kind: "Head";
  readonly name: Identifier;
  readonly value: Call;
  readonly span: Span;
}

/** `residual { conv2d(64, 3, activation = relu); conv2d(64, 3) }`: the block's input plus its layers' output. */
export interface Residual {
  readonly kind: "Residual";
  readonly keywordSpan: Span;
  readonly body: readonly NetworkItem[];
  readonly span: Span;
}

export type NetworkItem = Layer | Head | Residual;

/** `encoder q(z | x) = Normal(mu, logvar) { ... }`. */
export interface NetworkDeclaration {
  readonly kind: "NetworkDeclaration";
  readonly role: NetworkRole;
  readonly roleSpan: Span;
  readonly signature: Signature;
  readonly distribution?: Call;
  /** A normalising flow after the distribution, `then planar(steps = 8)`. */
  readonly flow?: Call;
  readonly body: readonly NetworkItem[];
  readonly span: Span;
}

/** `corrupt x with saltPepper(p = 0.2)`: the encoder sees a corrupted x, the likelihood scores the clean one. */
export interface CorruptionDeclaration {
  readonly kind: "CorruptionDeclaration";
  readonly target: Identifier;
  readonly noise: Call;
  readonly span: Span;
}

/** `objective elbo(beta = 4)`. */
export interface ObjectiveDeclaration {
  readonly kind: "ObjectiveDeclaration";
  readonly preset: Call;
  readonly span: Span;
}

/** `batch 128`, `optimizer adam(lr = 1e-3)`. */
export interface TrainSetting {
  readonly kind: "TrainSetting";
  readonly name: Identifier;
  readonly value: Expression;
  readonly span: Span;
}

/** `phase reconstruct minimize nll(p(x | z), x) over q, p using adam(lr = 1e-3) on labelled`. */
export interface PhaseDeclaration {
  readonly kind: "PhaseDeclaration";
  readonly name: Identifier;
  readonly loss: Expression;
  readonly over: readonly Identifier[];
  readonly optimizer?: Call;
  readonly subset?: Identifier;
  readonly span: Span;
}

export type TrainItem = TrainSetting | PhaseDeclaration;

export interface TrainBlock {
  readonly kind: "TrainBlock";
  readonly items: readonly TrainItem[];
  readonly span: Span;
}

export type ModelItem =
  | VariableDeclaration
  | PriorDeclaration
  | NetworkDeclaration
  | CorruptionDeclaration
  | ObjectiveDeclaration
  | TrainBlock;

export interface ModelDeclaration {
  readonly kind: "ModelDeclaration";
  readonly name: Identifier;
  readonly items: readonly ModelItem[];
  readonly span: Span;
}

export interface SpecFile {
  readonly kind: "SpecFile";
  readonly models: readonly ModelDeclaration[];
  readonly span: Span;
}

export type Node =
  | SpecFile | ModelDeclaration | ModelItem | TrainItem | NetworkItem
  | Signature | TypeExpression | Interval | Expression | Argument | Identifier;
