// Unit tests of www/state.js (the schema, hash and attribute parsing), run by Node directly:
// state.js touches no DOM, so no browser is needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SCHEMA, defaults, parseHash, toHash, applyEntries, engineConfig, trainingSettings, datasetOptions,
  inspectToSelection, selectionToInspect, effectsOf, changedKeys, quote,
} from "../../www/state.js";

test("defaults are issue 3's: circle, x1 x2, 4-2 tanh, sigmoid + bce, lr 0.03, batch 10", () => {
  const s = defaults();
  assert.equal(s.dataset, "circle");
  assert.deepEqual(s.features, ["x1", "x2"]);
  assert.deepEqual(s.layers, [2, 4, 2, 1]);
  assert.equal(s.activation, "tanh");
  assert.equal(s.output, "sigmoid");
  assert.equal(s.loss, "bce");
  assert.equal(s["learning-rate"], 0.03);
  assert.equal(s["batch-size"], 10);
  assert.equal(s.optimizer, "sgd");
  assert.equal(s.regularization, "none");
  assert.equal(s.noise, 0);
  assert.equal(s["train-ratio"], 50);
  assert.equal(s.seed, 1);
  assert.deepEqual(engineConfig(s), {
    layers: [2, 4, 2, 1], hidden: "tanh", output: "sigmoid", loss: "bce", learningRate: 0.03, batchSize: 10,
    optimizer: "sgd", regularization: "none", regularizationRate: 0, seed: 1, features: ["x1", "x2"],
  });
  assert.deepEqual(trainingSettings(s), { learningRate: 0.03, batchSize: 10, optimizer: "sgd", regularization: "none", regularizationRate: 0 });
  assert.deepEqual(datasetOptions(s), { name: "circle", count: 500, noise: 0, trainRatio: 50, seed: 1 });
});

test("every schema key round-trips through the hash", () => {
  const s = defaults();
  Object.assign(s, {
    dataset: "spiral", noise: 25, "train-ratio": 70, features: ["x1", "x2", "sinX1"], layers: [3, 8, 8, 5, 1],
    activation: "relu", output: "tanh", loss: "squared", "learning-rate": 0.003, "batch-size": 25,
    optimizer: "adam", regularization: "l2", "regularization-rate": 0.001, seed: 4294967295, view: "gradients",
    speed: "epoch", "show-test": true, inspect: { kind: "w", l: 2, j: 0, k: 4 },
  });
  const hash = toHash(s);
  const back = parseHash("#" + hash);
  assert.deepEqual(back.errors, []);
  assert.deepEqual(back.state, s);
  assert.equal(toHash(back.state), hash);
  for (const f of SCHEMA) assert.ok(f.type === "inspect" || hash.includes(`${f.key}=`), `hash has ${f.key}`);
});

test("bad values fall back per key and name the key and what is allowed", () => {
  const { state, errors } = parseHash("#noise=20&learning-rate=abc&dataset=%3Cscript%3E&layers=2,99,1&foo=1&seed=-3");
  assert.equal(state.noise, 20, "a good key still applies");
  assert.equal(state["learning-rate"], 0.03);
  assert.equal(state.dataset, "circle");
  assert.deepEqual(state.layers, [2, 4, 2, 1]);
  assert.equal(state.seed, 1);
  const text = errors.map((e) => e.message).join("\n");
  assert.match(text, /learning-rate: "abc" is not a number; allowed: a number greater than 0, at most 10\. Using 0\.03\./);
  assert.match(text, /dataset: unknown value "<script>"; allowed: one of circle, xor, gaussian, spiral, moons/);
  assert.match(text, /layers: .*allowed: a comma list of layer sizes/);
  assert.match(text, /Unknown key "foo"/);
  assert.match(text, /seed: .*allowed: a whole number from 0 to 4294967295/);
});

test("garbage never throws: huge numbers, bad escapes, long and control-character values", () => {
  const inputs = [
    "#noise=1e999", "#%E0%A4%A", "#&&&==&=", "#learning-rate=0", "#learning-rate=10.0000001", "#layers=",
    "#layers=2,4,2,2", "#features=", "#features=x1,x1", `#dataset=${"a".repeat(5000)}`, "#inspect=w-0-0-0",
    "#inspect=w-1-5-0", "#speed=constructor", "#__proto__=1", "#show-test=maybe", "#seed=1.5", "#batch-size=0x10",
    "#view=%00%01", null, undefined, 42,
  ];
  for (const h of inputs) {
    const { state, errors } = parseHash(h);
    assert.deepEqual(Object.keys(state).sort(), SCHEMA.map((f) => f.key).sort(), `${String(h).slice(0, 30)}: every key`);
    for (const e of errors) assert.ok(e.message.length < 400, "messages stay short");
  }
  assert.equal(parseHash("#__proto__=1").state.constructor, Object, "no prototype pollution");
  assert.match(quote("a\u0000b" + "x".repeat(100)), /^"a\?bx+…"$/);
  assert.equal(parseHash(`#dataset=${"a".repeat(5000)}`).errors.length, 1);
});

test("features and layers are reconciled: inputs follow the features", () => {
  let r = parseHash("#features=x1,x2,x1Squared");
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.state.layers, [3, 4, 2, 1]);
  r = parseHash("#features=x1,x2&layers=3,4,1");
  assert.deepEqual(r.state.layers, [2, 4, 1], "the hidden layers are kept, the inputs repaired");
  assert.match(r.errors[0].message, /layers: 3 inputs, but 2 features/);
  r = parseHash("#output=tanh");
  assert.equal(r.state.loss, "squared", "cross-entropy needs a sigmoid output");
  assert.match(r.errors[0].message, /loss: cross-entropy needs a sigmoid output/);
  r = parseHash("#features=sinX2,x1");
  assert.deepEqual(r.state.features, ["x1", "sinX2"], "canonical order");
});

test("inspect names map to 0-based selections and back", () => {
  assert.deepEqual(inspectToSelection("w-1-0-2"), { kind: "w", l: 0, j: 0, k: 2 });
  assert.deepEqual(inspectToSelection("b-3-0"), { kind: "b", l: 2, j: 0 });
  assert.deepEqual(inspectToSelection("n-0-1"), { kind: "n", L: 0, j: 1 });
  assert.equal(inspectToSelection("w-0-0-0"), null);
  assert.equal(inspectToSelection("x-1-1"), null);
  for (const t of ["w-2-1-3", "b-1-0", "n-2-1"]) assert.equal(selectionToInspect(inspectToSelection(t)), t);
});

test("what a change does: rebuild, new data, configure, or only redraw", () => {
  assert.deepEqual(effectsOf(["learning-rate", "optimizer"]), { rebuild: false, data: false, training: true, view: false });
  assert.deepEqual(effectsOf(["layers"]), { rebuild: true, data: false, training: false, view: false });
  assert.deepEqual(effectsOf(["noise"]), { rebuild: false, data: true, training: false, view: false });
  assert.deepEqual(effectsOf(["seed"]), { rebuild: true, data: true, training: false, view: false });
  assert.deepEqual(effectsOf(["view", "inspect"]), { rebuild: false, data: false, training: false, view: true });
  const a = defaults();
  const b = applyEntries(a, [["noise", "10"], ["view", "weights"]]).state;
  assert.deepEqual(changedKeys(a, b), ["noise", "view"]);
});
