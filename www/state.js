// The configuration schema: every state key of docs/FRONTEND.md, as one table.
//
// The same keys and values are used by the URL hash and by <backprop-viz> attributes. Each row
// says what a key holds, its default, what is allowed, and how the control panel labels it.
// Parsing never throws: a bad value falls back to the default for that key (or a repaired
// value, when only part of it is wrong) and yields an error that names the key and what is
// allowed. Nothing here touches the DOM.

/** Input features the engine can compute from (x1, x2), in canonical (input neuron) order. */
export const FEATURES = [
  { id: "x1", label: "x₁", name: "x1" },
  { id: "x2", label: "x₂", name: "x2" },
  { id: "x1Squared", label: "x₁²", name: "x1 squared" },
  { id: "x2Squared", label: "x₂²", name: "x2 squared" },
  { id: "x1x2", label: "x₁x₂", name: "x1 times x2" },
  { id: "sinX1", label: "sin x₁", name: "sine of x1" },
  { id: "sinX2", label: "sin x₂", name: "sine of x2" },
];

/**
 * Animation speeds. `seconds`: how long one animated step (forward sweep, backward sweep,
 * update) takes; `perFrame`: training steps per animation frame (a steady flow); `epoch`:
 * one pass over the training set per frame.
 */
export const SPEEDS = [
  { id: "slow", label: "Slow: 1 step / 2 s", seconds: 2 },
  { id: "1s", label: "1 step / s", seconds: 1 },
  { id: "3s", label: "3 steps / s", seconds: 1 / 3 },
  { id: "10s", label: "10 steps / s", seconds: 1 / 10 },
  { id: "1", label: "1 step / frame", perFrame: 1 },
  { id: "3", label: "3 steps / frame", perFrame: 3 },
  { id: "10", label: "10 steps / frame", perFrame: 10 },
  { id: "epoch", label: "1 epoch / frame", epoch: true },
];

/** What the UI allows: what the engine allows (the diagram groups neurons that don't fit). */
export const LIMITS = { maxHidden: 8, maxNeurons: 64, minNeurons: 1, maxOutputs: 16 };

/**
 * The data sets, with their task: "binary" (one output, labels 0 and 1), "multiclass"
 * (`classes` outputs, a softmax), "regression" (one output, real targets). `custom` is data a
 * person loaded (a CSV file, `src`, `setData()`); its task comes with the data.
 */
export const DATASETS = [
  { id: "circle", label: "Circle", task: "binary" },
  { id: "xor", label: "Exclusive or", task: "binary" },
  { id: "gaussian", label: "Gaussian", task: "binary" },
  { id: "spiral", label: "Spiral", task: "binary" },
  { id: "moons", label: "Moons", task: "binary" },
  { id: "blobs3", label: "3 classes: blobs", task: "multiclass", classes: 3 },
  { id: "spiral3", label: "3 classes: spiral", task: "multiclass", classes: 3 },
  { id: "blobs4", label: "4 classes: blobs", task: "multiclass", classes: 4 },
  { id: "quadrants4", label: "4 classes: quadrants", task: "multiclass", classes: 4 },
  { id: "regressPlane", label: "Regression: plane", task: "regression" },
  { id: "regressGaussian", label: "Regression: Gaussians", task: "regression" },
  { id: "custom", label: "Your data (CSV)", task: null },
];

/** Output activations and losses each task allows, its default first. */
export const TASK_RULES = {
  binary: { outputs: ["sigmoid", "tanh", "linear"], losses: ["bce", "squared"] },
  multiclass: { outputs: ["softmax"], losses: ["cce"] },
  regression: { outputs: ["linear", "tanh"], losses: ["squared"] },
};

/**
 * The task of a state's data: `{ task, classes }` (classes 2 for binary, K for multiclass,
 * 0 for regression). `custom`: the loaded data's `{ task, classes }`, for dataset "custom".
 */
export function taskOf(state, custom = null) {
  if (state.dataset === "custom" && custom) return { task: custom.task, classes: custom.classes };
  const d = DATASETS.find((x) => x.id === state.dataset) ?? DATASETS[0];
  if (d.task === null) return { task: "binary", classes: 2 };
  return { task: d.task, classes: d.task === "multiclass" ? d.classes : d.task === "binary" ? 2 : 0 };
}

/** Output neurons a task needs. */
export function outputsOf({ task, classes }) {
  return task === "multiclass" ? classes : 1;
}

/** The learning rates offered in the control panel (TensorFlow Playground's list). */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** Regularisation rates offered in the control panel. */
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** Batch sizes offered in the control panel. */
export const BATCH_SIZES = [1, 2, 5, 10, 20, 25, 50, 100, 250, 500];

/** Points a dataset has (train and test together). */
export const DATASET_COUNT = 500;
/** The input plane the heatmap covers. */
export const DOMAIN = Object.freeze({ xMin: -6, xMax: 6, yMin: -6, yMax: 6 });

const enumOf = (...pairs) => pairs.map(([value, label]) => ({ value, label }));

/**
 * The schema. `type`: enum | int | number | features | layers | bool | inspect.
 * `group` says what a change does: structure (rebuild the network), data (regenerate
 * the points), training (net.configure, weights kept), view (drawing only).
 */
export const SCHEMA = [
  {
    key: "dataset", type: "enum", default: "circle", group: "data", label: "Dataset",
    values: DATASETS.map((d) => ({ value: d.id, label: d.label })),
  },
  { key: "noise", type: "int", default: 0, min: 0, max: 50, group: "data", label: "Noise", unit: "%" },
  { key: "train-ratio", type: "int", default: 50, min: 10, max: 90, group: "data", label: "Training data", unit: "%" },
  { key: "features", type: "features", default: ["x1", "x2"], group: "structure", label: "Features" },
  { key: "layers", type: "layers", default: [2, 4, 2, 1], group: "structure", label: "Layers" },
  {
    key: "activation", type: "enum", default: "tanh", group: "structure", label: "Hidden activation",
    values: enumOf(["tanh", "tanh"], ["relu", "ReLU"], ["leakyRelu", "Leaky ReLU"], ["sigmoid", "Sigmoid"],
      ["linear", "Linear"]),
  },
  {
    key: "output", type: "enum", default: "sigmoid", group: "structure", label: "Output activation",
    values: enumOf(["sigmoid", "Sigmoid"], ["tanh", "tanh"], ["linear", "Linear"], ["softmax", "Softmax"]),
  },
  {
    key: "loss", type: "enum", default: "bce", group: "structure", label: "Loss",
    values: enumOf(["bce", "Cross-entropy"], ["squared", "Squared error"], ["cce", "Categorical cross-entropy"]),
  },
  {
    key: "learning-rate", type: "number", default: 0.03, min: 0, minExclusive: true, max: 10,
    group: "training", label: "Learning rate", suggested: LEARNING_RATES,
  },
  {
    key: "batch-size", type: "int", default: 10, min: 1, max: 1000, group: "training", label: "Batch size",
    suggested: BATCH_SIZES,
  },
  {
    key: "optimizer", type: "enum", default: "sgd", group: "training", label: "Optimizer",
    values: enumOf(["sgd", "SGD"], ["momentum", "Momentum (0.9)"], ["adam", "Adam"]),
  },
  {
    key: "regularization", type: "enum", default: "none", group: "training", label: "Regularisation",
    values: enumOf(["none", "None"], ["l1", "L1"], ["l2", "L2"]),
  },
  {
    key: "regularization-rate", type: "number", default: 0, min: 0, max: 10, group: "training",
    label: "Regularisation rate", suggested: REGULARIZATION_RATES,
  },
  { key: "seed", type: "int", default: 1, min: 0, max: 4294967295, group: "seed", label: "Seed" },
  {
    key: "view", type: "enum", default: "both", group: "view", label: "Show on the edges",
    values: enumOf(["weights", "Weights"], ["gradients", "Gradients"], ["both", "Both"]),
  },
  { key: "speed", type: "enum", default: "1", group: "view", label: "Speed", values: SPEEDS.map((s) => ({ value: s.id, label: s.label })) },
  { key: "show-test", type: "bool", default: false, group: "view", label: "Show test data" },
  { key: "inspect", type: "inspect", default: null, group: "view", label: "Inspect" },
];

/** The schema row of each key. */
export const FIELDS = new Map(SCHEMA.map((f) => [f.key, f]));
/** Attributes of the element that are not state keys. */
export const ELEMENT_ATTRIBUTES = ["controls", "autoplay", "height", "sync-hash", "src"];

/** A fresh state holding every default. */
export function defaults() {
  const state = {};
  for (const f of SCHEMA) state[f.key] = Array.isArray(f.default) ? f.default.slice() : f.default;
  return state;
}

/** Copies a state (its lists too). */
export function cloneState(state) {
  const out = {};
  for (const f of SCHEMA) {
    const v = state[f.key];
    out[f.key] = Array.isArray(v) ? v.slice() : v && typeof v === "object" ? { ...v } : v;
  }
  return out;
}

// ---- describing values in messages -------------------------------------------------------

const MAX_SHOWN = 40;

/** A value quoted for a message: truncated, control characters escaped. Text only. */
export function quote(raw) {
  let s = String(raw);
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  if (s.length > MAX_SHOWN) s = s.slice(0, MAX_SHOWN) + "…";
  return `"${s}"`;
}

/** A number as people read it: at most 6 significant digits, no exponent for the usual range. */
export function formatNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential();
  return String(Number(v.toPrecision(6)));
}

/** What a key allows, in words. */
export function allowedText(field) {
  switch (field.type) {
    case "enum":
      return `one of ${field.values.map((v) => v.value).join(", ")}`;
    case "int":
      return `a whole number from ${field.min} to ${field.max}`;
    case "number":
      return field.minExclusive
        ? `a number greater than ${field.min}, at most ${field.max}`
        : `a number from ${field.min} to ${field.max}`;
    case "bool":
      return "0 or 1";
    case "features":
      return `a comma list of ${FEATURES.map((f) => f.id).join(", ")} (at least one, no repeats)`;
    case "layers":
      return (
        `a comma list of layer sizes, inputs first: the number of features, then 0 to ${LIMITS.maxHidden} ` +
        `hidden layers of ${LIMITS.minNeurons} to ${LIMITS.maxNeurons} neurons, then the outputs ` +
        "(1, or one per class for a multiclass data set)"
      );
    case "inspect":
      return "w-L-J-K, b-L-J or n-L-J (L: 1-based weight layer, J and K: 0-based neurons), or nothing";
    default:
      return "";
  }
}

/** The serialised form of a value (what the hash and attributes hold). */
export function formatValue(field, value) {
  switch (field.type) {
    case "features":
    case "layers":
      return value.join(",");
    case "bool":
      return value ? "1" : "0";
    case "number": {
      // The short form only when it reads back as the same number: a link, or a changed
      // attribute (changedKeys), must carry 0.0123456789 itself, not 0.0123457.
      const short = formatNumber(value);
      return Number(short) === value ? short : String(value);
    }
    case "inspect":
      return value ? selectionToInspect(value) : "";
    default:
      return String(value);
  }
}

// ---- parsing one value ---------------------------------------------------------------------

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text) {
  const t = text.trim();
  if (!NUMBER_RE.test(t) || t.length > 32) return NaN;
  return Number(t);
}

/**
 * Parses one key's text. Returns `{ value }` or `{ error }` (the error says what is wrong;
 * the caller adds the key and the allowed values).
 */
export function parseValue(field, text) {
  const raw = String(text);
  switch (field.type) {
    case "enum": {
      const hit = field.values.find((v) => v.value === raw.trim());
      return hit ? { value: hit.value } : { error: `unknown value ${quote(raw)}` };
    }
    case "int":
    case "number": {
      const n = parseNumber(raw);
      if (Number.isNaN(n)) return { error: `${quote(raw)} is not a number` };
      if (!Number.isFinite(n)) return { error: `${quote(raw)} is too large` };
      if (field.type === "int" && !Number.isInteger(n)) return { error: `${quote(raw)} is not a whole number` };
      const low = field.minExclusive ? n <= field.min : n < field.min;
      if (low || n > field.max) return { error: `${quote(raw)} is out of range` };
      return { value: n === 0 ? 0 : n };
    }
    case "bool": {
      const t = raw.trim().toLowerCase();
      if (t === "1" || t === "true" || t === "yes" || t === "") return { value: true };
      if (t === "0" || t === "false" || t === "no") return { value: false };
      return { error: `unknown value ${quote(raw)}` };
    }
    case "features": {
      const parts = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
      if (parts.length === 0) return { error: "no feature is selected" };
      const seen = new Set();
      for (const p of parts) {
        if (!FEATURES.some((f) => f.id === p)) return { error: `unknown feature ${quote(p)}` };
        if (seen.has(p)) return { error: `feature ${quote(p)} is repeated` };
        seen.add(p);
      }
      return { value: FEATURES.filter((f) => seen.has(f.id)).map((f) => f.id) };
    }
    case "layers": {
      const parts = raw.split(",").map((s) => s.trim());
      if (parts.length > LIMITS.maxHidden + 2) return { error: `${quote(raw)} has too many layers` };
      if (parts.length < 2) return { error: `${quote(raw)} needs at least an input and an output layer` };
      const sizes = [];
      for (const p of parts) {
        const n = parseNumber(p);
        if (!Number.isInteger(n) || n < 1 || n > 64) return { error: `layer size ${quote(p)} is not a whole number from 1 to 64` };
        sizes.push(n);
      }
      for (let i = 1; i < sizes.length - 1; i++) {
        if (sizes[i] > LIMITS.maxNeurons) return { error: `hidden layer ${i} has ${sizes[i]} neurons, more than ${LIMITS.maxNeurons}` };
      }
      const outs = sizes[sizes.length - 1];
      if (outs > LIMITS.maxOutputs) return { error: `the output layer has ${outs} neurons, more than ${LIMITS.maxOutputs}` };
      if (sizes[0] > FEATURES.length) return { error: `${sizes[0]} inputs, but there are only ${FEATURES.length} features` };
      return { value: sizes };
    }
    case "inspect": {
      const t = raw.trim();
      if (t === "" || t === "none") return { value: null };
      const sel = inspectToSelection(t);
      return sel ? { value: sel } : { error: `${quote(raw)} is not a parameter name` };
    }
    default:
      return { error: "unknown key" };
  }
}

// ---- the inspector's selection names -------------------------------------------------------

/** `w-L-J-K` / `b-L-J` / `n-L-J` (1-based weight layer L) to a 0-based diagram selection. */
export function inspectToSelection(text) {
  let m = /^w-(\d{1,2})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m && +m[1] >= 1) return { kind: "w", l: +m[1] - 1, j: +m[2], k: +m[3] };
  m = /^b-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m && +m[1] >= 1) return { kind: "b", l: +m[1] - 1, j: +m[2] };
  m = /^n-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) return { kind: "n", L: +m[1], j: +m[2] };
  return null;
}

/** A diagram selection to its `inspect` name. */
export function selectionToInspect(sel) {
  if (!sel) return "";
  if (sel.kind === "w") return `w-${sel.l + 1}-${sel.j}-${sel.k}`;
  if (sel.kind === "b") return `b-${sel.l + 1}-${sel.j}`;
  return `n-${sel.L}-${sel.j}`;
}

/** Whether a selection names a parameter or neuron of a network with these layer sizes. */
export function selectionFits(sel, layers) {
  if (!sel) return true;
  const depth = layers.length - 1;
  if (sel.kind === "w") return sel.l < depth && sel.j < layers[sel.l + 1] && sel.k < layers[sel.l];
  if (sel.kind === "b") return sel.l < depth && sel.j < layers[sel.l + 1];
  return sel.L <= depth && sel.j < layers[sel.L];
}

/** Two selections name the same thing. */
export function sameSelection(a, b) {
  if (!a || !b) return a === b;
  return a.kind === b.kind && a.l === b.l && a.L === b.L && a.j === b.j && a.k === b.k;
}

// ---- whole states ----------------------------------------------------------------------------

function errorFor(field, problem, fallback) {
  return {
    key: field.key,
    message: `${field.key}: ${problem}; allowed: ${allowedText(field)}. Using ${fallback}.`,
  };
}

const describeFallback = (field, value) => {
  const text = formatValue(field, value);
  return text === "" ? "none" : text;
};

/**
 * Checks the keys against each other and repairs what it can, pushing an error per repair of
 * a key that was given (in `state.given`, set by applyEntries; a control's change is repaired
 * silently): the inputs must match the features, the outputs the data's task (one per class
 * for multiclass), the output activation and the loss the task (softmax with categorical
 * cross-entropy for multiclass; cross-entropy needs a sigmoid output), and the inspected
 * parameter must exist. `custom`: the loaded data's `{ task, classes }` (dataset "custom").
 */
export function reconcile(state, errors = [], { custom = null } = {}) {
  const given = state.given ?? new Set(state.layersGiven ? ["layers"] : []);
  delete state.given;
  delete state.layersGiven;
  // A repair is reported when the key, or the key it conflicts with, was given.
  const report = (key, problem, fallback, ...because) => {
    if (given.has(key) || because.some((k) => given.has(k))) errors.push(errorFor(FIELDS.get(key), problem, fallback));
  };
  if (state.dataset === "custom" && !custom) {
    report("dataset", "custom is data loaded from a file or setData(), and none is loaded", "circle");
    state.dataset = "circle";
  }
  const task = taskOf(state, custom);
  const rules = TASK_RULES[task.task];
  if (!rules.outputs.includes(state.output)) {
    const fallback = rules.outputs[0];
    report("output", `${state.output} does not suit ${describeTask(task)}, which take${task.task === "regression" ? "s" : ""} ${rules.outputs.join(" or ")}`, fallback);
    state.output = fallback;
  }
  if (!rules.losses.includes(state.loss) || !lossAllowed(state.loss, state.output)) {
    const fallback = rules.losses.find((l) => lossAllowed(l, state.output)) ?? "squared";
    const why = state.loss === "bce" && state.output !== "sigmoid"
      ? `cross-entropy needs a sigmoid output (output is ${state.output})`
      : `${state.loss} does not suit ${describeTask(task)} with a ${state.output} output, which train${task.task === "regression" ? "s" : ""} with ${rules.losses.filter((l) => lossAllowed(l, state.output)).join(" or ")}`;
    report("loss", why, fallback, "output");
    state.loss = fallback;
  }
  const outs = outputsOf(task);
  const fixed = [state.features.length, ...state.layers.slice(1, -1), outs];
  if (state.layers[0] !== state.features.length) {
    report("layers", `${state.layers[0]} inputs, but ${state.features.length} features are selected`, fixed.join(","));
  } else if (state.layers[state.layers.length - 1] !== outs) {
    const n = state.layers[state.layers.length - 1];
    report("layers", `the output layer has ${n} neuron${n === 1 ? "" : "s"}, but ${describeTask(task)} need${task.task === "regression" ? "s" : ""} ${outs}${task.task === "multiclass" ? " (one per class)" : ""}`, fixed.join(","));
  }
  state.layers = fixed;
  if (state.inspect && !selectionFits(state.inspect, state.layers)) {
    errors.push(errorFor(FIELDS.get("inspect"), `${quote(selectionToInspect(state.inspect))} is not in a ${state.layers.join("-")} network`, "none"));
    state.inspect = null;
  }
  return { state, errors };
}

/** "the binary data", "3 classes", "regression", for messages. */
export function describeTask({ task, classes }) {
  if (task === "multiclass") return `${classes} classes`;
  if (task === "regression") return "regression";
  return "two classes";
}

/**
 * Applies `[key, text]` entries onto `base` (a full state), key by key. Unknown keys, bad
 * values and repeated keys are reported and skipped, so every other key still applies.
 * `ignore` lists keys that are allowed but are not state (element attributes).
 * Returns `{ state, errors: [{ key, message }] }`.
 */
export function applyEntries(base, entries, { ignore = [], source = "hash", custom = null } = {}) {
  const state = cloneState(base);
  const errors = [];
  const given = new Set();
  const seen = new Set();
  let count = 0;
  for (const [key, text] of entries) {
    if (++count > 64) {
      errors.push({ key: "", message: `The ${source} has too many entries; the rest were ignored.` });
      break;
    }
    if (ignore.includes(key)) continue;
    const field = FIELDS.get(key);
    if (!field) {
      errors.push({ key: "", message: `Unknown key ${quote(key)} was ignored.` });
      continue;
    }
    if (seen.has(key)) errors.push({ key, message: `${key}: given more than once; the last value counts.` });
    seen.add(key);
    const parsed = parseValue(field, text);
    if ("error" in parsed) {
      errors.push(errorFor(field, parsed.error, describeFallback(field, state[key])));
      continue;
    }
    state[key] = parsed.value;
    given.add(key);
  }
  state.given = given;
  // Features given without layers: keep the hidden layers, match the inputs.
  return reconcile(state, errors, { custom });
}

const MAX_HASH = 2000;

/** Parses a location hash (with or without "#") over the defaults. Never throws. */
export function parseHash(hash, base = defaults(), { custom = null } = {}) {
  let text = String(hash ?? "");
  if (text.startsWith("#")) text = text.slice(1);
  const errors = [];
  if (text.length > MAX_HASH) {
    errors.push({ key: "", message: `The link's settings are longer than ${MAX_HASH} characters and were ignored.` });
    return { state: cloneState(base), errors };
  }
  if (text.trim() === "") return reconcile(cloneState(base), errors, { custom });
  const entries = [];
  for (const part of text.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? "" : part.slice(eq + 1);
    entries.push([decode(rawKey), decode(rawValue)]);
  }
  const result = applyEntries(base, entries, { source: "link", custom });
  result.errors.unshift(...errors);
  return result;
}

function decode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** The hash for a state: every key (so a shared link stays complete), `inspect` when set. */
export function toHash(state) {
  const parts = [];
  for (const f of SCHEMA) {
    const text = formatValue(f, state[f.key]);
    if (f.type === "inspect" && text === "") continue;
    parts.push(`${f.key}=${encodeURIComponent(text).replace(/%2C/g, ",")}`);
  }
  return parts.join("&");
}

/** Parses an element's attributes (state keys only) over the defaults. */
export function parseAttributes(element, base = defaults(), { custom = null } = {}) {
  const entries = [];
  for (const attr of element.attributes) {
    if (FIELDS.has(attr.name)) entries.push([attr.name, attr.value]);
  }
  return applyEntries(base, entries, { source: "attributes", custom });
}

// Attributes that every HTML element may have; never reported as misspelt.
const GLOBAL_ATTRIBUTE = /^(id|class|style|title|lang|dir|hidden|slot|part|tabindex|role|is|nonce|inert|draggable|translate|popover|autofocus|accesskey|spellcheck|enterkeyhint|inputmode|contenteditable|exportparts|itemscope|itemprop|itemtype|itemid|itemref)$|^(data-|aria-|on)/;

const squash = (name) => name.replace(/[-_\s]/g, "").toLowerCase();

/** The Levenshtein distance of two short strings, or a big number when it exceeds `max`. */
function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * Errors for attributes that look like a misspelt setting (`learningrate`, `learning_rate`,
 * `datset`): those would otherwise be ignored without a word. `known` lists the element's
 * own attributes besides the state keys. Other unknown attributes (id, class, data-*, ...)
 * are the page's business.
 */
export function misspeltAttributes(element, known = []) {
  const names = [...SCHEMA.map((f) => f.key), ...known];
  const errors = [];
  for (const attr of element.attributes) {
    const name = attr.name;
    if (names.includes(name) || GLOBAL_ATTRIBUTE.test(name) || name.length > 40) continue;
    const guess = names.find((k) => squash(k) === squash(name)) ?? names.find((k) => k.length >= 5 && distance(k, name, 2) <= 2);
    if (guess) {
      errors.push({ key: name, message: `${name}: not a setting of this element; did you mean ${guess}? It was ignored.` });
    }
  }
  return errors;
}

/** The keys whose values differ between two states. */
export function changedKeys(a, b) {
  const keys = [];
  for (const f of SCHEMA) if (formatValue(f, a[f.key]) !== formatValue(f, b[f.key])) keys.push(f.key);
  return keys;
}

// ---- what the engine gets --------------------------------------------------------------------

/** `new Network(config)`'s argument. */
export function engineConfig(state) {
  return {
    layers: state.layers.slice(),
    hidden: state.activation,
    output: state.output,
    loss: state.loss,
    learningRate: state["learning-rate"],
    batchSize: state["batch-size"],
    optimizer: state.optimizer,
    regularization: state.regularization,
    regularizationRate: state["regularization-rate"],
    seed: state.seed,
    features: state.features.slice(),
  };
}

/** `net.configure(settings)`'s argument: the settings that keep the weights. */
export function trainingSettings(state) {
  return {
    learningRate: state["learning-rate"],
    batchSize: state["batch-size"],
    optimizer: state.optimizer,
    regularization: state.regularization,
    regularizationRate: state["regularization-rate"],
  };
}

/** `dataset(options)`'s argument. */
export function datasetOptions(state) {
  return { name: state.dataset, count: DATASET_COUNT, noise: state.noise, trainRatio: state["train-ratio"], seed: state.seed };
}

/**
 * What a set of changed keys requires: rebuild the network, regenerate the data, reconfigure
 * training, or only redraw.
 */
export function effectsOf(keys) {
  const groups = new Set(keys.map((k) => FIELDS.get(k)?.group));
  return {
    rebuild: groups.has("structure") || groups.has("seed"),
    data: groups.has("data") || groups.has("seed"),
    training: groups.has("training"),
    view: groups.has("view"),
  };
}

/** The speed row for an id. */
export function speedOf(id) {
  return SPEEDS.find((s) => s.id === id) ?? SPEEDS[4];
}

/** Input feature labels for the diagram, in input neuron order. */
export function featureLabels(state) {
  return state.features.map((id) => FEATURES.find((f) => f.id === id).label);
}

/**
 * Which outputs the loss allows: cross-entropy needs probabilities, so a sigmoid output;
 * categorical cross-entropy a softmax; a softmax trains only with categorical cross-entropy.
 */
export function lossAllowed(loss, output) {
  if (loss === "bce") return output === "sigmoid";
  if (loss === "cce" || output === "softmax") return loss === "cce" && output === "softmax";
  return true;
}

/** The output and loss a task starts with (the derivation's sigmoid with cross-entropy for two classes). */
export function taskDefaults(task) {
  const r = TASK_RULES[task];
  return { output: r.outputs[0], loss: r.losses[0] };
}

/**
 * Targets as the engine trains on them: the datasets label points 0 and 1; a tanh output
 * ranges over (-1, 1) with its threshold at 0, so it learns -1 and 1 instead.
 */
export function targetFor(label, output) {
  return output === "tanh" ? 2 * label - 1 : label;
}

// ---- the control panel's structural actions --------------------------------------------------

/**
 * The state change a structural control asks for, or null when it does not apply (a limit is
 * reached, an unknown action): "regenerate" (a new seed), "add-layer", "remove-layer",
 * "add-neuron" / "remove-neuron" (`arg`: the neuron layer; `by` neurons, clamped to the
 * limits). `random` picks the new seed.
 */
export function applyAction(state, name, arg, random = Math.random, by = 1) {
  const layers = state.layers;
  switch (name) {
    case "regenerate":
      return { seed: Math.floor(random() * 100000) };
    case "add-layer": {
      if (layers.length - 2 >= LIMITS.maxHidden) return null;
      const size = layers.length > 2 ? layers[layers.length - 2] : 2;
      return { layers: [...layers.slice(0, -1), size, layers[layers.length - 1]] };
    }
    case "remove-layer":
      return layers.length > 2 ? { layers: [...layers.slice(0, -2), layers[layers.length - 1]] } : null;
    case "add-neuron":
    case "remove-neuron": {
      if (!(arg >= 1 && arg < layers.length - 1)) return null;
      const next = layers.slice();
      const n = next[arg] + (name === "add-neuron" ? by : -by);
      next[arg] = Math.min(LIMITS.maxNeurons, Math.max(LIMITS.minNeurons, n));
      return next[arg] !== layers[arg] ? { layers: next } : null;
    }
    default:
      return null;
  }
}

/** A human name for a selection, for the editor and screen readers: `{ label, name }`. */
export function describeSelection(sel, state) {
  const depth = state.layers.length - 1;
  const layerName = (L) => (L === 0 ? "the inputs" : L === depth ? "the output" : `hidden layer ${L}`);
  const neuron = (L, j) => (L === 0 ? `input ${state.features[j] ?? j}` : `neuron ${j} of ${layerName(L)}`);
  if (sel.kind === "w") {
    return {
      label: `W[${sel.l + 1}] row ${sel.j}, column ${sel.k}`,
      name: `weight W[${sel.l + 1}] from ${neuron(sel.l, sel.k)} to ${neuron(sel.l + 1, sel.j)}`,
    };
  }
  if (sel.kind === "b") {
    return { label: `b[${sel.l + 1}] neuron ${sel.j}`, name: `bias b[${sel.l + 1}] of ${neuron(sel.l + 1, sel.j)}` };
  }
  return { label: neuron(sel.L, sel.j), name: neuron(sel.L, sel.j) };
}
