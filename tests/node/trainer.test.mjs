// www/trainer.js, where a figure's network lives (the page's worker, or the main thread when
// no worker can start), driven with the built engine in Node: frames train, snapshots are
// one consistent state, the inspector's numbers are that state's, bad input is refused
// without a change, and a figure's destruction frees its network at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pkg from "./pkg.mjs";
import { TrainerHost } from "../../www/trainer.js";

const engine = { Network: pkg.Network, dataset: pkg.dataset, parseCsv: pkg.parseCsv, memory: pkg.wasmMemory() };
const palette = new Uint8Array(1024).fill(200);
const grid = { size: 20, thumb: 4 };

function data(name = "circle") {
  const d = pkg.dataset({ name, count: 200, seed: 3 });
  return { train: { inputs: d.train.inputs, targets: d.train.targets }, test: { inputs: d.test.inputs, targets: d.test.targets } };
}

function make(host, fid, config = { layers: [2, 4, 2, 1], seed: 7 }) {
  return host.handle({ fid, op: "create", args: { config, grid, palette, data: data() } }).result;
}

const frame = (host, fid, args) => host.handle({ fid, op: "frame", args }).result;

test("frames train the figure's own network, and every array of a snapshot is one state", () => {
  const host = new TrainerHost(engine);
  const info = make(host, 1);
  assert.deepEqual(info.layers, [2, 4, 2, 1]);
  make(host, 2);
  const a = frame(host, 1, { train: { mode: "steps", n: 25 }, example: { input: [1, 2], target: [1] } });
  assert.equal(a.stepCount, 25);
  assert.equal(a.stepped, 25);
  assert.equal(frame(host, 2, {}).stepCount, 0, "the other figure did not train");
  // The snapshot's weights are the network's: a fresh network from them has the same state.
  const state = host.handle({ fid: 1, op: "state", args: {} }).result;
  assert.deepEqual(Array.from(a.weights), state.weights.flat(2));
  assert.deepEqual(Array.from(a.biases), state.biases.flat());
  // The heatmap was rendered for this state (a weight changed), and comes with the snapshot.
  assert.equal(a.gridPixels.length, 20 * 20 * 4);
  const b = frame(host, 1, {});
  assert.equal(b.gridPixels, null, "nothing changed: no new heatmap");
  // Buffers handed back are filled again, not reallocated.
  const c = frame(host, 1, { train: { mode: "steps", n: 1 }, buffers: { weights: a.weights, gridPixels: a.gridPixels } });
  assert.equal(c.weights, a.weights);
  assert.equal(c.gridPixels, a.gridPixels);
});

test("the inspector's model is computed from the snapshot's own state", () => {
  const host = new TrainerHost(engine);
  make(host, 1);
  const example = { input: Float64Array.from([0.5, -1.5]), target: 1, label: "p" };
  const snap = frame(host, 1, {
    train: { mode: "steps", n: 40 },
    example: { input: example.input, target: [1] },
    inspect: { selection: { kind: "w", l: 1, j: 0, k: 2 }, frozen: false, example, batch: false },
  });
  const m = snap.inspection;
  assert.equal(m.step, snap.stepCount);
  assert.deepEqual(m.weights.flat(2), Array.from(snap.weights), "the model's weights are the snapshot's");
  const net = pkg.Network.fromState({ layers: [2, 4, 2, 1], weights: m.weights, biases: m.biases });
  const t = net.trace(example.input, 1);
  assert.equal(m.trace.layers[1].dL_dW[0][2], t.layers[1].dL_dW[0][2]);
  assert.equal(m.trace.loss, t.loss);
  net.free();
  assert.ok(Math.abs(m.fd.main.value - m.trace.layers[1].dL_dW[0][2]) < 1e-6, "finite difference agrees");
});

test("step phases: prepare leaves the weights, apply changes them; freeze keeps a copy", () => {
  const host = new TrainerHost(engine);
  make(host, 1);
  const p = frame(host, 1, { train: { mode: "prepare", on: "batch" } });
  const w0 = Array.from(p.weights);
  assert.equal(p.stepCount, 0);
  assert.equal(p.batch.length, 10);
  host.handle({ fid: 1, op: "freeze", args: { on: true } });
  assert.equal(host.stats().networks, 2, "the frozen copy is a network too");
  const q = frame(host, 1, { train: { mode: "apply" }, inspect: { selection: { kind: "b", l: 2, j: 0 }, frozen: true, example: null, batch: true } });
  assert.equal(q.stepCount, 1);
  assert.notDeepEqual(Array.from(q.weights), w0);
  assert.deepEqual(q.inspection.weights.flat(2), w0, "frozen numbers come from the copy");
  host.handle({ fid: 1, op: "freeze", args: { on: false } });
  assert.equal(host.stats().networks, 1);
});

test("bad input is refused with the field named, and changes nothing", () => {
  const host = new TrainerHost(engine);
  make(host, 1);
  const before = host.handle({ fid: 1, op: "state", args: {} }).result;
  assert.throws(() => host.handle({ fid: 1, op: "configure", args: { learningRate: -1 } }), /learningRate/);
  assert.throws(() => host.handle({ fid: 1, op: "build", args: { config: { layers: [2, 99, 1] }, grid, palette } }), /layers\[1\]/);
  const good = data().train;
  assert.throws(() => host.handle({ fid: 1, op: "setData", args: { train: good, test: { inputs: [[1, 2]], targets: [7] } } }), /test/);
  assert.equal(frame(host, 1, {}).trainSize, good.targets.length, "the old training data is kept too");
  assert.throws(() => host.handle({ fid: 1, op: "setParameter", args: { kind: "w", l: 9, j: 0, k: 0, value: 1 } }), /layer/);
  assert.match(frame(host, 1, { train: { mode: "warp" } }).error, /train.mode: unknown mode "warp"/);
  assert.deepEqual(host.handle({ fid: 1, op: "state", args: {} }).result, before);
  assert.throws(() => host.handle({ fid: 9, op: "frame", args: {} }), /figure 9: it has no network/);
  assert.throws(() => host.handle({ fid: 1, op: "nope", args: {} }), /op: unknown operation "nope"/);
});

test("a diverging step is reported in the snapshot; the weights are the last finite ones", () => {
  const host = new TrainerHost(engine);
  make(host, 1, { layers: [2, 8, 1], hidden: "relu", output: "linear", loss: "squared", learningRate: 10, seed: 1 });
  let snap;
  for (let i = 0; i < 50 && !snap?.error; i++) snap = frame(host, 1, { train: { mode: "steps", n: 20 } });
  assert.match(snap.error, /diverged at step \d+/);
  assert.ok(Array.from(snap.weights).every(Number.isFinite));
});

test("destroy frees the network at once; memory is reused by the next figure", () => {
  const host = new TrainerHost(engine);
  const cycle = (i) => {
    make(host, i, { layers: [2, 64, 64, 1] });
    frame(host, i, { train: { mode: "steps", n: 5 }, inspect: { selection: { kind: "w", l: 0, j: 0, k: 0 }, example: { input: [1, 1], target: 1 } } });
    host.handle({ fid: i, op: "destroy", args: {} });
  };
  for (let i = 100; i < 110; i++) cycle(i); // warm-up: the allocator's first growth
  make(host, 1, { layers: [2, 64, 64, 1] });
  frame(host, 1, { train: { mode: "steps", n: 5 } });
  const bytes = host.stats().wasmBytes;
  for (let i = 2; i < 60; i++) {
    make(host, i, { layers: [2, 64, 64, 1] });
    frame(host, i, { train: { mode: "steps", n: 5 } });
    host.handle({ fid: i, op: "destroy", args: {} });
  }
  host.handle({ fid: 1, op: "destroy", args: {} });
  assert.deepEqual({ figures: host.stats().figures, networks: host.stats().networks }, { figures: 0, networks: 0 });
  assert.ok(host.stats().wasmBytes <= bytes * 1.05, `wasm memory did not grow: ${bytes} -> ${host.stats().wasmBytes}`);
});
