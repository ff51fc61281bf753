// The output view (www/output-view.js) and the loss chart (www/charts.js) in their fixture,
// tests/e2e/fixtures/output.html, which trains a real network every frame.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, openPage, screenshot, assertNoErrors } from "./harness.mjs";

const FIXTURE = "tests/e2e/fixtures/output.html";

let server;
let browser;

before(async () => {
  // Cross-origin isolation gives performance.now() microsecond resolution for the timings.
  server = await serve({
    headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query, options = {}) {
  const opened = await openPage(browser, `${server.url}${FIXTURE}?${query}`, options);
  await opened.page.waitForSelector("body[data-ready=yes]", { timeout: 20_000 });
  return opened;
}

/** Waits until the fixture has drawn `n` more frames. */
async function frames(page, n = 3) {
  const start = await page.evaluate(() => window.fixture.frames);
  await page.waitForFunction((target) => window.fixture.frames >= target, start + n);
}

/** Page coordinates of the plane point (x1, x2) on the output canvas. */
async function pagePoint(page, x1, x2) {
  const box = await page.locator("#output").boundingBox();
  const p = await page.evaluate(([a, b]) => window.fixture.out.toCanvas(a, b), [x1, x2]);
  return { x: box.x + p.x, y: box.y + p.y };
}

/** Page coordinates of a data point. */
async function pointOf(page, set, index) {
  const [x1, x2] = await page.evaluate(
    ([s, i]) => {
      const inputs = window.fixture[s].inputs;
      return [inputs[2 * i], inputs[2 * i + 1]];
    },
    [set, index],
  );
  return pagePoint(page, x1, x2);
}

const lastEvent = (page) => page.evaluate(() => window.fixture.events.at(-1) ?? null);
const eventCount = (page) => page.evaluate(() => window.fixture.events.length);

// Draw times are printed for information only: speed is measured by `npm run bench`, never
// asserted in a test on a shared machine.
test("trains and draws with no console errors", async () => {
  const { page, errors, close } = await open("dataset=circle&showTest=1&speed=5&frames=300");
  try {
    await page.waitForSelector("body[data-timed=yes]", { timeout: 30_000 });
    const t = await page.evaluate(() => window.fixture.timings.summary);
    console.log(
      `# OutputView.draw (200x200 heatmap, ${await page.evaluate(
        () => window.fixture.train.targets.length + window.fixture.test.targets.length,
      )} points) over ${t.frames} frames: p50 ${t.drawP50.toFixed(3)} ms, p95 ${t.drawP95.toFixed(3)} ms; ` +
        `LossChart.draw: p50 ${t.chartP50.toFixed(3)} ms, p95 ${t.chartP95.toFixed(3)} ms`,
    );
    const stats = await page.evaluate(() => ({
      step: window.fixture.net.stepCount,
      points: window.fixture.chart.size,
      canvas: [document.getElementById("output").width, document.getElementById("output").style.width],
    }));
    assert.ok(stats.step >= 1500, `trained ${stats.step} steps`);
    assert.ok(stats.points > 100, "the chart holds the history");
    assert.deepEqual(stats.canvas, [440, "440px"]);
    await screenshot(page, "output-circle-training");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("clicks add class 1, shift-clicks add class 0, clicks pick and right-clicks remove", async () => {
  const { page, errors, close } = await open("dataset=circle&showTest=1&pretrain=500&paused=1");
  try {
    await frames(page);
    // An empty spot: the circle dataset leaves the corners bare.
    const corner = await page.evaluate(() => {
      const { x, y } = window.fixture.out.toCanvas(5, 5);
      return window.fixture.out.hitTest(x, y);
    });
    assert.equal(corner, null);
    const nTrain = await page.evaluate(() => window.fixture.train.targets.length);

    let p = await pagePoint(page, 5, 5);
    await page.mouse.click(p.x, p.y);
    let e = await lastEvent(page);
    assert.equal(e.type, "add");
    assert.equal(e.label, 1);
    assert.ok(Math.abs(e.x1 - 5) < 0.05 && Math.abs(e.x2 - 5) < 0.05, `added at (${e.x1}, ${e.x2})`);

    p = await pagePoint(page, -5, -5);
    await page.keyboard.down("Shift");
    await page.mouse.click(p.x, p.y);
    await page.keyboard.up("Shift");
    e = await lastEvent(page);
    assert.equal(e.type, "add");
    assert.equal(e.label, 0);
    assert.ok(Math.abs(e.x1 + 5) < 0.05 && Math.abs(e.x2 + 5) < 0.05, `added at (${e.x1}, ${e.x2})`);
    assert.equal(await page.evaluate(() => window.fixture.train.targets.length), nTrain + 2);

    // The new point is drawn and can be picked: a click on it picks it, not another add.
    await frames(page);
    p = await pointOf(page, "train", nTrain);
    await page.mouse.click(p.x, p.y);
    assert.deepEqual(await lastEvent(page), { type: "pick", set: "train", index: nTrain });

    // A test point, picked where the view's own hit test says it is.
    p = await pointOf(page, "test", 7);
    const box = await page.locator("#output").boundingBox();
    const expected = await page.evaluate(([x, y]) => window.fixture.out.hitTest(x, y), [p.x - box.x, p.y - box.y]);
    assert.equal(expected.set, "test");
    await page.mouse.click(p.x, p.y);
    assert.deepEqual(await lastEvent(page), { type: "pick", ...expected });
    await frames(page);
    await screenshot(page, "output-selected");

    // Right-click removes; elsewhere it leaves the browser's menu alone and calls nothing.
    p = await pointOf(page, "train", nTrain);
    await page.mouse.click(p.x, p.y, { button: "right" });
    assert.deepEqual(await lastEvent(page), { type: "remove", set: "train", index: nTrain });
    assert.equal(await page.evaluate(() => window.fixture.train.targets.length), nTrain + 1);
    const count = await eventCount(page);
    p = await pagePoint(page, 5.5, -5.5);
    await page.mouse.click(p.x, p.y, { button: "right" });
    assert.equal(await eventCount(page), count, "right-click on empty space calls nothing");

    // Clicks outside the plot (on the axes) add nothing.
    const outside = await page.evaluate(() => window.fixture.out.toCanvas(-6, -6));
    await page.mouse.click(box.x + outside.x - 12, box.y + outside.y + 8);
    assert.equal(await eventCount(page), count);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("keyboard: arrows move the cursor, Enter adds, [ and ] pick, Delete removes", async () => {
  const { page, errors, close } = await open("dataset=xor&showTest=1&pretrain=2000&paused=1&noise=10");
  try {
    const attrs = await page.evaluate(() => {
      const c = document.getElementById("output");
      return { tabIndex: c.tabIndex, label: c.getAttribute("aria-label"), role: c.getAttribute("role") };
    });
    assert.equal(attrs.tabIndex, 0);
    assert.equal(attrs.role, "application");
    assert.match(attrs.label, /Click to add a class 1 point/);
    assert.match(attrs.label, /arrows move a cursor/);

    // Tab to the canvas (the toolbar's controls come first).
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) !== "output"; i++) {
      await page.keyboard.press("Tab");
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), "output");
    // Keys the view handles must not reach page-level shortcuts.
    await page.evaluate(() => {
      window.leaked = [];
      document.addEventListener("keydown", (e) => {
        if (e.key !== "Shift") window.leaked.push(e.key); // a bare modifier is not handled
      });
    });
    const start = await page.evaluate(() => window.fixture.out.cursor);
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight"); // 4 x 0.25
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Shift+ArrowUp"); // 1
    await page.keyboard.press("Shift+ArrowLeft"); // -1
    await page.keyboard.press("ArrowLeft");
    const cursor = await page.evaluate(() => window.fixture.out.cursor);
    assert.ok(Math.abs(cursor.x1 - (start.x1 - 0.25)) < 1e-9, `cursor x1 ${cursor.x1}`);
    assert.ok(Math.abs(cursor.x2 - (start.x2 + 1.25)) < 1e-9, `cursor x2 ${cursor.x2}`);
    await frames(page);
    await screenshot(page, "output-keyboard-cursor");

    await page.keyboard.press("Enter");
    assert.deepEqual(await lastEvent(page), { type: "add", x1: cursor.x1, x2: cursor.x2, label: 1 });
    await page.keyboard.press("Shift+Enter");
    assert.deepEqual(await lastEvent(page), { type: "add", x1: cursor.x1, x2: cursor.x2, label: 0 });

    await page.keyboard.press("]");
    assert.deepEqual(await lastEvent(page), { type: "pick", set: "train", index: 0 });
    await frames(page);
    await page.keyboard.press("]");
    assert.deepEqual(await lastEvent(page), { type: "pick", set: "train", index: 1 });
    await frames(page);
    await page.keyboard.press("[");
    assert.deepEqual(await lastEvent(page), { type: "pick", set: "train", index: 0 });
    await page.keyboard.press("[");
    // Before the first training point comes the last test point (the order wraps).
    const nTest = await page.evaluate(() => window.fixture.test.targets.length);
    assert.deepEqual(await lastEvent(page), { type: "pick", set: "test", index: nTest - 1 });
    // The cursor follows the picked point.
    const moved = await page.evaluate(() => [
      window.fixture.out.cursor,
      Array.from(window.fixture.test.inputs.slice(-2)),
    ]);
    const clamp = (v) => Math.min(6, Math.max(-6, v));
    assert.deepEqual([moved[0].x1, moved[0].x2], moved[1].map(clamp));
    await frames(page);
    await page.keyboard.press("Delete");
    assert.deepEqual(await lastEvent(page), { type: "remove", set: "test", index: nTest - 1 });
    assert.equal(await page.evaluate(() => window.fixture.test.targets.length), nTest - 1);
    // Nothing picked now: Delete does nothing.
    await frames(page);
    const count = await eventCount(page);
    await page.keyboard.press("Delete");
    assert.equal(await eventCount(page), count);

    assert.deepEqual(await page.evaluate(() => window.leaked), [], "handled keys do not propagate");
    await page.keyboard.press("x");
    assert.deepEqual(await page.evaluate(() => window.leaked), ["x"], "other keys do");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("draw() allocates nothing in the steady state", async () => {
  const { page, context, errors, close } = await open("dataset=spiral&showTest=1&pretrain=200&paused=1");
  try {
    // Fresh views on their own canvases, driven here with the fixture's loop stopped.
    await page.evaluate(async () => {
      const f = window.fixture;
      f.stop();
      const { OutputView } = await import("/www/output-view.js");
      const { LossChart } = await import("/www/charts.js");
      const make = () => document.body.appendChild(document.createElement("canvas"));
      const out = new OutputView(make());
      out.resize(440, 486);
      out.setData({ train: f.train, test: f.test, domain: { xMin: -6, xMax: 6, yMin: -6, yMax: 6 } });
      const chart = new LossChart(make(), { capacity: 512 });
      chart.resize(420, 240);
      const frame = {
        pixels: new Uint8ClampedArray(200 * 200 * 4).fill(200),
        gridSize: 200,
        showTest: true,
        selected: { set: "train", index: 3 },
        batch: new Uint32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        threshold: 0.5,
        reducedMotion: false,
      };
      let step = 0;
      window.drawMany = (n) => {
        for (let i = 0; i < n; i++) {
          out.draw(frame);
          step++;
          chart.push(step, 1 / step, 1.1 / step, 0.9, 0.8);
          chart.draw();
        }
      };
      window.drawMany(4000); // the interpreter and the JIT's warm-up allocate; measure after
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send("HeapProfiler.enable");
    await cdp.send("HeapProfiler.startSampling", { samplingInterval: 64 });
    const draws = 3000;
    await page.evaluate((n) => window.drawMany(n), draws);
    const { profile } = await cdp.send("HeapProfiler.stopSampling");
    await cdp.detach();
    // Sum what was allocated with one of the two modules' functions on the stack.
    let bytes = 0;
    const ours = (url) => /\/www\/(output-view|charts)\.js$/.test(url);
    const walk = (node, inOurs) => {
      const mine = inOurs || ours(node.callFrame.url);
      if (mine) bytes += node.selfSize;
      for (const child of node.children) walk(child, mine);
    };
    walk(profile.head, false);
    const perFrame = (bytes / draws).toFixed(2);
    console.log(`# sampled allocation in OutputView.draw + LossChart.push/draw: ${perFrame} bytes per frame`);
    // One arc() with computed arguments alone boxes about 35 bytes.
    assert.ok(bytes / draws < 8, `${bytes} bytes over ${draws} frames`);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the loss chart keeps a bounded, decimated history", async () => {
  const { page, errors, close } = await open("dataset=circle&paused=1");
  try {
    const r = await page.evaluate(async () => {
      const { LossChart } = await import("/www/charts.js");
      const canvas = document.createElement("canvas");
      document.body.append(canvas);
      const chart = new LossChart(canvas, { capacity: 100 });
      chart.resize(300, 160);
      for (let s = 0; s < 10_000; s++) chart.push(s, 1 / (1 + s), s % 2 ? NaN : 0.5, 0.5, NaN);
      chart.draw();
      const held = { size: chart.size, first: chart.steps[0], last: chart.steps[chart.size - 1], stride: chart.stride };
      chart.push(10_000 - 1, 0.25, 0.25, 1, 1); // the same step again updates it
      const same = { size: chart.size, value: chart.series[0][chart.size - 1] };
      chart.push(3, 0.1, 0.1, 0.5, 0.5); // a step back starts a new history
      const after = { size: chart.size, first: chart.steps[0] };
      chart.setScale("log");
      chart.draw();
      canvas.remove();
      return { held, same, after };
    });
    assert.ok(r.held.size <= 101 && r.held.size >= 50, `holds ${r.held.size} points`);
    assert.equal(r.held.first, 0, "the first step is kept");
    assert.equal(r.held.last, 9999, "the latest step is always drawn");
    assert.ok(r.held.stride >= 128);
    assert.equal(r.same.size, r.held.size);
    assert.equal(r.same.value, 0.25);
    assert.deepEqual(r.after, { size: 1, first: 3 });
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("screenshots: spiral, xor, a tanh output, device pixel ratio 2", async () => {
  const cases = [
    ["output-spiral", "dataset=spiral&showTest=1&pretrain=6000&paused=1&noise=5", {}],
    ["output-xor", "dataset=xor&showTest=1&pretrain=3000&paused=1&noise=15", {}],
    ["output-tanh", "dataset=gaussian&output=tanh&pretrain=800&paused=1&noise=35", {}],
    ["output-circle-dpr2", "dataset=circle&showTest=1&speed=5", { contextOptions: { deviceScaleFactor: 2 } }],
  ];
  for (const [name, query, options] of cases) {
    const { page, errors, close } = await open(query, options);
    try {
      await frames(page, name.endsWith("dpr2") ? 240 : 3);
      if (name === "output-tanh") {
        assert.equal(await page.evaluate(() => window.fixture.net.threshold), 0);
      }
      if (name.endsWith("dpr2")) {
        const size = await page.evaluate(() => ["output", "chart"].map((id) => document.getElementById(id).width));
        assert.deepEqual(size, [880, 840]);
      }
      await screenshot(page, name);
      assertNoErrors(errors, name);
    } finally {
      await close();
    }
  }
});
