// Where a figure's network lives and trains: one `Trainer` per <backprop-viz>, all of a page's
// trainers in one `TrainerHost`. The host runs in the page's training worker (www/worker.js)
// or, when no worker can start, on the main thread (www/runner.js, LocalRunner); either way
// the element talks to it only through messages, so the two are the same to it.
//
// No DOM. The engine (`{ Network, dataset, parseCsv, memory }`) is passed in, so Node tests
// can drive a trainer with the built pkg/ directly.
//
// A `frame` request does, in order: the training it asks for (n steps, or one phase of a
// step: prepare, apply), the heatmap and metrics if a weight changed, a probe of the selected
// example, and the inspector's numbers if asked. Its reply, the *snapshot*, copies everything
// the main thread draws (weights, gradients, activations, metrics, pixels, the inspector's
// model) from that one state of the network, so every figure in one drawn frame comes from
// one state (issue 11). The copies go into buffers the main thread hands back after drawing
// (transferred both ways, never copied by postMessage), so the steady state allocates no
// typed arrays.

import { NetworkViews } from "./views.js";
import { computeInspection } from "./inspection.js";

/** The largest number of examples a batch-mean inspection derives (the mean uses all of them). */
const INSPECT_BATCH_MAX = 100;

/** A typed array of `length` of `Type`: `spare` if it fits, else a new one. */
function reuse(spare, Type, length) {
  return spare instanceof Type && spare.length === length ? spare : new Type(length);
}

/** One figure's network, its data, and its frozen copy for the inspector. */
export class Trainer {
  constructor(engine) {
    this.engine = engine;
    this.net = null;
    this.views = null;
    this.data = null; // { train: { inputs, targets }, test: { inputs, targets } } as the net has them
    this.version = 0; // counts weight states: bumped whenever a weight may have changed
    this.rendered = -1; // the version the heatmap shows
    this.measured = -1; // the version the metrics are for
    this.frozen = null; // { net, dL_dW, dL_db, batch, step } while the inspector is frozen
  }

  /**
   * A new network from `config` (`new Network(config)`) or `state` (`Network.fromState`),
   * with the heatmap's `grid` and `palette`, trained on `data` (or the data it had). Returns
   * the network's shape: `{ layers, inputSize, threshold, outputRange, trainSize, testSize,
   * inputScales }`.
   * On an error nothing changes.
   */
  build({ config = null, state = null, grid, palette, classPalette = null, data = null }) {
    const { Network } = this.engine;
    const net = state ? Network.fromState(state) : new Network(config ?? {});
    try {
      if (palette) net.setPalette(palette);
      if (classPalette) net.setClassPalette(classPalette);
      if (grid) net.setGrid(grid);
      const d = data ?? this.data;
      if (d) {
        net.setTrainingData(d.train.inputs, d.train.targets);
        net.setTestData(d.test.inputs, d.test.targets);
      }
      if (data) this.data = data;
    } catch (err) {
      net.free();
      throw err;
    }
    this.dropFrozen();
    this.net?.free();
    this.net = net;
    this.views = new NetworkViews(this.engine, net);
    this.version++;
    return this.info();
  }

  /** The network's shape and sizes. */
  info() {
    const net = this.net;
    return {
      layers: Array.from(net.layers),
      inputSize: net.inputSize,
      threshold: net.threshold,
      outputRange: Array.from(net.outputRange),
      trainSize: net.trainSize,
      testSize: net.testSize,
      inputScales: Array.from(this.views.refresh().inputScales),
    };
  }

  /** New training and test data (`{ inputs, targets }` each, flat). Nothing changes on an error. */
  setData({ train, test }) {
    const net = this.net;
    const old = this.data;
    net.setTrainingData(train.inputs, train.targets);
    try {
      net.setTestData(test.inputs, test.targets);
    } catch (err) {
      if (old) net.setTrainingData(old.train.inputs, old.train.targets);
      throw err;
    }
    this.data = { train, test };
    this.measured = -1;
    return { trainSize: net.trainSize, testSize: net.testSize };
  }

  /** `net.configure(settings)`: training settings; the weights are kept. */
  configure(settings) {
    this.net.configure(settings);
  }

  /** Sets one weight (`kind` "w": l, j, k) or bias ("b": l, j). */
  setParameter({ kind, l, j, k, value }) {
    if (kind === "w") this.net.setWeight(l, j, k, value);
    else this.net.setBias(l, j, value);
    this.version++;
  }

  /** Keeps a copy of the network (and its last batch gradient) for the frozen inspector, or drops it. */
  freeze(on) {
    this.dropFrozen();
    if (!on) return;
    const { Network } = this.engine;
    const v = this.views.refresh();
    this.frozen = {
      net: Network.fromState(this.net.toState()),
      dL_dW: Float64Array.from(v.dL_dW),
      dL_db: Float64Array.from(v.dL_db),
      batch: Uint32Array.from(v.batch()),
      step: this.net.stepCount,
    };
  }

  dropFrozen() {
    this.frozen?.net.free();
    this.frozen = null;
  }

  /**
   * One frame's work; returns `{ snapshot, transfer }`. `req`:
   * - `train`: null, `{ mode: "steps", n }` (n mini-batch updates), `{ mode: "prepare", on }`
   *   (the next batch's gradients, or `on: "example"` the selected example's, without an
   *   update), `{ mode: "apply" }` (the prepared update) or `{ mode: "step", on }` (both);
   * - `example`: `{ input, target }`, the selected example, probed for the diagram's activations;
   * - `inspect`: null or `{ selection, frozen, example: { input, target, label } | null, batch }`
   *   (`batch`: derive the mean over the last prepared batch);
   * - `buffers`: typed arrays from earlier snapshots to fill again (any of the snapshot's).
   * A training error (divergence) is reported in `snapshot.error`; the rest still happens.
   */
  frame({ train = null, example = null, inspect = null, buffers = {}, render = false }) {
    const net = this.net;
    const t0 = performance.now();
    let loss = NaN;
    let error = null;
    const before = net.stepCount;
    if (train) {
      try {
        loss = this.train(train, example);
      } catch (err) {
        error = String(err?.message ?? err);
      }
      if (train.mode !== "prepare") this.version++;
    }
    const t1 = performance.now();
    let grid = null;
    if (this.rendered !== this.version || render) {
      net.renderGrid();
      this.rendered = this.version;
      grid = true;
    }
    const t2 = performance.now();
    if (this.measured !== this.version) {
      net.refreshMetrics();
      this.measured = this.version;
    }
    if (example) net.probe(example.input);
    const v = this.views.refresh();
    const b = buffers;
    const copy = (name, Type, src) => {
      const out = reuse(b[name], Type, src.length);
      out.set(src);
      return out;
    };
    const batch = v.batch();
    const snapshot = {
      version: this.version,
      stepCount: net.stepCount,
      stepped: net.stepCount - before,
      lastLoss: net.lastLoss,
      loss,
      trainSize: net.trainSize,
      testSize: net.testSize,
      error,
      weights: copy("weights", Float64Array, v.weights),
      biases: copy("biases", Float64Array, v.biases),
      dL_dW: copy("dL_dW", Float64Array, v.dL_dW),
      dL_db: copy("dL_db", Float64Array, v.dL_db),
      a: copy("a", Float64Array, v.a),
      z: copy("z", Float64Array, v.z),
      metrics: copy("metrics", Float64Array, v.metrics),
      batch: copy("batch", Uint32Array, batch),
      gridPixels: grid ? copy("gridPixels", Uint8ClampedArray, v.gridPixels) : null,
      thumbPixels: grid ? copy("thumbPixels", Uint8ClampedArray, v.thumbPixels) : null,
      inspection: inspect ? this.inspect(inspect) : null,
      timing: { train: t1 - t0, render: grid ? t2 - t1 : 0, total: 0 },
    };
    snapshot.timing.total = performance.now() - t0;
    const transfer = [];
    for (const k of ["weights", "biases", "dL_dW", "dL_db", "a", "z", "metrics", "batch", "gridPixels", "thumbPixels"]) {
      if (snapshot[k]) transfer.push(snapshot[k].buffer);
    }
    return { snapshot, transfer };
  }

  // The training a frame asked for; returns the loss it reports.
  train(train, example) {
    const net = this.net;
    const prepare = () => (train.on === "example" ? net.prepareExample(example.input, example.target) : net.prepareStep());
    switch (train.mode) {
      case "steps":
        return net.step(train.n ?? 1);
      case "prepare":
        return prepare();
      case "apply":
        net.applyStep();
        return net.lastLoss;
      case "step": {
        const loss = prepare();
        net.applyStep();
        return loss;
      }
      default:
        throw new Error(`train.mode: unknown mode ${JSON.stringify(train.mode)}; allowed: steps, prepare, apply, step`);
    }
  }

  /** The inspector's model for `selection`, on the live network or the frozen copy. */
  inspect({ selection, frozen = false, example = null, batch = false }) {
    const f = frozen ? this.frozen : null;
    const net = f ? f.net : this.net;
    const v = f ? null : this.views.refresh();
    const gradients = f ? { dL_dW: f.dL_dW, dL_db: f.dL_db } : { dL_dW: v.dL_dW, dL_db: v.dL_db };
    let rows = null;
    if (batch && this.data) {
      const idx = f ? f.batch : v.batch();
      rows = this.batchRows(idx);
    }
    return computeInspection(this.engine, net, {
      selection,
      example,
      batch: rows && rows.length ? { rows } : null,
      gradients,
      step: f ? f.step : net.stepCount,
    });
  }

  // The training examples at batch indices `idx`, as the inspector derives them.
  batchRows(idx) {
    const { inputs, targets } = this.data.train;
    const nIn = this.net.inputSize;
    const n = Math.min(idx.length, INSPECT_BATCH_MAX);
    const nOut = targets.length / (inputs.length / nIn);
    const rows = [];
    for (let q = 0; q < n; q++) {
      const i = idx[q];
      rows.push({
        input: inputs.slice(i * nIn, (i + 1) * nIn),
        target: targets.slice(i * nOut, (i + 1) * nOut),
        label: `#${i}`,
      });
    }
    return rows;
  }

  /** Frees the network (and the frozen copy) at once. */
  destroy() {
    this.dropFrozen();
    this.net?.free();
    this.net = null;
    this.views = null;
    this.data = null;
  }
}

/**
 * Every figure's trainer on a page, behind one message handler. `handle({ fid, op, args })`
 * returns `{ result, transfer }` or throws; ops: `create` (a new trainer, then `build`),
 * `build`, `setData`, `configure`, `setParameter`, `freeze`, `frame`, `destroy`, and the
 * page-wide `stats` and `parseCsv`.
 */
export class TrainerHost {
  constructor(engine) {
    this.engine = engine;
    this.trainers = new Map();
  }

  handle({ fid, op, args }) {
    switch (op) {
      case "stats":
        return { result: this.stats() };
      case "parseCsv": {
        if (!this.engine.parseCsv) throw new Error("parseCsv: this build of the engine cannot read CSV");
        const d = this.engine.parseCsv(args.text, args.options ?? {});
        // Its arrays move to the main thread without a copy.
        const transfer = [];
        for (const part of [d.train, d.test]) for (const k of ["inputs", "targets", "labels"]) if (part?.[k]?.buffer) transfer.push(part[k].buffer);
        return { result: d, transfer };
      }
      case "create": {
        const t = new Trainer(this.engine);
        const info = t.build(args);
        this.trainers.get(fid)?.destroy();
        this.trainers.set(fid, t);
        return { result: info };
      }
      case "destroy": {
        this.trainers.get(fid)?.destroy();
        this.trainers.delete(fid);
        return { result: null };
      }
      default:
        break;
    }
    const t = this.trainers.get(fid);
    if (!t) throw new Error(`figure ${fid}: it has no network (it was removed, or never built)`);
    switch (op) {
      case "build":
        return { result: t.build(args) };
      case "setData":
        return { result: t.setData(args) };
      case "configure":
        return { result: t.configure(args) };
      case "setParameter":
        return { result: t.setParameter(args) };
      case "freeze":
        return { result: t.freeze(args.on) };
      case "frame": {
        const { snapshot, transfer } = t.frame(args);
        return { result: snapshot, transfer };
      }
      case "state":
        return { result: t.net.toState() };
      default:
        throw new Error(`op: unknown operation ${JSON.stringify(op)}`);
    }
  }

  /** `handle(msg)`, after reading the File a request may carry (parseCsv's) where it runs. */
  async handleAsync(msg) {
    if (msg.args?.file) msg = { ...msg, args: { ...msg.args, text: await msg.args.file.text(), file: undefined } };
    return this.handle(msg);
  }

  /** Live networks (a frozen copy counts too) and the engine's memory, for leak tests. */
  stats() {
    let networks = 0;
    for (const t of this.trainers.values()) networks += (t.net ? 1 : 0) + (t.frozen ? 1 : 0);
    return { figures: this.trainers.size, networks, wasmBytes: this.engine.memory.buffer.byteLength };
  }
}
