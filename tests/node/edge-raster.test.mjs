// www/edge-raster.js on the real engine (src/raster.rs through wasm): colours parsed, records
// written into wasm memory and grown past their first room, pixels put on a canvas, and the
// engine's errors for bad sizes. The picture against the canvas's own is compared in the
// browser (tests/e2e/diagram.test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { EdgeRaster as WasmEdgeRaster, wasmMemory } from "./pkg.mjs";
import { EdgeRaster, cssRgb, setCanvasIsSoftware, canvasIsSoftware } from "../../www/edge-raster.js";

// Node has no ImageData: the smallest stand-in, holding what put() passes.
globalThis.ImageData ??= class {
  constructor(data, width, height) {
    Object.assign(this, { data, width, height });
  }
};

const engine = { EdgeRaster: WasmEdgeRaster, memory: wasmMemory() };

/** A canvas context that keeps the last ImageData put on it. */
function fakeContext() {
  return {
    image: null,
    putImageData(image, x, y) {
      assert.deepEqual([x, y], [0, 0]);
      this.image = image;
    },
  };
}

function pixel(image, x, y) {
  const o = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(o, o + 4));
}

test("cssRgb reads the palette's colour forms and names what it cannot read", () => {
  assert.deepEqual(cssRgb("#0877bd"), [8, 119, 189]);
  assert.deepEqual(cssRgb("rgb(245, 147, 34)"), [245, 147, 34]);
  assert.deepEqual(cssRgb("rgba(1,2,3,0.5)"), [1, 2, 3]);
  assert.throws(() => cssRgb("orange"), /"orange" is not a #rrggbb or rgb\(\) colour/);
});

test("setCanvasIsSoftware overrides the WebGL question", () => {
  setCanvasIsSoftware(false);
  assert.equal(canvasIsSoftware(), false);
  setCanvasIsSoftware(true);
  assert.equal(canvasIsSoftware(), true);
  setCanvasIsSoftware(null);
});

test("strokes, bands and sweeps reach the canvas as straight RGBA, in CSS px times the scale", () => {
  const edges = new EdgeRaster(engine);
  try {
    edges.fit(200, 80);
    edges.begin(200, 80);
    // A level stroke 4 CSS px wide at y = 10, drawn at scale 2: rows 16 to 24 in device px.
    edges.stroke(10, 10, 90, 10, 2, [200, 20, 20], 1);
    // A translucent band lower down, and nothing else.
    edges.band(10, 30, 90, 30, 4, [0, 128, 0], 0.5);
    const ctx = fakeContext();
    edges.put(ctx, 2);
    const img = ctx.image;
    assert.equal(img.width, 200);
    assert.equal(img.height, 80);
    assert.deepEqual(pixel(img, 100, 20), [200, 20, 20, 255]);
    assert.equal(pixel(img, 100, 27)[3], 0, "below the stroke");
    const band = pixel(img, 100, 60);
    assert.deepEqual(band.slice(0, 3), [0, 128, 0], "straight, not premultiplied");
    assert.ok(Math.abs(band[3] - 128) <= 1, `band alpha ${band[3]}`);
    // The next frame starts clear.
    edges.begin(200, 80);
    edges.put(ctx, 2);
    assert.ok(ctx.image.data.every((v) => v === 0));
  } finally {
    edges.free();
  }
});

test("records grow past their first room, and every one is drawn", () => {
  const edges = new EdgeRaster(engine);
  try {
    edges.fit(400, 10);
    edges.begin(400, 10);
    const first = edges.cap;
    // 3 x the first room of faint strokes along row 2, then one opaque red stroke on row 7.
    const n = 3 * first;
    for (let i = 0; i < n; i++) edges.stroke(10 + (i % 300), 2.5, 20 + (i % 300), 2.5, 0.5, [0, 0, 255], 0.05);
    edges.stroke(100, 7.5, 300, 7.5, 0.5, [255, 0, 0], 1);
    assert.ok(edges.cap > n, `room for ${n + 1}: ${edges.cap}`);
    const ctx = fakeContext();
    edges.put(ctx, 1);
    assert.deepEqual(pixel(ctx.image, 200, 7), [255, 0, 0, 255], "the last record");
    assert.deepEqual(pixel(ctx.image, 5, 2), [0, 0, 0, 0], "left of every faint stroke");
    const faint = pixel(ctx.image, 150, 2);
    assert.deepEqual(faint.slice(0, 3), [0, 0, 255]);
    // Column 150 lies under about 10 strokes per round of 300, 3 x 1024 / 300 rounds: far
    // more than one stroke's 13 / 255.
    assert.ok(faint[3] > 200, `alpha ${faint[3]} from ${n} strokes`);
  } finally {
    edges.free();
  }
});

test("two diagrams of different sizes share the page's raster, each drawing its own picture", () => {
  const a = new EdgeRaster(engine);
  const b = new EdgeRaster(engine);
  try {
    a.fit(120, 60);
    b.fit(60, 30);
    const ctxA = fakeContext();
    const ctxB = fakeContext();
    const ptrs = new Set();
    for (let frame = 0; frame < 3; frame++) {
      a.begin(120, 60);
      a.stroke(10, 30, 110, 30, 3, [255, 0, 0], 1);
      a.put(ctxA, 1);
      ptrs.add(ctxA.image.data.byteOffset);
      b.begin(60, 30);
      b.stroke(5, 10, 55, 10, 2, [0, 0, 255], 1);
      b.put(ctxB, 1);
      ptrs.add(ctxB.image.data.byteOffset);
    }
    assert.equal(ptrs.size, 1, "one buffer, never reallocated while switching sizes");
    assert.equal(ctxA.image.width, 120);
    assert.equal(ctxB.image.width, 60);
    // b drew last, into the same memory: a's picture is drawn again on its next frame.
    assert.deepEqual(pixel(ctxB.image, 30, 10), [0, 0, 255, 255]);
    assert.deepEqual(pixel(ctxB.image, 30, 20), [0, 0, 0, 0]);
    a.begin(120, 60);
    a.stroke(10, 30, 110, 30, 3, [255, 0, 0], 1);
    a.put(ctxA, 1);
    assert.deepEqual(pixel(ctxA.image, 60, 30), [255, 0, 0, 255]);
    assert.deepEqual(pixel(ctxA.image, 30, 10), [0, 0, 0, 0], "nothing left of b's stroke");
  } finally {
    a.free();
    b.free();
  }
});

test("the engine refuses sizes and counts it cannot hold, naming the field", () => {
  const r = new WasmEdgeRaster();
  try {
    assert.throws(() => r.resize(1e9, 10), /width/);
    assert.throws(() => r.resize(10, -1), /height/);
    assert.throws(() => r.resize(8192, 4096), /too large/);
    assert.throws(() => r.draw(5, 1), /count/);
    r.resize(10, 10);
    r.recordsPtr(2);
    r.draw(2, 1);
    assert.equal(r.pixelsLen(), 400);
  } finally {
    r.free();
  }
});
