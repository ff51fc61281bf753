// A figure's files: reading a CSV or JSON file a person gives it (file picker, drag and drop,
// `src`), and the files it gives back (the network as JSON, a picture as PNG). One job:
// bytes in and out; what they mean is the element's business. DOM only for the download
// link and the picture's canvas.

import { DOMAIN, FEATURES } from "./state.js";

/** The largest file a figure reads (a CSV of 100,000 rows is about 3 MB). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A CSV source as the worker takes it: the string, or the File itself (the worker reads it,
 * so a big file's text never crosses the main thread). Refuses what is too big or not text.
 */
export function csvSource(source, what = "the file") {
  if (typeof source === "string") return source;
  if (source && typeof source.text === "function" && typeof source.size === "number") {
    if (source.size > MAX_FILE_BYTES) {
      throw new Error(`${what} is ${(source.size / 1048576).toFixed(1)} MB; the most a figure reads is ${MAX_FILE_BYTES / 1048576} MB`);
    }
    return source;
  }
  throw new Error(`${what}: give CSV text (a string) or a File`);
}

/** A file's (or a string's) text, refusing what is too big or not text. */
export async function readText(source, what = "the file") {
  if (typeof source === "string") return source;
  if (source && typeof source.text === "function") {
    if (source.size > MAX_FILE_BYTES) {
      throw new Error(`${what} is ${(source.size / 1048576).toFixed(1)} MB; the most a figure reads is ${MAX_FILE_BYTES / 1048576} MB`);
    }
    return source.text();
  }
  throw new Error(`${what}: give CSV text (a string) or a File`);
}

/** Fetches a `src` URL's text, with errors that name the URL. */
export async function fetchText(url, base) {
  let target;
  try {
    target = new URL(url, base);
  } catch {
    throw new Error(`src: ${JSON.stringify(String(url).slice(0, 80))} is not a URL`);
  }
  let r;
  try {
    r = await fetch(target);
  } catch (err) {
    throw new Error(`src: could not load ${target.href}: ${err?.message ?? err} (a Content-Security-Policy must allow it in connect-src)`);
  }
  if (!r.ok) throw new Error(`src: could not load ${target.href}: HTTP ${r.status}`);
  const size = Number(r.headers.get("Content-Length") ?? 0);
  if (size > MAX_FILE_BYTES) throw new Error(`src: ${target.href} is ${(size / 1048576).toFixed(1)} MB; the most a figure reads is ${MAX_FILE_BYTES / 1048576} MB`);
  return r.text();
}

/** The plane a loaded data set is drawn on: its points' bounds, padded by a tenth, square. */
export function domainOf(bounds) {
  if (!bounds || ![bounds.xMin, bounds.xMax, bounds.yMin, bounds.yMax].every(Number.isFinite)) return { ...DOMAIN };
  const cx = (bounds.xMin + bounds.xMax) / 2;
  const cy = (bounds.yMin + bounds.yMax) / 2;
  // A square plane, so distances look the same both ways; a flat set still gets some room.
  const half = Math.max(bounds.xMax - bounds.xMin, bounds.yMax - bounds.yMin, 1e-6) * 0.55;
  const round = (v) => Number(v.toPrecision(6));
  return { xMin: round(cx - half), xMax: round(cx + half), yMin: round(cy - half), yMax: round(cy + half) };
}

/**
 * The element's settings (state keys) that an engine state (`toState()`) fixes: the
 * structure, the training settings and the seed.
 */
export function settingsOf(engineState) {
  const s = engineState;
  const out = {};
  if (Array.isArray(s.layers)) out.layers = s.layers.slice();
  if (typeof s.hidden === "string") out.activation = s.hidden;
  if (typeof s.output === "string") out.output = s.output;
  if (typeof s.loss === "string") out.loss = s.loss;
  if (typeof s.learningRate === "number") out["learning-rate"] = s.learningRate;
  if (typeof s.batchSize === "number") out["batch-size"] = s.batchSize;
  if (typeof s.optimizer === "string") out.optimizer = s.optimizer;
  if (typeof s.regularization === "string") out.regularization = s.regularization;
  if (typeof s.regularizationRate === "number") out["regularization-rate"] = s.regularizationRate;
  if (typeof s.seed === "number") out.seed = s.seed;
  if (Array.isArray(s.features)) out.features = FEATURES.filter((f) => s.features.includes(f.id)).map((f) => f.id);
  return out;
}

/** Offers `blob` as a download named `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * One picture of a figure: a title line, the diagram and the output view side by side, on
 * white, at the canvases' own resolution. Resolves to a PNG Blob.
 */
export function composePicture({ title, subtitle, diagram, output }) {
  const dpr = Math.max(1, globalThis.devicePixelRatio || 1);
  const pad = Math.round(16 * dpr);
  const head = Math.round(48 * dpr);
  const w = pad + diagram.width + pad + output.width + pad;
  const h = head + Math.max(diagram.height, output.height) + pad;
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = "#1f2937";
  ctx.textBaseline = "top";
  ctx.font = `600 ${Math.round(15 * dpr)}px system-ui, sans-serif`;
  ctx.fillText(title, pad, Math.round(10 * dpr));
  ctx.fillStyle = "#6b7280";
  ctx.font = `${Math.round(12 * dpr)}px system-ui, sans-serif`;
  ctx.fillText(subtitle, pad, Math.round(29 * dpr));
  ctx.drawImage(diagram, pad, head);
  ctx.drawImage(output, pad + diagram.width + pad, head);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the picture could not be made"))), "image/png");
  });
}
