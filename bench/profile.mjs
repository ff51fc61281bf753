#!/usr/bin/env node
// Where a training workload spends its time in V8's machine code for the engine's wasm:
// Linux perf samples the Chromium renderer while it trains, and V8's jitdump (--perf-prof)
// names and disassembles the code it compiled. `npm run bench` says how fast; this says
// where, down to the instruction: how V8 compiled a loop (a bounds check, a constant built
// at every use, a spilled register) is invisible in the wasm and in native profiles.
//
//   node bench/profile.mjs [--workload a|b] [--seconds 6] [--pkg bench/results/pkg-b]
//
// Needs `perf` (Debian: apt-get install linux-perf) and permission to profile the renderer
// (root, or kernel.perf_event_paranoid <= 1). Prints the functions by share of samples and
// the hottest instructions of the top one; the whole annotated listing goes to
// bench/results/profile-annotate.txt. Wasm functions are named by index ("wasm-function[53]");
// `wasm-tools print` or wabt's wasm2wat on the same build maps an index to its code.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WORKLOADS } from "./workload.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = "usage: node bench/profile.mjs [--workload a|b] [--seconds S] [--pkg DIR]";

function parseArgs(argv) {
  const opts = { workload: "b", seconds: 6, pkg: "/pkg" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--workload") opts.workload = argv[++i];
    else if (a === "--seconds") opts.seconds = Number(argv[++i]);
    else if (a === "--pkg") opts.pkg = "/" + path.relative(ROOT, path.resolve(argv[++i])).split(path.sep).join("/");
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!WORKLOADS.some((w) => w.id === opts.workload)) {
    throw new Error(`--workload must be one of ${WORKLOADS.map((w) => w.id).join(", ")}, got ${opts.workload}`);
  }
  if (!(opts.seconds >= 1 && opts.seconds <= 60)) throw new Error("--seconds must be from 1 to 60");
  if (opts.pkg.startsWith("/..")) throw new Error("--pkg must be a directory inside the repository");
  return opts;
}

/** Runs perf with `args`; returns its stdout, or throws with its stderr. */
function perf(args) {
  const r = spawnSync("perf", args, { encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.error) throw new Error(`perf could not run (${r.error.message}): install it (Debian: apt-get install linux-perf)`);
  if (r.status !== 0) throw new Error(`perf ${args[0]} failed: ${r.stderr.trim().split("\n").slice(-3).join(" / ")}`);
  return r.stdout;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  perf(["--version"]);
  const { serve, launch, CHROMIUM_ARGS } = await import("../tests/e2e/harness.mjs");
  // V8 writes its jit-<pid>.dump files into the browser's working directory.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-profile-"));
  const cwd = process.cwd();
  process.chdir(dir);
  const server = await serve();
  const browser = await launch({ args: [...CHROMIUM_ARGS, "--js-flags=--perf-prof"] });
  process.chdir(cwd);
  let data;
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}bench/wasm.html?pkg=${encodeURIComponent(opts.pkg)}`);
    await page.waitForSelector("body[data-ready=yes]", { timeout: 30_000 });
    await page.evaluate(([id]) => window.benchPrepare(id, { scale: 1 }, "wasm"), [opts.workload]);
    const cdp = await browser.newBrowserCDPSession();
    const { processInfo } = await cdp.send("SystemInfo.getProcessInfo");
    const pids = processInfo.filter((p) => p.type === "renderer").map((p) => p.id);
    if (pids.length === 0) throw new Error("Chromium reported no renderer process");
    data = path.join(dir, "perf.data");
    const rec = spawn("perf", ["record", "-k", "1", "-o", data, "-p", pids.join(","), "--", "sleep", String(opts.seconds)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    rec.stderr.on("data", (d) => (err += d));
    const done = new Promise((resolve) => rec.on("exit", resolve));
    let stopped = false;
    done.then(() => (stopped = true));
    let repeats = 0;
    while (!stopped) {
      await page.evaluate(() => window.benchRepeat("wasm"));
      repeats++;
    }
    if ((await done) !== 0) throw new Error(`perf record failed: ${err.trim().split("\n").slice(-2).join(" / ")}`);
    console.log(`profile: (${opts.workload}) ${repeats} repeats in ${opts.seconds} s, renderer ${pids.join(", ")}, build ${opts.pkg}`);
  } finally {
    await browser.close();
    await server.close();
  }
  const jitted = path.join(dir, "perf.jit.data");
  perf(["inject", "--jit", "-i", data, "-o", jitted]);
  const report = perf(["report", "-i", jitted, "--no-children", "--sort", "sym", "--stdio"]);
  const rows = report.split("\n").filter((l) => /^\s+[0-9.]+%/.test(l));
  console.log("\nShare of samples by function:");
  for (const r of rows.slice(0, 10)) console.log(r);
  const top = rows[0]?.match(/\[\.\]\s+(.*\S)/)?.[1];
  if (!top) return;
  const listing = perf(["annotate", "-i", jitted, "--stdio", "-s", top]);
  const out = path.join(ROOT, "bench", "results", "profile-annotate.txt");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, listing);
  const hot = listing
    .split("\n")
    .map((l) => l.match(/^\s+([0-9.]+) :\s+([0-9a-f]+):\s+(.*)$/))
    .filter(Boolean)
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .slice(0, 15);
  console.log(`\nHottest instructions of ${top} (% of its samples; the whole listing: ${path.relative(cwd, out)}):`);
  for (const [, pct, addr, ins] of hot) console.log(`  ${pct.padStart(6)}  ${addr.padStart(6)}  ${ins.trim()}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(`profile: ${e.message}`);
  process.exit(1);
});
