import { type Diagnostic as EditorDiagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { RangeSetBuilder } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, ViewPlugin, type ViewUpdate } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { Diagnostic } from "../../../src/diagnostics/diagnostic.js";
import { highlightSpec } from "../../../src/syntax/highlight.js";

/** Colours tokens with the compiler's own lexer, so the editor and `aec` always agree. */
const highlighting = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = decorate(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged) this.decorations = decorate(update.view);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

const marks = new Map<string, Decoration>();
function mark(kind: string): Decoration {
  let m = marks.get(kind);
  if (!m) marks.set(kind, (m = Decoration.mark({ class: `tok-${kind}` })));
  return m;
}

function decorate(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  for (const span of highlightSpec(view.state.doc.toString())) {
    if (span.end > span.start && span.kind !== "identifier" && span.kind !== "punctuation") builder.add(span.start, span.end, mark(span.kind));
  }
  return builder.finish();
}

/** The spec editor; `onChange` hears every edit (the caller debounces). */
export function createEditor(parent: HTMLElement, text: string, onChange: (text: string) => void): EditorView {
  return new EditorView({
    parent,
    doc: text,
    extensions: [
      basicSetup,
      EditorView.lineWrapping,
      highlighting,
      lintGutter(),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
      }),
    ],
  });
}

/** Shows the compiler's diagnostics at their spans (underline, gutter marker, hover message). */
export function showDiagnostics(view: EditorView, diagnostics: readonly Diagnostic[]): void {
  const length = view.state.doc.length;
  const marked: EditorDiagnostic[] = diagnostics
    .filter((d) => d.span)
    .map((d) => {
      const from = Math.min(d.span!.start, length);
      // An empty span (say, at the end of the file) still gets one character to underline.
      const to = Math.min(Math.max(d.span!.end, from + 1), length);
      return { from: Math.max(0, Math.min(from, to - 1)), to, severity: d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "info", source: d.code, message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message };
    });
  view.dispatch(setDiagnostics(view.state, marked));
}

export function replaceText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

export function moveTo(view: EditorView, offset: number): void {
  view.dispatch({ selection: { anchor: Math.min(offset, view.state.doc.length) }, scrollIntoView: true });
  view.focus();
}
