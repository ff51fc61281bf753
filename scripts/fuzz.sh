#!/usr/bin/env bash
# The fuzz campaign (`npm run fuzz`): every target that parses outside input, 1,000,000 inputs
# each by default, then a summary (inputs, time, failures per target).
#
#   Rust (fuzz/, checks in fuzz/src/lib.rs): spec, calls, csv, under cargo-fuzz (libFuzzer,
#     coverage-guided), started from tests/fuzz/corpus/<target>/. Inputs slower than 100 ms
#     are collected (FUZZ_SLOW_DIR) and, with everything libFuzzer kept, timed again natively
#     (tests/fuzz_replay.rs, `timing`). Where cargo-fuzz cannot build, the same checks run
#     under the seeded native mutator instead (tests/fuzz_replay.rs, `campaign`), and the
#     summary says so.
#   JavaScript (tests/fuzz/): hash, attributes, controls, height, share, engine-spec,
#     engine-calls, engine-csv, by scripts/fuzz.mjs.
#
# A failing input is saved to tests/fuzz/corpus/<target>/crash-<hash>; `npm test` replays the
# corpus, so it fails until the bug is fixed (then rename the file regression-<what>).
#
# Options (environment): FUZZ_RUNS (1000000), FUZZ_SEED (1), FUZZ_TARGETS (a comma list of
# target names; default all), FUZZ_MERGE=1 (add libFuzzer's new-coverage inputs to the
# repository's corpus, one per newly covered edge), FUZZ_NATIVE=1 (skip cargo-fuzz).
# Installs cargo-fuzz (crates.io, the version below) when it is missing, as setup.sh does
# for the other tools.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -d "$HOME/.cargo/bin" ]; then PATH="$HOME/.cargo/bin:$PATH"; export PATH; fi

RUNS="${FUZZ_RUNS:-1000000}"
SEED="${FUZZ_SEED:-1}"
TARGETS="${FUZZ_TARGETS:-}"
CARGO_FUZZ_VERSION="0.13.2"
RUST_TARGETS=(spec calls csv)
WORK="$ROOT/fuzz/target/campaign"
SUMMARY=()
FAILED=0

say() { printf '%s\n' "$*"; }
wanted() { [ -z "$TARGETS" ] || [[ ",$TARGETS," == *",$1,"* ]]; }

# ---------------------------------------------------------------------------
# cargo-fuzz: installed at the pinned version. It passes a few nightly-only -Z flags to rustc;
# RUSTC_BOOTSTRAP=1 lets the project's stable toolchain accept them (no nightly needed).
FUZZ_ENV=(RUSTC_BOOTSTRAP=1)
cargo_fuzz_ready() {
  [ "${FUZZ_NATIVE:-0}" = "1" ] && return 1
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    say "installing: cargo-fuzz $CARGO_FUZZ_VERSION (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked || return 1
  fi
  say "ok: $(cargo fuzz --version), $(rustc --version) with RUSTC_BOOTSTRAP=1"
  # Without a sanitizer: the crate has no unsafe code; libFuzzer's coverage, overflow checks
  # and debug assertions (cargo-fuzz's defaults) are what find its bugs.
  env "${FUZZ_ENV[@]}" cargo fuzz build -s none --fuzz-dir fuzz
}

run_cargo_fuzz() {
  local t="$1" dir="$WORK/$t" slow="$WORK/slow-$t" log="$WORK/$t.log"
  rm -rf "$dir" "$slow"
  mkdir -p "$dir" "$slow"
  cp tests/fuzz/corpus/"$t"/* "$dir"/
  say ""
  say "==> fuzz rust $t: $RUNS inputs (cargo-fuzz, libFuzzer)"
  local start=$SECONDS
  FUZZ_SLOW_DIR="$slow" env "${FUZZ_ENV[@]}" cargo fuzz run -s none --fuzz-dir fuzz "$t" "$dir" -- \
    -runs="$RUNS" -seed="$SEED" -max_len=4096 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$ROOT/tests/fuzz/corpus/$t/crash-" >"$log" 2>&1
  local rc=$? took=$((SECONDS - start))
  grep -E '^(stat::|#[0-9]+ +DONE|==[0-9]+== ERROR|SUMMARY|.*panicked at)' "$log" | tail -n 12
  local execs
  execs="$(awk '/^stat::number_of_executed_units/ {print $NF}' "$log")"
  local failures=0
  if [ "$rc" -ne 0 ]; then
    failures=1
    say "    FAILURE: see $log; the input is in tests/fuzz/corpus/$t/crash-*"
  fi
  # What libFuzzer kept, and the inputs it saw over 100 ms, timed again natively (release).
  say "    timing $(find "$dir" "$slow" -type f | wc -l) inputs natively"
  FUZZ_TIME_DIRS="$t=$dir,$t=$slow" cargo test --release --quiet --test fuzz_replay -- --ignored --exact timing --nocapture >"$WORK/$t.timing.log" 2>&1
  local trc=$?
  grep -E '^fuzz timing|took|panicked' "$WORK/$t.timing.log" | head -n 20
  [ "$trc" -eq 0 ] || failures=$((failures + 1))
  if [ "${FUZZ_MERGE:-0}" = "1" ] && [ "$rc" -eq 0 ]; then
    local before
    before="$(ls tests/fuzz/corpus/"$t" | wc -l)"
    env "${FUZZ_ENV[@]}" cargo fuzz run -s none --fuzz-dir fuzz "$t" "tests/fuzz/corpus/$t" "$dir" -- \
      -merge=1 -use_counters=0 -max_len=4096 >"$WORK/$t.merge.log" 2>&1
    say "    corpus: $before -> $(ls tests/fuzz/corpus/"$t" | wc -l) files (one per newly covered edge)"
  fi
  SUMMARY+=("$(printf '%-14s %-11s %9s %7ss %4s' "$t" cargo-fuzz "${execs:-?}" "$took" "$failures")")
  FAILED=$((FAILED + failures))
}

run_native() {
  local list="$1"
  say ""
  say "==> fuzz rust ${list}: $RUNS inputs each (native seeded mutator: cargo-fuzz could not run here)"
  local start=$SECONDS
  FUZZ_RUNS="$RUNS" FUZZ_SEED="$SEED" FUZZ_TARGETS="$list" cargo test --release --quiet --test fuzz_replay -- --ignored --exact campaign --nocapture 2>&1 | tee "$WORK/native.log" | grep -E '^fuzz native|panicked|input [0-9]+:'
  local rc=${PIPESTATUS[0]}
  while read -r _ _ name n _ _ secs _ fails _; do
    SUMMARY+=("$(printf '%-14s %-11s %9s %7ss %4s' "${name%:}" native "$n" "$secs" "$fails")")
  done < <(grep '^fuzz native' "$WORK/native.log")
  [ "$rc" -eq 0 ] || FAILED=$((FAILED + 1))
  say "    ($((SECONDS - start)) s)"
}

mkdir -p "$WORK"
rust_list=()
for t in "${RUST_TARGETS[@]}"; do wanted "$t" && rust_list+=("$t"); done
if [ "${#rust_list[@]}" -gt 0 ]; then
  if cargo_fuzz_ready; then
    for t in "${rust_list[@]}"; do run_cargo_fuzz "$t"; done
  else
    say "note: cargo-fuzz could not be installed or built; running the native campaign instead"
    run_native "$(IFS=,; echo "${rust_list[*]}")"
  fi
fi

# ---------------------------------------------------------------------------
# JavaScript: the engine targets need pkg/.
js_args=(--runs "$RUNS" --seed "$SEED")
js_targets=""
for t in hash attributes controls height share engine-spec engine-calls engine-csv; do
  wanted "$t" && js_targets="$js_targets,$t"
done
if [ -n "$js_targets" ]; then
  if [[ "$js_targets" == *engine* ]] && [ ! -f pkg/backprop_viz_bg.wasm ]; then bash scripts/build.sh || exit 1; fi
  say ""
  say "==> fuzz js ${js_targets#,}: $RUNS inputs each"
  node scripts/fuzz.mjs "${js_args[@]}" --targets "${js_targets#,}" | tee "$WORK/js.log" | grep -v '^  [a-z-]*: [0-9]* inputs, '
  [ "${PIPESTATUS[0]}" -eq 0 ] || FAILED=$((FAILED + 1))
  while read -r _ _ name corpus _ _ n _ _ _ secs _ fails _; do
    SUMMARY+=("$(printf '%-14s %-11s %9s %7ss %4s' "${name%:}" "js (+$corpus)" "$n" "$secs" "$fails")")
  done < <(grep -E '^fuzz js [a-z-]+: [0-9]+ corpus' "$WORK/js.log")
fi

say ""
say "==> fuzz summary: target, runner, inputs, time, failures"
for line in "${SUMMARY[@]}"; do say "    $line"; done
if [ "$FAILED" -ne 0 ]; then
  say "==> fuzz FAILED: inputs saved to tests/fuzz/corpus/<target>/crash-*"
  exit 1
fi
say "==> fuzz passed"
