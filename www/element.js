// <backprop-viz>: the custom element that composes the engine, the state, the controls, the
// animation loop and the renderers into one visualizer. The demo page is one large instance;
// tutorial pages embed small ones.
//
//   <script type="module" src="www/element.js"></script>
//   <backprop-viz layers="2,4,1" dataset="xor" controls="play,step,reset" autoplay></backprop-viz>
//
// Attributes: every state key of docs/FRONTEND.md (same names and values as the URL hash),
// plus `controls` ("all", "none" or a comma list), `autoplay` (train while in view, unless
// the reader prefers reduced motion), `height` (a CSS length, or px), `sync-hash` (mirror the
// state in location.hash, and answer the page's keyboard shortcuts). Bad values and misspelt
// names are listed in a small notice inside the element; nothing else on the page changes.
// Size: as wide as its container; as tall as its content, unless `height` is given or the
// page sizes the element (then the parts share the box): see updateSizing().
// Properties and methods: `network` (the engine's Network), `play()`, `pause()`,
// `stepOnce()`, `reset()`, `ready` (a promise), `config` (a copy of the state), `phase`,
// `playing`.
// Events: `step` ({ loss, step, batchLoss }), `diverged` ({ step, message }).
//
// Everything lives in the shadow root: no globals, no inline styles or scripts, no innerHTML;
// text from attributes or the hash only ever reaches the page through textContent.

import { loadEngine, NetworkViews } from "./engine.js";
import {
  FIELDS, SCHEMA, ELEMENT_ATTRIBUTES, DOMAIN, LEARNING_RATES, LIMITS,
  applyEntries, changedKeys, cloneState, datasetOptions, defaults, effectsOf, engineConfig,
  misspeltAttributes, parseAttributes, parseHash, reconcile, sameSelection, selectionFits, speedOf, toHash,
  trainingSettings, formatNumber,
} from "./state.js";
import { Controls, parseControls } from "./controls.js";
import { Loop } from "./loop.js";
import { Editor } from "./editor.js";
import { Points } from "./points.js";
import { Messages } from "./messages.js";
import { sheet } from "./styles.js";
import { Diagram, ThumbAtlas } from "./diagram.js";
import { OutputView } from "./output-view.js";
import { LossChart } from "./charts.js";
import { lut } from "./palette.js";
import { Inspector } from "./inspector.js";

const GRID = 200; // heatmap samples per side
const THUMB = 32; // thumbnail samples per side
const TEXT_INTERVAL_MS = 120; // DOM numbers while playing: a person reads a few updates a second

const stepFormat = new Intl.NumberFormat("en-US");

/** "0.123", or "1.2e-5" for tiny losses. */
function formatLoss(v) {
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "–";
  const a = Math.abs(v);
  if ((a !== 0 && a < 0.001) || a >= 1e5) return v.toExponential(2).replace("e+", "e");
  return a >= 100 ? v.toFixed(1) : v.toFixed(3);
}

function formatPercent(v) {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : "–";
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A human name for a selection, for the editor and screen readers. */
function describeSelection(sel, state) {
  const depth = state.layers.length - 1;
  const layerName = (L) => (L === 0 ? "the inputs" : L === depth ? "the output" : `hidden layer ${L}`);
  const neuron = (L, j) => (L === 0 ? `input ${state.features[j] ?? j}` : `neuron ${j} of ${layerName(L)}`);
  if (sel.kind === "w") {
    return {
      label: `W[${sel.l + 1}] row ${sel.j}, column ${sel.k}`,
      name: `weight W[${sel.l + 1}] from ${neuron(sel.l, sel.k)} to ${neuron(sel.l + 1, sel.j)}`,
    };
  }
  if (sel.kind === "b") {
    return { label: `b[${sel.l + 1}] neuron ${sel.j}`, name: `bias b[${sel.l + 1}] of ${neuron(sel.l + 1, sel.j)}` };
  }
  return { label: neuron(sel.L, sel.j), name: neuron(sel.L, sel.j) };
}

export class BackpropViz extends HTMLElement {
  static get observedAttributes() {
    return [...SCHEMA.map((f) => f.key), ...ELEMENT_ATTRIBUTES];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.shadowRoot.adoptedStyleSheets = [sheet];
    this.engine = null;
    this.net = null;
    this.views = null;
    this.state = defaults();
    this.points = new Points();
    this.hasData = false;
    this.inspector = null;
    this.inspectorInfo = { example: null, batch: null, live: false };
    this.inspectorDirty = true;
    this.batchView = null;
    this.highlight = null;
    this.built = false;
    this.connected = false;
    this.textStale = true;
    this.lastText = 0;
    this.lastHash = null;
    this.autoplayWanted = true;
    this.visible = false;
    this.readyPromise = new Promise((resolve) => {
      this.resolveReady = resolve;
    });
    this.range = [0, 1];
    this.frame = { views: null, thumbs: null, view: "both", anim: null, selection: null, highlight: null, reducedMotion: false };
    this.outFrame = {
      pixels: null, gridSize: GRID, showTest: false, selected: this.points.picked, batch: null,
      threshold: 0.5, reducedMotion: false, range: this.range,
    };
    this.atlas = new ThumbAtlas();
    this.loop = new Loop(this.makeLoopHost());
    this.stepListeners = 0;
    this.onKeyDown = this.onKeyDown.bind(this);
    this.onHashChange = this.onHashChange.bind(this);
    this.onMotionChange = this.onMotionChange.bind(this);
  }

  // ---- public API -----------------------------------------------------------------------------

  /** The engine's Network (null until the engine has loaded). */
  get network() {
    return this.net;
  }

  /** Resolves once the first network is built and drawn. */
  get ready() {
    return this.readyPromise;
  }

  /** A copy of the current configuration (the state keys). */
  get config() {
    return cloneState(this.state);
  }

  /** Where a step is: `{ phase: "idle" | "forward" | "backward" | "update" | "flow", layer, of }`. */
  get phase() {
    return this.loop.phaseInfo();
  }

  /** The points: `{ train, test }`, each `{ inputs, targets }` (labels 0 and 1). */
  get data() {
    return { train: this.points.train, test: this.points.test };
  }

  /** The selected example as the network takes it: `{ input, target }` Float64Arrays. */
  get example() {
    return this.points.example;
  }

  /** Which point is selected: `{ set: "train" | "test", index }`. */
  get picked() {
    return this.points.picked;
  }

  /** Whether training is playing. */
  get playing() {
    return this.loop.playing;
  }

  play() {
    this.autoplayWanted = true;
    if (this.net) this.loop.play();
  }

  pause() {
    this.autoplayWanted = false;
    this.loop.pause();
  }

  /** One whole training step at once; returns its loss. */
  stepOnce() {
    if (!this.net) return NaN;
    return this.loop.stepNow();
  }

  /** The same network and data at step 0 (the seed decides the starting weights). */
  reset() {
    this.loop.pause();
    this.messages.hideAlert();
    if (this.engine) this.rebuild({ data: false });
  }

  /** Records the next `frames` playing frames' timings (for bench/frame.mjs). */
  profile(frames) {
    return this.loop.record(frames);
  }

  // The step event is built only when someone listens, so a playing frame allocates nothing.
  addEventListener(type, listener, options) {
    if (type === "step" && listener) this.stepListeners++;
    super.addEventListener(type, listener, options);
  }

  removeEventListener(type, listener, options) {
    if (type === "step" && listener) this.stepListeners = Math.max(0, this.stepListeners - 1);
    super.removeEventListener(type, listener, options);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  connectedCallback() {
    this.connected = true;
    if (!this.built) this.buildDom();
    this.applyHeight();
    this.startObservers();
    if (!this.engine && !this.loading) this.init();
    else if (this.net) this.loop.start();
  }

  disconnectedCallback() {
    this.connected = false;
    this.loop.stop();
    this.stopObservers();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (!this.built || oldValue === value) return;
    if (name === "controls") {
      this.buildControls();
      this.controls.update(this.state);
      this.layoutLayerBar();
      return;
    }
    if (name === "height") {
      this.applyHeight();
      this.updateSizing();
      return;
    }
    if (name === "autoplay") {
      if (this.net && this.wantsAutoplay()) this.loop.play();
      return;
    }
    if (name === "sync-hash") {
      this.stopObservers();
      if (this.connected) this.startObservers();
      if (value !== null) this.writeHash();
      return;
    }
    const field = FIELDS.get(name);
    if (!field) return;
    const text = value ?? formatStateDefault(field);
    const { state, errors } = applyEntries(this.state, [[name, text]], { source: "attributes" });
    this.messages.setKey("attributes", name, errors);
    const patch = {};
    for (const key of changedKeys(this.state, state)) patch[key] = state[key];
    this.applyPatch(patch);
  }

  async init() {
    this.loading = true;
    const attrs = parseAttributes(this);
    let state = attrs.state;
    this.messages.set("attributes", [
      ...this.messages.items.attributes, ...attrs.errors, ...misspeltAttributes(this, ELEMENT_ATTRIBUTES),
    ]);
    if (this.hasAttribute("sync-hash") && location.hash.length > 1) {
      const fromHash = parseHash(location.hash, state);
      state = fromHash.state;
      this.messages.set("link", fromHash.errors);
    }
    this.state = state;
    this.controls.update(state);
    try {
      this.engine = await loadEngine();
    } catch (err) {
      this.loading = false;
      this.loadingBox.textContent = "";
      this.messages.showAlert(`The WebAssembly engine could not be loaded: ${err?.message ?? err}`);
      return;
    }
    this.loading = false;
    this.rebuild({ data: true });
    this.loadingBox.hidden = true;
    this.writeHash();
    if (this.connected) this.loop.start();
    if (this.wantsAutoplay()) this.loop.play();
    this.resolveReady(this);
  }

  // ---- the DOM ----------------------------------------------------------------------------------

  buildDom() {
    this.built = true;
    const root = el("div", "bv");
    this.root = root;

    const messages = el("div", "messages");
    this.messages = new Messages(messages);

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
    this.diagramWrap.append(this.diagramCanvas);
    this.diagramArea.append(this.layerBar, this.diagramWrap);
    this.selectionStatus = el("p", "sr-only");
    this.selectionStatus.setAttribute("aria-live", "polite");
    this.inspectorHost = el("div", "inspector-host");
    this.inspectorHost.hidden = true;
    center.append(this.viewBar, this.diagramArea, this.selectionStatus, this.inspectorHost);

    const side = el("section", "side");
    side.setAttribute("aria-label", "Output and training progress");
    this.outputBar = el("div", "output-bar");
    const outTitle = el("h3", "side-title", "Output");
    this.outputBar.append(outTitle);
    this.outputWrap = el("div", "canvas-wrap output-wrap");
    this.outputCanvas = el("canvas", "output");
    this.outputCanvas.setAttribute(
      "aria-label",
      "Decision boundary and data points. Click adds a blue point, Shift+click an orange one; click a point to pick it.",
    );
    this.outputWrap.append(this.outputCanvas);
    this.metrics = el("div", "metrics");
    this.metricValues = {};
    for (const [key, label] of [
      ["train-loss", "Train loss"], ["test-loss", "Test loss"], ["train-accuracy", "Train accuracy"],
      ["test-accuracy", "Test accuracy"], ["step", "Step"],
    ]) {
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
    root.append(messages, this.toolbar, this.trainingBar, main, this.loadingBox);
    this.shadowRoot.append(root);

    this.diagram = new Diagram(this.diagramCanvas, {
      onSelect: (sel) => this.select(sel),
      onEdit: (sel) => this.openEditor(sel),
    });
    this.diagramCanvas.addEventListener("keydown", (e) => this.onDiagramKey(e));
    this.output = new OutputView(this.outputCanvas, {
      onAdd: (x1, x2, label) => this.addPoint(x1, x2, label),
      onRemove: (set, index) => this.removePoint(set, index),
      onPick: (set, index) => this.pick(set, index),
    });
    this.chart = new LossChart(this.chartCanvas);
    this.attachInspector();
    this.editor = new Editor(this.diagramArea, {
      onInput: (v) => this.setParameter(this.editing, v),
      onCommit: (v) => this.setParameter(this.editing, v, true),
      onCancel: (v) => this.setParameter(this.editing, v, true),
    });
    this.buildControls();
  }

  buildControls() {
    for (const part of [this.toolbar, this.trainingBar, this.panel, this.viewBar, this.layerBar]) part.replaceChildren();
    this.outputBar.querySelector(".toggle")?.remove();
    const { names, error } = parseControls(this.getAttribute("controls"));
    this.messages.setKey("attributes", "controls", error ? [{ message: error }] : []);
    this.controls = new Controls(
      {
        toolbar: this.toolbar, trainingBar: this.trainingBar, panel: this.panel, viewBar: this.viewBar,
        layerBar: this.layerBar, outputBar: this.outputBar,
      },
      { onChange: (patch) => this.applyPatch(patch), onAction: (name, arg) => this.action(name, arg) },
      names,
    );
    this.root.classList.toggle("no-panel", !this.controls.hasPanel);
    this.root.classList.toggle("no-toolbar", this.toolbar.childElementCount === 0);
    this.root.classList.toggle("no-training-bar", this.trainingBar.childElementCount === 0);
    this.controls.setPlaying(this.loop.playing);
    this.controls.setStepMode(this.loop.stepBy, this.loop.stepFor);
    this.controls.setPhase(this.loop.phaseText());
  }

  applyHeight() {
    const h = this.getAttribute("height");
    const errors = [];
    if (h === null || h.trim() === "") {
      this.root.style.height = "";
    } else {
      const m = /^\s*(\d{2,4}(?:\.\d+)?)\s*(px|vh|rem|em|%)?\s*$/.exec(h);
      if (m && (m[2] !== undefined || (+m[1] >= 120 && +m[1] <= 4000))) {
        this.root.style.height = `${m[1]}${m[2] ?? "px"}`;
      } else {
        this.root.style.height = "";
        errors.push({
          message: `height: ${JSON.stringify(h.slice(0, 30))} is not a size; allowed: a number of pixels from 120 to 4000, or a CSS length in px, vh, rem, em or %.`,
        });
      }
    }
    this.messages.setKey("attributes", "height", errors);
  }

  // ---- observers and global listeners -------------------------------------------------------

  startObservers() {
    this.resizeObserver ??= new ResizeObserver((entries) => this.onResize(entries));
    this.resizeObserver.observe(this);
    this.resizeObserver.observe(this.diagramWrap);
    this.resizeObserver.observe(this.outputWrap);
    this.resizeObserver.observe(this.chartWrap);
    this.intersection ??= new IntersectionObserver((entries) => this.onVisibility(entries[entries.length - 1]));
    this.intersection.observe(this);
    this.motion ??= matchMedia("(prefers-reduced-motion: reduce)");
    this.motion.addEventListener("change", this.onMotionChange);
    this.onMotionChange();
    // The demo's instance owns the page's keyboard shortcuts; an embedded one only answers
    // keys pressed while the focus is inside it.
    this.keyTarget = this.hasAttribute("sync-hash") ? window : this;
    this.keyTarget.addEventListener("keydown", this.onKeyDown);
    if (this.hasAttribute("sync-hash")) window.addEventListener("hashchange", this.onHashChange);
  }

  stopObservers() {
    this.resizeObserver?.disconnect();
    this.intersection?.disconnect();
    this.motion?.removeEventListener("change", this.onMotionChange);
    this.keyTarget?.removeEventListener("keydown", this.onKeyDown);
    window.removeEventListener("hashchange", this.onHashChange);
  }

  onResize(entries) {
    for (const entry of entries) {
      if (entry.target === this) {
        this.updateSizing();
        continue;
      }
      const box = entry.contentRect;
      const w = Math.floor(box.width);
      const h = Math.floor(box.height);
      if (w < 2 || h < 2) continue;
      if (entry.target === this.diagramWrap) {
        this.diagram.resize(w, h);
        this.layoutLayerBar();
      } else if (entry.target === this.outputWrap) {
        this.output.resize(w, h);
      } else if (entry.target === this.chartWrap) {
        this.chart.resize(w, h);
      }
    }
    if (this.editor.isOpen) this.placeEditor();
    this.loop.invalidate();
  }

  /**
   * Chooses how the element sizes itself. With a `height` attribute, or a box whose height the
   * page decides (a CSS height, a stretched flex or grid item: the demo), the parts fill that
   * box. Otherwise (the usual embed in an article) the element takes the height its content
   * needs at its width: class "auto". The test: hide the content for a moment and see whether
   * the host's height depends on it. Runs when the host resizes; two layouts, no flicker (the
   * content is shown again before anything is painted).
   */
  updateSizing() {
    let auto = false;
    if (!this.hasAttribute("height") && this.isConnected) {
      const withContent = this.getBoundingClientRect().height;
      this.root.hidden = true;
      const without = this.getBoundingClientRect().height;
      this.root.hidden = false;
      auto = !(without > 1 && Math.abs(withContent - without) < 1);
    }
    if (this.root.classList.contains("auto") !== auto) this.root.classList.toggle("auto", auto);
  }

  onVisibility(entry) {
    this.visible = entry.isIntersecting;
    if (!this.hasAttribute("autoplay") || !this.net) return;
    if (this.wantsAutoplay()) this.loop.play();
    else if (!this.visible) this.loop.pause();
  }

  // Autoplay trains while the element is in view, until a person pauses it; a reader who
  // prefers reduced motion gets the still picture and the Play button instead.
  wantsAutoplay() {
    return this.hasAttribute("autoplay") && this.visible && this.autoplayWanted && !this.frame.reducedMotion;
  }

  onMotionChange() {
    const reduced = !!this.motion?.matches;
    this.frame.reducedMotion = reduced;
    this.outFrame.reducedMotion = reduced;
    this.loop.setReducedMotion(reduced);
  }

  // Space, Right and R, unless the focused control uses that key itself.
  onKeyDown(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || !this.net) return;
    const target = e.composedPath()[0];
    const tag = target?.tagName ?? "";
    const type = (target?.type ?? "").toLowerCase();
    const textEntry =
      tag === "TEXTAREA" || target?.isContentEditable ||
      (tag === "INPUT" && !["checkbox", "radio", "range", "button", "submit", "reset", "color", "file"].includes(type));
    if (textEntry || tag === "SELECT") return;
    if (e.key === " " || e.key === "Spacebar") {
      if (tag === "BUTTON" || tag === "INPUT" || tag === "SUMMARY" || tag === "A") return;
      e.preventDefault();
      if (this.loop.playing) this.pause();
      else this.play();
    } else if (e.key === "ArrowRight") {
      if (tag === "INPUT" || tag === "CANVAS") return;
      e.preventDefault();
      this.loop.stepButton();
    } else if ((e.key === "r" || e.key === "R") && !e.shiftKey) {
      e.preventDefault();
      this.reset();
    }
  }

  onHashChange() {
    if (location.hash === this.lastHash) return;
    const { state, errors } = parseHash(location.hash, parseAttributes(this).state);
    this.messages.set("link", errors);
    const patch = {};
    for (const key of changedKeys(this.state, state)) patch[key] = state[key];
    this.applyPatch(patch);
    this.writeHash();
  }

  writeHash() {
    if (!this.hasAttribute("sync-hash")) return;
    const hash = `#${toHash(this.state)}`;
    if (location.hash !== hash) history.replaceState(history.state, "", hash);
    this.lastHash = location.hash;
  }

  // ---- state changes ------------------------------------------------------------------------

  /** Applies `{ key: value }` changes: rebuilds, regenerates, reconfigures or redraws. */
  applyPatch(patch) {
    const next = cloneState(this.state);
    Object.assign(next, patch);
    reconcile(next);
    const keys = changedKeys(this.state, next);
    if (keys.length === 0) {
      this.controls.update(this.state);
      return;
    }
    this.state = next;
    const fx = effectsOf(keys);
    if (this.engine) {
      if (fx.rebuild) {
        this.rebuild({ data: fx.data });
      } else {
        if (fx.data) {
          this.regenerateData();
          this.points.load(this.net, next.output);
          this.inspectorInfo.example = this.points.described;
          this.loop.cancelStep();
          this.loop.invalidate({ weights: true });
        }
        if (fx.training) {
          try {
            this.net.configure(trainingSettings(next));
          } catch (err) {
            this.messages.showAlert(`Could not change the training settings: ${err?.message ?? err}`);
          }
        }
      }
    }
    if (keys.includes("speed")) this.loop.setSpeed(speedOf(next.speed));
    this.frame.view = next.view;
    this.outFrame.showTest = next["show-test"];
    if (keys.includes("inspect") || fx.rebuild) this.showSelection(next.inspect);
    this.controls.update(next);
    this.loop.invalidate();
    this.writeHash();
  }

  action(name, arg) {
    const layers = this.state.layers;
    switch (name) {
      case "toggle":
        if (this.loop.playing) this.pause();
        else this.play();
        break;
      case "step":
        if (this.net) this.loop.stepButton();
        break;
      case "reset":
        this.reset();
        break;
      case "regenerate":
        this.applyPatch({ seed: Math.floor(Math.random() * 100000) });
        break;
      case "add-layer":
        if (layers.length - 2 < LIMITS.maxHidden) {
          const size = layers.length > 2 ? layers[layers.length - 2] : 2;
          this.applyPatch({ layers: [...layers.slice(0, -1), size, layers[layers.length - 1]] });
        }
        break;
      case "remove-layer":
        if (layers.length > 2) this.applyPatch({ layers: [...layers.slice(0, -2), layers[layers.length - 1]] });
        break;
      case "add-neuron":
      case "remove-neuron": {
        const next = layers.slice();
        next[arg] += name === "add-neuron" ? 1 : -1;
        if (next[arg] >= LIMITS.minNeurons && next[arg] <= LIMITS.maxNeurons) this.applyPatch({ layers: next });
        break;
      }
      case "step-by":
        this.loop.stepBy = arg === "step" ? "step" : "phase";
        break;
      case "step-for":
        this.loop.stepFor = arg === "example" ? "example" : "batch";
        this.loop.cancelStep();
        break;
      default:
        break;
    }
  }

  /** Builds the network for the current state (new weights from the seed). */
  rebuild({ data }) {
    const engine = this.engine;
    const state = this.state;
    let net;
    try {
      net = new engine.Network(engineConfig(state));
      net.setPalette(lut());
      net.setGrid({ size: GRID, thumb: THUMB, ...DOMAIN });
      if (data || !this.hasData) this.regenerateData();
      this.points.load(net, state.output);
      this.inspectorInfo.example = this.points.described;
    } catch (err) {
      net?.free();
      this.messages.showAlert(`Could not build the network: ${err?.message ?? err}`);
      return;
    }
    const old = this.net;
    this.net = net;
    this.views = new NetworkViews(engine, net);
    old?.free();
    this.editor.dismiss();
    this.frame.views = this.views;
    this.frame.view = state.view;
    this.outFrame.showTest = state["show-test"];
    this.outFrame.threshold = net.threshold;
    // The engine centres the output colours on the class threshold: [2t - 1, 1].
    this.range[0] = 2 * net.threshold - 1;
    this.range[1] = 1;
    this.batchView = null;
    this.diagram.setNetwork({
      layers: state.layers, featureLabels: state.features, hidden: state.activation, output: state.output, thumb: THUMB,
      inputScales: this.views.inputScales,
    });
    this.loop.setSpeed(speedOf(state.speed));
    this.loop.setNetwork(this.views);
    this.chart.reset();
    this.inspector?.setContext(this.inspectorContext());
    this.showSelection(state.inspect);
    this.layoutLayerBar();
    this.textStale = true;
    this.inspectorDirty = true;
    this.loop.invalidate({ weights: true });
  }

  regenerateData() {
    this.points.generate(this.engine, datasetOptions(this.state));
    this.hasData = true;
    this.output.setData({ train: this.points.train, test: this.points.test, domain: DOMAIN });
    this.inspectorDirty = true;
  }

  // ---- points and the selected example --------------------------------------------------------

  pick(set, index) {
    if (!this.points.pick(set, index)) return;
    this.inspectorInfo.example = this.points.described;
    this.inspectorDirty = true;
    this.loop.cancelStep();
    this.loop.invalidate({ probe: true });
  }

  addPoint(x1, x2, label) {
    const index = this.points.add(x1, x2, label);
    if (index < 0) return;
    this.afterDataEdit();
    this.pick("train", index);
  }

  removePoint(set, index) {
    if (this.points.remove(set, index)) this.afterDataEdit();
  }

  afterDataEdit() {
    this.output.setData({ train: this.points.train, test: this.points.test });
    try {
      this.points.load(this.net, this.state.output);
    } catch (err) {
      this.messages.showAlert(`Could not use the points: ${err?.message ?? err}`);
    }
    this.inspectorInfo.example = this.points.described;
    this.batchView = null;
    this.loop.cancelStep();
    this.loop.invalidate({ weights: true });
  }

  // ---- selection, editing, inspector -------------------------------------------------------------

  select(sel) {
    if (sameSelection(sel, this.state.inspect)) {
      this.showSelection(sel);
      return;
    }
    this.applyPatch({ inspect: sel ? { ...sel } : null });
  }

  showSelection(sel) {
    const fits = sel && selectionFits(sel, this.state.layers) ? sel : null;
    this.frame.selection = fits;
    if (!fits) {
      this.highlight = null;
      this.frame.highlight = null;
    }
    this.inspectorHost.hidden = !fits || !this.inspector;
    this.inspector?.show(fits);
    this.inspectorDirty = true;
    if (fits && this.views) {
      const { name } = describeSelection(fits, this.state);
      const v = this.parameterValue(fits);
      this.selectionStatus.textContent = v === null ? `Selected ${name}.` : `Selected ${name} = ${formatNumber(v)}.`;
    } else {
      this.selectionStatus.textContent = "";
    }
    this.loop.invalidate();
  }

  onDiagramKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key.startsWith("Arrow")) {
      e.preventDefault();
      e.stopPropagation();
      this.select(this.diagram.next(this.state.inspect, e.key));
    } else if (e.key === "Enter" && this.state.inspect) {
      e.preventDefault();
      e.stopPropagation();
      this.openEditor(this.state.inspect);
    } else if (e.key === "Escape" && this.state.inspect) {
      e.preventDefault();
      this.select(null);
    }
  }

  parameterValue(sel) {
    const v = this.views.refresh();
    if (sel.kind === "w") return v.weights[v.weightIndex(sel.l, sel.j, sel.k)];
    if (sel.kind === "b") return v.biases[v.biasIndex(sel.l, sel.j)];
    return null;
  }

  openEditor(sel) {
    if (!sel || !this.net) return;
    // A neuron's editable number is its bias.
    const target = sel.kind === "n" ? (sel.L > 0 ? { kind: "b", l: sel.L - 1, j: sel.j } : null) : sel;
    if (!target) return;
    if (!sameSelection(target, this.state.inspect)) this.select(target);
    if (this.loop.playing) this.pause();
    this.editing = { ...target };
    const { label, name } = describeSelection(target, this.state);
    const anchor = this.editorAnchor();
    this.editor.open({ ...anchor, label, name, value: this.parameterValue(target), returnFocus: this.diagramCanvas });
  }

  editorAnchor() {
    const a = this.diagram.anchor(this.editing) ?? { x: 0, y: 0 };
    return { x: a.x + this.diagramWrap.offsetLeft, y: a.y + this.diagramWrap.offsetTop };
  }

  placeEditor() {
    const a = this.editorAnchor();
    this.editor._place(a.x, a.y);
  }

  setParameter(sel, value, final = false) {
    if (!sel || !this.net || !Number.isFinite(value)) return;
    try {
      if (sel.kind === "w") this.net.setWeight(sel.l, sel.j, sel.k, value);
      else this.net.setBias(sel.l, sel.j, value);
    } catch (err) {
      this.messages.showAlert(`Could not set the value: ${err?.message ?? err}`);
      return;
    }
    this.loop.cancelStep();
    this.inspectorDirty = true;
    this.loop.invalidate({ weights: true });
    if (final) this.showSelection(this.state.inspect);
  }

  attachInspector() {
    try {
      this.inspector = new Inspector(this.inspectorHost, {
        onHighlight: (h) => {
          this.highlight = h;
          this.frame.highlight = h;
          this.loop.invalidate();
        },
        onSelect: (sel) => this.select(sel),
      });
    } catch (err) {
      this.inspector = null;
      this.messages.showAlert(`The chain-rule inspector could not start: ${err?.message ?? err}`);
    }
  }

  inspectorContext() {
    const s = this.state;
    return {
      engine: this.engine, net: this.net, views: this.views, layers: s.layers.slice(), hidden: s.activation,
      output: s.output, loss: s.loss, featureLabels: s.features.slice(),
    };
  }

  // ---- layer buttons over the diagram -----------------------------------------------------------

  layoutLayerBar() {
    const layers = this.state.layers;
    const xs = [];
    for (let L = 0; L < layers.length; L++) {
      const a = this.diagram.anchor({ kind: "n", L, j: 0 });
      xs.push(a ? a.x + this.diagramWrap.offsetLeft : ((L + 0.5) * this.diagramArea.clientWidth) / layers.length);
    }
    this.controls.setLayers(layers, xs);
  }

  // ---- errors while running ------------------------------------------------------------------

  onEngineError(err) {
    const message = String(err?.message ?? err);
    const m = /diverged at step (\d+)/.exec(message);
    if (!m && !/diverged/.test(message)) {
      this.messages.showAlert(`Something went wrong: ${message}`);
      return;
    }
    const step = m ? Number(m[1]) : (this.net?.stepCount ?? 0) + 1;
    const lr = this.state["learning-rate"];
    const lower = [...LEARNING_RATES].reverse().find((v) => v < lr);
    const action =
      lower === undefined
        ? null
        : { text: `Use ${formatNumber(lower)}`, label: `Lower the learning rate to ${formatNumber(lower)}`, run: () => this.applyPatch({ "learning-rate": lower }) };
    this.messages.showAlert(`The loss became infinite at step ${stepFormat.format(step)}; lower the learning rate.`, action, "diverged");
    this.dispatchEvent(new CustomEvent("diverged", { detail: { step, message } }));
    this.loop.invalidate({ weights: true });
  }

  // ---- the loop's host ------------------------------------------------------------------------------

  makeLoopHost() {
    const self = this;
    return {
      get net() {
        return self.net;
      },
      get views() {
        return self.views;
      },
      get example() {
        return self.points.example;
      },
      get batchSize() {
        return self.state["batch-size"];
      },
      uploadThumbs() {
        self.frame.thumbs = self.atlas.update(self.views, THUMB);
      },
      beforeApply() {
        self.diagram.capturePrevious(self.views.refresh());
      },
      onStepPrepared() {
        // Step mode on the selected point trains on that one example: no batch to show.
        self.batchView = self.loop.stepFor === "example" && !self.loop.playing ? null : self.views.batch();
        if (self.inspector) self.inspectorInfo.batch = self.batchView ? self.points.batch(self.batchView) : null;
        self.inspectorDirty = true;
      },
      drawDiagram(anim) {
        self.frame.anim = anim;
        self.frame.views = self.views;
        self.diagram.draw(self.frame);
      },
      drawOutput(anim) {
        const f = self.outFrame;
        f.pixels = self.views.gridPixels;
        f.batch = anim.phase === "flow" ? null : self.batchView;
        self.output.draw(f);
      },
      drawChart(stepped, fresh) {
        if (fresh) {
          const m = self.views.metrics;
          self.chart.push(self.net.stepCount, m[0], m[1], m[2], m[3]);
          self.textStale = true;
        }
        self.chart.draw();
      },
      afterFrame(stepped, loss) {
        const now = performance.now();
        if (self.textStale && (!self.loop.playing || now - self.lastText >= TEXT_INTERVAL_MS)) {
          self.lastText = now;
          self.textStale = false;
          self.updateMetricsText();
        }
        if (self.inspector && (self.inspectorDirty || stepped > 0)) {
          self.inspectorDirty = false;
          self.inspectorInfo.live = self.loop.playing;
          self.inspector.update(self.inspectorInfo);
        }
        if (stepped > 0 && self.stepListeners > 0) {
          self.dispatchEvent(
            new CustomEvent("step", { detail: { loss: self.views.metrics[0], batchLoss: loss, step: self.net.stepCount } }),
          );
        }
      },
      onPhase(text) {
        self.controls.setPhase(text);
      },
      onPlaying(playing) {
        self.controls.setPlaying(playing);
        self.root.classList.toggle("is-playing", playing);
        if (!playing) self.textStale = true;
      },
      onError(err) {
        self.onEngineError(err);
      },
    };
  }

  updateMetricsText() {
    const m = this.views.metrics;
    const v = this.metricValues;
    v["train-loss"].textContent = formatLoss(m[0]);
    v["test-loss"].textContent = formatLoss(m[1]);
    v["train-accuracy"].textContent = formatPercent(m[2]);
    v["test-accuracy"].textContent = formatPercent(m[3]);
    v.step.textContent = stepFormat.format(this.net.stepCount);
  }
}

function formatStateDefault(field) {
  const d = field.default;
  if (Array.isArray(d)) return d.join(",");
  if (field.type === "bool") return d ? "1" : "0";
  if (d === null) return "";
  return String(d);
}

if (!customElements.get("backprop-viz")) customElements.define("backprop-viz", BackpropViz);
