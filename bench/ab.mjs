#!/usr/bin/env node
// A/B: the same training workload from two builds of the engine, in one headless Chromium,
// their timed repeats in pairs, back to back (in alternating order), so that a change in the
// machine's load hits both sides of a pair alike. On these shared 2-core machines two
// separate `npm run bench` runs differ by 10% and more; the pairs' ratio is much steadier.
//
//   npm run build && cp -r pkg bench/results/pkg-a     # the build before a change
//   (change the code)
//   npm run build && cp -r pkg bench/results/pkg-b     # the build after it
//   node bench/ab.mjs bench/results/pkg-a bench/results/pkg-b [--workload b] [--repeats 21]
//
// The two directories are wasm-pack outputs inside the repository (bench/results is
// ignored by git). Prints each build's median examples/s and the median, min and max of
// the pairs' ratios B/A; a ratio of 1.04 means B trained 4% more examples a second.
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { WORKLOADS, median } from "./workload.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = "usage: node bench/ab.mjs DIR_A DIR_B [--workload a|b] [--repeats N]";

function parseArgs(argv) {
  const opts = { dirs: [], workload: "b", repeats: 21 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--workload") opts.workload = argv[++i];
    else if (a === "--repeats") opts.repeats = Number(argv[++i]);
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else opts.dirs.push(a);
  }
  if (opts.dirs.length !== 2) throw new Error(`two build directories are needed, got ${opts.dirs.length}\n${USAGE}`);
  if (!WORKLOADS.some((w) => w.id === opts.workload)) {
    throw new Error(`--workload must be one of ${WORKLOADS.map((w) => w.id).join(", ")}, got ${opts.workload}`);
  }
  if (!(Number.isInteger(opts.repeats) && opts.repeats >= 3)) throw new Error("--repeats must be a whole number >= 3");
  opts.urls = opts.dirs.map((d) => {
    const abs = path.resolve(d);
    const rel = path.relative(ROOT, abs);
    if (rel.startsWith("..") || path.isAbsolute(rel)) throw new Error(`${d} is not inside the repository (${ROOT})`);
    if (!fs.existsSync(path.join(abs, "backprop_viz_bg.wasm"))) {
      throw new Error(`${d} has no backprop_viz_bg.wasm: copy a wasm-pack build there (npm run build && cp -r pkg ${d})`);
    }
    return "/" + rel.split(path.sep).join("/");
  });
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { serve, launch } = await import("../tests/e2e/harness.mjs");
  const server = await serve();
  const browser = await launch();
  try {
    const sides = [];
    for (const url of opts.urls) {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.url}bench/wasm.html?pkg=${encodeURIComponent(url)}`);
      await page.waitForSelector("body[data-ready=yes]", { timeout: 30_000 }).catch(() => {
        throw new Error(`bench/wasm.html did not load ${url}: ${errors.join("; ") || "timed out"}`);
      });
      await page.evaluate(([id]) => window.benchPrepare(id, { scale: 1 }, "wasm"), [opts.workload]);
      sides.push({ page, rates: [] });
    }
    const label = WORKLOADS.find((w) => w.id === opts.workload).label;
    console.log(`ab: (${opts.workload}) ${label}: ${opts.repeats} pairs of repeats, A = ${opts.dirs[0]}, B = ${opts.dirs[1]}`);
    const ratios = [];
    for (let i = 0; i < opts.repeats; i++) {
      const order = i % 2 ? [0, 1] : [1, 0];
      const pair = [];
      for (const s of order) pair[s] = await sides[s].page.evaluate(() => window.benchRepeat("wasm"));
      sides[0].rates.push(pair[0]);
      sides[1].rates.push(pair[1]);
      ratios.push(pair[1] / pair[0]);
    }
    const m = (v) => `${(v / 1e6).toFixed(3)} M`;
    console.log(`  A: median ${m(median(sides[0].rates))} examples/s`);
    console.log(`  B: median ${m(median(sides[1].rates))} examples/s`);
    const faster = ratios.filter((r) => r > 1).length;
    console.log(
      `  B/A per pair: median ${median(ratios).toFixed(3)}, min ${Math.min(...ratios).toFixed(3)},` +
        ` max ${Math.max(...ratios).toFixed(3)}; B faster in ${faster} of ${ratios.length} pairs`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(`ab: ${e.message}`);
  process.exit(1);
});
