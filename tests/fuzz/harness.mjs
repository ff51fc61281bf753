// The JavaScript fuzzer: a seeded mutation fuzzer for the front end's parsers and the engine's
// JS API (no coverage feedback, no dependencies). The targets are in targets.mjs.
//
//   node scripts/fuzz.mjs --runs 1000000        # the campaign (npm run fuzz runs it)
//   node --test tests/node/fuzz.test.mjs        # the corpus and 10^4 fresh inputs per target
//
// A target is an object in targets.mjs:
//
//   {
//     name: "hash",                  // also its corpus: tests/fuzz/corpus/<name>/
//     setup: async () => {},         // optional, run once (load modules, build the engine)
//     parse: (text) => input,        // a corpus file's text to an input (default: the text)
//     format: (input) => text,       // an input to a corpus file's text (default: the input)
//     mutate: (input, rng, other) => input,   // a new input (default: mutateString)
//     check: (input) => {},          // throws (assert) when an invariant fails; may be async
//     stats: () => "text",           // optional: counts for the campaign's report
//   }
//
// Adding one is a few lines in targets.mjs: an entry whose `check` calls the parser and asserts
// its invariants (the helpers there: checkState, checkErrors, attempt for engine calls; the
// `share` entry, www/share.js's decodeShare, is an example), and seed files in
// tests/fuzz/corpus/<name>/. Every runner (the campaign, npm test) picks up every entry of
// TARGETS.
//
// Each input is timed (the calls a check wraps in `timed`, else the whole check); one that
// takes over 100 ms is run three more times, measured in CPU time, and if even the fastest is
// over the limit it is a hang. A failing input (an exception from `check`, or a
// hang) is saved to the corpus as crash-<hash> when the runner is asked to keep failures.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CORPUS = fileURLToPath(new URL("./corpus/", import.meta.url));
/** The longest an input may take, in milliseconds. */
export const LIMIT_MS = 100;

// ---- random numbers ----------------------------------------------------------------------------

/** A seeded generator (sfc32): the same inputs for the same seed on every machine. */
export function makeRng(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return r >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  const rng = {
    u32: next,
    /** 0 to n - 1. */
    below: (n) => (n <= 1 ? 0 : next() % n),
    /** True with probability p. */
    chance: (p) => next() / 4294967296 < p,
    pick: (list) => list[rng.below(list.length)],
  };
  return rng;
}

// ---- string mutations --------------------------------------------------------------------------

/** Characters that parsers trip on. */
const ODD_CHARS = [
  "\u0000", "\t", "\n", "\r", "\u000b", "\u000c", "\u001f", "\u007f", "\u0085", "\u00a0", "\u00ad",
  "\u1680", "\u2028", "\u2029", "\u200b", "\u200e", "\u202e", "\u3000", "\ufeff", "\ufffd", "\uffff",
  "\ud800", "\udfff", "\ud83d\ude00", "é", "e\u0301", "ß", "İ", "ﬁ", "Ⅻ", "٣", "𝟙", "１",
  " ", ",", ";", "&", "=", "#", "%", "+", "-", ".", "e", "E", "0", "1", "9", "\"", "'", "<", ">", "\\", "/",
];

/** Numbers at the edges of the schema and of doubles, as text. */
export const NUMBER_TEXTS = [
  "0", "-0", "+0", "1", "-1", "0.5", ".5", "5.", "1e0", "1E+1", "1e-7", "1e-400", "1e400", "2.5",
  "10", "10.000000000000002", "9.999999999999998", "0.00001", "0.000123456789", "0.0123456789",
  "4294967295", "4294967296", "9007199254740993", "1000", "1001", "64", "65", "8", "9", "7", "50", "51",
  "90", "91", "120", "4000", "4001", "NaN", "Infinity", "-Infinity", "0x10", "1_000", "1,5", "١",
  "00000000000000000000000000000000001", "1".repeat(40), "5e-324", "1.7976931348623157e308",
];

/** %-escapes: valid, invalid, and partial UTF-8 (which decodeURIComponent refuses). */
const ESCAPES = ["%20", "%25", "%26", "%3D", "%2C", "%23", "%00", "%", "%%", "%2", "%zz", "%E0%A4", "%C3%A9", "%F0%9F%98%80", "%FF", "%ED%A0%80", "+"];

/** A random character: printable ASCII, an odd one, or any code point. */
function randomChar(rng) {
  const r = rng.below(10);
  if (r < 5) return String.fromCharCode(32 + rng.below(95));
  if (r < 8) return rng.pick(ODD_CHARS);
  return String.fromCodePoint(rng.below(0x110000));
}

/**
 * A mutated string: one to six edits (insert, delete, replace, duplicate, splice with
 * `other`, dictionary words, numbers, %-escapes, long runs of one character).
 */
export function mutateString(s, rng, { dict = [], other = "" } = {}) {
  let out = String(s);
  const edits = 1 + rng.below(6);
  for (let e = 0; e < edits; e++) {
    const at = rng.below(out.length + 1);
    const end = Math.min(out.length, at + 1 + rng.below(8));
    switch (rng.below(14)) {
      case 0: out = out.slice(0, at) + randomChar(rng) + out.slice(at); break;
      case 1: out = out.slice(0, at) + out.slice(end); break;
      case 2: out = out.slice(0, at) + randomChar(rng) + out.slice(at + 1); break;
      case 3: { // repeat a piece
        const piece = out.slice(at, end);
        out = out.slice(0, at) + piece.repeat(1 + rng.below(4)) + out.slice(at);
        break;
      }
      case 4:
      case 5:
        if (dict.length) out = out.slice(0, at) + rng.pick(dict) + out.slice(at);
        break;
      case 6: out = out.slice(0, at) + rng.pick(NUMBER_TEXTS) + out.slice(end); break;
      case 7: out = out.slice(0, at) + rng.pick(ESCAPES) + out.slice(at); break;
      case 8: { // a long run: the case for quadratic regexes and length limits
        const n = rng.pick([100, 1000, 2001, 5000, 10000]);
        out = out.slice(0, at) + rng.pick([" ", "0", "1", ",", "&", "a", "\t", "%20", "=", "-", "x1,"]).repeat(n) + out.slice(at);
        break;
      }
      case 9: if (other) out = out.slice(0, at) + String(other).slice(rng.below(String(other).length)); break;
      case 10: out = rng.chance(0.5) ? out.toUpperCase() : out.toLowerCase(); break;
      case 11: out = out.slice(0, at) + " ".repeat(1 + rng.below(3)) + out.slice(at); break;
      case 12: out = out.slice(0, at); break;
      default: { // a digit changed
        const i = Math.min(at, out.length - 1);
        if (i >= 0) out = out.slice(0, i) + rng.pick("0123456789.-e") + out.slice(i + 1);
      }
    }
    if (out.length > 40000) out = out.slice(0, 40000);
  }
  return out;
}

// ---- values with NaN, -0, undefined and typed arrays, as corpus text ----------------------------------

/** A value as JSON text that keeps what JSON cannot hold: NaN, +-Infinity, -0, undefined, typed arrays, BigInt. */
export function encodeValue(value) {
  const enc = (v) => {
    if (v === undefined) return { $: "undefined" };
    if (typeof v === "number") {
      if (Number.isNaN(v)) return { $: "NaN" };
      if (v === Infinity) return { $: "Infinity" };
      if (v === -Infinity) return { $: "-Infinity" };
      if (Object.is(v, -0)) return { $: "-0" };
      return v;
    }
    if (typeof v === "bigint") return { $: "bigint", v: String(v) };
    if (v instanceof Float64Array) return { $: "Float64Array", v: Array.from(v, enc) };
    if (v instanceof Uint8Array) return { $: "Uint8Array", v: Array.from(v) };
    if (Array.isArray(v)) return Array.from(v, enc);
    if (v && typeof v === "object") {
      const o = {};
      for (const k of Object.keys(v)) o[k] = enc(v[k]);
      return o;
    }
    return v;
  };
  return JSON.stringify(enc(value));
}

/** encodeValue's text back to the value. */
export function decodeValue(text) {
  const dec = (v) => {
    if (Array.isArray(v)) return v.map(dec);
    if (v && typeof v === "object") {
      if (typeof v.$ === "string" && Object.keys(v).length <= 2) {
        switch (v.$) {
          case "undefined": return undefined;
          case "NaN": return NaN;
          case "Infinity": return Infinity;
          case "-Infinity": return -Infinity;
          case "-0": return -0;
          case "bigint": return BigInt(v.v);
          case "Float64Array": return Float64Array.from(v.v.map(dec));
          case "Uint8Array": return Uint8Array.from(v.v);
          default:
        }
      }
      const o = {};
      for (const k of Object.keys(v)) o[k] = dec(v[k]);
      return o;
    }
    return v;
  };
  return dec(JSON.parse(text));
}

/** Numbers at the edges of what the engine accepts. */
export const EDGE_NUMBERS = [
  0, -0, 1, -1, 0.5, 2, 2.5, 3, NaN, Infinity, -Infinity, 1e6, -1e6, 1e6 + 1e-9, 1e300, -1e300, Number.MAX_VALUE,
  Number.MIN_VALUE, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 1e16, 10, 10.000000000000002, 64, 65, 16, 17, 8, 9,
  1e5, 1e5 + 1, 1e-7, 0.03, -0.5, 400, 401, 100, 101, 1000000, 1000001, 1e21, 0.1,
];

/**
 * A mutated JS value: numbers nudged or swapped for edge values, strings edited, keys added,
 * removed or misspelt, array items added or removed, types changed (typed arrays, BigInt,
 * null, undefined, nesting). `names` and `keys` are the words the target understands.
 */
export function mutateValue(v, rng, { keys = [], names = [], depth = 0 } = {}) {
  const opts = { keys, names, depth: depth + 1 };
  const fresh = () => randomValue(rng, opts);
  if (depth > 6 || rng.chance(0.08)) return fresh();
  if (typeof v === "number") {
    switch (rng.below(6)) {
      case 0: return v + 1;
      case 1: return v - 1;
      case 2: return -v;
      case 3: return v * (rng.chance(0.5) ? 2 : 0.5);
      case 4: return v + Number.EPSILON * Math.max(1, Math.abs(v));
      default: return rng.pick(EDGE_NUMBERS);
    }
  }
  if (typeof v === "string") {
    if (names.length && rng.chance(0.4)) return rng.pick(names);
    return mutateString(v, rng, { dict: names });
  }
  if (v instanceof Float64Array) {
    const m = mutateValue(Array.from(v), rng, opts);
    return Array.isArray(m) && m.every((x) => typeof x === "number") && rng.chance(0.7) ? Float64Array.from(m) : m;
  }
  if (Array.isArray(v)) {
    const a = v.slice();
    switch (rng.below(8)) {
      case 0: a.push(a.length ? structuredClone(a[rng.below(a.length)]) : fresh()); break;
      case 1: a.splice(rng.below(a.length + 1), 1); break;
      case 2: if (a.every((x) => typeof x === "number")) return Float64Array.from(a); break;
      case 3: return rng.chance(0.5) ? [a] : a.flat();
      case 4: a.splice(rng.below(a.length + 1), 0, fresh()); break;
      default: if (a.length) { const i = rng.below(a.length); a[i] = mutateValue(a[i], rng, opts); }
    }
    return a;
  }
  if (v && typeof v === "object" && !(v instanceof Uint8Array)) {
    const o = { ...v };
    const own = Object.keys(o);
    switch (rng.below(7)) {
      case 0: o[keys.length && rng.chance(0.8) ? rng.pick(keys) : mutateString(rng.pick(keys.length ? keys : ["x"]), rng)] = fresh(); break;
      case 1: if (own.length) delete o[rng.pick(own)]; break;
      case 2: if (own.length) { // a misspelt key
        const k = rng.pick(own);
        const value = o[k];
        delete o[k];
        o[mutateString(k, rng)] = value;
      } break;
      default: if (own.length) { const k = rng.pick(own); o[k] = mutateValue(o[k], rng, opts); }
    }
    return o;
  }
  return fresh();
}

/** A random value of any kind. */
export function randomValue(rng, { keys = [], names = [], depth = 0 } = {}) {
  const opts = { keys, names, depth: depth + 1 };
  switch (rng.below(depth > 3 ? 7 : 12)) {
    case 0: return rng.pick(EDGE_NUMBERS);
    case 1: return rng.below(20) - 5;
    case 2: return names.length ? rng.pick(names) : "";
    case 3: return mutateString(rng.pick(names.length ? names : ["x"]), rng);
    case 4: return rng.pick([null, undefined, true, false, "", 0n, 10n ** 30n]);
    case 5: return "\ud800".repeat(rng.below(3)) + "x".repeat(rng.pick([0, 1, 10, 10000]));
    case 6: return Float64Array.from({ length: rng.below(6) }, () => rng.pick(EDGE_NUMBERS));
    case 7: case 8: return Array.from({ length: rng.below(5) }, () => randomValue(rng, opts));
    case 9: return Array.from({ length: rng.below(5) }, () => rng.below(4));
    default: {
      const o = {};
      for (let i = rng.below(4); i > 0; i--) o[keys.length ? rng.pick(keys) : "x"] = randomValue(rng, opts);
      return o;
    }
  }
}

// ---- equality --------------------------------------------------------------------------------

/** Deep equality with Object.is for numbers (NaN equals NaN, -0 differs from 0). */
export function same(a, b) {
  if (typeof a === "number" || typeof b === "number") return Object.is(a, b);
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return same(ka, kb) && ka.every((k) => same(a[k], b[k]));
  }
  return a === b;
}

/** Throws `message` (and the values, briefly) unless `ok`. */
export function check(ok, message, ...values) {
  if (!ok) {
    const shown = values.map((v) => {
      const s = typeof v === "string" ? JSON.stringify(v) : safeText(v);
      return s.length > 400 ? `${s.slice(0, 400)}…` : s;
    });
    throw new Error([message, ...shown].join("\n  "));
  }
}

function safeText(v) {
  try {
    return encodeValue(v);
  } catch {
    return String(v);
  }
}

// ---- the corpus -------------------------------------------------------------------------------

/** A target's corpus: `[{ file, text }]`, sorted by file name. */
export function loadCorpus(name) {
  const dir = join(CORPUS, name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((file) => ({ file, text: readFileSync(join(dir, file), "utf8") }));
}

/** FNV-1a of a string, in hex: failing inputs' file names. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Saves a failing input to the target's corpus; returns its path. */
export function saveFailure(name, text) {
  const dir = join(CORPUS, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `crash-${hash(text)}`);
  writeFileSync(path, text);
  return path;
}

// ---- running -----------------------------------------------------------------------------------

const parseOf = (t) => t.parse ?? ((text) => text);
const formatOf = (t) => t.format ?? ((input) => input);

// The time an input spends in the code under test. Checks wrap each call of it in `timed`,
// so that the oracle's own work does not count; a check that never calls `timed` is timed
// as a whole.
// Time is wall-clock time at first; an input over the limit is run again and measured in the
// process's CPU time, which a busy machine (other processes on the same cores) does not
// inflate.
let spent = 0;
let wrapped = false;
let cpu = false;

/** Now, in milliseconds: wall-clock time, or this process's CPU time while re-timing. */
function now() {
  if (!cpu) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `fn` (a call of the code under test) and counts its time against the input's limit. */
export function timed(fn) {
  const t0 = now();
  wrapped = true;
  try {
    return fn();
  } finally {
    spent += now() - t0;
  }
}

/** Like `timed`, for an async call. */
export async function timedAsync(fn) {
  const t0 = now();
  wrapped = true;
  try {
    return await fn();
  } finally {
    spent += now() - t0;
  }
}

/** Runs a check (awaited when async); returns the time it spent in the code under test. */
async function checkOnce(target, input, inCpuTime = false) {
  spent = 0;
  wrapped = false;
  cpu = inCpuTime;
  const start = now();
  try {
    const r = target.check(input);
    if (r && typeof r.then === "function") await r;
    return wrapped ? spent : now() - start;
  } finally {
    cpu = false;
  }
}

/** Runs one input; returns null, or what went wrong. Times it when `time` is set. */
async function runOne(target, input, time) {
  let took;
  try {
    took = await checkOnce(target, input);
  } catch (e) {
    return { kind: "failure", message: e?.stack ?? String(e) };
  }
  if (!time) return null;
  if (took <= LIMIT_MS) return { took };
  // Over the limit once (GC, a busy machine): the fastest of three more, in CPU time, decides.
  let fastest = Infinity;
  for (let i = 0; i < 3; i++) {
    try {
      fastest = Math.min(fastest, await checkOnce(target, input, true));
    } catch {
      // The first run passed; a failure now would be nondeterminism: the time still counts.
    }
  }
  if (fastest > LIMIT_MS) return { kind: "hang", message: `took ${fastest.toFixed(1)} ms (over ${LIMIT_MS} ms)`, took: fastest };
  return { took: fastest };
}

/**
 * Replays a target's corpus, then runs `runs` fresh inputs mutated from it.
 * Options: `seed`, `time` (check the time limit), `keep` (save failures to the corpus),
 * `maxFailures` (stop after this many), `log` (progress lines).
 * Returns `{ name, corpus, runs, failures: [{ input, message, saved }], slowest, seconds, stats }`
 * (`slowest`: the slowest input's time in ms; `stats`: the target's own counts, if it keeps any).
 */
export async function runTarget(target, { runs = 10000, seed = 1, time = false, keep = false, maxFailures = 5, log = null } = {}) {
  if (target.setup) await target.setup();
  const parse = parseOf(target);
  const format = formatOf(target);
  const started = performance.now();
  const failures = [];
  let slowest = 0;
  const note = (input, result) => {
    let text = "";
    try {
      text = format(input);
    } catch {
      text = String(input);
    }
    const saved = keep ? saveFailure(target.name, text) : null;
    failures.push({ input: text, message: result.message, saved });
  };
  const corpus = loadCorpus(target.name);
  if (corpus.length === 0) throw new Error(`tests/fuzz/corpus/${target.name}/ is empty`);
  const pool = [];
  for (const { file, text } of corpus) {
    const input = parse(text);
    const result = await runOne(target, input, time);
    if (result?.kind) failures.push({ input: text, message: `${file}: ${result.message}`, saved: null });
    if (result?.took) slowest = Math.max(slowest, result.took);
    pool.push(input);
  }
  const rng = makeRng(seed ^ hash(target.name).split("").reduce((h, c) => h * 31 + c.charCodeAt(0), 0));
  const mutate = target.mutate ?? ((input, r, other) => mutateString(input, r, { other }));
  let done = 0;
  let lastLog = performance.now();
  for (; done < runs && failures.length < maxFailures; done++) {
    const base = pool[rng.below(pool.length)];
    const other = pool[rng.below(pool.length)];
    let input;
    try {
      input = mutate(base, rng, other);
    } catch (e) {
      throw new Error(`the ${target.name} mutator failed: ${e?.stack ?? e}`);
    }
    const result = await runOne(target, input, time);
    if (result?.kind) {
      note(input, result);
      if (target.fatal?.()) break;
      continue;
    }
    if (result?.took) slowest = Math.max(slowest, result.took);
    // No coverage feedback: the pool grows with a sample of the inputs, so mutations compound.
    if (pool.length < 2000 && rng.below(32) === 0) pool.push(input);
    else if (pool.length >= 2000 && rng.below(64) === 0) pool[corpus.length + rng.below(pool.length - corpus.length)] = input;
    if (log && performance.now() - lastLog > 10000) {
      lastLog = performance.now();
      log(`  ${target.name}: ${done + 1} inputs, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  return { name: target.name, corpus: corpus.length, runs: done, failures, slowest, seconds: (performance.now() - started) / 1000, stats: target.stats?.() ?? "" };
}
