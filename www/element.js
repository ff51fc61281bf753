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
// - frameHost (frame-host.js): what the Loop asks of the figure, one snapshot to every renderer;
// - FigureData (figure-data.js): CSV, network files, links and the picture, in and out;
// - Selection (selection.js): the selected parameter, the inspector's subject, the editor;
// - figureKey (keys.js): the keyboard shortcuts;
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
  SCHEMA, ELEMENT_ATTRIBUTES, DOMAIN, applyAction, changedKeys, cloneState, datasetOptions, defaults,
  effectsOf, engineConfig, reconcile, speedOf, trainingSettings, formatNumber, taskOf, taskDefaults,
} from "./state.js";
import { Controls, parseControls } from "./controls.js";
import { Loop } from "./loop.js";
import { frameHost } from "./frame-host.js";
import { Editor } from "./editor.js";
import { Points } from "./points.js";
import { Messages, engineErrorNotice } from "./messages.js";
import { sheet } from "./styles.js";
import { Diagram, ThumbAtlas } from "./diagram.js";
import { OutputView } from "./output-view.js";
import { LossChart } from "./charts.js";
import { lut } from "./palette.js";
import { Inspector } from "./inspector.js";
import { Layout } from "./layout.js";
import { UrlState } from "./url-state.js";
import { Lifecycle } from "./lifecycle.js";
import { FigureData } from "./figure-data.js";
import { Selection } from "./selection.js";
import { figureKey } from "./keys.js";

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
    this.io = new FigureData({
      figure: this,
      rebuild: (options) => this.#rebuild(options),
      showData: () => this.#showData(),
      regenerateData: () => this.#regenerateData(),
      sendData: () => this.#sendData(),
      usePoints: (points) => this.#usePoints(points),
    });
    this.classPalette = null;
    this.classColors = [];
    this.frame = { views: null, thumbs: null, view: "both", anim: null, selection: null, highlight: null, reducedMotion: false };
    this.outFrame = {
      pixels: null, gridSize: GRID, showTest: false, selected: this.points.picked, batch: null,
      threshold: 0.5, reducedMotion: false, range: this.range,
    };
    this.atlas = new ThumbAtlas();
    this.loop = new Loop(
      frameHost(this, {
        thumb: THUMB,
        textIntervalMs: TEXT_INTERVAL_MS,
        placeLayerBar: () => this.#placeLayerBar(),
        onError: (err) => this.#onEngineError(err),
      }),
    );
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

  /**
   * The points: `{ task, classes, classNames, train, test }`, each set `{ inputs, labels }`
   * (x1, x2 pairs; the class of each point, or its value for regression; `targets` is the
   * same array, the name earlier versions used).
   */
  get data() {
    const p = this.points;
    const set = (s) => ({ inputs: s.inputs, labels: s.labels, targets: s.labels });
    return { task: p.task, classes: p.classes, classNames: p.classNames.slice(), train: set(p.train), test: set(p.test) };
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

  /** Stops training; resolves once the step that was on its way (if any) has landed. */
  pause() {
    this.autoplayWanted = false;
    this.loop.pause();
    return this.loop.whenIdle();
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

  /**
   * Trains on your own points: CSV text or a File (two numeric feature columns, then a label:
   * 0/1, a class index or name, or a number for regression; docs/API.md, parseCsv). The file
   * is read where the network lives. Resolves to `{ rows, task, classes, classNames, skipped,
   * errors }` (rows that could not be read, by line number, are skipped and listed); rejects,
   * changing nothing, when the file cannot be used at all.
   */
  async setData(source, options = {}) {
    if (!this.runner) await this.ready;
    return this.io.setData(source, options);
  }

  /** The network as its engine state (`toState()` format, docs/API.md), from where it trains. */
  async exportState() {
    if (!this.session?.info) await this.ready;
    return this.io.exportState();
  }

  /**
   * Loads a network (`toState()` format, an object or its JSON text): its structure, settings,
   * seed and weights, on the current data. Rejects, changing nothing, with an error naming the
   * field when the state cannot be used (or does not fit the data: its inputs must match the
   * features and its outputs the data's classes).
   */
  async loadState(input) {
    if (!this.session?.info) await this.ready;
    return this.io.loadState(input);
  }

  /** A PNG of the diagram beside the output view, as a Blob. */
  toPNG() {
    return this.io.toPNG();
  }

  /**
   * A link that restores this exact network: the page's URL (or `base`) with the settings and
   * a `net=` value carrying the weights, the step, hand-edited points and loaded data.
   * Rejects when that is longer than a link can carry (then export the network instead).
   */
  async shareLink(base = location.href) {
    if (!this.session?.info) await this.ready;
    return this.io.shareLink(base);
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
      case "src":
        if (value && this.runner) this.io.loadSrc(value);
        return;
      default: {
        const { patch, errors } = this.url.attributeChanged(name, value, this.state);
        this.messages.setKey("attributes", name, errors);
        this.applyPatch(patch);
      }
    }
  }

  async #init() {
    const src = this.getAttribute("src");
    const { state, errors, share } = this.url.initial({ custom: src ? { task: "binary", classes: 2, pending: true } : null });
    this.messages.set("attributes", [...this.messages.items.attributes, ...errors.attributes]);
    this.messages.set("link", errors.link);
    this.state = state;
    this.controls.update(state);
    try {
      this.runner = await getRunner();
      this.engine = this.runner.engine;
      // The class colours the engine's heatmap uses, for the points, legends and the diagram.
      this.classPalette = this.engine.defaultClassPalette();
      this.classColors = cssColors(this.classPalette);
    } catch (err) {
      this.layout.setLoading(true, "");
      this.messages.showAlert(`The WebAssembly engine could not be loaded: ${err?.message ?? err}`);
      return;
    }
    // Removed while the engine loaded: build nothing now; inserting it again starts over.
    if (this.lifecycle.tornDown) {
      this.started = false;
      return;
    }
    // Without a GPU the diagram's edges are drawn by the engine (freed in teardown).
    this.#useEngine();
    this.#newSession();
    const session = this.session;
    let built = false;
    if (share) built = await this.io.openShare(share);
    if (!built && src && this.session === session) built = await this.io.loadSrc(src);
    if (!built && this.session === session) {
      if (this.state.dataset === "custom") this.state.dataset = "circle";
      this.#regenerateData();
      await this.#rebuild({ data: false });
    }
    // Removed while it was being built: its teardown freed everything; start over if it comes back.
    if (this.session !== session) return;
    this.layout.setLoading(false);
    if (!share) this.url.write(this.state);
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
    const session = this.session;
    return new Promise((resolve) => {
      const check = () => {
        if (this.session?.snapshot && this.drawnSnapshot === this.session.snapshot) resolve();
        else if (this.session === session) requestAnimationFrame(check);
        // else: removed meanwhile; `ready` resolves when it is built again.
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
    else this.started = false; // never built: inserting it again starts from the beginning
    this.inspector.setFrozen(false);
    this.facade?.dispose();
    this.session?.close();
    this.session = null;
    this.diagram.freeEdges();
    this.editor.dismiss();
  }

  // Without a GPU the diagram's edges are drawn by the engine: in the page's edges worker when
  // the training worker could start (else that one would fail too), else here.
  #useEngine() {
    this.diagram.useEngine(this.engine, null, this.runner?.inWorker ? this.layout.edgesCanvas : null);
  }

  // Inserted again after a teardown: the same network, from the state it was removed with.
  async #revive() {
    if (!this.session && !this.savedState) {
      // Torn down before it was ever built.
      if (!this.started) {
        this.started = true;
        this.#init();
      }
      return;
    }
    if (!this.runner) return;
    this.#useEngine();
    this.#newSession();
    const saved = this.savedState;
    this.savedState = null;
    await this.#rebuild({ data: false, state: saved });
    if (this.isConnected) this.loop.start();
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
        this.selection.placeEditor();
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
      onRedraw: () => this.loop.invalidate(),
    });
    L.diagramCanvas.addEventListener("keydown", (e) => this.selection.onDiagramKey(e));
    this.output = new OutputView(L.outputCanvas, {
      onAdd: (x1, x2, label) => this.addPoint(x1, x2, label),
      onRemove: (set, index) => this.removePoint(set, index),
      onPick: (set, index) => this.pick(set, index),
      onRedraw: () => this.loop.invalidate(),
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
      onInput: (v) => this.selection.setParameter(v),
      onCommit: (v) => this.selection.setParameter(v, true),
      onCancel: (v) => this.selection.setParameter(v, true),
    });
    this.selection = new Selection(this);
    this.#buildControls();
    // A CSV file dropped on the figure trains it (where the data control is offered).
    const root = L.root;
    const accepts = (e) => this.controls.has("dataset") && [...(e.dataTransfer?.types ?? [])].includes("Files");
    root.addEventListener("dragover", (e) => {
      if (!accepts(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
      root.classList.add("dropping");
    });
    root.addEventListener("dragleave", (e) => {
      if (!root.contains(e.relatedTarget)) root.classList.remove("dropping");
    });
    root.addEventListener("drop", (e) => {
      root.classList.remove("dropping");
      if (!accepts(e)) return;
      e.preventDefault();
      const file = e.dataTransfer.files?.[0];
      if (!file) return;
      if (/\.json$/i.test(file.name)) this.#action("load-json", file);
      else this.#action("load-csv", file);
    });
  }

  #buildControls() {
    this.layout.clearControls();
    const { names, error } = parseControls(this.getAttribute("controls"));
    this.messages.setKey("attributes", "controls", error ? [{ message: error }] : []);
    this.controls = new Controls(
      this.layout.controlParts,
      { onChange: (patch) => this.applyPatch(patch), onAction: (name, arg, by) => this.#action(name, arg, by) },
      names,
    );
    this.controls.buildShare({ link: this.hasAttribute("sync-hash") });
    if (this.io.custom) this.controls.setCustom(this.io.custom.info, this.io.custom.name);
    this.layout.controlsBuilt(this.controls.hasPanel);
    this.controls.setPlaying(this.loop.playing);
    this.controls.setStepMode(this.loop.stepBy, this.loop.stepFor);
    this.controls.setPhase(this.loop.phaseText());
  }

  // The layer buttons sit over the diagram's columns: placed in the next drawn frame, when
  // layout is done anyway (reading positions now would force a layout of its own).
  #layoutLayerBar() {
    this.layerBarDirty = true;
    this.loop.invalidate();
  }

  #placeLayerBar() {
    this.layerBarDirty = false;
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

  // Space, Right and R, unless the focused control uses that key itself (keys.js).
  #onKeyDown(e) {
    if (!this.session?.info) return;
    const key = figureKey(e);
    if (!key) return;
    e.preventDefault();
    if (key === "toggle") {
      if (this.loop.playing) this.pause();
      else this.play();
    } else if (key === "step") this.loop.stepButton();
    else this.reset();
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
    const custom = this.io.customInfo;
    // A data set of another task starts with that task's output and loss (the derivation's
    // sigmoid with cross-entropy for two classes), unless the change sets them itself.
    const task = taskOf(next, custom).task;
    if (task !== taskOf(this.state, custom).task && !("output" in patch) && !("loss" in patch)) Object.assign(next, taskDefaults(task));
    reconcile(next, [], { custom });
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
        if (fx.data && next.dataset === "custom" && this.io.custom && (keys.includes("train-ratio") || keys.includes("seed"))) {
          this.io.resplit();
        } else if (fx.data) {
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
    if (keys.includes("inspect") || fx.rebuild) this.selection.show(next.inspect);
    this.controls.update(next);
    this.loop.invalidate();
    this.url.write(this.state);
  }

  #action(name, arg, by = 1) {
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
      case "brush":
        this.output.setBrush(arg);
        break;
      case "load-csv":
        this.setData(arg).catch(() => {}); // the figure shows why
        break;
      case "load-json":
        this.io.loadJsonFile(arg);
        break;
      case "save-json":
        this.io.saveJson();
        break;
      case "save-png":
        this.io.savePng();
        break;
      case "copy-link":
        this.io.copyLink();
        break;
      default: {
        const patch = applyAction(this.state, name, arg, Math.random, by);
        if (patch) this.applyPatch(patch);
      }
    }
  }

  /** Builds the network for the current state (new weights from the seed), or from `state`. */
  async #rebuild({ data, state = null, rethrow = false }) {
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
        classPalette: this.classPalette,
        grid: { size: GRID, thumb: THUMB, ...this.#domain(), outputRange: this.points.outputRange },
        data: dataSent,
        example: this.points.example,
      });
    } catch (err) {
      if (rethrow) throw err;
      if (ticket === this.building) this.messages.showAlert(`Could not build the network: ${err?.message ?? err}`);
      return false;
    }
    if (ticket !== this.building || !this.session) return false;
    this.sentData = dataSent;
    this.dataVersion++;
    this.editor.dismiss();
    this.frame.views = this.session.views;
    this.frame.view = s.view;
    this.outFrame.showTest = s["show-test"];
    this.outFrame.threshold = info.threshold;
    // The output values the heatmap's colours span, as the engine renders them.
    this.range[0] = info.outputRange[0];
    this.range[1] = info.outputRange[1];
    this.batchView = null;
    this.useBatch = false;
    this.chartVersion = -1;
    const p = this.points;
    this.diagram.setNetwork({
      layers: s.layers, featureLabels: s.features, hidden: s.activation, output: s.output, thumb: THUMB,
      inputScales: this.session.views.inputScales,
      outputLabels: p.task === "multiclass" ? p.classNames.map((n, c) => (n === String(c) ? `class ${c}` : n)) : null,
      classColors: p.task === "multiclass" ? this.classColors.slice(0, p.classes) : null,
    });
    this.loop.setSpeed(speedOf(s.speed));
    this.loop.setNetwork(info.layers);
    this.chart.reset();
    this.inspector.setLayers(info.layers, s.features);
    this.selection.show(s.inspect);
    this.#layoutLayerBar();
    this.textStale = true;
    return true;
  }

  // Other points (null: new ones for the state's data set), shown and selectable.
  #usePoints(points) {
    this.points = points ?? new Points();
    this.outFrame.selected = this.points.picked;
    if (points) this.#showData();
    else this.#regenerateData();
  }

  // New points for the state's data set (loaded data stays as it was loaded).
  #regenerateData() {
    if (this.state.dataset === "custom" && this.io.custom) {
      this.points.use(this.io.custom.data, this.io.custom.bounds);
    } else {
      this.points.generate(this.engine, datasetOptions(this.state));
    }
    this.#showData();
  }

  // The points, their task and their colours to the output view and the class picker.
  #showData() {
    const p = this.points;
    this.output.setData({
      train: p.train, test: p.test, domain: this.#domain(), task: p.task, classes: p.classes,
      classNames: p.classNames, classColors: this.classColors,
    });
    this.controls.setClasses(p.task === "multiclass" ? p.classNames : null, this.classColors, this.output.brush);
    this.layout.setAccuracyShown(p.task !== "regression");
    this.inspector.invalidate();
  }

  // The input plane the heatmap covers: the generated sets' [-6, 6]², or the loaded data's.
  #domain() {
    return this.points.bounds ?? DOMAIN;
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

  // ---- selection and editing (selection.js) ----------------------------------------------------

  /** Selects a parameter or neuron (`{ kind, ... }`, null for none) for the inspector. */
  select(sel) {
    this.selection.select(sel);
  }

  /** Opens the value editor on a weight or bias (a neuron: its bias). */
  openEditor(sel) {
    this.selection.openEditor(sel);
  }

  // ---- errors while running ------------------------------------------------------------------

  #onEngineError(err) {
    const lr = this.state["learning-rate"];
    const notice = engineErrorNotice(err, { stepCount: this.session?.snapshot?.stepCount ?? 0, learningRate: lr });
    if (!notice.diverged) {
      this.messages.showAlert(notice.text);
      return;
    }
    const lower = notice.lowerRate;
    const action =
      lower === null
        ? null
        : { text: `Use ${formatNumber(lower)}`, label: `Lower the learning rate to ${formatNumber(lower)}`, run: () => this.applyPatch({ "learning-rate": lower }) };
    this.messages.showAlert(notice.text, action, "diverged");
    this.dispatchEvent(new CustomEvent("diverged", { detail: { step: notice.step, message: notice.message } }));
  }


}

/** CSS colours from RGBA bytes. */
function cssColors(rgba) {
  const out = [];
  for (let i = 0; i + 3 < rgba.length; i += 4) out.push(`rgb(${rgba[i]}, ${rgba[i + 1]}, ${rgba[i + 2]})`);
  return out;
}

if (!customElements.get("backprop-viz")) customElements.define("backprop-viz", BackpropViz);
