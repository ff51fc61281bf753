// The network diagram (www/diagram.js) on a real, trained engine Network, through the fixture
// tests/e2e/fixtures/diagram.html: no console errors, hit-testing at every anchor, real
// clicks, keyboard navigation helpers, draw time, and a screenshot of every view
// (tests/e2e/screenshots/diagram-*.png). Then the engine's limits: 8 hidden layers of 64
// (group markers, bands, hit-testing and the keyboard inside groups) and softmax outputs
// with class names and colours, at the demo's size and at phone width.
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

test("the engine's edge rasteriser draws what the canvas draws, in every view and phase, and allocates nothing per frame", async () => {
  // Without a GPU the diagram draws its edges with the engine (www/edge-raster.js,
  // src/raster.rs). The two pictures must be the same to the eye: the same coverage within
  // 3%, a mean difference under 2 levels of 255 per channel, and under 1.5% of channel values
  // more than 32 levels apart (antialiasing differs along the curves' edges; and where edges
  // of one colour cross, the canvas blends their shared path once and the engine each edge).
  // Where many edges of one colour overlap (the wide gold halos of a highlight where they meet
  // a neuron, the 8 x 64 network's bands and dense layers) the engine's stacking shows more:
  // there 6%, 4 levels and 2.5%.
  const cases = [
    ["perf", { view: "weights", phase: "idle" }],
    ["perf", { view: "gradients", phase: "idle" }],
    ["perf", { view: "both", phase: "idle" }],
    ["perf", { view: "weights", phase: "forward", position: 2.4 }],
    ["perf", { view: "both", phase: "backward", position: 3.6 }],
    ["perf", { view: "both", phase: "update", position: 0.5 }],
    ["perf", { view: "both", phase: "flow", time: 1.3 }],
    ["perf", { view: "both", phase: "idle", selection: { kind: "w", l: 2, j: 3, k: 4 }, highlight: "paths" }],
    ["big", { view: "both", phase: "idle" }],
  ];
  let opened = null;
  let net = "";
  try {
    for (const [name, opts] of cases) {
      if (net !== name) {
        await opened?.close();
        opened = await open(name);
        net = name;
      }
      const r = await opened.page.evaluate((o) => window.fixture.compareRaster(o), opts);
      const label = `${name} ${JSON.stringify(opts)}`;
      console.log(`${label}: mean difference ${r.mean.toFixed(2)}, ${(100 * r.far).toFixed(2)}% far, coverage ${r.alphaCanvas.toFixed(0)} (canvas) / ${r.alphaRaster.toFixed(0)} (engine)`);
      assert.equal(r.used, true, `${label}: the engine drew the edges`);
      const halo = opts.highlight || name === "big" ? 1 : 0;
      assert.ok(Math.abs(r.alphaRaster - r.alphaCanvas) < [0.03, 0.06][halo] * r.alphaCanvas, `${label}: coverage ${r.alphaRaster} against ${r.alphaCanvas}`);
      assert.ok(r.mean < [2, 4][halo], `${label}: mean difference ${r.mean}`);
      assert.ok(r.far < [0.015, 0.025][halo], `${label}: ${r.far} of channel values far apart`);
      await opened.page.evaluate(() => window.fixture.render({ selection: null, highlight: null }));
    }
    await opened.close();
    opened = await open("perf");
    const r = await opened.page.evaluate(() => window.fixture.perf({ frames: 120, view: "both", phase: "cycle", train: false, raster: true }));
    console.log(`diagram.draw with the engine's rasteriser, both/cycle: p50 ${r.p50.toFixed(3)} ms, p95 ${r.p95.toFixed(3)} ms; JS heap growth ${r.bytesPerDraw.toFixed(0)} B per draw`);
    assert.ok(!(r.bytesPerDraw > 2048), `per-frame allocation: ${r.bytesPerDraw} B per draw`);
    assertNoErrors(opened.errors);
  } finally {
    await opened?.close();
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

// ---- the engine's limits: groups, multiclass outputs -------------------------------------

const DEMO = { width: 700, height: 380 }; // the demo page's diagram, about
const setup = (page, net, size) => page.evaluate(([n, s]) => window.fixture.setup(n, s), [net, size]);
const ALL_PHASES = [
  { phase: "idle" },
  { phase: "forward", position: 2.45 },
  { phase: "backward", position: 1.5 },
  { phase: "update", position: 0.6 },
  { phase: "flow", time: 1.234 },
  { phase: "flow", time: 1.234, reducedMotion: true },
  { phase: "forward", position: 1.45, reducedMotion: true },
];

test("2-64x8-1, 7-8x6-3 and a 16-output network draw every view and phase with no console errors", async () => {
  const { page, errors, close } = await open("default");
  try {
    for (const [net, name] of [
      ["wide64", "wide64"],
      ["multi3", "multiclass-3"],
      ["multi16", "multiclass-16"],
    ]) {
      await setup(page, net, DEMO);
      for (const view of ["weights", "gradients", "both"]) {
        for (const p of ALL_PHASES) await render(page, { view, reducedMotion: false, position: 0, time: 0, ...p });
      }
      await render(page, { view: "both", phase: "idle", reducedMotion: false });
      await shot(page, `${name}-demo`);
      const steps = await page.evaluate(() => window.fixture.stepPhases(3));
      assert.ok(steps > 0);
      const groups = await page.evaluate(() => window.fixture.groups());
      const depth = (await page.evaluate(() => window.fixture.net.layers.length)) - 1;
      // Every class is listed at the demo's size: the output layer never groups there.
      assert.ok(!groups.some((g) => g.L === depth), `${net}: the output layer is not grouped`);
      if (net === "wide64") assert.equal(groups.length, 8, "each 64-neuron layer groups at the demo's size");
      else assert.deepEqual(groups, [], `${net} fits without groups`);
    }
    // The big network on a phone: 320 px wide, with legends (440 px tall) and as the element's
    // auto-sized embed draws it (180 px, no legends); a selection inside a group.
    await setup(page, "wide64", { width: 320, height: 440, view: "both" });
    await shot(page, "wide64-phone");
    await setup(page, "wide64", { width: 320, height: 180, view: "weights" });
    await render(page, { selection: { kind: "w", l: 3, j: 30, k: 2 } });
    await shot(page, "wide64-phone-embed");
    await setup(page, "wide64", { ...DEMO, view: "both" });
    await render(page, { selection: { kind: "w", l: 2, j: 30, k: 40 }, highlight: "paths" });
    await shot(page, "wide64-selection");
    await setup(page, "multi16", { width: 320, height: 440, view: "both" });
    await shot(page, "multiclass-16-phone");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("group markers say how many neurons they hide, and what they are", async () => {
  const { page, errors, close } = await open("default");
  try {
    const seen = {};
    for (const [size, name] of [
      [DEMO, "demo"],
      [{ width: 320, height: 440 }, "phone"],
      [{ width: 320, height: 180 }, "embed"],
      [{ width: 1100, height: 640 }, "large"],
    ]) {
      await setup(page, "wide64", size);
      const groups = await page.evaluate(() => window.fixture.groups());
      assert.equal(groups.length, 8, `${name}: one group per hidden layer`);
      for (const g of groups) {
        assert.equal(g.count, g.last - g.first + 1, `${name}: count`);
        assert.ok(g.count >= 2 && g.count <= 64 - 3, `${name}: a group hides 2 or more and leaves the first and last drawn`);
        assert.equal(g.text, `+${g.count}`, `${name}: the marker reads +count`);
        assert.match(g.label, new RegExp(`^neurons ${g.first} to ${g.last} of hidden layer ${g.L}, grouped`));
        // The drawn neurons are the first `first` and the last 64 - last - 1; the marker sits between.
        const drawn = await page.evaluate(
          ([L, first, last]) => {
            const d = window.fixture.diagram;
            const at = (j) => d.isDrawn({ kind: "n", L, j });
            return [at(0), at(first - 1), at(first), at(last), at(last + 1), at(63)];
          },
          [g.L, g.first, g.last],
        );
        assert.deepEqual(drawn, [true, true, false, false, true, true], `${name}: which neurons are drawn`);
      }
      seen[name] = groups[0].count;
      const tight = await page.evaluate(() => {
        const d = window.fixture.diagram;
        // Drawn neighbours in a grouped column are at least 18 px apart (the hit targets).
        let min = Infinity;
        for (const g of d.groups) {
          const ys = [];
          for (let j = 0; j < 64; j++) if (j < g.first || j > g.last) ys.push(d.anchor({ kind: "n", L: g.L, j }).y);
          ys.push(g.y);
          ys.sort((a, b) => a - b);
          for (let i = 1; i < ys.length; i++) min = Math.min(min, ys[i] - ys[i - 1]);
        }
        return min;
      });
      assert.ok(tight >= 17.5, `${name}: rows ${tight} px apart`);
    }
    console.log(`wide64 groups: +${seen.large} at 1100x640, +${seen.demo} at 700x380, +${seen.phone} at 320x440, +${seen.embed} at 320x180`);
    assert.ok(seen.large < seen.demo && seen.demo < seen.embed, "a smaller canvas hides more");
    // The tooltip over a marker names the group.
    await setup(page, "wide64", DEMO);
    const g = (await page.evaluate(() => window.fixture.groups()))[1];
    const box = await page.locator("#diagram").boundingBox();
    await page.mouse.move(box.x + 1 + g.x, box.y + 1 + g.y);
    const title = await page.evaluate(() => document.getElementById("diagram").title);
    assert.match(title, new RegExp(`^neurons ${g.first} to ${g.last} of hidden layer 2, grouped`));
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("hit-testing, clicks and the keyboard reach grouped parameters", async () => {
  const { page, errors, close } = await open("default");
  try {
    await setup(page, "wide64", DEMO);
    for (const view of ["weights", "both"]) {
      await render(page, { view });
      const { checked, grouped, wrong } = await page.evaluate(() => window.fixture.hitCheck({ every: 7 }));
      assert.ok(grouped > checked / 2, `most parameters are grouped (${grouped} of ${checked})`);
      assert.deepEqual(wrong.slice(0, 5), [], `${view}: hitTest(anchor(sel)) must be the item that draws sel`);
    }
    const groups = await page.evaluate(() => window.fixture.groups());
    const g1 = groups.find((g) => g.L === 1);
    const g2 = groups.find((g) => g.L === 2);
    // A grouped neuron's anchor is its marker; its bias's, the marker's bias handle.
    const a = await page.evaluate(() => window.fixture.diagram.anchor({ kind: "n", L: 2, j: 30 }));
    assert.deepEqual([a.x, a.y], [g2.x, g2.y]);
    assert.equal(await page.evaluate(() => window.fixture.diagram.describe({ kind: "n", L: 2, j: 0 })), null, "drawn neurons need no description");
    assert.match(await page.evaluate(() => window.fixture.diagram.describe({ kind: "w", l: 2, j: 30, k: 40 })), /drawn in the band from the group of neurons .* of hidden layer 2 to the group of neurons .* of hidden layer 3/);
    // Real clicks: a marker selects its first member, a band the weight between its ends' first
    // members; clicking the band of the current selection keeps it.
    const box = await page.locator("#diagram").boundingBox();
    await page.mouse.click(box.x + 1 + g2.x, box.y + 1 + g2.y);
    assert.deepEqual(await page.evaluate(() => window.fixture.selected.at(-1)), { kind: "n", L: 2, j: g2.first });
    const band = await page.evaluate(() => window.fixture.diagram.anchor({ kind: "w", l: 2, j: 30, k: 0 }));
    await page.mouse.click(box.x + 1 + band.x, box.y + 1 + band.y);
    const g3 = groups.find((g) => g.L === 3);
    assert.deepEqual(await page.evaluate(() => window.fixture.selected.at(-1)), { kind: "w", l: 2, j: g3.first, k: 0 });
    await render(page, { selection: { kind: "w", l: 2, j: 40, k: 0 } });
    await page.mouse.click(box.x + 1 + band.x, box.y + 1 + band.y);
    assert.deepEqual(await page.evaluate(() => window.fixture.selected.at(-1)), { kind: "w", l: 2, j: 40, k: 0 }, "the click keeps the selection in that band");
    await page.mouse.dblclick(box.x + 1 + band.x, box.y + 1 + band.y);
    assert.deepEqual(await page.evaluate(() => window.fixture.edits.at(-1)), { kind: "w", l: 2, j: 40, k: 0 });
    // The marker's bias handle.
    const bh = await page.evaluate(() => window.fixture.diagram.anchor({ kind: "b", l: 1, j: 30 }));
    await page.mouse.click(box.x + 1 + bh.x, box.y + 1 + bh.y);
    assert.deepEqual(await page.evaluate(() => window.fixture.selected.at(-1)), { kind: "b", l: 1, j: g2.first });
    // The keyboard. Weight layer 1 runs from hidden layer 1 (group g1) to hidden layer 2 (g2).
    // Each target neuron, grouped or not, is one run of steps: its drawn inputs (g1 as one
    // step, its band), then its bias.
    const walk = (from, key, times) => page.evaluate(([f, k, t]) => window.fixture.walk(f, k, t), [from, key, times]);
    const per = 64 - g1.count + 2;
    const run = await walk({ kind: "b", l: 1, j: g2.first - 1 }, "down", per);
    const kOrder = [...Array.from({ length: g1.first }, (_, k) => k), g1.first, ...Array.from({ length: 63 - g1.last }, (_, i) => g1.last + 1 + i)];
    assert.deepEqual(run, [...kOrder.map((k) => ({ kind: "w", l: 1, j: g2.first, k })), { kind: "b", l: 1, j: g2.first }], "into the group: its first neuron's weights, then its bias");
    // Through the whole group of targets, one neuron at a time, to the first drawn one after it.
    const across = await walk({ kind: "b", l: 1, j: g2.first }, "down", per * g2.count);
    const biases = across.filter((s) => s.kind === "b").map((s) => s.j);
    assert.deepEqual(biases, Array.from({ length: g2.count }, (_, i) => g2.first + 1 + i));
    assert.deepEqual(across.at(-1), { kind: "b", l: 1, j: g2.last + 1 });
    // Up from a grouped neuron's bias: its weights from the last input back, the band from g1
    // as one step.
    const tail1 = 63 - g1.last;
    const up = await walk({ kind: "b", l: 1, j: 30 }, "up", tail1 + 2);
    assert.deepEqual(up[0], { kind: "w", l: 1, j: 30, k: 63 });
    assert.deepEqual(up[tail1], { kind: "w", l: 1, j: 30, k: g1.first }, "the band from the group");
    assert.deepEqual(up[tail1 + 1], { kind: "w", l: 1, j: 30, k: g1.first - 1 });
    // Inside a band, the selection keeps its member when it stays there (left/right keep it too).
    assert.deepEqual((await walk({ kind: "w", l: 1, j: 30, k: 40 }, "right", 1))[0], { kind: "w", l: 2, j: 30, k: 40 });
    // Neurons step one by one through a group.
    const neurons = await walk({ kind: "n", L: 2, j: g2.first - 1 }, "down", 3);
    assert.deepEqual(neurons.map((s) => s.j), [g2.first, g2.first + 1, g2.first + 2]);
    // A selection inside a group is drawn: the marker is filled with the selection's colour.
    await render(page, { view: "both", selection: { kind: "w", l: 2, j: 30, k: 40 }, highlight: "paths" });
    const px = await page.evaluate(([x, y]) => window.fixture.pixel(x, y), [g2.x - g2.w / 2 + 4, g2.y - 3]);
    assert.ok(px[0] < 60 && px[1] < 60 && px[2] < 70, `marker of the selected member is dark, got ${px}`);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the engine's largest network (8 x 64) draws every phase without allocating per frame", async () => {
  const { page, errors, close } = await open("default");
  try {
    for (const [size, name] of [
      [DEMO, "700x380"],
      [{ width: 320, height: 440 }, "320x440"],
    ]) {
      await setup(page, "wide64", size);
      for (const [view, phase, train] of [
        ["both", "cycle", true],
        ["both", "cycle", false],
        ["weights", "idle", false],
      ]) {
        const r = await page.evaluate((o) => window.fixture.perf({ frames: 300, ...o }), { view, phase, train });
        console.log(
          `8x64 ${name} diagram.draw ${r.view}/${r.phase}${r.train ? " (training between frames)" : ""}: ` +
            `p50 ${r.p50.toFixed(3)} ms, p95 ${r.p95.toFixed(3)} ms, max ${r.max.toFixed(3)} ms over ${r.frames} frames; ` +
            `JS heap growth ${r.bytesPerDraw.toFixed(0)} B per draw`,
        );
        // As for Playground's largest network: nothing per edge (29,000 edges) or per band.
        assert.ok(!(r.bytesPerDraw > 2048), `per-frame allocation: ${r.bytesPerDraw} B per draw`);
      }
    }
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
