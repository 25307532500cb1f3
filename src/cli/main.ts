import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { BackendChoice } from "../runtime/backend.js";
import { parseSampler, type SamplerChoice } from "../runner/posthocSampler.js";
import { evalCommand, sampleCommand, trainCommand, type TrainFlags } from "./commands/train.js";
import { diagnose, explain } from "../diagnostics/catalog.js";
import { DiagnosticError } from "../diagnostics/error.js";
import { renderDiagnostic, renderError } from "../diagnostics/render.js";
import { checkCommand } from "./commands/check.js";
import { compileCommand, type DumpStage, dumpStage, type Target } from "./commands/compile.js";
import { graphCommand } from "./commands/graph.js";
import type { GraphFormat } from "../graph/index.js";
import { fmtCommand } from "./commands/fmt.js";
import { ExitCode, type CliIO, processIO } from "./io.js";

/**
 * `aec`: every command returns an exit code instead of exiting, so the whole CLI runs
 * in-process in tests. 0 ok · 1 diagnostics · 2 usage · 3 internal error.
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command("aec")
    .description("aespec compiler: declarative specs of the autoencoder family, compiled to TensorFlow.js")
    .version("0.1.0", "-V, --version", "print the version")
    .helpOption("-h, --help", "show help for aec or for one command")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText("after", `
Exit codes: 0 success, 1 diagnostics (errors in a spec or its inputs), 2 usage, 3 internal error,
130 training interrupted by Ctrl-C (a checkpoint was saved; continue with --resume).
Run \`aec <command> --help\` for a command's flags, and \`aec explain CODE\` for any diagnostic code.`);

  const act = (run: () => Promise<number> | number) => async () => {
    exitCode = await run();
  };

  program
    .command("check")
    .description("parse and check specs, reporting every problem found")
    .argument("<paths...>", ".aespec files, or folders searched for them")
    .option("--json", "print diagnostics as JSON instead of for people")
    .option("--lint", "also report modelling advice (off by default)")
    .action((paths: string[], options: { json?: boolean; lint?: boolean }) => act(() => checkCommand(paths, options, io))());

  program
    .command("fmt")
    .description("rewrite specs in the canonical layout, keeping every comment")
    .argument("<paths...>", ".aespec files, or folders searched for them")
    .option("--check", "write nothing; list files that are not formatted and exit 1 if any")
    .option("--stdout", "print the formatted text instead of rewriting the files")
    .action((paths: string[], options: { check?: boolean; stdout?: boolean }) => act(() => fmtCommand(paths, options, io))());

  program
    .command("compile")
    .description("compile specs to modules (one per model): TypeScript for TensorFlow.js, or Python for PyTorch (--target torch)")
    .argument("<paths...>", ".aespec files, or folders searched for them")
    .option("--out <dir>", "folder for the generated modules", "generated")
    .addOption(new Option("--target <engine>", "tfjs: a TypeScript module and its loss graph; torch: a Python module for the aespec_torch runtime").choices(["tfjs", "torch"]).default("tfjs"))
    .option("--check", "write nothing; list modules whose content would change and exit 1 if any")
    .addOption(new Option("--dump <stage>", "print a stage as JSON instead: tokens, ast or ir (the model IR, schema-validated)").choices(["tokens", "ast", "ir"]))
    .action((paths: string[], options: { out: string; target: Target; check?: boolean; dump?: DumpStage }) =>
      act(() => (options.dump ? dumpStage(options.dump, paths, io) : compileCommand(paths, options, io)))(),
    );

  const positiveInteger = (name: string) => (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
    return n;
  };
  const wholeNumber = (name: string) => (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${2 ** 32 - 1}`);
    return n;
  };
  const backendOption = () => new Option("--backend <name>", "the TensorFlow.js backend (default: tfjs-node if installed, else wasm, else cpu)").choices(["node", "wasm", "cpu"]);

  program
    .command("train")
    .description("train a spec on data, with progress, checkpoints, pictures and test figures")
    .argument("<spec>", "the .aespec file (one model)")
    .option("--data <source>", "mnist (the bundled MNIST, the default), a folder of IDX files, a .csv file or a folder of PNG images")
    .option("--model <name>", "the model to train, for a spec that declares several")
    .option("--epochs <n>", "epochs to train (default: the spec's)", positiveInteger("--epochs"))
    .option("--batch <n>", "examples per step (default: the spec's)", positiveInteger("--batch"))
    .option("--limit <n>", "use only the first n training (and test) examples", positiveInteger("--limit"))
    .option("--labels <n>", "how many training labels are known, for labelled(N) variables", positiveInteger("--labels"))
    .option("--out <dir>", "the run folder (default: runs/<spec name>)")
    .option("--seed <s>", "seed for weights, sampling and shuffling (default 1; any whole number from 0)", wholeNumber("--seed"))
    .addOption(backendOption())
    .option("--resume", "continue the run in --out from its last checkpoint, with the run's own settings")
    .option("--workers <n>", "data-parallel replicas, each on its own thread and backend", positiveInteger("--workers"), 1)
    .addOption(new Option("--engine <engine>", "tfjs (TensorFlow.js, the default) or torch (PyTorch through python/aespec_torch: a Python with torch ≥ 1.13)").choices(["tfjs", "torch"]))
    .option("--nproc <n>", "with --engine torch: data-parallel PyTorch processes on this machine", positiveInteger("--nproc"))
    .addOption(new Option("--device <device>", "with --engine torch: cpu, cuda or auto").choices(["cpu", "cuda", "auto"]))
    .option("--start-from <run>", "with --engine torch: start from another run's newest checkpoint (either engine's weights and optimizer state)")
    .option("--k <k>", "importance samples for the final −log p(x) of VAE-family models", positiveInteger("--k"), 100)
    .action((spec: string, flags: TrainFlags) => act(() => trainCommand(spec, flags, io))());

  program
    .command("eval")
    .description("evaluate a saved run on its test data: every loss term, −ELBO, importance-sampled NLL, classification error")
    .argument("<run>", "a run folder written by aec train")
    .option("--k <k>", "importance samples per example for −log p(x)", positiveInteger("--k"), 100)
    .addOption(backendOption())
    .action((run: string, flags: { k: number; backend?: BackendChoice }) => act(() => evalCommand(run, flags, io))());

  program
    .command("sample")
    .description("draw samples from a saved run's prior: a PNG grid for image models, or CSV/JSON (by the output's extension)")
    .argument("<run>", "a run folder written by aec train")
    .option("-n <n>", "how many samples", positiveInteger("-n"), 64)
    .option("--label <class>", "the class to sample, for conditional models", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("--label must be a class number (0, 1, …)");
      return n;
    })
    .option("-o, --output <file>", "where to write: .png, .csv or .json (default: RUN/sample.png, or RUN/sample.csv for data that is not an image)")
    .option("--sampler <sampler>", "where the codes come from: `prior`, or `gmm(K)`, a K-component full-covariance Gaussian mixture fitted by EM to the training codes (kept as RUN/sampler-gmm-K.json)", (v: string) => {
      const sampler = parseSampler(v);
      if (!sampler) throw new InvalidArgumentError("--sampler must be `prior`, `gmm` or `gmm(K)` with K a whole number from 1 to 9999");
      return sampler;
    })
    .addOption(backendOption())
    .action((run: string, flags: { n: number; label?: number; output?: string; sampler?: SamplerChoice; backend?: BackendChoice }) => act(() => sampleCommand(run, flags, io))());

  program
    .command("graph")
    .description("draw a model and its loss graph: variables, networks, distributions, sampling, loss terms and phases")
    .argument("<spec>", "one .aespec file")
    .addOption(new Option("--format <format>", "dot (Graphviz), mermaid, svg (laid out here, self-contained) or json").choices(["dot", "mermaid", "svg", "json"]).default("svg"))
    .option("-o, --output <file>", "write to this file instead of standard output")
    .option("--phase <name>", "show one training phase and what feeds it")
    .action((spec: string, flags: { format: GraphFormat; output?: string; phase?: string }) => act(() => graphCommand(spec, flags, io))());

  program
    .command("explain")
    .description("explain a diagnostic code, with an example of the mistake and its fix")
    .argument("<code>", "a code such as AE0102")
    .action((code: string) =>
      act(() => {
        const text = explain(code);
        if (!text) {
          io.stderr(`${renderDiagnostic(diagnose.AE0910.unknownCode(code))}\n`);
          return ExitCode.usage;
        }
        io.stdout(`${text}\n`);
        return ExitCode.ok;
      })(),
    );

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; everything else commander rejects is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    // A command that cannot go on throws its diagnostic (a run folder in use, an unknown phase).
    if (error instanceof DiagnosticError) {
      io.stderr(`${renderError(error)}\n`);
      return ExitCode.diagnostics;
    }
    return reportInternalError(error, io);
  }
}

export function reportInternalError(error: unknown, io: CliIO): number {
  const internal = diagnose.AE0999.internal(error instanceof Error ? error.message : String(error));
  const stack = process.env.AEC_DEBUG && error instanceof Error ? error.stack : undefined;
  io.stderr(stack ? `${renderDiagnostic(internal)}\n${stack}\n` : `${renderDiagnostic({ ...internal, note: "set AEC_DEBUG=1 to print the stack trace" })}\n`);
  return ExitCode.internal;
}

export { Option };
