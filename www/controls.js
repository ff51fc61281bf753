// The control panel: DOM events in, state changes out, no drawing.
//
// Controls are built from the schema in state.js (labels, allowed values) and report
// changes as patches, `{ key: value, ... }`, through `onChange`; buttons report actions
// (play, step, reset, regenerate, layer and neuron changes) through `onAction`. `update(state)`
// puts a state's values back into the controls. Which controls exist is chosen by the
// element's `controls` attribute ("all", "none" or a comma list of the names in CONTROL_NAMES).

import { FIELDS, FEATURES, LIMITS, TASK_RULES, formatNumber, lossAllowed, taskOf, SPEEDS } from "./state.js";

/** Control names for the `controls` attribute. */
export const CONTROL_NAMES = [
  "play", "step", "reset", "speed", "step-mode",
  "dataset", "noise", "train-ratio", "show-test", "seed",
  "features", "layers", "activation", "output", "loss",
  "learning-rate", "batch-size", "optimizer", "regularization", "regularization-rate",
  "view", "share",
];

/**
 * Parses the `controls` attribute. Returns `{ names: Set, error }`; an unknown name is
 * reported and skipped.
 */
export function parseControls(text) {
  if (text === null || text === undefined) return { names: new Set(CONTROL_NAMES), error: null };
  const t = String(text).trim();
  if (t === "" || t === "all") return { names: new Set(CONTROL_NAMES), error: null };
  if (t === "none") return { names: new Set(), error: null };
  const names = new Set();
  const unknown = [];
  for (const raw of t.split(",")) {
    const n = raw.trim();
    if (n === "") continue;
    if (n === "all") CONTROL_NAMES.forEach((c) => names.add(c));
    else if (CONTROL_NAMES.includes(n)) names.add(n);
    else unknown.push(n.length > 30 ? n.slice(0, 30) + "…" : n);
  }
  if (names.has("regularization")) names.add("regularization-rate");
  if (names.has("output")) names.add("loss");
  const error = unknown.length
    ? `controls: unknown ${unknown.length === 1 ? "name" : "names"} ${unknown.map((u) => `"${u}"`).join(", ")}; allowed: all, none, or a comma list of ${CONTROL_NAMES.join(", ")}.`
    : null;
  return { names, error };
}

// ---- small DOM helpers ------------------------------------------------------------------

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const SVG = "http://www.w3.org/2000/svg";
/** Icons as SVG paths on a 16 x 16 box. */
const ICONS = {
  play: "M4 2.5v11l9-5.5z",
  pause: "M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z",
  step: "M3 2.5v11l7.5-5.5zM11.5 2.5h2v11h-2z",
  reset: "M8 2.5a5.5 5.5 0 1 0 5.2 7.3l-1.9-.6A3.5 3.5 0 1 1 8 4.5c1 0 1.9.4 2.5 1.1L8.5 7.5H14V2l-2 2A5.5 5.5 0 0 0 8 2.5z",
  dice: "M3 2h10a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm2 2.2a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4zm6 0a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4zM8 6.8a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4zm-3 2.6a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4zm6 0a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4z",
  plus: "M7 3h2v4h4v2H9v4H7V9H3V7h4z",
  minus: "M3 7h10v2H3z",
};

function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

function button(className, iconName, text, ariaLabel) {
  const b = el("button", className);
  b.type = "button";
  if (iconName) b.append(icon(iconName));
  if (text) b.append(el("span", "btn-text", text));
  if (ariaLabel) b.setAttribute("aria-label", ariaLabel);
  return b;
}

/** A labelled field: `<label class="field"><span>Label</span>control</label>`. */
function field(labelText, control, extra, className = "field") {
  const label = el("label", className);
  const caption = el("span", "field-label", labelText);
  label.append(caption, control);
  if (extra) label.append(extra);
  return label;
}

function option(value, text) {
  const o = el("option", "", text);
  o.value = value;
  return o;
}

// ---- the panel ------------------------------------------------------------------------------

export class Controls {
  /**
   * @param parts containers: `toolbar` (transport, speed, step mode), `trainingBar` (network
   *   and training settings), `panel` (data and features), `viewBar` (above the diagram),
   *   `layerBar` (the per-layer neuron buttons), `outputBar` (above the output view)
   * @param callbacks `onChange(patch)`, `onAction(name, argument)`
   * @param names the controls to build (a Set of CONTROL_NAMES)
   */
  constructor(parts, { onChange, onAction }, names) {
    this.parts = parts;
    this.onChange = onChange;
    this.onAction = onAction;
    this.names = names;
    this.inputs = new Map(); // state key -> control element
    this.valueText = new Map(); // state key -> <output> showing a range's value
    this.layerSizes = [];
    this._buildToolbar();
    this._buildPanel();
    this._buildViewBar();
    this._buildOutputBar();
  }

  has(name) {
    return this.names.has(name);
  }

  /** Whether the settings column has anything in it. */
  get hasPanel() {
    return this.parts.panel.childElementCount > 0;
  }

  // ---- toolbar --------------------------------------------------------------------------------

  _buildToolbar() {
    const bar = this.parts.toolbar;
    const group = el("div", "tool-group transport");
    if (this.has("play")) {
      this.playButton = button("btn btn-primary play", "play", "Play");
      this.playButton.setAttribute("aria-keyshortcuts", "Space");
      this.playButton.addEventListener("click", () => this.onAction("toggle"));
      group.append(this.playButton);
    }
    if (this.has("step")) {
      this.stepButton = button("btn step", "step", "Step");
      this.stepButton.setAttribute("aria-keyshortcuts", "ArrowRight");
      this.stepButton.title = "Step (→): one phase of a training step";
      this.stepButton.addEventListener("click", () => this.onAction("step"));
      group.append(this.stepButton);
    }
    if (this.has("reset")) {
      this.resetButton = button("btn reset", "reset", "Reset");
      this.resetButton.setAttribute("aria-keyshortcuts", "R");
      this.resetButton.title = "Reset (R): the same network and data at step 0";
      this.resetButton.addEventListener("click", () => this.onAction("reset"));
      group.append(this.resetButton);
    }
    if (group.childElementCount) bar.append(group);

    const settings = el("div", "tool-group tool-settings");
    if (this.has("speed")) {
      const f = FIELDS.get("speed");
      const select = el("select", "select");
      const animated = el("optgroup");
      animated.label = "Animated: forward, backward, update";
      const flow = el("optgroup");
      flow.label = "Steady flow";
      for (const s of SPEEDS) (s.seconds ? animated : flow).append(option(s.id, s.label));
      select.append(animated, flow);
      select.addEventListener("change", () => this.onChange({ speed: select.value }));
      this.inputs.set("speed", select);
      settings.append(field(f.label, select, undefined, "field field-inline"));
    }
    if (this.has("step-mode")) {
      const by = el("select", "select");
      by.append(option("phase", "one phase"), option("step", "a whole step"));
      by.addEventListener("change", () => this.onAction("step-by", by.value));
      this.stepBySelect = by;
      settings.append(field("Step runs", by, undefined, "field field-inline"));
      const forSel = el("select", "select");
      forSel.append(option("batch", "the batch"), option("example", "the selected point"));
      forSel.addEventListener("change", () => this.onAction("step-for", forSel.value));
      this.stepForSelect = forSel;
      settings.append(field("on", forSel, undefined, "field field-inline"));
    }
    if (settings.childElementCount) bar.append(settings);

    this.phase = el("output", "phase");
    this.phase.setAttribute("aria-live", "polite");
    this.phase.setAttribute("aria-label", "Training phase");
    if (this.has("step") || this.has("play")) bar.append(this.phase);
  }

  // ---- the settings column ----------------------------------------------------------------

  _section(title) {
    const s = el("section", "group");
    const h = el("h3", "group-title", title);
    s.append(h);
    return s;
  }

  _select(key, { suggested = null, format = (v) => String(v), patch = (v) => ({ [key]: v }) } = {}) {
    const f = FIELDS.get(key);
    const select = el("select", "select");
    if (f.values) for (const v of f.values) select.append(option(v.value, v.label));
    else for (const v of suggested) select.append(option(String(v), format(v)));
    select.addEventListener("change", () => {
      const v = f.values ? select.value : Number(select.value);
      this.onChange(patch(v));
    });
    this.inputs.set(key, select);
    return field(f.label, select);
  }

  _range(key, step) {
    const f = FIELDS.get(key);
    const input = el("input", "range");
    input.type = "range";
    input.min = String(f.min);
    input.max = String(f.max);
    input.step = String(step);
    // A <span>, not an <output>: an output is labelable and would take the label's name.
    const out = el("span", "range-value");
    out.setAttribute("aria-hidden", "true");
    input.addEventListener("input", () => {
      out.textContent = `${input.value}${f.unit ?? ""}`;
    });
    input.addEventListener("change", () => this.onChange({ [key]: Number(input.value) }));
    this.inputs.set(key, input);
    this.valueText.set(key, out);
    const label = field(f.label, input);
    label.querySelector(".field-label").append(out);
    label.classList.add("field-range");
    return label;
  }

  _buildPanel() {
    const panel = this.parts.panel;

    const data = this._section("Data");
    if (this.has("dataset")) {
      data.append(this._select("dataset"));
      this.setCustom(null);
      // Your own points: a CSV file (or drop one on the figure).
      const row = el("div", "file-row");
      const load = this._fileButton("Load CSV…", ".csv,.tsv,.txt,text/csv,text/plain", "load-csv",
        "Train on your own points: a CSV file with columns x1, x2 and a label (0/1, a class, or a number); or drop the file on the figure");
      row.append(load, el("span", "file-hint", "or drop a file here"));
      data.append(row);
    }
    if (this.has("noise")) data.append(this._range("noise", 1));
    if (this.has("train-ratio")) data.append(this._range("train-ratio", 5));
    if (this.has("seed")) {
      const row = el("div", "seed-row");
      const input = el("input", "number");
      input.type = "number";
      input.min = "0";
      input.max = "4294967295";
      input.step = "1";
      input.inputMode = "numeric";
      input.addEventListener("change", () => {
        const v = Number(input.value);
        if (Number.isInteger(v) && v >= 0 && v <= 4294967295) this.onChange({ seed: v });
        else this.update(this.state);
      });
      this.inputs.set("seed", input);
      const regen = button("btn btn-small regenerate", "dice", "New", "Regenerate: new data and weights from a new seed");
      regen.title = "A new seed: new data and new starting weights";
      regen.addEventListener("click", () => this.onAction("regenerate"));
      row.append(field(FIELDS.get("seed").label, input), regen);
      data.append(row);
    }
    if (data.childElementCount > 1) panel.append(data);

    if (this.has("features")) {
      const s = this._section("Input features");
      const list = el("div", "features");
      list.setAttribute("role", "group");
      list.setAttribute("aria-label", "Input features");
      this.featureBoxes = [];
      for (const feat of FEATURES) {
        const box = el("input");
        box.type = "checkbox";
        box.value = feat.id;
        box.addEventListener("change", () => {
          const features = this.featureBoxes.filter((b) => b.checked).map((b) => b.value);
          if (features.length === 0) {
            box.checked = true;
            return;
          }
          this.onChange({ features });
        });
        const label = el("label", "feature");
        label.append(box, el("span", "feature-label", feat.label));
        box.setAttribute("aria-label", `Feature ${feat.name}`);
        this.featureBoxes.push(box);
        list.append(label);
      }
      s.append(list);
      panel.append(s);
    }

    // Network and training settings: one row of labelled selects above everything.
    const bar = this.parts.trainingBar;
    if (this.has("learning-rate")) bar.append(this._select("learning-rate", { suggested: FIELDS.get("learning-rate").suggested, format: formatNumber }));
    if (this.has("activation")) bar.append(this._select("activation"));
    if (this.has("output")) {
      // Cross-entropy needs probabilities: moving off sigmoid switches the loss to squared.
      const patch = (output) =>
        lossAllowed(this.state?.loss ?? "bce", output) ? { output } : { output, loss: "squared" };
      bar.append(this._select("output", { patch }));
    }
    if (this.has("loss")) {
      bar.append(this._select("loss"));
      this.lossNote = el("p", "note");
      this.lossNote.id = "loss-note";
      this.inputs.get("loss").setAttribute("aria-describedby", "loss-note");
    }
    if (this.has("regularization")) bar.append(this._select("regularization"));
    if (this.has("regularization-rate")) bar.append(this._select("regularization-rate", { suggested: FIELDS.get("regularization-rate").suggested, format: formatNumber }));
    if (this.has("batch-size")) bar.append(this._select("batch-size", { suggested: FIELDS.get("batch-size").suggested }));
    if (this.has("optimizer")) bar.append(this._select("optimizer"));
    if (this.lossNote) bar.append(this.lossNote);
  }

  // ---- above the diagram ------------------------------------------------------------------

  _buildViewBar() {
    const bar = this.parts.viewBar;
    if (this.has("view")) {
      const f = FIELDS.get("view");
      const group = el("div", "segmented");
      group.setAttribute("role", "radiogroup");
      group.setAttribute("aria-label", "Show on the edges: weights, gradients or both");
      const caption = el("span", "segmented-label", "Show");
      caption.setAttribute("aria-hidden", "true");
      group.append(caption);
      this.viewRadios = [];
      for (const v of f.values) {
        const label = el("label", "segment");
        const radio = el("input");
        radio.type = "radio";
        radio.name = "view";
        radio.value = v.value;
        radio.addEventListener("change", () => radio.checked && this.onChange({ view: v.value }));
        label.append(radio, el("span", "", v.label));
        this.viewRadios.push(radio);
        group.append(label);
      }
      bar.append(group);
    }
    if (this.has("layers")) {
      const group = el("div", "layer-count");
      this.removeLayerButton = button("btn btn-icon", "minus", "", "Remove a hidden layer");
      this.addLayerButton = button("btn btn-icon", "plus", "", "Add a hidden layer");
      this.layerCountText = el("span", "layer-count-text");
      this.removeLayerButton.addEventListener("click", () => this.onAction("remove-layer"));
      this.addLayerButton.addEventListener("click", () => this.onAction("add-layer"));
      group.append(this.removeLayerButton, this.addLayerButton, this.layerCountText);
      bar.prepend(group);
    }
  }

  /**
   * The class picker above the plot, for multiclass data: which class a click adds. `names`
   * null removes it.
   */
  setClasses(names, colors, brush) {
    this.classPicker?.remove();
    this.classPicker = null;
    if (!names || !this.parts.outputBar) return;
    const group = el("div", "class-picker");
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-label", "Class of the points a click adds");
    group.append(el("span", "class-picker-label", "Add:"));
    names.forEach((name, c) => {
      const label = el("label", "class-choice");
      const radio = el("input");
      radio.type = "radio";
      radio.name = "brush";
      radio.value = String(c);
      radio.checked = c === brush;
      radio.addEventListener("change", () => radio.checked && this.onAction("brush", c));
      const sw = el("span", "class-swatch");
      sw.style.backgroundColor = colors[c % colors.length];
      const text = name === String(c) ? `class ${c}` : name;
      label.title = `Clicks on the plot add points of ${text}`;
      label.append(radio, sw, el("span", "class-name", text.length > 12 ? `${text.slice(0, 11)}…` : text));
      group.append(label);
    });
    this.classPicker = group;
    const toggle = this.parts.outputBar.querySelector(".toggle");
    this.parts.outputBar.insertBefore(group, toggle);
  }

  // A button that opens a file picker and hands the chosen file to onAction(action, file).
  _fileButton(text, accept, action, title) {
    const input = el("input");
    input.type = "file";
    input.accept = accept;
    input.hidden = true;
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      input.value = "";
      if (file) this.onAction(action, file);
    });
    const b = button("btn btn-small", null, text);
    b.title = title;
    b.addEventListener("click", () => input.click());
    const wrap = el("span", "file-button");
    wrap.append(b, input);
    return wrap;
  }

  /** The save/load/link buttons: `link` adds "Copy link" (the page's own figure). */
  buildShare({ link }) {
    if (!this.has("share") || this.shareBox) return;
    const s = this._section("Save and share");
    const row = el("div", "share-row");
    const act = (text, action, title) => {
      const b = button("btn btn-small", null, text);
      b.title = title;
      b.addEventListener("click", () => this.onAction(action));
      return b;
    };
    if (link) row.append(act("Copy link", "copy-link", "A link to this exact network: its settings, weights, points and data"));
    row.append(
      act("Save network", "save-json", "Download the trained network as JSON (the engine's toState() format)"),
      this._fileButton("Load network…", ".json,application/json", "load-json", "Load a network saved as JSON"),
      act("Save picture", "save-png", "Download the diagram and the output as a PNG"),
    );
    s.append(row);
    this.shareBox = s;
    this.parts.panel.append(s);
  }

  _buildOutputBar() {
    if (!this.has("show-test")) return;
    const box = el("input");
    box.type = "checkbox";
    box.addEventListener("change", () => this.onChange({ "show-test": box.checked }));
    this.inputs.set("show-test", box);
    const label = el("label", "toggle");
    label.append(box, el("span", "", FIELDS.get("show-test").label));
    this.parts.outputBar.append(label);
  }

  /**
   * Rebuilds the per-layer neuron buttons for layer sizes `layers`, centred at `xs` (CSS px
   * from the diagram's left edge, one per neuron layer), in a bar `width` wide.
   */
  setLayers(layers, xs) {
    const bar = this.parts.layerBar;
    const same = layers.length === this.layerSizes.length && layers.every((n, i) => n === this.layerSizes[i]);
    if (!same) {
      this.layerSizes = layers.slice();
      bar.replaceChildren();
      this.layerColumns = [];
      layers.forEach((n, L) => {
        const col = el("div", "layer-col");
        if (L > 0 && L < layers.length - 1 && this.has("layers")) {
          const minus = button("btn btn-icon btn-tiny", "minus", "", `Remove a neuron from hidden layer ${L}`);
          const plus = button("btn btn-icon btn-tiny", "plus", "", `Add a neuron to hidden layer ${L}`);
          minus.disabled = n <= LIMITS.minNeurons;
          plus.disabled = n >= LIMITS.maxNeurons;
          minus.title = `Remove a neuron from hidden layer ${L}`;
          plus.title = `Add a neuron to hidden layer ${L}`;
          minus.title += " (Shift: 8)";
          plus.title += " (Shift: 8)";
          minus.addEventListener("click", (e) => this.onAction("remove-neuron", L, e.shiftKey ? 8 : 1));
          plus.addEventListener("click", (e) => this.onAction("add-neuron", L, e.shiftKey ? 8 : 1));
          col.append(minus, plus);
        }
        bar.append(col);
        this.layerColumns.push(col);
      });
      if (this.layerCountText) {
        const hidden = layers.length - 2;
        this.layerCountText.textContent = `${hidden} hidden layer${hidden === 1 ? "" : "s"}`;
        this.removeLayerButton.disabled = hidden <= 0;
        this.addLayerButton.disabled = hidden >= LIMITS.maxHidden;
      }
    }
    if (xs) {
      this.layerColumns.forEach((col, i) => {
        col.style.left = `${xs[i]}px`;
      });
    }
  }

  // ---- state in -------------------------------------------------------------------------------

  /** Puts a state's values into the controls. */
  update(state) {
    this.state = state;
    for (const [key, input] of this.inputs) {
      const f = FIELDS.get(key);
      const v = state[key];
      if (input.type === "checkbox") {
        input.checked = !!v;
      } else if (input.tagName === "SELECT" && !f.values && f.key !== "speed") {
        // Suggested values, plus the state's own value when it is not among them.
        const text = String(v);
        let found = false;
        for (const o of input.options) found ||= o.value === text;
        for (const o of [...input.options]) if (o.dataset.custom && o.value !== text) o.remove();
        if (!found) {
          const o = option(text, f.key === "batch-size" ? text : formatNumber(v));
          o.dataset.custom = "1";
          const after = [...input.options].find((x) => Number(x.value) > v);
          input.insertBefore(o, after ?? null);
        }
        input.value = text;
      } else {
        input.value = String(v);
      }
      const out = this.valueText.get(key);
      if (out) out.textContent = `${v}${f.unit ?? ""}`;
    }
    if (this.featureBoxes) {
      const checked = new Set(state.features);
      for (const b of this.featureBoxes) {
        b.checked = checked.has(b.value);
        b.disabled = checked.size === 1 && b.checked;
      }
    }
    if (this.viewRadios) for (const r of this.viewRadios) r.checked = r.value === state.view;
    // Loaded data has no noise to add: its points are what the file says.
    const noise = this.inputs.get("noise");
    if (noise) {
      noise.disabled = state.dataset === "custom";
      noise.title = noise.disabled ? "Loaded data is used as it is, without added noise" : "";
    }
    // The outputs and losses the data's task allows; the others are offered but disabled.
    const rules = TASK_RULES[taskOf(state, this.customInfo).task];
    const output = this.inputs.get("output");
    if (output) for (const o of output.options) o.disabled = !rules.outputs.includes(o.value);
    const loss = this.inputs.get("loss");
    if (loss) {
      for (const o of loss.options) o.disabled = !rules.losses.includes(o.value) || !lossAllowed(o.value, state.output);
      const [text, title] = lossNote(state);
      this.lossNote.textContent = text;
      this.lossNote.title = title;
    }
  }

  /** The loaded data's task `{ task, classes }` (for dataset "custom"), or null. */
  setCustom(info, name = null) {
    this.customInfo = info;
    const select = this.inputs.get("dataset");
    if (!select) return;
    const o = [...select.options].find((x) => x.value === "custom");
    if (o) {
      o.hidden = !info;
      o.disabled = !info;
      o.textContent = info ? `Your data: ${name && name.length > 24 ? `${name.slice(0, 23)}…` : name ?? "CSV"}` : "Your data (CSV)";
    }
  }

  setPlaying(playing) {
    const b = this.playButton;
    if (!b) return;
    b.replaceChildren(icon(playing ? "pause" : "play"), el("span", "btn-text", playing ? "Pause" : "Play"));
    b.classList.toggle("playing", playing);
  }

  setPhase(text) {
    this.phase.textContent = text;
  }

  setStepMode(by, forWhat) {
    if (this.stepBySelect) this.stepBySelect.value = by;
    if (this.stepForSelect) this.stepForSelect.value = forWhat;
  }
}

/** The note beside the loss: what the output and loss compute, in the derivation's terms. */
function lossNote(state) {
  if (state.output === "softmax") {
    return [
      "Softmax, categorical cross-entropy: ∂L/∂Z = A − y.",
      "Softmax turns the output layer's Z into probabilities that sum to 1; with categorical cross-entropy L = −Σ y ln A, its Jacobian collapses and ∂L/∂Z = A − y.",
    ];
  }
  if (state.output === "sigmoid") {
    return state.loss === "bce"
      ? ["Sigmoid with cross-entropy, as in the derivation: ∂L/∂Z = A − y.", "Cross-entropy (bce) with a sigmoid output gives the simple dL/dZ = A − y; squared error is L = ½(A − y)²."]
      : ["Squared error: L = ½(A − y)², so ∂L/∂A = A − y.", "Cross-entropy (bce) with a sigmoid output gives the simple dL/dZ = A − y; squared error is L = ½(A − y)²."];
  }
  return [
    "Squared error: L = ½(A − y)², so ∂L/∂A = A − y.",
    "Cross-entropy needs probabilities, so a sigmoid (two classes) or softmax (more) output; a tanh or linear output trains with squared error.",
  ];
}
