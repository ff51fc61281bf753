// Smoke test of the e2e plumbing: static server + Debian Chromium + screenshot.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { serve, launch, openPage, screenshot, assertNoErrors } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("fixture page renders a canvas with no console errors", async () => {
  const { page, errors, close } = await openPage(browser, server.url + "tests/e2e/fixtures/smoke.html");
  try {
    await page.waitForSelector("body[data-ready=yes]", { timeout: 10_000 });
    assert.equal(await page.textContent("#status"), "ready");
    // The middle circle's centre must be green: the canvas really drew.
    const pixel = await page.evaluate(() =>
      Array.from(document.getElementById("c").getContext("2d").getImageData(160, 80, 1, 1).data),
    );
    assert.deepEqual(pixel, [0x2c, 0xa0, 0x2c, 255]);
    const file = await screenshot(page, "smoke");
    assert.ok(fs.statSync(file).size > 1000, "screenshot PNG is written");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
