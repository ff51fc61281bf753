// The chain-rule inspector (www/inspector.js) in its fixture (tests/e2e/fixtures/inspector.html):
// a real 2-4-2-1 tanh/sigmoid/bce network trained on the circle data (and a 2-4-3 softmax/cce
// one on three blobs, and a linear/squared one on a regression plane), the panel in a shadow
// root, served under the CSP that <backprop-viz> must live with. Every number the panel shows
// is read back from the DOM and compared with net.trace() computed in the page, and every
// test fails on any console error (a CSP violation is one).
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import fs from "node:fs";
import { openPage, assertNoErrors, SCREENSHOT_DIR, useServerAndBrowser, EMBED_CSP } from "./harness.mjs";
import { collectRelations, checkRelations } from "./arithmetic.mjs";

const CSP = EMBED_CSP;
const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": CSP }) });

async function openFixture(query, { viewport } = {}) {
  const opened = await openPage(env.browser, `${env.server.url}tests/e2e/fixtures/inspector.html?${query}`, viewport ? { viewport } : {});
  await opened.page.waitForSelector("body[data-ready=yes]", { timeout: 15_000 });
  return opened;
}

/** Every number slot in the panel: { slot: { text, title } } (first occurrence of each). */
function readSlots(page) {
  return page.evaluate(() => {
    const root = document.getElementById("host").shadowRoot;
    const out = {};
    for (const el of root.querySelectorAll("[data-slot]")) {
      if (!(el.dataset.slot in out)) out[el.dataset.slot] = { text: el.textContent.trim(), title: el.title };
    }
    return out;
  });
}

/** The engine's trace for the fixture's current example, plus the weights. */
function traceInPage(page) {
  return page.evaluate(() => {
    const { net, example } = window.fixture;
    const ex = example();
    const t = net.trace(ex.input, ex.target);
    const s = net.toState();
    return { trace: t, weights: s.weights, biases: s.biases };
  });
}

async function formatIn(page, x) {
  return page.evaluate(async (v) => (await import("/www/inspector.js")).formatNumber(v), x);
}

/** The slot shows `value` at the panel's precision, and its hover title is the full value. */
async function assertShown(page, slots, slot, value) {
  const s = slots[slot];
  assert.ok(s, `the panel shows ${slot}`);
  assert.equal(s.title, String(value), `${slot}: the hover title is the full value`);
  assert.equal(s.text, await formatIn(page, value), `${slot}: shown at 4 significant digits`);
  if (Number.isFinite(value) && value !== 0) {
    const shown = await page.evaluate(async (t) => (await import("/www/inspector.js")).parseNumber(t), s.text);
    assert.ok(Math.abs(shown - value) <= 5e-4 * Math.abs(value), `${slot}: ${s.text} is ${value} to the shown precision`);
  }
}

function relClose(a, b, tol) {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

const fdAgrees = (page, what) =>
  page.evaluate((w) => {
    const root = document.getElementById("host").shadowRoot;
    const slot = root.querySelector(`[data-slot="fd:${w}"]`);
    const verdict = slot?.closest(".insp-check")?.querySelector(".insp-verdict");
    return { title: slot?.title, agree: verdict?.dataset.agree, digits: Number(verdict?.dataset.digits), text: verdict?.textContent };
  }, what);

async function shot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `inspector-${name}.png`);
  await page.locator("#host").screenshot({ path: file });
  return file;
}

test("output weight: every factor of the seed's chain equals trace(), with MathML and a finite difference that agrees", async () => {
  const { page, errors, close } = await openFixture("inspect=w-3-0-1&example=3");
  try {
    const slots = await readSlots(page);
    const { trace, weights } = await traceInPage(page);
    const out = trace.layers[2];
    await assertShown(page, slots, "loss", trace.loss);
    await assertShown(page, slots, "a:2:0", out.a[0]);
    await assertShown(page, slots, "y:0", trace.target[0]);
    await assertShown(page, slots, "dL_dA:2:0", out.dL_dA[0]);
    await assertShown(page, slots, "dA_dZ:2:0", out.dA_dZ[0]);
    await assertShown(page, slots, "dL_dZ:2:0", out.dL_dZ[0]);
    await assertShown(page, slots, "unfused:0", out.dL_dA[0] * out.dA_dZ[0]);
    await assertShown(page, slots, "fused:0", out.dL_dZ[0]);
    await assertShown(page, slots, "W:2:0:1", weights[2][0][1]);
    await assertShown(page, slots, "Aprev:2:1", trace.layers[1].a[1]);
    await assertShown(page, slots, "dL_dW:2:0:1", out.dL_dW[0][1]);
    // The seed's algebra: dL/dZ = A - y, and dL/dW = dL/dZ * A_prev.
    assert.ok(relClose(out.dL_dZ[0], out.a[0] - trace.target[0], 1e-15));
    assert.ok(relClose(out.dL_dW[0][1], out.dL_dZ[0] * trace.layers[1].a[1], 1e-15));

    const info = await page.evaluate(() => {
      const root = document.getElementById("host").shadowRoot;
      return {
        maths: root.querySelectorAll("math").length,
        mathNs: root.querySelector("math").namespaceURI,
        fractions: root.querySelectorAll("mfrac").length,
        heading: root.querySelector("h2").textContent,
        result: root.querySelector(".insp-result [data-slot]")?.dataset.slot,
        live: root.querySelector("[aria-live=polite]").textContent,
        sameForms: root.querySelector(".insp-compare + .insp-verdict")?.textContent,
        highlight: window.fixture.state.highlight,
      };
    });
    assert.ok(info.maths > 20, `MathML is used for the symbols (${info.maths} <math> elements)`);
    assert.equal(info.mathNs, "http://www.w3.org/1998/Math/MathML");
    assert.ok(info.fractions > 5, "derivatives are written as fractions");
    assert.match(info.heading, /W.*Weight from hidden layer 2, neuron 1 to the output neuron/s);
    assert.equal(info.result, "dL_dW:2:0:1", "the final dL/dW is the emphasised result");
    assert.match(info.sameForms, /same number|agree/);
    assert.match(info.live, /^dL\/dW for W\[3\] 0,1 = -?[\d.]+.*, finite difference agrees$/);
    assert.deepEqual(info.highlight, { edges: [[2, 0, 1]], neurons: [[2, 1], [3, 0]] });

    const fd = await fdAgrees(page, "w");
    assert.equal(fd.agree, "yes", fd.text);
    assert.ok(fd.digits >= 6, `finite difference agrees to ${fd.digits} digits`);
    assert.ok(relClose(Number(fd.title), out.dL_dW[0][1], 1e-6));
    await shot(page, "output-weight");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("first-layer weight: the full chain from the loss down, layer by layer, with every term of each sum", async () => {
  const { page, errors, close } = await openFixture("inspect=w-1-0-0&example=7");
  try {
    const slots = await readSlots(page);
    const { trace, weights } = await traceInPage(page);
    const [l0, l1, l2] = trace.layers;
    await assertShown(page, slots, "loss", trace.loss);
    // Output layer (one neuron: full rows).
    for (const f of ["a", "dL_dA", "dA_dZ", "dL_dZ"]) await assertShown(page, slots, `${f}:2:0`, l2[f][0]);
    // Hidden layer 2 (two neurons: the table).
    for (let i = 0; i < 2; i++) for (const f of ["a", "dL_dA", "dA_dZ", "dL_dZ"]) await assertShown(page, slots, `${f}:1:${i}`, l1[f][i]);
    // Hidden layer 1, neuron 0: dL/dA as the sum over layer 2, term by term.
    await assertShown(page, slots, "a:0:0", l0.a[0]);
    await assertShown(page, slots, "dL_dA:0:0", l0.dL_dA[0]);
    let sum = 0;
    for (let r = 0; r < 2; r++) {
      const term = l1.dL_dZ[r] * weights[1][r][0];
      sum += term;
      await assertShown(page, slots, `term:1:${r}:0`, term);
    }
    assert.ok(relClose(sum, l0.dL_dA[0], 1e-14), "the terms add up to dL/dA");
    assert.ok(relClose(l0.dL_dA[0], l1.dL_dAprev[0], 1e-15), "dL/dA of layer 1 is dL/dA_prev of layer 2");
    await assertShown(page, slots, "dA_dZ:0:0", l0.dA_dZ[0]);
    await assertShown(page, slots, "dL_dZ:0:0", l0.dL_dZ[0]);
    await assertShown(page, slots, "Aprev:0:0", trace.input[0]);
    await assertShown(page, slots, "dL_dW:0:0:0", l0.dL_dW[0][0]);

    const fd = await fdAgrees(page, "w");
    assert.equal(fd.agree, "yes", fd.text);
    assert.ok(relClose(Number(fd.title), l0.dL_dW[0][0], 1e-5), `finite difference ${fd.title} vs ${l0.dL_dW[0][0]}`);

    // The paths it sums over: the weight, neuron 0 of layer 1 to both of layer 2, layer 2 to the output.
    const hl = await page.evaluate(() => window.fixture.state.highlight);
    assert.deepEqual(hl.edges, [[0, 0, 0], [1, 0, 0], [1, 1, 0], [2, 0, 0], [2, 0, 1]]);
    assert.deepEqual(hl.neurons, [[0, 0], [1, 0], [2, 0], [2, 1], [3, 0]]);
    const steps = await page.evaluate(() => Array.from(document.getElementById("host").shadowRoot.querySelectorAll(".insp-step-h"), (h) => h.textContent));
    assert.equal(steps.length, 5, steps.join(" | "));
    assert.match(steps[1], /Output layer/);
    assert.match(steps[2], /Hidden layer.*2/);
    assert.match(steps[3], /Hidden layer.*1.*neuron 0/);
    assert.match(steps[4], /The weight/);
    await shot(page, "first-layer-weight");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("bias and neuron selections: dL/db, dL/dA and dL/dZ match trace(), each checked by finite differences", async () => {
  const { page, errors, close } = await openFixture("inspect=b-2-1&example=11");
  try {
    let slots = await readSlots(page);
    let { trace } = await traceInPage(page);
    await assertShown(page, slots, "dL_db:1:1", trace.layers[1].dL_db[1]);
    await assertShown(page, slots, "dL_dZ:1:1", trace.layers[1].dL_dZ[1]);
    assert.equal((await fdAgrees(page, "b")).agree, "yes");
    await shot(page, "bias");

    // A hidden neuron: dL/dZ through its bias, dL/dA through the next layer's biases.
    await page.evaluate(() => window.fixture.select("n-2-0"));
    slots = await readSlots(page);
    ({ trace } = await traceInPage(page));
    await assertShown(page, slots, "res.dL_dA:2:0", trace.layers[1].dL_dA[0]);
    await assertShown(page, slots, "res.dL_dZ:2:0", trace.layers[1].dL_dZ[0]);
    for (const what of ["nZ", "nA"]) {
      const fd = await fdAgrees(page, what);
      assert.equal(fd.agree, "yes", `${what}: ${fd.text}`);
    }
    assert.ok(relClose(Number((await fdAgrees(page, "nA")).title), trace.layers[1].dL_dA[0], 1e-6));
    await shot(page, "neuron");

    // An input (n-0-J): dL/dA of the feature, summed over the first layer.
    await page.evaluate(() => window.fixture.select("n-0-1"));
    slots = await readSlots(page);
    await assertShown(page, slots, "res.dL_dA:0:1", trace.layers[0].dL_dAprev[1]);
    assert.equal((await fdAgrees(page, "nA")).agree, "yes");

    // The output neuron: dL/dA checked on the loss formula.
    await page.evaluate(() => window.fixture.select("n-3-0"));
    slots = await readSlots(page);
    await assertShown(page, slots, "res.dL_dA:3:0", trace.layers[2].dL_dA[0]);
    assert.equal((await fdAgrees(page, "nAout")).agree, "yes");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("batch mode: the per-example table's mean is the engine's batch gradient", async () => {
  const { page, errors, close } = await openFixture("inspect=w-2-1-3&batch=1");
  try {
    const slots = await readSlots(page);
    const expect = await page.evaluate(() => {
      const { net, batch } = window.fixture;
      const g = net.gradients();
      const rows = [];
      for (const r of batch) {
        const t = net.trace(r.input, r.target);
        rows.push([t.layers[1].dL_dZ[1], t.layers[0].a[3], t.layers[1].dL_dW[1][3]]);
      }
      return { engine: g.dL_dW[1][1][3], rows, n: batch.length };
    });
    assert.equal(expect.n, 10);
    for (let r = 0; r < expect.n; r++) {
      for (let c = 0; c < 3; c++) await assertShown(page, slots, `batch:${r}:${c}`, expect.rows[r][c]);
    }
    const mean = Number(slots["batch.result"].title);
    assert.ok(relClose(mean, expect.engine, 1e-12), `mean ${mean} equals gradients() ${expect.engine}`);
    await assertShown(page, slots, "batch.engine", expect.engine);
    const verdict = await page.evaluate(() => document.getElementById("host").shadowRoot.querySelector("[data-match]")?.dataset.match);
    assert.equal(verdict, "yes");
    const fd = await fdAgrees(page, "w");
    assert.equal(fd.agree, "yes", fd.text);
    assert.ok(relClose(Number(fd.title), expect.engine, 1e-6));
    await shot(page, "batch");

    // A bias in batch mode: its mean is the engine's dL/db.
    await page.evaluate(() => window.fixture.select("b-3-0"));
    const s2 = await readSlots(page);
    const eb = await page.evaluate(() => window.fixture.net.gradients().dL_db[2][0]);
    assert.ok(relClose(Number(s2["batch.result"].title), eb, 1e-12));
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("live: about two updates a second while training plays, and Freeze (keyboard) stops them", async () => {
  const { page, errors, close } = await openFixture("inspect=w-3-0-1&example=5&steps=0&lr=0.3");
  try {
    const state = () =>
      page.evaluate(() => {
        const root = document.getElementById("host").shadowRoot;
        return {
          renders: Number(root.querySelector(".insp").dataset.renders),
          value: root.querySelector(".insp-result [data-slot]").title,
          steps: window.fixture.net.stepCount,
          frames: window.fixture.frames(),
          status: root.querySelector(".insp-status").textContent,
        };
      });
    await page.evaluate(() => window.fixture.play(true));
    const s0 = await state();
    const t0 = Date.now();
    // Wait for training frames rather than for a fixed time: a loaded machine runs fewer.
    await page.waitForFunction((f) => window.fixture.frames() > f + 40, s0.frames, { timeout: 60_000 });
    await page.waitForFunction((r) => Number(document.getElementById("host").shadowRoot.querySelector(".insp").dataset.renders) > r, s0.renders, { timeout: 30_000 });
    const s1 = await state();
    const elapsed = Date.now() - t0;
    const renders = s1.renders - s0.renders;
    const frames = s1.frames - s0.frames;
    // Throttled: at most one update per 500 ms (plus the one in flight), however many frames ran.
    assert.ok(renders >= 1 && renders <= Math.ceil(elapsed / 500) + 1, `${renders} updates over ${frames} frames in ${elapsed} ms`);
    assert.ok(renders < frames / 4, `${renders} updates for ${frames} frames: throttled`);
    assert.notEqual(s1.value, s0.value, "the numbers follow training");
    assert.match(s1.status, /live/);

    // Freeze from the keyboard.
    const button = page.locator("#host").getByRole("button", { name: "Freeze" });
    assert.equal(await button.getAttribute("aria-pressed"), "false");
    await button.focus();
    await page.keyboard.press("Space");
    assert.equal(await button.getAttribute("aria-pressed"), "true");
    const f0 = await state();
    await page.waitForTimeout(1500);
    const f1 = await state();
    assert.ok(f1.steps > f0.steps, "training went on");
    assert.equal(f1.renders, f0.renders, "no update while frozen");
    assert.equal(f1.value, f0.value, "the numbers stay put while frozen");
    assert.match(f1.status, /frozen/);

    // A selection made while frozen is derived on the frozen network.
    await page.evaluate(() => window.fixture.select("w-3-0-0"));
    const frozenW = await page.evaluate(() => document.getElementById("host").shadowRoot.querySelector('[data-slot="W:2:0:0"]').title);
    const liveW = await page.evaluate(() => String(window.fixture.net.toState().weights[2][0][0]));
    assert.notEqual(frozenW, liveW, "the frozen snapshot, not the live network");

    await page.keyboard.press("Enter"); // focus is still on the button: thaw
    assert.equal(await button.getAttribute("aria-pressed"), "false");
    await page.waitForFunction((r) => Number(document.getElementById("host").shadowRoot.querySelector(".insp").dataset.renders) > r, f1.renders, { timeout: 30_000 });
    const t1 = await state();
    assert.ok(t1.renders > f1.renders, "updates resume after thawing");
    await page.evaluate(() => window.fixture.play(false));
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("parseInspect and formatInspect round-trip every parameter and reject bad strings", async () => {
  const { page, errors, close } = await openFixture("inspect=w-1-0-0");
  try {
    const result = await page.evaluate(async () => {
      const { parseInspect, formatInspect } = await import("/www/inspector.js");
      const layers = [2, 4, 2, 1];
      const all = [];
      for (let l = 0; l < 3; l++) {
        for (let j = 0; j < layers[l + 1]; j++) {
          for (let k = 0; k < layers[l]; k++) all.push(`w-${l + 1}-${j}-${k}`);
          all.push(`b-${l + 1}-${j}`);
        }
      }
      for (let L = 0; L < 4; L++) for (let j = 0; j < layers[L]; j++) all.push(`n-${L}-${j}`);
      const roundTrip = all.filter((s) => formatInspect(parseInspect(s, layers).selection) !== s);
      const bad = [
        "x-1-0", "w-0-0-0", "w-4-0-0", "w-1-4-0", "w-1-0-2", "w-3-1-0", "b-1-4", "b-0-0", "n-4-0", "n-1-4",
        "w-1-0", "b-1-0-0", "w-1-0-0-0", "n-1", "w--1-0-0", "w-1.5-0-0", "W-1-0-0", "<img src=x onerror=alert(1)>", "w-1-0-0;b-1-0",
      ].map((s) => [s, parseInspect(s, layers)]);
      return {
        count: all.length,
        roundTrip,
        w: parseInspect("w-1-2-1", layers).selection,
        b: parseInspect("b-3-0", layers).selection,
        n: parseInspect("n-2-1", layers).selection,
        input: parseInspect("n-0-1", layers).selection,
        empty: parseInspect("", layers),
        unchecked: parseInspect("w-9-9-9").selection,
        bad,
        format: [formatInspect(null), formatInspect({ kind: "w", l: 0, j: 0, k: 0 })],
      };
    });
    assert.equal(result.count, 25 + 9, "18 weights, 7 biases, 9 neurons");
    assert.deepEqual(result.roundTrip, []);
    assert.deepEqual(result.w, { kind: "w", l: 0, j: 2, k: 1 });
    assert.deepEqual(result.b, { kind: "b", l: 2, j: 0 });
    assert.deepEqual(result.n, { kind: "n", L: 2, j: 1 });
    assert.deepEqual(result.input, { kind: "n", L: 0, j: 1 });
    assert.deepEqual(result.empty, { selection: null, error: null });
    assert.deepEqual(result.unchecked, { kind: "w", l: 8, j: 9, k: 9 }, "without layers only the form is checked");
    for (const [s, r] of result.bad) {
      assert.equal(r.selection, null, `${s} is rejected`);
      assert.match(r.error, /^inspect: /, `${s}: ${r.error}`);
    }
    const msg = Object.fromEntries(result.bad.map(([s, r]) => [s, r.error]));
    assert.match(msg["w-4-0-0"], /weight layer 4 does not exist; this network has weight layers 1 to 3/);
    assert.match(msg["w-1-4-0"], /layer 1 has neurons 0 to 3, not 4/);
    assert.match(msg["w-1-0-2"], /the layer before layer 1 has neurons 0 to 1, not 2/);
    assert.match(msg["n-4-0"], /neuron layer 4 does not exist/);
    assert.match(msg["w-1-0"], /must look like|three numbers/);
    assert.match(msg["b-1-0-0"], /two numbers|must look like/);
    assert.deepEqual(result.format, ["", "w-1-0-0"]);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("saturated output: the fused A - y stays finite where the seed's unfused chain is NaN, and the panel says so", async () => {
  // Output bias 40: Z ~ 40, A = sigma(Z) rounds to exactly 1. With y = 1: dL/dA = -1 + 0/0 = NaN.
  const { page, errors, close } = await openFixture("inspect=w-3-0-1&saturate=1&target=1");
  try {
    const slots = await readSlots(page);
    const { trace } = await traceInPage(page);
    const out = trace.layers[2];
    assert.equal(out.a[0], 1, "A rounds to exactly 1");
    assert.equal(slots["a:2:0"].text, "1");
    assert.equal(slots["dL_dA:2:0"].text, "NaN");
    assert.equal(slots["unfused:0"].text, "NaN");
    assert.equal(slots["fused:0"].text, "0");
    assert.equal(slots["dL_dZ:2:0"].text, "0");
    const note = await page.evaluate(() => document.getElementById("host").shadowRoot.querySelector(".insp-note")?.textContent ?? "");
    assert.match(note, /differ/);
    assert.match(note, /rounds to exactly 1|exactly 1/);
    assert.match(note, /A − y/);
    assert.match(note, /engine computes ∂L\/∂Z as A − y/);
    assert.match(note, /stays finite/);
    const live = await page.evaluate(() => document.getElementById("host").shadowRoot.querySelector("[aria-live]").textContent);
    assert.match(live, /saturated/);
    assert.equal((await fdAgrees(page, "w")).agree, "yes");
    await shot(page, "saturated");

    // y = 0 at the same point: dL/dA = 1/0 = infinity, times dA/dZ = 0 is NaN; A - y = 1.
    const url = `${env.server.url}tests/e2e/fixtures/inspector.html?inspect=n-3-0&saturate=1&target=0`;
    await page.goto(url);
    await page.waitForSelector("body[data-ready=yes]");
    const s2 = await readSlots(page);
    assert.equal(s2["dL_dA:2:0"].text, "∞");
    assert.equal(s2["unfused:0"].text, "NaN");
    assert.equal(s2["fused:0"].text, "1");
    assert.equal((await fdAgrees(page, "nZ")).agree, "yes", "dL/dZ = 1 checked through the bias");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("relu hidden, linear output, squared loss: dL/dA = A - y, dA/dZ = 1 or 0 from Z, no fused form", async () => {
  const { page, errors, close } = await openFixture("layers=2,3,1&hidden=relu&output=linear&loss=squared&inspect=w-1-1-0&example=2&steps=50");
  try {
    const slots = await readSlots(page);
    const { trace } = await traceInPage(page);
    const [l0, l1] = trace.layers;
    await assertShown(page, slots, "dL_dA:1:0", l1.dL_dA[0]);
    assert.ok(relClose(l1.dL_dA[0], l1.a[0] - trace.target[0], 1e-15), "squared loss: dL/dA = A - y");
    await assertShown(page, slots, "dA_dZ:1:0", 1);
    await assertShown(page, slots, "dA_dZ:0:1", l0.dA_dZ[1]);
    assert.equal(l0.dA_dZ[1], l0.z[1] > 0 ? 1 : 0);
    await assertShown(page, slots, "dL_dW:0:1:0", l0.dL_dW[1][0]);
    const text = await page.evaluate(() => document.getElementById("host").shadowRoot.querySelector(".insp-body").textContent);
    assert.match(text, l0.z[1] > 0 ? /here Z = [\d.]+ > 0/ : /here Z = −?[\d.]+ ≤ 0/);
    assert.doesNotMatch(text, /what the engine uses/, "the fused comparison is only for sigmoid with bce");
    const fd = await fdAgrees(page, "w");
    assert.equal(fd.agree, "yes", fd.text);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("a rebuilt network that no longer has the selection hides the panel; accessible names and heading", async () => {
  const { page, errors, close } = await openFixture("inspect=w-3-0-1");
  try {
    const a11y = await page.evaluate(() => {
      const root = document.getElementById("host").shadowRoot;
      const section = root.querySelector("section.insp");
      return {
        labelledBy: root.getElementById(section.getAttribute("aria-labelledby"))?.tagName,
        buttons: Array.from(root.querySelectorAll("button"), (b) => b.getAttribute("aria-label") ?? b.textContent.trim()),
        live: root.querySelector("[aria-live]").getAttribute("aria-live"),
      };
    });
    assert.equal(a11y.labelledBy, "H2");
    assert.ok(a11y.buttons.includes("Freeze"));
    assert.ok(a11y.buttons.includes("Close the derivation"));
    assert.ok(a11y.buttons.every((b) => b.length > 0), "every control has a name");
    assert.equal(a11y.live, "polite");

    // A "see also" link moves the selection and reports it.
    await page.locator("#host").getByRole("button", { name: "bias b[3] 0" }).click();
    const after = await page.evaluate(() => ({
      selected: window.fixture.state.selected.at(-1),
      shown: document.getElementById("host").shadowRoot.querySelector(".insp").dataset.inspect,
    }));
    assert.deepEqual(after.selected, { kind: "b", l: 2, j: 0 });
    assert.equal(after.shown, "b-3-0");

    const hidden = await page.evaluate(() => {
      const { engine } = window.fixture;
      const net = new engine.Network({ layers: [2, 3, 1], seed: 2 });
      window.fixture.setNet(net);
      window.fixture.select("w-3-0-1");
      return {
        hidden: document.getElementById("host").shadowRoot.querySelector(".insp").hidden,
        highlight: window.fixture.state.highlight,
        status: document.getElementById("status").textContent,
      };
    });
    assert.equal(hidden.hidden, true);
    assert.equal(hidden.highlight, null);
    assert.match(hidden.status, /weight layer 3 does not exist/);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("narrow: the panel works full width on a phone", async () => {
  const { page, errors, close } = await openFixture("inspect=w-1-0-0&width=full", { viewport: { width: 360, height: 740 } });
  try {
    const overflow = await page.evaluate(() => {
      const root = document.getElementById("host").shadowRoot;
      const panel = root.querySelector(".insp");
      const box = panel.getBoundingClientRect();
      // Nothing but the tables (which scroll) may stick out of the panel.
      const out = [];
      for (const el of root.querySelectorAll(".insp-row, .insp-compare, .insp-check, .insp-note, .insp-head")) {
        const r = el.getBoundingClientRect();
        if (r.right > box.right + 0.5) out.push(`${el.className} ${Math.round(r.right - box.right)}px`);
      }
      return { width: box.width, out };
    });
    assert.ok(overflow.width <= 360, `panel ${overflow.width}px`);
    assert.deepEqual(overflow.out, []);
    await shot(page, "narrow");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the demo page opens the inspector from the URL: index.html#inspect=w-1-0-0 shows the full chain", { skip: !fs.existsSync(new URL("../../www/element.js", import.meta.url)) && "www/element.js not there yet" }, async () => {
  const { page, errors, close } = await openPage(env.browser, `${env.server.url}index.html#inspect=w-1-0-0`, { viewport: { width: 1366, height: 900 } });
  try {
    await page.waitForFunction(
      () => document.querySelector("backprop-viz")?.shadowRoot?.querySelector('.insp:not([hidden]) [data-slot="dL_dW:0:0:0"]'),
      null,
      { timeout: 15_000 },
    );
    const got = await page.evaluate(() => {
      const el = document.querySelector("backprop-viz");
      const root = el.shadowRoot;
      const slots = {};
      for (const s of root.querySelectorAll(".insp [data-slot]")) if (!(s.dataset.slot in slots)) slots[s.dataset.slot] = s.title;
      // The picked example, which the element derives the chain for.
      const ex = el.example;
      const t = ex ? el.network.trace(ex.input, ex.target) : null;
      return {
        inspect: root.querySelector(".insp").dataset.inspect,
        steps: Array.from(root.querySelectorAll(".insp-step-h"), (h) => h.textContent),
        maths: root.querySelectorAll(".insp math").length,
        agree: root.querySelector('[data-slot="fd:w"]')?.closest(".insp-check")?.querySelector(".insp-verdict")?.dataset.agree,
        slots,
        t,
        layers: Array.from(el.network.layers),
      };
    });
    assert.equal(got.inspect, "w-1-0-0");
    assert.deepEqual(got.layers, [2, 4, 2, 1]);
    assert.equal(got.steps.length, 5, got.steps.join(" | "));
    assert.match(got.steps.at(-1), /The weight/);
    assert.ok(got.maths > 20);
    assert.equal(got.agree, "yes", "the finite difference agrees");
    assert.ok(got.t, "the element exposes the picked example");
    const [l0, l1, l2] = got.t.layers;
    assert.equal(got.slots["dL_dW:0:0:0"], String(l0.dL_dW[0][0]));
    assert.equal(got.slots["dL_dZ:0:0"], String(l0.dL_dZ[0]));
    assert.equal(got.slots["dL_dA:0:0"], String(l0.dL_dA[0]));
    assert.equal(got.slots["dL_dZ:1:1"], String(l1.dL_dZ[1]));
    assert.equal(got.slots["dL_dZ:2:0"], String(l2.dL_dZ[0]));
    assert.equal(got.slots.loss, String(got.t.loss));
    await page.evaluate(() => document.querySelector("backprop-viz").shadowRoot.querySelector(".insp").scrollIntoView());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "inspector-demo.png") });
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

// ---------------------------------------------------------------------------------------
// Multiclass: a softmax output with categorical cross-entropy (issue 9), and regression
// ---------------------------------------------------------------------------------------

const SOFTMAX = "layers=2,4,3&output=softmax&loss=cce&data=blobs3";

/** Every relation the panel shows (tests/e2e/arithmetic.mjs), and the ones that fail. */
async function arithmetic(page) {
  const read = await page.evaluate(collectRelations, "#host");
  return { ...read, failures: checkRelations(read.relations), kinds: new Set(read.relations.map((r) => r.kind)) };
}

function assertArithmetic(a, what) {
  assert.deepEqual(a.failures.map((f) => `${f.where}: ${f.why}`), [], `${what}: relations that do not hold`);
}

const panelText = (page, selector = ".insp-body") => page.evaluate((s) => document.getElementById("host").shadowRoot.querySelector(s)?.textContent ?? "", selector);

test("softmax output neuron: the loss, the softmax, dL/dA, the Jacobian column and its term-by-term sum, beside A - y", async () => {
  // Training point #0 is class 2: for output neuron 0, y_0 = 0.
  const { page, errors, close } = await openFixture(`${SOFTMAX}&inspect=n-2-0&example=0&width=560`, { viewport: { width: 1280, height: 900 } });
  try {
    const slots = await readSlots(page);
    const { trace } = await traceInPage(page);
    const out = trace.layers[1];
    const y = trace.target;
    assert.deepEqual(y, [0, 0, 1], "training point #0 is class 2");
    // The loss, term by term, and the softmax from the Z's.
    await assertShown(page, slots, "loss", trace.loss);
    // e^Z and ln as the page's Math computes them (Node's may differ in the last bit).
    const { exps, lns } = await page.evaluate((t) => ({ exps: t.z.map(Math.exp), lns: t.a.map(Math.log) }), out);
    let ex = 0;
    for (let k = 0; k < 3; k++) {
      await assertShown(page, slots, `lossterm:${k}`, y[k] === 0 ? 0 : -y[k] * lns[k]);
      await assertShown(page, slots, `exp:${k}`, exps[k]);
      await assertShown(page, slots, `a:1:${k}`, out.a[k]);
      ex += exps[k];
    }
    await assertShown(page, slots, "expsum", ex);
    assert.ok(relClose(-Math.log(out.a[2]), trace.loss, 1e-12), "L = -ln A_2 for class 2");
    // dL/dA_i = -y_i/A_i for every output, and column 0 of the Jacobian.
    const j = 0;
    let sum = 0;
    for (let i = 0; i < 3; i++) {
      await assertShown(page, slots, `dL_dA:1:${i}`, out.dL_dA[i]);
      await assertShown(page, slots, `jac:1:${i}:${j}`, out.jacobian[i][j]);
      assert.ok(relClose(out.jacobian[i][j], out.a[i] * ((i === j ? 1 : 0) - out.a[j]), 1e-12), `dA_${i}/dZ_${j} = A_${i}(delta - A_${j})`);
      const term = out.dL_dA[i] * out.jacobian[i][j];
      await assertShown(page, slots, `jterm:1:${i}:${j}`, term);
      sum += term;
    }
    // The sum is the engine's unfused chain; the simplification is its fused A - y.
    await assertShown(page, slots, `unfused:${j}`, out.dL_dZ_unfused[j]);
    assert.ok(relClose(sum, out.dL_dZ_unfused[j], 1e-12), `the terms add up to dL_dZ_unfused (${sum} vs ${out.dL_dZ_unfused[j]})`);
    await assertShown(page, slots, `fused:${j}`, out.dL_dZ[j]);
    assert.ok(relClose(out.dL_dZ[j], out.a[j] - y[j], 1e-15), "dL_dZ = A - y");
    assert.ok(relClose(out.dL_dZ_unfused[j], out.dL_dZ[j], 1e-9), "the two forms agree");
    await assertShown(page, slots, `res.dL_dZ:2:${j}`, out.dL_dZ[j]);
    await assertShown(page, slots, `res.dL_dA:2:${j}`, out.dL_dA[j]);

    const text = await panelText(page);
    assert.match(text, /Output layer \[2\] · softmax, neuron 0/);
    assert.match(text, /Both forms (give the same number|agree)/);
    const why = await panelText(page, ".insp-derive");
    assert.match(why, /why they are equal/i);
    assert.match(why, /cancels/);
    assert.match(why, /sum of the y's, which is 1 for a one-hot target/);
    assert.doesNotMatch(text, /saturated/i);
    // Finite differences: dL/dZ through the bias, dL/dA on the cross-entropy formula.
    const fdZ = await fdAgrees(page, "nZ");
    assert.equal(fdZ.agree, "yes", fdZ.text);
    assert.ok(relClose(Number(fdZ.title), out.dL_dZ[j], 1e-6), `FD ${fdZ.title} vs ${out.dL_dZ[j]}`);
    const fdA = await fdAgrees(page, "nAout");
    assert.equal(fdA.agree, "yes", fdA.text);
    assert.match(fdA.text, /−Σ y ln A/);

    const a = await arithmetic(page);
    assertArithmetic(a, "softmax output neuron");
    for (const kind of ["-y·ln(a)", "exp", "div", "mul", "a(d-b)", "sub", "sum"]) assert.ok(a.kinds.has(kind), `the panel shows a ${kind} relation (${[...a.kinds]})`);
    assert.ok(a.relations.length >= 20, `${a.relations.length} relations`);
    await shot(page, "softmax-neuron");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("softmax output weight: dL/dW = (A - y) A_prev, with the true class's chain (y_j = 1) and a finite difference", async () => {
  const { page, errors, close } = await openFixture(`${SOFTMAX}&inspect=w-2-2-1&example=0`);
  try {
    const slots = await readSlots(page);
    const { trace, weights } = await traceInPage(page);
    const [l0, out] = trace.layers;
    await assertShown(page, slots, "W:1:2:1", weights[1][2][1]);
    await assertShown(page, slots, "Aprev:1:1", l0.a[1]);
    await assertShown(page, slots, "dL_dW:1:2:1", out.dL_dW[2][1]);
    assert.ok(relClose(out.dL_dW[2][1], (out.a[2] - 1) * l0.a[1], 1e-14), "dL/dW = (A - y) A_prev");
    await assertShown(page, slots, "unfused:2", out.dL_dZ_unfused[2]);
    await assertShown(page, slots, "fused:2", out.dL_dZ[2]);
    for (let i = 0; i < 3; i++) await assertShown(page, slots, `jac:1:${i}:2`, out.jacobian[i][2]);
    const fd = await fdAgrees(page, "w");
    assert.equal(fd.agree, "yes", fd.text);
    assert.ok(fd.digits >= 6, `finite difference agrees to ${fd.digits} digits`);
    const steps = await page.evaluate(() => Array.from(document.getElementById("host").shadowRoot.querySelectorAll(".insp-step-h"), (h) => h.textContent));
    assert.deepEqual(steps.length, 3, steps.join(" | "));
    assert.match(steps[1], /Output layer.*softmax, neuron 2/);
    const hl = await page.evaluate(() => window.fixture.state.highlight);
    assert.deepEqual(hl, { edges: [[1, 2, 1]], neurons: [[1, 1], [2, 2]] });
    assertArithmetic(await arithmetic(page), "softmax output weight");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("softmax hidden weight: the output layer's table has A, y, dL/dA and dL/dZ = A - y, and says dA/dZ is a matrix", async () => {
  const { page, errors, close } = await openFixture(`${SOFTMAX}&inspect=w-1-1-0&example=5`);
  try {
    const slots = await readSlots(page);
    const { trace, weights } = await traceInPage(page);
    const [l0, out] = trace.layers;
    for (let i = 0; i < 3; i++) {
      await assertShown(page, slots, `a:1:${i}`, out.a[i]);
      await assertShown(page, slots, `y:${i}`, trace.target[i]);
      await assertShown(page, slots, `dL_dA:1:${i}`, out.dL_dA[i]);
      await assertShown(page, slots, `dL_dZ:1:${i}`, out.dL_dZ[i]);
      assert.equal(slots[`dA_dZ:1:${i}`], undefined, "no dA/dZ column: it is a matrix");
    }
    const table = await page.evaluate(() => {
      const root = document.getElementById("host").shadowRoot;
      const t = root.querySelector(".insp-table");
      return { cols: t.querySelectorAll("thead th").length, caption: t.closest(".insp-step").textContent };
    });
    assert.equal(table.cols, 5, "i, A, y, dL/dA, dL/dZ = A - y");
    assert.match(table.caption, /3 × 3 matrix/);
    assert.match(table.caption, /collapses to A − y/);
    // Hidden neuron 1: dL/dA sums dL/dZ * W over the three outputs.
    let sum = 0;
    for (let r = 0; r < 3; r++) {
      const term = out.dL_dZ[r] * weights[1][r][1];
      await assertShown(page, slots, `term:1:${r}:1`, term);
      sum += term;
    }
    assert.ok(relClose(sum, l0.dL_dA[1], 1e-14));
    await assertShown(page, slots, "dL_dW:0:1:0", l0.dL_dW[1][0]);
    const fd = await fdAgrees(page, "w");
    assert.equal(fd.agree, "yes", fd.text);
    assert.ok(relClose(Number(fd.title), l0.dL_dW[1][0], 1e-5));
    assertArithmetic(await arithmetic(page), "softmax hidden weight");

    // The same for a hidden neuron, and the batch mean of an output bias.
    await page.evaluate(() => window.fixture.select("n-1-3"));
    for (const what of ["nZ", "nA"]) assert.equal((await fdAgrees(page, what)).agree, "yes", what);
    await page.evaluate(() => {
      window.fixture.select("b-2-1");
      window.fixture.setBatch(true);
    });
    const s2 = await readSlots(page);
    const eb = await page.evaluate(() => window.fixture.net.gradients().dL_db[1][1]);
    assert.ok(relClose(Number(s2["batch.result"].title), eb, 1e-12), "the batch mean is the engine's dL/db");
    const head = await page.evaluate(() => Array.from(document.getElementById("host").shadowRoot.querySelectorAll(".insp-step:last-of-type thead th"), (th) => th.textContent));
    assert.match(head.at(-1), /A.*−.*y/, "the output bias's batch table shows dL/db = A - y");
    assert.equal((await fdAgrees(page, "b")).agree, "yes", "the batch's finite difference");
    assertArithmetic(await arithmetic(page), "softmax batch");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("softmax while training plays: every shown relation holds, for each kind of selection", async () => {
  const { page, errors, close } = await openFixture(`${SOFTMAX}&inspect=n-2-1&example=4&steps=0&lr=0.3&autoplay=1`);
  try {
    const renders = () => page.evaluate(() => Number(document.getElementById("host").shadowRoot.querySelector(".insp").dataset.renders));
    const statuses = new Set();
    let total = 0;
    for (const sel of ["n-2-1", "w-2-0-3", "b-2-2", "w-1-2-1", "n-1-0", "n-0-1"]) {
      await page.evaluate((s) => window.fixture.select(s), sel);
      for (let i = 0; i < 4; i++) {
        // Wait for the panel to show new numbers rather than for a fixed time.
        const r = await renders();
        await page.waitForFunction((n) => Number(document.getElementById("host").shadowRoot.querySelector(".insp").dataset.renders) > n, r, { timeout: 30_000 });
        const a = await arithmetic(page);
        assertArithmetic(a, `playing, inspect=${sel}, ${a.status}`);
        assert.ok(a.relations.length >= 10, `${sel}: ${a.relations.length} relations`);
        total += a.relations.length;
        statuses.add(a.status);
      }
    }
    assert.ok(statuses.size >= 6, `the numbers followed training (${[...statuses].join(", ")})`);
    assert.ok(total >= 300, `${total} relations checked`);
    await page.evaluate(() => window.fixture.play(false));
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("saturated softmax: an output rounds to 0, -y/A is infinite and the unfused sum NaN; the panel says why, and A - y stays finite", async () => {
  // Output bias 800: A_0 = 1, A_1 = A_2 = 0 exactly. Class 2: confidently wrong.
  const { page, errors, close } = await openFixture(`${SOFTMAX}&inspect=n-2-2&saturate=1&target=2`);
  try {
    const slots = await readSlots(page);
    const { trace } = await traceInPage(page);
    const out = trace.layers[1];
    assert.deepEqual(Array.from(out.a), [1, 0, 0]);
    assert.equal(slots["a:1:0"].text, "1");
    assert.equal(slots["a:1:2"].text, "0");
    assert.equal(slots["dL_dA:1:2"].text, "−∞", "-1/0");
    assert.equal(slots["dL_dA:1:1"].text, "NaN", "-0/0");
    assert.equal(slots["unfused:2"].text, "NaN");
    assert.equal(slots["fused:2"].text, "−1", "A - y = 0 - 1");
    await assertShown(page, slots, "fused:2", out.dL_dZ[2]);
    // The loss: the literal formula is infinite, the engine's (from Z) is not.
    assert.ok(Number.isFinite(trace.loss) && trace.loss > 100, `a confidently wrong answer costs about max Z - Z_y (${trace.loss})`);
    await assertShown(page, slots, "loss", trace.loss);
    assert.equal(slots["loss.literal"].text, "∞");
    assert.match(await panelText(page, "[data-shape=note-loss]"), /log-sum-exp/);
    const note = await panelText(page, "[data-shape=note-softmax-nonfinite]");
    assert.match(note, /round to 0/);
    assert.match(note, /divides by zero/);
    assert.match(note, /NaN/);
    assert.match(note, /engine computes ∂L\/∂Z as A − y/);
    assert.match(note, /stays finite/);
    assert.match(await panelText(page, ".insp-headline"), /saturated/);
    assert.match(await page.evaluate(() => document.getElementById("host").shadowRoot.querySelector("[aria-live]").textContent), /saturated/);
    assert.equal((await fdAgrees(page, "nZ")).agree, "yes", "dL/dZ = -1 checked through the bias");
    // What the panel shows still holds, in IEEE arithmetic: -1/0 = -inf, -0/0 = NaN, NaN * 0 = NaN.
    const a = await arithmetic(page);
    assertArithmetic(a, "saturated softmax");
    assert.ok(a.kinds.has("exp(a-b)"), "e^Z would overflow: the largest Z is taken out first");
    await shot(page, "softmax-saturated");

    // The saturated class is the right one: the loss is finite both ways, the sum is still NaN.
    await page.goto(`${env.server.url}tests/e2e/fixtures/inspector.html?${SOFTMAX}&inspect=w-1-0-0&saturate=1&target=0`);
    await page.waitForSelector("body[data-ready=yes]");
    const s2 = await readSlots(page);
    assert.equal(s2["loss.literal"], undefined, "-ln 1 = 0 is the loss");
    assert.ok(await panelText(page, "[data-shape=note-table]"), "the output layer's table notes the saturation");
    assert.equal((await fdAgrees(page, "w")).agree, "yes");
    assertArithmetic(await arithmetic(page), "saturated softmax, hidden weight");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("softmax at 360 px: the chain fits the phone's width and every relation still reads", async () => {
  const { page, errors, close } = await openFixture(`${SOFTMAX}&inspect=w-2-2-1&example=0&width=full`, { viewport: { width: 360, height: 740 } });
  try {
    const overflow = await page.evaluate(() => {
      const root = document.getElementById("host").shadowRoot;
      const box = root.querySelector(".insp").getBoundingClientRect();
      const out = [];
      for (const el of root.querySelectorAll(".insp-row, .insp-compare, .insp-derive, .insp-check, .insp-note, .insp-head, .insp-cap")) {
        const r = el.getBoundingClientRect();
        if (r.right > box.right + 0.5) out.push(`${el.className} ${Math.round(r.right - box.right)}px`);
      }
      // A substitution broken inside a number or a factor is hard to read: each must be on one line
      // or break only at its spaces.
      const broken = [];
      for (const s of root.querySelectorAll(".insp-subst .insp-num")) if (s.getClientRects().length > 1) broken.push(s.textContent);
      return { width: box.width, out, broken };
    });
    assert.ok(overflow.width <= 360);
    assert.deepEqual(overflow.out, []);
    assert.deepEqual(overflow.broken, []);
    assertArithmetic(await arithmetic(page), "softmax at 360 px");
    await shot(page, "softmax-narrow");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("regression (linear output, squared loss, regressPlane): L = ½(A - y)², dL/dA = A - y, dA/dZ = 1, and the batch mean", async () => {
  const { page, errors, close } = await openFixture("layers=2,3,1&output=linear&loss=squared&data=regressPlane&inspect=w-2-0-1&example=2");
  try {
    const slots = await readSlots(page);
    const { trace } = await traceInPage(page);
    const [l0, out] = trace.layers;
    const y = trace.target[0];
    assert.ok(y !== 0 && y !== 1, `a real-valued target (${y})`);
    await assertShown(page, slots, "loss", trace.loss);
    assert.ok(relClose(trace.loss, 0.5 * (out.a[0] - y) ** 2, 1e-14), "L = ½(A - y)²");
    await assertShown(page, slots, "a:1:0", out.a[0]);
    assert.equal(out.a[0], out.z[0], "linear: A = Z");
    await assertShown(page, slots, "dL_dA:1:0", out.dL_dA[0]);
    assert.ok(relClose(out.dL_dA[0], out.a[0] - y, 1e-15));
    await assertShown(page, slots, "dA_dZ:1:0", 1);
    await assertShown(page, slots, "dL_dZ:1:0", out.dL_dZ[0]);
    await assertShown(page, slots, "dL_dW:1:0:1", out.dL_dW[0][1]);
    assert.ok(relClose(out.dL_dW[0][1], out.dL_dZ[0] * l0.a[1], 1e-15));
    const text = await panelText(page);
    assert.match(text, /Squared error/);
    assert.match(text, /½\(/);
    assert.doesNotMatch(text, /what the engine uses|softmax|cross-entropy/i);
    assert.equal((await fdAgrees(page, "w")).agree, "yes");
    const a = await arithmetic(page);
    assertArithmetic(a, "regression");
    for (const kind of ["½(a-b)²", "sub", "id", "mul"]) assert.ok(a.kinds.has(kind), `shows a ${kind} relation (${[...a.kinds]})`);
    await shot(page, "regression");

    // The output neuron (dL/dA on the squared-error formula) and the batch mean of the output bias.
    await page.evaluate(() => window.fixture.select("n-2-0"));
    assert.equal((await fdAgrees(page, "nAout")).agree, "yes");
    await page.evaluate(() => {
      window.fixture.select("b-2-0");
      window.fixture.setBatch(true);
    });
    const s2 = await readSlots(page);
    const eb = await page.evaluate(() => window.fixture.net.gradients().dL_db[1][0]);
    assert.ok(relClose(Number(s2["batch.result"].title), eb, 1e-12));
    assert.equal((await fdAgrees(page, "b")).agree, "yes");
    assertArithmetic(await arithmetic(page), "regression batch");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the arithmetic checker: each kind of relation passes when it holds within rounding and fails when it does not", () => {
  const R = (kind, ...args) => ({ kind, args, where: args.join(" ") });
  const good = [
    R("mul", "2.000", "3.000", "6.000"), R("mul", "(−1.067)", "0.05853", "−0.06243"), R("sub", "0.9376", "1", "−0.06240"),
    R("div", "−1", "0.9376", "−1.067"), R("div", "−0", "0.02774", "0"), R("div", "−1", "0", "−∞"), R("div", "−0", "0", "NaN"),
    R("mul", "(NaN)", "0", "NaN"), R("mul", "(−∞)", "0", "NaN"), R("a(d-b)", "0.9376", "1", "0.9376", "0.05853"),
    R("a(d-b)", "0.5000", "1", "0.5000", "0.2500"), R("a(d-b)", "0.1000", "0", "0.5000", "−0.05000"),
    R("-y·ln(a)", "0", "0.02774", "0"), R("-y·ln(a)", "0", "0", "0"), R("-y·ln(a)", "1", "0.6794", "0.3865"), R("-y·ln(a)", "1", "0", "∞"),
    R("exp", "2.574", "13.12"), R("exp(a-b)", "799.2", "799.2", "1"), R("½(a-b)²", "0.3080", "0.1220", "0.01729"), R("½(a-b)²", "0.3000", "0.3000", "0"),
    R("id", "0.3080", "0.3080"), R("sum", "0", "0", "0.06446", "0.06446"), R("sum", "0", "NaN", "NaN", "NaN"), R("1-a²", "0.01000", "0.9999"),
  ];
  assert.deepEqual(checkRelations(good).map((f) => `${f.kind} ${f.where}: ${f.why}`), []);
  const bad = [
    R("mul", "2.000", "3.000", "6.010"), R("div", "−0", "0", "0"), R("div", "−1", "0", "−1"), R("mul", "(−∞)", "0", "0"),
    R("a(d-b)", "0.9376", "1", "0.9376", "0.06000"), R("a(d-b)", "0.1000", "0", "0.5000", "0.05000"), R("-y·ln(a)", "1", "0.6794", "0.3875"),
    R("-y·ln(a)", "1", "0", "0"), R("exp", "2.574", "13.20"), R("½(a-b)²", "0.3080", "0.1220", "0.01800"), R("id", "1.234", "1.244"),
    R("sum", "0", "0", "∞", "0.3"), R("sum", "0.1000", "0.2000", "0.3100"), R("sub", "0.9376", "1", "0.06243"),
  ];
  assert.equal(checkRelations(bad).length, bad.length, "every false relation is caught");
});
