// Issue 8: training and the heatmap run in one module worker per page, shared by every figure
// on it, each figure its own network inside it; the main thread only draws. Under a CSP that
// forbids workers, the figures fall back to the main thread with one console warning.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, assertNoErrors, useServerAndBrowser, EMBED_CSP, serve } from "./harness.mjs";

const WAIT = { timeout: 60_000 };
const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": EMBED_CSP }) });

/** Two figures on one page, as a tutorial would have them. */
async function twoFigures(base, before = null) {
  const opened = await openPage(env.browser, `${base}tests/e2e/fixtures/blank.html`, { viewport: { width: 1000, height: 1400 } });
  const messages = [];
  opened.page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
  if (before) await opened.page.evaluate(before);
  await opened.page.evaluate(async () => {
    await import("/element.js");
    for (const [id, layers] of [["a", "2,4,1"], ["b", "2,3,3,1"]]) {
      const el = document.createElement("backprop-viz");
      el.id = id;
      el.setAttribute("layers", layers);
      el.setAttribute("speed", "10");
      el.setAttribute("height", "520");
      document.body.append(el);
    }
    await Promise.all([...document.querySelectorAll("backprop-viz")].map((e) => e.ready));
  });
  return { ...opened, messages };
}

/** Runs fn(el, arg) on the figure with this id. */
const on = (page, id, fn, arg) => page.locator(`#${id}`).evaluate(fn, arg);

test("every figure on a page trains in the one worker, each its own network; the main thread holds none", async () => {
  const { page, errors, close } = await twoFigures(env.server.url);
  try {
    assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll("backprop-viz")].map((e) => e.inWorker)), [true, true]);
    const stats = await on(page, "a", (el) => el.runnerStats());
    assert.deepEqual({ figures: stats.figures, networks: stats.networks }, { figures: 2, networks: 2 }, "two networks, in the worker");
    // Training moves one figure and not the other.
    await on(page, "b", (el) => el.pause());
    const b0 = await on(page, "b", (el) => ({ steps: el.network.stepCount, w: Array.from(el.views.weights) }));
    await on(page, "a", (el) => el.play());
    await page.waitForFunction(() => document.getElementById("a").network.stepCount >= 200, null, WAIT);
    await on(page, "a", (el) => el.pause());
    assert.deepEqual(await on(page, "b", (el) => ({ steps: el.network.stepCount, w: Array.from(el.views.weights) })), b0);
    // The drawn state is the network's: the worker's own toState() equals the snapshot.
    const same = await on(page, "a", async (el) => {
      const st = await el.exportState();
      return JSON.stringify(st.weights.flat(2)) === JSON.stringify(Array.from(el.views.weights));
    });
    assert.equal(same, true);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("a figure removed from the page stops its work and frees its network in the worker", async () => {
  const { page, errors, close } = await twoFigures(env.server.url);
  try {
    await page.evaluate(() => {
      for (const e of document.querySelectorAll("backprop-viz")) e.play();
    });
    await page.waitForFunction(() => document.getElementById("a").network.stepCount > 20, null, WAIT);
    const r = await page.evaluate(async () => {
      const a = document.getElementById("a");
      const b = document.getElementById("b");
      const before = await b.runnerStats();
      a.remove();
      await new Promise((res) => setTimeout(res, 200));
      const after = await b.runnerStats();
      const steps = a.network?.stepCount ?? null;
      await new Promise((res) => setTimeout(res, 400));
      return { before: before.networks, after: after.networks, figures: after.figures, session: a.session, raf: a.loop.raf, playing: a.playing, bSteps: b.network.stepCount, steps };
    });
    assert.equal(r.before, 2);
    assert.equal(r.after, 1, "its network is freed in the worker");
    assert.equal(r.figures, 1);
    assert.equal(r.session, null);
    assert.equal(r.raf, 0, "no animation frame of its own is pending");
    assert.equal(r.playing, false);
    assert.ok(r.bSteps > 0, "the other figure goes on");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("bad input reaches the worker from one figure and is shown in that figure only", async () => {
  const { page, errors, close } = await twoFigures(env.server.url);
  try {
    const err = await on(page, "a", (el) => el.setData("x,y,label\n1,2\n3,4\n", { name: "short.csv" }).then(() => null, (e) => e.message));
    assert.match(err, /short\.csv/);
    assert.match(await page.locator("#a .alert").textContent(), /Could not use short\.csv/);
    assert.equal(await page.locator("#b .alert").isVisible(), false);
    await on(page, "b", (el) => el.setAttribute("learning-rate", "-2"));
    assert.match(await page.locator("#b .notice").textContent(), /learning-rate: "-2" is out of range/);
    assert.equal(await page.locator("#a .notice").isVisible(), false);
    // Both still train.
    assert.equal(await on(page, "a", async (el) => (await el.stepOnce(), el.network.stepCount)), 1);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("under a CSP that forbids workers, the figures train on the main thread after one warning", async () => {
  const strict = await serve({ headers: () => ({ "Content-Security-Policy": `${EMBED_CSP}; worker-src 'none'` }) });
  try {
    const { page, errors, close, messages } = await twoFigures(strict.url);
    try {
      assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll("backprop-viz")].map((e) => e.inWorker)), [false, false]);
      const warnings = messages.filter((m) => m.type === "warning" && /training worker could not start/.test(m.text));
      assert.equal(warnings.length, 1, "one warning for the page, not one per figure");
      assert.equal(messages.filter((m) => m.type === "warning").length, 1, "no second warning: the edges worker is not tried");
      assert.deepEqual(await edgesAt(page, "a"), { drawer: "EdgeRaster", layerHidden: true }, "the edges are drawn on the main thread");
      assert.match(warnings[0].text, /worker-src 'self'/, "the warning says what to allow");
      await on(page, "a", (el) => el.play());
      await page.waitForFunction(() => document.getElementById("a").network.stepCount >= 30, null, WAIT);
      const stats = await on(page, "a", (el) => el.runnerStats());
      assert.equal(stats.networks, 2);
      // The CSP's own report of the refused worker is the browser's console error; nothing else.
      assertNoErrors(errors.filter((e) => !/worker-src|Refused to create a worker|Content Security Policy/.test(e)));
    } finally {
      await close();
    }
  } finally {
    await strict.close();
  }
});

/** How figure `id`'s diagram draws its edges: the class (EdgeLayer: in the edges worker). */
const edgesAt = (page, id) => on(page, id, (el) => ({ drawer: el.diagram.edges?.constructor.name ?? null, layerHidden: el.layout.edgesCanvas.hidden }));

/**
 * Figure `id`, paused, once its edges have come back from the worker: the layer and the
 * diagram's canvas composed, against the same frame drawn whole on the main thread (as for
 * the picture): the mean difference per channel (of 255), the share of channel values more
 * than 32 apart, and how many pixels of each are painted.
 */
function compareLayers(page, id) {
  return on(page, id, async (el) => {
    await el.pause();
    const d = el.diagram;
    const layer = d.edges;
    el.loop.invalidate();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    for (let i = 0; i < 200 && (layer.inflight || layer.queued); i++) await new Promise((r) => setTimeout(r, 10));
    const { width: w, height: h } = d.canvas;
    const composed = new OffscreenCanvas(w, h).getContext("2d", { willReadFrequently: true });
    composed.drawImage(el.layout.edgesCanvas, 0, 0);
    const edgesOnly = composed.getImageData(0, 0, w, h).data;
    composed.drawImage(d.canvas, 0, 0);
    const a = composed.getImageData(0, 0, w, h).data;
    const top = d.ctx.getImageData(0, 0, w, h).data;
    d.drawWhole(el.frame);
    const b = d.ctx.getImageData(0, 0, w, h).data;
    d.draw(el.frame);
    let sum = 0;
    let far = 0;
    const painted = (p) => {
      let n = 0;
      for (let i = 3; i < p.length; i += 4) if (p[i] > 0) n++;
      return n;
    };
    for (let i = 0; i < a.length; i++) {
      const diff = Math.abs(a[i] - b[i]);
      sum += diff;
      if (diff > 32) far++;
    }
    return { mean: sum / a.length, far: far / a.length, edges: painted(edgesOnly), top: painted(top), composed: painted(a), whole: painted(b) };
  });
}

test("without a GPU the diagram's edges are drawn in the page's one edges worker, under the diagram, as the main thread would", async (t) => {
  const { page, errors, close } = await twoFigures(env.server.url);
  try {
    // Headless Chromium here has no GPU: canvasIsSoftware() is true.
    assert.deepEqual(await edgesAt(page, "a"), { drawer: "EdgeLayer", layerHidden: false });
    assert.deepEqual(await edgesAt(page, "b"), { drawer: "EdgeLayer", layerHidden: false });
    const info = await page.evaluate(async () => (await import("/www/edge-layer.js")).edgesWorkerInfo());
    assert.deepEqual(info, { state: "ready", layers: 2 }, "one edges worker for both figures");
    assert.equal(page.workers().length, 2, "the page runs two workers: training and edges");

    await on(page, "a", (el) => el.play());
    await page.waitForFunction(() => document.getElementById("a").network.stepCount >= 50, null, WAIT);
    const c = await compareLayers(page, "a");
    t.diagnostic(`figure a: ${JSON.stringify(c)}`);
    // The edges are on the layer, not on the diagram's canvas (cards, rings, text only).
    assert.ok(c.edges > 5000, `the layer holds the edges: ${JSON.stringify(c)}`);
    assert.ok(c.top < c.whole * 0.8, `the diagram's canvas has no edges of its own: ${JSON.stringify(c)}`);
    // Composed, they are the frame the main thread draws whole: the same picture.
    assert.ok(Math.abs(c.composed - c.whole) <= c.whole * 0.01, `the same pixels painted: ${JSON.stringify(c)}`);
    assert.ok(c.mean < 0.5 && c.far < 0.002, `the same colours: ${JSON.stringify(c)}`);

    // Resized (the layer's frames change size, one may be in the worker meanwhile), the two
    // still compose to the whole frame.
    const before = await on(page, "a", (el) => [el.diagram.canvas.width, el.diagram.canvas.height]);
    await on(page, "a", (el) => (el.style.width = "760px"));
    await page.waitForFunction((w) => {
      const el = document.getElementById("a");
      return el.diagram.canvas.width !== w && el.layout.edgesCanvas.width === el.diagram.canvas.width;
    }, before[0], WAIT);
    const r = await compareLayers(page, "a");
    t.diagnostic(`figure a resized from ${before.join(" x ")}: ${JSON.stringify(r)}`);
    assert.ok(r.edges > 5000 && r.mean < 0.5 && r.far < 0.002, `after a resize: ${JSON.stringify(r)}`);

    // A figure removed from the page lets go of its layer; the other keeps drawing.
    await page.evaluate(() => document.getElementById("a").remove());
    assert.deepEqual(await page.evaluate(async () => (await import("/www/edge-layer.js")).edgesWorkerInfo()), { state: "ready", layers: 1 });
    const b = await compareLayers(page, "b");
    t.diagnostic(`figure b: ${JSON.stringify(b)}`);
    assert.ok(b.edges > 2000 && b.mean < 0.5, `figure b's edges still come from the worker: ${JSON.stringify(b)}`);
    // Inserted again, it draws there again.
    await page.evaluate(() => document.body.prepend(Object.assign(document.createElement("backprop-viz"), { id: "a" })));
    await page.waitForFunction(async () => (await import("/www/edge-layer.js")).edgesWorkerInfo().layers === 2, null, WAIT);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("an edges worker that cannot start leaves the edges on the main thread, after one warning", async () => {
  const blockEdges = () => {
    const Real = window.Worker;
    window.Worker = class extends Real {
      constructor(url, options) {
        if (options?.name === "backprop-viz-edges") throw new DOMException("blocked by the test", "SecurityError");
        super(url, options);
      }
    };
  };
  const { page, errors, close, messages } = await twoFigures(env.server.url, blockEdges);
  try {
    await page.waitForFunction(() => [...document.querySelectorAll("backprop-viz")].every((e) => e.diagram.edges?.constructor.name === "EdgeRaster"), null, WAIT);
    const warnings = messages.filter((m) => m.type === "warning");
    assert.equal(warnings.length, 1, `one warning for the page: ${JSON.stringify(warnings)}`);
    assert.match(warnings[0].text, /edges worker could not start \(blocked by the test\).*worker-src 'self'/);
    assert.deepEqual(await edgesAt(page, "a"), { drawer: "EdgeRaster", layerHidden: true });
    assert.equal(await on(page, "a", (el) => el.inWorker), true, "training stays in its worker");
    // The main thread draws them: the diagram's canvas has its edges.
    await on(page, "a", (el) => el.play());
    await page.waitForFunction(() => document.getElementById("a").network.stepCount >= 20, null, WAIT);
    const painted = await on(page, "a", async (el) => {
      await el.pause();
      el.loop.invalidate();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const c = el.diagram.canvas;
      const p = el.diagram.ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < p.length; i += 4) if (p[i] > 0) n++;
      return n;
    });
    assert.ok(painted > 5000, `the edges are on the diagram's canvas (${painted} px)`);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
