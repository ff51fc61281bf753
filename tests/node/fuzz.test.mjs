// The JavaScript fuzz targets in npm test (tests/fuzz/targets.mjs: the URL hash, attributes,
// `controls`, `height`, share links, and the engine's JS API through pkg/): every corpus
// file, then fresh inputs from the seeded mutator, each through the target's invariants. The
// long campaign is `npm run fuzz`; this is its short pass (FUZZ_RUNS fresh inputs per target,
// 2,000 by default; FUZZ_SEED for others). No timing is asserted here: the campaign times
// every input.
//
// Below: regression tests for what the fuzzers found.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runTarget, makeRng, mutateString, same } from "../fuzz/harness.mjs";
import { TARGETS, stateProblem, expectedValue } from "../fuzz/targets.mjs";
import { FIELDS, changedKeys, defaults, parseHash, toHash } from "../../www/state.js";
import { parseHeight } from "../../www/layout.js";
import { Network } from "./pkg.mjs";

const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const seed = Number(process.env.FUZZ_SEED ?? 1);

for (const target of TARGETS) {
  test(`fuzz ${target.name}: the corpus and ${runs} fresh inputs keep every invariant`, async () => {
    const r = await runTarget(target, { runs, seed, time: false, keep: false, maxFailures: 3 });
    assert.ok(r.corpus > 0, `tests/fuzz/corpus/${target.name}/ has files`);
    assert.equal(r.runs, runs);
    assert.deepEqual(r.failures.map((f) => f.message), [], `inputs that broke an invariant:\n${r.failures.map((f) => f.input.slice(0, 300)).join("\n")}`);
  });
}

test("the oracles refuse what they should: an invalid state, a wrong value, a broken invariant", async () => {
  // The state oracle is not the code under test: it finds each kind of bad state.
  const good = defaults();
  assert.equal(stateProblem(good), null);
  assert.match(stateProblem({ ...good, "batch-size": 1001 }), /batch-size/);
  assert.match(stateProblem({ ...good, output: "tanh" }), /output tanh with loss bce/);
  assert.match(stateProblem({ ...good, layers: [2, 4, 2, 3] }), /layers/);
  assert.match(stateProblem({ ...good, dataset: "blobs3" }), /output sigmoid with loss bce for multiclass/);
  assert.match(stateProblem({ ...good, inspect: { kind: "w", l: 5, j: 0, k: 0 } }), /inspect/);
  assert.match(stateProblem({ ...good, extra: 1 }), /keys/);
  assert.deepEqual(expectedValue("learning-rate", " 1e-7 "), { value: 1e-7 });
  assert.deepEqual(expectedValue("learning-rate", "0"), { error: true });
  assert.deepEqual(expectedValue("layers", "2,64,64,16"), { value: [2, 64, 64, 16] });
  assert.deepEqual(expectedValue("layers", "2,65,1"), { error: true });
  assert.deepEqual(expectedValue("inspect", "w-1-0-0"), { value: { kind: "w", l: 0, j: 0, k: 0 } });
  // A target's check throws on a broken invariant, and the runner reports it (and stops).
  const broken = { name: "height", check: () => assert.fail("broken"), mutate: (s, rng) => mutateString(s, rng) };
  const r = await runTarget(broken, { runs: 10, maxFailures: 2 });
  assert.equal(r.failures.length, r.corpus, "every corpus file fails");
  assert.equal(r.runs, 0, "and no fresh input runs after that many failures");
  // Mutations are seeded: the same seed, the same inputs.
  const a = makeRng(7);
  const b = makeRng(7);
  assert.equal(mutateString("layers=2,4,1", a), mutateString("layers=2,4,1", b));
});

test("found by fuzzing: a number the hash shortens reads back as itself (links, changed attributes)", () => {
  // formatValue wrote 6 significant digits, so learning-rate=0.0123456789 came back from the
  // page's own hash as 0.0123457, and an attribute changed from 0.01234567 to 0.01234568 was
  // not a change at all (changedKeys compared the shortened texts).
  for (const text of ["learning-rate=0.0123456789&regularization-rate=0.00012345678", "learning-rate=2.532949672"]) {
    const { state, errors } = parseHash(text);
    assert.deepEqual(errors, []);
    const back = parseHash(toHash(state));
    assert.deepEqual(back.errors, []);
    assert.ok(same(back.state, state), toHash(state));
  }
  const a = { ...defaults(), "learning-rate": 0.01234567 };
  const b = { ...defaults(), "learning-rate": 0.01234568 };
  assert.deepEqual(changedKeys(a, b), ["learning-rate"]);
  // The short form stays where it is exact.
  assert.match(toHash({ ...defaults(), "learning-rate": 0.3 }), /learning-rate=0\.3&/);
  assert.ok(FIELDS.get("learning-rate"));
});

test("found by fuzzing: the height attribute is read in linear time", { timeout: 60_000 }, () => {
  // "12", a long run of spaces or tabs, then any other character: the old pattern had \s* on
  // both sides of the optional unit and backtracked quadratically (10,000 spaces took a third
  // of a second; these 300,000 would take minutes). The fixed one reads it in a millisecond,
  // so this test finishes long before its timeout.
  for (const pad of [" ", "\t", "\u00a0"]) {
    const r = parseHeight(`12${pad.repeat(300_000)}x`);
    assert.equal(r.height, "");
    assert.match(r.errors[0].message, /^height: /);
  }
  assert.deepEqual(parseHeight(`  300${" ".repeat(1000)}`), { height: "300px", errors: [] });
  assert.deepEqual(parseHeight(" 12.5 \t rem "), { height: "12.5rem", errors: [] });
});

test("found by fuzzing: palettes must be byte arrays, checked before they are copied into wasm", () => {
  // setPalette and setClassPalette took any array-like: a string became zeros, and an object
  // with a huge `length` was allocated in wasm memory (3e9 trapped in the allocator, 1e9 grew
  // the page's memory by a gigabyte) before the length was checked.
  const net = new Network({});
  const refused = (fn, field) => assert.throws(fn, (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError) && e.message.startsWith(`${field}: `));
  for (const bad of [undefined, null, "abcd", [1, 2, 3, 4], { length: 4 }, { length: 3e9 }, new Float64Array(4)]) {
    refused(() => net.setClassPalette(bad), "classPalette");
    refused(() => net.setPalette(bad), "palette");
  }
  refused(() => net.setPalette(new Uint8Array(1025)), "palette");
  refused(() => net.setClassPalette(new Uint8Array(68)), "classPalette");
  net.setClassPalette(new Uint8Array([1, 2, 3, 255]));
  net.setClassPalette(new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 255]));
  net.setPalette(new Uint8Array(1024));
  assert.deepEqual(Array.from(net.layers), [2, 4, 2, 1], "the instance still works");
  net.free();
});

test("the engine's JSON round trip keeps everything but the sign of zero (JSON has no -0)", () => {
  const state = new Network({ regularizationRate: -0 }).toState();
  assert.ok(Object.is(state.regularizationRate, -0));
  const direct = Network.fromState(state).toState();
  assert.ok(Object.is(direct.regularizationRate, -0), "fromState(toState()) is exact");
  const viaJson = Network.fromState(JSON.parse(JSON.stringify(state))).toState();
  assert.equal(JSON.stringify(viaJson), JSON.stringify(state));
});

test("fuzz helpers: same() tells -0 from 0 and NaN from NaN as Object.is does", () => {
  assert.ok(same([NaN, { a: 1 }], [NaN, { a: 1 }]));
  assert.ok(!same(-0, 0));
  assert.ok(!same(new Float64Array([1]), [1]));
  const rng = makeRng(1);
  assert.ok(rng.below(10) < 10);
});
