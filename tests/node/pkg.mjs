// Loads the built package (pkg/, made by `npm run build`) into Node, once, for the tests here.
import { existsSync, readFileSync } from "node:fs";

const wasm = new URL("../../pkg/backprop_viz_bg.wasm", import.meta.url);
if (!existsSync(wasm)) {
  throw new Error("pkg/backprop_viz_bg.wasm is missing: run `npm run build` first (npm test does)");
}
const pkg = await import("../../pkg/backprop_viz.js");
pkg.initSync({ module: readFileSync(wasm) });

export const { Network, dataset, wasmMemory, parseCsv, oneHot, defaultClassPalette, EdgeRaster } = pkg;
