// Issue 11: the chain-rule inspector's numbers are one consistent snapshot. While the demo
// trains, in step mode and while frozen, every "a · b = c", "a − b = c", "1 − (a)² = c",
// "a(1 − a) = c", "σ(z) = a", "tanh(z) = a" and term-by-term sum the panel shows must hold for
// the numbers as shown, within their rounding (tests/e2e/arithmetic.mjs says exactly how).
// The panel is sampled many times; each sample is one synchronous read of the DOM, as a
// reader's eye would take it. The same checks run on an embedded element and on the tutorial.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, assertNoErrors, useServerAndBrowser, EMBED_CSP, screenshot } from "./harness.mjs";
import { collectRelations, checkRelations } from "./arithmetic.mjs";

const WAIT = { timeout: 60_000 };
const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": EMBED_CSP }) });

/** Reads the panel `samples` times, `gap` ms apart; returns every failing relation and counts. */
async function sample(page, selector, { samples = 10, gap = 150, minRelations = 1 } = {}) {
  const failures = [];
  let relations = 0;
  const statuses = new Set();
  for (let i = 0; i < samples; i++) {
    if (i) await page.waitForTimeout(gap);
    const read = await page.evaluate(collectRelations, selector);
    assert.ok(read.visible, `the inspector of ${selector} is open`);
    assert.ok(read.relations.length >= minRelations, `${selector}: the panel shows at least ${minRelations} relations (${read.relations.length})`);
    relations += read.relations.length;
    statuses.add(read.status);
    for (const f of checkRelations(read.relations)) failures.push(`${read.status}: ${f.where}: ${f.why}`);
  }
  return { failures, relations, statuses };
}

function assertConsistent({ failures, relations }, what) {
  assert.deepEqual(failures, [], `${what}: ${failures.length} of ${relations} relations do not hold within rounding:\n  ${failures.slice(0, 20).join("\n  ")}`);
}

async function openDemo(hash) {
  const opened = await openPage(env.browser, `${env.server.url}index.html#${hash}`, { viewport: { width: 1366, height: 900 } });
  await opened.page.waitForFunction(() => document.querySelector("backprop-viz")?.network, null, WAIT);
  await opened.page.evaluate(() => document.querySelector("backprop-viz").ready);
  return opened;
}

const setInspect = (page, value) =>
  page.evaluate((v) => {
    location.hash = location.hash.replace(/&inspect=[^&]*/, "") + `&inspect=${v}`;
  }, value);

// The panel shows the selection's numbers (not just its title while they are computed).
const waitInspecting = (page, value) =>
  page.waitForFunction(
    (v) => {
      const insp = document.querySelector("backprop-viz").shadowRoot.querySelector(".insp");
      return insp?.dataset.inspect === v && !!insp.querySelector(".insp-headline");
    },
    value,
    WAIT,
  );

// A weight in each of the three weight layers, a hidden and an output bias, a hidden, an
// output and an input neuron, on the default 2-4-2-1 tanh network with a sigmoid output.
const SELECTIONS = ["w-1-0-0", "w-2-1-3", "w-3-0-1", "b-1-2", "b-3-0", "n-1-3", "n-2-0", "n-3-0", "n-0-1"];

test("the demo's inspector: every shown product and difference holds while training plays", async () => {
  const { page, errors, close } = await openDemo("speed=1&inspect=w-1-0-0");
  try {
    await page.evaluate(() => document.querySelector("backprop-viz").play());
    let total = 0;
    const statuses = new Set();
    for (const sel of SELECTIONS) {
      await setInspect(page, sel);
      await waitInspecting(page, sel);
      const r = await sample(page, "backprop-viz", { samples: 8, gap: 180 });
      assertConsistent(r, `playing, inspect=${sel}`);
      total += r.relations;
      for (const s of r.statuses) statuses.add(s);
    }
    // Training really moved under the samples: the panel showed several different steps.
    assert.ok(statuses.size >= 3, `the panel updated live (${[...statuses].join(", ")})`);
    assert.ok(total >= 200, `enough relations were checked (${total})`);
    await screenshot(page, "consistency-playing");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the demo's inspector: consistent at every phase of step mode, for one example and for the batch", async () => {
  const { page, errors, close } = await openDemo("speed=1&inspect=w-2-0-1");
  try {
    // Train a little first, so the numbers are not the starting ones.
    await page.evaluate(() => document.querySelector("backprop-viz").play());
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.stepCount >= 30, null, WAIT);
    await page.evaluate(() => document.querySelector("backprop-viz").pause());
    const stepButton = page.locator("backprop-viz").locator("button.step");
    let checked = 0;
    for (const sel of ["w-2-0-1", "b-3-0", "n-1-1"]) {
      await setInspect(page, sel);
      await waitInspecting(page, sel);
      // One whole step is 2D + 1 = 7 phases; go through two steps, a phase at a time.
      for (let i = 0; i < 14; i++) {
        const before = await page.evaluate(() => JSON.stringify(document.querySelector("backprop-viz").phase));
        await stepButton.click();
        await page.waitForFunction((b) => JSON.stringify(document.querySelector("backprop-viz").phase) !== b, before, WAIT);
        // Read during the phase's tween and after it.
        const r = await sample(page, "backprop-viz", { samples: 3, gap: 200 });
        assertConsistent(r, `step mode, inspect=${sel}, phase ${i + 1}`);
        checked += r.relations;
      }
    }
    assert.ok(checked >= 100, `enough relations were checked (${checked})`);
    await screenshot(page, "consistency-step-mode");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the demo's inspector: Freeze holds one consistent snapshot while training goes on", async () => {
  const { page, errors, close } = await openDemo("speed=3&inspect=w-1-1-0");
  try {
    await page.evaluate(() => document.querySelector("backprop-viz").play());
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.stepCount >= 20, null, WAIT);
    const freeze = page.locator("backprop-viz").getByRole("button", { name: "Freeze" });
    await freeze.click();
    await page.waitForFunction(() => /frozen/.test(document.querySelector("backprop-viz").shadowRoot.querySelector(".insp-status").textContent), null, WAIT);
    const first = await page.evaluate(collectRelations, "backprop-viz");
    const steps0 = await page.evaluate(() => document.querySelector("backprop-viz").network.stepCount);
    const r = await sample(page, "backprop-viz", { samples: 8, gap: 200 });
    assertConsistent(r, "frozen while playing");
    const last = await page.evaluate(collectRelations, "backprop-viz");
    assert.deepEqual(last.relations, first.relations, "frozen numbers do not change");
    assert.ok((await page.evaluate(() => document.querySelector("backprop-viz").network.stepCount)) > steps0, "training went on under the frozen panel");
    // Moving the selection while frozen derives it on the frozen network, consistently too.
    for (const sel of ["b-2-1", "n-2-1", "w-3-0-0"]) {
      await setInspect(page, sel);
      await waitInspecting(page, sel);
      assertConsistent(await sample(page, "backprop-viz", { samples: 3, gap: 150 }), `frozen, inspect=${sel}`);
    }
    await freeze.click();
    await page.waitForFunction(() => /live/.test(document.querySelector("backprop-viz").shadowRoot.querySelector(".insp-status").textContent), null, WAIT);
    assertConsistent(await sample(page, "backprop-viz", { samples: 6, gap: 180 }), "thawed, playing");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("a softmax network's inspector is consistent while it trains: output neuron, output weight, hidden weight", async () => {
  const { page, errors, close } = await openDemo("dataset=blobs3&speed=1&inspect=n-3-1");
  try {
    await page.evaluate(() => document.querySelector("backprop-viz").play());
    for (const sel of ["n-3-1", "w-3-2-0", "w-1-0-1", "b-3-0"]) {
      await setInspect(page, sel);
      await waitInspecting(page, sel);
      assertConsistent(await sample(page, "backprop-viz", { samples: 6, gap: 180 }), `softmax, playing, inspect=${sel}`);
    }
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("an embedded element's inspector and the tutorial's figures are consistent while they train", async () => {
  const { page, errors, close } = await openPage(env.browser, `${env.server.url}examples/tutorial.html`, { viewport: { width: 1280, height: 900 } });
  try {
    await page.waitForFunction(() => [...document.querySelectorAll("backprop-viz")].every((e) => e.network), null, WAIT);
    for (const id of ["#neuron", "#xor", "#classes-fig"]) {
      await page.locator(id).scrollIntoViewIfNeeded();
      await page.evaluate((sel) => document.querySelector(sel).play(), id);
      await page.waitForFunction((sel) => document.querySelector(sel).network.stepCount >= 5, id, WAIT);
      const r = await sample(page, id, { samples: 10, gap: 180 });
      assertConsistent(r, `tutorial ${id}`);
      assert.ok(r.statuses.size >= 3, `${id} updated live (${[...r.statuses].join(", ")})`);
    }
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
