// The output view: the network's decision boundary over the input plane, the data points
// on it, and the clicks and keys that add, pick and remove points.
//
// Layers, back to front:
//   1. the heatmap: the engine's RGBA grid (`views.gridPixels`), read through an ImageData
//      built once on that very view (no copy), put on a small offscreen canvas and drawn
//      scaled to the plot with image smoothing, so 200 x 200 samples look smooth at any size;
//   2. a cached overlay (axes, ticks, legend, every data point), redrawn only when the data,
//      the size, the test-point toggle or the colour range changes;
//   3. live marks drawn every frame: the current batch, the hovered and picked points, and
//      the keyboard cursor.
// Steady-state `draw()` allocates nothing, not even the numbers V8 boxes when a computed
// double is passed to most canvas methods: the context keeps its devicePixelRatio transform
// from resize() on, rectangles are whole numbers, and circles are traced with moveTo/lineTo
// (fast API calls that take raw doubles) instead of arc().

import {
  BLUE, GREY, INK, MUTED, ORANGE, FONT_FAMILY, drawLegend, legendHeight, tickLabel, valueLegend, valueColor,
} from "./palette.js";

/** The most points of a set drawn (evenly strided); the rest still train. */
export const MAX_DRAWN = 5000;
/** Above this many drawn points of a set, dots are copied from a sprite (#stampSome). */
const STAMP_ABOVE = 600;
/**
 * The main thread's time a frame may spend copying dots, ms; the rest are copied in the
 * frames after (5,000 dots take 15-35 ms here, at 4-9 us a copy).
 */
const STAMP_BUDGET_MS = 6;
/** Regression points are drawn in this many colour steps of the value scale. */
const VALUE_STEPS = 24;

// Colours (palette.js, docs/FRONTEND.md): orange = low output / class 0, light grey = the
// middle of the scale, blue = high output / class 1.
const CLASS_1 = BLUE;
const CLASS_0 = ORANGE;
const TEXT = MUTED; // tick labels
const AXIS = "#9ca3af"; // ticks and the plot frame
const HALO = "rgba(255, 255, 255, 0.95)";
const BATCH_RING = "rgba(17, 24, 39, 0.6)";
// The heatmap is drawn a little lighter than its LUT, over white, so that points keep their
// full colour and stand out from the region of their own class. The legend's bar is
// lightened the same way, so that it matches the plot.
const HEAT_ALPHA = 0.78;
const FONT = `11px ${FONT_FAMILY}`;
const TITLE_FONT = 'italic 12px "Times New Roman", Times, serif';
const DASH = [3, 2];
const SOLID = [];

// Layout, CSS px.
const PAD_TOP = 18; // room for the x2 axis title
const PAD_RIGHT = 18; // room for the x1 axis title
const PAD_LEFT = 26; // y tick labels
const X_LABELS = 18; // x tick labels under the plot
const TICK = 4;
// The colour legend under the x tick labels (palette.js's drawLegend: caption, bar, ticks).
const LEGEND = legendHeight(valueLegend()) + 4;
const LEGEND_CAPTION = "Output";

const EMPTY = new Float64Array(0);

// The value scale composited over white at HEAT_ALPHA, as the heatmap appears, for the legend.
const LIGHT_LEVELS = 64;
const LIGHT = [];
{
  const hex = (c, i) => parseInt(c.slice(1 + 2 * i, 3 + 2 * i), 16);
  const light = (v) => Math.round(255 + (v - 255) * HEAT_ALPHA);
  for (let i = 0; i <= LIGHT_LEVELS; i++) {
    const t = i / LIGHT_LEVELS;
    const [a, b] = t < 0.5 ? [ORANGE, GREY] : [GREY, BLUE];
    const u = t < 0.5 ? 2 * t : 2 * t - 1;
    const ch = (k) => light(hex(a, k) + (hex(b, k) - hex(a, k)) * u);
    LIGHT.push(`rgb(${ch(0)},${ch(1)},${ch(2)})`);
  }
}
const lightColour = (t) => LIGHT[Math.round(Math.min(1, Math.max(0, t)) * LIGHT_LEVELS)];

// A circle as a 32-gon: closer than 0.05 px to a true circle at the radii used here.
const SEGMENTS = 32;
const COS = new Float64Array(SEGMENTS);
const SIN = new Float64Array(SEGMENTS);
for (let k = 0; k < SEGMENTS; k++) {
  COS[k] = Math.cos((2 * Math.PI * k) / SEGMENTS);
  SIN[k] = Math.sin((2 * Math.PI * k) / SEGMENTS);
}

/** Adds a circle of radius r around (x, y) to the current path, with no allocation. */
function circle(ctx, x, y, r) {
  ctx.moveTo(x + r, y);
  for (let k = 1; k < SEGMENTS; k++) ctx.lineTo(x + r * COS[k], y + r * SIN[k]);
  ctx.closePath();
}

/** A canvas for offscreen drawing (OffscreenCanvas where the browser has it). */
function makeCanvas(width, height) {
  if (typeof OffscreenCanvas === "function") return new OffscreenCanvas(width, height);
  const c = document.createElement("canvas");
  c.width = width;
  c.height = height;
  return c;
}

/** A "nice" tick step (1, 2 or 5 times a power of ten) giving at most about `count` intervals. */
function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1.001 ? 1 : m <= 2.001 ? 2 : m <= 5.001 ? 5 : 10) * p;
}

/** A tick or legend number without floating-point noise: 0.5, -1, 2, 0.25. */
function formatTick(v) {
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? "0" : String(r);
}

/**
 * The decision-boundary heatmap with the data points, on one canvas.
 *
 * `new OutputView(canvas, { onAdd, onRemove, onPick, onRedraw })`:
 * - `onAdd(x1, x2, label)`: a click on empty plot space (label 1) or shift-click (label 0),
 *   or Enter / Shift+Enter at the keyboard cursor;
 * - `onPick(set, index)`: a click on a point, or `[` / `]`; `set` is "train" or "test";
 * - `onRemove(set, index)`: a right-click on a point, or Delete / Backspace on the picked one;
 * - `onRedraw()`: the view needs another frame (many points are still being drawn).
 */
export class OutputView {
  constructor(canvas, { onAdd, onRemove, onPick, onRedraw } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.onRedraw = onRedraw ?? null;
    this.onAdd = onAdd ?? null;
    this.onRemove = onRemove ?? null;
    this.onPick = onPick ?? null;

    this.cssWidth = 0;
    this.cssHeight = 0;
    this.dpr = 1;
    // Plot rectangle in CSS px, and the point radius that suits it.
    this.px = 0;
    this.py = 0;
    this.pw = 1;
    this.ph = 1;
    this.radius = 3.5;

    this.train = { inputs: EMPTY, labels: EMPTY };
    this.test = { inputs: EMPTY, labels: EMPTY };
    // The data's task: "binary" (labels 0 and 1), "multiclass" (classes 0 to K - 1, coloured
    // by `classColors`) or "regression" (real values on the value scale).
    this.task = "binary";
    this.classes = 2;
    this.classNames = ["0", "1"];
    this.classColors = [ORANGE, BLUE];
    this.brush = 1; // the class a click adds (multiclass)
    this.stride = { train: 1, test: 1 };
    this.xMin = -6;
    this.xMax = 6;
    this.yMin = -6;
    this.yMax = 6;

    // What the overlay was drawn with; a change redraws it.
    this.overlayDirty = true;
    this.showTest = false;
    this.threshold = 0.5;
    this.rangeLo = 0;
    this.rangeHi = 1;
    this.overlay = makeCanvas(1, 1);
    this.overlayCtx = this.overlay.getContext("2d");
    // Sets of many points still to be copied into the overlay, in order: { set, stride,
    // outline, width, i (the next point), sprites }; and the rectangle they are clipped to.
    this.stamps = [];
    this.clip = { x: 0, y: 0, w: 0, h: 0 };
    this.stampBudget = STAMP_BUDGET_MS; // (tests set it lower)

    // The heatmap's reused ImageData and the offscreen canvas it is put on.
    this.gridSize = 0;
    this.image = null;
    this.imageSource = null; // the pixels array the ImageData was built on
    this.imageCopies = false;
    this.heat = makeCanvas(1, 1);
    this.heatCtx = this.heat.getContext("2d");

    // Interaction state.
    this.selSet = null; // "train" | "test" | null: the picked point (from draw, or our own pick)
    this.selIndex = -1;
    this.hoverSet = null;
    this.hoverIndex = -1;
    this.focused = false;
    this.keyboard = false; // show the cursor only after a key press (as :focus-visible does)
    this.cursorX1 = 0;
    this.cursorX2 = 0;
    this.cursorLabel = "";
    this.cursorLabelWidth = 0;
    this.dx = 0;
    this.dy = 0;
    this.dw = 1;
    this.dh = 1;
    this.markBleed = 12;
    this.pointerCursor = "";
    this.coarsePointer = false;
    // The last frame drawn (a reference, not a copy): hover, focus and the keyboard cursor
    // redraw with it at once, so they respond while the animation loop is idle.
    this.lastFrame = null;

    this.#clampCursor();

    canvas.tabIndex = 0;
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-roledescription", "decision boundary plot");
    this.#describe();

    this.handlers = {
      click: (e) => this.#onClick(e),
      contextmenu: (e) => this.#onContextMenu(e),
      pointerdown: (e) => {
        this.keyboard = false;
        this.coarsePointer = e.pointerType === "touch" || e.pointerType === "pen";
      },
      pointermove: (e) => this.#onPointerMove(e),
      pointerleave: () => {
        if (this.hoverSet === null) return;
        this.hoverSet = null;
        this.hoverIndex = -1;
        this.#redraw();
      },
      keydown: (e) => this.#onKeyDown(e),
      focus: () => {
        this.focused = true;
      },
      blur: () => {
        this.focused = false;
        if (this.keyboard) {
          this.keyboard = false;
          this.#redraw();
        }
      },
    };
    for (const [type, fn] of Object.entries(this.handlers)) canvas.addEventListener(type, fn);
  }

  /**
   * The CSS height at which a canvas `cssWidth` wide fits a square plane with no spare room
   * (the axes and the legend take a fixed margin).
   */
  static preferredHeight(cssWidth) {
    return Math.round(cssWidth - PAD_LEFT - PAD_RIGHT + PAD_TOP + X_LABELS + LEGEND);
  }

  /** Removes the event listeners (the canvas itself is left in place). */
  destroy() {
    for (const [type, fn] of Object.entries(this.handlers)) this.canvas.removeEventListener(type, fn);
  }

  /** Sets the canvas's CSS size; the backing store follows devicePixelRatio. */
  resize(cssWidth, cssHeight) {
    const dpr = Math.max(1, globalThis.devicePixelRatio || 1);
    this.cssWidth = Math.max(1, Math.round(cssWidth)) | 0;
    this.cssHeight = Math.max(1, Math.round(cssHeight)) | 0;
    this.dpr = dpr;
    const w = Math.round(this.cssWidth * dpr);
    const h = Math.round(this.cssHeight * dpr);
    this.canvas.width = w;
    this.canvas.height = h;
    this.canvas.style.width = `${this.cssWidth}px`;
    this.canvas.style.height = `${this.cssHeight}px`;
    this.overlay.width = w;
    this.overlay.height = h;
    // Resizing resets the context; from here on it draws in CSS px.
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.#layout();
    this.overlayDirty = true;
  }

  /**
   * Sets the points and the plane they live on. `train`/`test`: `{ inputs, labels }` with
   * `inputs` holding (x1, x2) pairs and one label per point (`targets` is read if `labels` is
   * absent); `domain`: `{ xMin, xMax, yMin, yMax }`, the grid's; `task`, `classes`,
   * `classNames`, `classColors` (CSS colours, one per class): how labels are coloured.
   */
  setData({ train, test, domain, task, classes, classNames, classColors } = {}) {
    const set = (p) => ({ inputs: p.inputs ?? EMPTY, labels: p.labels ?? p.targets ?? EMPTY });
    this.train = train ? set(train) : this.train;
    this.test = test ? set(test) : this.test;
    if (task) {
      this.task = task;
      this.classes = classes ?? (task === "binary" ? 2 : 0);
      this.classNames = Array.from(classNames ?? []);
      if (classColors) this.classColors = Array.from(classColors);
      if (!(this.brush < this.classes)) this.brush = this.classes > 1 ? 1 : 0;
    }
    for (const k of ["train", "test"]) this.stride[k] = Math.max(1, Math.ceil(this[k].labels.length / MAX_DRAWN));
    if (domain) {
      this.xMin = domain.xMin ?? -6;
      this.xMax = domain.xMax ?? 6;
      this.yMin = domain.yMin ?? -6;
      this.yMax = domain.yMax ?? 6;
      this.#layout();
    }
    this.#clampCursor();
    this.hoverSet = null;
    this.hoverIndex = -1;
    this.overlayDirty = true;
    this.#describe();
  }

  /** The class a click (or Enter) adds, for multiclass data. */
  setBrush(label) {
    this.brush = label;
    this.#describe();
  }

  /** A point's colour: its class's, or its value's on the value scale (regression). */
  #colourOf(label) {
    if (this.task === "regression") return valueColor(label, this.rangeLo, this.rangeHi);
    if (this.task === "multiclass") return this.classColors[label % this.classColors.length] ?? GREY;
    return label > 0.5 ? CLASS_1 : CLASS_0;
  }

  /** The colour group (0..groups-1) a label is drawn in, and how many groups there are. */
  #groupOf(label) {
    if (this.task === "regression") {
      const t = (label - this.rangeLo) / (this.rangeHi - this.rangeLo || 1);
      return Math.round(Math.min(1, Math.max(0, t)) * (VALUE_STEPS - 1));
    }
    if (this.task === "multiclass") return Math.min(this.classes - 1, Math.max(0, label | 0));
    return label > 0.5 ? 1 : 0;
  }

  #groups() {
    return this.task === "regression" ? VALUE_STEPS : this.task === "multiclass" ? this.classes : 2;
  }

  #groupColour(g) {
    if (this.task === "regression") return valueColor(this.rangeLo + ((this.rangeHi - this.rangeLo) * g) / (VALUE_STEPS - 1), this.rangeLo, this.rangeHi);
    return this.#colourOf(g);
  }

  /**
   * Draws one frame. `frame`: `{ pixels, gridSize, showTest, selected, batch, threshold,
   * reducedMotion, range }`:
   * - `pixels`: RGBA, `gridSize` x `gridSize`, row 0 at yMax (`views.gridPixels`), or null;
   * - `selected`: `{ set, index }` or null; `batch`: training indices (any array-like) or null;
   * - `threshold`: the output between class 0 and 1 (`net.threshold`); a target above it is
   *   class 1;
   * - `range` (optional, beyond the contract): `[lo, hi]`, the output values the heatmap's
   *   colours span; by default [0, 1] for threshold 0.5 and [-1, 1] for threshold 0 (what
   *   the engine's renderGrid uses for sigmoid and for tanh/linear outputs).
   * The view has no animation of its own, so `reducedMotion` changes nothing today.
   */
  draw(frame) {
    this.lastFrame = frame;
    const ctx = this.ctx;
    const showTest = !!frame.showTest;
    const threshold = Number.isFinite(frame.threshold) ? frame.threshold : 0.5;
    let lo = threshold === 0 ? -1 : 0;
    let hi = 1;
    const range = frame.range;
    if (range && Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[1] > range[0]) {
      lo = range[0];
      hi = range[1];
    }
    if (showTest !== this.showTest || threshold !== this.threshold || lo !== this.rangeLo || hi !== this.rangeHi) {
      this.showTest = showTest;
      this.threshold = threshold;
      this.rangeLo = lo;
      this.rangeHi = hi;
      this.overlayDirty = true;
    }
    const selected = frame.selected;
    if (selected) {
      this.selSet = selected.set;
      this.selIndex = selected.index;
    } else if (selected === null) {
      this.selSet = null;
      this.selIndex = -1;
    }
    if (this.overlayDirty) this.#drawOverlay();
    else if (this.stamps.length > 0) this.#stampSome();
    if (this.stamps.length > 0) this.onRedraw?.();

    // The heatmap and the overlay, in device pixels.
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const pixels = frame.pixels;
    const n = frame.gridSize | 0;
    if (pixels && n > 0 && pixels.length === n * n * 4) {
      if (n !== this.gridSize) {
        this.gridSize = n;
        this.heat.width = n;
        this.heat.height = n;
        this.imageSource = null;
      }
      if (pixels !== this.imageSource) {
        // An ImageData straight over the caller's pixels (wasm memory): putImageData then
        // reads them with no copy. Rebuilt only when the view is (after wasm memory grew or
        // setGrid). A shared buffer cannot back an ImageData; then copy into our own.
        this.imageSource = pixels;
        try {
          this.image = new ImageData(pixels, n, n);
          this.imageCopies = false;
        } catch {
          this.image = new ImageData(n, n);
          this.imageCopies = true;
        }
      }
      if (this.imageCopies) this.image.data.set(pixels);
      this.heatCtx.putImageData(this.image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.fillStyle = "#ffffff"; // whatever the page's background, the plot is lightened over white
      ctx.fillRect(this.dx, this.dy, this.dw, this.dh);
      ctx.globalAlpha = HEAT_ALPHA;
      ctx.drawImage(this.heat, this.dx, this.dy, this.dw, this.dh);
      ctx.globalAlpha = 1;
    } else {
      ctx.fillStyle = LIGHT[LIGHT_LEVELS >> 1];
      ctx.fillRect(this.dx, this.dy, this.dw, this.dh);
    }
    ctx.drawImage(this.overlay, 0, 0);
    ctx.restore();

    // Live marks, in CSS px, clipped to the plot.
    ctx.save();
    ctx.beginPath();
    const bleed = this.markBleed; // points at the domain's edge keep whole rings
    ctx.rect(this.px - bleed, this.py - bleed, this.pw + 2 * bleed, this.ph + 2 * bleed);
    ctx.clip();
    const batch = frame.batch;
    if (batch && batch.length) {
      const inputs = this.train.inputs;
      const count = inputs.length >> 1;
      const r = this.radius + 2.5;
      ctx.beginPath();
      for (let i = 0; i < batch.length; i++) {
        const k = batch[i];
        if (k < count) circle(ctx, this.#sx(inputs[2 * k]), this.#sy(inputs[2 * k + 1]), r);
      }
      ctx.lineWidth = 1.25;
      ctx.strokeStyle = BATCH_RING;
      ctx.stroke();
    }
    if (this.hoverSet !== null && (this.hoverSet !== this.selSet || this.hoverIndex !== this.selIndex)) {
      this.#ring(this.hoverSet, this.hoverIndex, false);
    }
    if (this.selSet !== null) this.#ring(this.selSet, this.selIndex, true);
    ctx.restore();
    if (this.focused && this.keyboard) this.#drawCursor();
  }

  /** The point under CSS px (x, y) of the canvas: `{ set: "train" | "test", index }` or null. */
  hitTest(x, y) {
    const slop = this.coarsePointer ? 10 : 3;
    const limit = (this.radius + slop) ** 2;
    let best = limit;
    let bestSet = null;
    let bestIndex = -1;
    for (let s = 0; s < 2; s++) {
      if (s === 1 && !this.showTest) break;
      const inputs = s === 0 ? this.train.inputs : this.test.inputs;
      const step = 2 * (s === 0 ? this.stride.train : this.stride.test);
      for (let i = 0; i + 1 < inputs.length; i += step) {
        const dx = this.#sx(inputs[i]) - x;
        const dy = this.#sy(inputs[i + 1]) - y;
        const d = dx * dx + dy * dy;
        // Test points are drawn on top, so they win ties.
        if (d < best || (d === best && s === 1)) {
          best = d;
          bestSet = s === 0 ? "train" : "test";
          bestIndex = i >> 1;
        }
      }
    }
    return bestSet === null ? null : { set: bestSet, index: bestIndex };
  }

  /** CSS px `{ x, y }` of the plane point (x1, x2), e.g. to anchor a popover on a point. */
  toCanvas(x1, x2) {
    return { x: this.#sx(x1), y: this.#sy(x2) };
  }

  /** The plane point `{ x1, x2 }` at CSS px (x, y), or null outside the plot. */
  fromCanvas(x, y) {
    if (x < this.px || x > this.px + this.pw || y < this.py || y > this.py + this.ph) return null;
    return {
      x1: this.xMin + ((x - this.px) / this.pw) * (this.xMax - this.xMin),
      x2: this.yMax - ((y - this.py) / this.ph) * (this.yMax - this.yMin),
    };
  }

  /** The keyboard cursor's plane position `{ x1, x2 }`. */
  get cursor() {
    return { x1: this.cursorX1, x2: this.cursorX2 };
  }

  // ---- drawing helpers ----

  #sx(x1) {
    return this.px + ((x1 - this.xMin) / (this.xMax - this.xMin)) * this.pw;
  }

  #sy(x2) {
    return this.py + ((this.yMax - x2) / (this.yMax - this.yMin)) * this.ph;
  }

  #layout() {
    const availW = Math.max(1, this.cssWidth - PAD_LEFT - PAD_RIGHT);
    const availH = Math.max(1, this.cssHeight - PAD_TOP - X_LABELS - LEGEND);
    const aspect = (this.xMax - this.xMin) / (this.yMax - this.yMin) || 1;
    let w = availW;
    let h = w / aspect;
    if (h > availH) {
      h = availH;
      w = h * aspect;
    }
    // Whole CSS pixels keep the frame and the heatmap's edges crisp.
    this.pw = Math.max(1, Math.floor(w)) | 0;
    this.ph = Math.max(1, Math.floor(h)) | 0;
    this.px = (PAD_LEFT + Math.floor((availW - this.pw) / 2)) | 0;
    this.py = (PAD_TOP + Math.floor((availH - this.ph) / 2)) | 0;
    this.radius = Math.min(4.5, Math.max(2.5, Math.min(this.pw, this.ph) / 95));
    this.markBleed = (Math.ceil(this.radius) + 9) | 0;
    // The plot in device pixels, for the heatmap's blit (whole numbers: no boxing per frame).
    const dpr = this.dpr;
    this.dx = Math.round(this.px * dpr) | 0;
    this.dy = Math.round(this.py * dpr) | 0;
    this.dw = (Math.round((this.px + this.pw) * dpr) | 0) - this.dx;
    this.dh = (Math.round((this.py + this.ph) * dpr) | 0) - this.dy;
  }

  /** The picked point's ring (strong) or the hovered point's. */
  #ring(set, index, strong) {
    const inputs = set === "train" ? this.train.inputs : set === "test" ? this.test.inputs : EMPTY;
    if (index < 0 || 2 * index + 1 >= inputs.length) return;
    const ctx = this.ctx;
    const x = this.#sx(inputs[2 * index]);
    const y = this.#sy(inputs[2 * index + 1]);
    if (strong && set === "test" && !this.showTest) {
      // A picked test point stays visible while test points are hidden.
      ctx.beginPath();
      circle(ctx, x, y, this.radius);
      ctx.fillStyle = this.#colourOf(this.test.labels[index]);
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = INK;
      ctx.stroke();
    }
    ctx.beginPath();
    circle(ctx, x, y, this.radius + (strong ? 4.5 : 3));
    ctx.strokeStyle = HALO;
    ctx.lineWidth = strong ? 4.5 : 3;
    ctx.stroke();
    ctx.strokeStyle = INK;
    ctx.lineWidth = strong ? 2 : 1;
    ctx.stroke();
  }

  /** The keyboard cursor: a focus frame round the plot, a crosshair, its coordinates. */
  #drawCursor() {
    const ctx = this.ctx;
    const x = this.#sx(this.cursorX1);
    const y = this.#sy(this.cursorX2);
    ctx.strokeStyle = INK;
    ctx.lineWidth = 2;
    ctx.strokeRect(this.px - 1, this.py - 1, this.pw + 2, this.ph + 2);
    const inner = this.radius + 3;
    const outer = inner + 8;
    ctx.beginPath();
    ctx.moveTo(x - outer, y);
    ctx.lineTo(x - inner, y);
    ctx.moveTo(x + inner, y);
    ctx.lineTo(x + outer, y);
    ctx.moveTo(x, y - outer);
    ctx.lineTo(x, y - inner);
    ctx.moveTo(x, y + inner);
    ctx.lineTo(x, y + outer);
    ctx.lineCap = "round";
    ctx.strokeStyle = HALO;
    ctx.lineWidth = 4;
    ctx.stroke();
    ctx.strokeStyle = INK;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.lineCap = "butt";
    ctx.beginPath();
    circle(ctx, x, y, inner - 1);
    ctx.setLineDash(DASH);
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.setLineDash(SOLID);
    ctx.font = FONT;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillStyle = HALO;
    if (this.cursorLabelWidth < 0) this.cursorLabelWidth = Math.ceil(ctx.measureText(this.cursorLabel).width) | 0;
    ctx.fillRect(this.px + 4, this.py + 4, this.cursorLabelWidth + 10, 17);
    ctx.fillStyle = INK;
    ctx.fillText(this.cursorLabel, this.px + 9, this.py + 13);
  }

  /** Axes, ticks, legend and every data point, into the cached overlay. */
  #drawOverlay() {
    this.overlayDirty = false;
    const ctx = this.overlayCtx;
    const dpr = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const { px, py, pw, ph } = this;

    // Ticks and labels.
    ctx.font = FONT;
    ctx.fillStyle = TEXT;
    ctx.strokeStyle = AXIS;
    ctx.lineWidth = 1;
    ctx.beginPath();
    const xStep = niceStep(this.xMax - this.xMin, Math.max(2, Math.min(6, pw / 22)));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let v = Math.ceil(this.xMin / xStep - 1e-9) * xStep; v <= this.xMax + 1e-9; v += xStep) {
      const x = Math.round(this.#sx(v)) + 0.5;
      ctx.moveTo(x, py + ph);
      ctx.lineTo(x, py + ph + TICK);
      ctx.fillText(tickLabel(Math.round(v * 1e6) / 1e6), x, py + ph + TICK + 1);
    }
    const yStep = niceStep(this.yMax - this.yMin, Math.max(2, Math.min(6, ph / 22)));
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let v = Math.ceil(this.yMin / yStep - 1e-9) * yStep; v <= this.yMax + 1e-9; v += yStep) {
      const y = Math.round(this.#sy(v)) + 0.5;
      ctx.moveTo(px, y);
      ctx.lineTo(px - TICK, y);
      ctx.fillText(tickLabel(Math.round(v * 1e6) / 1e6), px - TICK - 2, y);
    }
    ctx.stroke();
    // Faint lines through the origin help to read a boundary's position.
    ctx.save();
    ctx.beginPath();
    ctx.rect(px, py, pw, ph);
    ctx.clip();
    ctx.beginPath();
    if (this.xMin < 0 && this.xMax > 0) {
      const x = Math.round(this.#sx(0)) + 0.5;
      ctx.moveTo(x, py);
      ctx.lineTo(x, py + ph);
    }
    if (this.yMin < 0 && this.yMax > 0) {
      const y = Math.round(this.#sy(0)) + 0.5;
      ctx.moveTo(px, y);
      ctx.lineTo(px + pw, y);
    }
    ctx.strokeStyle = "rgba(255, 255, 255, 0.45)";
    ctx.stroke();
    ctx.restore();
    ctx.strokeStyle = AXIS;
    ctx.strokeRect(px - 0.5, py - 0.5, pw + 1, ph + 1);

    // Axis titles: x1 right of the x tick labels, x2 above the y tick labels.
    ctx.font = TITLE_FONT;
    ctx.fillStyle = TEXT;
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText("x₁", px + pw + 7, py + ph + TICK);
    ctx.textAlign = "right";
    ctx.textBaseline = "bottom";
    ctx.fillText("x₂", px - TICK - 2, py - 3);

    this.#drawLegend(ctx);

    // The points: training points with a white outline, test points with a dark one, on top.
    // A point at the domain's edge is drawn whole, over the frame; beyond that it is clipped.
    // Many points are copied from sprites, as many a frame as STAMP_BUDGET_MS allows: then
    // both sets are, so the test points still lie over the training points.
    const bleed = Math.ceil(this.radius) + 2;
    const clip = this.clip;
    clip.x = px - bleed;
    clip.y = py - bleed;
    clip.w = pw + 2 * bleed;
    clip.h = ph + 2 * bleed;
    const sets = [[this.train, "#ffffff"]];
    if (this.showTest) sets.push([this.test, INK]);
    const many = sets.some(([set]) => Math.ceil(set.labels.length / this.#strideOf(set)) > STAMP_ABOVE);
    this.stamps.length = 0;
    if (many) {
      for (const [set, outline] of sets) this.stamps.push({ set, stride: this.#strideOf(set), outline, width: 1, i: 0, sprites: null });
      this.#stampSome();
      return;
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(clip.x, clip.y, clip.w, clip.h);
    ctx.clip();
    for (const [set, outline] of sets) this.#drawPoints(ctx, set, outline, 1);
    ctx.restore();
  }

  #strideOf(set) {
    return set === this.train ? this.stride.train : this.stride.test;
  }

  #drawPoints(ctx, set, outline, width) {
    const { inputs, labels } = set;
    const stride = this.#strideOf(set);
    const r = this.radius;
    const groups = this.#groups();
    for (let g = 0; g < groups; g++) {
      const colour = this.#groupColour(g);
      ctx.beginPath();
      let any = false;
      for (let i = 0; 2 * i + 1 < inputs.length; i += stride) {
        if (this.#groupOf(labels[i]) !== g) continue;
        const x = this.#sx(inputs[2 * i]);
        const y = this.#sy(inputs[2 * i + 1]);
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        any = true;
      }
      if (!any) continue;
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.lineWidth = width;
      ctx.strokeStyle = outline;
      ctx.stroke();
    }
  }

  /**
   * Many points: each group's dot (fill and outline) is drawn once into a small sprite, and
   * every point is a copy of it at whole device pixels. Skia fills one path of thousands of
   * arcs slowly on a CPU (about 33 ms for 5,000 points, on the main thread, each time the data
   * changes); copies take 4-9 us each, so a frame copies for at most STAMP_BUDGET_MS and the
   * next frames go on (this.stamps). The dot is the same; its centre moves by under half a
   * device pixel.
   */
  #stampSome() {
    const ctx = this.overlayCtx;
    const dpr = this.dpr;
    const until = performance.now() + this.stampBudget;
    const c = this.clip;
    ctx.save();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.beginPath();
    ctx.rect(c.x, c.y, c.w, c.h);
    ctx.clip();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    let copied = 0;
    while (this.stamps.length > 0) {
      const job = this.stamps[0];
      job.sprites ??= this.#sprites(job.outline, job.width);
      const { half, images } = job.sprites;
      const { inputs, labels } = job.set;
      for (let i = job.i; 2 * i + 1 < inputs.length; i += job.stride) {
        const x = Math.round(this.#sx(inputs[2 * i]) * dpr) - half;
        const y = Math.round(this.#sy(inputs[2 * i + 1]) * dpr) - half;
        ctx.drawImage(images[this.#groupOf(labels[i])], x, y);
        if (++copied % 64 === 0 && performance.now() > until) {
          job.i = i + job.stride;
          ctx.restore();
          return;
        }
      }
      this.stamps.shift();
    }
    ctx.restore();
  }

  /** Each group's dot with this outline, at the device pixel ratio: { half, images }. */
  #sprites(outline, width) {
    const dpr = this.dpr;
    const r = this.radius;
    const half = Math.ceil((r + width) * dpr) + 1;
    const size = 2 * half;
    const images = [];
    for (let g = 0; g < this.#groups(); g++) {
      const sprite = makeCanvas(size, size);
      const c = sprite.getContext("2d");
      c.setTransform(dpr, 0, 0, dpr, 0, 0);
      c.beginPath();
      c.arc(half / dpr, half / dpr, r, 0, 2 * Math.PI);
      c.fillStyle = this.#groupColour(g);
      c.fill();
      c.lineWidth = width;
      c.strokeStyle = outline;
      c.stroke();
      images.push(sprite);
    }
    return { half, images };
  }

  /** "showing 5,000 of 100,000 points" when not every point is drawn, else "". */
  get sampledText() {
    const n = this.train.labels.length + (this.showTest ? this.test.labels.length : 0);
    const shown = Math.ceil(this.train.labels.length / this.stride.train) + (this.showTest ? Math.ceil(this.test.labels.length / this.stride.test) : 0);
    return shown < n ? `showing ${shown.toLocaleString("en-US")} of ${n.toLocaleString("en-US")} points` : "";
  }

  /** The class key for multiclass data: a swatch and a name per class, in rows. */
  #drawClassKey(ctx, left, top, width) {
    ctx.font = FONT;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillStyle = TEXT;
    ctx.fillText("Class (faded: less sure)", left, top + 6);
    let x = left;
    let y = top + 22;
    const r = this.radius;
    for (let c = 0; c < this.classes; c++) {
      const name = this.classNames[c] ?? String(c);
      const label = name.length > 14 ? `${name.slice(0, 13)}…` : name;
      const w = 2 * r + 4 + ctx.measureText(label).width + 10;
      if (x + w > left + width && x > left) {
        x = left;
        y += 15;
      }
      if (y > top + LEGEND + 4) break;
      ctx.beginPath();
      ctx.arc(x + r, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = this.#colourOf(c);
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
      ctx.fillStyle = TEXT;
      ctx.fillText(label, x + 2 * r + 4, y);
      x += w;
    }
  }

  /** The colour legend (palette.js's, lightened as the heatmap is) and the point key. */
  #drawLegend(ctx) {
    const top = this.py + this.ph + X_LABELS;
    const left = this.px;
    const sampled = this.sampledText;
    if (sampled) {
      ctx.font = FONT;
      ctx.textAlign = "right";
      ctx.textBaseline = "bottom";
      ctx.fillStyle = TEXT;
      ctx.fillText(sampled, this.px + this.pw, this.py - 3);
    }
    if (this.task === "multiclass") {
      this.#drawClassKey(ctx, left, top, this.pw);
      return;
    }
    const width = Math.round(Math.min(180, Math.max(90, this.pw * 0.42)));
    const caption = this.task === "regression" ? "Predicted y" : LEGEND_CAPTION;
    const legend = valueLegend({ caption, ranges: [{ lo: this.rangeLo, hi: this.rangeHi }] });
    legend.colour = lightColour;
    drawLegend(ctx, left, top, width, legend, { ink: TEXT, muted: TEXT });
    if (this.task === "regression") return;

    // The key to the point styles, right-aligned beside the bar, if there is room.
    ctx.font = FONT;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    const r = this.radius;
    const cy = top + 19; // the bar's middle row in drawLegend's layout
    const gap = 12;
    const keyW = (label) => 2 * (2 * r + 3) + 2 + ctx.measureText(label).width;
    const trainW = keyW("train");
    const testW = this.showTest ? keyW("test") : 0;
    let x = this.px + this.pw - trainW - (this.showTest ? gap + testW : 0);
    if (x < left + width + 24) return;
    const key = (label, outline) => {
      for (const fill of [CLASS_0, CLASS_1]) {
        ctx.beginPath();
        ctx.arc(x + r + 1, cy, r, 0, 2 * Math.PI);
        ctx.fillStyle = fill;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = outline;
        ctx.stroke();
        x += 2 * r + 3;
      }
      ctx.fillStyle = TEXT;
      ctx.fillText(label, x + 2, cy);
      x += 2 + ctx.measureText(label).width + gap;
    };
    key("train", "#ffffff");
    if (this.showTest) key("test", INK);
  }

  // ---- interaction ----

  #onClick(e) {
    const x = e.offsetX;
    const y = e.offsetY;
    const hit = this.hitTest(x, y);
    if (hit) {
      const inputs = hit.set === "train" ? this.train.inputs : this.test.inputs;
      this.#moveCursor(inputs[2 * hit.index], inputs[2 * hit.index + 1]);
      this.#pick(hit.set, hit.index);
      return;
    }
    const p = this.fromCanvas(x, y);
    if (!p) return;
    this.#moveCursor(p.x1, p.x2);
    this.#add(p.x1, p.x2, e.shiftKey);
  }

  #onContextMenu(e) {
    const hit = this.hitTest(e.offsetX, e.offsetY);
    if (!hit) return; // the browser's own menu elsewhere (e.g. to save the image)
    e.preventDefault();
    this.onRemove?.(hit.set, hit.index);
  }

  #onPointerMove(e) {
    const hit = this.hitTest(e.offsetX, e.offsetY);
    const set = hit ? hit.set : null;
    const index = hit ? hit.index : -1;
    if (set !== this.hoverSet || index !== this.hoverIndex) {
      this.hoverSet = set;
      this.hoverIndex = index;
      this.#redraw();
    }
    const cursor = hit ? "pointer" : this.fromCanvas(e.offsetX, e.offsetY) ? "crosshair" : "default";
    if (cursor !== this.pointerCursor) {
      this.pointerCursor = cursor;
      this.canvas.style.cursor = cursor;
    }
  }

  #onKeyDown(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const fine = (this.xMax - this.xMin) / 48;
    const step = e.shiftKey ? 4 * fine : fine;
    let handled = true;
    switch (e.key) {
      case "ArrowLeft":
        this.#moveCursor(this.cursorX1 - step, this.cursorX2);
        break;
      case "ArrowRight":
        this.#moveCursor(this.cursorX1 + step, this.cursorX2);
        break;
      case "ArrowUp":
        this.#moveCursor(this.cursorX1, this.cursorX2 + step);
        break;
      case "ArrowDown":
        this.#moveCursor(this.cursorX1, this.cursorX2 - step);
        break;
      case "Enter":
        this.#add(this.cursorX1, this.cursorX2, e.shiftKey);
        break;
      case "[":
      case "]":
        this.#pickNext(e.key === "]" ? 1 : -1);
        break;
      case "Delete":
      case "Backspace":
        if (this.selSet !== null) this.onRemove?.(this.selSet, this.selIndex);
        break;
      default:
        handled = false;
    }
    if (handled) {
      this.keyboard = true;
      this.#redraw();
      e.preventDefault();
      // Consumed here: page-level shortcuts (e.g. the right arrow's "step") must not fire too.
      e.stopPropagation();
    }
  }

  /** Draws the last frame again (after an interaction), if there was one. */
  #redraw() {
    if (this.lastFrame) this.draw(this.lastFrame);
  }

  // A click or Enter adds a point: class 1 (Shift: 0) for two classes, the brush's class for
  // more; regression data takes no hand-made points (a value cannot be clicked).
  #add(x1, x2, shift) {
    if (this.task === "regression") return;
    this.onAdd?.(x1, x2, this.task === "multiclass" ? this.brush : shift ? 0 : 1);
  }

  #pick(set, index) {
    this.selSet = set;
    this.selIndex = index;
    this.onPick?.(set, index);
  }

  /** Picks the next (dir 1) or previous (-1) point: training points, then test points. */
  #pickNext(dir) {
    const nTrain = this.train.inputs.length >> 1;
    const nTest = this.showTest ? this.test.inputs.length >> 1 : 0;
    const total = nTrain + nTest;
    if (total === 0) return;
    let i = this.selSet === "train" ? this.selIndex : this.selSet === "test" ? nTrain + this.selIndex : -1;
    if (i < 0 || i >= total) i = dir > 0 ? -1 : total;
    i = (i + dir + total) % total;
    const set = i < nTrain ? "train" : "test";
    const index = i < nTrain ? i : i - nTrain;
    const inputs = set === "train" ? this.train.inputs : this.test.inputs;
    this.#moveCursor(inputs[2 * index], inputs[2 * index + 1]);
    this.#pick(set, index);
  }

  #moveCursor(x1, x2) {
    this.cursorX1 = x1;
    this.cursorX2 = x2;
    this.#clampCursor();
  }

  #clampCursor() {
    this.cursorX1 = Math.min(this.xMax, Math.max(this.xMin, this.cursorX1));
    this.cursorX2 = Math.min(this.yMax, Math.max(this.yMin, this.cursorX2));
    // Formatted here, on a key press, so that draw() never builds a string; measured when the
    // cursor is first drawn (measuring resolves the canvas's font, which costs a style pass).
    this.cursorLabel = `x₁ ${this.cursorX1.toFixed(2)}, x₂ ${this.cursorX2.toFixed(2)}`;
    this.cursorLabelWidth = -1;
  }

  #describe() {
    const n = this.train.inputs.length >> 1;
    const m = this.test.inputs.length >> 1;
    const plane = `Output of the network over the input plane x1 from ${formatTick(this.xMin)} to ${formatTick(this.xMax)}, x2 from ${formatTick(this.yMin)} to ${formatTick(this.yMax)}`;
    const pts = `${n} training and ${m} test points`;
    const keys = "Keys: arrows move a cursor (Shift for bigger steps), [ and ] pick the previous or next point, Delete removes the picked point";
    let text;
    if (this.task === "multiclass") {
      const brush = this.classNames[this.brush] ?? String(this.brush);
      text = `${plane}: each region has the colour of the class the network predicts there, faded where it is unsure. ${pts}. Click to add a point of class ${brush} (choose the class above the plot), click a point to pick it, right-click to remove it. ${keys}; Enter adds a point of class ${brush}.`;
    } else if (this.task === "regression") {
      text = `${plane}: the predicted value, orange low to blue high. ${pts}, coloured by their target value. Click a point to pick it, right-click to remove it. ${keys}.`;
    } else {
      text = `${plane}: blue is class 1, orange class 0. ${pts}. Click to add a class 1 point, Shift+click a class 0 point; click a point to pick it, right-click to remove it. ${keys}; Enter adds class 1 and Shift+Enter class 0.`;
    }
    this.canvas.setAttribute("aria-label", text);
  }
}
