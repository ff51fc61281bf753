// Links that carry the whole network: the settings stay readable in the URL hash as before,
// and one more key, `net`, carries what settings cannot: the exact weights and biases (64-bit,
// so the restored network computes the same loss), the step count, the points a person added
// or removed, and loaded CSV data (its text, which parses back to the same numbers). No DOM.
//
//   const value = await encodeShare({ weights, biases, stepCount, edits, csv });  // base64url text
//   const payload = await decodeShare(value);   // the same object, or throws naming what is wrong
//
// The bytes, before deflate-raw (CompressionStream) and base64url:
//   [0]      format version, 1
//   [1..4]   n: the JSON header's length in bytes (u32, little-endian)
//   [5..]    the JSON header, UTF-8: { step, nw, nb, edits, csv? }
//   then     nw weights and nb biases, f64 little-endian, weight layer after layer ([out][in])

/** The most characters a `net=` value may have (about 48 KB of compressed bytes). */
export const MAX_SHARE_CHARS = 65536;
/** Links up to this long (in characters) are what the share button promises to restore. */
export const SHARE_LIMIT_NOTE = 8192;

const VERSION = 1;

function bytesToBase64url(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64urlToBytes(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("net: the link's network is damaged (it has characters a link never has)");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  let bin;
  try {
    bin = atob(b64);
  } catch {
    throw new Error("net: the link's network is damaged (it is cut short or changed)");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes, stream, limit = Infinity) {
  const s = new Blob([bytes]).stream().pipeThrough(stream);
  const reader = s.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`net: the link's network unpacks to more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Packs a network for a link: `{ weights, biases }` (Float64Arrays, the engine's flat layout),
 * `stepCount`, `edits` (Points' hand edits), `csv` (`{ name, text, options }` or null).
 * Resolves to the `net=` value (base64url text).
 */
export async function encodeShare({ weights, biases, stepCount = 0, edits = [], csv = null }) {
  const header = new TextEncoder().encode(JSON.stringify({ step: stepCount, nw: weights.length, nb: biases.length, edits, ...(csv ? { csv } : {}) }));
  const bytes = new Uint8Array(5 + header.length + 8 * (weights.length + biases.length));
  const view = new DataView(bytes.buffer);
  bytes[0] = VERSION;
  view.setUint32(1, header.length, true);
  bytes.set(header, 5);
  let at = 5 + header.length;
  for (const arr of [weights, biases]) {
    for (let i = 0; i < arr.length; i++, at += 8) view.setFloat64(at, arr[i], true);
  }
  return bytesToBase64url(await pipe(bytes, new CompressionStream("deflate-raw")));
}

/**
 * Unpacks a `net=` value. Resolves to `{ weights, biases, stepCount, edits, csv }`; rejects
 * with an Error naming what is wrong (a damaged or cut link, another version, bad numbers).
 */
export async function decodeShare(text) {
  const value = String(text ?? "");
  if (value.length > MAX_SHARE_CHARS) throw new Error(`net: the link's network is longer than ${MAX_SHARE_CHARS} characters`);
  let bytes;
  try {
    bytes = await pipe(base64urlToBytes(value), new DecompressionStream("deflate-raw"), 8 * MAX_SHARE_CHARS + 4 * 1024 * 1024);
  } catch (err) {
    if (/^net:/.test(err?.message)) throw err;
    throw new Error("net: the link's network is damaged (it does not unpack)");
  }
  if (bytes.length < 5) throw new Error("net: the link's network is cut short");
  if (bytes[0] !== VERSION) throw new Error(`net: the link's network is in format ${bytes[0]}; this page reads format ${VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(1, true);
  if (5 + n > bytes.length) throw new Error("net: the link's network is cut short");
  let header;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(5, 5 + n)));
  } catch {
    throw new Error("net: the link's network has a damaged header");
  }
  const { step, nw, nb, edits, csv } = header ?? {};
  const whole = (v, max) => Number.isInteger(v) && v >= 0 && v <= max;
  if (!whole(nw, 1e6) || !whole(nb, 1e5)) throw new Error("net: the link's network has an impossible number of weights");
  if (bytes.length !== 5 + n + 8 * (nw + nb)) throw new Error(`net: the link's network should hold ${nw} weights and ${nb} biases, but its size does not match`);
  if (!whole(step, Number.MAX_SAFE_INTEGER)) throw new Error("net: the link's step count is not a whole number");
  if (!Array.isArray(edits) || edits.length > 100000 || !edits.every(validEdit)) throw new Error("net: the link's point edits are damaged");
  if (csv !== undefined && !(csv && typeof csv.text === "string" && typeof (csv.name ?? "") === "string")) throw new Error("net: the link's data is damaged");
  const weights = new Float64Array(nw);
  const biases = new Float64Array(nb);
  let at = 5 + n;
  for (const arr of [weights, biases]) {
    for (let i = 0; i < arr.length; i++, at += 8) arr[i] = view.getFloat64(at, true);
  }
  for (const arr of [weights, biases]) {
    if (!arr.every(Number.isFinite)) throw new Error("net: the link's network has a weight that is not a finite number");
  }
  return { weights, biases, stepCount: step, edits, csv: csv ? { name: csv.name ?? "data.csv", text: csv.text, options: csv.options ?? {} } : null };
}

function validEdit(e) {
  if (!Array.isArray(e)) return false;
  if (e[0] === "add") return e.length === 4 && [e[1], e[2], e[3]].every((x) => typeof x === "number" && Number.isFinite(x));
  if (e[0] === "remove") return e.length === 3 && (e[1] === "train" || e[1] === "test") && Number.isInteger(e[2]) && e[2] >= 0;
  return false;
}

/** Splits a location hash into its settings and its `net=` value (null if none). */
export function splitShare(hash) {
  const text = String(hash ?? "").replace(/^#/, "");
  let net = null;
  const rest = [];
  for (const part of text.split("&")) {
    if (part.startsWith("net=")) net = part.slice(4);
    else if (part !== "") rest.push(part);
  }
  return { settings: rest.join("&"), net };
}
