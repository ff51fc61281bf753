// The <backprop-viz> element as a tutorial page uses it: configured by attributes, several on
// one page under the embedding CSP, attribute changes applied live, bad attributes reported
// inside the element, autoplay while in view, and the public API (network, play, pause,
// stepOnce, reset, the step and diverged events).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, screenshot, assertNoErrors, useServerAndBrowser, EMBED_CSP } from "./harness.mjs";

const CSP = EMBED_CSP;
const WAIT = { timeout: 60_000 };
const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": CSP }) });

async function openFixture() {
  const opened = await openPage(env.browser, `${env.server.url}tests/e2e/fixtures/element.html`, { viewport: { width: 1100, height: 800 } });
  await opened.page.waitForFunction(() => [...document.querySelectorAll("backprop-viz")].every((e) => e.network), null, WAIT);
  await opened.page.evaluate(() => Promise.all([...document.querySelectorAll("backprop-viz")].map((e) => e.ready)));
  return opened;
}

const on = (page, id, fn, arg) => page.locator(`#${id}`).evaluate(fn, arg);

test("attributes configure each instance; instances are independent; only the chosen controls show", async () => {
  const { page, errors, close } = await openFixture();
  try {
    const a = await on(page, "a", (el) => ({ state: el.network.toState(), config: el.config, phase: el.phase }));
    assert.deepEqual(a.state.layers, [2, 4, 1]);
    assert.equal(a.state.learningRate, 0.1);
    assert.equal(a.state.seed, 3);
    assert.equal(a.config.dataset, "xor");
    assert.equal(a.config.view, "gradients");
    assert.deepEqual(a.config.inspect, { kind: "w", l: 1, j: 0, k: 1 });
    const b = await on(page, "b", (el) => el.network.toState());
    assert.deepEqual(b.layers, [2, 1]);
    assert.equal(b.learningRate, 0.03);
    // Only play, step and reset in #a; nothing in #b.
    const buttons = await on(page, "a", (el) => [...el.shadowRoot.querySelectorAll(".toolbar button")].map((x) => x.textContent));
    assert.deepEqual(buttons, ["Play", "Step", "Reset"]);
    assert.equal(await on(page, "a", (el) => el.shadowRoot.querySelectorAll("select, .panel input").length), 0);
    const visibleControls = (el) => [...el.shadowRoot.querySelectorAll("button, select, input")].filter((x) => x.getClientRects().length > 0).length;
    assert.equal(await on(page, "b", visibleControls), 0);
    // The inspector is open on the linked weight, with MathML.
    await page.waitForFunction(() => document.querySelector("#a").shadowRoot.querySelector(".inspector-host math"), null, WAIT);
    // Height attribute.
    assert.equal(Math.round((await page.locator("#a").boundingBox()).height), 460);

    // Training one does not touch the other (#b autoplays: pause it first).
    const snap = (el) => ({ steps: el.network.stepCount, w: Array.from(el.views.refresh().weights) });
    const b0 = await on(page, "b", async (el) => { await el.pause(); return { steps: el.network.stepCount, w: Array.from(el.views.refresh().weights) }; });
    await on(page, "a", async (el) => { for (let i = 0; i < 5; i++) await el.stepOnce(); });
    assert.equal(await on(page, "a", (el) => el.network.stepCount), 5);
    assert.deepEqual(await on(page, "b", snap), b0);
    await screenshot(page, "element-fixture", { fullPage: false });
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("attribute changes update the instance: training keeps weights, structure rebuilds, data regenerates", async () => {
  const { page, errors, close } = await openFixture();
  try {
    await on(page, "a", (el) => el.stepOnce());
    const w0 = await on(page, "a", (el) => Array.from(el.views.refresh().weights));
    await on(page, "a", (el) => el.setAttribute("learning-rate", "0.3"));
    const after = await on(page, "a", (el) => ({ lr: el.network.toState().learningRate, w: Array.from(el.views.refresh().weights), steps: el.network.stepCount }));
    assert.deepEqual(after, { lr: 0.3, w: w0, steps: 1 }, "configure() keeps the weights");

    const data0 = await on(page, "a", (el) => Array.from(el.data.train.inputs.slice(0, 6)));
    await on(page, "a", (el) => el.setAttribute("dataset", "circle"));
    assert.notDeepEqual(await on(page, "a", (el) => Array.from(el.data.train.inputs.slice(0, 6))), data0);

    await on(page, "a", (el) => el.setAttribute("layers", "2,3,3,1"));
    assert.deepEqual(await on(page, "a", (el) => Array.from(el.network.layers)), [2, 3, 3, 1]);
    assert.equal(await on(page, "a", (el) => el.network.stepCount), 0);

    await on(page, "a", (el) => el.setAttribute("controls", "all"));
    assert.ok(await on(page, "a", (el) => el.shadowRoot.querySelectorAll("select").length) > 8);
    await on(page, "a", (el) => el.removeAttribute("learning-rate"));
    assert.equal(await on(page, "a", (el) => el.network.toState().learningRate), 0.03, "a removed attribute returns to its default");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("a bad attribute shows a small error in that element only, as text", async () => {
  const { page, errors, close } = await openFixture();
  try {
    await on(page, "b", (el) => el.setAttribute("activation", "<b>bold</b>"));
    await on(page, "b", (el) => el.setAttribute("controls", "play,warp"));
    const notice = page.locator("#b .notice");
    await notice.waitFor({ state: "visible", ...WAIT });
    const text = await notice.textContent();
    assert.match(text, /activation: unknown value "<b>bold<\/b>"; allowed: one of tanh, relu, leakyRelu, sigmoid, linear/);
    assert.match(text, /controls: unknown name "warp"/);
    assert.equal(await on(page, "b", (el) => el.shadowRoot.querySelectorAll("b").length), 0, "no markup injected");
    assert.equal(await on(page, "b", (el) => el.config.activation), "tanh");
    assert.equal(await page.locator("#a .notice").isVisible(), false, "the other instance is untouched");
    assert.equal(await page.locator("body > h1").textContent(), "Two instances, configured in HTML");
    // The element still works.
    const steps = await on(page, "b", async (el) => {
      el.pause();
      await el.stepOnce();
      const before = el.network.stepCount;
      await el.stepOnce();
      return el.network.stepCount - before;
    });
    assert.equal(steps, 1);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("autoplay trains while in view and pauses out of view; events and API", async () => {
  const { page, errors, close } = await openFixture();
  try {
    // #b starts in view (the spacer is empty): it plays.
    await page.waitForFunction(() => document.querySelector("#b").playing && document.querySelector("#b").network.stepCount > 0, null, WAIT);
    assert.equal(await on(page, "a", (el) => el.playing), false, "no autoplay attribute: waits for Play");
    // Scroll it out of view: it pauses.
    await page.evaluate(() => {
      document.querySelector("#spacer").style.height = "3000px";
      window.scrollTo(0, 0);
    });
    await page.waitForFunction(() => !document.querySelector("#b").playing, null, WAIT);
    await page.evaluate(() => document.querySelector("#b").scrollIntoView());
    await page.waitForFunction(() => document.querySelector("#b").playing, null, WAIT);
    await on(page, "b", (el) => el.pause());
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.evaluate(() => document.querySelector("#b").scrollIntoView());
    await page.waitForTimeout(200);
    assert.equal(await on(page, "b", (el) => el.playing), false, "a person's Pause wins over autoplay");

    // step events carry the loss and the step; reset goes back to step 0 and the same weights.
    const w0 = await on(page, "a", async (el) => { await el.reset(); return Array.from(el.views.refresh().weights); });
    const events = await on(page, "a", async (el) => {
      const got = [];
      el.addEventListener("step", (e) => got.push(e.detail));
      await el.stepOnce();
      await el.stepOnce();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return got;
    });
    assert.ok(events.length >= 1);
    assert.equal(events.at(-1).step, 2);
    assert.ok(Number.isFinite(events.at(-1).loss));
    await on(page, "a", (el) => el.reset());
    assert.equal(await on(page, "a", (el) => el.network.stepCount), 0);
    assert.deepEqual(await on(page, "a", (el) => Array.from(el.views.refresh().weights)), w0);

    // diverged event from an element configured to blow up.
    const diverged = await on(page, "b", async (el) => {
      for (const [k, v] of [["activation", "relu"], ["output", "linear"], ["loss", "squared"], ["learning-rate", "10"], ["speed", "10"]]) el.setAttribute(k, v);
      const p = new Promise((resolve) => el.addEventListener("diverged", (e) => resolve(e.detail), { once: true }));
      el.play();
      return p;
    });
    assert.ok(diverged.step >= 1 && /diverged/.test(diverged.message));
    assert.match(await page.locator("#b .alert").textContent(), /The loss became infinite at step/);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the element module defines no globals", async () => {
  const { page, errors, close } = await openPage(env.browser, `${env.server.url}tests/e2e/fixtures/blank.html`);
  try {
    const added = await page.evaluate(async () => {
      const before = new Set(Object.getOwnPropertyNames(window));
      await import("/www/element.js");
      return Object.getOwnPropertyNames(window).filter((k) => !before.has(k));
    });
    assert.deepEqual(added, []);
    assert.ok(await page.evaluate(() => !!customElements.get("backprop-viz")));
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
