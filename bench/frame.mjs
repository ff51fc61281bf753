#!/usr/bin/env node
// Frame-time benchmark of the demo (issue 3, §9): at TensorFlow Playground's largest network
// (6 hidden layers of 8, tanh, spiral, every input feature), one animation frame holds one epoch
// of 250 training examples (25 steps at batch 10), the 200 x 200 output heatmap, every neuron's
// thumbnail, the diagram redraw, the output view and the chart. Target: at most 8 ms of the
// frame's JavaScript work at the 95th percentile, in headless Chromium.
//
// The page's loop times the whole frame callback with performance.now(), and each part of it
// (element.profile(frames), www/loop.js). This script opens the demo with that network in the
// hash, plays at "1 epoch / frame", discards a warm-up, and prints p50 / p95 / max of the frame
// work, of the rAF intervals, and of each part.
//
//   node bench/frame.mjs      (env: FRAMES=300 WARMUP=60 VIEWPORT=1366x768)
//   import { run } from "./frame.mjs"; await run({ serverUrl, launch });   (bench/run.mjs)

import { pathToFileURL } from "node:url";
import path from "node:path";
import { serve, launch as launchChromium } from "../tests/e2e/harness.mjs";

const FEATURES = "x1,x2,x1Squared,x2Squared,x1x2,sinX1,sinX2";
/** The demo's hash for the benchmark's network. */
export const HASH =
  `#dataset=spiral&features=${FEATURES}&layers=7,8,8,8,8,8,8,1&activation=tanh&output=sigmoid&loss=bce` +
  "&learning-rate=0.03&batch-size=10&speed=epoch&view=both";
/** Issue 3's target for the frame's JS work at the 95th percentile, in ms. */
export const TARGET_MS = 8;

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function summary(values) {
  const s = Float64Array.from(values).sort();
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1], mean };
}

const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2).padStart(7) : "      -");

/**
 * Runs the benchmark and prints its figures. `serverUrl` and `launch` may be given (bench/run.mjs
 * passes its own); otherwise a server and a browser are started here. Returns
 * `{ frames, stepsPerFrame, total, interval, parts: { train, renderGrid, thumbs, diagram, output, chart } }`,
 * each figure `{ p50, p95, max, mean }` in milliseconds.
 */
export async function run({
  serverUrl = null,
  launch = launchChromium,
  frames = Number(process.env.FRAMES ?? 300),
  warmup = Number(process.env.WARMUP ?? 60),
  viewport = process.env.VIEWPORT ?? "1366x768",
  log = console.log,
} = {}) {
  const [width, height] = viewport.split("x").map(Number);
  const server = serverUrl ? null : await serve();
  const base = serverUrl ?? server.url;
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${base}index.html${HASH}`);
    await page.waitForFunction(() => document.querySelector("backprop-viz")?.network, null, { timeout: 60_000 });
    const samples = await page.evaluate(async ({ frames, warmup }) => {
      const el = document.querySelector("backprop-viz");
      await el.ready;
      el.play();
      await el.profile(warmup);
      const out = await el.profile(frames);
      el.pause();
      return { ...out, layers: Array.from(el.network.layers), trainSize: el.network.trainSize, grid: el.outFrame.gridSize, dpr: devicePixelRatio };
    }, { frames, warmup });
    if (errors.length) throw new Error(`errors in the page:\n${errors.join("\n")}`);
    const parts = {};
    for (const k of ["train", "renderGrid", "thumbs", "diagram", "output", "chart"]) parts[k] = summary(samples[k]);
    const result = {
      frames,
      stepsPerFrame: summary(samples.steps).p50,
      total: summary(samples.total),
      interval: summary(samples.interval.filter((v) => v > 0)),
      parts,
    };
    log(
      `frame benchmark: layers ${samples.layers.join("-")} tanh, spiral, ${samples.trainSize} training examples, ` +
        `${result.stepsPerFrame} steps/frame (1 epoch), ${samples.grid}x${samples.grid} heatmap, ${viewport} at dpr ${samples.dpr}, ` +
        `${frames} frames after ${warmup} warm-up`,
    );
    log("                        p50     p95     max    mean  (ms)");
    log(
      `  frame JS work     ${f2(result.total.p50)} ${f2(result.total.p95)} ${f2(result.total.max)} ${f2(result.total.mean)}` +
        `   target p95 <= ${TARGET_MS}: ${result.total.p95 <= TARGET_MS ? "met" : "missed"}`,
    );
    log(`  rAF interval      ${f2(result.interval.p50)} ${f2(result.interval.p95)} ${f2(result.interval.max)} ${f2(result.interval.mean)}`);
    const names = { train: "train (1 epoch)", renderGrid: "renderGrid", thumbs: "thumbs+metrics", diagram: "diagram draw", output: "output draw", chart: "chart draw" };
    for (const [k, v] of Object.entries(parts)) log(`    ${names[k].padEnd(16)}${f2(v.p50)} ${f2(v.p95)} ${f2(v.max)} ${f2(v.mean)}`);
    await context.close();
    return result;
  } finally {
    await browser.close();
    await server?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
