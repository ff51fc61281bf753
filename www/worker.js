// The page's training worker: one module worker per page, shared by every <backprop-viz> on
// it, each figure its own network inside it (www/trainer.js). It is started by www/runner.js,
// which sends the compiled engine first: { op: "init", module }. It answers { op: "ready" }
// (or { op: "failed", error }), then one reply per request, in order:
//   main -> worker: { seq, fid, op, args }           (typed arrays in args are transferred)
//   worker -> main: { seq, ok: true, result } | { seq, ok: false, error }
// Nothing here touches the DOM, and nothing is inline, so it runs under `worker-src 'self'`.

import init, * as wasm from "../pkg/backprop_viz.js";
import { engineOf } from "./engine.js";
import { TrainerHost } from "./trainer.js";

let host = null;

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg?.op === "init") {
    try {
      const exports = await init({ module_or_path: msg.module });
      host = new TrainerHost({ ...engineOf(wasm), memory: exports.memory });
      self.postMessage({ op: "ready" });
    } catch (err) {
      self.postMessage({ op: "failed", error: String(err?.message ?? err) });
    }
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
