// The network diagram (www/diagram.js) on a real, trained engine Network, through the fixture
// tests/e2e/fixtures/diagram.html: no console errors, hit-testing at every anchor, real
// clicks, keyboard navigation helpers, draw time, and a screenshot of every view
// (tests/e2e/screenshots/diagram-*.png).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { serve, launch, openPage, assertNoErrors, CHROMIUM_ARGS, SCREENSHOT_DIR } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await serve();
  // Precise heap numbers let the perf test see per-frame allocation.
  browser = await launch({ args: [...CHROMIUM_ARGS, "--enable-precise-memory-info", "--js-flags=--expose-gc"] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(net = "default", viewport = { width: 1100, height: 700 }, contextOptions = {}) {
  const opened = await openPage(browser, `${server.url}tests/e2e/fixtures/diagram.html?net=${net}`, { viewport, contextOptions });
  await opened.page.waitForSelector("body[data-ready=yes]", { timeout: 30_000 });
  return opened;
}

async function shot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `diagram-${name}.png`);
  await page.locator("#diagram").screenshot({ path: file });
  assert.ok(fs.statSync(file).size > 2000, `${file} is written`);
  return file;
}

const render = (page, opts) => page.evaluate((o) => window.fixture.render(o), opts);

test("the default network renders every view and phase with no console errors", async () => {
  const { page, errors, close } = await open("default");
  try {
    assert.equal(await page.evaluate(() => window.fixture.lutMatchesEngineDefault()), true, "palette lut() = engine default");
    await render(page, { view: "weights", phase: "idle" });
    await shot(page, "weights");
    await render(page, { view: "gradients" });
    await shot(page, "gradients");
    await render(page, { view: "both" });
    await shot(page, "both");
    await render(page, { view: "weights", phase: "forward", position: 1.45 });
    await shot(page, "mid-forward");
    await render(page, { view: "weights", phase: "backward", position: 1.5 });
    await shot(page, "mid-backward");
    await render(page, { view: "both", phase: "backward", position: 0.6 });
    await shot(page, "mid-backward-both");
    await render(page, { view: "weights", phase: "update", position: 0.6 });
    await shot(page, "update");
    await render(page, { view: "both", phase: "flow", time: 1.234 });
    await shot(page, "flow");
    await render(page, { view: "both", phase: "flow", time: 1.234, reducedMotion: true });
    await shot(page, "reduced-motion-flow");
    await render(page, { view: "weights", phase: "forward", position: 1.45, reducedMotion: true });
    await shot(page, "reduced-motion-forward");
    await render(page, { reducedMotion: false, phase: "idle", view: "both", selection: { kind: "w", l: 0, j: 1, k: 0 }, highlight: "paths" });
    await shot(page, "selection-highlight");
    await render(page, { view: "gradients", selection: { kind: "b", l: 1, j: 0 }, highlight: "paths" });
    await shot(page, "selection-bias");
    // A whole step played phase by phase, as the loop would, with applyStep in between.
    const before = await page.evaluate(() => window.fixture.net.stepCount);
    const after = await page.evaluate(() => window.fixture.stepPhases(4));
    assert.equal(after, before + 1);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("hitTest returns each parameter at its anchor, and clicks select it", async () => {
  const { page, errors, close } = await open("default");
  try {
    for (const view of ["weights", "both"]) {
      await render(page, { view });
      const { checked, wrong } = await page.evaluate(() => window.fixture.hitCheck());
      assert.equal(checked, 2 * 4 + 4 + 4 * 2 + 2 + 2 + 1 + (2 + 4 + 2 + 1), "every weight, bias and neuron");
      assert.deepEqual(wrong, [], `${view}: hitTest(anchor(sel)) must be sel`);
    }
    // Empty space is null.
    assert.equal(await page.evaluate(() => window.fixture.diagram.hitTest(3, 3)), null);
    // Real clicks at anchors go through the canvas listeners to onSelect / onEdit.
    const box = await page.locator("#diagram").boundingBox();
    for (const sel of [
      { kind: "w", l: 2, j: 0, k: 1 },
      { kind: "b", l: 0, j: 3 },
      { kind: "n", L: 1, j: 2 },
    ]) {
      const a = await page.evaluate((s) => window.fixture.diagram.anchor(s), sel);
      await page.mouse.click(box.x + a.x, box.y + a.y);
      assert.deepEqual(await page.evaluate(() => window.fixture.selected.at(-1)), sel);
    }
    const a = await page.evaluate(() => window.fixture.diagram.anchor({ kind: "w", l: 1, j: 1, k: 3 }));
    await page.mouse.dblclick(box.x + a.x, box.y + a.y);
    assert.deepEqual(await page.evaluate(() => window.fixture.edits.at(-1)), { kind: "w", l: 1, j: 1, k: 3 });
    // Keyboard helpers.
    const moves = await page.evaluate(() => {
      const d = window.fixture.diagram;
      const out = [];
      let s = d.next(null, "down");
      out.push(s);
      s = d.next(s, "down"); // W[0][0][1]
      out.push(s);
      s = d.next(s, "down"); // b[0][0]
      out.push(s);
      s = d.next(s, "down"); // W[0][1][0]
      out.push(s);
      s = d.next(s, "ArrowRight"); // W[1][1][0]
      out.push(s);
      s = d.next(s, "up"); // b[1][0]
      out.push(s);
      out.push(d.next({ kind: "n", L: 3, j: 0 }, "left"));
      out.push(d.next({ kind: "w", l: 0, j: 0, k: 0 }, "left"));
      return out;
    });
    assert.deepEqual(moves, [
      { kind: "w", l: 0, j: 0, k: 0 },
      { kind: "w", l: 0, j: 0, k: 1 },
      { kind: "b", l: 0, j: 0 },
      { kind: "w", l: 0, j: 1, k: 0 },
      { kind: "w", l: 1, j: 1, k: 0 },
      { kind: "b", l: 1, j: 0 },
      { kind: "n", L: 2, j: 0 },
      { kind: "w", l: 0, j: 0, k: 0 },
    ]);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

// Draw times are printed for information only: speed is measured by `npm run bench`, never
// asserted in a test on a shared machine.
test("Playground's largest network (6 hidden layers of 8) draws every phase without allocating per frame", async () => {
  const { page, errors, close } = await open("perf");
  try {
    // "cycle" runs forward, backward, update and flow in turn. With train, each frame also
    // steps the network and renders the thumbnails, as the demo does (their garbage can be
    // collected inside a timed draw); without, only draw() runs.
    const runs = [];
    for (const [view, phase, train] of [
      ["both", "cycle", true],
      ["both", "cycle", false],
      ["weights", "idle", false],
    ]) {
      runs.push(await page.evaluate((o) => window.fixture.perf({ frames: 300, ...o }), { view, phase, train }));
    }
    for (const r of runs) {
      console.log(
        `diagram.draw ${r.view}/${r.phase}${r.train ? " (training between frames)" : ""}: ` +
          `p50 ${r.p50.toFixed(3)} ms, p95 ${r.p95.toFixed(3)} ms, ` +
          `max ${r.max.toFixed(3)} ms over ${r.frames} frames; JS heap growth ${r.bytesPerDraw.toFixed(0)} B per draw`,
      );
      // The code makes no arrays, objects or strings per frame; what is left (V8 boxing a few
      // doubles at canvas calls, measurement noise) is tens to hundreds of bytes. One allocation per
      // edge would be over 5 KB.
      assert.ok(!(r.bytesPerDraw > 2048), `per-frame allocation: ${r.bytesPerDraw} B per draw`);
    }
    const { wrong } = await page.evaluate(() => window.fixture.hitCheck());
    assert.deepEqual(wrong, []);
    await render(page, { view: "both", phase: "idle" });
    await shot(page, "perf-6x8-both");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("large, small and multi-output networks stay legible", async () => {
  for (const [net, views] of [
    ["features", ["weights", "gradients"]],
    ["big", ["weights", "both"]],
    ["tiny", ["weights", "both"]],
    ["wide", ["both"]],
  ]) {
    const { page, errors, close } = await open(net);
    try {
      for (const view of views) {
        await render(page, { view, phase: "idle" });
        await shot(page, `${net}-${view}`);
      }
      if (net === "big") {
        await render(page, { view: "weights", phase: "forward", position: 4.5 });
        await shot(page, "big-mid-forward");
        await render(page, { view: "gradients", phase: "idle", selection: { kind: "n", L: 5, j: 10 }, highlight: "paths" });
        await shot(page, "big-highlight");
      }
      // In a 64 x 64 layer edges cross everywhere; anchors still must pick their own edge.
      // (The big network has 29,000 weights: check every 97th parameter.)
      const { wrong } = await page.evaluate((every) => window.fixture.hitCheck({ every }), net === "big" ? 97 : 1);
      assert.deepEqual(wrong.slice(0, 5), [], `${net}: hitTest(anchor(sel)) must be sel`);
      assertNoErrors(errors);
    } finally {
      await close();
    }
  }
});

test("small canvases and phones (device pixel ratio 2): the diagram fits and resizes", async () => {
  const { page, errors, close } = await open("default", { width: 420, height: 700 }, { deviceScaleFactor: 2 });
  try {
    assert.equal(await page.evaluate(() => document.getElementById("diagram").width), 2 * (await page.evaluate(() => window.fixture.diagram.cssW)));
    await page.evaluate(() => window.fixture.setup("default", { width: 390, height: 440, view: "both" }));
    await shot(page, "phone-both");
    await page.evaluate(() => window.fixture.setup("default", { width: 320, height: 200, view: "weights" }));
    await shot(page, "embed-small");
    const { wrong } = await page.evaluate(() => window.fixture.hitCheck());
    assert.deepEqual(wrong, []);
    // Hit-testing stays in CSS px at this ratio: a real click on a bias handle selects it.
    const box = await page.locator("#diagram").boundingBox();
    const a = await page.evaluate(() => window.fixture.diagram.anchor({ kind: "b", l: 2, j: 0 }));
    await page.mouse.click(box.x + 1 + a.x, box.y + 1 + a.y);
    assert.deepEqual(await page.evaluate(() => window.fixture.selected.at(-1)), { kind: "b", l: 2, j: 0 });
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
