import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import { closestName } from "../diagnostics/suggest.js";
import { Identifier, keywords } from "./tokens.js";

/**
 * Chevrotain hands us strings only; the message provider therefore encodes what it knows
 * as JSON, and `describeSyntaxError` turns it into words once the rest of the context
 * (did-you-mean, the construct's name) is at hand.
 */
export interface SyntaxErrorDetail {
  readonly rule: string;
  readonly expected: readonly string[];
  readonly found: string;
  readonly atEnd: boolean;
}

/** What users call each grammar rule. */
const constructNames: Record<string, string> = {
  specFile: "the file",
  modelDeclaration: "the model block",
  variableDeclaration: "the variable declaration",
  typeExpression: "the type",
  interval: "the support interval",
  signature: "the density signature",
  nameList: "the list of names",
  networkList: "the list of networks",
  priorDeclaration: "the prior",
  networkDeclaration: "the network block",
  residualBlock: "the residual block",
  head: "the head",
  layer: "the layer",
  corruptionDeclaration: "the corruption",
  objectiveDeclaration: "the objective",
  trainBlock: "the train block",
  trainSetting: "the train setting",
  phaseDeclaration: "the phase",
  expression: "the expression",
  term: "the expression",
  factor: "the expression",
  call: "the call",
  argumentList: "the arguments",
  argument: "the argument",
};

/** Rules too generic to name: an error inside them is described by the construct around them. */
const genericRules = new Set(["call", "argumentList", "argument", "expression", "term", "factor", "nameList", "networkList", "networkBody"]);

/** The construct to name in a message: the innermost rule on the stack that a user would recognise. */
export function constructName(ruleStack: readonly string[], rule: string): string {
  const named = [...ruleStack].reverse().find((r) => !genericRules.has(r)) ?? rule;
  return constructNames[named] ?? "the spec";
}

/** What a block may hold, for errors where its closing brace was expected. */
const blockContents: Record<string, string[]> = {
  modelDeclaration: ["`data`", "`latent`", "`prior`", "`encoder`", "`decoder`", "`generator`", "`discriminator`", "`corrupt`", "`objective`", "`train`", "`}`"],
  networkBody: ["a layer such as `dense(500, relu)`", "a head such as `mu: dense(20)`", "`residual { … }`", "`}`"],
  trainBlock: ["a setting such as `batch 128`", "`phase`", "`}`"],
  specFile: ["`model`"],
};

function tokenLabel(type: TokenType): string {
  if (type === EOF) return "the end of the file";
  if (type === Identifier) return "a name";
  return type.LABEL ?? type.name;
}

function found(token: IToken): string {
  if (token.tokenType === EOF) return "the end of the file";
  const image = token.image.length > 20 ? `${token.image.slice(0, 20)}…` : token.image;
  return `\`${image}\``;
}

function encode(rule: string, expected: readonly string[], actual: IToken): string {
  const detail: SyntaxErrorDetail = {
    rule,
    expected: [...new Set(expected)],
    found: found(actual),
    atEnd: actual.tokenType === EOF,
  };
  return JSON.stringify(detail);
}

export const syntaxErrorDetail: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    const contents = expected.name === "RCurly" ? blockContents[ruleName] : undefined;
    return encode(ruleName, contents ?? [tokenLabel(expected)], actual);
  },
  buildNotAllInputParsedMessage({ firstRedundant, ruleName }) {
    return encode(ruleName, blockContents.specFile!, firstRedundant);
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    if (ruleName === "factor") return encode(ruleName, ["a value such as `128`, `1e-3`, `relu` or `nll(p(x | z), x)`"], actual[0]!);
    const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => tokenLabel(path[0]!)));
    return encode(ruleName, firsts, actual[0]!);
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = expectedIterationPaths.map((path) => tokenLabel(path[0]!));
    return encode(ruleName, firsts, actual[0]!);
  },
};

export function decodeSyntaxError(message: string): SyntaxErrorDetail {
  try {
    return JSON.parse(message) as SyntaxErrorDetail;
  } catch {
    return { rule: "", expected: [], found: message, atEnd: false };
  }
}

/** A keyword the user probably meant, when they wrote a near-miss where keywords were expected. */
export function keywordSuggestion(detail: SyntaxErrorDetail, image: string): string | undefined {
  const expectedKeywords = keywords.filter((k) => detail.expected.includes(`\`${k}\``));
  if (expectedKeywords.length === 0 || !/^[A-Za-z_]/.test(image)) return undefined;
  return closestName(image, expectedKeywords);
}
