// The page's training worker: one module worker per page, shared by every <backprop-viz> on
// it, each figure its own network inside it (www/trainer.js). It is started by www/runner.js,
// which sends the compiled engine first: { op: "init", module }. It answers { op: "ready" }
// (or { op: "failed", error }), then one reply per request, in order:
//   main -> worker: { seq, fid, op, args }           (typed arrays in args are transferred)
//   worker -> main: { seq, ok: true, result } | { seq, ok: false, error }
// The page's edges worker (www/edge-layer.js) is another instance of this script: it answers
//   main -> worker: { op: "edges", id, frame, width, height, scale, count, records }
//   worker -> main: { op: "edges", id, frame, width, height, bitmap, records } | { ..., error }
// (the records come back for the next frame; the bitmap is an ImageBitmap, or null if empty).
// Nothing here touches the DOM, and nothing is inline, so it runs under `worker-src 'self'`.

import init, * as wasm from "../pkg/backprop_viz.js";
import { engineOf } from "./engine.js";
import { TrainerHost } from "./trainer.js";
import { EdgePainter } from "./edge-raster.js";

let host = null;
let engine = null;
let painter = null;

function paintEdges(msg) {
  const { id, frame, width, height, records } = msg;
  const back = records?.buffer instanceof ArrayBuffer ? [records.buffer] : [];
  try {
    if (!engine) throw new Error("the engine is not loaded in the worker yet");
    painter ??= new EdgePainter(engine);
    const bitmap = painter.paint(msg);
    self.postMessage({ op: "edges", id, frame, width, height, bitmap, records }, bitmap ? [bitmap, ...back] : back);
  } catch (err) {
    self.postMessage({ op: "edges", id, frame, width, height, bitmap: null, records, error: String(err?.message ?? err) }, back);
  }
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg?.op === "init") {
    try {
      const exports = await init({ module_or_path: msg.module });
      engine = { ...engineOf(wasm), memory: exports.memory };
      host = new TrainerHost(engine);
      self.postMessage({ op: "ready" });
    } catch (err) {
      self.postMessage({ op: "failed", error: String(err?.message ?? err) });
    }
    return;
  }
  if (msg?.op === "edges") {
    paintEdges(msg);
    return;
  }
  const { seq } = msg;
  try {
    if (!host) throw new Error("the engine is not loaded in the worker yet");
    const { result, transfer } = await host.handleAsync(msg);
    self.postMessage({ seq, ok: true, result }, transfer ?? []);
  } catch (err) {
    self.postMessage({ seq, ok: false, error: String(err?.message ?? err) });
  }
};
