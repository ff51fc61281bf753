// <backprop-viz> as a guest in a page nobody on the project wrote: the two-line snippet,
// pasted twice, with the package copied under a sub-path (/vendor/backprop-viz/), everything
// served with the strict CSP. Checks that the instances are independent and live, that the
// wasm is fetched once, that autoplay follows the viewport and prefers-reduced-motion, that the
// element sizes itself to its container, and that it is a good guest: no globals, no style
// leaks either way, no eval or innerHTML, and bad or hostile attributes shown as a small text
// error inside the element only. Tests wait for conditions, never for fixed times.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { serve, launch, screenshot, assertNoErrors, REPO_ROOT, SCREENSHOT_DIR } from "./harness.mjs";
import {
  CSP, WAIT, copyPackage, onInstance, openEmbed, waitForPaint, runtimeFiles, tempDir, waitForInstances, writeFiles,
} from "./embedding.mjs";

// The snippet, with the host being the page's own origin under a sub-path.
const SNIPPET = `<script type="module" src="/vendor/backprop-viz/element.js"></script>
<backprop-viz layers="2,4,1" activation="tanh" dataset="xor" loss="bce" learning-rate="0.1"
              seed="3" view="gradients" controls="play,step,reset" inspect="w-2-0-1" autoplay></backprop-viz>`;

const filler = (n) =>
  Array.from({ length: n }, (_, i) => `<p>Paragraph ${i + 1} of the host's own article. It has nothing to do with neural networks; it is here to take up room so that the second figure starts far below the first.</p>`).join("\n");

const page = (title, head, body) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="icon" href="/icon.svg" type="image/svg+xml">
  ${head}
</head>
<body>
${body}
</body>
</html>
`;

const SITE = {
  "icon.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#2a6"/></svg>',
  "site.css": `body { margin: 0; font: 17px/1.6 Georgia, serif; color: #222; background: #fdfcf8; }
header { padding: 16px 24px; background: #2a3; color: #fff; }
main { max-width: 760px; margin: 0 auto; padding: 0 20px 40px; }
.figure { margin: 24px 0; }
.tall { height: 1600px; }
`,
  // Everything a careless or hostile page stylesheet might do to the element's inside.
  "hostile.css": `* { color: red !important; font-size: 40px; font-family: "Comic Sans MS", cursive; line-height: 3;
  letter-spacing: 4px; text-transform: uppercase; text-align: center; word-spacing: 12px; box-sizing: content-box; }
canvas { display: none !important; }
button, select, input { all: unset; background: hotpink; }
div { padding: 30px; border: 5px dotted blue; }
p, span, h3 { margin: 50px; display: inline; }
svg { width: 300px; height: 300px; }
math { display: none; }
body { margin: 0; }
.figure { width: 760px; padding: 0; border: 0; }
`,
  "plain.css": `body { margin: 0; } .figure { width: 760px; }
`,
  // Host elements whose look must not change when the element arrives.
  "leak.css": `body { margin: 8px; font: 15px/1.5 Arial, sans-serif; }
.box { padding: 7px; border: 2px solid #888; }
`,
};
SITE["index.html"] = page(
  "A page nobody on the project wrote",
  '<link rel="stylesheet" href="/site.css">',
  `<header><h1>Someone else's blog</h1></header>
<main>
  <p id="intro">This page pastes the two lines from the issue twice.</p>
  <div class="figure" id="first">
${SNIPPET}
  </div>
${filler(30)}
  <div class="figure" id="second">
${SNIPPET}
  </div>
  <div class="tall"></div>
</main>`,
);
SITE["late.html"] = page(
  "Loaded late",
  '<link rel="stylesheet" href="/site.css">',
  `<main>
  <div class="figure"><backprop-viz layers="2,4,1" dataset="xor" controls="play,step,reset" inspect="w-2-0-1" autoplay></backprop-viz></div>
  <div class="figure"><backprop-viz layers="2,1" controls="none"></backprop-viz></div>
</main>`,
);
for (const name of ["hostile", "plain"]) {
  SITE[`${name}.html`] = page(
    `Styles: ${name}`,
    `<link rel="stylesheet" href="/${name}.css">\n  <script type="module" src="/vendor/backprop-viz/element.js"></script>`,
    `<div class="figure"><backprop-viz layers="2,3,1" dataset="circle" seed="5" view="both" controls="play,step,reset,view" inspect="w-1-0-0"></backprop-viz></div>`,
  );
}
SITE["leak.html"] = page(
  "Styles must not leak out",
  '<link rel="stylesheet" href="/leak.css">',
  `<h1 id="h">Host heading</h1>
<p id="p">A host paragraph with <a id="a" href="#x">a link</a> and <span id="s">a span</span>.</p>
<div class="box" id="d"><button id="b" type="button">Host button</button> <select id="sel"><option>one</option></select>
<input id="i" value="text"> <canvas id="c" width="40" height="20"></canvas></div>
<ul id="ul"><li id="li">item</li></ul>
<div class="figure"><backprop-viz layers="2,2,1" controls="all" inspect="w-1-0-0"></backprop-viz></div>
<p id="after">The paragraph after the element.</p>`,
);
SITE["attributes.html"] = page(
  "Bad attributes",
  '<link rel="stylesheet" href="/site.css">\n  <script type="module" src="/vendor/backprop-viz/element.js"></script>',
  `<main>
  <h2 id="host-title">The host's own heading</h2>
  <div class="figure" id="hostile"><backprop-viz dataset="<img src=x onerror=alert(1)>" controls="play,<b>x</b>" autoplay></backprop-viz></div>
  <div class="figure" id="bad"><backprop-viz layers="2,65,1" learning-rate="fast" activation="softmax" inspect="w-9-9-9"
       height="tall" noise="-5" learningrate="0.3" controls="none"></backprop-viz></div>
  <div class="figure" id="good"><backprop-viz layers="2,1" controls="none"></backprop-viz></div>
  <p id="host-after">The host's own paragraph.</p>
</main>`,
);

let server;
let browser;
let site;

before(async () => {
  site = tempDir("backprop-viz-embed");
  writeFiles(site.dir, SITE);
  copyPackage(path.join(site.dir, "vendor/backprop-viz"));
  server = await serve({ root: site.dir, headers: () => ({ "Content-Security-Policy": CSP }) });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  site?.remove();
});

const wasmRequests = (requests) => requests.filter((u) => /\.wasm(\?|$)/.test(u));
const stepCount = (page, n) => onInstance(page, n, (el) => el.network.stepCount);
const frames = (page, n) =>
  page.evaluate((k) => new Promise((resolve) => {
    let left = k;
    const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), n);

test("the issue's snippet pasted twice under the CSP: two independent live networks, one wasm fetch", async () => {
  const { page, errors, requests, close } = await openEmbed(browser, `${server.url}index.html`);
  try {
    await waitForInstances(page, 2);
    for (const n of [0, 1]) {
      const s = await onInstance(page, n, (el) => ({ state: el.network.toState(), config: el.config }));
      assert.deepEqual(s.state.layers, [2, 4, 1]);
      assert.equal(s.state.hidden, "tanh");
      assert.equal(s.state.loss, "bce");
      assert.equal(s.state.learningRate, 0.1);
      assert.equal(s.state.seed, 3);
      assert.equal(s.config.dataset, "xor");
      assert.equal(s.config.view, "gradients");
      assert.deepEqual(s.config.inspect, { kind: "w", l: 1, j: 0, k: 1 });
      const buttons = await onInstance(page, n, (el) => [...el.shadowRoot.querySelectorAll(".toolbar button")].map((b) => b.textContent.trim()));
      assert.equal(buttons.length, 3);
      await waitForPaint(page, n, "diagram", 1000);
      await waitForPaint(page, n, "output", 10000);
    }
    // The first is in view and autoplays; the second, far below, waits at step 0.
    await page.waitForFunction(() => document.querySelectorAll("backprop-viz")[0].network.stepCount >= 20, null, WAIT);
    assert.equal(await stepCount(page, 1), 0, "the instance out of view has not trained");
    assert.equal(await onInstance(page, 1, (el) => el.playing), false);
    await screenshot(page, "embed-two-snippets", { fullPage: false });

    // Scrolled to the second: it plays, and the first, now out of view, pauses.
    await page.locator("#second").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll("backprop-viz")[1].network.stepCount >= 10, null, WAIT);
    await page.waitForFunction(() => !document.querySelectorAll("backprop-viz")[0].playing, null, WAIT);
    const paused = await stepCount(page, 0);
    await page.waitForFunction((k) => document.querySelectorAll("backprop-viz")[1].network.stepCount >= k + 20, await stepCount(page, 1), WAIT);
    assert.equal(await stepCount(page, 0), paused, "the first does not train while out of view");

    // Own state: stepping one leaves the other's weights alone.
    const other = await onInstance(page, 1, async (el) => { await el.pause(); return Array.from(el.views.refresh().weights); });
    const before = await onInstance(page, 0, (el) => Array.from(el.views.refresh().weights));
    await onInstance(page, 0, async (el) => { await el.stepOnce(); await el.stepOnce(); });
    assert.notDeepEqual(await onInstance(page, 0, (el) => Array.from(el.views.refresh().weights)), before);
    assert.deepEqual(await onInstance(page, 1, (el) => Array.from(el.views.refresh().weights)), other);

    // The same seed gives the same start: reset both, the weights agree bit for bit.
    await onInstance(page, 0, (el) => el.reset());
    await onInstance(page, 1, (el) => el.reset());
    assert.deepEqual(await onInstance(page, 0, (el) => Array.from(el.views.refresh().weights)), await onInstance(page, 1, (el) => Array.from(el.views.refresh().weights)));

    // A third instance made from script: still one wasm fetch for the page.
    await page.evaluate(() => {
      const el = document.createElement("backprop-viz");
      for (const [k, v] of [["layers", "2,2,1"], ["dataset", "moons"], ["controls", "play"], ["seed", "9"]]) el.setAttribute(k, v);
      document.querySelector("#intro").after(el);
    });
    await waitForInstances(page, 3);
    assert.equal(await onInstance(page, 2, async (el) => (await el.stepOnce(), el.network.stepCount)), 1);
    assert.deepEqual(wasmRequests(requests).map((u) => new URL(u).pathname), ["/vendor/backprop-viz/pkg/backprop_viz_bg.wasm"]);
    // The host page is as it was: its title, its URL (no hash written), its text.
    assert.equal(await page.title(), "A page nobody on the project wrote");
    assert.equal(new URL(page.url()).hash, "");
    assert.equal(await page.textContent("#intro"), "This page pastes the two lines from the issue twice.");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("no globals: loading the element and running three instances adds nothing to window", async () => {
  const { page, errors, close } = await openEmbed(browser, `${server.url}late.html`);
  try {
    const added = await page.evaluate(async () => {
      const names = new Set(Object.getOwnPropertyNames(window));
      const keys = new Set(Object.keys(window));
      await import("/vendor/backprop-viz/element.js");
      await Promise.all([...document.querySelectorAll("backprop-viz")].map((e) => customElements.whenDefined("backprop-viz").then(() => e.ready)));
      document.querySelector("backprop-viz").stepOnce();
      return {
        names: Object.getOwnPropertyNames(window).filter((k) => !names.has(k)),
        keys: Object.keys(window).filter((k) => !keys.has(k)),
      };
    });
    assert.deepEqual(added, { names: [], keys: [] });
    assert.ok(await page.evaluate(() => customElements.get("backprop-viz")?.name === "BackpropViz"), "the one registration");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the page's styles do not leak in: a hostile stylesheet leaves the element as on a plain page", async () => {
  const look = async (name) => {
    const opened = await openEmbed(browser, `${server.url}${name}.html`);
    await waitForInstances(opened.page, 1);
    const info = await onInstance(opened.page, 0, (el) => {
      const root = el.shadowRoot;
      const style = (sel) => {
        const cs = getComputedStyle(root.querySelector(sel));
        return {
          color: cs.color, fontSize: cs.fontSize, fontFamily: cs.fontFamily, letterSpacing: cs.letterSpacing,
          textTransform: cs.textTransform, lineHeight: cs.lineHeight, display: cs.display, padding: cs.padding,
        };
      };
      const box = (sel) => {
        const r = root.querySelector(sel).getBoundingClientRect();
        return [Math.round(r.width), Math.round(r.height)];
      };
      return {
        label: style(".metric-label"), value: style(".metric-value"), button: style(".toolbar .btn"), phase: style(".phase"),
        canvases: [...root.querySelectorAll("canvas")].map((c) => getComputedStyle(c).display),
        diagram: box("canvas.diagram"), output: box("canvas.output"), chart: box("canvas.chart"), main: box(".main"),
        math: root.querySelectorAll(".inspector-host math").length,
        mathShown: [...root.querySelectorAll(".inspector-host math")].every((m) => getComputedStyle(m).display !== "none"),
      };
    });
    await waitForPaint(opened.page, 0, "output", 10000); // the heatmap is drawn
    return { ...opened, info };
  };
  const plain = await look("plain");
  const hostile = await look("hostile");
  try {
    assert.ok(hostile.info.canvases.every((d) => d === "block"), "canvas { display: none } does not reach the element's canvases");
    assert.ok(hostile.info.math > 0 && hostile.info.mathShown, "math { display: none } does not hide the inspector's MathML");
    assert.equal(hostile.info.label.color, "rgb(91, 100, 114)", "* { color: red !important } does not reach the text");
    assert.equal(hostile.info.label.fontSize, "12.5px");
    assert.deepEqual(hostile.info, plain.info, "everything inside is as on a plain page");
    await screenshot(hostile.page, "embed-hostile-styles", { fullPage: false });
    assertNoErrors(plain.errors, "plain page");
    assertNoErrors(hostile.errors, "hostile page");
  } finally {
    await plain.close();
    await hostile.close();
  }
});

test("the element's styles do not leak out: the host page looks the same before and after it loads", async () => {
  const { page, errors, close } = await openEmbed(browser, `${server.url}leak.html`);
  try {
    const snapshot = () =>
      page.evaluate(() => {
        const props = ["color", "font-size", "font-family", "line-height", "margin", "padding", "display", "box-sizing",
          "background-color", "border", "letter-spacing", "text-transform", "outline", "cursor", "text-align", "visibility"];
        const out = {};
        for (const el of document.querySelectorAll("html, body, #h, #p, #a, #s, #d, #b, #sel, #i, #c, #ul, #li, #after")) {
          const cs = getComputedStyle(el);
          out[el.id || el.tagName] = props.map((p) => cs.getPropertyValue(p)).join("|");
        }
        return {
          out,
          sheets: document.styleSheets.length,
          adopted: document.adoptedStyleSheets.length,
          head: document.head.children.length,
          bodyChildren: document.body.children.length,
          after: Math.round(document.querySelector("#h").getBoundingClientRect().top),
        };
      });
    const before = await snapshot();
    await page.evaluate(() => import("/vendor/backprop-viz/element.js"));
    await waitForInstances(page, 1);
    const afterLoad = await snapshot();
    assert.deepEqual(afterLoad, before);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("bad and hostile attributes: a small text error inside that element naming the attribute and what is allowed; nothing injected", async () => {
  const { page, errors, requests, close } = await openEmbed(browser, `${server.url}attributes.html`);
  try {
    const hostBefore = await page.evaluate(() => ({ title: document.querySelector("#host-title").textContent, after: document.querySelector("#host-after").textContent, n: document.body.querySelectorAll("*").length }));
    await waitForInstances(page, 3);
    const hostile = page.locator("#hostile backprop-viz .notice");
    await hostile.waitFor({ state: "visible", ...WAIT });
    const text = await hostile.textContent();
    assert.match(text, /dataset: unknown value "<img src=x onerror=alert\(1\)>"; allowed: one of circle, xor, gaussian, spiral, moons, blobs3, spiral3, blobs4, quadrants4, regressPlane, regressGaussian, custom\. Using circle\./);
    assert.match(text, /controls: unknown name "<b>x<\/b>"; allowed: all, none, or a comma list of play, step, reset/);
    // Text, not markup: no element was made from the value, nothing was fetched, no alert ran.
    assert.equal(await onInstance(page, "#hostile backprop-viz", (el) => el.shadowRoot.querySelectorAll("img, b").length), 0);
    assert.equal(await page.evaluate(() => document.querySelectorAll("img, b").length), 0);
    assert.ok(!requests.some((u) => /\/x(\?|$)/.test(u)), "no request for the injected image");
    // Small: a notice above the visualizer, which still works with the defaults.
    const box = await hostile.boundingBox();
    assert.ok(box.height < 200, `the notice is small (${box.height}px)`);
    assert.equal(await onInstance(page, "#hostile backprop-viz", (el) => el.config.dataset), "circle");
    assert.ok(await onInstance(page, "#hostile backprop-viz", (el) => (el.stepOnce(), el.network.stepCount)) >= 1);
    await page.locator("#hostile").screenshot({ path: path.join(SCREENSHOT_DIR, "embed-hostile-attribute.png") });

    const bad = await page.locator("#bad backprop-viz .notice").textContent();
    for (const re of [
      /layers: layer size "65" is not a whole number from 1 to 64; allowed: a comma list of layer sizes, inputs first/,
      /learning-rate: "fast" is not a number; allowed: a number greater than 0, at most 10/,
      /activation: unknown value "softmax"; allowed: one of tanh, relu, leakyRelu, sigmoid, linear/,
      /noise: "-5" is out of range; allowed: a whole number from 0 to 50/,
      /height: "tall" is not a size; allowed: a number of pixels from 120 to 4000/,
      /learningrate: not a setting of this element; did you mean learning-rate\?/,
    ]) assert.match(bad, re);
    assert.match(bad, /inspect: "w-9-9-9" is not in a 2-4-2-1 network/);
    assert.equal(await page.locator("#good backprop-viz .notice").isVisible(), false, "the good instance shows nothing");
    const hostAfter = await page.evaluate(() => ({ title: document.querySelector("#host-title").textContent, after: document.querySelector("#host-after").textContent, n: document.body.querySelectorAll("*").length }));
    assert.deepEqual(hostAfter, hostBefore, "the rest of the page is untouched");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("the element's code has no innerHTML, eval or new Function", () => {
  const banned = [
    [/\.innerHTML\b/, "innerHTML"], [/\.outerHTML\b/, "outerHTML"], [/insertAdjacentHTML/, "insertAdjacentHTML"],
    [/document\.write/, "document.write"], [/\beval\s*\(/, "eval("], [/new\s+Function\b/, "new Function"],
    [/setHTMLUnsafe|createContextualFragment|DOMParser/, "HTML parsing"], [/set(Timeout|Interval)\(\s*["'`]/, "string timer"],
    [/\.setAttribute\(\s*["']style["']/, "inline style attribute"],
  ];
  const files = runtimeFiles();
  assert.ok(files.includes("www/element.js") && files.includes("pkg/backprop_viz.js"));
  for (const rel of files.filter((f) => f.endsWith(".js"))) {
    // Comments may name what the code avoids.
    const code = fs.readFileSync(path.join(REPO_ROOT, rel), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
    for (const [re, what] of banned) assert.doesNotMatch(code, re, `${rel} uses ${what}`);
  }
});

test("prefers-reduced-motion: autoplay waits with the first frame drawn; Play still trains", async () => {
  const { page, errors, close } = await openEmbed(browser, `${server.url}index.html`, { contextOptions: { reducedMotion: "reduce" } });
  try {
    await waitForInstances(page, 2);
    await frames(page, 30);
    assert.equal(await onInstance(page, 0, (el) => el.playing), false, "no autoplay for a reader who prefers reduced motion");
    assert.equal(await stepCount(page, 0), 0);
    await waitForPaint(page, 0, "diagram", 1000);
    await waitForPaint(page, 0, "output", 10000);
    await page.locator("backprop-viz >> nth=0").locator(".toolbar button", { hasText: "Play" }).click();
    await page.waitForFunction(() => document.querySelector("backprop-viz").network.stepCount >= 2, null, WAIT);
    // Instant steps: never caught mid-sweep.
    assert.ok(["idle", "update", "flow"].includes(await onInstance(page, 0, (el) => el.frame.anim.phase)));
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("it sizes itself to its container; the height attribute fixes its height", async () => {
  const { page, errors, close } = await openEmbed(browser, `${server.url}index.html`);
  try {
    await waitForInstances(page, 2);
    const measure = () =>
      onInstance(page, 0, (el) => {
        const r = (sel) => el.shadowRoot.querySelector(sel).getBoundingClientRect();
        return { host: el.getBoundingClientRect(), diagram: r("canvas.diagram"), output: r("canvas.output"), side: r(".side"), center: r(".center") };
      });
    const wide = await measure();
    assert.ok(Math.abs(wide.host.width - 760) < 2, `the host fills its 760px column (${wide.host.width})`);
    assert.ok(wide.side.left > wide.center.right - 1, "wide: the output sits beside the diagram");
    await page.evaluate(() => { document.querySelector("#first").style.width = "380px"; });
    await page.waitForFunction(() => {
      const el = document.querySelector("backprop-viz");
      return el.shadowRoot.querySelector("canvas.diagram").getBoundingClientRect().width < 380;
    }, null, WAIT);
    const narrow = await measure();
    assert.ok(narrow.side.top >= narrow.center.bottom - 1, "narrow: the output goes below the diagram");
    assert.ok(narrow.output.width > 200, "and the plot stays usable");
    await onInstance(page, 0, (el) => el.setAttribute("height", "520"));
    await page.waitForFunction(() => Math.round(document.querySelector("backprop-viz").getBoundingClientRect().height) === 520, null, WAIT);
    await onInstance(page, 0, (el) => el.removeAttribute("height"));
    await page.waitForFunction(() => Math.round(document.querySelector("backprop-viz").getBoundingClientRect().height) !== 520, null, WAIT);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("attribute changes update the instance; step and diverged events", async () => {
  const { page, errors, close } = await openEmbed(browser, `${server.url}index.html`);
  try {
    await waitForInstances(page, 2);
    const el = 1; // the second, out of view: nothing trains it but the test
    const w3 = await onInstance(page, el, (e) => Array.from(e.views.refresh().weights));
    await onInstance(page, el, (e) => e.setAttribute("seed", "4"));
    const w4 = await onInstance(page, el, (e) => Array.from(e.views.refresh().weights));
    assert.notDeepEqual(w4, w3, "another seed, other weights");
    await onInstance(page, el, (e) => e.setAttribute("seed", "3"));
    assert.deepEqual(await onInstance(page, el, (e) => Array.from(e.views.refresh().weights)), w3, "the seed decides the weights");
    await onInstance(page, el, (e) => e.setAttribute("layers", "2,3,2,1"));
    assert.deepEqual(await onInstance(page, el, (e) => Array.from(e.network.layers)), [2, 3, 2, 1]);
    await onInstance(page, el, (e) => e.setAttribute("view", "weights"));
    assert.equal(await onInstance(page, el, (e) => e.config.view), "weights");
    await onInstance(page, el, (e) => e.setAttribute("inspect", "b-3-0"));
    await page.waitForFunction(() => /Bias of the output neuron/.test(document.querySelectorAll("backprop-viz")[1].shadowRoot.querySelector(".inspector-host").textContent), null, WAIT);
    await onInstance(page, el, (e) => e.setAttribute("controls", "none"));
    assert.equal(await onInstance(page, el, (e) => e.shadowRoot.querySelectorAll(".toolbar button").length), 0);
    await onInstance(page, el, (e) => e.setAttribute("controls", "play,step,reset"));

    const events = await onInstance(page, el, async (e) => {
      const got = [];
      e.addEventListener("step", (ev) => got.push(ev.detail));
      await e.stepOnce();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return got;
    });
    assert.ok(events.length >= 1 && Number.isFinite(events.at(-1).loss) && events.at(-1).step === 1, JSON.stringify(events));

    const diverged = await onInstance(page, el, (e) => {
      for (const [k, v] of [["activation", "relu"], ["output", "linear"], ["loss", "squared"], ["learning-rate", "10"], ["speed", "10"]]) e.setAttribute(k, v);
      const p = new Promise((resolve) => e.addEventListener("diverged", (ev) => resolve(ev.detail), { once: true }));
      e.play();
      return p;
    });
    assert.ok(diverged.step >= 1 && /diverged/.test(diverged.message));
    assert.equal(await onInstance(page, el, (e) => e.playing), false, "divergence pauses");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
