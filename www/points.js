// The data the network trains on: the training and test points (generated from a data set,
// or loaded from a CSV file), the points a person adds or removes, and the selected example
// that the diagram, step mode and the inspector show. No DOM and no drawing.
//
// Each set is `{ inputs, labels }`: `inputs` (x1, x2) pairs, `labels` one number per point:
// the class (0 and 1; 0 to K - 1 for multiclass) or, for regression, the target value.
// `dataFor(output)` turns labels into the network's targets (one-hot rows for a softmax,
// -1 and 1 for a tanh output on two classes). Hand edits are kept as a log (`edits`), so a
// link can carry them and replay them on the same generated points.

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

const EMPTY = () => ({ inputs: new Float64Array(0), labels: new Float64Array(0) });

/** A set's labels from the engine's `{ inputs, targets, labels? }`. */
function labelsOf(part, task) {
  if (task === "regression" || !part.labels) return Float64Array.from(part.targets);
  return Float64Array.from(part.labels);
}

export class Points {
  constructor() {
    this.train = EMPTY();
    this.test = EMPTY();
    /** "binary" | "multiclass" | "regression". */
    this.task = "binary";
    /** Classes (2 for binary, K for multiclass, 0 for regression) and their names. */
    this.classes = 2;
    this.classNames = ["0", "1"];
    /** Regression: the target values' colour range `[lo, hi]`; null otherwise. */
    this.outputRange = null;
    /** Loaded data's plane `{ xMin, xMax, yMin, yMax }`, or null for the generated sets. */
    this.bounds = null;
    this.output = "sigmoid";
    /** Hand edits since the data was made: `["add", x1, x2, label]` | `["remove", set, index]`. */
    this.edits = [];
    /** The selected example: which point, and its input and target as the network takes them. */
    this.picked = { set: "train", index: 0 };
    this.example = { input: new Float64Array(2), target: new Float64Array(1) };
    /** The same example for the inspector, `{ input, target, label }` (a new object per pick). */
    this.described = null;
  }

  /** New points from the engine's seeded generator; `options` is state.datasetOptions(). */
  generate(engine, options) {
    this.use(engine.dataset({ ...options, count: options.count ?? DATASET_COUNT }), null);
  }

  /**
   * Takes a data set in `dataset()` / `parseCsv()` shape (`{ task, classes, classNames,
   * outputRange?, train, test }`); `bounds`: its plane, for loaded data.
   */
  use(d, bounds) {
    this.task = d.task ?? "binary";
    this.classes = d.classes ?? 2;
    this.classNames = Array.from(d.classNames ?? []);
    this.outputRange = d.outputRange ? [d.outputRange[0], d.outputRange[1]] : null;
    this.bounds = bounds;
    this.train = { inputs: Float64Array.from(d.train.inputs), labels: labelsOf(d.train, this.task) };
    this.test = { inputs: Float64Array.from(d.test.inputs), labels: labelsOf(d.test, this.task) };
    this.edits = [];
    this.picked.set = "train";
    this.picked.index = 0;
    this.#resizeExample();
    this.pick("train", 0);
  }

  /** What the data's task is: `{ task, classes }`. */
  get info() {
    return { task: this.task, classes: this.classes };
  }

  /** Output neurons the network needs. */
  get outputs() {
    return this.task === "multiclass" ? this.classes : 1;
  }

  #resizeExample() {
    if (this.example.target.length !== this.outputs) this.example.target = new Float64Array(this.outputs);
  }

  /** One point's target row for the network (into `out`). */
  #target(label, out, at = 0) {
    if (this.task === "multiclass") {
      for (let c = 0; c < this.classes; c++) out[at + c] = c === label ? 1 : 0;
    } else if (this.task === "binary") {
      out[at] = targetFor(label, this.output);
    } else {
      out[at] = label;
    }
  }

  /** A set's targets for the network, flat. */
  #targets(set) {
    const n = set.labels.length;
    const k = this.outputs;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) this.#target(set.labels[i], out, i * k);
    return out;
  }

  /**
   * The points as the network trains on them: `{ train, test }`, each `{ inputs, targets }`,
   * for an `output` activation (a tanh output trains two classes on -1 and 1). Also
   * re-picks the selected example for that output.
   */
  dataFor(output) {
    this.output = output;
    this.#resizeExample();
    this.pick(this.picked.set, this.picked.index);
    return {
      train: { inputs: this.train.inputs, targets: this.#targets(this.train) },
      test: { inputs: this.test.inputs, targets: this.#targets(this.test) },
    };
  }

  /** A label in words: "class 1", "class setosa", "y = 0.42". */
  describeLabel(label) {
    if (this.task === "regression") return `y = ${Number(label.toPrecision(4))}`;
    const name = this.classNames[label];
    return name !== undefined && name !== String(label) ? `class ${label}: ${name}` : `class ${label}`;
  }

  /** Selects point `index` of `set` ("train" or "test"). Returns false if there is none. */
  pick(set, index) {
    const pts = this[set];
    if (!pts || !(index >= 0 && index < pts.labels.length)) {
      if (set !== "train" || index !== 0) return this.pick("train", 0);
      return false;
    }
    this.picked.set = set;
    this.picked.index = index;
    const label = pts.labels[index];
    this.example.input[0] = pts.inputs[2 * index];
    this.example.input[1] = pts.inputs[2 * index + 1];
    this.#target(label, this.example.target);
    this.described = {
      input: Float64Array.from(this.example.input),
      target: this.outputs === 1 ? this.example.target[0] : Float64Array.from(this.example.target),
      label: `${set === "train" ? "training" : "test"} point ${index} (${this.describeLabel(label)})`,
    };
    return true;
  }

  /** Adds a training point of class `label` and picks it. Returns its index or -1. */
  add(x1, x2, label) {
    if (!Number.isFinite(x1) || !Number.isFinite(x2) || !Number.isFinite(label)) return -1;
    if (this.task !== "regression" && !(Number.isInteger(label) && label >= 0 && label < this.classes)) return -1;
    const n = this.train.labels.length;
    this.train = { inputs: withRow(this.train.inputs, [x1, x2]), labels: withRow(this.train.labels, [label]) };
    this.edits.push(["add", x1, x2, label]);
    return n;
  }

  /** Removes a point (a training set keeps at least two). Returns whether it did. */
  remove(set, index) {
    const pts = this[set];
    if (!pts || !(index >= 0 && index < pts.labels.length)) return false;
    if (set === "train" && pts.labels.length <= MIN_TRAIN_POINTS) return false;
    this[set] = { inputs: without(pts.inputs, index, 2), labels: without(pts.labels, index, 1) };
    this.edits.push(["remove", set, index]);
    const p = this.picked;
    if (p.set === set && p.index >= index) p.index = p.index === index ? 0 : p.index - 1;
    if (this[p.set].labels.length === 0) p.set = "train";
    return true;
  }

  /** Replays hand edits (a link's) on these points; returns how many applied. */
  replay(edits) {
    let applied = 0;
    for (const e of edits) {
      if (e[0] === "add" && this.add(e[1], e[2], e[3]) >= 0) applied++;
      else if (e[0] === "remove" && this.remove(e[1], e[2])) applied++;
    }
    return applied;
  }
}
