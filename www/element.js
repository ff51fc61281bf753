// <backprop-viz>: the custom element. The demo page is one large instance; tutorial pages
// embed small ones.
//
//   <script type="module" src="www/element.js"></script>
//   <backprop-viz layers="2,4,1" dataset="xor" controls="play,step,reset" autoplay></backprop-viz>
//
// The element is small: it composes named parts, each with one job (docs/FRONTEND.md,
// "The element's parts"):
// - Layout (layout.js): the shadow DOM's skeleton, sizes, metric numbers;
// - UrlState (url-state.js): attributes and the URL hash in, the hash out;
// - Lifecycle (lifecycle.js): page listeners and observers, teardown when removed;
// - Controls (controls.js): control-panel DOM, events in, state changes out;
// - Session (session.js): the network, which trains in the page's worker, and its snapshots;
// - Loop (loop.js): speed, phases, step mode, one frame request at a time;
// - the renderers: Diagram, OutputView, LossChart, Inspector, Editor, Messages.
// What is left here is the wiring between them, and the public API below.
//
// Properties and methods: `network` (a read-only view of the network, www/figure-network.js),
// `ready` (a promise), `play()`, `pause()`, `stepOnce()` (a promise of the step's loss),
// `reset()`, `config`, `phase`, `playing`, `data`, `example`, `picked`, `views`.
// Events: `step` ({ loss, step, batchLoss }), `diverged` ({ step, message }).
//
// Everything lives in the shadow root: no globals, no inline styles or scripts, no innerHTML;
// text from attributes or the hash only ever reaches the page through textContent.

import { getRunner } from "./runner.js";
import { Session } from "./session.js";
import { FigureNetwork, stateFromViews } from "./figure-network.js";
import {
  SCHEMA, ELEMENT_ATTRIBUTES, DOMAIN, LEARNING_RATES, applyAction, changedKeys, cloneState, datasetOptions, defaults,
  effectsOf, engineConfig, reconcile, sameSelection, selectionFits, speedOf, trainingSettings, formatNumber,
  describeSelection,
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
import { Layout } from "./layout.js";
import { UrlState } from "./url-state.js";
import { Lifecycle } from "./lifecycle.js";

const GRID = 200; // heatmap samples per side
const THUMB = 32; // thumbnail samples per side
const TEXT_INTERVAL_MS = 120; // DOM numbers while playing: a person reads a few updates a second

export class BackpropViz extends HTMLElement {
  static get observedAttributes() {
    return [...SCHEMA.map((f) => f.key), ...ELEMENT_ATTRIBUTES];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.shadowRoot.adoptedStyleSheets = [sheet];
    this.state = defaults();
    this.points = new Points();
    this.session = null;
    this.runner = null;
    this.sentData = null; // the data the network trains on, as it was sent
    this.dataVersion = 0;
    this.savedState = null; // the network's state when the figure was torn down
    this.building = 0; // counts rebuilds; a finished one that is not the latest is dropped
    this.useBatch = false; // the inspector derives the batch mean (step mode on the batch)
    this.batchView = null;
    this.chartVersion = -1;
    this.textStale = true;
    this.lastText = 0;
    this.autoplayWanted = true;
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
    this.loop = new Loop(this.#loopHost());
    this.stepListeners = 0;
    this.url = new UrlState(this);
    this.lifecycle = new Lifecycle(this, {
      onVisible: () => this.#visibilityChanged(),
      onMotion: (reduced) => this.#motionChanged(reduced),
      onKey: (e) => this.#onKeyDown(e),
      onHash: () => this.#hashChanged(),
      onTeardown: () => this.#teardown(),
      onRevive: () => this.#revive(),
    });
    this.#buildDom();
  }

  // ---- public API -----------------------------------------------------------------------------

  /** A read-only view of the network as last drawn (null until the first network is built). */
  get network() {
    return this.session?.info ? this.facade : null;
  }

  /** What the renderers draw from: the latest snapshot's arrays (NetworkViews' fields). */
  get views() {
    return this.session?.info ? this.session.views : null;
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

  /** Whether the network trains in the page's worker (false: on the main thread). */
  get inWorker() {
    return !!this.session?.inWorker;
  }

  play() {
    this.autoplayWanted = true;
    if (this.session?.info) this.loop.play();
  }

  pause() {
    this.autoplayWanted = false;
    this.loop.pause();
  }

  /** One whole training step; resolves to its batch loss once the step is drawn. */
  stepOnce() {
    if (!this.session?.info) return Promise.resolve(NaN);
    return this.loop.stepNow();
  }

  /** The same network and data at step 0 (the seed decides the starting weights). */
  reset() {
    this.loop.pause();
    this.messages.hideAlert();
    if (this.session) return this.#rebuild({ data: false });
    return Promise.resolve();
  }

  /** Records the next `frames` playing frames' timings (for bench/frame.mjs). */
  profile(frames) {
    return this.loop.record(frames);
  }

  /** Page-wide numbers of the trainers (for leak tests): `{ figures, networks, wasmBytes }`. */
  runnerStats() {
    return this.runner ? this.runner.stats() : Promise.resolve(null);
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
    this.messages.setKey("attributes", "height", this.layout.applyHeight(this.getAttribute("height")));
    this.layout.connect(this);
    this.lifecycle.connected();
    if (!this.started) {
      this.started = true;
      this.#init();
    } else if (this.session?.info) {
      this.loop.start();
    }
  }

  disconnectedCallback() {
    this.loop.stop();
    this.layout.disconnect();
    this.lifecycle.disconnected();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (!this.started || oldValue === value) return;
    switch (name) {
      case "controls":
        this.#buildControls();
        this.controls.update(this.state);
        this.#layoutLayerBar();
        return;
      case "height":
        this.messages.setKey("attributes", "height", this.layout.applyHeight(value));
        this.layout.updateSizing();
        return;
      case "autoplay":
        if (this.session?.info && this.#wantsAutoplay()) this.loop.play();
        return;
      case "sync-hash":
        if (this.isConnected) this.lifecycle.connected();
        if (value !== null) this.url.write(this.state);
        return;
      default: {
        const { patch, errors } = this.url.attributeChanged(name, value, this.state);
        this.messages.setKey("attributes", name, errors);
        this.applyPatch(patch);
      }
    }
  }

  async #init() {
    const { state, errors } = this.url.initial();
    this.messages.set("attributes", [...this.messages.items.attributes, ...errors.attributes]);
    this.messages.set("link", errors.link);
    this.state = state;
    this.controls.update(state);
    try {
      this.runner = await getRunner();
      this.engine = this.runner.engine;
    } catch (err) {
      this.layout.setLoading(true, "");
      this.messages.showAlert(`The WebAssembly engine could not be loaded: ${err?.message ?? err}`);
      return;
    }
    this.#newSession();
    this.#regenerateData();
    await this.#rebuild({ data: false });
    this.layout.setLoading(false);
    this.url.write(this.state);
    if (this.isConnected) this.loop.start();
    if (this.#wantsAutoplay()) this.loop.play();
    await this.#drawn();
    this.resolveReady(this);
  }

  #newSession() {
    this.session = new Session(this.runner);
    this.facade?.dispose();
    this.facade = new FigureNetwork({
      engine: this.engine,
      session: this.session,
      stateOf: () => engineConfig(this.state),
      data: () => this.sentData,
      dataVersion: () => this.dataVersion,
    });
  }

  // Resolves once a snapshot of the current network has been drawn.
  #drawn() {
    return new Promise((resolve) => {
      const check = () => {
        if (this.session?.snapshot && this.drawnSnapshot === this.session.snapshot) resolve();
        else requestAnimationFrame(check);
      };
      this.loop.invalidate({ fetch: true });
      check();
    });
  }

  // Removed from the page: free the network where it lives and stop everything of ours.
  #teardown() {
    this.loop.pause();
    this.loop.stop();
    if (this.session?.info) this.savedState = stateFromViews(engineConfig(this.state), this.session.views);
    this.inspector.setFrozen(false);
    this.facade?.dispose();
    this.session?.close();
    this.session = null;
    this.editor.dismiss();
  }

  // Inserted again after a teardown: the same network, from the state it was removed with.
  async #revive() {
    if (!this.runner) return;
    this.#newSession();
    await this.#rebuild({ data: false, state: this.savedState });
    this.savedState = null;
    this.loop.start();
  }

  // ---- the DOM ----------------------------------------------------------------------------------

  #buildDom() {
    this.layout = new Layout(this.shadowRoot, {
      onResize: (part, w, h) => {
        if (part === "diagram") {
          this.diagram.resize(w, h);
          this.#layoutLayerBar();
        } else if (part === "output") this.output.resize(w, h);
        else this.chart.resize(w, h);
        if (this.editor.isOpen) this.#placeEditor();
        this.loop.invalidate();
      },
      onHostResize: () => this.loop.invalidate(),
    });
    const L = this.layout;
    this.root = L.root;
    this.messages = new Messages(L.messagesBox);
    this.diagram = new Diagram(L.diagramCanvas, {
      onSelect: (sel) => this.select(sel),
      onEdit: (sel) => this.openEditor(sel),
    });
    L.diagramCanvas.addEventListener("keydown", (e) => this.#onDiagramKey(e));
    this.output = new OutputView(L.outputCanvas, {
      onAdd: (x1, x2, label) => this.addPoint(x1, x2, label),
      onRemove: (set, index) => this.removePoint(set, index),
      onPick: (set, index) => this.pick(set, index),
    });
    this.chart = new LossChart(L.chartCanvas);
    this.inspector = new Inspector(L.inspectorHost, {
      onHighlight: (h) => {
        this.frame.highlight = h;
        this.loop.invalidate();
      },
      onSelect: (sel) => this.select(sel),
      onFreeze: (on) => {
        this.session?.freeze(on).catch((err) => this.messages.showAlert(`Could not freeze the numbers: ${err?.message ?? err}`));
        this.loop.invalidate();
      },
    });
    this.editor = new Editor(L.diagramArea, {
      onInput: (v) => this.#setParameter(this.editing, v),
      onCommit: (v) => this.#setParameter(this.editing, v, true),
      onCancel: (v) => this.#setParameter(this.editing, v, true),
    });
    this.#buildControls();
  }

  #buildControls() {
    this.layout.clearControls();
    const { names, error } = parseControls(this.getAttribute("controls"));
    this.messages.setKey("attributes", "controls", error ? [{ message: error }] : []);
    this.controls = new Controls(
      this.layout.controlParts,
      { onChange: (patch) => this.applyPatch(patch), onAction: (name, arg) => this.#action(name, arg) },
      names,
    );
    this.layout.controlsBuilt(this.controls.hasPanel);
    this.controls.setPlaying(this.loop.playing);
    this.controls.setStepMode(this.loop.stepBy, this.loop.stepFor);
    this.controls.setPhase(this.loop.phaseText());
  }

  #layoutLayerBar() {
    this.controls.setLayers(this.state.layers, this.layout.layerColumns(this.state.layers, (s) => this.diagram.anchor(s)));
  }

  // ---- page events ----------------------------------------------------------------------------

  #visibilityChanged() {
    if (!this.hasAttribute("autoplay") || !this.session?.info) return;
    if (this.#wantsAutoplay()) this.loop.play();
    else if (!this.lifecycle.visible) this.loop.pause();
  }

  // Autoplay trains while the element is in view, until a person pauses it; a reader who
  // prefers reduced motion gets the still picture and the Play button instead.
  #wantsAutoplay() {
    return this.hasAttribute("autoplay") && this.lifecycle.visible && this.autoplayWanted && !this.frame.reducedMotion;
  }

  #motionChanged(reduced) {
    this.frame.reducedMotion = reduced;
    this.outFrame.reducedMotion = reduced;
    this.loop.setReducedMotion(reduced);
  }

  // Space, Right and R, unless the focused control uses that key itself.
  #onKeyDown(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || !this.session?.info) return;
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

  #hashChanged() {
    const change = this.url.fromHash(this.state);
    if (!change) return;
    this.messages.set("link", change.errors);
    this.applyPatch(change.patch);
    this.url.write(this.state);
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
    if (this.session?.info) {
      if (fx.rebuild) {
        if (fx.data) this.#regenerateData();
        this.#rebuild({ data: false });
      } else {
        if (fx.data) {
          this.#regenerateData();
          this.#sendData();
        }
        if (fx.training) {
          this.session.configure(trainingSettings(next)).catch((err) => this.messages.showAlert(`Could not change the training settings: ${err?.message ?? err}`));
        }
      }
    }
    if (keys.includes("speed")) this.loop.setSpeed(speedOf(next.speed));
    this.frame.view = next.view;
    this.outFrame.showTest = next["show-test"];
    if (keys.includes("inspect") || fx.rebuild) this.#showSelection(next.inspect);
    this.controls.update(next);
    this.loop.invalidate();
    this.url.write(this.state);
  }

  #action(name, arg) {
    switch (name) {
      case "toggle":
        if (this.loop.playing) this.pause();
        else this.play();
        break;
      case "step":
        if (this.session?.info) this.loop.stepButton();
        break;
      case "reset":
        this.reset();
        break;
      case "step-by":
        this.loop.stepBy = arg === "step" ? "step" : "phase";
        break;
      case "step-for":
        this.loop.stepFor = arg === "example" ? "example" : "batch";
        this.loop.cancelStep();
        break;
      default: {
        const patch = applyAction(this.state, name, arg);
        if (patch) this.applyPatch(patch);
      }
    }
  }

  /** Builds the network for the current state (new weights from the seed), or from `state`. */
  async #rebuild({ data, state = null }) {
    const ticket = ++this.building;
    if (data) this.#regenerateData();
    const s = this.state;
    const dataSent = this.points.dataFor(s.output);
    let info;
    try {
      info = await this.session.build({
        config: state ? null : engineConfig(s),
        state,
        palette: lut(),
        grid: { size: GRID, thumb: THUMB, ...DOMAIN },
        data: dataSent,
        example: this.points.example,
      });
    } catch (err) {
      if (ticket === this.building) this.messages.showAlert(`Could not build the network: ${err?.message ?? err}`);
      return;
    }
    if (ticket !== this.building || !this.session) return;
    this.sentData = dataSent;
    this.dataVersion++;
    this.editor.dismiss();
    this.frame.views = this.session.views;
    this.frame.view = s.view;
    this.outFrame.showTest = s["show-test"];
    this.outFrame.threshold = info.threshold;
    // The engine centres the output colours on the class threshold: [2t - 1, 1].
    this.range[0] = 2 * info.threshold - 1;
    this.range[1] = 1;
    this.batchView = null;
    this.useBatch = false;
    this.chartVersion = -1;
    this.diagram.setNetwork({
      layers: s.layers, featureLabels: s.features, hidden: s.activation, output: s.output, thumb: THUMB,
      inputScales: this.session.views.inputScales,
    });
    this.loop.setSpeed(speedOf(s.speed));
    this.loop.setNetwork(info.layers);
    this.chart.reset();
    this.inspector.setLayers(info.layers, s.features);
    this.#showSelection(s.inspect);
    this.#layoutLayerBar();
    this.textStale = true;
  }

  #regenerateData() {
    this.points.generate(this.engine, datasetOptions(this.state));
    this.output.setData({ train: this.points.train, test: this.points.test, domain: DOMAIN });
    this.inspector.invalidate();
  }

  // The points changed: send them to the network and forget the step in progress.
  #sendData() {
    const data = this.points.dataFor(this.state.output);
    this.session.setData(data).then(
      () => {
        this.sentData = data;
        this.dataVersion++;
      },
      (err) => this.messages.showAlert(`Could not use the points: ${err?.message ?? err}`),
    );
    this.batchView = null;
    this.useBatch = false;
    this.inspector.invalidate();
    this.loop.cancelStep();
  }

  // ---- points and the selected example --------------------------------------------------------

  pick(set, index) {
    if (!this.points.pick(set, index)) return;
    this.inspector.invalidate();
    this.loop.cancelStep();
  }

  addPoint(x1, x2, label) {
    const index = this.points.add(x1, x2, label);
    if (index < 0) return;
    this.output.setData({ train: this.points.train, test: this.points.test });
    this.#sendData();
    this.pick("train", index);
  }

  removePoint(set, index) {
    if (!this.points.remove(set, index)) return;
    this.output.setData({ train: this.points.train, test: this.points.test });
    this.#sendData();
  }

  // ---- selection, editing, inspector -------------------------------------------------------------

  select(sel) {
    if (sameSelection(sel, this.state.inspect)) {
      this.#showSelection(sel);
      return;
    }
    this.applyPatch({ inspect: sel ? { ...sel } : null });
  }

  #showSelection(sel) {
    const fits = sel && selectionFits(sel, this.state.layers) ? sel : null;
    this.frame.selection = fits;
    if (!fits) this.frame.highlight = null;
    this.layout.inspectorHost.hidden = !fits;
    this.inspector.show(fits);
    const status = this.layout.selectionStatus;
    if (fits && this.session?.info) {
      const { name } = describeSelection(fits, this.state);
      const v = this.#parameterValue(fits);
      status.textContent = v === null ? `Selected ${name}.` : `Selected ${name} = ${formatNumber(v)}.`;
    } else {
      status.textContent = "";
    }
    this.loop.invalidate();
  }

  #onDiagramKey(e) {
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

  #parameterValue(sel) {
    const v = this.session.views;
    if (sel.kind === "w") return v.weights[v.weightIndex(sel.l, sel.j, sel.k)];
    if (sel.kind === "b") return v.biases[v.biasIndex(sel.l, sel.j)];
    return null;
  }

  openEditor(sel) {
    if (!sel || !this.session?.info) return;
    // A neuron's editable number is its bias.
    const target = sel.kind === "n" ? (sel.L > 0 ? { kind: "b", l: sel.L - 1, j: sel.j } : null) : sel;
    if (!target) return;
    if (!sameSelection(target, this.state.inspect)) this.select(target);
    if (this.loop.playing) this.pause();
    this.editing = { ...target };
    const { label, name } = describeSelection(target, this.state);
    const anchor = this.layout.inDiagramArea(this.diagram.anchor(this.editing));
    this.editor.open({ ...anchor, label, name, value: this.#parameterValue(target), returnFocus: this.layout.diagramCanvas });
  }

  #placeEditor() {
    const a = this.layout.inDiagramArea(this.diagram.anchor(this.editing));
    this.editor._place(a.x, a.y);
  }

  #setParameter(sel, value, final = false) {
    if (!sel || !this.session?.info || !Number.isFinite(value)) return;
    this.session.setParameter({ ...sel, value }).then(
      () => {
        if (final) this.#showSelection(this.state.inspect);
      },
      (err) => this.messages.showAlert(`Could not set the value: ${err?.message ?? err}`),
    );
    this.loop.cancelStep();
  }

  // ---- errors while running ------------------------------------------------------------------

  #onEngineError(err) {
    const message = String(err?.message ?? err);
    const m = /diverged at step (\d+)/.exec(message);
    if (!m && !/diverged/.test(message)) {
      this.messages.showAlert(`Something went wrong: ${message}`);
      return;
    }
    const step = m ? Number(m[1]) : (this.session?.snapshot?.stepCount ?? 0) + 1;
    const lr = this.state["learning-rate"];
    const lower = [...LEARNING_RATES].reverse().find((v) => v < lr);
    const action =
      lower === undefined
        ? null
        : { text: `Use ${formatNumber(lower)}`, label: `Lower the learning rate to ${formatNumber(lower)}`, run: () => this.applyPatch({ "learning-rate": lower }) };
    this.messages.showAlert(`The loss became infinite at step ${new Intl.NumberFormat("en-US").format(step)}; lower the learning rate.`, action, "diverged");
    this.dispatchEvent(new CustomEvent("diverged", { detail: { step, message } }));
  }

  // ---- the loop's host ------------------------------------------------------------------------------

  #loopHost() {
    const self = this;
    const TEXT = TEXT_INTERVAL_MS;
    return {
      get ready() {
        return !!self.session?.info;
      },
      get session() {
        return self.session;
      },
      get example() {
        return self.points.example;
      },
      get batchSize() {
        return self.state["batch-size"];
      },
      get trainSize() {
        return self.session?.info?.trainSize ?? 0;
      },
      wantsInspection() {
        return self.inspector.wants({ version: self.session?.snapshot?.version ?? -1, live: self.loop.playing });
      },
      inspection() {
        if (!this.wantsInspection()) return null;
        const ask = self.inspector.request();
        return { ...ask, example: self.points.described, batch: self.useBatch };
      },
      onSnapshot(snap, inspect) {
        if (!inspect) return;
        if (snap?.inspection) self.inspector.render(snap.inspection, { version: snap.version, live: self.loop.playing });
        else self.inspector.failed();
      },
      uploadThumbs() {
        self.frame.thumbs = self.atlas.update(self.session.views, THUMB);
      },
      beforeApply() {
        self.diagram.capturePrevious(self.session.views);
      },
      onStepPrepared() {
        // Step mode on the selected point trains on that one example: no batch to show.
        const onExample = self.loop.stepFor === "example" && !self.loop.playing;
        self.batchView = onExample ? null : self.session.views.batch();
        self.useBatch = !onExample;
        self.inspector.invalidate();
      },
      drawDiagram(anim) {
        self.frame.anim = anim;
        self.frame.views = self.session.views;
        self.diagram.draw(self.frame);
      },
      drawOutput(anim) {
        const f = self.outFrame;
        f.pixels = self.session.views.gridPixels;
        f.batch = anim.phase === "flow" ? null : self.batchView;
        self.output.draw(f);
      },
      drawChart(fresh) {
        const snap = self.session.snapshot;
        if (fresh && snap && snap.version !== self.chartVersion) {
          self.chartVersion = snap.version;
          const m = snap.metrics;
          self.chart.push(snap.stepCount, m[0], m[1], m[2], m[3]);
          self.textStale = true;
        }
        self.chart.draw();
      },
      afterFrame(steps, loss, fresh) {
        const snap = self.session?.snapshot;
        if (!snap) return;
        if (fresh) self.drawnSnapshot = snap;
        const now = performance.now();
        if (self.textStale && (!self.loop.playing || now - self.lastText >= TEXT)) {
          self.lastText = now;
          self.textStale = false;
          self.layout.setMetrics(snap.metrics, snap.stepCount);
        }
        if (steps > 0 && self.stepListeners > 0) {
          self.dispatchEvent(new CustomEvent("step", { detail: { loss: snap.metrics[0], batchLoss: loss, step: snap.stepCount } }));
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
        self.#onEngineError(err);
      },
    };
  }
}

if (!customElements.get("backprop-viz")) customElements.define("backprop-viz", BackpropViz);
