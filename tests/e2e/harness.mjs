// Helpers for the browser end-to-end tests (node --test tests/e2e/).
// playwright-core drives Debian's Chromium (/usr/bin/chromium); it never
// downloads a browser of its own.
//
//   import { serve, launch, openPage, screenshot, assertNoErrors } from "./harness.mjs";
//   const server = await serve();                 // repo root on a random port
//   const browser = await launch();
//   const { page, errors, close } = await openPage(browser, server.url + "index.html");
//   ...
//   await screenshot(page, "demo");               // tests/e2e/screenshots/demo.png
//   assertNoErrors(errors);
//   await close(); await browser.close(); await server.close();
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/serve.mjs";
import { before, after } from "node:test";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SCREENSHOT_DIR = path.join(REPO_ROOT, "tests/e2e/screenshots");
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps trying to reach
// Google's hosts, which this machine's closed network refuses.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/**
 * Start the static server (scripts/serve.mjs) on a random free port.
 * @param {{ root?: string, headers?: (urlPath: string) => object }} [options]
 *        headers: extra response headers per request path (e.g. a CSP)
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 *          url is like "http://127.0.0.1:40123/" (trailing slash)
 */
export function serve({ root = REPO_ROOT, headers } = {}) {
  return startServer({ root, port: 0, headers });
}

/**
 * Launch headless Debian Chromium. Playwright gives every launch a fresh
 * temporary profile (user-data-dir) and removes it on browser.close().
 */
export async function launch(options = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: run \`npm run setup\` (installs Debian's chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

// Chromium asks every page for /favicon.ico unless the page names an icon
// (e.g. <link rel="icon" href="data:,">) and logs a console error when it 404s.
const isFaviconNoise = (text) => /Failed to load resource: .*\b404\b.*\/favicon\.ico\b/.test(text);

/**
 * Open url in a new context and collect everything that went wrong.
 * @returns {Promise<{ page: import("playwright-core").Page, context: import("playwright-core").BrowserContext,
 *                     errors: string[], close: () => Promise<void> }>}
 *   errors collects console errors, uncaught page errors, failed requests and
 *   HTTP responses >= 400; it keeps filling after openPage returns. A missing
 *   /favicon.ico is not counted unless ignoreFavicon404 is false.
 */
export async function openPage(
  browser,
  url,
  { viewport = { width: 1024, height: 768 }, waitUntil = "load", contextOptions = {}, ignoreFavicon404 = true } = {},
) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      const loc = msg.location();
      const text = `console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ""}`;
      if (!(ignoreFavicon404 && isFaviconNoise(text))) errors.push(text);
    }
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.stack ?? err.message ?? err}`));
  page.on("requestfailed", (req) => errors.push(`requestfailed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
  page.on("response", (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  const response = await page.goto(url, { waitUntil });
  if (!response || !response.ok()) {
    errors.push(`navigation to ${url} failed: ${response ? response.status() : "no response"}`);
  }
  return { page, context, errors, close: () => context.close() };
}

/** Assert that openPage's errors array is empty, printing all of them if not. */
export function assertNoErrors(errors, message = "errors in the page") {
  assert.deepEqual(errors, [], `${message}:\n  ${errors.join("\n  ")}`);
}

/**
 * Save a PNG of the page to tests/e2e/screenshots/<name>.png (gitignored).
 * @returns {Promise<string>} the file's path
 */
export async function screenshot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** The Content-Security-Policy of pages that embed <backprop-viz>; tests serve pages under it. */
export const EMBED_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/**
 * Registers hooks that start the static server (sending `headers`) and Chromium before a test
 * file's tests, and stop them after. Returns `{ server, browser }`, filled in by the hooks.
 */
export function useServerAndBrowser({ headers } = {}) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serve({ headers });
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
