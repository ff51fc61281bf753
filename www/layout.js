// A figure's layout: the shadow DOM's skeleton (the bars, panels and canvases the renderers
// draw into), its size (the `height` attribute, or the content's height, or the box the page
// gives it), the renderers' sizes as the boxes change, and the metric numbers. One job: where
// things are on screen; it draws nothing itself and knows nothing of the network.
//
//   const layout = new Layout(shadowRoot, { onResize(part, w, h) });
//   layout.connect(host) / layout.disconnect();   // observe sizes while on the page
//   layout.applyHeight(attributeValue)            // -> errors for the `height` attribute (parseHeight)
//   layout.setMetrics({ trainLoss, testLoss, trainAccuracy, testAccuracy, step })

import { Disposer } from "./lifecycle.js";

const stepFormat = new Intl.NumberFormat("en-US");

/** "0.123", or "1.2e-5" for tiny losses. */
export function formatLoss(v) {
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "–";
  const a = Math.abs(v);
  if ((a !== 0 && a < 0.001) || a >= 1e5) return v.toExponential(2).replace("e+", "e");
  return a >= 100 ? v.toFixed(1) : v.toFixed(3);
}

export function formatPercent(v) {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : "–";
}

/**
 * The `height` attribute's value (a string, or null when absent) as a CSS height:
 * `{ height, errors }`. Pixels (120 to 4000) or a CSS length in px, vh, rem, em or %; none, or
 * a bad value, gives "" (the content's height), and a bad value an error naming the attribute.
 */
export function parseHeight(h) {
  if (h === null || h.trim() === "") return { height: "", errors: [] };
  // Trimmed first: with `\s*` on both sides of the optional unit the regex backtracked
  // quadratically over a run of spaces ("12", 10,000 spaces, "x" took a third of a second).
  const m = /^(\d{2,4}(?:\.\d+)?)\s*(px|vh|rem|em|%)?$/.exec(h.trim());
  if (m && (m[2] !== undefined || (+m[1] >= 120 && +m[1] <= 4000))) return { height: `${m[1]}${m[2] ?? "px"}`, errors: [] };
  return {
    height: "",
    errors: [{
      message: `height: ${JSON.stringify(h.slice(0, 30))} is not a size; allowed: a number of pixels from 120 to 4000, or a CSS length in px, vh, rem, em or %.`,
    }],
  };
}

export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const METRICS = [
  ["train-loss", "Train loss"],
  ["test-loss", "Test loss"],
  ["train-accuracy", "Train accuracy"],
  ["test-accuracy", "Test accuracy"],
  ["step", "Step"],
];

export class Layout {
  /**
   * Builds the skeleton into `shadowRoot`. `onResize(part, width, height)` is called with
   * "diagram", "output" or "chart" and the part's new CSS size; `onHostResize()` when the
   * figure's own box changes.
   */
  constructor(shadowRoot, { onResize, onHostResize }) {
    this.onResize = onResize;
    this.onHostResize = onHostResize;
    this.observed = new Disposer();
    const root = el("div", "bv");
    this.root = root;
    this.messagesBox = el("div", "messages");
    this.toolbar = el("div", "toolbar");
    this.trainingBar = el("div", "training-bar");

    const main = el("div", "main");
    this.panel = el("aside", "panel");
    this.panel.setAttribute("aria-label", "Data and features");

    const center = el("section", "center");
    center.setAttribute("aria-label", "Network diagram");
    this.viewBar = el("div", "view-bar");
    this.diagramArea = el("div", "diagram-area");
    this.layerBar = el("div", "layer-bar");
    this.diagramWrap = el("div", "canvas-wrap diagram-wrap");
    this.diagramCanvas = el("canvas", "diagram");
    this.diagramCanvas.tabIndex = 0;
    this.diagramCanvas.setAttribute("role", "application");
    this.diagramCanvas.setAttribute("aria-roledescription", "network diagram");
    this.diagramCanvas.setAttribute(
      "aria-label",
      "Network diagram. Arrow keys move between weights and biases, Enter edits the selected one, Escape clears the selection.",
    );
    // The diagram's edges when a worker draws them (www/edge-layer.js), under the diagram.
    this.edgesCanvas = el("canvas", "diagram-edges");
    this.edgesCanvas.hidden = true;
    this.edgesCanvas.setAttribute("aria-hidden", "true");
    this.diagramWrap.append(this.edgesCanvas, this.diagramCanvas);
    this.diagramArea.append(this.layerBar, this.diagramWrap);
    this.selectionStatus = el("p", "sr-only");
    this.selectionStatus.setAttribute("aria-live", "polite");
    this.inspectorHost = el("div", "inspector-host");
    this.inspectorHost.hidden = true;
    center.append(this.viewBar, this.diagramArea, this.selectionStatus, this.inspectorHost);

    const side = el("section", "side");
    side.setAttribute("aria-label", "Output and training progress");
    this.outputBar = el("div", "output-bar");
    this.outputBar.append(el("h3", "side-title", "Output"));
    this.outputWrap = el("div", "canvas-wrap output-wrap");
    this.outputCanvas = el("canvas", "output");
    this.outputCanvas.setAttribute(
      "aria-label",
      "Decision boundary and data points. Click adds a blue point, Shift+click an orange one; click a point to pick it.",
    );
    this.outputWrap.append(this.outputCanvas);
    this.metrics = el("div", "metrics");
    this.metricValues = {};
    for (const [key, label] of METRICS) {
      const p = el("p", `metric metric-${key}`);
      const value = el("span", "metric-value", "–");
      value.dataset.metric = key;
      p.append(el("span", "metric-label", label), document.createTextNode(" "), value);
      this.metrics.append(p);
      this.metricValues[key] = value;
    }
    this.metrics.setAttribute("aria-live", "off");
    this.chartWrap = el("div", "canvas-wrap chart-wrap");
    this.chartCanvas = el("canvas", "chart");
    this.chartWrap.append(this.chartCanvas);
    side.append(this.outputBar, this.outputWrap, this.metrics, this.chartWrap);

    main.append(this.panel, center, side);
    this.loadingBox = el("div", "loading", "Loading the engine…");
    root.append(this.messagesBox, this.toolbar, this.trainingBar, main, this.loadingBox);
    shadowRoot.append(root);
  }

  /** The bars and panel the controls fill. */
  get controlParts() {
    return {
      toolbar: this.toolbar, trainingBar: this.trainingBar, panel: this.panel, viewBar: this.viewBar,
      layerBar: this.layerBar, outputBar: this.outputBar,
    };
  }

  /** Empties the control bars (before the controls are built again). */
  clearControls() {
    for (const part of [this.toolbar, this.trainingBar, this.panel, this.viewBar, this.layerBar]) part.replaceChildren();
    this.outputBar.querySelector(".toggle")?.remove();
  }

  /** Hides the bars the controls left empty. */
  controlsBuilt(hasPanel) {
    this.root.classList.toggle("no-panel", !hasPanel);
    this.root.classList.toggle("no-toolbar", this.toolbar.childElementCount === 0);
    this.root.classList.toggle("no-training-bar", this.trainingBar.childElementCount === 0);
  }

  /** Watches the figure's and its canvases' sizes while it is on the page. */
  connect(host) {
    this.observed.dispose();
    this.host = host;
    const ro = this.observed.observe(new ResizeObserver((entries) => this.#resized(entries)));
    for (const target of [host, this.diagramWrap, this.outputWrap, this.chartWrap]) ro.observe(target);
  }

  disconnect() {
    this.observed.dispose();
  }

  /** Live observers (0 once disconnected). */
  get live() {
    return this.observed.size;
  }

  #resized(entries) {
    for (const entry of entries) {
      if (entry.target === this.host) {
        this.updateSizing();
        this.onHostResize();
        continue;
      }
      const box = entry.contentRect;
      const w = Math.floor(box.width);
      const h = Math.floor(box.height);
      if (w < 2 || h < 2) continue;
      if (entry.target === this.diagramWrap) this.onResize("diagram", w, h);
      else if (entry.target === this.outputWrap) this.onResize("output", w, h);
      else if (entry.target === this.chartWrap) this.onResize("chart", w, h);
    }
  }

  /**
   * The `height` attribute: pixels (120 to 4000) or a CSS length. Returns the errors (a bad
   * value keeps the content's height).
   */
  applyHeight(h) {
    const { height, errors } = parseHeight(h);
    this.root.style.height = height;
    return errors;
  }

  /**
   * Chooses how the figure sizes itself. With a `height` attribute, or a box whose height the
   * page decides (a CSS height, a stretched flex or grid item: the demo), the parts fill that
   * box. Otherwise (the usual embed in an article) the figure takes the height its content
   * needs at its width: class "auto". The test: hide the content for a moment and see whether
   * the host's height depends on it. Two layouts, no flicker (the content is shown again
   * before anything is painted).
   */
  updateSizing() {
    const host = this.host;
    let auto = false;
    if (host && !host.hasAttribute("height") && host.isConnected) {
      const withContent = host.getBoundingClientRect().height;
      this.root.hidden = true;
      const without = host.getBoundingClientRect().height;
      this.root.hidden = false;
      auto = !(without > 1 && Math.abs(withContent - without) < 1);
    }
    if (this.root.classList.contains("auto") !== auto) this.root.classList.toggle("auto", auto);
  }

  /** The x of each layer's column over the diagram, for the layer buttons. */
  layerColumns(layers, anchor) {
    const xs = [];
    for (let L = 0; L < layers.length; L++) {
      const a = anchor({ kind: "n", L, j: 0 });
      xs.push(a ? a.x + this.diagramWrap.offsetLeft : ((L + 0.5) * this.diagramArea.clientWidth) / layers.length);
    }
    return xs;
  }

  /** A point of the diagram in the diagram area's coordinates (to place the editor). */
  inDiagramArea(point) {
    const a = point ?? { x: 0, y: 0 };
    return { x: a.x + this.diagramWrap.offsetLeft, y: a.y + this.diagramWrap.offsetTop };
  }

  /** Whether accuracy means anything (not for regression): hides its numbers if not. */
  setAccuracyShown(on) {
    for (const key of ["train-accuracy", "test-accuracy"]) this.metricValues[key].parentElement.hidden = !on;
  }

  /** The metric numbers. */
  setMetrics(m, step) {
    const v = this.metricValues;
    v["train-loss"].textContent = formatLoss(m[0]);
    v["test-loss"].textContent = formatLoss(m[1]);
    v["train-accuracy"].textContent = formatPercent(m[2]);
    v["test-accuracy"].textContent = formatPercent(m[3]);
    v.step.textContent = stepFormat.format(step);
  }

  /** Shows or hides the "Loading the engine…" box (empty text: only hide it). */
  setLoading(on, text = null) {
    if (text !== null) this.loadingBox.textContent = text;
    this.loadingBox.hidden = !on;
  }
}
