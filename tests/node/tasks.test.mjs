// The multiclass, regression and CSV side of the JS API, from the built pkg/ in Node:
// dataset() shapes for every task, oneHot(), parseCsv() on good and bad files (rows by line
// number, file-level errors thrown), toState()'s moments and step count, and the heatmap's
// class colours, gridClasses view and outputRange. Nothing here can poison the instance.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Network, dataset, wasmMemory, parseCsv, oneHot, defaultClassPalette } from "./pkg.mjs";

function throwsNamed(fn, prefix) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `expected an Error starting with ${JSON.stringify(prefix)}`);
  assert.ok(caught.message.startsWith(prefix), `expected ${JSON.stringify(prefix)}, got ${JSON.stringify(caught.message)}`);
  assert.doesNotMatch(caught.message, /unreachable|panicked|RuntimeError/);
  return caught.message;
}

test("dataset() describes its task: binary, multiclass (one-hot targets and labels), regression", () => {
  const b = dataset({ name: "circle", count: 40 });
  assert.equal(b.task, "binary");
  assert.equal(b.classes, 2);
  assert.deepEqual(b.classNames, ["0", "1"]);
  assert.ok(b.train.labels instanceof Uint8Array);
  assert.deepEqual(Array.from(b.train.labels), Array.from(b.train.targets));
  assert.equal(b.outputRange, undefined);

  for (const [name, k] of [["blobs3", 3], ["spiral3", 3], ["blobs4", 4], ["quadrants4", 4]]) {
    const d = dataset({ name, count: 120, noise: 10, trainRatio: 70, seed: 2 });
    assert.equal(d.task, "multiclass");
    assert.equal(d.classes, k);
    assert.equal(d.classNames.length, k);
    assert.equal(d.train.labels.length, 84);
    assert.equal(d.train.targets.length, 84 * k, "one-hot rows");
    assert.equal(d.test.inputs.length, 2 * 36);
    d.train.labels.forEach((c, i) => {
      const row = Array.from(d.train.targets.subarray(i * k, (i + 1) * k));
      assert.deepEqual(row, Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)));
    });
    assert.deepEqual(Array.from(oneHot(d.test.labels, k)), Array.from(d.test.targets));
    const counts = new Array(k).fill(0);
    for (const part of [d.train, d.test]) for (const c of part.labels) counts[c]++;
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `${name} balanced: ${counts}`);
    assert.deepEqual(dataset({ name, count: 120, noise: 10, trainRatio: 70, seed: 2 }), d, "deterministic");
  }

  for (const name of ["regressPlane", "regressGaussian"]) {
    const r = dataset({ name, count: 100 });
    assert.equal(r.task, "regression");
    assert.equal(r.classes, 0);
    assert.deepEqual(r.classNames, []);
    assert.deepEqual(Array.from(r.outputRange), [-1, 1]);
    assert.equal(r.train.labels, undefined);
    assert.equal(r.train.targets.length, 50);
    assert.ok(r.train.targets.some((y) => y !== 0 && y !== 1));
  }
  throwsNamed(() => dataset({ name: "blobs5" }), 'dataset.name: unknown value "blobs5"; allowed: "circle"');
});

test("a softmax network trains on a multiclass dataset as dataset() returns it", () => {
  const d = dataset({ name: "blobs3", count: 300, seed: 4 });
  const net = new Network({ layers: [2, 4, 3], output: "softmax", optimizer: "adam", learningRate: 0.03, seed: 2 });
  assert.equal(net.toState().loss, "cce", "cce is softmax's default loss");
  assert.ok(Number.isNaN(net.threshold));
  assert.deepEqual(Array.from(net.outputRange), [0, 1]);
  net.setTrainingData(d.train.inputs, d.train.targets);
  net.setTestData(d.test.inputs, d.test.targets);
  const before = net.evaluate();
  net.step(600);
  const after = net.evaluate();
  assert.ok(after.trainLoss < before.trainLoss);
  assert.ok(after.testAccuracy > 0.95, `arg-max accuracy ${after.testAccuracy}`);
  const a = net.forward([0, 3]);
  assert.ok(Math.abs(a.reduce((s, v) => s + v, 0) - 1) < 1e-15);
  net.free();
});

test("a linear network regresses the Gaussian mixture", () => {
  const d = dataset({ name: "regressGaussian", count: 400, seed: 1 });
  const net = new Network({ layers: [2, 8, 8, 1], output: "linear", loss: "squared", optimizer: "adam", learningRate: 0.01 });
  net.setTrainingData(d.train.inputs, d.train.targets);
  const before = net.evaluate().trainLoss;
  net.step(2000);
  const after = net.evaluate().trainLoss;
  assert.ok(after < 0.5 * before, `loss ${before} -> ${after}`);
  net.free();
});

test("oneHot() and defaultClassPalette()", () => {
  assert.deepEqual(Array.from(oneHot([2, 0], 3)), [0, 0, 1, 1, 0, 0]);
  assert.deepEqual(Array.from(oneHot(new Uint8Array([1]), 2)), [0, 1]);
  assert.deepEqual(Array.from(oneHot(new Float64Array([1, 0]), 2)), [0, 1, 1, 0]);
  throwsNamed(() => oneHot([3], 3), "labels[0]: must be a whole number from 0 to 2, got 3");
  throwsNamed(() => oneHot([0.5], 3), "labels[0]:");
  throwsNamed(() => oneHot([0], 17), "classes: must be a whole number from 2 to 16");
  throwsNamed(() => oneHot("012", 3), "labels: must be an array of numbers");
  const p = defaultClassPalette();
  assert.ok(p instanceof Uint8Array);
  assert.equal(p.length, 64);
  assert.deepEqual(Array.from(p.subarray(0, 8)), [230, 159, 0, 255, 0, 114, 178, 255], "orange, blue");
});

const IRIS_LIKE = [
  "\uFEFF# measured by hand",
  "petal length;petal width;species",
  "1,4;0,2;setosa",
  "1.4;0.2;setosa",
  "4.7;1.4;versicolor",
  "",
  "\"5.1\";\"1.9\";\"virginica\"",
  "6.0;2.5;virginica",
  "4.5;1.5;versicolor",
  "4.9;oops;versicolor",
].join("\r\n");

test("parseCsv() reads a file into dataset()'s shape and lists the rows it could not read", () => {
  const r = parseCsv(IRIS_LIKE, { trainRatio: 80, seed: 5 });
  assert.equal(r.task, "multiclass");
  assert.equal(r.classes, 3);
  assert.deepEqual(r.classNames, ["setosa", "versicolor", "virginica"]);
  assert.equal(r.delimiter, ";");
  assert.deepEqual(r.header, ["petal length", "petal width", "species"]);
  assert.deepEqual(r.columns, ["petal length", "petal width", "species"]);
  assert.equal(r.rows, 5);
  assert.equal(r.errorCount, 2);
  assert.deepEqual(r.errors, [
    { line: 3, field: "x1", message: 'line 3: x1: not a number: "1,4" (write decimals with a point: 1.4)' },
    { line: 10, field: "x2", message: 'line 10: x2: not a number: "oops"' },
  ]);
  assert.equal(r.train.labels.length, 4);
  assert.equal(r.test.labels.length, 1);
  assert.equal(r.train.targets.length, 12);
  assert.deepEqual(r.bounds, { xMin: 1.4, xMax: 6, yMin: 0.2, yMax: 2.5 });
  assert.deepEqual(parseCsv(IRIS_LIKE, { trainRatio: 80, seed: 5 }), r, "deterministic");
  // Straight into a softmax network.
  const net = new Network({ layers: [2, 3, r.classes], output: "softmax" });
  net.setTrainingData(r.train.inputs, r.train.targets);
  assert.ok(Number.isFinite(net.step(3)));
  net.free();

  const bin = parseCsv("x1,x2,label\n1,2,1\n3,4,0\n");
  assert.equal(bin.task, "binary");
  assert.deepEqual(bin.classNames, ["0", "1"]);
  assert.equal(bin.train.targets.length + bin.test.targets.length, 2);
  const reg = parseCsv("a\tb\tc\n1\t2\t0.25\n3\t4\t-7.5\n", { task: "regression" });
  assert.equal(reg.task, "regression");
  assert.equal(reg.delimiter, "\t");
  assert.deepEqual(Array.from(reg.outputRange), [-7.5, 0.25]);
  assert.equal(reg.train.labels, undefined);
  const forced = parseCsv("1,2,0\n3,4,1\n", { task: "multiclass", header: false, columns: [1, 0, 2] });
  assert.equal(forced.classes, 2);
  assert.deepEqual([...forced.train.inputs, ...forced.test.inputs].sort(), [1, 2, 3, 4]);
  assert.equal(forced.header, null);
});

test("parseCsv() refuses unusable files and bad options by name, and never poisons the instance", () => {
  throwsNamed(() => parseCsv(), "text: must be a string");
  throwsNamed(() => parseCsv(new Uint8Array(4)), "text: must be a string");
  throwsNamed(() => parseCsv(""), "text: has no data rows");
  throwsNamed(() => parseCsv("x1,x2,label\n"), "text: has no data row that could be read");
  throwsNamed(() => parseCsv("1,2\n"), "options.columns[2]: column 2 (label) does not exist");
  throwsNamed(() => parseCsv("a,b,c\n1,2,3\n", { columns: ["a", "b", "d"] }), 'options.columns[2]: no column named "d"');
  throwsNamed(() => parseCsv("1,2,a\n1,2,a\n"), 'label: has only one class, "a"');
  const many = Array.from({ length: 17 }, (_, i) => `1,2,c${i}`).join("\n");
  throwsNamed(() => parseCsv(many), 'label: column "label" has more than 16 different class names');
  throwsNamed(() => parseCsv("1,2,0\n".repeat(100_001)), "text: has more than 100000 data rows");
  throwsNamed(() => parseCsv(" ".repeat(16 * 1024 * 1024 + 1)), "text: has 16777217 characters; a data file may have at most 16777216 bytes");
  // Multi-byte text: the byte limit is on UTF-8 bytes.
  throwsNamed(() => parseCsv("é".repeat(8 * 1024 * 1024 + 1)), "text: is 16777218 bytes");
  throwsNamed(() => parseCsv("1,2,0", { delimiter: "|" }), "options.delimiter:");
  throwsNamed(() => parseCsv("1,2,0", { header: "yes" }), "options.header:");
  throwsNamed(() => parseCsv("1,2,0", { task: "ranking" }), "options.task:");
  throwsNamed(() => parseCsv("1,2,0", { columns: [0, 1] }), "options.columns:");
  throwsNamed(() => parseCsv("1,2,0", { columns: [0, 1, -1] }), "options.columns[2]:");
  throwsNamed(() => parseCsv("1,2,0", { columns: [0, 1, ""] }), "options.columns[2]:");
  throwsNamed(() => parseCsv("1,2,0", { comments: 1 }), "options.comments:");
  throwsNamed(() => parseCsv("1,2,0", { trainRatio: 5 }), "options.trainRatio:");
  throwsNamed(() => parseCsv("1,2,0", { seed: -1 }), "options.seed:");
  throwsNamed(() => parseCsv("1,2,0", { separator: "," }), 'options: unknown field "separator"');
  throwsNamed(() => parseCsv("1,2,0", "comma"), "options: must be an object");
  // Random garbage is read or refused, never a panic.
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const alphabet = [",", ";", "\t", '"', "\n", "\r\n", "#", " ", "1", "-2.5", "1e9", "x", "é", "\uFEFF", "0"];
  for (let i = 0; i < 2000; i++) {
    let text = "";
    const n = Math.floor(next() * 40);
    for (let j = 0; j < n; j++) text += alphabet[Math.floor(next() * alphabet.length)];
    try {
      const r = parseCsv(text, { task: ["auto", "binary", "multiclass", "regression"][i % 4] });
      assert.ok(r.rows >= 1 && r.train.inputs.every(Number.isFinite));
    } catch (e) {
      assert.ok(e instanceof Error);
      assert.doesNotMatch(e.message, /unreachable|panicked|RuntimeError/, e.message);
    }
  }
  const net = new Network();
  assert.ok(Number.isFinite(net.forward([0, 0])[0]), "the instance still works");
  net.free();
});

test("toState() carries the step count and the optimizer's moments; fromState() resumes exactly", () => {
  const d = dataset({ name: "spiral3", count: 90, seed: 3 });
  const make = () => {
    const n = new Network({ layers: [2, 5, 3], output: "softmax", optimizer: "adam", batchSize: 1000, seed: 8 });
    n.setTrainingData(d.train.inputs, d.train.targets);
    return n;
  };
  const net = make();
  net.step(20);
  const s = net.toState();
  assert.equal(s.stepCount, 20);
  assert.equal(s.moments.optimizer, "adam");
  assert.equal(s.moments.updates, 20);
  assert.equal(s.moments.vWeights.length, 2);
  // Through JSON, as an export file would go.
  const restored = Network.fromState(JSON.parse(JSON.stringify(s)));
  assert.deepEqual(restored.toState(), s);
  assert.equal(restored.stepCount, 20);
  restored.setTrainingData(d.train.inputs, d.train.targets);
  assert.equal(restored.evaluate().trainLoss, net.evaluate().trainLoss);
  assert.equal(restored.step(5), net.step(5), "the same next losses");
  assert.deepEqual(restored.toState(), net.toState());
  const lean = net.toState({ moments: false });
  assert.equal(lean.moments, undefined);
  assert.equal(lean.stepCount, 25);
  throwsNamed(() => net.toState({ moments: "no" }), "options.moments: must be true or false");
  throwsNamed(() => net.toState({ compact: true }), 'options: unknown field "compact"');
  const bad = structuredClone(s);
  bad.moments.mWeights[0][0].push(1);
  throwsNamed(() => Network.fromState(bad), "moments.mWeights[0][0]: must have 2 entries");
  bad.moments = { ...s.moments, extra: 1 };
  throwsNamed(() => Network.fromState(bad), "moments: unknown field");
  throwsNamed(() => Network.fromState({ ...s, stepCount: -1 }), "stepCount:");
  throwsNamed(() => new Network({ moments: s.moments }), "moments: belongs in a state");
  throwsNamed(() => net.configure({ stepCount: 0 }), "stepCount: cannot change");
  // A regression network round-trips too.
  const r = dataset({ name: "regressPlane", count: 60 });
  const lin = new Network({ layers: [2, 3, 1], output: "linear", loss: "squared", optimizer: "momentum" });
  lin.setTrainingData(r.train.inputs, r.train.targets);
  lin.step(10);
  const ls = lin.toState();
  assert.equal(ls.moments.vWeights, undefined, "momentum has one moment");
  const lin2 = Network.fromState(ls);
  lin2.setTrainingData(r.train.inputs, r.train.targets);
  assert.ok(Math.abs(lin2.evaluate().trainLoss - lin.evaluate().trainLoss) <= 1e-12);
  assert.deepEqual(lin2.toState(), ls);
  for (const n of [net, restored, lin, lin2]) n.free();
});

test("softmax heatmap: class colours by confidence, the classes view, output thumbnails", () => {
  // Z = (4 x1, -4 x1, 0): class 0 to the right, class 1 to the left.
  const net = Network.fromState({
    layers: [2, 3],
    output: "softmax",
    weights: [[[4, 0], [-4, 0], [0, 0]]],
    biases: [[0, 0, -10]],
  });
  net.setGrid({ size: 20, thumb: 4 });
  net.renderGrid();
  const mem = () => wasmMemory().buffer;
  const classes = new Uint8Array(mem(), net.gridClassesPtr(), net.gridClassesLen());
  const values = new Float32Array(mem(), net.gridValuesPtr(), net.gridValuesLen());
  const pixels = new Uint8Array(mem(), net.gridPixelsPtr(), net.gridPixelsLen());
  const palette = defaultClassPalette();
  assert.equal(classes.length, 400);
  assert.equal(classes[10 * 20 + 19], 0);
  assert.equal(classes[10 * 20], 1);
  assert.ok(values[10 * 20 + 19] > 0.999);
  assert.deepEqual(Array.from(pixels.subarray(4 * (10 * 20 + 19), 4 * (10 * 20 + 20))), Array.from(palette.subarray(0, 4)));
  assert.deepEqual(Array.from(pixels.subarray(4 * (10 * 20), 4 * (10 * 20 + 1))), Array.from(palette.subarray(4, 8)));
  net.setClassPalette(new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255]));
  net.renderGrid();
  const px = new Uint8Array(wasmMemory().buffer, net.gridPixelsPtr(), net.gridPixelsLen());
  assert.deepEqual(Array.from(px.subarray(4 * (10 * 20), 4 * (10 * 20 + 1))), [4, 5, 6, 255]);
  throwsNamed(() => net.setClassPalette(new Uint8Array(0)), "classPalette:");
  net.free();
  // Regression: outputRange sets the span of the diverging palette.
  const lin = Network.fromState({ layers: [2, 1], output: "linear", loss: "squared", weights: [[[1, 0]]], biases: [[0]] });
  assert.deepEqual(Array.from(lin.outputRange), [0, 1]);
  lin.setGrid({ size: 10, thumb: 2, outputRange: [-6, 6] });
  assert.deepEqual(Array.from(lin.outputRange), [-6, 6]);
  throwsNamed(() => lin.setGrid({ outputRange: [2, 1] }), "grid.outputRange: must be [lo, hi] with finite numbers lo < hi");
  throwsNamed(() => lin.setGrid({ outputRange: "wide" }), "grid.outputRange: must be an array");
  assert.deepEqual(Array.from(lin.outputRange), [-6, 6], "a rejected setGrid changes nothing");
  lin.free();
});
