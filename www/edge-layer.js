// The diagram's edges rasterised in a worker and shown on a canvas of their own, under the
// diagram's canvas: the main thread only writes the frame's records.
//
// Without a GPU the engine's rasteriser (www/edge-raster.js) is the largest part of the main
// thread's frame: about 9 ms for the 2-8x6-1 network in view "both". Here the diagram writes
// the same records into a plain Float32Array and `put()` sends them to the page's edges
// worker (a second instance of www/worker.js, shared by every figure on the page, so the
// training worker keeps its core). The worker draws them with its own engine and sends back
// an ImageBitmap, which the layer canvas (a "bitmaprenderer" context) takes without a copy.
// The diagram's canvas, with the text, cards and rings, lies over it, transparent elsewhere,
// as over the engine's pixels in the main-thread way.
//
// One frame per figure is in the worker at a time; a frame drawn meanwhile waits, and a newer
// one replaces it, so a slow worker drops frames of edges instead of queueing them. The edges
// therefore show the state the rest of the diagram shows a few milliseconds later (the time
// the worker takes to draw them), never an older one for longer than that.
//
// When the worker cannot start (a CSP without worker-src, say), or fails, `onFail()` is called
// once per layer, after one console warning for the page: the diagram draws its edges on the
// main thread again.
//
//   const edges = new EdgeLayer(engine, layerCanvas, () => fallBack());
//   edges.fit(canvas.width, canvas.height, cssWidth, cssHeight);
//   edges.begin(canvas.width, canvas.height);
//   edges.stroke(...);                        // as EdgeRaster (www/edge-raster.js)
//   edges.put(ctx, dpr);                      // sends the frame; ctx is left alone
//   edges.free();

import { EdgeRecords, RECORD_LENGTH, MAX_SIDE, MAX_PIXELS } from "./edge-raster.js";
import { startWorker } from "./runner.js";

/** The page's edges worker: { state: "starting" | "ready" | "failed", worker, layers }. */
let client = null;
let nextLayer = 1;

function edgesWorker(engine) {
  if (client) return client;
  const c = { state: "starting", worker: null, layers: new Map() };
  client = c;
  const fail = (err) => {
    if (c.state === "failed") return;
    const how = c.worker ? "stopped" : "could not start";
    c.state = "failed";
    c.worker?.terminate();
    c.worker = null;
    console.warn(
      `backprop-viz: the diagram's edges worker ${how} (${err?.message ?? err}); the edges are drawn on the main thread instead. ` +
        "If the page has a Content-Security-Policy, allow the worker with worker-src 'self' (or, from another origin, blob:).",
    );
    const layers = [...c.layers.values()];
    c.layers.clear();
    for (const layer of layers) layer.failed();
  };
  startWorker(engine.module, "backprop-viz-edges").then(
    (w) => {
      if (c.state === "failed") {
        w.terminate();
        return;
      }
      c.state = "ready";
      c.worker = w;
      w.addEventListener("message", (e) => {
        const msg = e.data;
        if (msg?.op !== "edges") return;
        const layer = c.layers.get(msg.id);
        if (layer) layer.reply(msg);
        else msg.bitmap?.close();
      });
      w.addEventListener("error", (e) => {
        e.preventDefault?.();
        fail(new Error(e.message || "the worker failed"));
      });
      for (const layer of c.layers.values()) layer.flush();
    },
    (err) => fail(err),
  );
  return c;
}

/** The page's edges worker, for tests: `{ state, layers }` (layers: figures using it). */
export function edgesWorkerInfo() {
  return client ? { state: client.state, layers: client.layers.size } : { state: "none", layers: 0 };
}

export class EdgeLayer extends EdgeRecords {
  /**
   * @param engine loadEngine()'s result (its compiled `module` starts the worker)
   * @param canvas the layer canvas, under the diagram's, the same CSS size
   * @param onFail called once if the worker cannot draw: draw the edges another way
   */
  constructor(engine, canvas, onFail) {
    super();
    const view = canvas.getContext("bitmaprenderer");
    if (!view) throw new Error("the canvas has no bitmaprenderer context");
    this.canvas = canvas;
    this.view = view;
    this.onFail = onFail;
    this.id = nextLayer++;
    this.client = edgesWorker(engine);
    if (this.client.state === "failed") throw new Error("the page's edges worker could not start");
    this.client.layers.set(this.id, this);
    this.width = 0;
    this.height = 0;
    // Two record buffers: the one written, and the one in the worker (or back, spare).
    this.rec = new Float32Array(1024 * RECORD_LENGTH);
    this.spare = new Float32Array(1024 * RECORD_LENGTH);
    this.inflight = false;
    this.queued = false; // the written buffer holds a frame to send
    this.scale = 1;
    this.count = 0;
    this.sent = 0; // frames sent
    this.clearedAt = 0; // frames sent up to a clear(): their pictures are not shown
    this.posting = false; // a flush is due when the current task ends
    this.post = () => {
      this.posting = false;
      this.flush();
    };
    canvas.hidden = false;
  }

  get cap() {
    return this.rec.length / RECORD_LENGTH;
  }

  grow(cap) {
    const a = new Float32Array(cap * RECORD_LENGTH);
    a.set(this.rec.subarray(0, this.n * RECORD_LENGTH));
    this.rec = a;
  }

  /** Sizes the frames: `width` x `height` device pixels, shown at `cssW` x `cssH`. */
  fit(width, height, cssW, cssH) {
    if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
      throw new Error(`the diagram is ${width} x ${height} device pixels; the engine's rasteriser takes at most ${MAX_SIDE} a side and ${MAX_PIXELS} in all`);
    }
    this.width = width;
    this.height = height;
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    this.canvas.style.width = `${cssW}px`;
    this.canvas.style.height = `${cssH}px`;
  }

  /** Room for at least `count` records. */
  reserve(count) {
    if (count > this.cap) this.grow(count);
  }

  begin(width, height) {
    this.width = width;
    this.height = height;
    this.n = 0;
  }

  /** Sends the frame's records to the worker (now, or when the frame in it comes back). */
  put(_ctx, scale) {
    this.scale = scale;
    this.count = this.n;
    this.queued = true;
    // Sent when the frame's task ends (as the training worker's requests, www/runner.js), so
    // the worker draws while the main thread is done with the frame rather than beside it.
    if (!this.posting) {
      this.posting = true;
      queueMicrotask(this.post);
    }
  }

  flush() {
    const c = this.client;
    if (!this.queued || this.inflight || !c || c.state !== "ready") return;
    const records = this.rec;
    this.rec = this.spare;
    this.spare = null;
    if (this.rec.length < records.length) this.rec = new Float32Array(records.length);
    this.queued = false;
    this.inflight = true;
    this.sent++;
    const msg = { op: "edges", id: this.id, frame: this.sent, width: this.width, height: this.height, scale: this.scale, count: this.count, records };
    c.worker.postMessage(msg, [records.buffer]);
  }

  /** The worker's answer: `{ frame, width, height, bitmap, records, error }`. */
  reply(msg) {
    this.inflight = false;
    if (msg.records) this.spare = msg.records;
    else this.spare = new Float32Array(this.rec.length);
    if (msg.error) {
      msg.bitmap?.close();
      console.warn(`backprop-viz: the edges worker could not draw the diagram's edges (${msg.error}); they are drawn on the main thread instead.`);
      this.failed();
      return;
    }
    const bitmap = msg.bitmap;
    if (bitmap) {
      if (msg.frame > this.clearedAt && msg.width === this.width && msg.height === this.height) this.view.transferFromImageBitmap(bitmap);
      else bitmap.close();
    }
    this.flush();
  }

  /** Empties the layer, now and for any frame on its way. */
  clear() {
    this.queued = false;
    this.clearedAt = this.sent;
    this.view.transferFromImageBitmap(null);
  }

  failed() {
    const onFail = this.onFail;
    this.free();
    onFail?.();
  }

  free() {
    if (!this.client) return;
    this.client.layers.delete(this.id);
    this.client = null;
    this.onFail = null;
    this.clear();
    this.canvas.hidden = true;
  }
}
