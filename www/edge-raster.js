// The diagram's edges drawn by the engine's rasteriser (src/raster.rs) instead of canvas strokes.
//
// Without a GPU, a canvas rasterises the diagram's few hundred translucent, round-capped
// bezier strokes in software when the frame is committed, on the main thread: 30 ms a frame
// for the 2-8x6-1 network in view "both" (issue 8). The engine draws the same curves about
// three times faster, because every edge is the same S-shaped curve. The diagram writes each
// edge as a record (12 f32s, see src/raster.rs) into a buffer in wasm memory, the engine
// rasterises them into RGBA pixels in wasm memory, and one putImageData shows them. Every
// diagram on a page shares one engine rasteriser, whose memory is that of the largest.
//
// With a GPU the canvas is the faster way (the raster happens in the GPU process), so the
// diagram uses this only where WebGL reports a software renderer or none
// (`canvasIsSoftware()`).
//
//   const edges = new EdgeRaster(engine);      // engine: loadEngine()'s result
//   edges.begin(canvas.width, canvas.height);
//   edges.stroke(x1, y1, x2, y2, halfWidth, rgb, alpha);   // CSS px; rgb: [r, g, b]
//   edges.put(ctx, dpr);                        // replaces the canvas's pixels
//   edges.free();                            // the shared memory stays for the others

/** Record kinds (src/raster.rs). */
const STROKE = 0;
const BAND = 1;
const SWEEP = 2;
/** f32s per record (the engine's `recordLength`). */
export const RECORD_LENGTH = 12;

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

/**
 * The page's one engine rasteriser, shared by every diagram (per engine memory): a diagram
 * draws synchronously, so only one uses it at a time, and a page of many figures holds one
 * buffer, as large as its largest figure, instead of one each.
 */
const shared = new WeakMap();

function sharedRaster(engine) {
  let s = shared.get(engine.memory);
  if (!s) {
    const raster = new engine.EdgeRaster();
    if (raster.recordLength !== RECORD_LENGTH) throw new Error(`the engine's edge records have ${raster.recordLength} fields, not ${RECORD_LENGTH}`);
    s = {
      raster,
      cap: 0,
      rec: new Float32Array(0),
      pixels: 0,
      grow(cap) {
        // The address first: making room may grow wasm memory and detach the old buffer.
        const ptr = raster.recordsPtr(cap);
        this.cap = cap;
        this.rec = new Float32Array(engine.memory.buffer, ptr, cap * RECORD_LENGTH);
      },
    };
    s.grow(1024);
    shared.set(engine.memory, s);
  }
  return s;
}

/**
 * A frame's records (src/raster.rs): what a diagram writes, wherever they are drawn. A
 * subclass gives `rec` (the Float32Array written), `cap` (records it holds) and `grow(cap)`.
 */
export class EdgeRecords {
  constructor() {
    this.n = 0;
  }

  record(kind, x1, y1, x2, y2, h, rgb, a, u0, u1) {
    if (this.n === this.cap) this.grow(this.cap * 2);
    const r = this.rec;
    let i = this.n * RECORD_LENGTH;
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
}

/** One diagram's use of the page's engine rasteriser: records in, pixels onto its canvas. */
export class EdgeRaster extends EdgeRecords {
  /** @param engine loadEngine()'s result: EdgeRaster (the wasm class) and memory. */
  constructor(engine) {
    super();
    this.memory = engine.memory;
    this.s = sharedRaster(engine);
    this.width = 0;
    this.height = 0;
    this.image = null;
  }

  /** Records the frame can hold before the buffer grows (shared by the page's diagrams). */
  get cap() {
    return this.s.cap;
  }

  get rec() {
    return this.s.rec;
  }

  grow(cap) {
    this.s.grow(cap);
  }

  /**
   * Sizes the pixels for `width` x `height` device pixels. Wasm memory may grow here (the
   * first time the page needs this many pixels), never in begin() for the same size.
   */
  fit(width, height) {
    this.width = width;
    this.height = height;
    if (width * height > this.s.pixels) {
      this.s.raster.resize(width, height);
      this.s.pixels = width * height;
    }
  }

  /** Room for at least `count` records (may grow wasm memory). */
  reserve(count) {
    if (count > this.s.cap) this.s.grow(count);
  }

  /** Starts a frame of `width` x `height` device pixels (fit() and reserve() first). */
  begin(width, height) {
    const s = this.s;
    if (width !== this.width || height !== this.height) this.fit(width, height);
    // Another diagram on the page drew last at another size: within the memory already held.
    if (s.raster.width !== width || s.raster.height !== height) s.raster.resize(width, height);
    // Wasm memory grew since (another network, say): the old view reads as empty.
    if (s.rec.buffer !== this.memory.buffer) s.grow(s.cap);
    this.n = 0;
  }

  /** Draws the frame's records (coordinates times `scale`) and puts them on `ctx` at (0, 0). */
  put(ctx, scale) {
    const r = this.s.raster;
    r.draw(this.n, scale);
    const w = r.width;
    const h = r.height;
    if (w === 0 || h === 0) return;
    // This diagram's ImageData over the pixels in wasm memory, rebuilt when the memory grows
    // or the pixels moved (a larger figure elsewhere on the page).
    const ptr = r.pixelsPtr();
    const img = this.image;
    if (!img || img.data.buffer !== this.memory.buffer || img.data.byteOffset !== ptr || img.width !== w || img.height !== h) {
      this.image = new ImageData(new Uint8ClampedArray(this.memory.buffer, ptr, w * h * 4), w, h);
    }
    ctx.putImageData(this.image, 0, 0);
  }

  /** This diagram stops using the page's rasteriser (whose memory stays for the next). */
  free() {
    this.s = null;
    this.image = null;
  }
}

/** The largest frame the engine rasterises (src/raster.rs): device pixels a side, and in all. */
export const MAX_SIDE = 16384;
export const MAX_PIXELS = 1 << 24;

/**
 * The edges worker's side (www/edge-layer.js): draws a frame's records, sent from a diagram on
 * the main thread, with the worker's engine and returns them as an ImageBitmap.
 */
export class EdgePainter {
  /** @param engine the worker's engine: EdgeRaster (the wasm class) and memory. */
  constructor(engine) {
    this.raster = new EdgeRaster(engine);
    this.canvas = null;
    this.ctx = null;
  }

  /**
   * `{ width, height, scale, count, records }`: a frame of `width` x `height` device pixels
   * whose first `count` records (a Float32Array) are drawn with coordinates times `scale`.
   * Returns an ImageBitmap, or null for an empty frame.
   */
  paint({ width, height, scale, count, records }) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
      throw new Error(`edges: width and height must be whole numbers of pixels, not ${width} x ${height}`);
    }
    if (!(records instanceof Float32Array) || !Number.isInteger(count) || count < 0 || count * RECORD_LENGTH > records.length) {
      throw new Error(`edges: count must be a whole number of the records given (${records?.length ?? 0} f32s), not ${count}`);
    }
    if (width === 0 || height === 0) return null;
    const R = this.raster;
    R.fit(width, height);
    R.reserve(count);
    R.begin(width, height);
    R.rec.set(records.subarray(0, count * RECORD_LENGTH));
    R.n = count;
    if (!this.canvas) {
      this.canvas = new OffscreenCanvas(width, height);
      this.ctx = this.canvas.getContext("2d");
    } else if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    R.put(this.ctx, scale);
    return this.canvas.transferToImageBitmap();
  }
}
