import { createToken, Lexer, type TokenType } from "chevrotain";

/** Identifiers are ASCII only: look-alike letters can never sneak into generated code. */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

function keyword(word: string): TokenType {
  return createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier, label: `\`${word}\`` });
}

export const Model = keyword("model");
export const Data = keyword("data");
export const Latent = keyword("latent");
export const Prior = keyword("prior");
export const Encoder = keyword("encoder");
export const Decoder = keyword("decoder");
export const Generator = keyword("generator");
export const Discriminator = keyword("discriminator");
export const Corrupt = keyword("corrupt");
export const With = keyword("with");
export const Objective = keyword("objective");
export const Train = keyword("train");
export const Phase = keyword("phase");
export const Minimize = keyword("minimize");
export const Over = keyword("over");
export const Using = keyword("using");
export const On = keyword("on");
export const In = keyword("in");
export const Labelled = keyword("labelled");
export const Then = keyword("then");
export const Residual = keyword("residual");

/** Every reserved word of the language, in the order the reference lists them. */
export const keywordTokens: readonly TokenType[] = [
  Model, Data, Latent, Prior, Encoder, Decoder, Generator, Discriminator,
  Corrupt, With, Objective, Train, Phase, Minimize, Over, Using, On, In, Labelled, Then, Residual,
];
export const keywords: readonly string[] = keywordTokens.map((t) => t.name.toLowerCase());

export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  label: "a number",
});

function punct(name: string, pattern: RegExp, text: string): TokenType {
  return createToken({ name, pattern, label: `\`${text}\`` });
}
export const LCurly = punct("LCurly", /\{/, "{");
export const RCurly = punct("RCurly", /\}/, "}");
export const LParen = punct("LParen", /\(/, "(");
export const RParen = punct("RParen", /\)/, ")");
export const LSquare = punct("LSquare", /\[/, "[");
export const RSquare = punct("RSquare", /\]/, "]");
export const Comma = punct("Comma", /,/, ",");
export const Semicolon = punct("Semicolon", /;/, ";");
export const Colon = punct("Colon", /:/, ":");
export const Equals = punct("Equals", /=/, "=");
export const Bar = punct("Bar", /\|/, "|");
export const Plus = punct("Plus", /\+/, "+");
export const Minus = punct("Minus", /-/, "-");
export const Star = punct("Star", /\*/, "*");
export const Slash = punct("Slash", /\//, "/");

export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  line_breaks: true,
  group: "comments",
});
/** Matched only when a block comment never closes; reported, never parsed. */
export const UnclosedComment = createToken({
  name: "UnclosedComment",
  pattern: /\/\*[\s\S]*/,
  line_breaks: true,
  group: "unclosed",
});
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });

export const allTokens: readonly TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnclosedComment,
  ...keywordTokens, Identifier, NumberLiteral,
  LCurly, RCurly, LParen, RParen, LSquare, RSquare,
  Comma, Semicolon, Colon, Equals, Bar, Plus, Minus, Star, Slash,
];

export const lexer = new Lexer(allTokens as TokenType[], {
  ensureOptimizations: true,
  positionTracking: "full",
});
