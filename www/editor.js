// The small popover that edits one weight or bias: type a value (Enter applies, Escape
// cancels) or drag the scrub handle up and down to change it continuously. It knows nothing
// about networks: it reports values through callbacks and the element applies them.

const LIMIT = 1000; // larger magnitudes saturate every unit and only hide the picture

/** Clamps an edited value to what the popover allows. */
export function clampValue(v) {
  return Math.max(-LIMIT, Math.min(LIMIT, v));
}

/** A value shown in the input: enough digits to be exact to the eye, no exponent. */
export function editText(v) {
  if (v === 0) return "0";
  const text = String(Number(v.toPrecision(6)));
  return text.includes("e") ? v.toFixed(6) : text;
}

export class Editor {
  /**
   * @param container a positioned element the popover is placed in (CSS px coordinates)
   * @param callbacks `onInput(value)`: live value while typing or dragging; `onCommit(value)`:
   *   Enter, or a click elsewhere; `onCancel(original)`: Escape.
   */
  constructor(container, { onInput, onCommit, onCancel }) {
    this.container = container;
    this.onInput = onInput;
    this.onCommit = onCommit;
    this.onCancel = onCancel;
    this.original = 0;
    this.value = 0;
    this.returnFocus = null;
    this.drag = null;

    const root = document.createElement("div");
    root.className = "editor";
    root.setAttribute("role", "dialog");
    root.hidden = true;

    const title = document.createElement("div");
    title.className = "editor-title";
    const row = document.createElement("div");
    row.className = "editor-row";
    const input = document.createElement("input");
    input.type = "number";
    input.step = "any";
    input.className = "editor-input";
    input.setAttribute("inputmode", "decimal");
    const scrub = document.createElement("div");
    scrub.className = "editor-scrub";
    scrub.tabIndex = 0;
    scrub.setAttribute("role", "slider");
    scrub.setAttribute("aria-orientation", "vertical");
    scrub.setAttribute("aria-valuemin", String(-LIMIT));
    scrub.setAttribute("aria-valuemax", String(LIMIT));
    scrub.title = "Drag up or down to change the value (Shift: finer)";
    const grip = document.createElement("span");
    grip.className = "editor-grip";
    grip.setAttribute("aria-hidden", "true");
    grip.textContent = "↕";
    scrub.append(grip);
    row.append(input, scrub);
    const hint = document.createElement("div");
    hint.className = "editor-hint";
    hint.textContent = "Enter applies · Esc cancels · drag ↕ to scrub";
    root.append(title, row, hint);
    container.append(root);

    this.root = root;
    this.title = title;
    this.input = input;
    this.scrub = scrub;

    input.addEventListener("input", () => {
      const v = Number(input.value);
      if (input.value.trim() !== "" && Number.isFinite(v)) this._set(clampValue(v), false);
    });
    root.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        e.stopPropagation();
        this.commit();
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        this.cancel();
      } else if (e.target === scrub && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        e.preventDefault();
        e.stopPropagation();
        const step = e.shiftKey ? 0.001 : 0.01;
        this._set(clampValue(this.value + (e.key === "ArrowUp" ? step : -step)), true);
      }
      // Keys typed here must not reach the page's shortcuts.
      e.stopPropagation();
    });
    scrub.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      scrub.setPointerCapture(e.pointerId);
      this.drag = { y: e.clientY, value: this.value, id: e.pointerId };
      scrub.classList.add("dragging");
    });
    scrub.addEventListener("pointermove", (e) => {
      const d = this.drag;
      if (!d || d.id !== e.pointerId) return;
      // Up is larger. The step grows with the value so small and large weights both scrub well.
      const perPixel = (e.shiftKey ? 0.1 : 1) * Math.max(0.005, Math.abs(d.value) * 0.01);
      this._set(clampValue(d.value + (d.y - e.clientY) * perPixel), true);
    });
    const endDrag = (e) => {
      if (!this.drag || this.drag.id !== e.pointerId) return;
      this.drag = null;
      scrub.classList.remove("dragging");
      this.input.focus();
    };
    scrub.addEventListener("pointerup", endDrag);
    scrub.addEventListener("pointercancel", endDrag);
    // A press anywhere else in the element applies the value and closes the popover.
    this._outside = (e) => {
      if (!this.isOpen) return;
      if (e.composedPath().includes(root)) return;
      this.commit({ restoreFocus: false });
    };
  }

  get isOpen() {
    return !this.root.hidden;
  }

  /**
   * Opens at (x, y) in the container's CSS px, for a parameter called `label` (e.g. "w[2]₀,₁"),
   * holding `value`. `returnFocus` gets the focus back when the popover closes.
   */
  open({ x, y, label, name, value, returnFocus }) {
    this.original = value;
    this.value = value;
    this.returnFocus = returnFocus ?? null;
    this.title.textContent = label;
    this.root.setAttribute("aria-label", `Edit ${name}`);
    this.input.setAttribute("aria-label", `Value of ${name}`);
    this.scrub.setAttribute("aria-label", `Scrub ${name}`);
    this.input.value = editText(value);
    this._syncSlider();
    this.root.hidden = false;
    this._place(x, y);
    this.container.getRootNode().addEventListener("pointerdown", this._outside, true);
    this.input.focus();
    this.input.select();
  }

  /** Moves the open popover to a new anchor (after a resize). */
  _place(x, y) {
    const cw = this.container.clientWidth;
    const ch = this.container.clientHeight;
    const w = this.root.offsetWidth || 200;
    const h = this.root.offsetHeight || 90;
    let left = x + 14;
    let top = y - h / 2;
    if (left + w > cw - 4) left = x - w - 14;
    left = Math.max(4, Math.min(cw - w - 4, left));
    top = Math.max(4, Math.min(ch - h - 4, top));
    this.root.style.left = `${left}px`;
    this.root.style.top = `${top}px`;
  }

  commit({ restoreFocus = true } = {}) {
    if (!this.isOpen) return;
    const v = Number(this.input.value);
    if (this.input.value.trim() !== "" && Number.isFinite(v)) this.value = clampValue(v);
    this._close(restoreFocus);
    this.onCommit(this.value);
  }

  cancel() {
    if (!this.isOpen) return;
    this._close(true);
    this.onCancel(this.original);
  }

  /** Closes without applying or reverting anything (the network was rebuilt). */
  dismiss() {
    if (this.isOpen) this._close(false);
  }

  _close(restoreFocus) {
    this.root.hidden = true;
    this.drag = null;
    this.container.getRootNode().removeEventListener("pointerdown", this._outside, true);
    if (restoreFocus && this.returnFocus) this.returnFocus.focus();
  }

  _set(v, updateInput) {
    this.value = v;
    if (updateInput) this.input.value = editText(v);
    this._syncSlider();
    this.onInput(v);
  }

  _syncSlider() {
    this.scrub.setAttribute("aria-valuenow", String(this.value));
    this.scrub.setAttribute("aria-valuetext", editText(this.value));
  }
}
