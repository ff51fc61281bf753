// The data the network trains on: the generated training and test points, the points a person
// adds or removes, and the selected example that the diagram, step mode and the inspector show.
// No DOM and no drawing: the element hands `train` and `test` to the output view and the
// network (dataFor), and reads `example` every frame (two reused Float64Arrays).

import { DATASET_COUNT, targetFor } from "./state.js";

const MIN_TRAIN_POINTS = 2;

/** Copies a flat set without row `index` (row width `w`). */
function without(values, index, w) {
  const out = new Float64Array(values.length - w);
  out.set(values.subarray(0, index * w));
  out.set(values.subarray((index + 1) * w), index * w);
  return out;
}

/** Copies a flat set with `row` appended. */
function withRow(values, row) {
  const out = new Float64Array(values.length + row.length);
  out.set(values);
  out.set(row, values.length);
  return out;
}

export class Points {
  constructor() {
    /** `{ inputs: Float64Array (x1, x2 pairs), targets: Float64Array (labels 0 and 1) }`. */
    this.train = { inputs: new Float64Array(0), targets: new Float64Array(0) };
    this.test = { inputs: new Float64Array(0), targets: new Float64Array(0) };
    this.output = "sigmoid";
    /** The selected example: which point, and its input and target as the network takes them. */
    this.picked = { set: "train", index: 0 };
    this.example = { input: new Float64Array(2), target: new Float64Array(1) };
    /** The same example for the inspector, `{ input, target, label }` (a new object per pick). */
    this.described = null;
  }

  /** New points from the engine's seeded generator; `options` is state.datasetOptions(). */
  generate(engine, options) {
    const d = engine.dataset({ ...options, count: options.count ?? DATASET_COUNT });
    this.train = d.train;
    this.test = d.test;
    this.pick("train", 0);
  }

  /**
   * The points as the network trains on them: `{ train, test }`, each `{ inputs, targets }`.
   * The datasets label 0 and 1; a tanh output (range -1 to 1, threshold 0) trains on -1 and 1
   * instead. Also re-picks the selected example for that output.
   */
  dataFor(output) {
    this.output = output;
    const map = (t) => (output === "tanh" ? t.map((y) => targetFor(y, output)) : t);
    this.pick(this.picked.set, this.picked.index);
    return {
      train: { inputs: this.train.inputs, targets: map(this.train.targets) },
      test: { inputs: this.test.inputs, targets: map(this.test.targets) },
    };
  }

  /** Selects point `index` of `set` ("train" or "test"). Returns false if there is none. */
  pick(set, index) {
    const pts = this[set];
    if (!pts || !(index >= 0 && index < pts.targets.length)) {
      if (set !== "train" || index !== 0) return this.pick("train", 0);
      return false;
    }
    this.picked.set = set;
    this.picked.index = index;
    const label = pts.targets[index];
    this.example.input[0] = pts.inputs[2 * index];
    this.example.input[1] = pts.inputs[2 * index + 1];
    this.example.target[0] = targetFor(label, this.output);
    this.described = {
      input: Float64Array.from(this.example.input),
      target: this.example.target[0],
      label: `${set === "train" ? "training" : "test"} point ${index} (class ${label > 0.5 ? 1 : 0})`,
    };
    return true;
  }

  /** Adds a training point of class `label` (0 or 1) and picks it. Returns its index or -1. */
  add(x1, x2, label) {
    if (!Number.isFinite(x1) || !Number.isFinite(x2)) return -1;
    const n = this.train.targets.length;
    this.train = {
      inputs: withRow(this.train.inputs, [x1, x2]),
      targets: withRow(this.train.targets, [label ? 1 : 0]),
    };
    return n;
  }

  /** Removes a point (a training set keeps at least two). Returns whether it did. */
  remove(set, index) {
    const pts = this[set];
    if (!pts || !(index >= 0 && index < pts.targets.length)) return false;
    if (set === "train" && pts.targets.length <= MIN_TRAIN_POINTS) return false;
    this[set] = { inputs: without(pts.inputs, index, 2), targets: without(pts.targets, index, 1) };
    const p = this.picked;
    if (p.set === set && p.index >= index) p.index = p.index === index ? 0 : p.index - 1;
    if (this[p.set].targets.length === 0) p.set = "train";
    return true;
  }

  /** The training points at batch indices `idx`, as the inspector's batch `{ inputs, targets }`. */
  batch(idx) {
    const { inputs, targets } = this.train;
    const n = idx.length;
    const bi = new Float64Array(2 * n);
    const bt = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      const i = idx[q];
      bi[2 * q] = inputs[2 * i];
      bi[2 * q + 1] = inputs[2 * i + 1];
      bt[q] = targetFor(targets[i], this.output);
    }
    return { inputs: bi, targets: bt };
  }
}
