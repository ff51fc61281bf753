// End-to-end tests of the demo page (index.html: one large <backprop-viz sync-hash>), in Debian's
// Chromium through playwright-core. Every test fails on any console error, page error, failed
// request or CSP violation. The server sends the CSP that embedding pages use, so the whole
// demo is checked under it. Tests wait for conditions, never for fixed times, so a slow shared
// machine only makes them slower.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, screenshot, assertNoErrors, useServerAndBrowser, EMBED_CSP } from "./harness.mjs";

const CSP = EMBED_CSP;
const WAIT = { timeout: 60_000 };

const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": CSP }) });

/** Opens the demo and waits until its network is built and drawn. */
async function openDemo(hash = "", { viewport = { width: 1366, height: 768 }, contextOptions = {} } = {}) {
  const opened = await openPage(env.browser, `${env.server.url}index.html${hash}`, { viewport, contextOptions });
  const { page } = opened;
  await page.waitForFunction(() => document.querySelector("backprop-viz")?.network && document.querySelector("backprop-viz").views, null, WAIT);
  await page.evaluate(() => document.querySelector("backprop-viz").ready);
  // One drawn frame: the metrics text is filled in.
  await page.waitForFunction(() => /\d/.test(document.querySelector("backprop-viz").shadowRoot.querySelector('[data-metric="train-loss"]').textContent), null, WAIT);
  return opened;
}

/** Runs fn(el, arg) in the page, with el the demo's <backprop-viz>. */
async function inEl(page, fn, arg) {
  const handle = await page.evaluateHandle(() => document.querySelector("backprop-viz"));
  try {
    return await handle.evaluate(fn, arg);
  } finally {
    await handle.dispose();
  }
}

const stepCount = (page) => inEl(page, (el) => el.network.stepCount);

/** Waits until the phase line reads `text`; on a timeout, says what it read instead. */
async function waitForPhase(page, text) {
  try {
    await page.waitForFunction((t) => document.querySelector("backprop-viz").shadowRoot.querySelector(".phase").textContent === t, text, WAIT);
  } catch (err) {
    const now = await inEl(page, (el) => ({ text: el.shadowRoot.querySelector(".phase").textContent, t: el.loop.t, goal: el.loop.goal, prepared: el.loop.prepared }));
    throw new Error(`waiting for the phase "${text}", it reads ${JSON.stringify(now)}: ${err.message}`);
  }
}
const phaseText = (page) => page.locator("backprop-viz .phase").textContent();
const metric = (page, key) => page.locator(`backprop-viz [data-metric="${key}"]`).textContent();
const gridCopy = (page) => inEl(page, (el) => Array.from(el.views.refresh().gridPixels));
const weightsCopy = (page) => inEl(page, (el) => Array.from(el.views.refresh().weights).concat(Array.from(el.views.biases)));

function differingBytes(a, b) {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

test("the page loads with no console errors, a favicon, the intro and every view", async () => {
  const { page, errors, close } = await openDemo();
  try {
    assert.match(await page.title(), /backprop-viz/);
    const icon = await page.getAttribute('link[rel="icon"]', "href");
    assert.equal(icon, "favicon.svg");
    const res = await page.request.get(new URL(icon, env.server.url).href);
    assert.equal(res.status(), 200);
    assert.match(res.headers()["content-type"], /image\/svg\+xml/);
    assert.equal(await page.getAttribute("a.tutorial-link", "href"), "examples/tutorial.html");
    assert.match(await page.textContent(".intro"), /backward, every derivative ∂L\/∂W and ∂L\/∂b flows back/);

    // The three canvases are laid out and drawn; the heatmap is at least 200 x 200 samples.
    for (const cls of ["diagram", "output", "chart"]) {
      const box = await page.locator(`backprop-viz canvas.${cls}`).boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100, `${cls} canvas is laid out: ${JSON.stringify(box)}`);
    }
    const grid = await inEl(page, (el) => ({ n: el.views.gridPixels.length, size: el.outFrame.gridSize }));
    assert.ok(grid.size >= 200 && grid.n === grid.size * grid.size * 4);
    const drawn = await page.locator("backprop-viz canvas.output").evaluate((c) => {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && Math.abs(d[i] - d[i + 2]) > 40) coloured++;
      return coloured;
    });
    assert.ok(drawn > 10_000, `the heatmap is drawn (${drawn} coloured pixels)`);

    // Numbers as text, and the default configuration in the hash.
    assert.match(await page.locator("backprop-viz .metric-train-loss").textContent(), /^Train loss \d+\.\d{3}$/);
    assert.match(await page.locator("backprop-viz .metric-test-loss").textContent(), /^Test loss \d+\.\d{3}$/);
    assert.match(await page.locator("backprop-viz .metric-train-accuracy").textContent(), /^Train accuracy \d+\.\d%$/);
    assert.match(await page.locator("backprop-viz .metric-step").textContent(), /^Step 0$/);
    const hash = await page.evaluate(() => location.hash);
    for (const part of ["dataset=circle", "features=x1,x2", "layers=2,4,2,1", "activation=tanh", "output=sigmoid", "loss=bce", "learning-rate=0.03", "batch-size=10", "seed=1"]) {
      assert.ok(hash.includes(part), `${part} in ${hash}`);
    }
    assert.equal(await page.locator("backprop-viz .notice").isVisible(), false);
    await screenshot(page, "demo-1366x768", { fullPage: false });
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("Play makes the train loss fall and the heatmap change; Pause stops it", async () => {
  const { page, errors, close } = await openDemo();
  try {
    const loss0 = await inEl(page, (el) => el.views.metrics[0]);
    const text0 = await metric(page, "train-loss");
    const grid0 = await gridCopy(page);
    const steps = [];
    await inEl(page, (el) => {
      window.stepEvents = [];
      el.addEventListener("step", (e) => window.stepEvents.length < 5 && window.stepEvents.push(e.detail));
    });
    await page.locator("backprop-viz button.play").click();
    assert.equal(await page.locator("backprop-viz button.play").textContent(), "Pause");
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.stepCount >= 150, null, WAIT);
    await page.locator("backprop-viz button.play").click();
    assert.equal(await inEl(page, (el) => el.playing), false);
    const n = await stepCount(page);
    await page.waitForFunction((k) => document.querySelector("backprop-viz").shadowRoot.querySelector('[data-metric="step"]').textContent === k, n.toLocaleString("en-US"), WAIT);
    const loss1 = await inEl(page, (el) => el.views.metrics[0]);
    assert.ok(loss1 < loss0 - 0.05, `train loss fell: ${loss0} -> ${loss1}`);
    assert.notEqual(await metric(page, "train-loss"), text0);
    assert.equal(Number(await metric(page, "train-loss")), Number(loss1.toFixed(3)));
    const grid1 = await gridCopy(page);
    assert.ok(differingBytes(grid0, grid1) > 5_000, "the heatmap changed");
    steps.push(...(await page.evaluate(() => window.stepEvents)));
    assert.ok(steps.length > 0 && Number.isFinite(steps[0].loss) && steps[0].step >= 1, `step events: ${JSON.stringify(steps)}`);
    // Paused means paused.
    const before = await stepCount(page);
    await page.waitForTimeout(300);
    assert.equal(await stepCount(page), before);
    await screenshot(page, "demo-trained", { fullPage: false });
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("step mode advances phase by phase, with the engine's gradients, and updates only at the end", async () => {
  const { page, errors, close } = await openDemo();
  try {
    const step = page.locator("backprop-viz button.step");
    const expected = [
      ["Forward: layer 1 of 3", "forward"], ["Forward: layer 2 of 3", "forward"], ["Forward: layer 3 of 3", "forward"],
      ["Backward: layer 3 of 3", "backward"], ["Backward: layer 2 of 3", "backward"], ["Backward: layer 1 of 3", "backward"],
      ["Update: weights and biases changed", "update"],
    ];
    const w0 = await weightsCopy(page);
    for (const [i, [text, phase]] of expected.entries()) {
      await step.click();
      await waitForPhase(page, text);
      assert.equal((await inEl(page, (el) => el.phase)).phase, phase);
      const w = await weightsCopy(page);
      if (i < expected.length - 1) {
        assert.deepEqual(w, w0, `weights unchanged during "${text}"`);
        assert.equal(await stepCount(page), 0);
      } else {
        assert.ok(differingBytes(w, w0) > 0, "weights changed at the update");
        assert.equal(await stepCount(page), 1);
      }
      if (i === 4) await screenshot(page, "demo-step-backward", { fullPage: false });
    }
    // The diagram is given the phase, and its position moves toward the whole layer.
    await page.waitForFunction(() => document.querySelector("backprop-viz").loop.anim.position === 1, null, WAIT);

    // "on the selected point": the gradients shown are exactly trace()'s for that point.
    await page.locator("backprop-viz .tool-settings select").nth(2).selectOption("example");
    await step.click();
    await waitForPhase(page, "Forward: layer 1 of 3");
    const check = await inEl(page, (el) => {
      const v = el.views.refresh();
      const t = el.network.trace(el.example.input, el.example.target[0]);
      let worst = 0;
      t.layers.forEach((layer, l) => {
        layer.dL_dW.forEach((row, j) => row.forEach((g, k) => { worst = Math.max(worst, Math.abs(g - v.dL_dW[v.weightIndex(l, j, k)])); }));
        layer.dL_db.forEach((g, j) => { worst = Math.max(worst, Math.abs(g - v.dL_db[v.biasIndex(l, j)])); });
      });
      return { worst, batchLen: el.network.batchLen() };
    });
    assert.ok(check.worst < 1e-12, `gradients match trace(): ${check.worst}`);
    assert.equal(check.batchLen, 0);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("reduced motion: no sweeps, instantaneous steps", async () => {
  const { page, errors, close } = await openDemo("#speed=3s", { contextOptions: { reducedMotion: "reduce" } });
  try {
    assert.equal(await inEl(page, (el) => el.frame.reducedMotion), true);
    await page.locator("backprop-viz button.step").click();
    // No tween: the position is already whole on the next frame.
    await page.waitForFunction(() => document.querySelector("backprop-viz").loop.anim.phase === "forward", null, WAIT);
    assert.equal(await inEl(page, (el) => el.loop.anim.position), 1);
    await inEl(page, (el) => el.play());
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.stepCount >= 3, null, WAIT);
    const phases = await inEl(page, async (el) => {
      const seen = new Set();
      for (let i = 0; i < 20; i++) {
        await new Promise(requestAnimationFrame);
        seen.add(el.loop.anim.phase);
      }
      return [...seen];
    });
    assert.deepEqual(phases, ["idle"], "no forward/backward sweep is animated");
    await inEl(page, (el) => el.pause());
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("keyboard: Space plays and pauses, Right steps, R resets, not while typing; every control is reachable and named", async () => {
  const { page, errors, close } = await openDemo();
  try {
    await page.locator("h1").click();
    await page.keyboard.press("Space");
    assert.equal(await inEl(page, (el) => el.playing), true);
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.stepCount > 0, null, WAIT);
    await page.keyboard.press("Space");
    assert.equal(await inEl(page, (el) => el.playing), false);
    await page.keyboard.press("ArrowRight");
    await waitForPhase(page, "Forward: layer 1 of 3");
    await page.keyboard.press("r");
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.stepCount === 0, null, WAIT);
    assert.equal((await inEl(page, (el) => el.phase)).phase, "idle");

    // Typing in a text field fires no shortcut.
    await inEl(page, (el) => el.stepOnce());
    const seed = page.locator("backprop-viz .seed-row input");
    await seed.focus();
    await page.keyboard.press("r");
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowRight");
    assert.equal(await stepCount(page), 1, "R did not reset");
    assert.equal(await inEl(page, (el) => el.playing), false, "Space did not play");
    assert.equal((await inEl(page, (el) => el.phase)).phase, "update", "Right did not step");
    await seed.fill("1");

    // Tab reaches every control, in order, and each has an accessible name in the
    // accessibility tree.
    await page.locator("h1").click();
    const expected = await inEl(page, (el) => {
      const out = [];
      const walk = (root) => {
        for (const node of root.querySelectorAll("button, input, select, a[href], canvas[tabindex], [tabindex='0']")) {
          const visible = node.getClientRects().length > 0 && getComputedStyle(node).visibility !== "hidden";
          const radioSkip = node.type === "radio" && !node.checked;
          if (!node.disabled && visible && !radioSkip && !node.closest("[hidden]")) out.push(node);
        }
      };
      walk(el.shadowRoot);
      window.expectedFocus = out;
      return out.length;
    });
    let hits = 0;
    for (let i = 0; i < expected + 12; i++) {
      await page.keyboard.press("Tab");
      hits += await page.evaluate(() => {
        let a = document.activeElement;
        while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
        const i = window.expectedFocus.indexOf(a);
        if (i >= 0 && !window.expectedFocus[i].reached) {
          window.expectedFocus[i].reached = true;
          return 1;
        }
        return 0;
      });
    }
    const missed = await page.evaluate(() => window.expectedFocus.filter((n) => !n.reached).map((n) => n.outerHTML.slice(0, 120)));
    assert.deepEqual(missed, [], "Tab reaches every control");
    assert.equal(hits, expected);
    assert.ok(expected >= 30, `many controls (${expected})`);

    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send("Accessibility.getFullAXTree");
    const interactive = new Set(["button", "combobox", "checkbox", "radio", "slider", "spinbutton", "textbox", "link", "application", "img", "radiogroup", "group"]);
    const unnamed = nodes.filter((n) => {
      if (n.ignored) return false;
      const focusable = (n.properties ?? []).some((p) => p.name === "focusable" && p.value.value);
      const role = n.role?.value;
      return focusable && interactive.has(role) && !(n.name?.value ?? "").trim();
    });
    assert.deepEqual(unnamed.map((n) => `${n.role.value} ${n.backendDOMNodeId}`), [], "every focusable control has an accessible name");
    const roles = nodes.filter((n) => !n.ignored).map((n) => `${n.role?.value}:${n.name?.value}`);
    for (const want of ["button:Play", "button:Step", "button:Reset", "combobox:Learning rate", "combobox:Hidden activation", "checkbox:Feature x1 squared", "slider:Noise", "button:Add a hidden layer", "button:Add a neuron to hidden layer 1", "radio:Gradients", "checkbox:Show test data", "spinbutton:Seed"]) {
      assert.ok(roles.some((r) => r.startsWith(want)), `${want} is in the accessibility tree`);
    }

    // The focus ring is visible on a control and on the diagram.
    await page.locator("h1").click();
    await page.keyboard.press("Tab");
    const ring = await page.evaluate(() => {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      const cs = getComputedStyle(a);
      return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
    });
    assert.equal(ring.style, "solid");
    assert.ok(ring.width >= 2);
    await screenshot(page, "demo-focus", { fullPage: false });
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("a URL round-trips the configuration, the data and the weights", async () => {
  const { page, errors, close } = await openDemo();
  let hash;
  let original;
  try {
    await page.getByRole("combobox", { name: "Dataset" }).selectOption("xor");
    await page.getByRole("combobox", { name: "Learning rate" }).selectOption("0.1");
    await page.getByRole("combobox", { name: "Hidden activation" }).selectOption("relu");
    await page.getByRole("combobox", { name: "Regularisation", exact: true }).selectOption("l2");
    await page.getByRole("combobox", { name: "Regularisation rate" }).selectOption("0.003");
    await page.getByRole("combobox", { name: "Batch size" }).selectOption("25");
    await page.getByRole("combobox", { name: "Optimizer" }).selectOption("adam");
    await page.getByRole("checkbox", { name: "Feature x1 squared" }).check();
    await page.getByRole("button", { name: "Add a hidden layer" }).click();
    await page.getByRole("button", { name: "Add a neuron to hidden layer 1" }).click();
    await page.getByRole("slider", { name: "Noise" }).evaluate((r) => {
      r.value = "15";
      r.dispatchEvent(new Event("input", { bubbles: true }));
      r.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await page.getByRole("spinbutton", { name: "Seed" }).fill("42");
    await page.getByRole("spinbutton", { name: "Seed" }).press("Tab");
    await page.getByRole("radio", { name: "Gradients" }).check();
    await page.getByRole("checkbox", { name: "Show test data" }).check();
    await page.getByRole("combobox", { name: "Speed" }).selectOption("3s");
    // Select a weight by clicking it in the diagram.
    const target = await inEl(page, (el) => {
      const a = el.diagram.anchor({ kind: "w", l: 1, j: 0, k: 1 });
      const r = el.layout.diagramCanvas.getBoundingClientRect();
      return { x: r.left + a.x, y: r.top + a.y };
    });
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction(() => location.hash.includes("inspect=w-2-0-1"), null, WAIT);

    original = await inEl(page, (el) => ({ config: el.config, net: el.network.toState(), train: Array.from(el.data.train.inputs), test: Array.from(el.data.test.targets) }));
    assert.deepEqual(original.config.layers, [3, 5, 2, 2, 1]);
    assert.equal(original.config.dataset, "xor");
    assert.equal(original.config.seed, 42);
    assert.equal(original.net.learningRate, 0.1, "training settings reached the engine");
    assert.equal(original.net.optimizer, "adam");
    assert.equal(original.net.hidden, "relu");
    hash = await page.evaluate(() => location.hash);
    for (const part of ["dataset=xor", "noise=15", "features=x1,x2,x1Squared", "layers=3,5,2,2,1", "activation=relu", "learning-rate=0.1", "batch-size=25", "optimizer=adam", "regularization=l2", "regularization-rate=0.003", "seed=42", "view=gradients", "speed=3s", "show-test=1", "inspect=w-2-0-1"]) {
      assert.ok(hash.includes(part), `${part} in ${hash}`);
    }
    assertNoErrors(errors);
  } finally {
    await close();
  }

  const second = await openDemo(hash);
  try {
    const restored = await second.page.evaluate(() => {
      const el = document.querySelector("backprop-viz");
      return { config: el.config, net: el.network.toState(), train: Array.from(el.data.train.inputs), test: Array.from(el.data.test.targets) };
    });
    assert.deepEqual(restored, original, "same state, weights and data");
    assert.equal(await second.page.getByRole("combobox", { name: "Learning rate" }).inputValue(), "0.1");
    assert.equal(await second.page.getByRole("checkbox", { name: "Feature x1 squared" }).isChecked(), true);
    assert.equal(await second.page.getByRole("radio", { name: "Gradients" }).isChecked(), true);
    assert.equal(await second.page.locator("backprop-viz .notice").isVisible(), false);
    assert.equal(await second.page.evaluate(() => location.hash), hash);
    // The inspected weight's panel is open.
    await second.page.waitForFunction(() => !document.querySelector("backprop-viz").shadowRoot.querySelector(".inspector-host").hidden, null, WAIT);
    assert.ok(await second.page.locator("backprop-viz .inspector-host math").count() > 0, "MathML derivation shown");
    await screenshot(second.page, "demo-restored", { fullPage: false });
    assertNoErrors(second.errors);
  } finally {
    await second.close();
  }
});

test("a malformed or hostile hash falls back to defaults with a notice, and injects nothing", async () => {
  const hostile = [
    "dataset=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E",
    "activation=<script>window.__pwned=2</script>",
    "noise=20",
    "learning-rate=1e309",
    "batch-size=99999999999999999999",
    "layers=2,4,%22%3E%3Csvg%20onload%3Dalert(1)%3E,1",
    "features=x1,javascript:alert(1)",
    "seed=-1",
    "inspect=w-1-0-0%22%3E",
    "%E0%A4%A=1",
    "constructor=1",
    "view=" + "x".repeat(300),
    "&&==garbage",
  ].join("&");
  const { page, errors, close } = await openDemo("#" + hostile);
  try {
    const notice = page.locator("backprop-viz .notice");
    await notice.waitFor({ state: "visible", ...WAIT });
    const text = await notice.textContent();
    for (const key of ["dataset:", "activation:", "learning-rate:", "batch-size:", "layers:", "features:", "seed:", "inspect:", "view:", "Unknown key \"constructor\""]) {
      assert.ok(text.includes(key), `notice names ${key}: ${text}`);
    }
    const state = await inEl(page, (el) => el.config);
    assert.equal(state.dataset, "circle");
    assert.equal(state.activation, "tanh");
    assert.equal(state.noise, 20, "the valid key still applies");
    assert.equal(state["learning-rate"], 0.03);
    assert.equal(state["batch-size"], 10);
    assert.deepEqual(state.layers, [2, 4, 2, 1]);
    assert.deepEqual(state.features, ["x1", "x2"]);
    assert.equal(state.seed, 1);
    assert.equal(state.inspect, null);
    assert.equal(state.view, "both");
    const injected = await page.evaluate(() => {
      const el = document.querySelector("backprop-viz");
      const all = [...document.querySelectorAll("*"), ...el.shadowRoot.querySelectorAll("*")];
      return {
        pwned: window.__pwned ?? null,
        scripts: document.querySelectorAll("script").length,
        bad: all.filter((n) => ["SCRIPT", "IMG", "SVG", "IFRAME"].includes(n.tagName.toUpperCase()))
          .filter((n) => !n.classList.contains("logo") && !n.closest?.("button, .insp") && n.getAttribute("src") !== "www/element.js")
          .map((n) => n.outerHTML.slice(0, 80)),
        handlers: all.filter((n) => [...n.attributes].some((a) => a.name.startsWith("on"))).length,
      };
    });
    assert.deepEqual(injected, { pwned: null, scripts: 1, bad: [], handlers: 0 });
    // The page still works, and the hash now holds the repaired state.
    const hash = await page.evaluate(() => location.hash);
    assert.ok(!hash.includes("script") && !hash.includes("garbage") && hash.includes("noise=20"), hash);
    await inEl(page, (el) => el.stepOnce());
    assert.equal(await stepCount(page), 1);
    await screenshot(page, "demo-bad-hash", { fullPage: false });
    await page.getByRole("button", { name: "Dismiss this notice" }).click();
    assert.equal(await notice.isVisible(), false);
    assertNoErrors(errors);
  } finally {
    await close();
  }

  // A link that is far too long is ignored as a whole.
  const long = await openDemo("#noise=10&dataset=" + "a".repeat(3000));
  try {
    await long.page.locator("backprop-viz .notice").waitFor({ state: "visible", ...WAIT });
    assert.match(await long.page.locator("backprop-viz .notice").textContent(), /longer than 2000 characters/);
    assert.equal((await long.page.evaluate(() => document.querySelector("backprop-viz").config)).noise, 0);
    assertNoErrors(long.errors);
  } finally {
    await long.close();
  }

  // Editing the hash by hand applies it, with the same checks.
  const live = await openDemo();
  try {
    await live.page.evaluate(() => { location.hash = "#dataset=moons&learning-rate=nope"; });
    await live.page.waitForFunction(() => document.querySelector("backprop-viz").config.dataset === "moons", null, WAIT);
    assert.match(await live.page.locator("backprop-viz .notice").textContent(), /learning-rate: "nope"/);
    assertNoErrors(live.errors);
  } finally {
    await live.close();
  }
});

test("divergence pauses with its message, keeps finite weights and fires 'diverged'", async () => {
  const { page, errors, close } = await openDemo("#activation=relu&output=linear&loss=squared&learning-rate=10&speed=10");
  try {
    await inEl(page, (el) => {
      window.diverged = null;
      el.addEventListener("diverged", (e) => { window.diverged = e.detail; });
    });
    await page.getByRole("button", { name: "Play" }).click();
    const alert = page.locator("backprop-viz .alert");
    await alert.waitFor({ state: "visible", ...WAIT });
    const message = await alert.locator(".alert-text").textContent();
    assert.match(message, /^The loss became infinite at step [\d,]+; lower the learning rate\.$/);
    const detail = await page.evaluate(() => window.diverged);
    assert.ok(detail && detail.step >= 1, JSON.stringify(detail));
    assert.equal(message, `The loss became infinite at step ${detail.step.toLocaleString("en-US")}; lower the learning rate.`);
    const after = await inEl(page, (el) => ({
      playing: el.playing,
      steps: el.network.stepCount,
      finite: [...el.views.refresh().weights, ...el.views.biases].every(Number.isFinite),
    }));
    assert.deepEqual(after, { playing: false, steps: detail.step - 1, finite: true });
    await screenshot(page, "demo-diverged", { fullPage: false });
    // The offered fix lowers the learning rate and keeps the weights.
    await page.getByRole("button", { name: "Lower the learning rate to 3" }).click();
    assert.equal(await alert.isVisible(), false);
    assert.equal(await inEl(page, (el) => el.network.toState().learningRate), 3);
    assert.equal(await stepCount(page), detail.step - 1);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("editing a weight (type, scrub, cancel) changes the output at once", async () => {
  const { page, errors, close } = await openDemo("#inspect=w-3-0-0");
  try {
    const probe = () => inEl(page, (el) => ({
      out: Array.from(el.network.forward(el.example.input)),
      w: el.views.refresh().weights[el.views.weightIndex(2, 0, 0)],
      grid: Array.from(el.views.gridPixels),
    }));
    const before = await probe();
    await page.locator("backprop-viz canvas.diagram").focus();
    await page.keyboard.press("Enter");
    const input = page.getByRole("spinbutton", { name: /Value of weight W\[3\]/ });
    await input.waitFor({ state: "visible", ...WAIT });
    assert.equal(await page.evaluate(() => document.querySelector("backprop-viz").shadowRoot.activeElement?.className), "editor-input");
    await input.fill("5");
    await input.press("Enter");
    await page.waitForFunction(() => {
      const el = document.querySelector("backprop-viz");
      return el.views.refresh().weights[el.views.weightIndex(2, 0, 0)] === 5;
    }, null, WAIT);
    await page.waitForFunction((g0) => {
      const px = document.querySelector("backprop-viz").views.refresh().gridPixels;
      let n = 0;
      for (let i = 0; i < px.length; i++) if (px[i] !== g0[i]) n++;
      return n > 1000;
    }, before.grid, WAIT);
    const after = await probe();
    assert.notDeepEqual(after.out, before.out, "net.forward changed");
    assert.equal(await input.isVisible(), false, "Enter applied and closed the editor");

    // Escape cancels: the weight goes back to 5.
    await page.locator("backprop-viz canvas.diagram").focus();
    await page.keyboard.press("Enter");
    await input.fill("-9");
    await page.waitForFunction(() => {
      const el = document.querySelector("backprop-viz");
      return el.views.refresh().weights[el.views.weightIndex(2, 0, 0)] === -9;
    }, null, WAIT);
    await input.press("Escape");
    // The worker sets it back; the views show it from the next snapshot.
    await page.waitForFunction(() => {
      const el = document.querySelector("backprop-viz");
      return el.views.refresh().weights[el.views.weightIndex(2, 0, 0)] !== -9;
    }, null, WAIT);
    assert.equal((await probe()).w, 5);

    // Arrow keys move the selection; double-click opens the editor; dragging the scrub
    // handle up raises the value continuously.
    await page.locator("backprop-viz canvas.diagram").focus();
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => location.hash.includes("inspect=w-3-0-1"), null, WAIT);
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => location.hash.includes("inspect=b-3-0"), null, WAIT);
    const bias0 = await inEl(page, (el) => el.views.refresh().biases[el.views.biasIndex(2, 0)]);
    const at = await inEl(page, (el) => {
      const a = el.diagram.anchor({ kind: "b", l: 2, j: 0 });
      const r = el.layout.diagramCanvas.getBoundingClientRect();
      return { x: r.left + a.x, y: r.top + a.y };
    });
    await page.mouse.dblclick(at.x, at.y);
    const scrub = page.getByRole("slider", { name: /Scrub bias b\[3\]/ });
    await scrub.waitFor({ state: "visible", ...WAIT });
    await screenshot(page, "demo-editor", { fullPage: false });
    const box = await scrub.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y - 20, { steps: 4 });
    const mid = await inEl(page, (el) => el.views.refresh().biases[el.views.biasIndex(2, 0)]);
    await page.mouse.move(box.x + box.width / 2, box.y - 60, { steps: 4 });
    await page.mouse.up();
    const end = await inEl(page, (el) => el.views.refresh().biases[el.views.biasIndex(2, 0)]);
    assert.ok(mid > bias0 && end > mid, `scrubbing up raises the bias: ${bias0} -> ${mid} -> ${end}`);
    await page.getByRole("spinbutton", { name: /Value of bias b\[3\]/ }).press("Enter");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("points: a click adds one, a click on a point picks it, structure buttons rebuild", async () => {
  const { page, errors, close } = await openDemo();
  try {
    const n0 = await inEl(page, (el) => el.network.trainSize);
    const plot = await inEl(page, (el) => {
      const r = el.layout.outputCanvas.getBoundingClientRect();
      const o = el.output;
      return { x: r.left + o.px + o.pw * 0.9, y: r.top + o.py + o.ph * 0.1 };
    });
    await page.mouse.click(plot.x, plot.y);
    await page.waitForFunction((n) => document.querySelector("backprop-viz").network.trainSize === n + 1, n0, WAIT);
    const picked = await inEl(page, (el) => ({ ...el.picked, input: Array.from(el.example.input), target: el.example.target[0] }));
    assert.deepEqual([picked.set, picked.index, picked.target], ["train", n0, 1], "the new point is class 1 and picked");
    assert.ok(picked.input[0] > 3 && picked.input[1] > 3, `at the click: ${picked.input}`);
    // Remove a neuron and a layer: the network is rebuilt with the new shape.
    await page.getByRole("button", { name: "Remove a neuron from hidden layer 1" }).click();
    await page.getByRole("button", { name: "Remove a hidden layer" }).click();
    assert.deepEqual(await inEl(page, (el) => Array.from(el.network.layers)), [2, 3, 1]);
    assert.equal(await inEl(page, (el) => el.network.trainSize), n0 + 1, "the added point survives a rebuild");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("layouts: 1366 x 768 fits without scrolling, 1920 x 1080, and a 390 x 844 phone stacks", async () => {
  for (const [w, h] of [[1366, 768], [1920, 1080], [390, 844]]) {
    const { page, errors, close } = await openDemo("#inspect=w-1-0-0", { viewport: { width: w, height: h } });
    try {
      const m = await page.evaluate(() => {
        const el = document.querySelector("backprop-viz");
        const r = (s) => el.shadowRoot.querySelector(s).getBoundingClientRect();
        return {
          scrollW: document.documentElement.scrollWidth,
          scrollH: document.documentElement.scrollHeight,
          chart: r(".chart-wrap"),
          diagram: r(".diagram-wrap"),
          output: r(".output-wrap"),
        };
      });
      assert.ok(m.scrollW <= w, `no horizontal scrolling at ${w}: ${m.scrollW}`);
      if (w >= 1366) {
        assert.ok(m.scrollH <= h, `fits in one screen at ${w}x${h}: ${m.scrollH}`);
        assert.ok(m.chart.bottom <= h, "the chart is on screen");
        assert.ok(m.diagram.width > m.output.width, "the diagram is the largest view");
      } else {
        assert.ok(m.diagram.width >= w - 60, "the diagram spans the phone's width");
        assert.ok(m.output.top > m.diagram.top, "views are stacked");
      }
      assert.ok(m.output.width >= 200, `the output view is at least 200 px wide: ${m.output.width}`);
      await screenshot(page, `demo-${w}x${h}`, { fullPage: w < 1366 });
      assertNoErrors(errors);
    } finally {
      await close();
    }
  }
});
