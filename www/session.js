// One figure's link to its network, which lives where the page's runner keeps it (the training
// worker, www/runner.js): requests out, snapshots in. No DOM.
//
//   const session = new Session(await getRunner());
//   await session.build({ config, grid, palette, data });   // -> info: layers, threshold, ...
//   const snap = await session.frame({ train: { mode: "steps", n: 25 }, example });
//   session.views.weights;                                     // the latest snapshot, drawn from
//   session.close();                                           // frees the network at once
//
// `views` has the same fields as NetworkViews (www/views.js), read from the latest snapshot
// instead of wasm memory, so the renderers take either. When a snapshot replaces the arrays
// of the one before, those go to a pool and are handed back to the worker with the next frame
// request, to be filled again (transferred both ways, never copied by postMessage).

import { LayerIndex } from "./views.js";

/** The snapshot's typed arrays, by name. */
const ARRAYS = ["weights", "biases", "dL_dW", "dL_db", "a", "z", "metrics", "batch", "gridPixels", "thumbPixels"];

/** What the renderers read of a network, from the latest snapshot (NetworkViews' interface). */
export class FrameViews extends LayerIndex {
  constructor() {
    super();
    this.setLayers([]);
    this.inputScales = new Float32Array(0);
    for (const k of ARRAYS) if (k !== "batch") this[k] = null;
    this._batch = new Uint32Array(0);
  }

  /** A new network's shape (`info` from build): resets every array. */
  setShape(info) {
    const { weights: w, biases: b, neurons: n } = this.setLayers(info.layers);
    this.inputScales = Float32Array.from(info.inputScales ?? []);
    this.weights = new Float64Array(w);
    this.biases = new Float64Array(b);
    this.dL_dW = new Float64Array(w);
    this.dL_db = new Float64Array(b);
    this.a = new Float64Array(n);
    this.z = new Float64Array(n);
    this.metrics = new Float64Array(4).fill(NaN);
    this.gridPixels = new Uint8ClampedArray(0);
    this.thumbPixels = new Uint8ClampedArray(0);
    this._batch = new Uint32Array(0);
  }

  /** Takes the snapshot's arrays; returns the ones it replaced (for reuse). */
  adopt(snap) {
    const freed = [];
    for (const k of ARRAYS) {
      const next = k === "batch" ? snap.batch : snap[k];
      if (!next) continue;
      const old = k === "batch" ? this._batch : this[k];
      if (old && old !== next && old.byteLength) freed.push([k, old]);
      if (k === "batch") this._batch = next;
      else this[k] = next;
    }
    return freed;
  }

  /** NetworkViews compatibility: a snapshot's views never go stale. */
  refresh() {
    return this;
  }

  invalidate() {}

  /** The last prepared batch's training-set indices. */
  batch() {
    return this._batch;
  }
}

export class Session {
  constructor(runner) {
    this.runner = runner;
    this.channel = runner.channel();
    this.views = new FrameViews();
    /** The network's shape and sizes, from the last build: `{ layers, inputSize, threshold, ... }`. */
    this.info = null;
    /** The latest snapshot (its arrays are `views`'). */
    this.snapshot = null;
    /** Counts builds: a snapshot of an older build is dropped. */
    this.generation = 0;
    this.pool = new Map();
  }

  /** Whether the network trains off the main thread. */
  get inWorker() {
    return this.channel.inWorker;
  }

  /**
   * A new network: `{ config | state, grid, palette, data?, example? }` (trainer.js,
   * Trainer.build). Resolves to its info once `views` shows the new network (probed on
   * `example`); on an error the old network stays.
   */
  async build({ example = null, ...args }) {
    const op = this.info ? "build" : "create";
    const info = await this.channel.request(op, args);
    this.generation++;
    this.info = info;
    this.snapshot = null;
    this.pool.clear();
    this.views.setShape(info);
    // The new network's first snapshot, so `views` shows it from now on.
    await this.frame({ train: null, example, inspect: null });
    return info;
  }

  /** New data: `{ train, test }`, each `{ inputs, targets }` flat. */
  async setData(data) {
    const sizes = await this.channel.request("setData", data);
    if (this.info) Object.assign(this.info, sizes);
    return sizes;
  }

  configure(settings) {
    return this.channel.request("configure", settings);
  }

  setParameter(p) {
    return this.channel.request("setParameter", p);
  }

  freeze(on) {
    return this.channel.request("freeze", { on });
  }

  /** The network's state (`toState()`), as it is now where it lives. */
  state() {
    return this.channel.request("state", {});
  }

  /**
   * One frame: `{ train, example, inspect, render }` (trainer.js, Trainer.frame). Resolves to
   * the snapshot once `views` shows it, or to null if the network was rebuilt meanwhile.
   */
  async frame(req) {
    const generation = this.generation;
    const buffers = {};
    const transfer = [];
    for (const [k, arr] of this.pool) {
      buffers[k] = arr;
      if (this.inWorker) transfer.push(arr.buffer);
    }
    this.pool.clear();
    const snap = await this.channel.request("frame", { ...req, buffers }, transfer);
    if (generation !== this.generation) return null;
    for (const [k, old] of this.views.adopt(snap)) this.pool.set(k, old);
    this.snapshot = snap;
    return snap;
  }

  /** Frees the network at once; later requests are refused. */
  close() {
    this.info = null;
    this.snapshot = null;
    this.pool.clear();
    return this.channel.close();
  }
}
