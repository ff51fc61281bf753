// Helpers for the embedding tests (embed.test.mjs, tutorial.test.mjs, package.test.mjs): pages
// that use <backprop-viz> the way a tutorial author does, under the strict CSP, with every
// console error, failed request and CSP violation collected.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT, EMBED_CSP } from "./harness.mjs";

/** The policy the issue names; the element must need nothing more. */
export const CSP = EMBED_CSP;
/** Generous: a slow shared machine only makes the tests slower. */
export const WAIT = { timeout: 90_000 };

/**
 * The files the element needs at run time, relative to the package root: what `npm pack`
 * must ship and what a page's server must serve (see package.json "files").
 */
export function runtimeFiles(root = REPO_ROOT) {
  const list = (dir, re) => fs.readdirSync(path.join(root, dir)).filter((f) => re.test(f)).map((f) => `${dir}/${f}`);
  return ["element.js", ...list("www", /\.js$/), ...list("pkg", /\.(js|wasm)$/)];
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the run-time files into `dest` (the package served under a sub-path). */
export function copyPackage(dest, root = REPO_ROOT) {
  for (const rel of runtimeFiles(root)) {
    const to = path.join(dest, rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(root, rel), to);
  }
}

/** Writes `{ relativePath: text }` under `dir`. */
export function writeFiles(dir, files) {
  for (const [rel, text] of Object.entries(files)) {
    const to = path.join(dir, rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, text);
  }
}

/**
 * Opens `url` in a new context and collects what went wrong: console errors, page errors,
 * failed requests, HTTP errors, dialogs (an injected alert()) and CSP violations (reported by
 * a `securitypolicyviolation` listener installed before any page script runs; the listener
 * defines no global). `requests` lists every URL the page asked for.
 */
export async function openEmbed(browser, url, { viewport = { width: 1280, height: 900 }, contextOptions = {} } = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console.error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.stack ?? err.message ?? err}`));
  page.on("requestfailed", (req) => errors.push(`requestfailed: ${req.url()}: ${req.failure()?.errorText}`));
  page.on("request", (req) => requests.push(req.url()));
  page.on("response", (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.url()}`);
  });
  page.on("dialog", (dialog) => {
    errors.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  const response = await page.goto(url, { waitUntil: "load" });
  if (!response || !response.ok()) errors.push(`navigation to ${url} failed: ${response ? response.status() : "no response"}`);
  return { page, context, errors, requests, close: () => context.close() };
}

/** Waits until every <backprop-viz> on the page has built and drawn its network. */
export async function waitForInstances(page, count) {
  await page.waitForFunction(
    (n) => {
      const all = [...document.querySelectorAll("backprop-viz")];
      return all.length === n && all.every((e) => e.network && e.views);
    },
    count,
    WAIT,
  );
  await page.evaluate(() => Promise.all([...document.querySelectorAll("backprop-viz")].map((e) => e.ready)));
  // One frame drawn by each: the metrics text is filled in.
  await page.waitForFunction(
    () => [...document.querySelectorAll("backprop-viz")].every((e) => /\d/.test(e.shadowRoot.querySelector('[data-metric="train-loss"]').textContent)),
    null,
    WAIT,
  );
}

/** Runs fn(element, arg) in the page for the n-th <backprop-viz> (or a CSS selector). */
export function onInstance(page, which, fn, arg) {
  const selector = typeof which === "number" ? `backprop-viz >> nth=${which}` : which;
  return page.locator(selector).evaluate(fn, arg);
}

/**
 * Waits until the canvas (class `canvasClass`) of an instance (index or CSS selector) has at
 * least `min` painted pixels (neither transparent nor white). A canvas is blank for a moment
 * after each resize, until the next frame draws it, so this polls instead of looking once.
 */
export async function waitForPaint(page, which, canvasClass, min) {
  await page.waitForFunction(
    ({ which, cls, min }) => {
      const el = typeof which === "number" ? document.querySelectorAll("backprop-viz")[which] : document.querySelector(which);
      const c = el?.shadowRoot?.querySelector(`canvas.${cls}`);
      if (!c || c.width === 0 || c.height === 0) return false;
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] !== 0 && !(data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250) && ++n >= min) return true;
      }
      return false;
    },
    { which, cls: canvasClass, min },
    { ...WAIT, polling: 100 },
  );
}
