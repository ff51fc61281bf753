// The short version of `npm run soak` (bench/soak.mjs, issue 10): the largest network the UI
// allows trains while the demo draws, and the worker's wasm memory does not grow after the
// warm-up. (Frame times are printed, not asserted: timing belongs in benchmarks.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { soak } from "../../bench/soak.mjs";

test("soak, short: 7-64x8-1 trains while drawing; the worker's wasm memory does not grow", async () => {
  const lines = [];
  const r = await soak({ steps: Number(process.env.SOAK_STEPS ?? 30_000), points: 4_000, samplesWanted: 8, log: (l) => lines.push(l) });
  for (const l of lines) console.log(`# ${l}`);
  console.log(`# ${r.steps} steps in ${r.seconds.toFixed(0)} s; main frame p50 ${r.frameWarm.toFixed(2)} -> ${r.frameEnd.toFixed(2)} ms`);
  assert.ok(r.samples.length >= 4, `enough samples (${r.samples.length})`);
  assert.equal(r.wasmEnd, r.wasmWarm, `the worker's wasm memory did not grow: ${r.wasmWarm} -> ${r.wasmEnd}`);
  assert.ok(r.heapEnd <= r.heapWarm * 1.25, `the main thread's JS heap stays put: ${r.heapWarm} -> ${r.heapEnd}`);
});
