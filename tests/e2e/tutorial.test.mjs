// The tutorial page (examples/tutorial.html) under the strict CSP: the derivation in MathML with
// three live <backprop-viz> figures: a single sigmoid neuron beside steps 1 to 4, a 2-4-1
// network beside step 5 and a 2-5-3 softmax network beside the multiclass section. They render with no console errors or CSP violations, train
// independently (autoplay follows the viewport), follow their attributes, report a bad one, and
// the page reads well on a desktop and on a phone. Tests wait for conditions, never for fixed
// times.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { screenshot, assertNoErrors, REPO_ROOT, useServerAndBrowser } from "./harness.mjs";
import { CSP, WAIT, onInstance, openEmbed, waitForPaint, waitForInstances } from "./embedding.mjs";

const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": CSP }) });

const URL_PATH = "examples/tutorial.html";
const weights = (page, id) => onInstance(page, `#${id}`, (el) => Array.from(el.views.refresh().weights).concat(Array.from(el.views.biases)));
const steps = (page, id) => onInstance(page, `#${id}`, (el) => el.network.stepCount);

async function openTutorial(options) {
  const opened = await openEmbed(env.browser, `${env.server.url}${URL_PATH}`, options);
  await waitForInstances(opened.page, 3);
  return opened;
}

test("the page has no inline scripts or styles, and links to and from the demo work", async () => {
  const html = fs.readFileSync(path.join(REPO_ROOT, URL_PATH), "utf8");
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, "every script is a file");
  assert.doesNotMatch(html, /<style\b|\sstyle\s*=/i, "no inline styles");
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, "no inline event handlers");
  assert.match(html, /<script type="module" src="\.\.\/element\.js"><\/script>/, "it uses the package's entry point");
  const demo = fs.readFileSync(path.join(REPO_ROOT, "index.html"), "utf8");
  assert.match(demo, /href="examples\/tutorial\.html"/, "the demo links to the tutorial");
  const { page, errors, close } = await openTutorial();
  try {
    const links = await page.evaluate(() => [...document.querySelectorAll("a[href]")].map((a) => a.href));
    assert.ok(links.some((u) => new URL(u).pathname === "/index.html"), "the tutorial links back to the demo");
    for (const u of new Set(links.map((l) => l.split("#")[0]))) {
      const res = await page.request.get(u);
      assert.equal(res.status(), 200, u);
    }
    const demoPage = await page.request.get(new URL("index.html", env.server.url).href);
    assert.equal(demoPage.status(), 200);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("under the CSP all three figures render, with the derivation in MathML, and no console errors", async () => {
  const { page, errors, requests, close } = await openTutorial({ viewport: { width: 1440, height: 900 } });
  try {
    const neuron = await onInstance(page, "#neuron", (el) => ({ state: el.network.toState(), config: el.config }));
    assert.deepEqual(neuron.state.layers, [2, 1]);
    assert.equal(neuron.state.output, "sigmoid");
    assert.equal(neuron.state.loss, "bce");
    assert.equal(neuron.config.view, "gradients");
    assert.equal(neuron.config.inspect.l, 0, "the inspector is on an output parameter");
    const xor = await onInstance(page, "#xor", (el) => ({ state: el.network.toState(), config: el.config }));
    assert.deepEqual(xor.state.layers, [2, 4, 1]);
    assert.equal(xor.state.hidden, "tanh");
    assert.deepEqual(xor.config.inspect, { kind: "w", l: 0, j: 0, k: 1 }, "the inspector is on a hidden (first-layer) weight");
    const classes = await onInstance(page, "#classes-fig", (el) => ({ state: el.network.toState(), config: el.config }));
    assert.deepEqual(classes.state.layers, [2, 5, 3]);
    assert.equal(classes.state.output, "softmax");
    assert.equal(classes.state.loss, "cce");
    for (const id of ["neuron", "xor"]) {
      await waitForPaint(page, `#${id}`, "diagram", 1000);
      await waitForPaint(page, `#${id}`, "output", 10000);
      await page.waitForFunction((i) => document.getElementById(i).shadowRoot.querySelectorAll(".inspector-host math").length > 5, id, WAIT);
    }
    // The neuron's panel shows the fused dL/dZ = A - y; the 2-4-1's the sum of step 5.
    const neuronPanel = await onInstance(page, "#neuron", (el) => el.shadowRoot.querySelector(".inspector-host").textContent);
    assert.match(neuronPanel, /Bias of the output neuron/);
    assert.match(neuronPanel, /what the engine uses/i);
    const xorPanel = await onInstance(page, "#xor", (el) => el.shadowRoot.querySelector(".inspector-host").textContent);
    assert.match(xorPanel, /Weight from input x₂ to hidden layer 1, neuron 0/);
    await page.locator("#classes-fig").scrollIntoViewIfNeeded();
    await waitForPaint(page, "#classes-fig", "output", 10000);
    await page.waitForFunction(() => /softmax/i.test(document.getElementById("classes-fig").shadowRoot.querySelector(".inspector-host").textContent), null, WAIT);
    // The page's own MathML: the five derivatives are there, as math, not pictures.
    const math = await page.evaluate(() => ({
      blocks: document.querySelectorAll('main math[display="block"]').length,
      inline: document.querySelectorAll("main math:not([display])").length,
      text: [...document.querySelectorAll('main math[display="block"]')].map((m) => m.textContent.replace(/\s+/g, "")),
      shown: [...document.querySelectorAll("main math")].every((m) => m.getBoundingClientRect().width > 0),
    }));
    assert.ok(math.blocks >= 8 && math.inline >= 20 && math.shown, JSON.stringify(math));
    assert.ok(math.text.some((t) => t.includes("=A−y")), "dL/dZ = A - y");
    assert.ok(math.text.some((t) => t.includes("∑j∂L∂ZjWjk")), "dL/dA_prev = sum of dL/dZ W");
    assert.ok(math.text.some((t) => t.includes("=(A−y)Aprev")), "dL/dW = (A - y) A_prev");
    assert.equal(requests.filter((u) => u.endsWith(".wasm")).length, 1, "one wasm fetch for all the figures");
    // The live line under each figure, from the element's step events.
    await page.locator("#neuron").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => /^Step [1-9][\d,]* · training loss \d/.test(document.querySelector('.live[data-for="neuron"]').textContent), null, WAIT);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the figures train independently: the one in view plays, the other stays at step 0", async () => {
  const { page, errors, close } = await openTutorial({ viewport: { width: 1280, height: 800 } });
  try {
    await page.locator("#neuron").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.getElementById("neuron").network.stepCount >= 5, null, WAIT);
    assert.equal(await steps(page, "xor"), 0, "the 2-4-1 below has not trained");
    assert.equal(await onInstance(page, "#xor", (el) => el.playing), false);
    // Scrolling to the second starts it; the first, out of view, pauses and keeps its step.
    await page.locator("#xor").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.getElementById("xor").network.stepCount >= 20, null, WAIT);
    await page.waitForFunction(() => !document.getElementById("neuron").playing, null, WAIT);
    const neuronSteps = await steps(page, "neuron");
    await page.waitForFunction((k) => document.getElementById("xor").network.stepCount >= k + 20, await steps(page, "xor"), WAIT);
    assert.equal(await steps(page, "neuron"), neuronSteps);

    // Different seeds, different weights; the same seed, the same weights.
    await onInstance(page, "#xor", (el) => el.pause());
    await onInstance(page, "#neuron", (el) => el.reset());
    const seed7 = await weights(page, "neuron");
    await onInstance(page, "#neuron", (el) => el.setAttribute("seed", "8"));
    const seed8 = await weights(page, "neuron");
    assert.notDeepEqual(seed8, seed7);
    await onInstance(page, "#neuron", (el) => el.setAttribute("seed", "7"));
    assert.deepEqual(await weights(page, "neuron"), seed7);
    // Stepping one leaves the other alone.
    const xorBefore = await weights(page, "xor");
    await onInstance(page, "#neuron", async (el) => { await el.stepOnce(); await el.stepOnce(); await el.stepOnce(); });
    assert.equal(await steps(page, "neuron"), 3);
    assert.deepEqual(await weights(page, "xor"), xorBefore);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("attributes update the figures, and a bad one shows its message in that figure only", async () => {
  const { page, errors, close } = await openTutorial();
  try {
    await onInstance(page, "#neuron", (el) => el.setAttribute("learning-rate", "0.3"));
    assert.equal(await onInstance(page, "#neuron", (el) => el.network.toState().learningRate), 0.3);
    await onInstance(page, "#neuron", (el) => el.setAttribute("view", "both"));
    assert.equal(await onInstance(page, "#neuron", (el) => el.config.view), "both");
    await onInstance(page, "#neuron", (el) => el.setAttribute("inspect", "w-1-0-1"));
    await page.waitForFunction(() => /Weight from input x₂ to the output neuron/.test(document.getElementById("neuron").shadowRoot.querySelector(".inspector-host").textContent), null, WAIT);
    await onInstance(page, "#xor", (el) => el.setAttribute("layers", "2,3,1"));
    assert.deepEqual(await onInstance(page, "#xor", (el) => Array.from(el.network.layers)), [2, 3, 1]);
    await onInstance(page, "#xor", (el) => el.setAttribute("dataset", "circle"));
    assert.equal(await onInstance(page, "#xor", (el) => el.config.dataset), "circle");

    await onInstance(page, "#xor", (el) => el.setAttribute("activation", "softmax"));
    const notice = page.locator("#xor .notice");
    await notice.waitFor({ state: "visible", ...WAIT });
    assert.match(await notice.textContent(), /activation: unknown value "softmax"; allowed: one of tanh, relu, leakyRelu, sigmoid, linear\. Using tanh\./);
    assert.equal(await page.locator("#neuron .notice").isVisible(), false);
    await onInstance(page, "#xor", (el) => el.setAttribute("activation", "relu"));
    await notice.waitFor({ state: "hidden", ...WAIT });
    assert.equal(await onInstance(page, "#xor", (el) => el.network.toState().hidden), "relu");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("layouts: desktop puts each figure beside its steps; a phone stacks them without overflow", async () => {
  const desktop = await openTutorial({ viewport: { width: 1440, height: 900 } });
  try {
    const { page } = desktop;
    const beside = await page.evaluate(() => {
      const r = (sel) => document.querySelector(sel).getBoundingClientRect();
      return { h3: r("#step-1"), fig: r("#neuron"), h5: r("#step-5"), fig2: r("#xor"), width: document.documentElement.scrollWidth };
    });
    assert.ok(beside.fig.left > beside.h3.right, "figure 1 to the right of step 1");
    assert.ok(beside.fig2.left > beside.h5.right, "figure 2 to the right of step 5");
    assert.ok(beside.fig.width >= 700, `figure 1 is wide enough for the output beside the diagram (${beside.fig.width})`);
    assert.ok(beside.width <= 1440);
    await screenshot(desktop.page, "tutorial-desktop", { fullPage: false });
    await page.locator("#step-2").scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 300));
    // Sticky: scrolled into the steps, the figure is still wholly on screen.
    const fig = await page.evaluate(() => document.querySelector("#neuron").closest("figure").getBoundingClientRect());
    assert.ok(fig.top >= 0 && fig.bottom <= 900, JSON.stringify(fig));
    await page.waitForFunction(() => document.getElementById("neuron").network.stepCount >= 3, null, WAIT);
    await screenshot(desktop.page, "tutorial-desktop-steps", { fullPage: false });
    await screenshot(desktop.page, "tutorial-desktop-full");
    assertNoErrors(desktop.errors, "desktop");
  } finally {
    await desktop.close();
  }

  const phone = await openTutorial({ viewport: { width: 390, height: 844 }, contextOptions: { deviceScaleFactor: 2, isMobile: true, hasTouch: true } });
  try {
    const { page } = phone;
    const layout = await page.evaluate(() => {
      const r = (sel) => document.querySelector(sel).getBoundingClientRect();
      return {
        scrollWidth: document.documentElement.scrollWidth,
        fig: r("#neuron"), setupP: r("#setup + p"), steps: r("#steps-1-4"),
        wide: [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > 391 && !e.closest(".eq, pre")).map((e) => e.tagName + "." + e.className).slice(0, 5),
      };
    });
    assert.ok(layout.scrollWidth <= 390, `no sideways scrolling (${layout.scrollWidth})`);
    assert.deepEqual(layout.wide, [], "nothing sticks out of the screen");
    assert.ok(layout.fig.top > layout.setupP.bottom && layout.fig.bottom < layout.steps.top, "figure 1 sits between the forward pass and the steps");
    assert.ok(layout.fig.width >= 340, "and takes the width of the screen");
    await page.locator("#neuron").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.getElementById("neuron").network.stepCount >= 3, null, WAIT);
    await screenshot(page, "tutorial-phone-figure", { fullPage: false });
    await screenshot(page, "tutorial-phone-full");
    assertNoErrors(phone.errors, "phone");
  } finally {
    await phone.close();
  }
});
