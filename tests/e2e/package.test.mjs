// The npm package: `npm pack` ships the element, the built engine (pkg/ is gitignored, so this
// checks npm did not drop it), the README and the API docs, and nothing else; its `exports`
// resolve; and the tarball, installed into an empty folder and served statically under the
// strict CSP, gives two working instances on a page that uses
// node_modules/backprop-viz/element.js.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { serve, launch, screenshot, assertNoErrors, REPO_ROOT } from "./harness.mjs";
import { CSP, WAIT, onInstance, openEmbed, waitForPaint, runtimeFiles, tempDir, waitForInstances, writeFiles } from "./embedding.mjs";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const npm = (args, cwd) =>
  execFileSync(NPM, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
  });

const pkgJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));

let work;
let tarball;
let site;
let server;
let browser;

before(async () => {
  work = tempDir("backprop-viz-pack");
  // --json prints the packed file list; prepack checks that pkg/ is built.
  const out = npm(["pack", "--json", "--pack-destination", work.dir], REPO_ROOT);
  const report = JSON.parse(out.slice(out.indexOf("[")));
  tarball = path.join(work.dir, report[0].filename);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  work?.remove();
});

test("npm pack ships the element, the built engine, the README, the licence and the API docs, and nothing else", () => {
  const out = npm(["pack", "--dry-run", "--json"], REPO_ROOT);
  const files = JSON.parse(out.slice(out.indexOf("[")))[0].files.map((f) => f.path).sort();
  const expected = [
    ...runtimeFiles(), "element.d.ts", "pkg/backprop_viz.d.ts", "pkg/backprop_viz_bg.wasm.d.ts",
    "README.md", "LICENSE", "docs/API.md", "package.json",
  ].sort();
  assert.deepEqual(files, expected);
  for (const must of ["element.js", "www/element.js", "www/engine.js", "www/styles.js", "pkg/backprop_viz.js", "pkg/backprop_viz_bg.wasm"]) {
    assert.ok(files.includes(must), `${must} is in the package`);
  }
  assert.ok(fs.statSync(tarball).size > 100_000, "the tarball holds the wasm");
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  assert.match(readme, /^## Embedding/m, "the README has the embedding section");
});

test("package.json: exports and files name the entry, the engine and the wasm", () => {
  const e = pkgJson.exports;
  const target = (v) => (typeof v === "string" ? v : v.default);
  assert.equal(target(e["."]), "./element.js");
  assert.equal(target(e["./element.js"]), "./element.js");
  assert.equal(target(e["./pkg/backprop_viz.js"]), "./pkg/backprop_viz.js");
  assert.equal(target(e["./pkg/backprop_viz_bg.wasm"]), "./pkg/backprop_viz_bg.wasm");
  for (const f of ["element.js", "README.md", "LICENSE", "docs/API.md"]) assert.ok(pkgJson.files.includes(f), f);
  for (const f of ["www/*.js", "pkg/*.js", "pkg/*.wasm", "pkg/*.d.ts"]) assert.ok(pkgJson.files.includes(f), f);
  for (const script of ["setup", "build", "start", "serve", "test", "bench"]) assert.ok(pkgJson.scripts[script], `script ${script} kept`);
  // The entry is one line that loads the element relative to itself.
  assert.match(fs.readFileSync(path.join(REPO_ROOT, "element.js"), "utf8"), /from "\.\/www\/element\.js"/);
});

test("the tarball installed into an empty folder, served statically, runs two instances under the CSP", async () => {
  site = tempDir("backprop-viz-site");
  // No dependencies, so the install needs no network. Should npm still want one, the tarball
  // is unpacked by hand: what is tested is the package's contents.
  try {
    npm(["install", "--offline", "--no-audit", "--no-fund", "--no-save", "--ignore-scripts", tarball], site.dir);
  } catch (err) {
    const dest = path.join(site.dir, "node_modules/backprop-viz");
    fs.mkdirSync(dest, { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", dest, "--strip-components=1"]);
    console.log(`# npm install --offline failed (${String(err.stderr ?? err.message).split("\n")[0]}); unpacked the tarball instead`);
  }
  const installed = path.join(site.dir, "node_modules/backprop-viz");
  assert.ok(fs.existsSync(path.join(installed, "element.js")));
  assert.ok(fs.existsSync(path.join(installed, "pkg/backprop_viz_bg.wasm")));
  // The package's exports resolve from the folder it was installed into.
  const resolved = execFileSync(process.execPath, [
    "--input-type=module", "-e",
    'for (const s of ["backprop-viz", "backprop-viz/element.js", "backprop-viz/pkg/backprop_viz.js", "backprop-viz/pkg/backprop_viz_bg.wasm"]) console.log(import.meta.resolve(s));',
  ], { cwd: site.dir, encoding: "utf8" }).trim().split("\n");
  assert.deepEqual(resolved.map((u) => path.relative(installed, new URL(u).pathname)), [
    "element.js", "element.js", "pkg/backprop_viz.js", "pkg/backprop_viz_bg.wasm",
  ]);

  writeFiles(site.dir, {
    "index.html": `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Installed from the tarball</title>
  <link rel="icon" href="icon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="page.css">
</head>
<body>
  <h1>Two instances from node_modules</h1>
  <div class="row">
    <div class="cell">
      <script type="module" src="node_modules/backprop-viz/element.js"></script>
      <backprop-viz layers="2,4,1" activation="tanh" dataset="xor" loss="bce" learning-rate="0.1"
                    seed="3" view="gradients" controls="play,step,reset" inspect="w-2-0-1"></backprop-viz>
    </div>
    <div class="cell">
      <script type="module" src="node_modules/backprop-viz/element.js"></script>
      <backprop-viz layers="2,2,1" dataset="circle" seed="11" view="both" controls="play,step,reset"></backprop-viz>
    </div>
  </div>
</body>
</html>
`,
    "page.css": "body { margin: 16px; font: 16px/1.5 sans-serif; } .row { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }\n",
    "icon.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" fill="#08c"/></svg>',
  });
  server = await serve({ root: site.dir, headers: () => ({ "Content-Security-Policy": CSP }) });
  const { page, errors, requests, close } = await openEmbed(browser, `${server.url}index.html`, { viewport: { width: 1400, height: 900 } });
  try {
    await waitForInstances(page, 2);
    await onInstance(page, 0, (el) => el.play());
    await onInstance(page, 1, (el) => el.play());
    await page.waitForFunction(() => [...document.querySelectorAll("backprop-viz")].every((e) => e.network.stepCount >= 30), null, WAIT);
    for (const n of [0, 1]) {
      await waitForPaint(page, n, "output", 10000);
      assert.ok(Number.isFinite(await onInstance(page, n, (el) => el.network.evaluate().trainLoss)));
    }
    assert.deepEqual(await onInstance(page, 1, (el) => Array.from(el.network.layers)), [2, 2, 1]);
    assert.equal(requests.filter((u) => u.endsWith(".wasm")).length, 1);
    assert.ok(requests.every((u) => new URL(u).pathname === "/index.html" || !/\/(www|pkg)\//.test(new URL(u).pathname) || new URL(u).pathname.startsWith("/node_modules/backprop-viz/")), "everything loads from the installed package");
    await screenshot(page, "package-tarball", { fullPage: false });
    assertNoErrors(errors);
  } finally {
    await close();
    site.remove();
  }
});
