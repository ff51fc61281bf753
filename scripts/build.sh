#!/usr/bin/env bash
# Builds the crate to WebAssembly for the browser: pkg/backprop_viz.js,
# pkg/backprop_viz_bg.wasm and their .d.ts files, loaded by www/ as ES modules.
# Extra arguments go to wasm-pack (e.g. `npm run build -- --dev`; later ones win).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -d "$HOME/.cargo/bin" ]; then PATH="$HOME/.cargo/bin:$PATH"; fi

# wasm-opt comes from the npm package `binaryen` (node_modules/.bin, put
# first on PATH: wasm-pack runs whichever wasm-opt PATH finds first, with the
# flags in Cargo.toml's [package.metadata.wasm-pack.profile.release]).
# Debian bookworm's binaryen 108 must not be used: reading and writing
# wasm-bindgen 0.2.130's output, it re-points the `__wbindgen_externrefs`
# export at the funcref table, and init() then throws
# "WebAssembly.Table.set(): Argument 1 is invalid for table".
WASM_OPT="$ROOT/node_modules/.bin/wasm-opt"
[ -x "$WASM_OPT" ] || { echo "build: $WASM_OPT missing: run \`npm run setup\` (npm ci)" >&2; exit 1; }
PATH="$ROOT/node_modules/.bin:$PATH"
export PATH

# --mode no-install: never let wasm-pack download wasm-bindgen, wasm-opt or
# anything else (no internet here); scripts/setup.sh installs them.
# --no-pack: the repo root's package.json is the npm package; pkg/ only holds
# the generated .js/.d.ts/.wasm.
wasm-pack build --mode no-install --target web --release --out-dir pkg --no-pack --no-gitignore "$@"
rm -f pkg/.gitignore pkg/package.json pkg/README.md
echo "built: $(cd pkg && ls -1 | tr '\n' ' ')"
