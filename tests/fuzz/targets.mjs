// The JavaScript fuzz targets: the front end's parsers (URL hash, attributes, `controls`,
// `height`) and the engine's JS API through the built package (configs and states, the calls
// that take data, parseCsv). See harness.mjs for how a target is written and run.
//
// Invariants, for every input: no exception escapes, the input takes at most 100 ms (the
// harness times it), every error names its key, a state that comes out is valid (an oracle
// written here from docs/FRONTEND.md, not from state.js) and survives the URL (re-parsing
// `toHash(state)` gives it back with no errors), and a rejected value leaves its key at its
// previous value while the others still apply. Engine calls either return or throw an Error
// whose message starts with the field (never a wasm trap, which is a Rust panic), and a
// rejected call leaves the network as it was.
//
// To add a target: append an entry to TARGETS (see harness.mjs), and put seed files in
// tests/fuzz/corpus/<name>/.

import { deflateRawSync, inflateRawSync } from "node:zlib";
import { EDGE_NUMBERS, check, decodeValue, encodeValue, mutateString, mutateValue, randomValue, same, timed, timedAsync } from "./harness.mjs";
import {
  FIELDS, FEATURES, SCHEMA, SPEEDS, ELEMENT_ATTRIBUTES, applyEntries, defaults, misspeltAttributes, parseAttributes,
  parseHash, parseValue, selectionFits, toHash,
} from "../../www/state.js";
import { CONTROL_NAMES, parseControls } from "../../www/controls.js";
import { parseHeight } from "../../www/layout.js";
import { UrlState } from "../../www/url-state.js";

// ---- the oracle: valid states and values, from docs/FRONTEND.md and README.md ---------------------

const BINARY = ["circle", "xor", "gaussian", "spiral", "moons"];
const MULTICLASS = { blobs3: 3, spiral3: 3, blobs4: 4, quadrants4: 4 };
const REGRESSION = ["regressPlane", "regressGaussian"];
const ENUMS = {
  dataset: [...BINARY, ...Object.keys(MULTICLASS), ...REGRESSION, "custom"],
  activation: ["tanh", "relu", "leakyRelu", "sigmoid", "linear"],
  output: ["sigmoid", "tanh", "linear", "softmax"],
  loss: ["bce", "squared", "cce"],
  optimizer: ["sgd", "momentum", "adam"],
  regularization: ["none", "l1", "l2"],
  view: ["weights", "gradients", "both"],
  speed: ["slow", "1s", "3s", "10s", "1", "3", "10", "epoch"],
};
const RANGES = {
  noise: [0, 50, true], "train-ratio": [10, 90, true], "batch-size": [1, 1000, true], seed: [0, 4294967295, true],
  "learning-rate": [0, 10, false], "regularization-rate": [0, 10, false],
};
const FEATURE_IDS = ["x1", "x2", "x1Squared", "x2Squared", "x1x2", "sinX1", "sinX2"];
const KEYS = SCHEMA.map((f) => f.key);
/** The UI's network limits: what the engine allows (README, "Attributes"). */
const MAX_HIDDEN_LAYERS = 8;
const MAX_NEURONS = 64;
const MAX_OUTPUTS = 16;

/** A state's task and classes: from its data set, or the loaded data's (`custom`) for "custom". */
function taskFor(dataset, custom) {
  if (dataset === "custom") return custom ?? { task: "none", classes: 0 };
  if (BINARY.includes(dataset)) return { task: "binary", classes: 2 };
  if (dataset in MULTICLASS) return { task: "multiclass", classes: MULTICLASS[dataset] };
  return { task: "regression", classes: 0 };
}

/**
 * The outputs and losses each task takes: two classes a sigmoid (with cross-entropy or squared
 * error), tanh or linear output; more classes a softmax with categorical cross-entropy;
 * regression a linear or tanh output with squared error.
 */
function pairAllowed(task, output, loss) {
  if (task === "binary") return (output === "sigmoid" && loss === "bce") || (["sigmoid", "tanh", "linear"].includes(output) && loss === "squared");
  if (task === "multiclass") return output === "softmax" && loss === "cce";
  if (task === "regression") return ["linear", "tanh"].includes(output) && loss === "squared";
  return false;
}

/** Whether a selection (`inspect`) is well formed and names something in `layers`. */
function selectionValid(sel, layers) {
  if (sel === null) return true;
  const whole = (n) => Number.isInteger(n) && n >= 0;
  const depth = layers.length - 1;
  if (sel.kind === "w") return Object.keys(sel).length === 4 && whole(sel.l) && whole(sel.j) && whole(sel.k) && sel.l < depth && sel.j < layers[sel.l + 1] && sel.k < layers[sel.l];
  if (sel.kind === "b") return Object.keys(sel).length === 3 && whole(sel.l) && whole(sel.j) && sel.l < depth && sel.j < layers[sel.l + 1];
  if (sel.kind === "n") return Object.keys(sel).length === 3 && whole(sel.L) && whole(sel.j) && sel.L <= depth && sel.j < layers[sel.L];
  return false;
}

/**
 * What is wrong with a state, or null: every key of the schema, each valid, and nothing else;
 * the output and loss suit the data's task, the inputs match the features and the outputs the
 * task (one per class). `custom`: the loaded data's `{ task, classes }`, if any.
 */
export function stateProblem(s, custom = null) {
  if (!s || typeof s !== "object") return "not an object";
  const keys = Object.keys(s).sort();
  if (!same(keys, KEYS.slice().sort())) return `keys ${keys.join(",")}`;
  for (const [k, values] of Object.entries(ENUMS)) if (!values.includes(s[k])) return `${k} = ${s[k]}`;
  if (s.dataset === "custom" && !custom) return "dataset custom without loaded data";
  for (const [k, [lo, hi, whole]] of Object.entries(RANGES)) {
    const v = s[k];
    const low = k === "learning-rate" ? v <= lo : v < lo;
    if (typeof v !== "number" || !Number.isFinite(v) || low || v > hi || (whole && !Number.isInteger(v)) || Object.is(v, -0)) return `${k} = ${v}`;
  }
  const f = s.features;
  if (!Array.isArray(f) || f.length === 0 || !f.every((x) => FEATURE_IDS.includes(x))) return `features = ${f}`;
  if (!same(f, FEATURE_IDS.filter((x) => f.includes(x)))) return `features not in order or repeated: ${f}`;
  const { task, classes } = taskFor(s.dataset, custom);
  if (!pairAllowed(task, s.output, s.loss)) return `output ${s.output} with loss ${s.loss} for ${task}`;
  const l = s.layers;
  const outs = task === "multiclass" ? classes : 1;
  if (!Array.isArray(l) || l.length < 2 || l.length > MAX_HIDDEN_LAYERS + 2) return `layers = ${l}`;
  if (l[0] !== f.length || l[l.length - 1] !== outs || !l.slice(1, -1).every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NEURONS)) {
    return `layers = ${l} with ${f.length} features and ${outs} outputs`;
  }
  if (typeof s["show-test"] !== "boolean") return `show-test = ${s["show-test"]}`;
  if (!selectionValid(s.inspect, l)) return `inspect = ${JSON.stringify(s.inspect)} for layers ${l}`;
  return null;
}

/** The grammar of numbers in the hash and attributes, by hand: [+-] digits [. digits] [e [+-] digits]. */
function numberText(t) {
  let i = 0;
  const digits = () => {
    const start = i;
    while (i < t.length && t[i] >= "0" && t[i] <= "9") i++;
    return i - start;
  };
  if (t[i] === "+" || t[i] === "-") i++;
  let mantissa = digits();
  if (t[i] === ".") {
    i++;
    mantissa += digits();
  }
  if (mantissa === 0) return NaN;
  if (t[i] === "e" || t[i] === "E") {
    i++;
    if (t[i] === "+" || t[i] === "-") i++;
    if (digits() === 0) return NaN;
  }
  if (i !== t.length || t.length > 32) return NaN;
  return Number(t);
}

/** A whole number 0-99 written with one or two digits, or NaN. */
function smallIndex(t) {
  return /^[0-9]{1,2}$/.test(t) ? Number(t) : NaN;
}

/** What one key's text should give: `{ value }` or `{ error: true }`. */
export function expectedValue(key, text) {
  const raw = String(text);
  const t = raw.trim();
  if (ENUMS[key]) return ENUMS[key].includes(t) ? { value: t } : { error: true };
  if (RANGES[key]) {
    const [lo, hi, whole] = RANGES[key];
    const n = numberText(t);
    const low = key === "learning-rate" ? n <= lo : n < lo;
    if (!Number.isFinite(n) || low || n > hi || (whole && !Number.isInteger(n))) return { error: true };
    return { value: n === 0 ? 0 : n };
  }
  switch (key) {
    case "show-test": {
      const b = t.toLowerCase();
      if (["1", "true", "yes", ""].includes(b)) return { value: true };
      if (["0", "false", "no"].includes(b)) return { value: false };
      return { error: true };
    }
    case "features": {
      const parts = raw.split(",").map((p) => p.trim()).filter((p) => p !== "");
      if (parts.length === 0 || parts.some((p) => !FEATURE_IDS.includes(p)) || new Set(parts).size !== parts.length) return { error: true };
      return { value: FEATURE_IDS.filter((id) => parts.includes(id)) };
    }
    case "layers": {
      const sizes = raw.split(",").map((p) => numberText(p.trim()));
      const n = sizes.length;
      if (n < 2 || n > MAX_HIDDEN_LAYERS + 2 || !sizes.every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_NEURONS)) return { error: true };
      if (sizes[n - 1] > MAX_OUTPUTS || sizes[0] > FEATURE_IDS.length) return { error: true };
      return { value: sizes.map((v) => (v === 0 ? 0 : v)) };
    }
    case "inspect": {
      if (t === "" || t === "none") return { value: null };
      const p = t.split("-");
      const nums = p.slice(1).map(smallIndex);
      if (nums.some(Number.isNaN)) return { error: true };
      if (p[0] === "w" && p.length === 4 && nums[0] >= 1) return { value: { kind: "w", l: nums[0] - 1, j: nums[1], k: nums[2] } };
      if (p[0] === "b" && p.length === 3 && nums[0] >= 1) return { value: { kind: "b", l: nums[0] - 1, j: nums[1] } };
      if (p[0] === "n" && p.length === 3) return { value: { kind: "n", L: nums[0], j: nums[1] } };
      return { error: true };
    }
    default:
      throw new Error(`no oracle for ${key}`);
  }
}

// ---- shared checks -----------------------------------------------------------------------------

/** Errors are `{ key, message }`: a schema key whose message starts with it, or "" (unknown keys, the whole input). */
export function checkErrors(errors, { extraKeys = [] } = {}) {
  check(Array.isArray(errors), "errors is not an array", errors);
  for (const e of errors) {
    check(e && typeof e.message === "string" && e.message.trim() !== "" && typeof e.key === "string", "an error without a key or message", e);
    if (e.key !== "") {
      check(FIELDS.has(e.key) || extraKeys.includes(e.key), "an error names an unknown key", e);
      check(e.message.startsWith(`${e.key}: `), "an error's message does not start with its key", e);
    }
  }
}

/** A state is valid and comes back from its own hash unchanged, with no errors. */
export function checkState(state, custom = null) {
  const problem = stateProblem(state, custom);
  check(problem === null, `an invalid state came out: ${problem}`, state);
  const hash = toHash(state);
  const back = parseHash(hash, defaults(), { custom });
  check(back.errors.length === 0, "toHash(state) does not re-parse cleanly", hash, back.errors);
  check(same(back.state, state), "toHash(state) re-parses to another state", hash, state, back.state);
}

/** Keys that reconcile may repair (the data's task decides the output, loss and outputs). */
const REPAIRABLE = ["dataset", "output", "loss", "layers", "inspect"];

/**
 * `result` of applying `entries` ([key, text], as the hash or attributes hold them) over
 * `base`: each value the oracle accepts is the key's new value, and each it refuses leaves the
 * key alone and is reported under its key ("... Using <the previous value>."). Keys that
 * nothing repairs end at their last accepted value exactly; a repaired key (the task decides
 * output, loss and outputs; an inspected parameter must exist) keeps its hidden layers, and
 * is reported when it was given. Returns the rejected keys.
 */
function checkApplied(base, entries, result) {
  const expected = structuredClone(base);
  const rejected = [];
  const given = new Set();
  for (const [key, text] of entries) {
    if (!FIELDS.has(key)) continue;
    const want = expectedValue(key, text);
    const got = parseValue(FIELDS.get(key), text);
    check(("error" in got) === Boolean(want.error) && (want.error || same(got.value, want.value)), `parseValue(${key}) disagrees with the oracle`, text, got, want);
    if (want.error) {
      rejected.push(key);
      continue;
    }
    expected[key] = want.value;
    given.add(key);
  }
  const { state, errors } = result;
  const keyed = (key) => errors.some((e) => e.key === key);
  for (const key of rejected) {
    check(errors.some((e) => e.key === key && /Using .*\.$/s.test(e.message)), `a rejected ${key} is not reported under its key`, entries, errors);
  }
  for (const key of KEYS) {
    if (same(state[key], expected[key])) continue;
    check(REPAIRABLE.includes(key), `${key} is not its last accepted value`, entries, state[key], expected[key], errors);
    check(!given.has(key) || keyed(key), `a given ${key} was changed without a notice`, entries, state[key], expected[key], errors);
    if (key === "layers") check(same(state.layers.slice(1, -1), expected.layers.slice(1, -1)), "a repair changed the hidden layers", entries, state.layers, expected.layers);
    if (key === "inspect") check(state.inspect === null && keyed("inspect"), "inspect changed, not to none with a notice", entries, errors);
  }
  return rejected;
}

// ---- the state targets -------------------------------------------------------------------------

/** Bases the hash and attributes are applied over: the defaults and states far from them. */
const BASES = [
  defaults(),
  parseHash("dataset=spiral&noise=35&train-ratio=70&features=x1,x2,x1Squared,sinX2&layers=4,8,8,3,1&activation=relu&output=tanh&loss=squared&learning-rate=0.3&batch-size=25&optimizer=adam&regularization=l1&regularization-rate=0.001&seed=4294967295&view=gradients&speed=slow&show-test=1&inspect=w-2-7-3").state,
  parseHash("dataset=blobs4&features=x1&layers=1,64,64,64,64,64,64,64,64,4&output=softmax&loss=cce&learning-rate=10&inspect=n-9-3").state,
];
/** Loaded data (dataset "custom") a hash or attributes may be read with. */
const CUSTOMS = [null, null, { task: "multiclass", classes: 5 }, { task: "regression", classes: 0 }, { task: "binary", classes: 2 }];
for (const b of BASES) if (stateProblem(b) !== null) throw new Error(`a fuzz base state is invalid: ${stateProblem(b)}`);

/** Splits a hash as a browser's URL would be read: `&`-separated `key=value`, %-decoded, + as space. */
function hashEntries(text) {
  const decode = (s) => {
    try {
      return decodeURIComponent(s.replaceAll("+", " "));
    } catch {
      return s;
    }
  };
  return text.split("&").filter((p) => p !== "").map((p) => {
    const eq = p.indexOf("=");
    return eq < 0 ? [decode(p), ""] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
  });
}

const HASH_WORDS = [
  ...KEYS.map((k) => `${k}=`), "&", "=", "#", ...Object.values(ENUMS).flat(), ...FEATURE_IDS, "x1,x2", "2,4,2,1", "2,64,16", "w-1-0-0",
  "b-2-1", "n-0-1", "none", "true", "no", "layers=3,1&features=x1,x2,x1x2", "output=tanh", "loss=bce", "inspect=w-9-0-0",
  "dataset=custom", "dataset=blobs3&layers=2,3", "output=softmax&loss=cce", "net=AAAA",
];

function checkHash(text) {
  const base = BASES[text.length % BASES.length];
  const custom = CUSTOMS[text.length % CUSTOMS.length];
  const result = timed(() => parseHash(text, base, { custom }));
  check(result && typeof result === "object", "parseHash returned nothing");
  checkErrors(result.errors);
  checkState(result.state, custom);
  const raw = text.startsWith("#") ? text.slice(1) : text;
  if (raw.length > 2000) {
    check(same(result.state, base) && result.errors.length === 1 && result.errors[0].key === "", "an over-long hash is not ignored as a whole", result.errors);
    return;
  }
  const entries = hashEntries(raw);
  if (entries.length > 64) {
    check(result.errors.some((e) => e.key === "" && /too many entries/.test(e.message)), "a hash with over 64 entries is not reported");
    return;
  }
  const rejected = checkApplied(base, entries, result);
  // Metamorphic: without the rejected entries, the same state.
  if (rejected.length) {
    // A rejected entry becomes an empty part, so that no other part moves to the front (a
    // "#" there would be read as the hash's own).
    const kept = raw.split("&").map((p) => {
      if (p === "") return p;
      const [key, value] = hashEntries(p)[0];
      return FIELDS.has(key) && expectedValue(key, value).error ? "" : p;
    });
    const again = parseHash(kept.join("&"), base, { custom });
    check(same(again.state, result.state), "dropping the rejected entries changes the state", text, kept);
  }
  for (const e of result.errors) {
    if (e.key === "") check(/^(Unknown key ".*" was ignored\.|The link .*)$/s.test(e.message), "an unkeyed error that names nothing", e);
  }
}

/** A fake element: what parseAttributes, misspeltAttributes and UrlState read. */
function fakeElement(pairs) {
  const attributes = pairs.map(([name, value]) => ({ name, value }));
  return {
    attributes,
    getAttribute: (n) => attributes.find((a) => a.name === n)?.value ?? null,
    hasAttribute: (n) => attributes.some((a) => a.name === n),
  };
}

const NAME_WORDS = [...KEYS, ...ELEMENT_ATTRIBUTES, "learningrate", "learning_rate", "datset", "Layers", "id", "class", "data-x", "aria-label", "onclick", "style", "x".repeat(41)];

function checkAttributes(pairs) {
  const base = BASES[pairs.length % BASES.length];
  const custom = CUSTOMS[pairs.length % CUSTOMS.length];
  const element = fakeElement(pairs);
  const result = timed(() => parseAttributes(element, base, { custom }));
  checkErrors(result.errors);
  checkState(result.state, custom);
  const entries = pairs.filter(([name]) => FIELDS.has(name));
  if (entries.length <= 64) checkApplied(base, entries, result);
  // Misspellings: reported under the attribute's own name, suggesting a real one; never a known name.
  const known = [...KEYS, ...ELEMENT_ATTRIBUTES];
  const miss = timed(() => misspeltAttributes(element, ELEMENT_ATTRIBUTES));
  check(Array.isArray(miss), "misspeltAttributes did not return a list");
  for (const e of miss) {
    check(pairs.some(([n]) => n === e.key) && !known.includes(e.key), "a misspelling reported for a known or absent name", e);
    const guess = /did you mean (.*)\? It was ignored\.$/.exec(e.message)?.[1];
    check(e.message.startsWith(`${e.key}: `) && known.includes(guess), "a misspelling's message names no setting", e);
  }
  // The element as it starts: the attributes over the defaults.
  const url = new UrlState(element);
  const initial = url.initial({ custom });
  check(same(initial.state, parseAttributes(element, undefined, { custom }).state) && initial.errors.link.length === 0, "UrlState.initial differs from parseAttributes");
  checkErrors(initial.errors.attributes, { extraKeys: pairs.map(([n]) => n) });
  // The live element: one attribute changes on a valid state; a rejected value patches nothing.
  const state = parseAttributes(element).state;
  checkState(state);
  for (const [name, value] of pairs.slice(-3)) {
    const { patch, errors } = timed(() => url.attributeChanged(name, value, state));
    checkErrors(errors);
    if (!FIELDS.has(name)) {
      check(same(patch, {}) && errors.length === 0, "a non-setting attribute changed the state", name);
      continue;
    }
    const next = { ...structuredClone(state), ...structuredClone(patch) };
    if (Object.keys(patch).length) checkState(next);
    if (expectedValue(name, value).error) {
      check(same(patch, {}), "a rejected attribute value changed the state", name, value, patch);
      check(errors.some((e) => e.key === name), "a rejected attribute value is not reported", name, value, errors);
    } else {
      const want = expectedValue(name, value).value;
      check(same(next[name], want) || errors.some((e) => e.key === name), "an accepted attribute value did not apply", name, value, patch);
    }
  }
  // null (a removed attribute) means its default.
  for (const [name] of pairs.slice(0, 1)) {
    if (!FIELDS.has(name)) continue;
    const { patch } = url.attributeChanged(name, null, state);
    if (Object.keys(patch).length) checkState({ ...structuredClone(state), ...structuredClone(patch) });
  }
}

function mutateAttributes(pairs, rng, other) {
  const out = pairs.map((p) => p.slice());
  const edits = 1 + rng.below(4);
  for (let i = 0; i < edits; i++) {
    switch (rng.below(7)) {
      case 0: out.push([rng.pick(NAME_WORDS), rng.pick(HASH_WORDS)]); break;
      case 1: if (out.length) out.splice(rng.below(out.length), 1); break;
      case 2: if (out.length) { const p = rng.pick(out); p[0] = mutateString(p[0], rng, { dict: NAME_WORDS }); } break;
      case 3: if (out.length) out.push(rng.pick(out).slice()); break;
      case 4: if (other.length) out.push(rng.pick(other).slice()); break;
      default: if (out.length) { const p = rng.pick(out); p[1] = mutateString(p[1], rng, { dict: HASH_WORDS }); }
    }
  }
  return out.slice(0, 100);
}

// ---- controls and height ----------------------------------------------------------------------

function checkControls(text) {
  const { names, error } = timed(() => parseControls(text));
  check(names instanceof Set && [...names].every((n) => CONTROL_NAMES.includes(n)), "parseControls names an unknown control", [...names]);
  const t = text.trim();
  let want;
  const unknown = [];
  if (t === "" || t === "all") want = new Set(CONTROL_NAMES);
  else if (t === "none") want = new Set();
  else {
    want = new Set();
    for (const part of t.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
      if (part === "all") CONTROL_NAMES.forEach((n) => want.add(n));
      else if (CONTROL_NAMES.includes(part)) want.add(part);
      else unknown.push(part);
    }
    if (want.has("regularization")) want.add("regularization-rate");
    if (want.has("output")) want.add("loss");
  }
  check(same([...names].sort(), [...want].sort()), "parseControls chose other controls", text, [...names], [...want]);
  if (unknown.length === 0) check(error === null, "an error without an unknown name", text, error);
  else {
    check(typeof error === "string" && error.startsWith("controls: unknown "), "an unknown control name is not reported under controls", text, error);
    for (const u of [...new Set(unknown)].slice(0, 20)) check(error.includes(`"${u.slice(0, 30)}`), "the error does not name an unknown control", u, error);
  }
}

const UNITS = ["rem", "px", "vh", "em", "%"];

function checkHeight(text) {
  const { height, errors } = timed(() => parseHeight(text));
  // The oracle, by hand: trimmed, 2-4 digits (a fraction allowed), spaces, an optional unit.
  const t = text.trim();
  let want = "";
  let bad = false;
  if (t !== "") {
    const unit = UNITS.find((u) => t.endsWith(u)) ?? null;
    const number = (unit ? t.slice(0, -unit.length) : t).trimEnd();
    const [whole, fraction, ...more] = number.split(".");
    const digits = (s) => s !== undefined && s.length > 0 && [...s].every((c) => c >= "0" && c <= "9");
    const ok = more.length === 0 && digits(whole) && whole.length >= 2 && whole.length <= 4 && (fraction === undefined || digits(fraction)) && number.length === number.trimStart().length;
    if (ok && (unit !== null || (+number >= 120 && +number <= 4000))) want = `${number}${unit ?? "px"}`;
    else bad = true;
  }
  check(height === want, "parseHeight chose another height", text, height, want);
  check(errors.length === (bad ? 1 : 0), "parseHeight's errors do not match", text, errors);
  for (const e of errors) check(typeof e.message === "string" && e.message.startsWith("height: "), "a height error that does not name height", e);
}

// ---- the engine (the built package) ---------------------------------------------------------------

let engine = null;
let trapped = false;

async function loadEngine() {
  if (!engine) engine = await import("../node/pkg.mjs");
}

/** Runs a call; returns `{ value }` or `{ error }`, and checks that an error is a JS Error naming a field (never a trap). */
function attempt(fn, fieldRoots, label) {
  try {
    const value = timed(fn);
    tally(label, "accepted");
    return { value };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || !(e instanceof Error)) {
      trapped = true;
      throw new Error(`the engine trapped (a Rust panic): ${e?.message ?? e}`);
    }
    tally(label, "refused");
    // wasm-bindgen's glue converts a number parameter with JS's ToNumber, which throws for a
    // BigInt or a Symbol before the engine is reached: JS's own TypeError, nothing changed.
    if (e instanceof TypeError && /^Cannot convert a (BigInt|Symbol) value to a number$/.test(e.message)) return { error: e };
    const m = /^([A-Za-z_$][\w$]*)((?:\.[\w$]+|\[\d+\])*): \S/.exec(e.message);
    check(m && (fieldRoots === null || fieldRoots.includes(m[1])), "an engine error that does not start with its field", e.message);
    return { error: e };
  }
}

/** How often each engine call was accepted and refused, for the campaign's report. */
const TALLY = new Map();
function tally(label, outcome) {
  if (!label) return;
  const key = `${label} ${outcome}`;
  TALLY.set(key, (TALLY.get(key) ?? 0) + 1);
}
/** The tally of the calls whose names start with `prefix`, as text. */
function tallyText(prefix) {
  return [...TALLY].filter(([k]) => k.startsWith(prefix)).sort().map(([k, n]) => `${k.slice(prefix.length)} ${n}`).join(", ");
}

const SPEC_KEYS = ["layers", "hidden", "output", "loss", "learningRate", "batchSize", "optimizer", "regularization", "regularizationRate", "seed", "features", "weights", "biases", "stepCount", "moments"];
const MOMENT_KEYS = ["optimizer", "updates", "mWeights", "mBiases", "vWeights", "vBiases"];
const GRID_KEYS = ["size", "thumb", "xMin", "xMax", "yMin", "yMax", "outputRange"];
const CSV_KEYS = ["delimiter", "header", "task", "columns", "comments", "trainRatio", "seed"];
const ENGINE_NAMES = [
  "tanh", "relu", "leakyRelu", "sigmoid", "linear", "softmax", "bce", "squared", "cce", "sgd", "momentum", "adam", "none", "l1", "l2",
  ...FEATURE_IDS, "auto", ",", ";", "\t", "binary", "multiclass", "regression", "x", "y", "label",
];
const ENGINE_KEYS = [...SPEC_KEYS, ...MOMENT_KEYS, ...GRID_KEYS, ...CSV_KEYS];

/** Base networks for the engine targets: configs, with data, trained a little. */
const ENGINE_BASES = [
  { config: { layers: [2, 3, 1], seed: 5 } },
  { config: { layers: [3, 4, 2, 1], features: ["x1", "x2", "x1x2"], optimizer: "adam", batchSize: 4 }, data: "binary", steps: 3, grid: true },
  { config: { layers: [2, 4, 3], output: "softmax", optimizer: "momentum" }, data: "three", steps: 2 },
  { config: { layers: [1, 3, 1], hidden: "relu", output: "linear", loss: "squared" }, data: "line", steps: 1 },
];

function baseNetwork(i) {
  const { Network } = engine;
  const b = ENGINE_BASES[((i % ENGINE_BASES.length) + ENGINE_BASES.length) % ENGINE_BASES.length];
  const net = new Network(b.config);
  if (b.data === "binary") net.setTrainingData([[1, 2], [-1, 2], [3, -4], [-2, -2], [0.5, 0.5]], [1, 0, 0, 1, 1]);
  if (b.data === "three") net.setTrainingData([[1, 1], [-1, 1], [0, -1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  if (b.data === "line") net.setTrainingData([[-1], [0], [2]], [2, 0.5, -1]);
  if (b.steps) net.step(b.steps);
  if (b.grid) net.setGrid({ size: 8, thumb: 4 });
  return net;
}

/** What a network shows to a caller. */
function observe(net) {
  return { state: net.toState(), train: net.trainSize, test: net.testSize, steps: net.stepCount, range: Array.from(net.outputRange), layers: Array.from(net.layers) };
}

/**
 * A network's state comes back from fromState exactly (Object.is: -0 and all), and survives
 * JSON: the JSON of the state restored from the JSON is the same text. (JSON has no -0, so a
 * -0 weight or regularizationRate comes back from JSON as 0.)
 */
function checkRoundTrip(net) {
  const { Network } = engine;
  const state = net.toState();
  const direct = Network.fromState(state);
  const text = JSON.stringify(state);
  const viaJson = Network.fromState(JSON.parse(text));
  try {
    check(same(direct.toState(), state), "fromState(toState()) differs", state);
    check(JSON.stringify(viaJson.toState()) === text, "fromState(JSON of toState()) differs", text);
  } finally {
    direct.free();
    viaJson.free();
  }
}

function checkEngineSpec({ call, base, arg }) {
  const { Network } = engine;
  const own = arg && typeof arg === "object" && !Array.isArray(arg) && !ArrayBuffer.isView(arg) ? Object.keys(arg) : [];
  const given = (k) => own.includes(k) && arg[k] !== undefined && arg[k] !== null;
  if (call === "new" || call === "fromState") {
    const r = attempt(() => (call === "new" ? new Network(arg) : Network.fromState(arg)), [...SPEC_KEYS, "config", "state"], `spec:${call}`);
    if (r.error) return;
    const net = r.value;
    try {
      check(own.every((k) => SPEC_KEYS.includes(k)), "an unknown key was accepted", arg);
      if (call === "new") check(!["weights", "biases", "stepCount", "moments"].some(given), "new Network accepted a state's field", arg);
      else {
        const s = net.toState();
        const flat = (v) => (v == null ? [] : Array.from(v, (x) => (typeof x === "object" && x !== null ? flat(x) : x)).flat(Infinity));
        check(same(flat(s.weights), flat(arg.weights)) && same(flat(s.biases), flat(arg.biases)), "fromState changed the weights or biases", arg);
        check(same(Array.from(net.layers), flat(arg.layers)), "fromState changed the layers", arg);
      }
      checkRoundTrip(net);
    } finally {
      net.free();
    }
    return;
  }
  const net = baseNetwork(base);
  try {
    const before = observe(net);
    if (call === "configure") {
      const r = attempt(() => net.configure(arg), [...SPEC_KEYS, "settings"], "spec:configure");
      const after = observe(net);
      if (r.error) {
        check(same(after, before), "a rejected configure changed the network", arg, r.error.message);
        return;
      }
      check(own.every((k) => SPEC_KEYS.includes(k)), "configure accepted an unknown key", arg);
      check(!["layers", "hidden", "output", "loss", "seed", "features", "weights", "biases", "stepCount", "moments"].some(given), "configure accepted a structural field", arg);
      check(same(after.state.weights, before.state.weights) && same(after.state.biases, before.state.biases), "configure changed the weights", arg);
      for (const k of ["learningRate", "batchSize", "optimizer", "regularization", "regularizationRate"]) {
        check(same(after.state[k], given(k) ? arg[k] : before.state[k]), `configure did not set ${k}`, arg, after.state[k]);
      }
      checkRoundTrip(net);
    } else {
      const r = attempt(() => net.toState(arg), ["options"], "spec:toState");
      if (r.error) return;
      check(own.every((k) => k === "moments"), "toState accepted an unknown option", arg);
      const lean = given("moments") && arg.moments === false;
      const want = { ...before.state };
      if (lean) delete want.moments;
      check(same(r.value, want), "toState(options) differs", arg);
    }
  } finally {
    net.free();
  }
}

const CALLS = ["setTrainingData", "setTestData", "setWeight", "setBias", "prepareExample", "trace", "forward", "probe", "setGrid", "setClassPalette", "setPalette", "step", "configure", "toState"];
const CALL_ROOTS = {
  setTrainingData: ["training"], setTestData: ["test"], setWeight: ["layer", "neuron", "input", "value"], setBias: ["layer", "neuron", "value"],
  prepareExample: ["input", "target"], trace: ["input", "target"], forward: ["input"], probe: ["input"],
  setGrid: ["grid", "x", "y", "size", "thumb"], setClassPalette: ["classPalette"], setPalette: ["palette"], step: ["n"],
  configure: [...SPEC_KEYS, "settings"], toState: ["options"],
};

function checkEngineCalls({ base, calls }) {
  const net = baseNetwork(base);
  try {
    for (const [method, ...args] of calls.slice(0, 12)) {
      if (!CALLS.includes(method)) continue;
      const before = observe(net);
      if (method === "step") {
        // Training is not parsing, but its count is: a refused count changes nothing. A
        // million steps are allowed and take seconds, so the harness trains at most 20.
        const n = args.length ? Number(args[0]) : 1;
        const stepArgs = Number.isInteger(n) && n > 20 && n <= 1e6 ? [20] : args;
        let r;
        try {
          r = { value: net.step(...stepArgs) };
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError || !(e instanceof Error)) {
            trapped = true;
            throw new Error(`the engine trapped (a Rust panic) in step: ${e?.message ?? e}`);
          }
          r = { error: e };
        }
        if (r.error && /^n: /.test(r.error.message)) check(same(observe(net), before), "a refused step count changed the network", args, r.error.message);
        continue;
      }
      const r = attempt(() => net[method](...args), CALL_ROOTS[method], `calls:${method}`);
      const after = observe(net);
      if (r.error) {
        check(same(after, before), `a rejected ${method} changed the network`, args, r.error.message);
        continue;
      }
      if (["setTrainingData", "setTestData", "prepareExample", "trace", "forward", "probe", "setClassPalette", "setPalette", "toState"].includes(method)) {
        check(same(after.state, before.state), `${method} changed the parameters`, args);
      }
      if (method === "setTrainingData") check(after.train * before.layers.length >= 0 && after.test === before.test, "setTrainingData changed the test set");
      if (method === "setTestData") check(after.train === before.train, "setTestData changed the training set");
      if (method === "setWeight" || method === "setBias") {
        // The glue converts each argument with ToNumber (false is 0, "" is 0).
        const want = structuredClone(before.state);
        const [l, j, k, v] = args.map(Number);
        if (method === "setWeight") want.weights[l][j][k] = v;
        else want.biases[l][j] = k;
        check(same(after.state, want), `${method} changed something else`, args);
      }
      if (method === "trace") check(r.value.layers.length === before.layers.length - 1, "a trace with the wrong number of layers", args);
      if (method === "forward") check(r.value.length === before.layers[before.layers.length - 1], "forward's output has the wrong length", args);
    }
  } finally {
    net.free();
  }
}

function checkEngineCsv({ text, options }) {
  const r = attempt(() => engine.parseCsv(text, options), ["text", "label", "options"], "csv:parseCsv");
  if (r.error) return;
  const t = r.value;
  const own = options && typeof options === "object" ? Object.keys(options) : [];
  check(own.every((k) => CSV_KEYS.includes(k)), "parseCsv accepted an unknown option", options);
  check(["binary", "multiclass", "regression"].includes(t.task), "an unknown task", t.task);
  const n = t.train.inputs.length / 2 + t.test.inputs.length / 2;
  check(Number.isInteger(n) && n === t.rows && t.rows >= 1, "rows do not add up", t.rows, n);
  check(t.train.targets.length + t.test.targets.length === (t.task === "multiclass" ? t.classes : 1) * t.rows, "targets do not add up");
  check(t.errors.length === Math.min(20, t.errorCount), "errors and errorCount disagree");
  for (const e of t.errors) check(["", "x1", "x2", "label"].includes(e.field) && e.message.startsWith(`line ${e.line}: `), "a row error without its line", e);
  check([",", ";", "\t"].includes(t.delimiter), "an unknown delimiter", t.delimiter);
  if ([",", ";", "\t"].includes(options?.delimiter)) check(t.delimiter === options.delimiter, "the delimiter option was not used");
  for (const v of [...t.train.inputs, ...t.test.inputs]) check(Number.isFinite(v) && Math.abs(v) <= 1e6, "an input out of range", v);
}

// ---- share links (www/share.js) ------------------------------------------------------------------

/** base64url text to bytes, leniently (for mutating), and back. */
const fromBase64url = (text) => new Uint8Array(Buffer.from(text, "base64url"));
const toBase64url = (bytes) => Buffer.from(bytes).toString("base64url");
const SHARE_WORDS = ["step", "nw", "nb", "edits", "csv", "name", "text", "options", "add", "remove", "train", "test", "null", "[]", "{}", "\"", ":", ",", "-0", "1e400", "9007199254740992"];
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A `net=` value's bytes, before deflate: version, header length, JSON header, f64s. */
function packShare(version, header, floats, lengthDelta = 0) {
  const h = new TextEncoder().encode(header);
  const bytes = new Uint8Array(5 + h.length + 8 * floats.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = version;
  view.setUint32(1, Math.max(0, h.length + lengthDelta) >>> 0, true);
  bytes.set(h, 5);
  floats.forEach((v, i) => view.setFloat64(5 + h.length + 8 * i, v, true));
  return bytes;
}

function mutateShare(text, rng, other) {
  if (rng.chance(0.35)) return mutateString(text, rng, { dict: [...B64.split(""), "AAAA", "____", "=", "%3D"], other });
  let raw;
  try {
    raw = new Uint8Array(inflateRawSync(fromBase64url(text)));
  } catch {
    raw = packShare(1, JSON.stringify({ step: 0, nw: 1, nb: 1, edits: [] }), [0.5, -0.25]);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = raw.length >= 5 ? view.getUint32(1, true) : 0;
  const header = raw.length >= 5 + n ? new TextDecoder().decode(raw.subarray(5, 5 + n)) : "{}";
  const floats = [];
  for (let at = 5 + n; at + 8 <= raw.length; at += 8) floats.push(view.getFloat64(at, true));
  let bytes;
  switch (rng.below(6)) {
    case 0: { // the header, as text
      bytes = packShare(1, mutateString(header, rng, { dict: SHARE_WORDS }), floats);
      break;
    }
    case 1: { // the header, as a value
      let h;
      try {
        h = JSON.parse(header);
      } catch {
        h = { step: 0, nw: floats.length, nb: 0, edits: [] };
      }
      h = mutateValue(h, rng, { keys: ["step", "nw", "nb", "edits", "csv", "name", "text", "options"], names: ["add", "remove", "train", "test", "x1,x2,label\n1,2,0\n3,4,1\n"] });
      let json;
      try {
        json = JSON.stringify(h) ?? "null";
      } catch {
        json = String(h); // a BigInt somewhere: not JSON
      }
      bytes = packShare(1, json, floats);
      break;
    }
    case 2: { // the numbers
      const f = floats.slice();
      if (f.length && rng.chance(0.7)) f[rng.below(f.length)] = rng.pick(EDGE_NUMBERS);
      else if (rng.chance(0.5)) f.push(rng.pick(EDGE_NUMBERS));
      else f.pop();
      bytes = packShare(1, header, f);
      break;
    }
    case 3: // the version or the header's length
      bytes = packShare(rng.chance(0.5) ? rng.below(4) : 1, header, floats, rng.pick([-1, 1, -5, 1000, 2 ** 31]));
      break;
    case 4: // cut or padded
      bytes = raw.slice(0, rng.below(raw.length + 1));
      if (rng.chance(0.3)) bytes = Uint8Array.from([...raw, ...Array.from({ length: rng.below(9) }, () => rng.below(256))]);
      break;
    default: { // consistent: counts that match the numbers
      const count = rng.below(6);
      const f = Array.from({ length: count }, () => (rng.chance(0.9) ? (rng.u32() / 2 ** 31 - 1) : rng.pick(EDGE_NUMBERS)));
      const nw = rng.below(count + 1);
      const edits = Array.from({ length: rng.below(3) }, () => (rng.chance(0.5) ? ["add", rng.below(13) - 6, rng.below(13) - 6, rng.below(3)] : ["remove", rng.pick(["train", "test"]), rng.below(5)]));
      const csv = rng.chance(0.3) ? { name: "a.csv", text: "x1,x2,label\n1,2,0\n", options: rng.chance(0.5) ? {} : { trainRatio: 70 } } : undefined;
      bytes = packShare(1, JSON.stringify({ step: rng.below(1000), nw, nb: count - nw, edits, ...(csv ? { csv } : {}) }), f);
    }
  }
  return toBase64url(deflateRawSync(bytes));
}

/** A point edit as the docs of share.js allow: ["add", x1, x2, label] or ["remove", "train"|"test", index]. */
function editValid(e) {
  if (!Array.isArray(e)) return false;
  if (e[0] === "add") return e.length === 4 && e.slice(1).every((x) => typeof x === "number" && Number.isFinite(x));
  if (e[0] === "remove") return e.length === 3 && ["train", "test"].includes(e[1]) && Number.isInteger(e[2]) && e[2] >= 0;
  return false;
}

async function checkShare(text) {
  let payload;
  try {
    payload = await timedAsync(() => share.decodeShare(text));
  } catch (e) {
    check(e instanceof Error && /^net: \S/.test(e.message), "decodeShare failed without an error naming net", e?.message ?? String(e));
    return;
  }
  const { weights, biases, stepCount, edits, csv } = payload;
  check(weights instanceof Float64Array && biases instanceof Float64Array, "weights and biases are not Float64Arrays");
  check([...weights, ...biases].every(Number.isFinite), "a decoded weight is not finite");
  check(Number.isInteger(stepCount) && stepCount >= 0 && stepCount <= Number.MAX_SAFE_INTEGER, "a decoded step count out of range", stepCount);
  check(Array.isArray(edits) && edits.every(editValid), "decoded point edits are not valid", edits);
  check(csv === null || (typeof csv.name === "string" && typeof csv.text === "string" && "options" in csv), "decoded data is not { name, text, options }", csv);
  check(text.length <= share.MAX_SHARE_CHARS, "a value over the length limit was accepted");
  // Packed again, the same network (the weights bit for bit; edits as JSON numbers).
  const again = await share.decodeShare(await share.encodeShare(payload));
  check(same(again.weights, weights) && same(again.biases, biases) && again.stepCount === stepCount, "a decoded network does not pack back the same");
  check(JSON.stringify([again.edits, again.csv]) === JSON.stringify([edits, csv]), "decoded edits or data do not pack back the same");
}

let share = null;

// ---- the registry --------------------------------------------------------------------------------

const valueTarget = (name, mutate, check, prefix) => ({
  name,
  setup: loadEngine,
  stats: () => tallyText(prefix),
  parse: decodeValue,
  format: encodeValue,
  fatal: () => trapped,
  mutate,
  check,
});

const SPEC_WORDS = { keys: ENGINE_KEYS, names: ENGINE_NAMES };
const CSV_WORDS = [",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "#", " ", "\ufeff", "1", "-0.5", "1e400", "2e6", "NaN", "cat", "0", "15", "x1,x2,label\n"];

/** A config, state or settings: mostly the argument changes, now and then the call or the base network. */
function mutateSpecInput(input, rng) {
  const o = input && typeof input === "object" ? { ...input } : { call: "new", arg: input };
  if (rng.chance(0.85)) o.arg = mutateValue(o.arg, rng, SPEC_WORDS);
  else if (rng.chance(0.7)) o.call = rng.pick(["new", "fromState", "configure", "toState"]);
  else o.base = rng.below(ENGINE_BASES.length + 1);
  return o;
}

/** A sequence of calls: one call's arguments change, or a call is added, dropped or renamed. */
function mutateCallsInput(input, rng, other) {
  const o = { base: input?.base ?? 0, calls: Array.isArray(input?.calls) ? input.calls.map((c) => (Array.isArray(c) ? c.slice() : [])) : [] };
  const calls = o.calls;
  const r = rng.below(10);
  if (r < 6 && calls.length) {
    const c = calls[rng.below(calls.length)];
    const args = mutateValue(c.slice(1), rng, { keys: ENGINE_KEYS, names: ENGINE_NAMES });
    calls[calls.indexOf(c)] = [c[0], ...(Array.isArray(args) ? args : [args])];
  } else if (r < 8) {
    const from = Array.isArray(other?.calls) && other.calls.length && rng.chance(0.6) ? rng.pick(other.calls) : [rng.pick(CALLS), randomValue(rng, SPEC_WORDS), randomValue(rng, SPEC_WORDS)];
    calls.splice(rng.below(calls.length + 1), 0, Array.isArray(from) ? from.slice() : [rng.pick(CALLS)]);
  } else if (r < 9 && calls.length) {
    calls.splice(rng.below(calls.length), 1);
  } else if (calls.length) {
    calls[rng.below(calls.length)][0] = rng.pick(CALLS);
  } else {
    o.base = rng.below(ENGINE_BASES.length + 1);
  }
  o.calls = calls.slice(0, 12);
  return o;
}

/** A CSV file and its options: the text or the options change. */
function mutateCsvInput(input, rng, other) {
  const o = { text: input?.text, options: input?.options };
  if (rng.chance(0.6)) o.text = typeof o.text === "string" ? mutateString(o.text, rng, { dict: CSV_WORDS, other: other?.text }) : mutateValue(o.text, rng, SPEC_WORDS);
  else o.options = mutateValue(o.options, rng, { keys: CSV_KEYS, names: ENGINE_NAMES });
  return o;
}

export const TARGETS = [
  { name: "hash", mutate: (input, rng, other) => mutateString(input, rng, { dict: HASH_WORDS, other }), check: checkHash },
  {
    name: "attributes",
    parse: (text) => JSON.parse(text),
    format: (pairs) => JSON.stringify(pairs),
    mutate: mutateAttributes,
    check: checkAttributes,
  },
  { name: "controls", mutate: (input, rng, other) => mutateString(input, rng, { dict: [...CONTROL_NAMES, ",", "all", "none"], other }), check: checkControls },
  { name: "height", mutate: (input, rng, other) => mutateString(input, rng, { dict: [...UNITS, "120", "4000", ".5", " "], other }), check: checkHeight },
  {
    name: "share",
    setup: async () => {
      share ??= await import("../../www/share.js");
    },
    mutate: mutateShare,
    check: checkShare,
  },
  valueTarget("engine-spec", mutateSpecInput, (input) => {
    const { call, base, arg } = input ?? {};
    checkEngineSpec({ call: ["new", "fromState", "configure", "toState"].includes(call) ? call : "new", base: Number(base) | 0, arg });
  }, "spec:"),
  valueTarget("engine-calls", mutateCallsInput, (input) => {
    const calls = Array.isArray(input?.calls) ? input.calls.filter(Array.isArray) : [];
    checkEngineCalls({ base: Number(input?.base) | 0, calls });
  }, "calls:"),
  valueTarget("engine-csv", mutateCsvInput, (input) => {
    checkEngineCsv({ text: input?.text, options: input?.options });
  }, "csv:"),
];

// Keep the schema and the oracle in step: a key added to state.js needs an oracle here.
for (const f of SCHEMA) if (!(f.key in ENUMS) && !(f.key in RANGES) && !["show-test", "features", "layers", "inspect"].includes(f.key)) throw new Error(`tests/fuzz/targets.mjs has no oracle for the state key ${f.key}`);
for (const [k, values] of Object.entries(ENUMS)) {
  const f = FIELDS.get(k);
  if (!same(f.values.map((v) => v.value), values)) throw new Error(`the oracle's values for ${k} differ from the schema's`);
}
if (!same(FEATURES.map((f) => f.id), FEATURE_IDS) || !same(SPEEDS.map((s) => s.id), ENUMS.speed)) throw new Error("the oracle's features or speeds differ");
