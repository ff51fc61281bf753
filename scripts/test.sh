#!/usr/bin/env bash
# Everything `npm test` runs, in order; stops at the first failing stage and
# says which one it was.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -d "$HOME/.cargo/bin" ]; then PATH="$HOME/.cargo/bin:$PATH"; export PATH; fi

stage() {
  local name="$1"; shift
  local start=$SECONDS
  printf '\n==> stage %s: %s\n' "$name" "$*"
  "$@"
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    printf '\n==> FAILED at stage "%s" (exit %d): %s\n' "$name" "$rc" "$*" >&2
    exit "$rc"
  fi
  printf '==> stage %s passed (%ds)\n' "$name" "$((SECONDS - start))"
}

stage setup      bash scripts/setup.sh
stage build      bash scripts/build.sh
stage fmt        cargo fmt --check
stage clippy     cargo clippy --all-targets -- -D warnings
stage cargo-test cargo test
stage wasm-test  wasm-pack test --mode no-install --headless --chrome
# The built pkg/ in Node: traces against an independent autodiff, bad input from JS.
stage node       node --test tests/node/*.test.mjs
# Node's runner; the shell expands the glob so every tests/e2e/*.test.mjs runs
# on any Node version (harness.mjs and fixtures/ are not test files).
stage e2e        node --test --test-concurrency=1 tests/e2e/*.test.mjs
printf '\n==> all stages passed\n'
