import { CstParser, type CstNode, type IParserErrorMessageProvider, type TokenType } from "chevrotain";
import * as T from "./tokens.js";
import { syntaxErrorDetail } from "./syntaxErrors.js";

/**
 * The grammar of .aespec. Rules stay generic where the checker can judge better than the
 * parser (which layer, which distribution, which setting), so syntax errors are about
 * structure and the checker's errors are about modelling.
 */
export class AespecParser extends CstParser {
  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(T.allTokens as TokenType[], {
      recoveryEnabled: true,
      nodeLocationTracking: "full",
      maxLookahead: 3,
      ...(errorMessageProvider ? { errorMessageProvider } : {}),
    });
    this.performSelfAnalysis();
  }

  public specFile = this.RULE("specFile", () => {
    this.MANY(() => this.SUBRULE(this.modelDeclaration));
  });

  public modelDeclaration = this.RULE("modelDeclaration", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LCurly);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.variableDeclaration) },
        { ALT: () => this.SUBRULE(this.priorDeclaration) },
        { ALT: () => this.SUBRULE(this.networkDeclaration) },
        { ALT: () => this.SUBRULE(this.corruptionDeclaration) },
        { ALT: () => this.SUBRULE(this.objectiveDeclaration) },
        { ALT: () => this.SUBRULE(this.trainBlock) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]),
    );
    this.CONSUME(T.RCurly);
  });

  public variableDeclaration = this.RULE("variableDeclaration", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Data) }, { ALT: () => this.CONSUME(T.Latent) }]);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpression);
    this.OPTION(() => {
      this.CONSUME(T.Labelled);
      this.CONSUME(T.LParen);
      this.SUBRULE(this.expression);
      this.CONSUME(T.RParen);
    });
  });

  public typeExpression = this.RULE("typeExpression", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LSquare);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.NumberLiteral) });
    this.CONSUME(T.RSquare);
    this.OPTION(() => {
      this.CONSUME(T.In);
      this.SUBRULE(this.interval);
    });
  });

  public interval = this.RULE("interval", () => {
    this.CONSUME(T.LSquare);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expression);
    this.CONSUME(T.RSquare);
  });

  public signature = this.RULE("signature", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.nameList);
    this.OPTION(() => {
      this.CONSUME(T.Bar);
      this.SUBRULE2(this.nameList);
    });
    this.CONSUME(T.RParen);
  });

  public nameList = this.RULE("nameList", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
  });

  /** A fixed prior, `prior p(z) = Normal(0, 1)`, or a prior network with a body, `prior p1(z1 | z2) = Normal(mu, logvar) { ... }`. */
  public priorDeclaration = this.RULE("priorDeclaration", () => {
    this.CONSUME(T.Prior);
    this.SUBRULE(this.signature);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.call);
    this.OPTION(() => this.SUBRULE(this.networkBody));
  });

  public networkDeclaration = this.RULE("networkDeclaration", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Encoder) },
      { ALT: () => this.CONSUME(T.Decoder) },
      { ALT: () => this.CONSUME(T.Generator) },
      { ALT: () => this.CONSUME(T.Discriminator) },
    ]);
    this.SUBRULE(this.signature);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.call);
      // A normalising flow after the posterior: `= Normal(mu, logvar) then planar(steps = 8)`.
      this.OPTION2(() => {
        this.CONSUME(T.Then);
        this.SUBRULE2(this.call);
      });
    });
    this.SUBRULE(this.networkBody);
  });

  /** `{ layers and heads }`: a network's body, and a residual block's (whose heads the checker refuses). */
  public networkBody = this.RULE("networkBody", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.head) },
        { ALT: () => this.SUBRULE(this.layer) },
        { ALT: () => this.SUBRULE(this.residualBlock) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]),
    );
    this.CONSUME(T.RCurly);
  });

  /** `residual { conv2d(64, 3, activation = relu); conv2d(64, 3) }`: x + f(x), f the block's layers. */
  public residualBlock = this.RULE("residualBlock", () => {
    this.CONSUME(T.Residual);
    this.SUBRULE(this.networkBody);
  });

  public head = this.RULE("head", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.call);
  });

  public layer = this.RULE("layer", () => {
    this.SUBRULE(this.call);
  });

  public corruptionDeclaration = this.RULE("corruptionDeclaration", () => {
    this.CONSUME(T.Corrupt);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.With);
    this.SUBRULE(this.call);
  });

  public objectiveDeclaration = this.RULE("objectiveDeclaration", () => {
    this.CONSUME(T.Objective);
    this.SUBRULE(this.call);
  });

  public trainBlock = this.RULE("trainBlock", () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.LCurly);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.phaseDeclaration) },
        { ALT: () => this.SUBRULE(this.trainSetting) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]),
    );
    this.CONSUME(T.RCurly);
  });

  public trainSetting = this.RULE("trainSetting", () => {
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.expression);
  });

  public phaseDeclaration = this.RULE("phaseDeclaration", () => {
    this.CONSUME(T.Phase);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Minimize);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Over);
    this.SUBRULE(this.networkList);
    this.OPTION(() => {
      this.CONSUME(T.Using);
      this.SUBRULE(this.call);
    });
    this.OPTION2(() => {
      this.CONSUME(T.On);
      this.OR([{ ALT: () => this.CONSUME(T.Labelled) }, { ALT: () => this.CONSUME2(T.Identifier) }]);
    });
  });

  /** Networks by name (`d_z`) or by role (`encoder`), and `prior` (a learned prior's weights). */
  public networkList = this.RULE("networkList", () => {
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () =>
        this.OR([
          { ALT: () => this.CONSUME(T.Identifier) },
          { ALT: () => this.CONSUME(T.Encoder) },
          { ALT: () => this.CONSUME(T.Decoder) },
          { ALT: () => this.CONSUME(T.Generator) },
          { ALT: () => this.CONSUME(T.Discriminator) },
          { ALT: () => this.CONSUME(T.Prior) },
        ]),
    });
  });

  /** A network named by its role where an expression names a network: `weightDecay(decoder)`. */
  public roleName = this.RULE("roleName", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Encoder) },
      { ALT: () => this.CONSUME(T.Decoder) },
      { ALT: () => this.CONSUME(T.Generator) },
      { ALT: () => this.CONSUME(T.Discriminator) },
    ]);
  });

  public expression = this.RULE("expression", () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.term);
    });
  });

  public term = this.RULE("term", () => {
    this.SUBRULE(this.factor);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.factor);
    });
  });

  public factor = this.RULE("factor", () => {
    this.OR([
      { ALT: () => {
        this.CONSUME(T.Minus);
        this.SUBRULE(this.factor);
      } },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.roleName) },
      { ALT: () => {
        this.CONSUME(T.LParen);
        this.SUBRULE(this.expression);
        this.CONSUME(T.RParen);
      } },
    ]);
  });

  public call = this.RULE("call", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.argumentList));
      this.OPTION3(() => {
        this.CONSUME(T.Bar);
        this.SUBRULE2(this.argumentList);
      });
      this.CONSUME(T.RParen);
    });
  });

  public argumentList = this.RULE("argumentList", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
  });

  public argument = this.RULE("argument", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Equals,
      DEF: () => {
        this.CONSUME(T.Identifier);
        this.CONSUME(T.Equals);
      },
    });
    this.SUBRULE(this.expression);
  });
}

/** One parser instance is reused for every input (Chevrotain's guidance: construction is costly). */
let shared: AespecParser | undefined;
export function sharedParser(): AespecParser {
  shared ??= new AespecParser(syntaxErrorDetail);
  return shared;
}

export type { CstNode };
