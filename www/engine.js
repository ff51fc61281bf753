// Loading the wasm engine, once per page.
//
// The module is fetched and compiled once per page (the promise below) and instantiated on
// the main thread, where tests, the element's read-only `network` and the fallback trainer
// use it; the compiled WebAssembly.Module is also handed to the training worker
// (www/runner.js), which instantiates it again without fetching or compiling anything.

import init, * as wasm from "../pkg/backprop_viz.js";

export { NetworkViews } from "./views.js";

/** Where the engine's wasm file is, next to this package's `pkg/backprop_viz.js`. */
export const WASM_URL = new URL("../pkg/backprop_viz_bg.wasm", import.meta.url);

let loading = null;

/**
 * Fetches, compiles and instantiates the wasm module the first time it is called; later
 * calls return the same promise. Resolves to `{ Network, dataset, parseCsv, memory, module }`
 * (`module` is the compiled WebAssembly.Module, for workers).
 */
export function loadEngine() {
  loading ??= compile().then(
    async (module) => {
      const exports = await init({ module_or_path: module });
      return { ...engineOf(wasm), memory: exports.memory, module };
    },
    (err) => {
      // Forget a failed load (a dropped connection, say), so a later instance can try again.
      loading = null;
      throw err;
    },
  );
  return loading;
}

/** The engine's JS API from the generated module's namespace (the same in the worker). */
export function engineOf(ns) {
  return {
    Network: ns.Network,
    dataset: ns.dataset,
    parseCsv: ns.parseCsv ?? null,
    oneHot: ns.oneHot ?? null,
    defaultClassPalette: ns.defaultClassPalette ?? null,
    EdgeRaster: ns.EdgeRaster ?? null,
  };
}

// Streaming compilation needs the server to send application/wasm; with another type it
// fails, and the bytes are compiled from an ArrayBuffer instead (slower, with a warning).
async function compile() {
  const response = fetch(WASM_URL);
  if (typeof WebAssembly.compileStreaming === "function") {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (err) {
      const r = await response;
      if (!r.ok) throw new Error(`could not fetch ${WASM_URL.pathname}: HTTP ${r.status}`);
      if (r.headers.get("Content-Type") === "application/wasm") throw err;
      console.warn(`backprop-viz: ${WASM_URL.pathname} is served as "${r.headers.get("Content-Type")}", not application/wasm; compiling it the slow way.`);
    }
  }
  const r = await fetch(WASM_URL);
  if (!r.ok) throw new Error(`could not fetch ${WASM_URL.pathname}: HTTP ${r.status}`);
  return WebAssembly.compile(await r.arrayBuffer());
}
