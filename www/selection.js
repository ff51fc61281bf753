// Which parameter or neuron a figure has selected, and editing its value. One job: keep the
// selection (the state's `inspect` key), the diagram's highlight, the inspector, the status
// line a screen reader hears, and the value editor in agreement.
//
// `fig` is the element: its `state`, `session` (the drawn snapshot's views, and
// setParameter), `frame` (what the diagram draws), `diagram`, `inspector`, `editor`,
// `layout`, `loop`, `messages`, and `applyPatch(patch)`, `pause()`.

import { sameSelection, selectionFits, describeSelection, formatNumber } from "./state.js";

export class Selection {
  constructor(fig) {
    this.fig = fig;
    this.editing = null; // the weight or bias the editor is open on
  }

  /** Selects `sel` (null: none) through the state, so the URL and controls follow. */
  select(sel) {
    const fig = this.fig;
    if (sameSelection(sel, fig.state.inspect)) {
      this.show(sel);
      return;
    }
    fig.applyPatch({ inspect: sel ? { ...sel } : null });
  }

  /** Shows `sel` (when it fits the network) in the diagram, the inspector and the status line. */
  show(sel) {
    const fig = this.fig;
    const fits = sel && selectionFits(sel, fig.state.layers) ? sel : null;
    fig.frame.selection = fits;
    if (!fits) fig.frame.highlight = null;
    fig.layout.inspectorHost.hidden = !fits;
    fig.inspector.show(fits);
    const status = fig.layout.selectionStatus;
    if (fits && fig.session?.info) {
      const { name } = describeSelection(fits, fig.state);
      const v = this.value(fits);
      status.textContent = v === null ? `Selected ${name}.` : `Selected ${name} = ${formatNumber(v)}.`;
    } else {
      status.textContent = "";
    }
    fig.loop.invalidate();
  }

  /** The diagram's keys: arrows move the selection, Enter edits it, Escape clears it. */
  onDiagramKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const fig = this.fig;
    const current = fig.state.inspect;
    if (e.key.startsWith("Arrow")) {
      e.preventDefault();
      e.stopPropagation();
      this.select(fig.diagram.next(current, e.key));
    } else if (e.key === "Enter" && current) {
      e.preventDefault();
      e.stopPropagation();
      this.openEditor(current);
    } else if (e.key === "Escape" && current) {
      e.preventDefault();
      this.select(null);
    }
  }

  /** The drawn value of a weight or bias selection; null for a neuron. */
  value(sel) {
    const v = this.fig.session.views;
    if (sel.kind === "w") return v.weights[v.weightIndex(sel.l, sel.j, sel.k)];
    if (sel.kind === "b") return v.biases[v.biasIndex(sel.l, sel.j)];
    return null;
  }

  /** Opens the editor on a weight or bias; a neuron's editable number is its bias. Pauses. */
  openEditor(sel) {
    const fig = this.fig;
    if (!sel || !fig.session?.info) return;
    const target = sel.kind === "n" ? (sel.L > 0 ? { kind: "b", l: sel.L - 1, j: sel.j } : null) : sel;
    if (!target) return;
    if (!sameSelection(target, fig.state.inspect)) this.select(target);
    if (fig.loop.playing) fig.pause();
    this.editing = { ...target };
    const { label, name } = describeSelection(target, fig.state);
    const anchor = fig.layout.inDiagramArea(fig.diagram.anchor(this.editing));
    fig.editor.open({ ...anchor, label, name, value: this.value(target), returnFocus: fig.layout.diagramCanvas });
  }

  /** Keeps an open editor beside its parameter when the diagram is resized. */
  placeEditor() {
    const fig = this.fig;
    if (!fig.editor.isOpen || !this.editing) return;
    const a = fig.layout.inDiagramArea(fig.diagram.anchor(this.editing));
    fig.editor._place(a.x, a.y);
  }

  /** Sets the edited parameter to `value` in the network; `final` refreshes the status line. */
  setParameter(value, final = false) {
    const fig = this.fig;
    const sel = this.editing;
    if (!sel || !fig.session?.info || !Number.isFinite(value)) return;
    fig.session.setParameter({ ...sel, value }).then(
      () => {
        if (final) this.show(fig.state.inspect);
      },
      (err) => fig.messages.showAlert(`Could not set the value: ${err?.message ?? err}`),
    );
    fig.loop.cancelStep();
  }
}
