// Loss and accuracy over training steps: two small panels sharing the step axis.
//
// History lives in preallocated Float64Arrays of fixed capacity. When they fill up, every
// other point is dropped and from then on only every second push is kept (the stride
// doubles), so the whole run stays visible at an even density however long it trains.
// The latest push is always drawn, kept or not. draw() does nothing unless something
// changed, and allocates nothing in the steady state: tick labels are formatted only when a
// tick's value changes, text and rectangles sit on whole CSS pixels, and lines and dots use
// moveTo/lineTo (canvas methods that take computed doubles without boxing them).

import { FONT_FAMILY, INK, MUTED, tickLabel } from "./palette.js";

const TRAIN = INK; // train: solid
const TEST = MUTED; // test: dashed
const TEXT = MUTED;
const AXIS = "#9ca3af";
const GRID = "#e5e7eb";
const FONT = `11px ${FONT_FAMILY}`;
const SOLID = [];
const DASHED = [5, 3];

// Layout, CSS px.
const LEGEND_H = 18;
const X_LABELS_H = 16;
const GAP = 14;
const PAD_LEFT = 40;
const PAD_RIGHT = 10;
const MAX_TICKS = 8;

// The dot at a line's latest value: a 16-gon (no arc(), which boxes its arguments).
const DOT_SEGMENTS = 16;
const DOT_X = new Float64Array(DOT_SEGMENTS);
const DOT_Y = new Float64Array(DOT_SEGMENTS);
for (let k = 0; k < DOT_SEGMENTS; k++) {
  DOT_X[k] = 2.5 * Math.cos((2 * Math.PI * k) / DOT_SEGMENTS);
  DOT_Y[k] = 2.5 * Math.sin((2 * Math.PI * k) / DOT_SEGMENTS);
}

// niceStep's result. A double returned from a call that V8 does not inline is boxed into a
// fresh heap number; one written to a typed array never is.
const STEP = new Float64Array(1);

/**
 * A "nice" tick step (1, 2 or 5 times a power of ten) giving at most about `count` intervals, into
 * STEP[0].
 */
function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  STEP[0] = (m <= 1.001 ? 1 : m <= 2.001 ? 2 : m <= 5.001 ? 5 : 10) * p;
}

/** Step numbers: 950, 1.5k, 20k, 1.2M. */
function formatStep(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(2)}k`;
  return String(Math.round(v));
}

/** Loss values: 0, 0.05, 0.2, 1.5, and powers of ten as 10⁻³ (palette.js's tick labels). */
function formatLoss(v) {
  return tickLabel(+v.toPrecision(6));
}

/** a and b are the same number, NaN included. */
function same(a, b) {
  return a === b || (a !== a && b !== b);
}

function formatPercent(v) {
  return `${Math.round(v * 100)}%`;
}

/**
 * Tick values and their labels for one axis. Labels are formatted only when a slot's value
 * changes, so a steady axis costs no strings.
 */
class Ticks {
  constructor(format) {
    this.format = format;
    this.count = 0;
    this.values = new Float64Array(MAX_TICKS + 2).fill(NaN);
    this.labels = new Array(MAX_TICKS + 2).fill("");
  }

  /** Ticks at multiples of `step` in [lo, hi]. */
  linear(lo, hi, step) {
    let n = 0;
    const first = Math.ceil(lo / step - 1e-9);
    for (let i = first; i * step <= hi + step * 1e-9 && n < this.values.length; i++, n++) {
      // Inline rather than a helper: a double passed to a call can be boxed.
      const v = i * step;
      if (this.values[n] !== v) {
        this.values[n] = v;
        this.labels[n] = this.format(v);
      }
    }
    this.count = n;
  }

  /** Ticks at the powers of ten in [lo, hi] (both powers of ten), thinned to fit. */
  decades(lo, hi, max) {
    let n = 0;
    const a = Math.round(Math.log10(lo));
    const b = Math.round(Math.log10(hi));
    const every = Math.max(1, Math.ceil((b - a) / Math.max(1, max)));
    for (let e = b; e >= a && n < this.values.length; e -= every, n++) {
      const v = 10 ** e;
      if (this.values[n] !== v) {
        this.values[n] = v;
        this.labels[n] = this.format(v);
      }
    }
    this.count = n;
  }
}

/**
 * Train (solid) and test (dashed) loss over steps, and accuracy in a second panel below.
 *
 * `new LossChart(canvas, { capacity = 1024, scale = "linear" })`; `push(step, trainLoss,
 * testLoss, trainAccuracy, testAccuracy)` with NaN where unknown (gaps in the lines).
 */
export class LossChart {
  constructor(canvas, { capacity = 1024, scale = "linear" } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.capacity = Math.max(8, capacity + (capacity & 1));
    const cap = this.capacity;
    this.steps = new Float64Array(cap + 1); // + 1: room for the latest, unkept push
    this.series = [
      new Float64Array(cap + 1), // train loss
      new Float64Array(cap + 1), // test loss
      new Float64Array(cap + 1), // train accuracy
      new Float64Array(cap + 1), // test accuracy
    ];
    this.scale = scale === "log" ? "log" : "linear";
    this.cssWidth = 0;
    this.cssHeight = 0;
    this.dpr = 1;
    this.legendTrainWidth = 28;
    this.xTicks = new Ticks(formatStep);
    this.lossTicks = new Ticks(formatLoss);
    this.accTicks = new Ticks(formatPercent);
    canvas.setAttribute("role", "img");
    canvas.setAttribute(
      "aria-label",
      "Chart of loss (top) and accuracy (bottom) over training steps; train solid, test dashed.",
    );
    this.reset();
  }

  /** Sets the canvas's CSS size; the backing store follows devicePixelRatio. */
  resize(cssWidth, cssHeight) {
    this.dpr = Math.max(1, globalThis.devicePixelRatio || 1);
    this.cssWidth = Math.max(1, Math.round(cssWidth)) | 0;
    this.cssHeight = Math.max(1, Math.round(cssHeight)) | 0;
    this.canvas.width = Math.round(this.cssWidth * this.dpr);
    this.canvas.height = Math.round(this.cssHeight * this.dpr);
    this.canvas.style.width = `${this.cssWidth}px`;
    this.canvas.style.height = `${this.cssHeight}px`;
    // Resizing resets the context; from here on it draws in CSS px.
    this.ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    this.ctx.font = FONT;
    this.legendTrainWidth = Math.ceil(this.ctx.measureText("train").width) | 0;
    this.dirty = true;
  }

  /** Forgets the history (a new network or new data). */
  reset() {
    this.length = 0; // kept points
    this.pushes = 0; // pushes since the reset
    this.stride = 1; // keep every stride-th push
    this.hasTail = false; // the latest push was not kept and sits at index `length`
    this.dirty = true;
  }

  /** `"linear"` (from 0) or `"log"` loss axis (beyond the contract). */
  setScale(scale) {
    const s = scale === "log" ? "log" : "linear";
    if (s !== this.scale) {
      this.scale = s;
      this.dirty = true;
    }
  }

  /** Number of points held (kept points plus the latest one). */
  get size() {
    return this.length + (this.hasTail ? 1 : 0);
  }

  /** Records the metrics after `step`. A step below the last one starts a new history. */
  push(step, trainLoss, testLoss, trainAccuracy, testAccuracy) {
    if (!Number.isFinite(step)) return;
    const n = this.size;
    if (n > 0) {
      const last = this.steps[n - 1];
      if (step < last) this.reset();
      else if (step === last) {
        // The same step again (e.g. a paused loop, or metrics after an edit): update it, and
        // redraw only if a value changed.
        const i = n - 1;
        if (
          same(this.series[0][i], trainLoss) && same(this.series[1][i], testLoss) &&
          same(this.series[2][i], trainAccuracy) && same(this.series[3][i], testAccuracy)
        ) return;
        this.#write(i, step, trainLoss, testLoss, trainAccuracy, testAccuracy);
        this.dirty = true;
        return;
      }
    }
    const keep = this.pushes % this.stride === 0;
    this.pushes++;
    if (keep) {
      if (this.length === this.capacity) this.#decimate();
      this.#write(this.length, step, trainLoss, testLoss, trainAccuracy, testAccuracy);
      this.length++;
      this.hasTail = false;
    } else {
      this.#write(this.length, step, trainLoss, testLoss, trainAccuracy, testAccuracy);
      this.hasTail = true;
    }
    this.dirty = true;
  }

  #write(i, step, a, b, c, d) {
    this.steps[i] = step;
    this.series[0][i] = a;
    this.series[1][i] = b;
    this.series[2][i] = c;
    this.series[3][i] = d;
  }

  /** Keeps every other point and doubles the stride. */
  #decimate() {
    const half = this.length >> 1;
    for (let i = 0; i < half; i++) {
      this.steps[i] = this.steps[2 * i];
      for (let s = 0; s < 4; s++) this.series[s][i] = this.series[s][2 * i];
    }
    this.length = half;
    this.stride *= 2;
  }

  /** Redraws if anything changed since the last draw. */
  draw() {
    if (!this.dirty || this.cssWidth === 0) return;
    this.dirty = false;
    const ctx = this.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.restore();
    ctx.font = FONT;

    const n = this.size;
    const W = this.cssWidth;
    const H = this.cssHeight;
    const left = PAD_LEFT;
    const right = W - PAD_RIGHT;
    const plotH = Math.max(20, H - LEGEND_H - X_LABELS_H - GAP);
    const lossTop = LEGEND_H;
    const lossH = Math.round(plotH * 0.6) | 0;
    const accTop = lossTop + lossH + GAP;
    const accH = plotH - lossH;

    // x: the steps held, first to latest (from 0 while there is only one).
    const x0 = n > 1 ? this.steps[0] : 0;
    let x1 = n > 0 ? this.steps[n - 1] : 100;
    if (x1 <= x0) x1 = x0 + 1;
    const xScale = (right - left) / (x1 - x0);

    // y for loss: from 0 to a nice ceiling, or whole decades on a log axis.
    let lo = Infinity;
    let hi = 0;
    for (let s = 0; s < 2; s++) {
      const v = this.series[s];
      for (let i = 0; i < n; i++) {
        const y = v[i];
        if (y >= 0 && y < Infinity) {
          if (y > hi) hi = y;
          if (y > 0 && y < lo) lo = y;
        }
      }
    }
    const log = this.scale === "log";
    let yLo;
    let yHi;
    if (log) {
      if (!(lo < Infinity)) lo = hi > 0 ? hi : 0.1;
      if (!(hi > 0)) hi = 1;
      yLo = 10 ** Math.floor(Math.log10(lo));
      yHi = 10 ** Math.ceil(Math.log10(hi));
      if (yHi <= yLo) yHi = yLo * 10;
      this.lossTicks.decades(yLo, yHi, Math.max(1, Math.floor(lossH / 18)));
    } else {
      if (!(hi > 0)) hi = 1;
      niceStep(hi, Math.max(1, Math.min(5, Math.floor(lossH / 22))));
      const step = STEP[0];
      yLo = 0;
      yHi = Math.ceil(hi / step - 1e-9) * step;
      this.lossTicks.linear(0, yHi, step);
    }

    // Loss value v sits at lossTop + (yTop - f(v)) * yScale, f = log10 or identity.
    const yTop = log ? Math.log10(yHi) : yHi;
    const yScale = lossH / (yTop - (log ? Math.log10(yLo) : yLo));

    // Grid lines and tick labels.
    ctx.lineWidth = 1;
    ctx.strokeStyle = GRID;
    ctx.fillStyle = TEXT;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.beginPath();
    const lt = this.lossTicks;
    for (let i = 0; i < lt.count; i++) {
      const v = lt.values[i];
      const y = Math.round(lossTop + (yTop - (log ? Math.log10(v) : v)) * yScale) | 0;
      ctx.moveTo(left, y + 0.5);
      ctx.lineTo(right, y + 0.5);
      ctx.fillText(lt.labels[i], left - 5, y);
    }
    const at = this.accTicks;
    at.linear(0, 1, accH >= 44 ? 0.5 : 1);
    for (let i = 0; i < at.count; i++) {
      const y = Math.round(accTop + (1 - at.values[i]) * accH) | 0;
      ctx.moveTo(left, y + 0.5);
      ctx.lineTo(right, y + 0.5);
      ctx.fillText(at.labels[i], left - 5, y);
    }
    const xt = this.xTicks;
    niceStep(x1 - x0, Math.max(1, Math.min(MAX_TICKS, Math.floor((right - left) / 70))));
    const xStep = STEP[0];
    xt.linear(x0, x1, Math.max(1, xStep)); // steps are whole numbers
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let i = 0; i < xt.count; i++) {
      const x = Math.round(left + (xt.values[i] - x0) * xScale) | 0;
      ctx.moveTo(x + 0.5, lossTop);
      ctx.lineTo(x + 0.5, lossTop + lossH);
      ctx.moveTo(x + 0.5, accTop);
      ctx.lineTo(x + 0.5, accTop + accH);
      // A label at the right edge is right-aligned rather than cut off.
      const edge = x > W - 16;
      ctx.textAlign = edge ? "right" : "center";
      ctx.fillText(xt.labels[i], edge ? W - 1 : x, accTop + accH + 4);
    }
    ctx.stroke();
    // Axis lines.
    ctx.strokeStyle = AXIS;
    ctx.beginPath();
    ctx.moveTo(left + 0.5, lossTop);
    ctx.lineTo(left + 0.5, lossTop + lossH + 0.5);
    ctx.lineTo(right, lossTop + lossH + 0.5);
    ctx.moveTo(left + 0.5, accTop);
    ctx.lineTo(left + 0.5, accTop + accH + 0.5);
    ctx.lineTo(right, accTop + accH + 0.5);
    ctx.stroke();

    // Panel titles where the curves usually are not: loss falls, accuracy rises.
    ctx.fillStyle = TEXT;
    ctx.textAlign = "right";
    ctx.textBaseline = "top";
    ctx.fillText(log ? "loss (log)" : "loss", right - 2, lossTop + 3);
    ctx.textBaseline = "bottom";
    ctx.fillText("accuracy", right - 2, accTop + accH - 3);

    // The curves.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, lossTop - 2, right - left + 2, lossH + 4);
    ctx.rect(left, accTop - 2, right - left + 2, accH + 4);
    ctx.clip();
    ctx.lineJoin = "round";
    ctx.lineWidth = 1.75;
    for (let s = 3; s >= 0; s--) {
      const v = this.series[s];
      const acc = s >= 2;
      ctx.beginPath();
      let pen = false;
      let lastX = 0;
      let lastY = 0;
      for (let i = 0; i < n; i++) {
        const y = v[i];
        if (!(y === y) || (log && !acc && !(y > 0))) {
          pen = false;
          continue;
        }
        const px = left + (this.steps[i] - x0) * xScale;
        const py = acc ? accTop + (1 - y) * accH : lossTop + (yTop - (log ? Math.log10(y) : y)) * yScale;
        if (pen) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        pen = true;
        lastX = px;
        lastY = py;
      }
      const test = s === 1 || s === 3;
      ctx.strokeStyle = test ? TEST : TRAIN;
      ctx.setLineDash(test ? DASHED : SOLID);
      ctx.stroke();
      if (pen) {
        // A dot at the latest value.
        ctx.beginPath();
        ctx.moveTo(lastX + DOT_X[0], lastY + DOT_Y[0]);
        for (let k = 1; k < DOT_SEGMENTS; k++) ctx.lineTo(lastX + DOT_X[k], lastY + DOT_Y[k]);
        ctx.fillStyle = test ? TEST : TRAIN;
        ctx.fill();
      }
    }
    ctx.restore();

    // Legend: "—— train  - - - test" at the top left.
    ctx.lineWidth = 1.75;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    const ly = (LEGEND_H >> 1) - 1;
    let lx = left;
    for (let k = 0; k < 2; k++) {
      ctx.strokeStyle = k ? TEST : TRAIN;
      ctx.setLineDash(k ? DASHED : SOLID);
      ctx.beginPath();
      ctx.moveTo(lx, ly);
      ctx.lineTo(lx + 22, ly);
      ctx.stroke();
      ctx.fillStyle = TEXT;
      ctx.fillText(k ? "test" : "train", lx + 27, ly);
      lx += 27 + this.legendTrainWidth + 16;
    }
    ctx.setLineDash(SOLID);
    // The x axis's name, left of its tick labels.
    ctx.fillStyle = TEXT;
    ctx.textAlign = "right";
    ctx.textBaseline = "top";
    ctx.fillText("step", left - 14, accTop + accH + 4);
  }

}
