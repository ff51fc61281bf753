#!/usr/bin/env bash
# Installs whatever the build, the demo and the tests need, and skips what is
# already there at the right version. Idempotent and fast when nothing is
# missing: `npm start` and `npm test` run it every time.
#
# Needs: a Rust toolchain by rustup, Node.js >= 20 with npm, and (to install
# Chromium and ChromeDriver) root on Debian. CI runs it as root on a fresh
# machine, so every install step here really runs there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# cargo-installed tools live here; make them visible even in a bare shell.
if [ -d "$HOME/.cargo/bin" ]; then
  case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) PATH="$HOME/.cargo/bin:$PATH" ;; esac
  export PATH
fi

say() { printf '%s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------
# Rust toolchain (rustup can't fetch another toolchain here; it must exist)
have cargo || die "cargo not found: install Rust with rustup (https://rustup.rs), then re-run"
have rustup || die "rustup not found: it is needed to add the wasm32-unknown-unknown target"
say "ok: $(cargo --version)"

if rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
  say "ok: rust target wasm32-unknown-unknown"
else
  say "installing: rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

missing_components=()
cargo fmt --version >/dev/null 2>&1 || missing_components+=(rustfmt)
cargo clippy --version >/dev/null 2>&1 || missing_components+=(clippy)
if [ "${#missing_components[@]}" -eq 0 ]; then
  say "ok: rustfmt, clippy"
else
  say "installing: rustup components ${missing_components[*]}"
  rustup component add "${missing_components[@]}"
fi

# ---------------------------------------------------------------------------
# wasm-pack
if have wasm-pack; then
  say "ok: $(wasm-pack --version)"
else
  say "installing: wasm-pack (cargo install wasm-pack --locked)"
  cargo install wasm-pack --locked || {
    say "retrying: cargo install wasm-pack (without --locked)"
    cargo install wasm-pack
  }
  have wasm-pack || die "wasm-pack was installed but is not on PATH (add \$HOME/.cargo/bin to PATH)"
  say "ok: $(wasm-pack --version)"
fi

# ---------------------------------------------------------------------------
# wasm-bindgen-cli, at exactly the wasm-bindgen version the crate locks.
# wasm-pack would otherwise try to download a prebuilt one, which fails here.
wasm_bindgen_locked_version() {
  [ -f Cargo.lock ] || return 1
  awk '
    /^\[\[package\]\]/ { name = ""; next }
    /^name = / { name = $3; gsub(/"/, "", name); next }
    /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; exit }
  ' Cargo.lock
}
wasm_bindgen_pinned_version() {
  # Fallback when no Cargo.lock can be made yet (e.g. src/ not written):
  # the exact pin `wasm-bindgen = "=X.Y.Z"` in Cargo.toml.
  sed -n 's/^wasm-bindgen[[:space:]]*=[[:space:]]*"=\([0-9][0-9.]*\)".*/\1/p' Cargo.toml | head -n1
}
installed_wasm_bindgen_version() {
  have wasm-bindgen || return 0
  wasm-bindgen --version 2>/dev/null | awk '{print $2}'
}

if [ ! -f Cargo.lock ]; then
  say "generating: Cargo.lock (cargo generate-lockfile)"
  cargo generate-lockfile >/dev/null 2>&1 || say "note: could not generate Cargo.lock yet; using the pin in Cargo.toml"
fi
WB_VERSION="$(wasm_bindgen_locked_version || true)"
[ -n "$WB_VERSION" ] || WB_VERSION="$(wasm_bindgen_pinned_version)"
[ -n "$WB_VERSION" ] || die "cannot tell the wasm-bindgen version from Cargo.lock or Cargo.toml"

# Another install of wasm-bindgen-cli (e.g. one started by hand) may be under
# way: wait for it instead of building a second copy in parallel.
if have pgrep && pgrep -f 'cargo install wasm-bindgen-cli' >/dev/null 2>&1 \
   && [ "$(installed_wasm_bindgen_version)" != "$WB_VERSION" ]; then
  say "waiting: another 'cargo install wasm-bindgen-cli' is running"
  while pgrep -f 'cargo install wasm-bindgen-cli' >/dev/null 2>&1; do sleep 5; done
fi

if [ "$(installed_wasm_bindgen_version)" = "$WB_VERSION" ] && have wasm-bindgen-test-runner; then
  say "ok: wasm-bindgen-cli $WB_VERSION"
else
  current="$(installed_wasm_bindgen_version)"
  say "installing: wasm-bindgen-cli $WB_VERSION${current:+ (found $current)} - takes a few minutes"
  # --locked first; it fails where the registry mirror lacks a locked
  # dependency (seen: webpki-roots 1.0.11), so fall back to a fresh resolve.
  cargo install wasm-bindgen-cli --version "=$WB_VERSION" --locked --force || {
    say "retrying: cargo install wasm-bindgen-cli =$WB_VERSION (without --locked)"
    cargo install wasm-bindgen-cli --version "=$WB_VERSION" --force
  }
  hash -r
  got="$(installed_wasm_bindgen_version)"
  [ "$got" = "$WB_VERSION" ] || die "wasm-bindgen on PATH ($(command -v wasm-bindgen || echo none)) is '$got', need $WB_VERSION"
  say "ok: wasm-bindgen-cli $WB_VERSION"
fi

# ---------------------------------------------------------------------------
# Debian packages: Chromium and ChromeDriver, for the browser tests
# (`wasm-pack test --chrome` and tests/e2e). wasm-opt is NOT taken from
# Debian's binaryen (108 mis-writes wasm-bindgen's externref table export):
# the npm package `binaryen`, installed by `npm ci` below, provides it.
apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
[ -x /usr/bin/chromedriver ] || apt_missing+=(chromium-driver)
if [ "${#apt_missing[@]}" -eq 0 ]; then
  chromium_version="$(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
  say "ok: chromium ${chromium_version:-?}, chromium-driver"
elif [ "$(id -u)" -eq 0 ] && have apt-get; then
  say "installing: ${apt_missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${apt_missing[@]}"
  for f in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$f" ] || die "$f still missing after apt-get install ${apt_missing[*]}"
  done
  say "ok: ${apt_missing[*]}"
else
  if have apt-get; then
    hint="sudo apt-get update && sudo apt-get install -y ${apt_missing[*]}"
  else
    hint="your system's packages that provide /usr/bin/chromium and /usr/bin/chromedriver"
  fi
  die "missing system packages: ${apt_missing[*]}. Install them with: $hint"
fi

# ---------------------------------------------------------------------------
# Node.js and the npm dev dependencies (playwright-core; binaryen's wasm-opt).
have node || die "node not found: install Node.js >= 20"
have npm || die "npm not found: install npm (comes with Node.js)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: need >= 20"
say "ok: node $(node --version), npm $(npm --version)"

lock_hash() { sha256sum package-lock.json | awk '{print $1}'; }
STAMP=node_modules/.backprop-viz-setup-stamp
if [ -f package-lock.json ]; then
  want="$(lock_hash)"
  if [ -d node_modules ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    say "ok: node_modules (package-lock.json unchanged)"
  else
    say "installing: npm ci"
    npm ci --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null
    lock_hash >"$STAMP"
  fi
else
  say "installing: npm install (no package-lock.json yet)"
  npm install --no-audit --no-fund --no-update-notifier --loglevel=error >/dev/null
  lock_hash >"$STAMP"
fi
[ -x node_modules/.bin/wasm-opt ] || die "node_modules/.bin/wasm-opt missing: the devDependency binaryen did not install"
say "ok: wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}') (npm binaryen)"
