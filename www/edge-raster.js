// The diagram's edges drawn by the engine's rasteriser (src/raster.rs) instead of canvas strokes.
//
// Without a GPU, a canvas rasterises the diagram's few hundred translucent, round-capped
// bezier strokes in software when the frame is committed, on the main thread: 30 ms a frame
// for the 2-8x6-1 network in view "both" (issue 8). The engine draws the same curves about
// three times faster, because every edge is the same S-shaped curve. The diagram writes each
// edge as a record (12 f32s, see src/raster.rs) into a buffer in wasm memory, the engine
// rasterises them into RGBA pixels in wasm memory, and one putImageData shows them.
//
// With a GPU the canvas is the faster way (the raster happens in the GPU process), so the
// diagram uses this only where WebGL reports a software renderer or none
// (`canvasIsSoftware()`).
//
//   const edges = new EdgeRaster(engine);      // engine: loadEngine()'s result
//   edges.begin(canvas.width, canvas.height);
//   edges.stroke(x1, y1, x2, y2, halfWidth, rgb, alpha);   // CSS px; rgb: [r, g, b]
//   edges.put(ctx, dpr);                        // replaces the canvas's pixels
//   edges.free();

/** Record kinds (src/raster.rs). */
const STROKE = 0;
const BAND = 1;
const SWEEP = 2;

/** [r, g, b] (0..255) of a CSS colour written as "#rrggbb" or "rgb(r, g, b)". */
export function cssRgb(color) {
  const s = String(color).trim();
  let m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s);
  if (m) return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  throw new Error(`cssRgb: "${s}" is not a #rrggbb or rgb() colour`);
}

let software = null;

/**
 * Whether this page's canvases are drawn without a GPU: WebGL is missing or its renderer is a
 * software one (SwiftShader, llvmpipe, Microsoft Basic Render). Asked once per page (about
 * 30 ms for SwiftShader); `setCanvasIsSoftware` overrides it (tests, benchmarks).
 */
export function canvasIsSoftware() {
  if (software !== null) return software;
  let name = "";
  try {
    const c = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(1, 1) : document.createElement("canvas");
    const gl = c.getContext("webgl");
    if (gl) {
      const info = gl.getExtension("WEBGL_debug_renderer_info");
      name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      gl.getExtension("WEBGL_lose_context")?.loseContext();
    }
  } catch {
    name = "";
  }
  software = name === "" || /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
  return software;
}

/** Forces canvasIsSoftware()'s answer (true, false), or null to ask WebGL again. */
export function setCanvasIsSoftware(value) {
  software = value === null ? null : !!value;
}

/** One diagram's edge raster: records written into wasm memory, drawn by the engine. */
export class EdgeRaster {
  /** @param engine loadEngine()'s result: EdgeRaster (the wasm class) and memory. */
  constructor(engine) {
    this.memory = engine.memory;
    this.raster = new engine.EdgeRaster();
    this.len = this.raster.recordLength;
    this.cap = 0;
    this.ptr = 0;
    this.rec = new Float32Array(0);
    this.n = 0;
    this.image = null;
    this.grow(1024);
  }

  /** Room for `cap` records (the view is rebuilt: the address and wasm memory may change). */
  grow(cap) {
    this.ptr = this.raster.recordsPtr(cap);
    this.cap = cap;
    this.rec = new Float32Array(this.memory.buffer, this.ptr, cap * this.len);
  }

  /** Sizes the pixels for `width` x `height` device pixels (may grow wasm memory). */
  fit(width, height) {
    if (width !== this.raster.width || height !== this.raster.height) {
      this.raster.resize(width, height);
      this.image = null;
    }
  }

  /** Room for at least `count` records (may grow wasm memory). */
  reserve(count) {
    if (count > this.cap) this.grow(count);
  }

  /** Starts a frame of `width` x `height` device pixels (fit() and reserve() first). */
  begin(width, height) {
    this.fit(width, height);
    // Wasm memory grew since (another network, say): the old view reads as empty.
    if (this.rec.buffer !== this.memory.buffer) this.grow(this.cap);
    this.n = 0;
  }

  record(kind, x1, y1, x2, y2, h, rgb, a, u0, u1) {
    if (this.n === this.cap) this.grow(this.cap * 2);
    const r = this.rec;
    let i = this.n * this.len;
    r[i++] = kind;
    r[i++] = x1;
    r[i++] = y1;
    r[i++] = x2;
    r[i++] = y2;
    r[i++] = h;
    r[i++] = rgb[0];
    r[i++] = rgb[1];
    r[i++] = rgb[2];
    r[i++] = a;
    r[i++] = u0;
    r[i] = u1;
    this.n++;
  }

  /** The edge curve from (x1, y1) to (x2, y2), for x fractions u0..u1, round-capped. */
  stroke(x1, y1, x2, y2, halfWidth, rgb, alpha, u0 = 0, u1 = 1) {
    this.record(STROKE, x1, y1, x2, y2, halfWidth, rgb, alpha, u0, u1);
  }

  /** The region between the edge curve moved up and down by halfHeight. */
  band(x1, y1, x2, y2, halfHeight, rgb, alpha) {
    this.record(BAND, x1, y1, x2, y2, halfHeight, rgb, alpha, 0, 1);
  }

  /** A rectangle whose opacity rises from 0 at its sides to alpha in its middle. */
  sweep(x1, y1, x2, y2, rgb, alpha) {
    this.record(SWEEP, x1, y1, x2, y2, 0, rgb, alpha, 0, 1);
  }

  /** Draws the frame's records (coordinates times `scale`) and puts them on `ctx` at (0, 0). */
  put(ctx, scale) {
    const r = this.raster;
    r.draw(this.n, scale);
    const w = r.width;
    const h = r.height;
    if (w === 0 || h === 0) return;
    // One ImageData over the pixels in wasm memory, rebuilt when the memory grows.
    if (!this.image || this.image.data.buffer !== this.memory.buffer) {
      this.image = new ImageData(new Uint8ClampedArray(this.memory.buffer, r.pixelsPtr(), r.pixelsLen()), w, h);
    }
    ctx.putImageData(this.image, 0, 0);
  }

  free() {
    this.raster.free();
    this.raster = null;
    this.rec = new Float32Array(0);
    this.image = null;
  }
}
