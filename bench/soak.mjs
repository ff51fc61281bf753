#!/usr/bin/env node
// Soak test (issue 10): the demo trains the largest network the UI allows (7 features, 8 hidden
// layers of 64, tanh) for 10^6 training steps while it draws, and we watch what a page open for
// hours would suffer from: the worker's wasm memory (it must not grow after warm-up), the main
// thread's JS heap, and the main thread's frame time (at the end within 10% of the start).
//
// To reach 10^6 steps in minutes rather than hours, the data is 40,000 spiral points loaded as
// a CSV (so one epoch is 20,000 steps at batch size 1) and the speed is one epoch per frame.
//
//   npm run soak                       # 10^6 steps
//   npm run soak -- --steps 20000      # a short run
//   import { soak } from "./soak.mjs";  (tests/e2e/soak.test.mjs runs a short one)

import { pathToFileURL } from "node:url";
import path from "node:path";
import { serve, launch as launchChromium, EMBED_CSP } from "../tests/e2e/harness.mjs";

const FEATURES = "x1,x2,x1Squared,x2Squared,x1x2,sinX1,sinX2";
export const HASH =
  `#dataset=spiral&features=${FEATURES}&layers=7,64,64,64,64,64,64,64,64,1&activation=tanh&output=sigmoid` +
  "&loss=bce&learning-rate=0.003&batch-size=1&speed=epoch&view=both";

const median = (a) => {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  return s.length ? s[s.length >> 1] : NaN;
};

/** Spiral points as CSV text (two arms, labels 0 and 1), deterministic. */
function spiralCsv(n) {
  const lines = ["x1,x2,label"];
  let s = 7;
  const rnd = () => (s = (s * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const r = (5 * (i >> 1)) / (n / 2);
    const t = (1.75 * (i >> 1) * 2 * Math.PI) / (n / 2) + label * Math.PI;
    lines.push(`${(r * Math.sin(t) + (rnd() - 0.5) * 0.4).toFixed(4)},${(r * Math.cos(t) + (rnd() - 0.5) * 0.4).toFixed(4)},${label}`);
  }
  return lines.join("\n");
}

/**
 * Trains for `steps` steps, sampling every `every` steps. Resolves to
 * `{ steps, seconds, samples: [{ step, wasmBytes, heapBytes, frameMs }], warm, end, grew, frameRatio }`.
 */
export async function soak({ steps = 1_000_000, points = 40_000, samplesWanted = 20, serverUrl = null, launch = launchChromium, log = console.log } = {}) {
  const server = serverUrl ? null : await serve({ headers: () => ({ "Content-Security-Policy": EMBED_CSP }) });
  const base = serverUrl ?? server.url;
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${base}index.html${HASH}`);
    await page.waitForFunction(() => document.querySelector("backprop-viz")?.network, null, { timeout: 120_000 });
    await page.evaluate(async (csv) => {
      const el = document.querySelector("backprop-viz");
      await el.ready;
      await el.setData(csv, { name: "spiral.csv", trainRatio: 50 });
    }, spiralCsv(points));
    const cdp = await context.newCDPSession(page);
    const heap = async () => (await cdp.send("Runtime.getHeapUsage")).usedSize;
    const sample = async () => {
      const s = await page.evaluate(async () => {
        const el = document.querySelector("backprop-viz");
        const prof = await el.profile(20);
        const sorted = prof.total.slice().sort((a, b) => a - b);
        return { step: el.network.stepCount, wasmBytes: (await el.runnerStats()).wasmBytes, frameMs: sorted[sorted.length >> 1], diverged: !el.playing };
      });
      return { ...s, heapBytes: await heap() };
    };
    const logSample = (s, tag) =>
      log(`  step ${s.step.toLocaleString("en-US").padStart(10)}  worker wasm ${(s.wasmBytes / 1048576).toFixed(1)} MB  main JS heap ${(s.heapBytes / 1048576).toFixed(1)} MB  main frame p50 ${s.frameMs.toFixed(2)} ms${tag}`);
    const t0 = Date.now();
    await page.evaluate(() => document.querySelector("backprop-viz").play());
    const every = Math.max(1, Math.floor(steps / samplesWanted));
    const samples = [];
    let next = 0;
    for (;;) {
      const step = await page.evaluate(() => document.querySelector("backprop-viz").network.stepCount);
      if (step >= next) {
        const s = await sample();
        samples.push(s);
        logSample(s, "");
        next = s.step + every;
        if (s.diverged) throw new Error(`training stopped at step ${s.step} (diverged?)`);
      }
      if (step >= steps) {
        // The last sample is taken at (or just past) the end, not at the last multiple of `every`.
        if (samples.at(-1).step < steps) {
          const s = await sample();
          samples.push(s);
          logSample(s, "  (end)");
        }
        break;
      }
      if (errors.length) throw new Error(`errors in the page:\n${errors.join("\n")}`);
      await page.waitForTimeout(250);
    }
    await page.evaluate(() => document.querySelector("backprop-viz").pause());
    const seconds = (Date.now() - t0) / 1000;
    // Warm-up: the first fifth of the run (or the second sample).
    const warmIndex = Math.max(1, Math.floor(samples.length / 5));
    const warm = samples.slice(warmIndex, warmIndex + 3);
    const end = samples.slice(-3);
    const result = {
      steps: samples.at(-1).step,
      seconds,
      samples,
      wasmWarm: Math.max(...warm.map((s) => s.wasmBytes)),
      wasmEnd: Math.max(...end.map((s) => s.wasmBytes)),
      heapWarm: median(warm.map((s) => s.heapBytes)),
      heapEnd: median(end.map((s) => s.heapBytes)),
      frameWarm: median(warm.map((s) => s.frameMs)),
      frameEnd: median(end.map((s) => s.frameMs)),
    };
    result.grew = result.wasmEnd > result.wasmWarm;
    result.frameRatio = result.frameEnd / result.frameWarm;
    if (errors.length) throw new Error(`errors in the page:\n${errors.join("\n")}`);
    await context.close();
    return result;
  } finally {
    await browser.close();
    await server?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const i = process.argv.indexOf("--steps");
  const steps = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
  console.log(`soak: 7-64x8-1 tanh, 40,000 spiral points (20,000 for training), batch 1, one epoch per frame, ${steps.toLocaleString("en-US")} steps`);
  soak({ steps }).then(
    (r) => {
      console.log(`soak: ${r.steps.toLocaleString("en-US")} steps in ${(r.seconds / 60).toFixed(1)} min`);
      console.log(`  worker wasm memory after warm-up ${r.wasmWarm} B, at the end ${r.wasmEnd} B: ${r.grew ? "GREW (MISS)" : "no growth (PASS)"}`);
      console.log(`  main JS heap after warm-up ${(r.heapWarm / 1048576).toFixed(2)} MB, at the end ${(r.heapEnd / 1048576).toFixed(2)} MB`);
      console.log(`  main frame p50 after warm-up ${r.frameWarm.toFixed(2)} ms, at the end ${r.frameEnd.toFixed(2)} ms: ratio ${r.frameRatio.toFixed(3)} (at most 10% slower: ${r.frameRatio <= 1.1 ? "PASS" : "MISS"})`);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
