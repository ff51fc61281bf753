#!/usr/bin/env node
// Runs before `npm pack` and `npm publish`: the package ships the built engine (pkg/, made by
// `npm run build` and not committed), so refuse to pack without it, and warn when the Rust
// sources are newer than the build.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NEEDED = ["pkg/backprop_viz.js", "pkg/backprop_viz_bg.wasm", "pkg/backprop_viz.d.ts"];

const missing = NEEDED.filter((f) => !fs.existsSync(path.join(ROOT, f)));
if (missing.length) {
  console.error(`prepack: ${missing.join(", ")} missing: run \`npm run build\` first (the package ships the built engine).`);
  process.exit(1);
}

const built = fs.statSync(path.join(ROOT, "pkg/backprop_viz_bg.wasm")).mtimeMs;
const sources = ["Cargo.toml", "Cargo.lock", ...fs.readdirSync(path.join(ROOT, "src")).map((f) => `src/${f}`)];
const newer = sources.filter((f) => fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).mtimeMs > built);
if (newer.length) {
  console.warn(`prepack: warning: ${newer.join(", ")} changed after the last build; \`npm run build\` to ship them.`);
}
