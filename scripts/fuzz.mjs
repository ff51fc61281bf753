// The JavaScript fuzz campaign (tests/fuzz/harness.mjs, targets in tests/fuzz/targets.mjs):
// every target's corpus, then fresh mutated inputs, each timed against the 100 ms limit.
// Failing inputs are saved to tests/fuzz/corpus/<target>/crash-<hash>.
//
//   node scripts/fuzz.mjs                         # 1,000,000 inputs per target
//   node scripts/fuzz.mjs --runs 10000 --seed 7 --targets hash,height
//
// The engine targets need pkg/ (`npm run build`). Exits 1 when any input failed.

import { runTarget } from "../tests/fuzz/harness.mjs";
import { TARGETS } from "../tests/fuzz/targets.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const runs = Number(String(option("runs", "1000000")).replaceAll("_", ""));
const seed = Number(option("seed", "1"));
const only = option("targets", "").split(",").filter(Boolean);
const unknown = only.filter((n) => !TARGETS.some((t) => t.name === n));
if (unknown.length) {
  console.error(`fuzz: unknown target(s) ${unknown.join(", ")}; known: ${TARGETS.map((t) => t.name).join(", ")}`);
  process.exit(2);
}

let failed = 0;
const rows = [];
for (const target of TARGETS) {
  if (only.length && !only.includes(target.name)) continue;
  console.log(`fuzz js ${target.name}: ${runs} inputs (seed ${seed})`);
  const r = await runTarget(target, { runs, seed, time: true, keep: true, log: console.log });
  rows.push(r);
  for (const f of r.failures) {
    failed++;
    console.log(`  FAILURE ${target.name}${f.saved ? ` (saved to ${f.saved})` : ""}\n    ${f.message.split("\n").join("\n    ")}`);
  }
  console.log(
    `fuzz js ${r.name}: ${r.corpus} corpus + ${r.runs} fresh inputs in ${r.seconds.toFixed(1)} s, ` +
      `${r.failures.length} failures, slowest ${r.slowest.toFixed(1)} ms`,
  );
  if (r.stats) console.log(`  ${r.name} calls: ${r.stats}`);
}
console.log("\nfuzz js summary (target, corpus, fresh inputs, seconds, failures, slowest ms):");
for (const r of rows) console.log(`  ${r.name.padEnd(14)} ${String(r.corpus).padStart(5)} ${String(r.runs).padStart(9)} ${r.seconds.toFixed(1).padStart(8)} ${String(r.failures.length).padStart(4)} ${r.slowest.toFixed(1).padStart(8)}`);
process.exit(failed ? 1 : 0);
