import "../../shared/wasmBackend.js";
import type { Diagnostic } from "../../../src/diagnostics/diagnostic.js";
import type { BackendChoice } from "../../../src/runtime/index.js";
import { compileSpec, type Compiled } from "./compile.js";
import { createEditor, moveTo, replaceText, showDiagnostics } from "./editor.js";
import { PageTraining } from "./training.js";

// Every spec of the repository, bundled as text, to start from.
const examples = Object.fromEntries(
  Object.entries(import.meta.glob("../../../specs/*.aespec", { query: "?raw", import: "default", eager: true }) as Record<string, string>).map(([path, text]) => [
    path.replace(/^.*\/(.*)\.aespec$/, "$1"),
    text,
  ]),
);

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const exampleSelect = element<HTMLSelectElement>("example");
const trainButton = element<HTMLButtonElement>("train");
const stopButton = element<HTMLButtonElement>("stop");
const downloadButton = element<HTMLButtonElement>("download");
const status = element<HTMLParagraphElement>("training-status");
const samples = element<HTMLImageElement>("samples");

let compiled: Compiled = compileSpec("");
let training: PageTraining | undefined;

function listDiagnostics(diagnostics: readonly Diagnostic[]): void {
  const list = element<HTMLOListElement>("diagnostics");
  list.replaceChildren();
  if (diagnostics.length === 0) {
    const ok = document.createElement("li");
    ok.className = "ok";
    ok.textContent = `no problems: model ${compiled.ir?.model ?? ""} is ready to train`;
    list.append(ok);
  }
  for (const d of diagnostics) {
    const item = document.createElement("li");
    item.className = d.severity;
    const where = d.span ? `line ${d.span.line}, column ${d.span.column}` : "file";
    item.textContent = `${where}: ${d.severity}[${d.code}] ${d.message}${d.help ? ` (help: ${d.help})` : ""}`;
    if (d.span) {
      item.dataset.line = String(d.span.line);
      const offset = d.span.start;
      item.addEventListener("click", () => moveTo(editor, offset));
    }
    list.append(item);
  }
}

function refresh(text: string): void {
  compiled = compileSpec(text);
  showDiagnostics(editor, compiled.check.diagnostics);
  listDiagnostics(compiled.check.diagnostics);
  const ir = compiled.ir;
  // The graph is our own SVG: every name from the spec is escaped in it (tests/injection.test.ts).
  if (compiled.graphSvg) element("graph").innerHTML = compiled.graphSvg;
  element("summary").textContent = ir
    ? `model ${ir.model}: ${ir.networks.map((n) => n.name).join(", ")}; phases ${ir.phases.map((p) => p.name).join(", ")}`
    : "the spec has errors; the graph shows the last model that checked";
  trainButton.disabled = !ir || (training !== undefined && !stopButton.disabled);
}

let pending: ReturnType<typeof setTimeout> | undefined;
const editor = createEditor(element("editor"), "", (text) => {
  clearTimeout(pending);
  pending = setTimeout(() => refresh(text), 150);
});

for (const name of Object.keys(examples).sort()) exampleSelect.append(new Option(name, name, name === "vae", name === "vae"));
exampleSelect.addEventListener("change", () => {
  replaceText(editor, examples[exampleSelect.value] ?? "");
  refresh(editor.state.doc.toString());
});
replaceText(editor, examples.vae ?? "");
refresh(editor.state.doc.toString());

function numberInput(id: string): number | undefined {
  const value = element<HTMLInputElement>(id).valueAsNumber;
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

let pictureUrl: string | undefined;
trainButton.addEventListener("click", async () => {
  const ir = compiled.ir;
  if (!ir) return;
  training?.dispose();
  const run = new PageTraining();
  training = run;
  trainButton.disabled = true;
  stopButton.disabled = false;
  downloadButton.disabled = true;
  status.className = "";
  const backend = (element<HTMLSelectElement>("backend").value || undefined) as BackendChoice | undefined;
  const batch = numberInput("batch");
  try {
    await run.run(ir, { examples: numberInput("examples") ?? 10000, ...(backend ? { backend } : {}), ...(batch ? { batch } : {}) }, {
      status: (text, kind) => {
        status.textContent = text;
        status.className = kind ?? "";
      },
      chart: (svg) => {
        element("chart").innerHTML = svg;
      },
      picture: (png, caption) => {
        if (pictureUrl) URL.revokeObjectURL(pictureUrl);
        pictureUrl = URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: "image/png" }));
        samples.src = pictureUrl;
        samples.hidden = false;
        element("samples-caption").textContent = caption;
      },
      progress: (first, latest, steps) => {
        Object.assign(status.dataset, { firstLoss: first.toFixed(4), latestLoss: latest.toFixed(4), steps: String(steps) });
      },
    });
    downloadButton.disabled = false;
  } catch (error) {
    status.textContent = `training failed: ${error instanceof Error ? error.message : String(error)}`;
    status.className = "error";
  } finally {
    stopButton.disabled = true;
    trainButton.disabled = !compiled.ir;
  }
});
stopButton.addEventListener("click", () => training?.stop());
downloadButton.addEventListener("click", () => {
  training?.download(compiled.ir?.model.toLowerCase() ?? "model").catch((error) => {
    status.textContent = `download failed: ${error instanceof Error ? error.message : String(error)}`;
    status.className = "error";
  });
});
