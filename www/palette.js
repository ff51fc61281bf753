// Colours of the front end, and the legend that explains them.
//
// Two diverging, colour-blind-safe scales (docs/FRONTEND.md, "Colours"):
// - values (activations, weights, the decision boundary): orange (negative / low / class 0)
//   through light grey to blue (positive / high / class 1);
// - gradients (dL/dW, dL/db): purple (negative) through light grey to green (positive), on a
//   log-scaled magnitude, so a derivative never looks like a weight.
//
// Renderers ask for colours every frame, so every CSS colour string is built once here and
// looked up by a quantised level afterwards: no string is made per frame.

/** Orange: negative values, low activations, class 0. */
export const ORANGE = "#f59322";
/** The light grey in the middle of both diverging scales (zero). */
export const GREY = "#e8eaeb";
/** Blue: positive values, high activations, class 1. */
export const BLUE = "#0877bd";
/** Purple: negative derivatives. */
export const PURPLE = "#762a83";
/** Green: positive derivatives. */
export const GREEN = "#1b7837";
/** Text. */
export const INK = "#1f2937";
/** Secondary text, ticks and axes. */
export const MUTED = "#6b7280";
/** Structure lines that carry no value (edges before the backward pass has reached them). */
export const NEUTRAL = "#b8bec6";
/** Outline of the selected parameter. */
export const SELECT = "#111827";
/** The UI font stack used on canvases. */
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const RGB_ORANGE = [245, 147, 34];
const RGB_GREY = [232, 234, 235];
const RGB_BLUE = [8, 119, 189];
const RGB_PURPLE = [118, 42, 131];
const RGB_GREEN = [27, 120, 55];

/** Levels on each side of zero in the cached colour tables (2 * LEVELS + 1 colours). */
export const LEVELS = 32;

/** Weights at or above this magnitude get the strongest colour and the widest edge. */
export const WEIGHT_MAX = 4;
/** Gradient magnitudes are drawn on a log scale from GRADIENT_MIN (grey) to GRADIENT_MAX (full). */
export const GRADIENT_MIN = 1e-5;
export const GRADIENT_MAX = 1;
const LOG_GMIN = Math.log10(GRADIENT_MIN);
const LOG_GSPAN = Math.log10(GRADIENT_MAX) - LOG_GMIN;

/** Colour at t in [0, 1] along a three-stop diverging scale, as [r, g, b] (0-255, unrounded). */
function mix3(lo, mid, hi, t, out) {
  const u = t < 0.5 ? t * 2 : t * 2 - 1;
  const a = t < 0.5 ? lo : mid;
  const b = t < 0.5 ? mid : hi;
  out[0] = a[0] + (b[0] - a[0]) * u;
  out[1] = a[1] + (b[1] - a[1]) * u;
  out[2] = a[2] + (b[2] - a[2]) * u;
  return out;
}

function css(rgb) {
  return `rgb(${Math.round(rgb[0])},${Math.round(rgb[1])},${Math.round(rgb[2])})`;
}

function table(lo, mid, hi) {
  const out = [];
  const rgb = [0, 0, 0];
  for (let i = 0; i <= 2 * LEVELS; i++) out.push(css(mix3(lo, mid, hi, i / (2 * LEVELS), rgb)));
  return Object.freeze(out);
}

/** 2 * LEVELS + 1 CSS colours, orange (index 0) through grey (LEVELS) to blue (2 * LEVELS). */
export const VALUE_COLORS = table(RGB_ORANGE, RGB_GREY, RGB_BLUE);
/** 2 * LEVELS + 1 CSS colours, purple (index 0) through grey (LEVELS) to green (2 * LEVELS). */
export const GRADIENT_COLORS = table(RGB_PURPLE, RGB_GREY, RGB_GREEN);

/**
 * The wasm heatmap palette for `net.setPalette`: 256 RGBA colours, low to high, orange through
 * light grey to blue. Entry i is the scale at t = i / 255, rounded as the engine's default is,
 * so thumbnails, the heatmap and the diagram's CSS colours agree.
 */
export function lut() {
  const out = new Uint8Array(1024);
  const rgb = [0, 0, 0];
  for (let i = 0; i < 256; i++) {
    mix3(RGB_ORANGE, RGB_GREY, RGB_BLUE, i / 255, rgb);
    out[4 * i] = Math.round(rgb[0]);
    out[4 * i + 1] = Math.round(rgb[1]);
    out[4 * i + 2] = Math.round(rgb[2]);
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Index into VALUE_COLORS of v on the range [lo, hi] (clamped; NaN is the middle). */
export function valueLevel(v, lo = -1, hi = 1) {
  const t = (v - lo) / (hi - lo);
  if (!(t > 0)) return t <= 0 ? 0 : LEVELS;
  if (t >= 1) return 2 * LEVELS;
  return Math.round(t * 2 * LEVELS);
}

/** CSS colour of a value v on the range [lo, hi] (activations: [-1, 1], or [0, 1] for sigmoid). */
export function valueColor(v, lo = -1, hi = 1) {
  return VALUE_COLORS[valueLevel(v, lo, hi)];
}

// ---- weights -----------------------------------------------------------------------------
//
// A weight's magnitude m = sqrt(min(1, |w| / WEIGHT_MAX)) (the square root keeps small weights
// visible) sets both the edge's width and how far its colour leaves grey. Weights are quantised
// to STEPS levels on each side, and edges are batched by that bucket.

/** Magnitude steps on each side of zero for edge buckets (buckets 0 .. 2 * STEPS). */
export const STEPS = 16;
/** Number of edge buckets per scale: 2 * STEPS + 1, bucket STEPS is zero. */
export const BUCKETS = 2 * STEPS + 1;

/** Magnitude on the weight scale, in [0, 1]: sqrt(min(1, |w| / WEIGHT_MAX)). */
export function weightMagnitude(w) {
  const a = w < 0 ? -w : w;
  if (!(a < WEIGHT_MAX)) return a >= WEIGHT_MAX ? 1 : 0;
  return Math.sqrt(a / WEIGHT_MAX);
}

/**
 * Edge bucket of a weight: STEPS + sign(w) * round(STEPS * weightMagnitude(w)), an integer.
 * (Computed inline: a helper returning a double would box it on every call.)
 */
export function weightBucket(w) {
  const a = w < 0 ? -w : w;
  const m = a < WEIGHT_MAX ? Math.round(STEPS * Math.sqrt(a / WEIGHT_MAX)) : a >= WEIGHT_MAX ? STEPS : 0;
  return w < 0 ? STEPS - m : STEPS + m;
}

/** Magnitude on the gradient scale, in [0, 1]: log10(|g|) from GRADIENT_MIN to GRADIENT_MAX. */
export function gradientMagnitude(g) {
  const a = g < 0 ? -g : g;
  if (!(a > GRADIENT_MIN)) return 0; // also NaN
  const m = (Math.log10(a) - LOG_GMIN) / LOG_GSPAN;
  return m >= 1 ? 1 : m;
}

/** Edge bucket of a derivative: STEPS + sign(g) * round(STEPS * gradientMagnitude(g)), an integer. */
export function gradientBucket(g) {
  const a = g < 0 ? -g : g;
  if (!(a > GRADIENT_MIN)) return STEPS; // also NaN
  const m = Math.round((STEPS * (Math.log10(a) - LOG_GMIN)) / LOG_GSPAN);
  const c = m > STEPS ? STEPS : m;
  return g < 0 ? STEPS - c : STEPS + c;
}

// The colour of bucket b leaves grey by at least FLOOR, so a small but non-zero parameter
// still shows its sign; bucket STEPS (zero) is plain grey.
function bucketTable(colors, floor) {
  const out = [];
  for (let b = 0; b < BUCKETS; b++) {
    const m = Math.abs(b - STEPS) / STEPS;
    const reach = m === 0 ? 0 : floor + (1 - floor) * m ** 0.8;
    const level = LEVELS + Math.sign(b - STEPS) * Math.round(reach * LEVELS);
    out.push(colors[level]);
  }
  return Object.freeze(out);
}

/** CSS colour of each weight bucket (orange negative, blue positive). */
export const WEIGHT_BUCKET_COLORS = bucketTable(VALUE_COLORS, 0.35);
/** CSS colour of each gradient bucket (purple negative, green positive). */
export const GRADIENT_BUCKET_COLORS = bucketTable(GRADIENT_COLORS, 0.25);
/** Relative width, 0 to 1, of each bucket (|b - STEPS| / STEPS). */
export const BUCKET_WIDTHS = Object.freeze(Array.from({ length: BUCKETS }, (_, b) => Math.abs(b - STEPS) / STEPS));

/** CSS colour of a weight (or a bias), as its edge is drawn. */
export function weightColor(w) {
  return WEIGHT_BUCKET_COLORS[weightBucket(w)];
}

/** CSS colour of a derivative dL/dW or dL/db, as its edge is drawn. */
export function gradientColor(g) {
  return GRADIENT_BUCKET_COLORS[gradientBucket(g)];
}

// ---- number formatting ------------------------------------------------------------------

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** "10⁻⁴" for 1e-4, "1" for 1, "10" for 10: a power of ten with a superscript exponent. */
export function powerOfTen(exponent) {
  if (exponent === 0) return "1";
  if (exponent === 1) return "10";
  return "10" + String(exponent).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
}

/** A signed number for ticks, with a real minus sign: "−1", "0.5", "10⁻²". */
export function tickLabel(v) {
  if (v === 0) return "0";
  const s = v < 0 ? "−" : "";
  const a = Math.abs(v);
  const e = Math.round(Math.log10(a));
  if (Math.abs(a - 10 ** e) < 1e-12 * a && (e <= -2 || e >= 2)) return s + powerOfTen(e);
  // Very large or small: a short mantissa and exponent ("2e305", "1.5e−7"), not JS's "2e+305",
  // so the label fits beside an axis.
  if (a >= 1e5 || a < 1e-3) {
    let f = Math.floor(Math.log10(a));
    let m = +(a / 10 ** f).toPrecision(2);
    if (m >= 10) {
      m /= 10;
      f += 1;
    }
    return `${s}${m}e${f < 0 ? "−" : ""}${Math.abs(f)}`;
  }
  return s + String(+a.toPrecision(3));
}

// ---- legends ------------------------------------------------------------------------------

/**
 * A legend for the value scale: `{ caption, colour(t), ticks: [[t, label], ...], rows }`.
 * `ranges` lists the scales shown, each `{ lo, hi, note }`; a second range gets its own tick row
 * (e.g. tanh hidden layers on [-1, 1] and a sigmoid output on [0, 1] share the bar).
 */
export function valueLegend({ caption = "Activation A", ranges = [{ lo: -1, hi: 1 }] } = {}) {
  const rows = ranges.map(({ lo, hi, note = "" }) => ({
    note,
    ticks: [
      [0, tickLabel(lo)],
      [0.5, tickLabel((lo + hi) / 2)],
      [1, tickLabel(hi)],
    ],
  }));
  return { caption, colour: (t) => VALUE_COLORS[Math.round(t * 2 * LEVELS)], rows };
}

/** A legend for edge weights: colour by sign, thickness by |w| (a bow tie), in [-WEIGHT_MAX, WEIGHT_MAX]. */
export function weightLegend({ caption = "Weight W  (width ∝ |W|)" } = {}) {
  const ticks = [];
  for (const w of [-WEIGHT_MAX, -1, 0, 1, WEIGHT_MAX]) {
    const m = weightMagnitude(w);
    ticks.push([0.5 + 0.5 * Math.sign(w) * m, tickLabel(w) + (Math.abs(w) === WEIGHT_MAX ? "+" : "")]);
  }
  // Relabel the ends as "≤ −4" / "≥ 4": weights past the range share the end colour.
  ticks[0][1] = "≤" + tickLabel(-WEIGHT_MAX);
  ticks[4][1] = "≥" + tickLabel(WEIGHT_MAX);
  return {
    caption,
    colour: (t) => WEIGHT_BUCKET_COLORS[Math.round(t * 2 * STEPS)],
    thickness: (t) => 0.22 + 0.78 * Math.abs(2 * t - 1),
    rows: [{ note: "", ticks }],
  };
}

/**
 * A legend for derivatives: purple (negative) and green (positive), magnitude on a log scale
 * from GRADIENT_MIN to GRADIENT_MAX; the middle is "0" (|g| below GRADIENT_MIN).
 * `compact` shows fewer ticks.
 */
export function gradientLegend({ caption = "∂L/∂W, ∂L/∂b  (log scale)", compact = false } = {}) {
  const exps = compact ? [0, -3] : [0, -2, -4];
  const ticks = [[0.5, "0"]];
  for (const e of exps) {
    const m = (e - LOG_GMIN) / LOG_GSPAN;
    ticks.push([0.5 - 0.5 * m, "−" + powerOfTen(e)]);
    ticks.push([0.5 + 0.5 * m, powerOfTen(e)]);
  }
  ticks.sort((a, b) => a[0] - b[0]);
  return {
    caption,
    colour: (t) => GRADIENT_BUCKET_COLORS[Math.round(t * 2 * STEPS)],
    thickness: null,
    rows: [{ note: "", ticks }],
  };
}

/** Height in CSS px that drawLegend uses for a legend. */
export function legendHeight(legend) {
  return 15 + 9 + 13 * legend.rows.length + 1;
}

/**
 * Draws a legend at (x, y) (its top-left corner, CSS px in the context's current transform),
 * `width` wide: the caption, a bar of the scale (as a bow tie when the legend has `thickness`)
 * and a row of tick labels per range, each row's note (if any) to the right of the bar.
 * Returns the height used (legendHeight). The context's state is saved and restored.
 */
export function drawLegend(ctx, x, y, totalWidth, legend, { ink = INK, muted = MUTED, font = FONT_FAMILY } = {}) {
  ctx.save();
  ctx.textBaseline = "alphabetic";
  ctx.font = `10px ${font}`;
  let noteW = 0;
  for (const row of legend.rows) if (row.note) noteW = Math.max(noteW, ctx.measureText(row.note).width + 8);
  const width = Math.max(40, totalWidth - Math.ceil(noteW));
  ctx.fillStyle = ink;
  ctx.font = `600 11px ${font}`;
  ctx.textAlign = "left";
  ctx.fillText(legend.caption, x, y + 11);
  const barY = y + 15;
  const barH = 8;
  const steps = Math.max(2, Math.round(width));
  for (let i = 0; i < steps; i++) {
    const t = (i + 0.5) / steps;
    const h = legend.thickness ? Math.max(1, barH * legend.thickness(t)) : barH;
    ctx.fillStyle = legend.colour(t);
    ctx.fillRect(x + (i * width) / steps, barY + (barH - h) / 2, width / steps + 0.6, h);
  }
  if (!legend.thickness) {
    ctx.strokeStyle = "rgba(0,0,0,0.12)";
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, barY + 0.5, width - 1, barH - 1);
  }
  ctx.font = `10px ${font}`;
  let rowY = barY + barH + 1;
  for (const row of legend.rows) {
    ctx.strokeStyle = muted;
    ctx.fillStyle = muted;
    ctx.lineWidth = 1;
    for (const [t, label] of row.ticks) {
      const tx = x + t * width;
      ctx.beginPath();
      ctx.moveTo(Math.round(tx) + 0.5, rowY);
      ctx.lineTo(Math.round(tx) + 0.5, rowY + 3);
      ctx.stroke();
      ctx.textAlign = t <= 0.001 ? "left" : t >= 0.999 ? "right" : "center";
      ctx.fillText(label, t <= 0.001 ? tx - 1 : t >= 0.999 ? tx + 1 : tx, rowY + 12);
    }
    if (row.note) {
      ctx.textAlign = "left";
      ctx.fillText(row.note, x + width + 8, rowY + 12);
    }
    rowY += 13;
  }
  ctx.restore();
  return legendHeight(legend);
}
