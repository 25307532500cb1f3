import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatSpec } from "../src/syntax/format.js";
import { parseSpec } from "../src/syntax/parse.js";

/** The AST without source positions: what must survive print → parse. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "span" && k !== "roleSpan" && k !== "keywordSpan").map(([k, v]) => [k, shape(v)]));
  }
  return value;
}

function format(text: string): string {
  const parsed = parseSpec({ name: "test.aespec", text });
  expect(parsed.diagnostics).toEqual([]);
  return formatSpec(parsed, text);
}

const specs = readdirSync("specs").filter((f) => f.endsWith(".aespec"));

describe("formatter", () => {
  it.each(specs)("specs/%s is already canonical and round-trips", (file) => {
    const text = readFileSync(`specs/${file}`, "utf8");
    const printed = format(text);
    expect(printed).toBe(text);
    expect(shape(parseSpec({ name: file, text: printed }).ast)).toEqual(shape(parseSpec({ name: file, text }).ast));
  });

  const messy = `/* header
   block */ model   M{data x:real[784]in[0,1];latent z : real[2] // trailing
// lead prior

prior p(z)=Normal(0,1)
encoder q(z|x)=Normal(mu,logvar){dense(10,relu) mu:dense(2)
  // dangling inside
  logvar:dense(2)}
decoder p(x|z)=Bernoulli(logits){logits:dense(784)}
objective elbo(beta=2*(1+1)-1/2)
train{optimizer adam(lr=1e-3);batch 128 phase a minimize nll(p(x|z),x)+kl(q(z|x),p(z)) over encoder,decoder using adam(lr=-1)on labelled
// end of train
}
}
// eof comment
`;

  it("prints a messy spec canonically, keeps the AST and every comment", () => {
    const printed = format(messy);
    expect(printed).toMatchInlineSnapshot(`
      "/* header
         block */
      model M {
        data x: real[784] in [0, 1]
        latent z: real[2] // trailing
        // lead prior
        prior p(z) = Normal(0, 1)
        encoder q(z | x) = Normal(mu, logvar) {
          dense(10, relu)
          mu: dense(2)
          // dangling inside
          logvar: dense(2)
        }
        decoder p(x | z) = Bernoulli(logits) {
          logits: dense(784)
        }
        objective elbo(beta = 2 * (1 + 1) - 1 / 2)
        train {
          optimizer adam(lr = 1e-3)
          batch 128
          phase a
            minimize nll(p(x | z), x) + kl(q(z | x), p(z))
            over encoder, decoder
            using adam(lr = -1)
            on labelled
          // end of train
        }
      }
      // eof comment
      "
    `);
    expect(shape(parseSpec({ name: "m", text: printed }).ast)).toEqual(shape(parseSpec({ name: "m", text: messy }).ast));
    for (const comment of parseSpec({ name: "m", text: messy }).comments) expect(printed).toContain(comment.text.split("\n")[0]!.trim());
  });

  it("prints residual blocks as nested blocks, with their comments, and reads them back the same", () => {
    const text = `model M { data x: real[8, 8, 4]; latent z: real[2]
encoder q(z | x) = Normal(mu, logvar) { residual { conv2d(4, 3, activation = relu); residual { layerNorm } // inner
  // before the last
  conv2d(4, 3) } maxPool2d(2, stride = 2); upsample2d(2, mode = bilinear) avgPool2d(2) flatten; mu: dense(2); logvar: dense(2) residual {} } }
`;
    const printed = format(text);
    expect(printed).toBe(`model M {
  data x: real[8, 8, 4]
  latent z: real[2]
  encoder q(z | x) = Normal(mu, logvar) {
    residual {
      conv2d(4, 3, activation = relu)
      residual {
        layerNorm
      } // inner
      // before the last
      conv2d(4, 3)
    }
    maxPool2d(2, stride = 2)
    upsample2d(2, mode = bilinear)
    avgPool2d(2)
    flatten
    mu: dense(2)
    logvar: dense(2)
    residual {}
  }
}
`);
    expect(format(printed)).toBe(printed);
    expect(shape(parseSpec({ name: "m", text: printed }).ast)).toEqual(shape(parseSpec({ name: "m", text }).ast));
  });

  it("is idempotent", () => {
    const once = format(messy);
    expect(format(once)).toBe(once);
  });

  it("breaks a long loss before each top-level term and reads it back the same", () => {
    const longLoss = `model M {\n  train {\n    phase p minimize ${Array.from({ length: 6 }, (_, i) => `gan_g(discriminator_number_${i}, fake = q(z | x))`).join(" + ")} over encoder\n  }\n}\n`;
    const printed = format(longLoss);
    expect(printed.split("\n").every((l) => l.length <= 100)).toBe(true);
    expect(format(printed)).toBe(printed);
    expect(shape(parseSpec({ name: "m", text: printed }).ast)).toEqual(shape(parseSpec({ name: "m", text: longLoss }).ast));
  });

  it("keeps one blank line where the author left several, and none where they left none", () => {
    const text = "model M {\n  latent a: real[1]\n\n\n\n  latent b: real[1]\n  latent c: real[1]\n}\n";
    expect(format(text)).toBe("model M {\n  latent a: real[1]\n\n  latent b: real[1]\n  latent c: real[1]\n}\n");
  });

  it("accepts CRLF line endings and writes LF", () => {
    expect(format("model M {\r\n  latent z: real[2] // c\r\n}\r\n")).toBe("model M {\n  latent z: real[2] // c\n}\n");
  });
});
