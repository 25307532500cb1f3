import { describe, expect, it } from "vitest";
import { type Code, diagnose } from "../src/diagnostics/catalog.js";
import { at, type Diagnostic } from "../src/diagnostics/diagnostic.js";
import { DiagnosticError } from "../src/diagnostics/error.js";
import { renderDiagnostic, renderError } from "../src/diagnostics/render.js";
import { spanAt } from "../src/language/span.js";

describe("the catalogue's constructors", () => {
  it("make a diagnostic with the entry's code, severity and message", () => {
    const d = diagnose.AE0402.bernoulliSupport({ density: "likelihood", variable: "x", support: "real (unbounded)" });
    expect(d).toEqual({ code: "AE0402", severity: "error", message: "Bernoulli likelihood needs data in [0, 1], but `x` is declared real (unbounded)" });
    expect(diagnose.AE0702.overcomplete({ latent: "z", size: 1000, dataSize: 784 }).severity).toBe("warning");
    expect(diagnose.AE0108.syntaxErrors(20).severity).toBe("note");
  });

  it("carry the template's help, which the reporting place may replace, and gain a span only when placed", () => {
    const text = "model M {}";
    const layer = diagnose.AE0304.layerAfterHeads();
    expect(layer.help).toBe("layers form the trunk that every head reads; write them before the first head");
    expect(layer.span).toBeUndefined();
    const placed = at(layer, spanAt(text, 6, 7), { help: "another hint" });
    expect(placed).toMatchObject({ code: "AE0304", span: { line: 1, column: 7 }, help: "another hint" });
  });

  it("turn a code, a message or arguments the catalogue does not have into compile errors (`npm run typecheck`)", () => {
    // Never called: the compile errors the lines below must raise are the test.
    const typos = () => [
      // @ts-expect-error AE0000 is not in the catalogue
      diagnose.AE0000,
      // @ts-expect-error AE0402 has no message `gaussianSupport`
      diagnose.AE0402.gaussianSupport,
      // @ts-expect-error bernoulliSupport needs the density, the variable and its support
      diagnose.AE0402.bernoulliSupport({ variable: "x" }),
      // @ts-expect-error the density is a posterior or a likelihood
      diagnose.AE0402.bernoulliSupport({ density: "prior", variable: "x", support: "real" }),
      // @ts-expect-error a Code is a catalogued code
      ((code: Code) => code)("AE0000"),
      // @ts-expect-error a diagnostic cannot be written by hand, so neither can its severity
      ((d: Diagnostic) => d)({ code: "AE0402", severity: "warning", message: "made up" }),
    ];
    expect(typeof typos).toBe("function");
  });
});

describe("diagnostics without a span", () => {
  it("render as a header with their help and note, as the CLI has always printed them", () => {
    expect(renderDiagnostic(diagnose.AE0904.occupied("runs/vae"))).toBe(
      "error[AE0904]: `runs/vae` already holds a run\n  = help: pass --resume to continue it, or choose another --out; nothing was overwritten",
    );
    expect(renderDiagnostic({ ...diagnose.AE0999.internal("disk on fire"), note: "set AEC_DEBUG=1 to print the stack trace" })).toBe(
      "error[AE0999]: internal compiler error: disk on fire\n" +
        "  = help: this is a bug in aespec, not in your spec; please file an issue with the spec and the command you ran\n" +
        "  = note: set AEC_DEBUG=1 to print the stack trace",
    );
  });

  it("thrown as a DiagnosticError, render with the source diagnostics behind them", () => {
    const source = { name: "bad.aespec", text: "model M {\n  latent z: real[2]\n  latent z: real[2]\n}\n" };
    const second = source.text.lastIndexOf("z:");
    const twice = at(diagnose.AE0201.declaredTwice({ what: "variable", name: "z" }), spanAt(source.text, second, second + 1));
    const error = new DiagnosticError(diagnose.AE0905.doesNotCheck("bad.aespec"), { diagnostics: [twice], source });
    expect(error.message).toBe("`bad.aespec` does not check");
    expect(renderError(error)).toBe(
      "error[AE0905]: `bad.aespec` does not check\n" +
        "error[AE0201]: variable `z` is declared twice\n" +
        " --> bad.aespec:3:10\n" +
        "  |\n" +
        "3 |   latent z: real[2]\n" +
        "  |          ^",
    );
  });
});
