// Bad input from JavaScript gets a clear Error naming the field, leaves the network as it
// was, and never poisons the wasm instance (a Rust panic would). Loads the built pkg/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Network, dataset, wasmMemory } from "./pkg.mjs";

/** Asserts that fn throws an Error whose message starts with prefix; returns the message. */
function throwsNamed(fn, prefix) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected an error starting with ${JSON.stringify(prefix)}, but nothing was thrown`);
  assert.ok(caught instanceof Error, `expected an Error, got ${caught}`);
  assert.ok(
    caught.message.startsWith(prefix),
    `expected a message starting with ${JSON.stringify(prefix)}, got ${JSON.stringify(caught.message)}`,
  );
  return caught.message;
}

function trained() {
  const net = new Network({ layers: [2, 3, 1], seed: 5 });
  const d = dataset({ name: "circle", count: 60, seed: 2 });
  net.setTrainingData(d.train.inputs, d.train.targets);
  net.setTestData(d.test.inputs, d.test.targets);
  net.step(4);
  return net;
}

const snapshot = (net) => ({
  state: net.toState(),
  trainSize: net.trainSize,
  testSize: net.testSize,
  stepCount: net.stepCount,
  lastLoss: net.lastLoss,
  gradients: net.gradients(),
});

test("constructor and fromState errors name the field", () => {
  assert.equal(
    throwsNamed(() => new Network({ layers: [2, 65, 1] }), "layers[1]:"),
    "layers[1]: must be a whole number from 1 to 64, got 65",
  );
  const unknown = throwsNamed(() => new Network({ lerningRate: 0.1 }), 'config: unknown field "lerningRate"');
  assert.match(unknown, /allowed: .*learningRate/);
  assert.equal(
    throwsNamed(() => new Network({ learningRate: "0.1" }), "learningRate:"),
    "learningRate: must be a number, got a string",
  );
  throwsNamed(() => new Network({ learningRate: NaN }), "learningRate:");
  throwsNamed(() => new Network({ learningRate: 11 }), "learningRate:");
  throwsNamed(() => new Network({ batchSize: 2.5 }), "batchSize:");
  assert.equal(
    throwsNamed(() => new Network({ layers: [2, "4", 1] }), "layers[1]:"),
    'layers[1]: must be a number, got the string "4"',
  );
  assert.equal(
    throwsNamed(() => new Network({ layers: [2, {}, 1] }), "layers[1]:"),
    "layers[1]: must be a number, got an object",
  );
  assert.equal(
    throwsNamed(() => new Network({ layers: "2,4,1" }), "layers:"),
    "layers: must be an array, got a string",
  );
  throwsNamed(() => new Network({ hidden: 3 }), "hidden: must be a string");
  throwsNamed(() => new Network({ features: "x1" }), "features: must be an array");
  throwsNamed(() => new Network({ batchSize: 1e300 }), "batchSize: must be a whole number from 1 to 100000, got 1e+300");
  throwsNamed(() => new Network({ layers: [2] }), "layers:");
  throwsNamed(() => new Network({ hidden: "softmax" }), "hidden:");
  throwsNamed(() => new Network({ output: "relu", loss: "squared" }), "output:");
  throwsNamed(() => new Network({ output: "tanh" }), 'loss: "bce" (binary cross-entropy) needs output "sigmoid"');
  throwsNamed(() => new Network({ optimizer: "sgd2" }), "optimizer:");
  throwsNamed(() => new Network({ regularizationRate: -1 }), "regularizationRate:");
  throwsNamed(() => new Network({ seed: -1 }), "seed:");
  throwsNamed(() => new Network({ features: ["x1", "x9"] }), "features[1]:");
  throwsNamed(() => new Network({ features: ["x1"], layers: [2, 1] }), "layers[0]:");
  throwsNamed(() => new Network({ weights: [] }), "weights:");
  throwsNamed(() => new Network(42), "config: must be an object");
  throwsNamed(() => new Network("layers"), "config: must be an object");
  throwsNamed(() => new Network([2, 1]), "config: must be an object");
  throwsNamed(() => new Network(Symbol("s")), "config: must be an object");
  throwsNamed(() => Network.fromState(), "state:");
  throwsNamed(() => Network.fromState({ layers: [2, 1] }), "weights:");
  throwsNamed(() => Network.fromState({ layers: [2, 1], weights: [[[1, 2]]] }), "biases:");
  throwsNamed(() => Network.fromState({ layers: [2, 1], weights: [[[1]]], biases: [[0]] }), "weights[0][0]:");
  throwsNamed(() => Network.fromState({ layers: [2, 1], weights: [[[1, NaN]]], biases: [[0]] }), "weights[0][0][1]:");
  throwsNamed(() => Network.fromState({ layers: [2, 1], weights: [[[1, "2"]]], biases: [[0]] }), "weights[0][0][1]:");
  throwsNamed(() => Network.fromState({ layers: [2, 1], weights: [[[1, 2]]], biases: [[Infinity]] }), "biases[0][0]:");
  throwsNamed(() => Network.fromState({ layers: [2, 1], weights: [["ab"]], biases: [[0]] }), "weights[0][0]:");
  throwsNamed(() => Network.fromState({ layers: [2, 1], weights: 5, biases: [[0]] }), "weights: must be an array");
  throwsNamed(() => Network.fromState({ layers: [2, 1], weights: [[[1, 2]]], biases: [[0]], extra: 1 }), 'state: unknown field "extra"');
});

test("rejected calls leave the network unchanged", () => {
  const net = trained();
  const twin = trained();
  const before = snapshot(net);
  const rejected = (fn, prefix) => {
    const message = throwsNamed(fn, prefix);
    assert.deepEqual(snapshot(net), before, `changed by: ${message}`);
  };
  rejected(() => net.setTrainingData([[1, 2]], [NaN]), "training.targets[0]:");
  rejected(() => net.setTrainingData([[1, 2]], [2]), "training.targets[0]:");
  rejected(() => net.setTrainingData([[1, 2]], [[2]]), "training.targets[0]:");
  rejected(() => net.setTrainingData([[1, 2]], ["1"]), "training.targets[0]:");
  rejected(() => net.setTrainingData([[1, 2, 3]], [1]), "training.inputs[0]:");
  rejected(() => net.setTrainingData([[1, 2, 3], [4]], [1, 0]), "training.inputs[0]:");
  rejected(() => net.setTrainingData([[1, NaN]], [1]), "training.inputs[0][1]:");
  rejected(() => net.setTrainingData([[1, "2"]], [1]), "training.inputs[0][1]:");
  rejected(() => net.setTrainingData([[1e7, 0]], [1]), "training.inputs[0][0]:");
  rejected(() => net.setTrainingData(new Float64Array([1, 2, 3]), [1]), "training.inputs:");
  rejected(() => net.setTrainingData([[1, 2]], [1, 0]), "training.targets:");
  rejected(() => net.setTrainingData(null, null), "training.inputs:");
  rejected(() => net.setTrainingData({ 0: [1, 2], length: 1 }, [1]), "training.inputs:");
  rejected(() => net.setTestData([[1, 2]], [-0.5]), "test.targets[0]:");
  rejected(() => net.trace([1, 2, 3], 1), "input:");
  rejected(() => net.trace(), "input:");
  rejected(() => net.trace([1, 2], [1, 0]), "target:");
  rejected(() => net.trace([1, 2], 2), "target:");
  rejected(() => net.trace([1, 2], NaN), "target:");
  rejected(() => net.trace([1, Infinity], 1), "input[1]:");
  rejected(() => net.trace(["a", 2], 1), "input[0]:");
  rejected(() => net.forward([1]), "input:");
  rejected(() => net.prepareExample([1, 2], 5), "target:");
  rejected(() => net.step(0), "n:");
  rejected(() => net.step(1.5), "n:");
  rejected(() => net.step(-1), "n:");
  rejected(() => net.step(NaN), "n:");
  rejected(() => net.step(1e7), "n:");
  rejected(() => net.setWeight(0, 0, 2, 1), "input:");
  rejected(() => net.setWeight(0, 3, 0, 1), "neuron:");
  rejected(() => net.setWeight(2, 0, 0, 1), "layer:");
  rejected(() => net.setWeight(-1, 0, 0, 1), "layer:");
  rejected(() => net.setWeight(0, 0, 0, NaN), "value:");
  rejected(() => net.setWeight(0, 0, 0.5, 1), "input:");
  rejected(() => net.setBias(1, 1, 0), "neuron:");
  rejected(() => net.setBias(0, 0, Infinity), "value:");
  rejected(() => net.configure({ layers: [2, 1] }), "layers:");
  rejected(() => net.configure({ seed: 2 }), "seed:");
  rejected(() => net.configure({ learningRate: 0.5, batchSize: 0 }), "batchSize:");
  rejected(() => net.configure({ lerningRate: 0.5 }), 'settings: unknown field "lerningRate"');
  rejected(() => net.configure(7), "settings: must be an object");
  rejected(() => net.setGrid({ size: 1000 }), "grid.size:");
  rejected(() => net.setGrid({ xMin: 5, xMax: -5 }), "x:");
  rejected(() => net.renderGrid(), "grid:");
  rejected(() => net.setPalette(new Uint8Array(3)), "palette:");
  // It then trains on exactly as an untouched twin does.
  assert.equal(net.step(9), twin.step(9));
  assert.deepEqual(net.toState(), twin.toState());
  net.free();
  twin.free();
});

test("no call poisons the instance", () => {
  const net = trained();
  const hostile = [
    () => new Network({ layers: [16, 64, 64, 64, 64, 64, 64, 64, 64, 17] }),
    () => new Network({ layers: Array(20).fill(1) }),
    () => new Network({ batchSize: 1e300 }),
    () => new Network({ seed: 2 ** 53 }),
    () => net.setTrainingData(new Float64Array(200002), new Float64Array(100001)),
    () => net.step(Infinity),
    () => net.setWeight(1e300, 0, 0, 1),
    () => net.setWeight(0, 1e300, 1e300, 1),
    () => net.trace(new Float64Array(1000), 0),
    () => dataset({ count: 1e9 }),
    () => dataset({ name: 7 }),
    () => Network.fromState({ layers: [2, 1], weights: [[[1, 2]]], biases: [[0]], features: ["x1", "x2"], loss: "squared", output: "linear" }).trace([1e6, -1e6], 1e6),
  ];
  for (const fn of hostile) {
    try {
      const r = fn();
      r?.free?.();
    } catch (e) {
      assert.ok(e instanceof Error, `threw a non-Error: ${e}`);
      assert.doesNotMatch(e.message, /unreachable|panicked|RuntimeError/, e.message);
    }
  }
  // A freed network throws a plain error, and nothing else is affected.
  const doomed = new Network();
  doomed.free();
  assert.throws(() => doomed.step(1));
  // The old instance and a fresh one both still work.
  assert.ok(Number.isFinite(net.step(3)));
  const fresh = new Network({ features: ["x1", "x2"] });
  const d = dataset({ name: "xor" });
  fresh.setTrainingData(d.train.inputs, d.train.targets);
  fresh.setTestData(d.test.inputs, d.test.targets);
  assert.ok(Number.isFinite(fresh.step(50)));
  const m = fresh.evaluate();
  assert.ok(m.trainAccuracy >= 0 && m.trainAccuracy <= 1);
  // The zero-copy weight view reads the same numbers as toState().
  const view = new Float64Array(wasmMemory().buffer, fresh.weightsPtr(), fresh.weightsLen());
  assert.deepEqual(Array.from(view), fresh.toState().weights.flat(2));
  fresh.free();
  net.free();
});

test("datasets: documented shape, and errors name the field", () => {
  const d = dataset({ name: "spiral", count: 500, trainRatio: 50, seed: 3 });
  assert.ok(d.train.inputs instanceof Float64Array);
  assert.equal(d.train.inputs.length, 500);
  assert.equal(d.train.targets.length, 250);
  assert.equal(d.test.targets.length, 250);
  assert.ok(d.train.targets.every((y) => y === 0 || y === 1));
  assert.deepEqual(dataset({ name: "spiral", count: 500, seed: 3 }), d);
  throwsNamed(() => dataset({ name: "swirl" }), "dataset.name:");
  throwsNamed(() => dataset({ count: 1 }), "dataset.count:");
  throwsNamed(() => dataset({ noise: -1 }), "dataset.noise:");
  throwsNamed(() => dataset({ trainRatio: 95 }), "dataset.trainRatio:");
  throwsNamed(() => dataset({ seed: 0.5 }), "dataset.seed:");
  throwsNamed(() => dataset({ points: 5 }), 'dataset: unknown field "points"');
  throwsNamed(() => dataset({ count: "5" }), "dataset.count: must be a number, got a string");
  throwsNamed(() => dataset({ name: 5 }), "dataset.name: must be a string");
  throwsNamed(() => dataset("circle"), "dataset: must be an object");
});
