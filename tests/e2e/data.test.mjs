// Issue 9 in the browser: multiclass and regression data sets, your own CSV data (setData,
// the file picker, drag and drop, `src`), export and import of the network, the picture, and
// links that restore the exact network. Every test fails on any console error; the server
// sends the strict CSP embedding pages use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, assertNoErrors, useServerAndBrowser, EMBED_CSP, screenshot } from "./harness.mjs";

const WAIT = { timeout: 60_000 };
const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": EMBED_CSP }) });

async function openDemo(hash = "") {
  const opened = await openPage(env.browser, `${env.server.url}index.html${hash}`, { viewport: { width: 1366, height: 900 } });
  await opened.page.waitForFunction(() => document.querySelector("backprop-viz")?.network, null, WAIT);
  await opened.page.evaluate(() => document.querySelector("backprop-viz").ready);
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

/** A CSV of three named classes around three centres, and one unreadable row per `bad`. */
function threeClassCsv(n = 240, bad = []) {
  const names = ["setosa", "versicolor", "virginica"];
  const lines = ["sepal,petal,species"];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const x = (Math.cos(c * 2.1) * 3 + Math.sin(i * 7.1) * 0.7).toFixed(4);
    const y = (Math.sin(c * 2.1) * 3 + Math.cos(i * 3.3) * 0.7).toFixed(4);
    lines.push(`${x},${y},${names[c]}`);
  }
  for (const row of bad) lines.splice(row.at, 0, row.text);
  return lines.join("\n");
}

/** The colours that cover at least `min` of the heatmap's pixels, as "r,g,b" strings. */
const heatColours = (page, min = 0.02) =>
  inEl(page, (el, m) => {
    const px = el.views.gridPixels;
    const counts = new Map();
    for (let i = 0; i < px.length; i += 4) {
      // Bucket by hue family: the class colours differ, the fading only moves toward grey.
      const key = `${px[i] >> 5},${px[i + 1] >> 5},${px[i + 2] >> 5}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const n = px.length / 4;
    return [...counts].filter(([, c]) => c / n >= m).map(([k]) => k);
  }, min);

test("multiclass: 3 and 4 classes train with a softmax, one output a class, and the heatmap shows the classes", async () => {
  const { page, errors, close } = await openDemo("#dataset=blobs3&speed=10&learning-rate=0.1");
  try {
    assert.deepEqual(await inEl(page, (el) => Array.from(el.network.layers)), [2, 4, 2, 3]);
    assert.deepEqual(await inEl(page, (el) => [el.config.output, el.config.loss]), ["softmax", "cce"]);
    await inEl(page, (el) => el.play());
    await page.waitForFunction(() => document.querySelector("backprop-viz").views.metrics[2] > 0.9, null, WAIT);
    await inEl(page, (el) => el.pause());
    // Three class colours each cover a good part of the plane.
    assert.ok((await heatColours(page, 0.1)).length >= 3, "three regions of three colours");
    const picker = await page.locator("backprop-viz .class-choice").count();
    assert.equal(picker, 3, "the class picker offers each class");
    await screenshot(page, "data-blobs3");

    // A click adds a point of the picked class.
    await page.locator("backprop-viz .class-choice").nth(2).click();
    const before = await inEl(page, (el) => el.data.train.labels.length);
    const box = await page.locator("backprop-viz canvas.output").boundingBox();
    await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.15);
    await page.waitForFunction((n) => document.querySelector("backprop-viz").data.train.labels.length === n + 1, before, WAIT);
    assert.equal(await inEl(page, (el) => el.data.train.labels.at(-1)), 2);

    // Four classes: the network is rebuilt with four outputs.
    await page.evaluate(() => {
      location.hash = location.hash.replace(/dataset=[^&]*/, "dataset=quadrants4");
    });
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.layers.at(-1) === 4, null, WAIT);
    assert.equal(await page.locator("backprop-viz .class-choice").count(), 4);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("regression: both of Playground's sets train a linear output with squared loss, on a diverging scale", async () => {
  const { page, errors, close } = await openDemo("#dataset=regressPlane&speed=10&learning-rate=0.03");
  try {
    assert.deepEqual(await inEl(page, (el) => [el.config.output, el.config.loss, Array.from(el.network.layers).at(-1)]), ["linear", "squared", 1]);
    const loss0 = await inEl(page, (el) => el.views.metrics[0]);
    await inEl(page, (el) => el.play());
    await page.waitForFunction((l) => document.querySelector("backprop-viz").views.metrics[0] < l / 20, loss0, WAIT);
    await inEl(page, (el) => el.pause());
    assert.equal(await page.locator("backprop-viz .metric-train-accuracy").isVisible(), false, "no accuracy for regression");
    // The plane's prediction runs from one end of the scale to the other.
    const ends = await inEl(page, (el) => {
      const px = el.views.gridPixels;
      const n = Math.sqrt(px.length / 4);
      const at = (r, c) => Array.from(px.subarray(4 * (r * n + c), 4 * (r * n + c) + 3));
      return { topRight: at(0, n - 1), bottomLeft: at(n - 1, 0) };
    });
    assert.ok(ends.topRight[2] > ends.topRight[0], `high values are blue (${ends.topRight})`);
    assert.ok(ends.bottomLeft[0] > ends.bottomLeft[2], `low values are orange (${ends.bottomLeft})`);
    await screenshot(page, "data-regress-plane");
    await page.evaluate(() => {
      location.hash = location.hash.replace(/dataset=[^&]*/, "dataset=regressGaussian");
    });
    await page.waitForFunction(() => document.querySelector("backprop-viz").config.dataset === "regressGaussian", null, WAIT);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("your own data: setData reads a CSV in the worker, skips bad rows by line number, and a rejected file loses nothing", async () => {
  const { page, errors, close } = await openDemo("#speed=10");
  try {
    const csv = threeClassCsv(240, [{ at: 5, text: "1.5,oops,setosa" }, { at: 9, text: "2,3" }]);
    const summary = await inEl(page, (el, text) => el.setData(text, { name: "flowers.csv" }), csv);
    assert.equal(summary.rows, 240);
    assert.equal(summary.task, "multiclass");
    assert.deepEqual(summary.classNames, ["setosa", "versicolor", "virginica"]);
    assert.equal(summary.skipped, 2);
    assert.deepEqual(summary.errors.map((e) => e.line), [6, 10], "errors name the file's line numbers");
    assert.match(await page.locator("backprop-viz .alert").textContent(), /2 could not be read.*line 6.*line 10/);
    assert.deepEqual(await inEl(page, (el) => [el.config.dataset, Array.from(el.network.layers)]), ["custom", [2, 4, 2, 3]]);
    assert.equal(await page.getByRole("combobox", { name: "Dataset" }).inputValue(), "custom");
    assert.match(await page.getByRole("combobox", { name: "Dataset" }).locator("option:checked").textContent(), /flowers\.csv/);
    const kept = await inEl(page, (el) => ({ n: el.data.train.labels.length, w: Array.from(el.views.weights) }));

    // Files that cannot be used are refused whole, with the reason, and change nothing.
    for (const [bad, why] of [
      ["x,y,label\n", /no readable rows|no data/i],
      ["x,y,label\n1,2,a\n3,4,a\n", /one class|only one|at least 2|at least two/i],
      ["just one column\n1\n2\n", /column|field/i],
    ]) {
      const err = await inEl(page, (el, t) => el.setData(t, { name: "bad.csv" }).then(() => null, (e) => e.message), bad);
      assert.ok(err, `${JSON.stringify(bad)} is refused`);
      assert.match(err, why);
      assert.match(err, /bad\.csv.*unchanged/);
      const now = await inEl(page, (el) => ({ n: el.data.train.labels.length, w: Array.from(el.views.weights) }));
      assert.deepEqual(now, kept, "the data and the network are as they were");
    }
    await inEl(page, (el) => el.play());
    await page.waitForFunction(() => document.querySelector("backprop-viz").views.metrics[2] > 0.9, null, WAIT);
    await inEl(page, (el) => el.pause());
    await screenshot(page, "data-csv");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the file picker and drag and drop load a CSV; a src attribute loads one into an embedded figure", async () => {
  const { page, errors, close } = await openDemo();
  try {
    // The picker (a real <input type=file> behind the "Load CSV…" button).
    const csv = "a,b,y\n" + Array.from({ length: 120 }, (_, i) => `${((i * 37) % 100) / 10 - 5},${((i * 53) % 100) / 10 - 5},${i % 2}`).join("\n");
    await page.locator("backprop-viz .file-row input[type=file]").setInputFiles({ name: "two.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.waitForFunction(() => document.querySelector("backprop-viz").config.dataset === "custom", null, WAIT);
    assert.equal(await inEl(page, (el) => el.data.task), "binary");
    assert.equal(await inEl(page, (el) => el.data.train.labels.length + el.data.test.labels.length), 120);

    // Drag and drop: a File in a DataTransfer, dropped on the figure.
    await page.evaluate((text) => {
      const el = document.querySelector("backprop-viz");
      const target = el.shadowRoot.querySelector(".bv");
      const dt = new DataTransfer();
      dt.items.add(new File([text], "dropped.csv", { type: "text/csv" }));
      target.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, threeClassCsv(90));
    await page.waitForFunction(() => document.querySelector("backprop-viz").data.task === "multiclass", null, WAIT);
    assert.match(await page.getByRole("combobox", { name: "Dataset" }).locator("option:checked").textContent(), /dropped\.csv/);

    // src on an embedded figure, in a page of its own.
    const embed = await openPage(env.browser, `${env.server.url}tests/e2e/fixtures/blank.html`, { viewport: { width: 900, height: 700 } });
    await embed.page.evaluate(async () => {
      await import("/element.js");
      const el = document.createElement("backprop-viz");
      el.setAttribute("src", "/tests/e2e/fixtures/three-classes.csv");
      el.setAttribute("layers", "2,6,3");
      document.body.append(el);
      await el.ready;
    });
    assert.deepEqual(await embed.page.evaluate(() => {
      const el = document.querySelector("backprop-viz");
      return [el.config.dataset, el.data.task, Array.from(el.network.layers)];
    }), ["custom", "multiclass", [2, 6, 3]]);
    // A src that cannot be loaded says so in that figure, and it trains on its data set instead.
    await embed.page.evaluate(async () => {
      const el = document.createElement("backprop-viz");
      el.id = "missing";
      el.setAttribute("src", "/no/such/file.csv");
      document.body.append(el);
      await el.ready;
    });
    assert.match(await embed.page.locator("#missing .alert").textContent(), /src: could not load .*no\/such\/file\.csv: HTTP 404/);
    assertNoErrors(embed.errors.filter((e) => !/404/.test(e)));
    await embed.close();
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("export and import: the network saves as the engine's JSON and loads back; a bad file changes nothing", async () => {
  const { page, errors, close } = await openDemo("#dataset=xor&layers=2,5,3,1&optimizer=adam&speed=3");
  try {
    await inEl(page, async (el) => {
      for (let i = 0; i < 30; i++) await el.stepOnce();
    });
    const download = page.waitForEvent("download");
    await page.locator("backprop-viz button", { hasText: "Save network" }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^backprop-viz-2-5-3-1-step30\.json$/);
    const saved = JSON.parse(await (await file.createReadStream()).toArray().then((c) => Buffer.concat(c).toString()));
    assert.deepEqual(saved.layers, [2, 5, 3, 1]);
    assert.equal(saved.optimizer, "adam");
    assert.equal(saved.stepCount, 30);
    assert.ok(saved.moments?.vWeights, "Adam's moments are saved, so training resumes where it was");
    const loss30 = await inEl(page, (el) => el.network.evaluate().trainLoss);

    // Train on, then load the saved file through the picker: back to step 30, same loss.
    await inEl(page, async (el) => {
      for (let i = 0; i < 10; i++) await el.stepOnce();
    });
    await page.locator("backprop-viz .share-row input[type=file]").setInputFiles({ name: "net.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(saved)) });
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.stepCount === 30, null, WAIT);
    assert.equal(await inEl(page, (el) => el.network.evaluate().trainLoss), loss30);

    // A network of another shape reshapes the figure; one that does not fit the data is refused.
    const other = { ...saved, layers: [2, 3, 1], weights: [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[1, -1, 0.5]]], biases: [[0, 0, 0], [0]], moments: undefined };
    await inEl(page, (el, s) => el.loadState(s), other);
    assert.deepEqual(await inEl(page, (el) => Array.from(el.network.layers)), [2, 3, 1]);
    const before = await inEl(page, (el) => Array.from(el.views.weights));
    for (const [bad, why] of [
      ["{not json", /not JSON/],
      [{ layers: [2, 3, 1], weights: [[[1, 2]]], biases: [[0]] }, /weights/],
      [{ ...other, layers: [2, 3, 4], output: "softmax", loss: "cce" }, /do not fit this data|outputs|softmax/],
      [{ ...other, learningRate: -3 }, /learningRate/],
    ]) {
      const err = await inEl(page, (el, s) => el.loadState(s).then(() => null, (e) => e.message), bad);
      assert.match(err ?? "", why, JSON.stringify(bad).slice(0, 80));
      assert.match(err, /unchanged/);
      assert.deepEqual(await inEl(page, (el) => Array.from(el.views.weights)), before);
    }

    // The picture: a PNG of the diagram beside the output.
    const png = page.waitForEvent("download");
    await page.locator("backprop-viz button", { hasText: "Save picture" }).click();
    const pic = await png;
    const bytes = Buffer.concat(await (await pic.createReadStream()).toArray());
    assert.equal(bytes.subarray(1, 4).toString(), "PNG");
    assert.ok(bytes.readUInt32BE(16) > 600 && bytes.readUInt32BE(20) > 250, `a picture of both views (${bytes.readUInt32BE(16)} x ${bytes.readUInt32BE(20)})`);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("copy link: the URL carries the exact network, its added points and loaded data, and restores it", async () => {
  const { page, errors, close, context } = await openDemo("#dataset=spiral&layers=2,8,8,8,8,8,8,1&speed=10&seed=5");
  try {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await inEl(page, async (el) => {
      el.play();
      await new Promise((r) => setTimeout(r, 800));
      await el.pause();
    });
    // A hand-added point is part of the data the loss is measured on.
    const box = await page.locator("backprop-viz canvas.output").boundingBox();
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.3, { modifiers: ["Shift"] });
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.trainSize === 251, null, WAIT);
    await page.locator("backprop-viz button", { hasText: "Copy link" }).click();
    await page.waitForFunction(() => /#.*&net=/.test(location.hash), null, WAIT);
    const url = await page.evaluate(() => location.href);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url, "the link is on the clipboard");
    assert.ok(url.length < 8192, `the link is ${url.length} characters`);
    const original = await inEl(page, (el) => ({ loss: el.network.evaluate().trainLoss, step: el.network.stepCount, n: el.network.trainSize }));

    const second = await openPage(env.browser, url, { viewport: { width: 1366, height: 900 } });
    await second.page.waitForFunction(() => document.querySelector("backprop-viz")?.network, null, WAIT);
    await second.page.evaluate(() => document.querySelector("backprop-viz").ready);
    const restored = await second.page.evaluate(() => {
      const el = document.querySelector("backprop-viz");
      return { loss: el.network.evaluate().trainLoss, step: el.network.stepCount, n: el.network.trainSize };
    });
    assert.equal(restored.step, original.step);
    assert.equal(restored.n, original.n);
    assert.ok(Math.abs(restored.loss - original.loss) <= 1e-12, `same loss: ${restored.loss} vs ${original.loss}`);
    assertNoErrors(second.errors);
    await second.close();

    // A damaged link: the settings still apply, the network starts from the seed, and it says so.
    const damaged = url.replace(/net=([A-Za-z0-9_-]{20})/, "net=$1$$$$");
    const third = await openPage(env.browser, damaged, { viewport: { width: 1366, height: 900 } });
    await third.page.waitForFunction(() => document.querySelector("backprop-viz")?.network, null, WAIT);
    await third.page.evaluate(() => document.querySelector("backprop-viz").ready);
    assert.match(await third.page.locator("backprop-viz .notice").textContent(), /net: the link's network is damaged/);
    assert.equal(await third.page.evaluate(() => document.querySelector("backprop-viz").network.stepCount), 0);
    assertNoErrors(third.errors);
    await third.close();
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the UI allows what the engine allows: 8 hidden layers of 64 neurons", async () => {
  const layers = [2, 64, 64, 64, 64, 64, 64, 64, 64, 1].join(",");
  const { page, errors, close } = await openDemo(`#layers=${layers}&speed=1`);
  try {
    assert.equal(await inEl(page, (el) => Array.from(el.network.layers).join(",")), layers);
    assert.equal(await page.locator("backprop-viz .notice").isVisible(), false, "no complaint about the size");
    await inEl(page, (el) => el.stepOnce());
    assert.equal(await inEl(page, (el) => el.network.stepCount), 1);
    // The buttons stop at the limits: no ninth hidden layer, no 65th neuron.
    assert.equal(await page.getByRole("button", { name: "Add a hidden layer" }).isDisabled(), true);
    assert.equal(await page.getByRole("button", { name: /Add a neuron to hidden layer 1/ }).isDisabled(), true);
    await screenshot(page, "data-8x64");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("many points are copied into the plot a few each frame, every one of them, and then the frames stop", async () => {
  const { page, errors, close } = await openDemo("#dataset=circle");
  try {
    // A 36 x 36 grid, 7 px apart on the plot: every dot's centre is its own colour.
    const rows = ["x1,x2,label"];
    for (let i = 0; i < 36; i++) for (let j = 0; j < 36; j++) rows.push(`${(-5.8 + i / 3).toFixed(3)},${(-5.8 + j / 3).toFixed(3)},${(i + j) % 2}`);
    const r = await inEl(page, async (el, text) => {
      el.output.stampBudget = 0; // 64 dots a frame at most
      // Frames that left dots for the next frame (each asks the loop for one).
      let frames = 0;
      const redraw = el.output.onRedraw;
      el.output.onRedraw = () => {
        frames++;
        redraw();
      };
      await el.setData(text, { name: "grid.csv" });
      for (let i = 0; i < 200 && el.output.stamps.length > 0; i++) await new Promise((res) => requestAnimationFrame(res));
      await new Promise((res) => setTimeout(res, 300));
      const out = el.output;
      const ov = out.overlay;
      const px = out.overlayCtx.getImageData(0, 0, ov.width, ov.height).data;
      const { inputs, labels } = out.train;
      let right = 0;
      const wrong = [];
      for (let i = 0; i < labels.length; i++) {
        const p = out.toCanvas(inputs[2 * i], inputs[2 * i + 1]);
        const x = Math.round(p.x * out.dpr);
        const y = Math.round(p.y * out.dpr);
        const k = 4 * (y * ov.width + x);
        const blue = px[k + 2] > px[k] + 60;
        const orange = px[k] > px[k + 2] + 60;
        if (px[k + 3] === 255 && (labels[i] === 1 ? blue : orange)) right++;
        else if (wrong.length < 5) wrong.push([i, labels[i], ...px.subarray(k, k + 4)]);
      }
      return { frames, n: labels.length, right, wrong, raf: el.loop.raf, left: out.stamps.length };
    }, rows.join("\n"));
    assert.ok(r.n > 600, `enough training points to be copied from sprites: ${r.n}`);
    assert.ok(r.frames >= 5, `copied over several frames (${r.frames})`);
    assert.equal(r.left, 0);
    assert.equal(r.right, r.n, `every point is drawn in its class's colour: ${JSON.stringify(r.wrong)}`);
    assert.equal(r.raf, 0, "no frame is pending once they are all drawn");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
