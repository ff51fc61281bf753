// Issue 8: training and the heatmap run in one module worker per page, shared by every figure
// on it, each figure its own network inside it; the main thread only draws. Under a CSP that
// forbids workers, the figures fall back to the main thread with one console warning.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, assertNoErrors, useServerAndBrowser, EMBED_CSP, serve } from "./harness.mjs";

const WAIT = { timeout: 60_000 };
const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": EMBED_CSP }) });

/** Two figures on one page, as a tutorial would have them. */
async function twoFigures(base) {
  const opened = await openPage(env.browser, `${base}tests/e2e/fixtures/blank.html`, { viewport: { width: 1000, height: 1400 } });
  const messages = [];
  opened.page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
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
