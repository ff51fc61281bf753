// The network diagram: neurons as columns, edges as weights, and every partial derivative.
//
// One Canvas 2D renderer (docs/FRONTEND.md, "Diagram contract"). Each neuron is a card whose
// frame is coloured by its activation A for the current example, with its thumbnail (its output
// over the input plane) inside; each bias is a small square on the card's lower-left corner;
// each edge is an S-curve whose width and hue show W, or, in the gradients view, dL/dW on a log
// scale. dL/db (= dL/dZ) is a ring around each neuron. The "both" view draws dL/dW as a thin
// line running just below each weight's edge.
//
// Groups: a layer whose neurons do not fit at a legible size (cards of at least THUMB_MIN_SIZE
// with room for their bias handles, or, where the columns are too close for cards, dots at a
// row pitch of at least DOT_PITCH) shows its first and last neurons and one group marker
// ("+52") in the gap for the rest. The marker is drawn like a neuron whose numbers are its
// members' means: its frame is their mean activation, its bias handle their mean b, its ring
// their mean dL/db. The edges into and out of a group are drawn as bands, one per pair of drawn
// items: a band's width is the mean |value| of the edges it stands for (on the edges' own
// scale) and its colour their mean value, so strong edges of mixed sign show as a wide grey
// band. Bands lie under the single edges. See layout() for the exact rule.
//
// Animation (frame.anim); positions are in neuron-layer units (0 = inputs, depth = output):
// - forward: neuron layers 0..position are lit; a glowing front moves along the edges of weight
//   layer floor(position), at fraction position - floor(position) of the way across;
// - backward: position runs from depth down to 0. Weight layer l shows its derivatives once
//   position <= l, neuron layer L its dL/db once position <= L, and the front moves right to
//   left through weight layer floor(position). In the weights view, reached edges switch to
//   their gradient colour;
// - update: position 0..1 blends the previous weights into the new ones (in the weights view
//   the derivatives' colours fade out over the first third, and each bias handle's dL/db
//   shrinks away). The previous weights are copied (into buffers sized once per network) on
//   every frame whose phase is not "update", or pinned with `capturePrevious(views)` just
//   before `net.applyStep()`;
// - flow: particles run forward along every edge in its weight's colour and backward in its
//   derivative's colour, at a steady speed (time in seconds); nothing runs along a zero;
// - idle: the plain view;
// - reducedMotion: no fronts, particles or glows: layers switch whole and flow is drawn static.
//
// Selection, hover and frame.highlight (the inspector's chain-rule paths: highlighted edges get
// a soft gold halo, everything else dims) are drawn on top. A selection inside a group outlines
// its band or marker and tags the marker with the member's index ("#23").
//
// Speed: draw() makes no arrays, objects or strings once warm. Colours are looked up by
// quantised bucket in palette.js's cached tables, and each weight layer's drawn edges are
// counting-sorted by bucket into preallocated arrays, so a layer is a handful of stroked paths,
// drawn weakest first so the strongest edges lie on top. The means that bands and markers show
// are summed each frame into arrays sized once per network (one pass over the weights).
// V8 boxes (allocates) a double passed to or returned from a call it does not inline, and
// Chromium does so for fractional arguments to drawImage, fillText and roundRect: so cards,
// thumbnails and text sit on whole CSS px, helpers take whole numbers or read per-frame doubles
// from fields, and rounded rectangles are built from arcs. Static text and legends are drawn
// once into a cached canvas.
//
// Without a GPU, the canvas's own rasteriser is the frame's largest cost by far (30 ms for
// the 2-8x6-1 network's 688 edges in view "both", at the frame's commit). There, after
// `useEngine(engine)`, the edges, bands, particles, halos and the pass's sweep are written as
// records for the engine's rasteriser (www/edge-raster.js, src/raster.rs) and shown with one
// putImageData; the cards, rings, text and outlines stay canvas calls, drawn over them.

import { EdgeRaster, canvasIsSoftware, cssRgb } from "./edge-raster.js";
import { EdgeLayer } from "./edge-layer.js";
import {
  BUCKETS,
  BUCKET_WIDTHS,
  FONT_FAMILY,
  GRADIENT_BUCKET_COLORS,
  GRADIENT_MAX,
  GRADIENT_MIN,
  INK,
  LEVELS,
  MUTED,
  NEUTRAL,
  SELECT,
  STEPS,
  VALUE_COLORS,
  WEIGHT_BUCKET_COLORS,
  WEIGHT_MAX,
  drawLegend,
  gradientBucket,
  gradientLegend,
  legendHeight,
  valueLegend,
  weightBucket,
  weightLegend,
} from "./palette.js";

/** Display names of the engine's feature ids (config `features`). */
export const FEATURE_LABELS = Object.freeze({
  x1: "x1",
  x2: "x2",
  x1Squared: "x1²",
  x2Squared: "x2²",
  x1x2: "x1x2",
  sinX1: "sin(x1)",
  sinX2: "sin(x2)",
});

/** Below this card size (CSS px) neurons are drawn as filled circles without thumbnails. */
export const THUMB_MIN_SIZE = 16;
/** Dots drawn one by one get at least this row pitch (CSS px): below it, a layer groups. */
export const DOT_PITCH = 16;
/** The output layer's dots get at least this row pitch (its labels need it): every class is listed. */
export const OUTPUT_DOT_PITCH = 12;
/** The card size (CSS px, at most) of a grouped layer's neurons. */
export const GROUP_CARD = 18;
/** The row pitch (CSS px) of a grouped layer drawn as dots. */
export const GROUP_DOT_PITCH = 18;

const TAU = 6.283185307179586;
const DIM = 0.16; // alpha of what the current pass has not reached yet
const TITLE_H = 34; // the header with layer titles
const CAPTION_H = 18; // the line under the legends that says what a group shows
const CAPTION_ICONS = 62; // CSS px before the caption's text: a marker and a band
const CARD_PITCH = 1 / 0.74; // the tightest row pitch of cards, per card size
// The same colours as [r, g, b], for the engine's rasteriser.
const WEIGHT_BUCKET_RGB = WEIGHT_BUCKET_COLORS.map(cssRgb);
const GRADIENT_BUCKET_RGB = GRADIENT_BUCKET_COLORS.map(cssRgb);
const NEUTRAL_RGB = cssRgb(NEUTRAL);
const HALO = "#f6c343";
const HALO_RGB = cssRgb(HALO);
const SWEEP_FORWARD = [8, 119, 189];
const SWEEP_BACKWARD = [118, 42, 131];
const SWEEP_ALPHA = 0.13;
const BAND_ALPHA = 0.5; // bands are translucent: they sum many edges, and must not hide them
const BAND_MIN = 2.5; // CSS px, the thinnest band
const FLOW_SPEED = 46; // particle speed, CSS px per second
const FLOW_SPACING = 40; // CSS px between particles on an edge
const FLOW_TAIL = 5; // CSS px, a particle's length
const WEIGHT = 1;
const GRADIENT = 2;
const STRUCTURE = 3; // edges drawn without a value (before the backward pass has reached them)
const HL_ALL = 0;
const HL_OFF = 1; // only edges not highlighted
const HL_ON = 2; // only highlighted edges
const LOG_GMIN = Math.log10(GRADIENT_MIN);
const LOG_GSPAN = Math.log10(GRADIENT_MAX) - LOG_GMIN;

// Buckets from zero outwards, alternating signs: drawing in this order puts the strongest edges
// on top.
const DRAW_ORDER = new Int32Array(BUCKETS);
DRAW_ORDER[0] = STEPS;
for (let m = 1; m <= STEPS; m++) {
  DRAW_ORDER[2 * m - 1] = STEPS - m;
  DRAW_ORDER[2 * m] = STEPS + m;
}

// An edge from (xa, y1) to (xb, y2) is the cubic with control points (xm, y1) and (xm, y2), xm
// halfway: x(t) = xa + dx (1.5 t (1 - t) + t^3), y(t) = y1 + dy (3 t^2 - 2 t^3). x(t) is
// monotonic, so at a given x every edge of a layer has the same t.
function curveT(u) {
  let t = u;
  for (let i = 0; i < 6; i++) {
    const f = 1.5 * t * (1 - t) + t * t * t - u;
    t -= f / (1.5 - 3 * t + 3 * t * t);
  }
  return t < 0 ? 0 : t > 1 ? 1 : t;
}
const curveY = (t) => t * t * (3 - 2 * t);
const curveDY = (t) => 6 * t * (1 - t);
const curveDX = (t) => 1.5 - 3 * t + 3 * t * t;

// y fraction at x fraction u, tabulated for particles and fronts: S_TABLE[i] =
// curveY(curveT(i / 256)), read with linear interpolation inline (one extra entry for u = 1).
const S_TABLE = new Float64Array(258);
for (let i = 0; i <= 256; i++) S_TABLE[i] = curveY(curveT(i / 256));
S_TABLE[257] = 1;
// Per-edge particle offsets (golden-ratio sequence), so particles do not march in columns.
const PHASES = new Float64Array(64);
for (let i = 0; i < 64; i++) PHASES[i] = (i * 0.6180339887498949) % 1;

/**
 * Adds a rounded rectangle, grown by `grow` on every side, to the current path. Arcs only:
 * roundRect boxes fractional arguments. Pass whole numbers (or literal constants): a double
 * argument to a call V8 does not inline is boxed, i.e. allocated.
 */
function roundRectPath(ctx, x0, y0, w0, h0, r0, grow) {
  const x = x0 - grow;
  const y = y0 - grow;
  const w = w0 + 2 * grow;
  const h = h0 + 2 * grow;
  const r = r0 + grow;
  ctx.moveTo(x + r, y);
  ctx.lineTo(x + w - r, y);
  ctx.arc(x + w - r, y + r, r, -TAU / 4, 0);
  ctx.lineTo(x + w, y + h - r);
  ctx.arc(x + w - r, y + h - r, r, 0, TAU / 4);
  ctx.lineTo(x + r, y + h);
  ctx.arc(x + r, y + h - r, r, TAU / 4, TAU / 2);
  ctx.lineTo(x, y + r);
  ctx.arc(x + r, y + r, r, TAU / 2, (3 * TAU) / 4);
  ctx.closePath();
}

/** Adds a band (a ribbon of half-width h around the edge curve) to the current path. */
function bandPath(ctx, xa, y1, xb, y2, h) {
  const xm = (xa + xb) / 2;
  ctx.moveTo(xa, y1 - h);
  ctx.bezierCurveTo(xm, y1 - h, xm, y2 - h, xb, y2 - h);
  ctx.lineTo(xb, y2 + h);
  ctx.bezierCurveTo(xm, y2 + h, xm, y1 + h, xa, y1 + h);
  ctx.closePath();
}

function layerTitle(L, depth, narrow) {
  if (L === 0) return narrow ? "In" : "Input";
  if (L === depth) return narrow ? "Out" : "Output";
  return narrow ? `H${L}` : `Hidden ${L}`;
}

/** "hidden layer 2", "the inputs", "the output layer": a neuron layer in running text. */
function layerName(L, depth) {
  return L === 0 ? "the inputs" : L === depth ? "the output layer" : `hidden layer ${L}`;
}

const clamp01 = (v) => (v < 0 ? 0 : v > 1 ? 1 : v);
const evenFloor = (v) => Math.floor(v / 2) * 2;
const evenCeil = (v) => Math.ceil(v / 2) * 2;

/**
 * [r, g, b] of each of `classColors`: CSS colours (read back through a context's fillStyle,
 * which normalises them), or RGBA bytes (the engine's class palette). Null if none.
 */
function classRgb(colors, ctx) {
  if (!colors || colors.length === 0) return null;
  const out = [];
  if (typeof colors[0] === "string") {
    for (const c of colors) {
      ctx.fillStyle = "#000000";
      ctx.fillStyle = String(c);
      const css = String(ctx.fillStyle);
      const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(css) ?? /(\d+)\D+(\d+)\D+(\d+)/.exec(css);
      const base = css[0] === "#" ? 16 : 10;
      out.push(m ? [parseInt(m[1], base), parseInt(m[2], base), parseInt(m[3], base)] : [0, 0, 0]);
    }
  } else {
    for (let i = 0; i + 3 < colors.length; i += 4) out.push([colors[i], colors[i + 1], colors[i + 2]]);
  }
  return out.length ? out : null;
}

/** LEVELS + 1 CSS colours from the neutral grey (probability 0) to `rgb` (probability 1). */
function classRamp(rgb) {
  const grey = [232, 234, 235];
  const out = [];
  for (let i = 0; i <= LEVELS; i++) {
    const t = i / LEVELS;
    out.push(`rgb(${Math.round(grey[0] + (rgb[0] - grey[0]) * t)},${Math.round(grey[1] + (rgb[1] - grey[1]) * t)},${Math.round(grey[2] + (rgb[2] - grey[2]) * t)})`);
  }
  return out;
}

/**
 * Renders a network and answers which parameter is under a point.
 *
 *   const diagram = new Diagram(canvas, { onSelect, onEdit });
 *   diagram.setNetwork({ layers, featureLabels, hidden, output, thumb, outputLabels, classColors });
 *   diagram.resize(cssWidth, cssHeight);
 *   diagram.draw({ views, thumbs, view, anim, selection, highlight, reducedMotion });
 */
export class Diagram {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{ onSelect?: (sel: object|null) => void, onEdit?: (sel: object) => void,
   *           onRedraw?: () => void, legends?: boolean }} [options]
   *   onSelect fires on click (with null on empty space), onEdit on double-click of a weight or
   *   bias, onRedraw when the diagram needs a frame drawn (its edges moved back to the main
   *   thread). legends: false leaves out the legend strip (small embeds).
   */
  constructor(canvas, { onSelect = null, onEdit = null, onRedraw = null, legends = true } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.onSelect = onSelect;
    this.onEdit = onEdit;
    this.onRedraw = onRedraw;
    this.legends = legends;
    this.cssW = canvas.clientWidth || canvas.width || 600;
    this.cssH = canvas.clientHeight || canvas.height || 400;
    this.dpr = 1;
    this.topo = null;
    this.hover = null;
    this.chrome = null;
    this.chromeKey = "";
    this.legendH = 0;
    this.notes = [];
    this.lastHighlight = undefined;
    this.hasHighlight = false;
    this.lastSelection = null;
    /** The engine's edge rasteriser, here or in a worker (useEngine), or null: canvas strokes. */
    this.edges = null;
    this.engine = null;
    this.wholeRaster = null; // drawWhole()'s main-thread rasteriser
    this.prevValid = false;
    this.captured = false;
    this.inUpdate = false;
    this.thumbs = null;
    this.bandFwd = null;
    this.bandBack = null;
    /**
     * The layers drawn with a group marker, for descriptions and tests: `{ L, first, last,
     * count, text, x, y, w, h, label }`: neurons first..last of neuron layer L (0-based) are
     * drawn as one marker reading `text` ("+52"), w x h CSS px centred on (x, y); label is the
     * text a screen reader or tooltip gives.
     * @type {{ L: number, first: number, last: number, count: number, text: string, x: number, y: number, w: number, h: number, label: string }[]}
     */
    this.groups = [];
    // Per-frame numbers reach the drawing helpers through fields (allocated once, as doubles),
    // not arguments: a double argument to a call V8 does not inline is boxed, i.e. allocated.
    this.fPos = 0.5; // anim.position
    this.fTime = 0.5; // anim.time
    this.fAlpha = 0.5; // alpha of the next strokeLayer / particles call
    this.fOff = 0.5; // vertical offset of the next strokeLayer / particles call
    this.fWidth = 0.5; // width scale of the next strokeLayer call
    this.fLit = 0.5; // the next drawMarker's alpha, ring alpha, bias-gradient share and drain
    this.fRing = 0.5;
    this.fBiasGrad = 0.5;
    this.fDrain = 0.5;
    this.mA = null; // the arrays drawMarker reads (this frame's A, b, dL/db)
    this.mB = null;
    this.mGB = null;
    this.markerFont = false;
    // What T.order holds (see sortLayer); reset every frame, as the values change.
    this.sortedL = -1;
    this.sortedKind = -1;
    this.sortedMode = -1;

    this.handleClick = (e) => this.onSelect?.(this.keepSelection(this.hitTest(e.offsetX, e.offsetY)));
    this.handleDblClick = (e) => {
      const hit = this.keepSelection(this.hitTest(e.offsetX, e.offsetY));
      if (hit && hit.kind !== "n") this.onEdit?.(hit);
    };
    this.handleMove = (e) => {
      const hit = this.hitTest(e.offsetX, e.offsetY);
      this.hover = hit;
      canvas.style.cursor = hit ? "pointer" : "";
      // A tooltip for what is grouped (a marker or a band); nothing for single items.
      const title = hit ? (this.describe(hit, true) ?? "") : "";
      if (canvas.title !== title) canvas.title = title;
    };
    this.handleLeave = () => {
      this.hover = null;
      canvas.style.cursor = "";
    };
    canvas.addEventListener("click", this.handleClick);
    canvas.addEventListener("dblclick", this.handleDblClick);
    canvas.addEventListener("pointermove", this.handleMove);
    canvas.addEventListener("pointerleave", this.handleLeave);
  }

  /**
   * Draws the edges with the engine's rasteriser (`engine`: loadEngine()'s result) when the
   * canvas has no GPU (`force`: true or false to choose regardless). Returns whether it does.
   * With a `layer` canvas (under this one, the same size) the edges are drawn in the page's
   * edges worker and shown there (www/edge-layer.js); without one, or if that worker cannot
   * start, on the main thread. The main thread's buffers are allocated here and on resize, so
   * wasm memory may grow: refresh any NetworkViews afterwards.
   */
  useEngine(engine, force = null, layer = null) {
    const want = force ?? canvasIsSoftware();
    this.engine = engine;
    if (want && !this.edges && engine?.EdgeRaster) {
      this.edges = (layer && this.edgeLayer(engine, layer)) || new EdgeRaster(engine);
      this.fitEdges();
    } else if (!want && this.edges) this.freeEdges();
    return !!this.edges;
  }

  /** An EdgeLayer on `layer`, or null where that cannot work here (drawn on the main thread). */
  edgeLayer(engine, layer) {
    if (!engine.module || typeof Worker !== "function" || typeof OffscreenCanvas !== "function") return null;
    try {
      return new EdgeLayer(engine, layer, () => this.edgesFailed());
    } catch {
      return null;
    }
  }

  /** The edges worker failed: the edges are drawn on the main thread from the next frame. */
  edgesFailed() {
    if (!this.edges) return;
    this.edges = null;
    this.useEngine(this.engine, true);
    this.onRedraw?.();
  }

  freeEdges() {
    this.edges?.free();
    this.edges = null;
    this.wholeRaster?.free();
    this.wholeRaster = null;
  }

  /**
   * Draws `frame` with every pixel on this canvas, the edges rasterised here even when a
   * worker draws them for the screen: for pictures. Draw again with draw() afterwards.
   */
  drawWhole(frame) {
    const layer = this.edges;
    if (!(layer instanceof EdgeLayer)) {
      this.draw(frame);
      return;
    }
    this.edges = this.wholeRaster ??= new EdgeRaster(this.engine);
    try {
      this.fitEdges();
      this.draw(frame);
    } finally {
      this.edges = layer;
    }
  }

  /** Removes the canvas listeners and lets go of the rasteriser. */
  destroy() {
    this.freeEdges();
    const c = this.canvas;
    c.removeEventListener("click", this.handleClick);
    c.removeEventListener("dblclick", this.handleDblClick);
    c.removeEventListener("pointermove", this.handleMove);
    c.removeEventListener("pointerleave", this.handleLeave);
  }

  /**
   * Sets the network's shape; call after any rebuild. Allocates every per-frame buffer.
   * @param {{ layers: number[], featureLabels?: string[]|null, hidden?: string, output?: string,
   *           thumb?: number, inputScales?: number[], outputLabels?: string[]|null,
   *           classColors?: string[]|Uint8Array|null }} network
   *   featureLabels: display labels ("x1²") or engine feature ids ("x1Squared"); absent: x1, x2, ...
   *   inputScales: the magnitude at which each input neuron's frame is fully coloured: the
   *   engine's scale for that input's thumbnail (`views.inputScales`); default 1.
   *   output: the output activation; "softmax" (like "sigmoid") colours outputs over [0, 1].
   *   outputLabels, classColors: with more than one output, each output neuron's class name and
   *   class colour, drawn beside its value as a label and a swatch (class j takes colour j
   *   modulo their number). classColors: CSS colours, or RGBA bytes such as the engine's
   *   `defaultClassPalette()`. Ignored with one output.
   */
  setNetwork({
    layers,
    featureLabels = null,
    hidden = "tanh",
    output = "sigmoid",
    thumb = 32,
    inputScales = null,
    outputLabels = null,
    classColors = null,
  }) {
    const L = Array.from(layers, Number);
    const depth = L.length - 1;
    if (depth < 1) throw new Error(`layers: need an input and an output layer, got [${L}]`);
    const neuronOffset = new Int32Array(depth + 2);
    for (let i = 0; i <= depth; i++) neuronOffset[i + 1] = neuronOffset[i] + L[i];
    const weightOffset = new Int32Array(depth + 1);
    const biasOffset = new Int32Array(depth + 1);
    let maxEdges = 0;
    let maxWidth = 0;
    for (let l = 0; l < depth; l++) {
      weightOffset[l + 1] = weightOffset[l] + L[l] * L[l + 1];
      biasOffset[l + 1] = biasOffset[l] + L[l + 1];
      maxEdges = Math.max(maxEdges, L[l] * L[l + 1]);
    }
    for (let i = 0; i <= depth; i++) maxWidth = Math.max(maxWidth, L[i]);
    const nN = neuronOffset[depth + 1];
    const nW = weightOffset[depth];
    const nB = biasOffset[depth];
    const labels = [];
    const scales = new Float64Array(L[0]);
    for (let k = 0; k < L[0]; k++) {
      const raw = featureLabels?.[k];
      const label = raw == null ? `x${k + 1}` : (FEATURE_LABELS[raw] ?? String(raw));
      labels.push(label);
      scales[k] = inputScales?.[k] || 1;
    }
    const K = L[depth];
    const outLabels = K > 1 && outputLabels ? Array.from({ length: K }, (_, j) => String(outputLabels[j] ?? j)) : null;
    const rgb = K > 1 ? classRgb(classColors, this.ctx) : null;
    const classColours = rgb && rgb.map((c) => `rgb(${c[0]},${c[1]},${c[2]})`);
    // A softmax output neuron is tinted from grey to its class's colour by its probability,
    // as the engine paints its thumbnail (and the heatmap its class).
    const classRamps = rgb && output === "softmax" ? rgb.map(classRamp) : null;
    // Display range of each neuron layer, as the engine colours its thumbnails: hidden sigmoid
    // [0, 1], other hidden [-1, 1]; the output centred on its class threshold, so [-1, 1] for
    // tanh and [0, 1] otherwise (sigmoid, linear, softmax).
    const lo = new Float64Array(depth + 1);
    const span = new Float64Array(depth + 1);
    for (let i = 0; i <= depth; i++) {
      const unit = i === depth ? output !== "tanh" : i > 0 && hidden === "sigmoid";
      lo[i] = unit ? 0 : -1;
      span[i] = unit ? 1 : 2;
    }
    const tags = [];
    for (let j = 0; j < maxWidth; j++) tags.push(`#${j}`);
    this.topo = {
      layers: L,
      depth,
      hidden,
      output,
      thumb,
      labels,
      scales,
      outLabels,
      outText: outLabels,
      classColours,
      classRamps,
      lo,
      span,
      neuronOffset,
      weightOffset,
      biasOffset,
      nN,
      nW,
      nB,
      tags,
      // Per neuron: its drawn position (a grouped neuron's is its marker's), its slot in its
      // layer's column (top to bottom; a group's members share the marker's slot), and
      // whether it is drawn on its own.
      nx: new Float64Array(nN),
      ny: new Float64Array(nN),
      slotOf: new Int32Array(nN),
      drawnN: new Uint8Array(nN),
      // Per slot (slotOffset[L] + slot): its y, its neuron (-1: the group marker), highlight.
      slotY: new Float64Array(nN),
      slotNeuron: new Int32Array(nN),
      hlSlot: new Uint8Array(nN),
      colX: new Float64Array(depth + 1),
      // Per neuron layer: slots and the group (its first neuron and size; 0: no group), the
      // marker's size and text; card size, half size, circles (1) or cards (0), bias handle
      // size and offset, activation frame width, dL/db ring width and gap, corner radius, row
      // pitch.
      nSlots: new Int32Array(depth + 1),
      slotOffset: new Int32Array(depth + 2),
      gFirst: new Int32Array(depth + 1),
      gCount: new Int32Array(depth + 1),
      mkW: new Int32Array(depth + 1),
      mkH: new Int32Array(depth + 1),
      mbdx: new Int32Array(depth + 1),
      mbdy: new Int32Array(depth + 1),
      mkText: new Array(depth + 1).fill(""),
      mkFont: "",
      sz: new Int32Array(depth + 1),
      hf: new Float64Array(depth + 1),
      sm: new Uint8Array(depth + 1),
      bsz: new Int32Array(depth + 1),
      bdx: new Float64Array(depth + 1),
      bdy: new Float64Array(depth + 1),
      fr: new Int32Array(depth + 1),
      rg: new Int32Array(depth + 1),
      rgap: new Int32Array(depth + 1),
      rad: new Int32Array(depth + 1),
      pitchL: new Float64Array(depth + 1),
      // Per weight layer: where its edges start and end, how faint, whether it has bands, and
      // where its drawn edges start in the arrays below.
      ex0: new Float64Array(depth),
      ex1: new Float64Array(depth),
      density: new Float64Array(depth),
      bands: new Uint8Array(depth),
      dOffset: new Int32Array(depth + 1),
      // Per drawn edge (dOffset[l] + target slot * source slots + source slot): how many edges
      // it stands for (1: a single edge, more: a band), and this frame's mean and mean |value|
      // of the weights and of the derivatives, and its highlight.
      dCount: new Int32Array(nW),
      wMean: new Float64Array(nW),
      wAbs: new Float64Array(nW),
      gMean: new Float64Array(nW),
      gAbs: new Float64Array(nW),
      hlDisp: new Uint8Array(nW),
      prevW: new Float64Array(nW),
      prevB: new Float64Array(nB),
      bBucket: new Int8Array(nB),
      gbBucket: new Int8Array(nB),
      blendW: new Float64Array(nW),
      blendB: new Float64Array(nB),
      bucketOf: new Int8Array(maxEdges),
      order: new Int32Array(maxEdges),
      counts: new Int32Array(BUCKETS + 2),
      fmtCache: [],
    };
    this.lastHighlight = undefined;
    this.prevValid = false;
    this.captured = false;
    this.layout();
  }

  /** Sizes the canvas to cssWidth x cssHeight CSS px at the device pixel ratio, and lays out. */
  resize(cssWidth, cssHeight) {
    const dpr = globalThis.devicePixelRatio || 1;
    this.cssW = Math.max(1, Math.round(cssWidth));
    this.cssH = Math.max(1, Math.round(cssHeight));
    this.dpr = dpr;
    const w = Math.max(1, Math.round(this.cssW * dpr));
    const h = Math.max(1, Math.round(this.cssH * dpr));
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    this.canvas.style.width = `${this.cssW}px`;
    this.canvas.style.height = `${this.cssH}px`;
    this.layout();
  }

  // ---- layout --------------------------------------------------------------------------

  /**
   * Places columns, neurons, groups and edges for the current size and network (whole CSS px).
   *
   * The grouping rule, per neuron layer of n neurons in a column `avail` px tall:
   * 1. if every layer fits as cards of one size of at least THUMB_MIN_SIZE (16 px; a card's row
   *    pitch is at least 1.35 times its size), all do (Playground-sized networks);
   * 2. otherwise each layer on its own: cards if its n fit at 16 px or more; else dots if the
   *    row pitch avail / n is at least DOT_PITCH (16 px; OUTPUT_DOT_PITCH, 12 px, for the
   *    output layer, so up to 16 classes are listed at the demo's size); else it groups;
   * 3. a grouped layer has `slots` = floor(avail / pitch) rows (at least 3), pitch being
   *    GROUP_CARD (18 px) cards' 1.35 x 18 = 24.3 px, or GROUP_DOT_PITCH (18 px) for dots
   *    where the columns are too close for cards (less than ~47 px apart). One row is the
   *    group marker; the first ceil((slots - 1) / 2) and the last floor((slots - 1) / 2)
   *    neurons are drawn, the marker in between stands for the rest (always 2 or more).
   */
  layout() {
    const T = this.topo;
    this.chromeKey = "";
    this.lastHighlight = undefined; // the highlight's masks depend on the groups
    if (!T) return;
    const W = this.cssW;
    const H = this.cssH;
    const { layers, depth } = T;
    const ctx = this.ctx;
    // Legends along the bottom, as many per row as fit (room is kept for the "both" view's
    // three, so switching views never moves the network).
    const gap = 30;
    const perRow = Math.max(1, Math.min(3, Math.floor((W - 24 + gap) / (150 + gap))));
    const rows = Math.ceil(3 / perRow);
    const rowH = legendHeight(valueLegend({ ranges: [{}, {}] })) + 8;
    this.legendCols = perRow;
    this.legendRowH = rowH;
    // The legends (and the notes under them) only where they leave the network 150 px.
    let legendsOn = this.legends && H - rows * rowH >= 150;
    // The output column: values, then (multiclass) swatches and class names.
    ctx.font = `600 12px ${FONT_FAMILY}`;
    // The output values' column, as wide as the widest value format() can give the output:
    // "0.00" to "1.00" for sigmoid and softmax, "−1.00" for tanh, up to "−99.99" or "≤−100"
    // for the unbounded ones.
    const unitW = Math.ceil(ctx.measureText("0.00").width);
    const longest = T.output === "sigmoid" || T.output === "softmax" ? ["0.00"] : T.output === "tanh" ? ["−1.00"] : ["−99.99", "≤−100"];
    T.valueW = Math.max(unitW, ...longest.map((s) => Math.ceil(ctx.measureText(s).width)));
    let outW = T.valueW - unitW;
    if (T.outLabels || T.classColours) {
      const cap = Math.round(Math.max(36, Math.min(130, W * 0.16)));
      let labelW = 0;
      if (T.outLabels) {
        ctx.font = `11px ${FONT_FAMILY}`;
        T.outText = T.outLabels.map((s) => ellipsize(ctx, s, cap));
        for (const s of T.outText) labelW = Math.max(labelW, Math.ceil(ctx.measureText(s).width));
      }
      outW += 5 + (T.classColours ? 13 : 0) + labelW;
    }
    const padR = 46 + outW;
    const span0 = Math.max(40, W - 64 - padR);
    const top = TITLE_H + 6;
    // Notes under the legends: how softmax outputs are coloured, and what a group shows (if
    // a layer groups once the notes have taken their room).
    this.notes = [];
    ctx.font = `10px ${FONT_FAMILY}`;
    const noteH = (note) => CAPTION_H + (noteLines(ctx, note, "∂L/∂W", W - 24 - CAPTION_ICONS).length - 1) * 13;
    this.legendH = legendsOn ? rows * rowH + 8 : 0;
    if (legendsOn && T.classRamps) {
      this.notes.push("classes");
      this.legendH += noteH("classes");
    }
    if (this.sizeLayers(span0, Math.max(20, H - this.legendH - 10 - top)) && legendsOn) {
      this.notes.push("groups");
      this.legendH += noteH("groups");
      this.sizeLayers(span0, Math.max(20, H - this.legendH - 10 - top));
    }
    if (legendsOn && H - this.legendH < 150) {
      legendsOn = false;
      this.notes = [];
      this.legendH = 0;
      this.sizeLayers(span0, Math.max(20, H - 10 - top));
    }
    const avail = Math.max(20, H - this.legendH - 10 - top);
    for (let i = 0; i <= depth; i++) {
      const s = T.sz[i];
      const small = T.sm[i] === 1;
      T.hf[i] = s / 2;
      // Bias handle: a square centred on the card's lower-left corner (even, so whole pixels).
      T.bsz[i] = small ? (s >= 7 ? 4 : 2) : 2 * Math.max(3, Math.round(s * 0.13));
      T.bdx[i] = small ? -Math.round(s * 0.45) : -s / 2;
      T.bdy[i] = small ? Math.round(s * 0.45) : s / 2;
      T.fr[i] = small ? 0 : Math.max(3, Math.round(s * 0.09)); // activation frame width
      T.rg[i] = small ? Math.max(1, Math.round(s * 0.16)) : Math.max(2, Math.min(4, Math.round(s * 0.065)));
      T.rgap[i] = small ? T.rg[i] : T.rg[i] + 2; // from the card's edge to the ring's centre line
      T.rad[i] = Math.max(2, Math.round(s * 0.09));
    }
    let pitchMin = Infinity;
    for (let i = 0; i <= depth; i++) pitchMin = Math.min(pitchMin, T.pitchL[i]);
    const labelFont = Math.round(Math.max(8, Math.min(13, T.pitchL[0] * 0.7)));
    ctx.font = `${labelFont}px ${FONT_FAMILY}`;
    let labelW = 0;
    for (const label of T.labels) labelW = Math.max(labelW, ctx.measureText(label).width);
    const padL = Math.ceil(labelW) + 18;
    const x0 = padL + T.hf[0] + 4;
    const x1 = W - padR - T.hf[depth] - 4;
    for (let i = 0; i <= depth; i++) T.colX[i] = Math.round(x0 + ((x1 - x0) * i) / depth);
    T.colGap = (x1 - x0) / depth;
    // Markers wider than the gap between columns would touch: then every other grouped layer
    // puts its marker one row higher (one neuron fewer before it, one more after).
    T.mkFont = `600 ${pitchMin >= 20 ? 10 : 9}px ${FONT_FAMILY}`;
    ctx.font = T.mkFont;
    let widest = 0;
    for (let i = 0; i <= depth; i++) if (T.gCount[i] > 0) widest = Math.max(widest, ctx.measureText(`#${layers[i] - 1}`).width + 8);
    if (widest + 6 > T.colGap) {
      for (let i = 1; i <= depth; i += 2) if (T.gCount[i] > 0 && T.gFirst[i] >= 2) T.gFirst[i] -= 1;
    }
    // Slots, top to bottom; a group's marker sits in the slot after its first neurons.
    const midY = top + avail / 2;
    let yMin = Infinity;
    let yMax = -Infinity;
    this.groups = [];
    for (let i = 0; i <= depth; i++) {
      const n = layers[i];
      const slots = T.nSlots[i];
      const so = T.slotOffset[i];
      T.slotOffset[i + 1] = so + slots;
      const g = T.gCount[i];
      const head = T.gFirst[i];
      const tailStart = head + g; // the first neuron after the group
      for (let s = 0; s < slots; s++) {
        const y = Math.round(midY + (s - (slots - 1) / 2) * T.pitchL[i]);
        T.slotY[so + s] = y;
        T.slotNeuron[so + s] = g === 0 || s < head ? s : s === head ? -1 : tailStart + s - head - 1;
        yMin = Math.min(yMin, y - T.hf[i]);
        yMax = Math.max(yMax, y + T.hf[i]);
      }
      for (let j = 0; j < n; j++) {
        const id = T.neuronOffset[i] + j;
        const slot = g === 0 || j < head ? j : j < tailStart ? head : j - g + 1;
        T.slotOf[id] = slot;
        T.drawnN[id] = g === 0 || j < head || j >= tailStart ? 1 : 0;
        T.nx[id] = T.colX[i];
        T.ny[id] = T.slotY[so + slot];
      }
      // The marker: a card-sized tile (or a pill among dots) wide enough for its count.
      T.mkText[i] = g > 0 ? `+${g}` : "";
      if (g > 0) {
        const tw = Math.ceil(Math.max(ctx.measureText(T.mkText[i]).width, ctx.measureText(`#${tailStart - 1}`).width));
        const small = T.sm[i] === 1;
        T.mkH[i] = small ? evenFloor(Math.max(10, Math.min(14, T.pitchL[i] - 4))) : T.sz[i];
        T.mkW[i] = small ? evenCeil(tw + 8) : Math.max(T.sz[i], evenCeil(tw + 2 * T.fr[i] + 6));
        // The group's bias handle: on the marker's lower-left corner (inside it for a pill).
        T.mbdx[i] = small ? -T.mkW[i] / 2 + 3 : -T.mkW[i] / 2;
        T.mbdy[i] = small ? T.mkH[i] / 2 - 1 : T.mkH[i] / 2;
        const y = T.slotY[so + head];
        const what = i === 0 ? "inputs" : "neurons";
        this.groups.push({
          L: i,
          first: head,
          last: tailStart - 1,
          count: g,
          text: T.mkText[i],
          x: T.colX[i],
          y,
          w: T.mkW[i],
          h: T.mkH[i],
          label: `${what} ${head} to ${tailStart - 1} of ${layerName(i, depth)}, grouped (${g} ${what} drawn as one marker, "+${g}")`,
        });
      } else {
        T.mkW[i] = 0;
        T.mkH[i] = 0;
      }
    }
    // Drawn edges per weight layer: one per pair of slots.
    for (let l = 0; l < depth; l++) {
      const Sf = T.nSlots[l];
      const St = T.nSlots[l + 1];
      const d0 = T.dOffset[l];
      T.dOffset[l + 1] = d0 + Sf * St;
      T.bands[l] = T.gCount[l] > 0 || T.gCount[l + 1] > 0 ? 1 : 0;
      for (let t = 0; t < St; t++) {
        const ct = T.slotNeuron[T.slotOffset[l + 1] + t] < 0 ? T.gCount[l + 1] : 1;
        for (let f = 0; f < Sf; f++) {
          const cf = T.slotNeuron[T.slotOffset[l] + f] < 0 ? T.gCount[l] : 1;
          T.dCount[d0 + t * Sf + f] = ct * cf;
        }
      }
      T.ex0[l] = T.colX[l] + T.hf[l] + 1;
      T.ex1[l] = T.colX[l + 1] - T.hf[l + 1] - 1;
      // Dense layers draw fainter, so 64 x 64 edges stay readable.
      const fan = Math.sqrt((Sf * St) / 24);
      T.density[l] = Math.max(0.08, Math.min(1, 1 / fan));
    }
    T.yMin = Math.round(yMin);
    T.yMax = Math.round(yMax);
    T.labelFont = labelFont;
    T.pitch = pitchMin;
    // Edge widths scale with the space between neurons.
    T.wMax = Math.max(0.9, Math.min(6.5, pitchMin * 0.16));
    T.wMin = Math.max(0.3, Math.min(0.9, T.wMax * 0.16));
    T.gOff = Math.max(1.6, Math.min(4, T.wMax * 0.55)); // the "both" view's gradient line offset
    T.dotR = Math.max(1.3, Math.min(3.4, pitchMin * 0.045));
    this.fitEdges();
  }

  /**
   * Sizes the engine's rasteriser for this canvas and layout before any frame, because
   * growing its buffers may grow wasm memory, which detaches a caller's NetworkViews: never
   * in draw(). Records a frame can need, per drawn edge: two passes (a highlight), each with
   * the structure, the weight, the derivative and the halo, plus flow's particles both ways.
   */
  fitEdges() {
    const T = this.topo;
    const R = this.edges;
    if (!R) return;
    try {
      R.fit(this.canvas.width, this.canvas.height, this.cssW, this.cssH);
      if (!T) return;
      let n = 16;
      for (let l = 0; l < T.depth; l++) {
        const np = Math.max(1, Math.round((T.ex1[l] - T.ex0[l]) / FLOW_SPACING));
        n += (T.dOffset[l + 1] - T.dOffset[l]) * 2 * (4 + 2 * np);
      }
      R.reserve(n);
    } catch (err) {
      // A canvas larger than the rasteriser takes (over 16 M device pixels): canvas strokes.
      console.warn(`backprop-viz: the diagram's edges are drawn by the canvas: ${err?.message ?? err}`);
      this.freeEdges();
    }
  }

  /**
   * Card sizes, dots and groups for a column `avail` px tall (the rule in layout()); returns
   * whether any layer groups.
   */
  sizeLayers(span0, avail) {
    const T = this.topo;
    const { layers, depth } = T;
    // Card sizes: bounded by the canvas, the gap between columns and each column's height.
    // One size for every layer when that size still has room for thumbnails; otherwise each
    // layer gets its own, so small layers keep cards while big ones become dots or group.
    const sCap = Math.min(Math.max(26, Math.min(this.cssW, this.cssH) / 10), 64, (span0 / depth) * 0.34);
    const dotCap = Math.max(5, Math.floor((span0 / depth) * 0.42));
    let uniform = sCap;
    for (let i = 0; i <= depth; i++) uniform = Math.min(uniform, (avail / layers[i]) * 0.74);
    let any = false;
    for (let i = 0; i <= depth; i++) {
      const n = layers[i];
      let s;
      let small = 0;
      let pitch;
      let slots = n;
      let group = 0;
      if (uniform >= THUMB_MIN_SIZE) {
        s = evenFloor(uniform);
        pitch = Math.min(avail / n, s * 1.75);
      } else {
        const c = Math.min(sCap, (avail / n) * 0.74, 44);
        if (c >= THUMB_MIN_SIZE) {
          s = evenFloor(c);
          pitch = Math.min(avail / n, s * 1.75);
        } else {
          const cards = sCap >= THUMB_MIN_SIZE;
          const cs = cards ? evenFloor(Math.min(sCap, GROUP_CARD)) : 0;
          const want = cards ? cs * CARD_PITCH : GROUP_DOT_PITCH;
          slots = Math.max(3, Math.floor(avail / want));
          if (avail / n >= (i === depth ? OUTPUT_DOT_PITCH : DOT_PITCH) || slots >= n) {
            // Every neuron fits as a dot with a usable target (or the canvas is tiny).
            slots = n;
            small = 1;
            pitch = avail / n;
            s = evenFloor(Math.max(4, Math.min(14, Math.floor(pitch * 0.8), dotCap))); // even: whole-px radius
          } else {
            pitch = avail / slots;
            if (cards) s = cs;
            else {
              small = 1;
              s = evenFloor(Math.max(4, Math.min(12, Math.floor(pitch * 0.62), dotCap)));
            }
            group = n - (slots - 1);
            any = true;
          }
        }
      }
      T.sz[i] = s;
      T.sm[i] = small;
      T.pitchL[i] = pitch;
      T.nSlots[i] = slots;
      T.gCount[i] = group;
      T.gFirst[i] = group > 0 ? Math.ceil((slots - 1) / 2) : n;
    }
    return any;
  }

  // ---- static parts, cached in a canvas -------------------------------------------------

  /** Draws what changes only with the layout or the view (titles, labels, legends) once. */
  buildChrome(view) {
    const T = this.topo;
    const w = this.canvas.width;
    const h = this.canvas.height;
    let c = this.chrome;
    if (!c) {
      c = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(w, h) : document.createElement("canvas");
      this.chrome = c;
    }
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    const g = c.getContext("2d");
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, w, h);
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const { layers, depth, colX } = T;
    // Layer titles: the name, then "size · activation"; short forms ("H2", "64") where the
    // long ones would run into their neighbours.
    g.font = `600 12px ${FONT_FAMILY}`;
    let titleW = 0;
    for (let i = 0; i <= depth; i++) titleW = Math.max(titleW, g.measureText(layerTitle(i, depth, false)).width);
    g.font = `11px ${FONT_FAMILY}`;
    let subW = 0;
    for (let i = 1; i <= depth; i++) subW = Math.max(subW, g.measureText(`${layers[i]} · ${i === depth ? T.output : T.hidden}`).width);
    const narrow = titleW + 8 > T.colGap;
    const narrowSub = subW + 8 > T.colGap;
    g.textAlign = "center";
    g.textBaseline = "alphabetic";
    for (let i = 0; i <= depth; i++) {
      g.fillStyle = INK;
      g.font = `600 12px ${FONT_FAMILY}`;
      g.fillText(layerTitle(i, depth, narrow), colX[i], 14);
      const act = i === 0 ? "" : i === depth ? T.output : T.hidden;
      const sub = i === 0 || narrowSub ? `${layers[i]}` : `${layers[i]} · ${act}`;
      g.fillStyle = MUTED;
      g.font = `11px ${FONT_FAMILY}`;
      g.fillText(sub, colX[i], 28);
    }
    // Feature labels, left of the (drawn) input neurons.
    g.font = `${T.labelFont}px ${FONT_FAMILY}`;
    g.fillStyle = INK;
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (let k = 0; k < layers[0]; k++) {
      if (T.drawnN[k] === 1) g.fillText(T.labels[k], colX[0] - T.hf[0] - 8, T.ny[k] + 0.5);
    }
    // Multiclass outputs: a swatch of the class colour and the class name, after the value.
    if ((T.outText || T.classColours) && T.pitchL[depth] >= 11) {
      const off = T.neuronOffset[depth];
      const x = this.valueX() + T.valueW + 5;
      g.font = `11px ${FONT_FAMILY}`;
      g.textAlign = "left";
      for (let j = 0; j < layers[depth]; j++) {
        if (T.drawnN[off + j] !== 1) continue;
        const y = T.ny[off + j];
        if (T.classColours) {
          g.fillStyle = T.classColours[j % T.classColours.length];
          g.fillRect(x, y - 5, 10, 10);
          g.strokeStyle = "rgba(31,41,55,0.45)";
          g.lineWidth = 1;
          g.strokeRect(x + 0.5, y - 4.5, 9, 9);
        }
        if (T.outText) {
          g.fillStyle = INK;
          g.fillText(T.outText[j], x + (T.classColours ? 13 : 0), y + 0.5);
        }
      }
    }
    if (this.legendH > 0) this.drawLegends(g, view);
    this.chromeKey = view;
  }

  /** Where the output values start (CSS px): right of the output neurons' rings. */
  valueX() {
    const T = this.topo;
    const d = T.depth;
    return Math.round(T.colX[d] + Math.max(T.hf[d], T.gCount[d] > 0 ? T.mkW[d] / 2 : 0) + T.rgap[d] + T.rg[d] + 5);
  }

  /** The legends for a view, in rows of this.legendCols, and the groups' caption. */
  drawLegends(g, view) {
    const T = this.topo;
    // The ranges setNetwork derived for each layer: inputs scaled to [-1, 1], hidden sigmoid
    // over [0, 1], the output centred on its class threshold, the others over [-1, 1].
    // Class-coloured (softmax) outputs are not on this scale: their note says how they are.
    const classO = T.classRamps !== null;
    const sigH = T.depth > 1 && T.lo[1] === 0;
    const unitO = T.lo[T.depth] === 0;
    const wide = [T.depth > 1 && !sigH ? "hidden" : "", unitO || classO ? "" : "output"].filter(Boolean);
    const narrow = [sigH ? "hidden (σ)" : "", unitO && !classO ? `output (${T.output === "sigmoid" ? "σ" : T.output})` : ""].filter(Boolean);
    const ranges = [{ lo: -1, hi: 1, note: narrow.length || classO ? ["input", ...wide].join(", ") : "" }];
    if (narrow.length) ranges.push({ lo: 0, hi: 1, note: narrow.join(", ") });
    const list = [valueLegend({ caption: "Activation A (card frame)", ranges })];
    const gap = 30;
    const cols = this.legendCols;
    const n = view === "both" ? 3 : 2;
    const perRow = Math.min(cols, n);
    const lw = Math.floor(Math.min(250, (this.cssW - 24 - gap * (perRow - 1)) / perRow));
    if (view !== "gradients") list.push(weightLegend());
    if (view !== "weights") {
      const caption = lw >= 215 ? "∂L/∂W (edges), ∂L/∂b (rings), log" : "∂L/∂W, ∂L/∂b (log scale)";
      list.push(gradientLegend({ caption, compact: lw < 190 }));
    }
    const total = lw * perRow + gap * (perRow - 1);
    const x0 = Math.round(Math.max(12, (this.cssW - total) / 2));
    const y0 = this.cssH - this.legendH + 6;
    for (let i = 0; i < list.length; i++) {
      const col = i % perRow;
      const row = Math.floor(i / perRow);
      drawLegend(g, x0 + col * (lw + gap), y0 + row * this.legendRowH, lw, list[i]);
    }
    if (this.notes.length) this.drawNotes(g, view, this.cssH - 10);
  }

  /**
   * The notes under the legends (this.notes, bottom line at y): an icon, then the text
   * (noteLines), centred. "groups": a marker and a band, what a group shows; "classes": a grey
   * to class colour ramp, how softmax outputs are coloured.
   */
  drawNotes(g, view, yBottom) {
    const T = this.topo;
    g.save();
    let y = yBottom;
    for (let n = this.notes.length - 1; n >= 0; n--) {
      const note = this.notes[n];
      g.font = `10px ${FONT_FAMILY}`;
      const lines = noteLines(g, note, view === "gradients" ? "∂L/∂W" : "W", this.cssW - 24 - CAPTION_ICONS);
      let textW = 0;
      for (const line of lines) textW = Math.max(textW, Math.ceil(g.measureText(line).width));
      const x = Math.round(Math.max(12, (this.cssW - CAPTION_ICONS - textW) / 2));
      const y0 = y - (lines.length - 1) * 13;
      if (note === "groups") {
        g.font = `600 10px ${FONT_FAMILY}`;
        const icon = "+N";
        const iw = Math.ceil(g.measureText(icon).width) + 8;
        // The marker, as drawn in the diagram.
        g.fillStyle = "#ffffff";
        g.strokeStyle = MUTED;
        g.lineWidth = 1;
        g.beginPath();
        roundRectPath(g, x + 0.5, y0 - 10.5, iw, 13, 3, 0);
        g.fill();
        g.stroke();
        g.fillStyle = INK;
        g.textAlign = "center";
        g.textBaseline = "alphabetic";
        g.fillText(icon, x + 0.5 + iw / 2, y0);
        // A band.
        const bx = x + iw + 6;
        g.globalAlpha = BAND_ALPHA;
        g.fillStyle = view === "gradients" ? GRADIENT_BUCKET_COLORS[STEPS + 10] : WEIGHT_BUCKET_COLORS[STEPS + 10];
        g.beginPath();
        bandPath(g, bx, y0 - 2, bx + 22, y0 - 7, 2.5);
        g.fill();
        g.globalAlpha = 1;
      } else {
        // Two classes' ramps, grey (probability 0) to their colour (1).
        for (let c = 0; c < 2; c++) {
          const ramp = T.classRamps[c % T.classRamps.length];
          for (let i = 0; i < 44; i++) {
            g.fillStyle = ramp[Math.round((i / 43) * LEVELS)];
            g.fillRect(x + i, y0 - 10 + 6 * c, 1.2, 5);
          }
        }
        g.strokeStyle = "rgba(0,0,0,0.15)";
        g.lineWidth = 1;
        g.strokeRect(x + 0.5, y0 - 9.5, 43, 10);
      }
      g.font = `10px ${FONT_FAMILY}`;
      g.fillStyle = MUTED;
      g.textAlign = "left";
      g.textBaseline = "alphabetic";
      for (let i = 0; i < lines.length; i++) g.fillText(lines[i], x + CAPTION_ICONS, y0 + 13 * i);
      y = y0 - CAPTION_H + 1;
    }
    g.restore();
  }

  // ---- per-frame drawing ------------------------------------------------------------------

  /**
   * Copies the current weights and biases as the "previous" values that the next update phase
   * blends from. Call it just before net.applyStep(); without it, every frame whose phase is
   * not "update" captures them.
   */
  capturePrevious(views) {
    const T = this.topo;
    if (!T || views.weights.length !== T.nW) return;
    T.prevW.set(views.weights);
    T.prevB.set(views.biases);
    this.prevValid = true;
    this.captured = true;
  }

  /** Draws one frame (see the module comment for `frame`). Allocates nothing once warm. */
  draw(frame) {
    const T = this.topo;
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const views = frame.views;
    if (!T || !views || views.weights.length !== T.nW || views.biases.length !== T.nB) {
      this.edges?.clear?.();
      return;
    }
    const view = frame.view === "gradients" || frame.view === "both" ? frame.view : "weights";
    if (this.chromeKey !== view) this.buildChrome(view);
    const R = this.edges;
    if (R) R.begin(this.canvas.width, this.canvas.height);
    else ctx.drawImage(this.chrome, 0, 0);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const th = frame.thumbs;
    this.thumbs = th && th.height >= T.nN * T.thumb ? th : null;

    const anim = frame.anim;
    const reduced = frame.reducedMotion === true;
    let phase = anim ? anim.phase : "idle";
    if (phase !== "forward" && phase !== "backward" && phase !== "update" && phase !== "flow") phase = "idle";
    const pos = anim && Number.isFinite(anim.position) ? anim.position : 0;
    const time = anim && Number.isFinite(anim.time) ? anim.time : 0;
    const flow = phase === "flow" && !reduced;
    if (phase === "flow") phase = "idle"; // drawn as idle, plus particles
    const depth = T.depth;

    // The previous weights for the update blend.
    if (phase === "update") {
      this.inUpdate = true;
    } else {
      if (this.inUpdate) this.captured = false;
      this.inUpdate = false;
      if (!this.captured) {
        // Plain loops: TypedArray.prototype.set allocates a little on every call.
        const w = views.weights;
        const pw = T.prevW;
        for (let i = 0; i < T.nW; i++) pw[i] = w[i];
        const b = views.biases;
        const pb = T.prevB;
        for (let i = 0; i < T.nB; i++) pb[i] = b[i];
        this.prevValid = true;
      }
    }
    const upd = pos < 0 ? 0 : pos > 1 ? 1 : pos;
    this.fPos = pos;
    this.fTime = time;
    let W = views.weights;
    let B = views.biases;
    if (phase === "update" && this.prevValid) {
      const pw = T.prevW;
      const bw = T.blendW;
      for (let i = 0; i < T.nW; i++) bw[i] = pw[i] + (W[i] - pw[i]) * upd;
      const pb = T.prevB;
      const bb = T.blendB;
      for (let i = 0; i < T.nB; i++) bb[i] = pb[i] + (B[i] - pb[i]) * upd;
      W = bw;
      B = bb;
    }
    const G = views.dL_dW;
    const GB = views.dL_db;
    this.aggregate(W, G, B, GB);
    this.sortedL = -1;

    if (frame.highlight !== this.lastHighlight) this.buildHighlight(frame.highlight);
    const hl = this.hasHighlight;

    if (!reduced && (phase === "forward" || phase === "backward") && pos > 0 && pos < depth) {
      this.drawBand(phase === "forward");
    }

    // ---- edges, weight layer by weight layer (with a highlight: the rest first, dimmed)
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (let pass = hl ? 0 : 1; pass < 2; pass++) {
      const mode = !hl ? HL_ALL : pass === 0 ? HL_OFF : HL_ON;
      if (mode === HL_ON) this.drawHalo();
      for (let l = 0; l < depth; l++) {
        const a = mode === HL_ON ? Math.max(0.6, T.density[l]) : mode === HL_OFF ? 0.2 * T.density[l] : T.density[l];
        let wAlpha = 0; // weight edges
        let gAlpha = 0; // gradient edges
        let sAlpha = 0; // neutral structure
        let gThin = view === "both"; // the gradient as a thin line beside the weight
        if (phase === "forward") {
          const lit = pos >= l + 1;
          if (view === "gradients") sAlpha = lit ? 0.8 : DIM;
          else wAlpha = lit ? 1 : DIM;
        } else if (phase === "backward") {
          const reached = pos <= l;
          if (view === "weights") {
            gThin = false;
            if (reached) gAlpha = 1;
            else wAlpha = 1;
          } else if (view === "gradients") {
            if (reached) gAlpha = 1;
            else sAlpha = 0.6;
          } else {
            wAlpha = 1;
            if (reached) gAlpha = 1;
          }
        } else if (phase === "update") {
          if (view === "weights") {
            // The weights take their new values while the derivatives' colours fade out
            // quickly on top (a slow cross-fade would mix the two scales into mud).
            wAlpha = 1;
            gAlpha = upd < 1 / 3 ? 1 - 3 * upd : 0;
            gThin = false;
          } else {
            wAlpha = view === "both" ? 1 : 0;
            gAlpha = 1;
          }
        } else {
          wAlpha = view === "gradients" ? 0 : 1;
          gAlpha = view === "weights" ? 0 : 1;
        }
        if (flow) {
          wAlpha *= 0.55;
          gAlpha *= 0.55;
        }
        this.fOff = 0;
        this.fWidth = 1;
        if (sAlpha > 0) {
          this.fAlpha = sAlpha * a;
          this.fWidth = 0.5;
          this.strokeLayer(l, STRUCTURE, mode);
          this.fWidth = 1;
        }
        if (wAlpha > 0) {
          this.fAlpha = wAlpha * a;
          this.strokeLayer(l, WEIGHT, mode);
        }
        if (flow) {
          // Particles right after the edges they ride, reusing that sort.
          this.fAlpha = mode === HL_OFF ? 0.25 : Math.max(0.5, a);
          this.particles(l, WEIGHT, mode);
        }
        if (gAlpha > 0) {
          this.fAlpha = gAlpha * a;
          this.fOff = gThin ? T.gOff : 0;
          this.fWidth = gThin ? 0.55 : 1;
          this.strokeLayer(l, GRADIENT, mode);
        }
        if (flow) {
          this.fAlpha = mode === HL_OFF ? 0.25 : Math.max(0.5, a);
          this.fOff = view === "both" ? T.gOff : 0;
          this.particles(l, GRADIENT, mode);
        }
      }
    }

    if (R) {
      // The edges' pixels, then the static text and legends over them.
      R.put(ctx, this.dpr);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.chrome, 0, 0);
      ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    }

    // The glowing front: dots on the edges it is crossing.
    if (!reduced && (phase === "forward" || phase === "backward")) {
      const l = Math.floor(pos);
      if (l >= 0 && l < depth && pos > l) {
        if (phase === "forward") this.frontDots(l, view === "gradients" ? STRUCTURE : WEIGHT);
        else this.frontDots(l, GRADIENT);
      }
    }

    this.drawNeurons(views.a, B, GB, view, phase, reduced, flow);
    const hov = this.hover;
    const sel = frame.selection;
    this.lastSelection = sel;
    if (hov && !sameSelection(hov, sel)) this.outline(hov, "rgba(17,24,39,0.5)", 1.25, view, W, G);
    if (sel) this.outline(sel, SELECT, 2, view, W, G);
    ctx.globalAlpha = 1;
  }

  /**
   * This frame's values of the drawn edges: for a single edge its weight and derivative, for a
   * band the mean and the mean magnitude of the edges it stands for. And each bias's colour
   * buckets (b and dL/db), which drawNeurons reads: computed here, where V8 inlines the bucket
   * functions (in drawNeurons it does not, and would box their double arguments).
   */
  aggregate(W, G, B, GB) {
    const T = this.topo;
    const { layers, depth, wMean, wAbs, gMean, gAbs, dCount, slotOf, bBucket, gbBucket } = T;
    for (let i = 0; i < T.nB; i++) {
      bBucket[i] = weightBucket(B[i]);
      gbBucket[i] = gradientBucket(GB[i]);
    }
    for (let l = 0; l < depth; l++) {
      const nIn = layers[l];
      const nOut = layers[l + 1];
      const wb = T.weightOffset[l];
      const d0 = T.dOffset[l];
      if (T.bands[l] === 0) {
        // No group on either side: drawn edge i is weight i.
        for (let i = 0; i < nIn * nOut; i++) {
          const v = W[wb + i];
          const g = G[wb + i];
          wMean[d0 + i] = v;
          wAbs[d0 + i] = v < 0 ? -v : v;
          gMean[d0 + i] = g;
          gAbs[d0 + i] = g < 0 ? -g : g;
        }
        continue;
      }
      const d1 = T.dOffset[l + 1];
      for (let d = d0; d < d1; d++) {
        wMean[d] = 0;
        wAbs[d] = 0;
        gMean[d] = 0;
        gAbs[d] = 0;
      }
      const Sf = T.nSlots[l];
      const fb = T.neuronOffset[l];
      const tb = T.neuronOffset[l + 1];
      for (let j = 0; j < nOut; j++) {
        const row = d0 + slotOf[tb + j] * Sf;
        const wi = wb + j * nIn;
        for (let k = 0; k < nIn; k++) {
          const d = row + slotOf[fb + k];
          const v = W[wi + k];
          const g = G[wi + k];
          wMean[d] += v;
          wAbs[d] += v < 0 ? -v : v;
          gMean[d] += g;
          gAbs[d] += g < 0 ? -g : g;
        }
      }
      for (let d = d0; d < d1; d++) {
        const c = dCount[d];
        if (c > 1) {
          wMean[d] /= c;
          wAbs[d] /= c;
          gMean[d] /= c;
          gAbs[d] /= c;
        }
      }
    }
  }

  /**
   * Counting-sorts weight layer l's drawn edges by colour bucket into T.order. Afterwards
   * bucket b (0..BUCKETS-1) holds order[counts[b]] .. order[counts[b + 1] - 1] (each entry a
   * drawn edge's index within the layer). Edges the highlight mode leaves out go to bucket -1.
   */
  sortLayer(l, kind, mode) {
    const T = this.topo;
    const d0 = T.dOffset[l];
    const n = T.dOffset[l + 1] - d0;
    const { bucketOf, order, counts, hlDisp } = T;
    const values = kind === GRADIENT ? T.gMean : T.wMean;
    counts.fill(0);
    for (let e = 0; e < n; e++) {
      let b;
      if (mode !== HL_ALL && (hlDisp[d0 + e] === 1) !== (mode === HL_ON)) b = -1;
      else if (kind === WEIGHT) b = weightBucket(values[d0 + e]);
      else if (kind === GRADIENT) b = gradientBucket(values[d0 + e]);
      else b = STEPS;
      bucketOf[e] = b;
      counts[b + 2]++;
    }
    for (let b = 1; b <= BUCKETS + 1; b++) counts[b] += counts[b - 1];
    // counts[b + 1] is the start of bucket b; placing advances it to the end of bucket b,
    // which leaves counts[b] as the start of bucket b.
    for (let e = 0; e < n; e++) order[counts[bucketOf[e] + 1]++] = e;
    this.sortedL = l;
    this.sortedKind = kind;
    this.sortedMode = mode;
  }

  /**
   * Strokes every drawn edge of weight layer l: the bands first (filled, translucent), then the
   * single edges, one path per colour bucket, weakest first.
   */
  strokeLayer(l, kind, mode) {
    const alpha = this.fAlpha;
    const offY = this.fOff;
    const widthScale = this.fWidth;
    if (alpha <= 0.003) return;
    const T = this.topo;
    const ctx = this.ctx;
    this.sortLayer(l, kind, mode);
    const Sf = T.nSlots[l];
    const fromS = T.slotOffset[l];
    const toS = T.slotOffset[l + 1];
    const d0 = T.dOffset[l];
    const xa = T.ex0[l];
    const xb = T.ex1[l];
    const xm = (xa + xb) / 2;
    const { order, counts, slotY, dCount, wAbs, gAbs } = T;
    const wMin = T.wMin * widthScale;
    const wSpan = (T.wMax - T.wMin) * widthScale;
    const colors = kind === GRADIENT ? GRADIENT_BUCKET_COLORS : WEIGHT_BUCKET_COLORS;
    const rgbs = kind === GRADIENT ? GRADIENT_BUCKET_RGB : WEIGHT_BUCKET_RGB;
    const R = this.edges;
    // Dense layers: weak edges fainter still, strong ones brighter.
    const dense = T.density[l] < 1;
    if (T.bands[l] === 1) {
      // Bands are few (about two per drawn neuron): they are not faded with the layer's density.
      const bandAlpha = Math.min(1, (alpha / T.density[l]) * BAND_ALPHA);
      ctx.globalAlpha = bandAlpha;
      for (let bi = 0; bi < BUCKETS; bi++) {
        const b = DRAW_ORDER[bi];
        const start = counts[b];
        const end = counts[b + 1];
        if (start === end) continue;
        const rgb = kind === STRUCTURE ? NEUTRAL_RGB : rgbs[b];
        if (!R) {
          ctx.fillStyle = kind === STRUCTURE ? NEUTRAL : colors[b];
          ctx.beginPath();
        }
        for (let i = start; i < end; i++) {
          const e = order[i];
          const d = d0 + e;
          if (dCount[d] === 1) continue;
          const t = (e / Sf) | 0;
          const y1 = slotY[fromS + e - t * Sf] + offY;
          const y2 = slotY[toS + t] + offY;
          // The width of an edge of the band's mean magnitude (inline: a helper returning a
          // double would box it).
          let m = 0.15;
          if (kind === WEIGHT) {
            const a = wAbs[d];
            m = a >= WEIGHT_MAX ? 1 : Math.sqrt(a / WEIGHT_MAX);
          } else if (kind === GRADIENT) {
            const a = gAbs[d];
            m = a > GRADIENT_MIN ? (Math.log10(a) - LOG_GMIN) / LOG_GSPAN : 0;
            if (m > 1) m = 1;
          }
          let h = wMin + wSpan * m;
          h = (h > BAND_MIN ? h : BAND_MIN) / 2;
          if (R) {
            R.band(xa, y1, xb, y2, h, rgb, bandAlpha);
            continue;
          }
          ctx.moveTo(xa, y1 - h);
          ctx.bezierCurveTo(xm, y1 - h, xm, y2 - h, xb, y2 - h);
          ctx.lineTo(xb, y2 + h);
          ctx.bezierCurveTo(xm, y2 + h, xm, y1 + h, xa, y1 + h);
          ctx.closePath();
        }
        if (!R) ctx.fill();
      }
    }
    for (let bi = 0; bi < BUCKETS; bi++) {
      const b = DRAW_ORDER[bi];
      const start = counts[b];
      const end = counts[b + 1];
      if (start === end) continue;
      const wb = BUCKET_WIDTHS[b];
      const edgeAlpha = dense ? Math.min(1, alpha * (0.6 + 0.8 * wb)) : alpha;
      const width = kind === STRUCTURE ? wMin + wSpan * 0.15 : wMin + wSpan * wb;
      const rgb = kind === STRUCTURE ? NEUTRAL_RGB : rgbs[b];
      if (!R) {
        ctx.globalAlpha = edgeAlpha;
        ctx.strokeStyle = kind === STRUCTURE ? NEUTRAL : colors[b];
        ctx.lineWidth = width;
        ctx.beginPath();
      }
      for (let i = start; i < end; i++) {
        const e = order[i];
        if (dCount[d0 + e] !== 1) continue;
        const t = (e / Sf) | 0;
        const y1 = slotY[fromS + e - t * Sf] + offY;
        const y2 = slotY[toS + t] + offY;
        if (R) {
          R.stroke(xa, y1, xb, y2, width / 2, rgb, edgeAlpha);
          continue;
        }
        ctx.moveTo(xa, y1);
        ctx.bezierCurveTo(xm, y1, xm, y2, xb, y2);
      }
      if (!R) ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** Flow: particles along weight layer l, forward for weights, backward for derivatives. */
  particles(l, kind, mode) {
    const alpha = this.fAlpha;
    const offY = this.fOff;
    const time = this.fTime;
    const T = this.topo;
    const ctx = this.ctx;
    // Usually the layer was just sorted by these values, for its edges.
    if (this.sortedL !== l || this.sortedKind !== kind || this.sortedMode !== mode) this.sortLayer(l, kind, mode);
    const Sf = T.nSlots[l];
    const fromS = T.slotOffset[l];
    const toS = T.slotOffset[l + 1];
    const xa = T.ex0[l];
    const xb = T.ex1[l];
    const dx = xb - xa;
    const np = Math.max(1, Math.round(dx / FLOW_SPACING));
    let shift = (time * FLOW_SPEED) / dx;
    if (kind === GRADIENT) shift = -shift;
    shift -= Math.floor(shift);
    const { order, counts, slotY } = T;
    const colors = kind === GRADIENT ? GRADIENT_BUCKET_COLORS : WEIGHT_BUCKET_COLORS;
    // Each particle is a short round-capped dash along the curve, its tail behind it.
    const tail = (kind === GRADIENT ? -FLOW_TAIL : FLOW_TAIL) / dx;
    const thin = kind === GRADIENT && offY !== 0 ? 0.7 : 1;
    const rgbs = kind === GRADIENT ? GRADIENT_BUCKET_RGB : WEIGHT_BUCKET_RGB;
    const R = this.edges;
    ctx.globalAlpha = alpha;
    ctx.lineCap = "round";
    for (let b = 0; b < BUCKETS; b++) {
      const start = counts[b];
      const end = counts[b + 1];
      if (start === end || b === STEPS) continue; // nothing flows along a zero
      const width = (1.8 + (T.wMin + (T.wMax - T.wMin) * BUCKET_WIDTHS[b])) * thin;
      if (!R) {
        ctx.strokeStyle = colors[b];
        ctx.lineWidth = width;
        ctx.beginPath();
      }
      for (let i = start; i < end; i++) {
        const e = order[i];
        const t = (e / Sf) | 0;
        const y1 = slotY[fromS + e - t * Sf] + offY;
        const dy = slotY[toS + t] + offY - y1;
        const phase = PHASES[e & 63] / np + shift / np;
        for (let p = 0; p < np; p++) {
          let u = p / np + phase;
          if (u >= 1) u -= 1;
          let v = u - tail;
          v = v < 0 ? 0 : v > 1 ? 1 : v;
          if (R) {
            R.stroke(xa, y1, xb, y1 + dy, width / 2, rgbs[b], alpha, u < v ? u : v, u < v ? v : u);
            continue;
          }
          let si = u * 256;
          let ii = si | 0;
          ctx.moveTo(xa + dx * u, y1 + dy * (S_TABLE[ii] + (S_TABLE[ii + 1] - S_TABLE[ii]) * (si - ii)));
          si = v * 256;
          ii = si | 0;
          ctx.lineTo(xa + dx * v, y1 + dy * (S_TABLE[ii] + (S_TABLE[ii + 1] - S_TABLE[ii]) * (si - ii)));
        }
      }
      if (!R) ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** The front of a pass: glowing dots at fraction u across every drawn edge of weight layer l. */
  frontDots(l, kind) {
    const u = this.fPos - l;
    const T = this.topo;
    const ctx = this.ctx;
    this.sortLayer(l, kind, this.hasHighlight ? HL_ON : HL_ALL);
    const Sf = T.nSlots[l];
    const fromS = T.slotOffset[l];
    const toS = T.slotOffset[l + 1];
    const xa = T.ex0[l];
    const xb = T.ex1[l];
    const x = xa + (xb - xa) * u;
    const si = u * 256;
    const ii = si | 0;
    const sy = S_TABLE[ii] + (S_TABLE[ii + 1] - S_TABLE[ii]) * (si - ii);
    const { order, counts, slotY } = T;
    const colors = kind === GRADIENT ? GRADIENT_BUCKET_COLORS : WEIGHT_BUCKET_COLORS;
    const dens = Math.max(0.35, T.density[l]);
    for (let pass = 0; pass < 2; pass++) {
      const r = pass === 0 ? T.dotR * 2.4 : T.dotR;
      ctx.globalAlpha = (pass === 0 ? 0.25 : 1) * dens;
      for (let b = 0; b < BUCKETS; b++) {
        const start = counts[b];
        const end = counts[b + 1];
        if (start === end) continue;
        ctx.fillStyle = kind === STRUCTURE || b === STEPS ? MUTED : colors[b];
        ctx.beginPath();
        for (let i = start; i < end; i++) {
          const e = order[i];
          const t = (e / Sf) | 0;
          const y1 = slotY[fromS + e - t * Sf];
          const y = y1 + (slotY[toS + t] - y1) * sy;
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, TAU);
        }
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
  }

  /** A soft gold halo under highlighted edges (fainter and narrower in dense layers). */
  drawHalo() {
    const T = this.topo;
    const ctx = this.ctx;
    const R = this.edges;
    const width = T.wMax + Math.min(5, T.pitch * 0.3);
    ctx.strokeStyle = HALO;
    ctx.lineWidth = width;
    for (let l = 0; l < T.depth; l++) {
      const Sf = T.nSlots[l];
      const d0 = T.dOffset[l];
      const n = T.dOffset[l + 1] - d0;
      const fromS = T.slotOffset[l];
      const toS = T.slotOffset[l + 1];
      const xa = T.ex0[l];
      const xb = T.ex1[l];
      const xm = (xa + xb) / 2;
      const alpha = 0.32 * Math.max(0.2, T.density[l]);
      ctx.globalAlpha = alpha;
      if (!R) ctx.beginPath();
      for (let e = 0; e < n; e++) {
        if (T.hlDisp[d0 + e] !== 1) continue;
        const t = (e / Sf) | 0;
        const y1 = T.slotY[fromS + e - t * Sf];
        const y2 = T.slotY[toS + t];
        if (R) {
          R.stroke(xa, y1, xb, y2, width / 2, HALO_RGB, alpha);
          continue;
        }
        ctx.moveTo(xa, y1);
        ctx.bezierCurveTo(xm, y1, xm, y2, xb, y2);
      }
      if (!R) ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** A soft vertical band at the front of a pass (gradients made once per layout). */
  drawBand(forward) {
    const pos = this.fPos;
    const T = this.topo;
    const ctx = this.ctx;
    const l = Math.floor(pos);
    const xa = T.colX[l];
    const x = xa + (T.colX[Math.min(T.depth, l + 1)] - xa) * (pos - l);
    const halfW = Math.max(16, Math.round(T.colGap * 0.2));
    const top = T.yMin - 12;
    if (this.edges) {
      this.edges.sweep(Math.round(x) - halfW, top, Math.round(x) + halfW, T.yMax + 12, forward ? SWEEP_FORWARD : SWEEP_BACKWARD, SWEEP_ALPHA);
      return;
    }
    // The band is a 64 x 1 gradient image, made once and stretched (whole-pixel arguments).
    if (!this.bandFwd) {
      const mk = (rgb) => {
        const c = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(64, 1) : document.createElement("canvas");
        c.width = 64;
        c.height = 1;
        const g = c.getContext("2d");
        const grad = g.createLinearGradient(0, 0, 64, 0);
        grad.addColorStop(0, `rgba(${rgb},0)`);
        grad.addColorStop(0.5, `rgba(${rgb},${SWEEP_ALPHA})`);
        grad.addColorStop(1, `rgba(${rgb},0)`);
        g.fillStyle = grad;
        g.fillRect(0, 0, 64, 1);
        return c;
      };
      this.bandFwd = mk(SWEEP_FORWARD.join(","));
      this.bandBack = mk(SWEEP_BACKWARD.join(","));
    }
    ctx.drawImage(forward ? this.bandFwd : this.bandBack, Math.round(x) - halfW, top, 2 * halfW, T.yMax + 12 - top);
  }

  /**
   * Marks frame.highlight's edges and neurons on the drawn edges and slots (a band or a marker
   * is highlighted when any member is). It runs only when the highlight object changes
   * identity (or the layout changes), so keep one object per highlight.
   */
  buildHighlight(h) {
    const T = this.topo;
    this.lastHighlight = h;
    T.hlDisp.fill(0);
    T.hlSlot.fill(0);
    this.hasHighlight = false;
    if (!h) return;
    const edges = h.edges ?? [];
    const neurons = h.neurons ?? [];
    for (let i = 0; i < edges.length; i++) {
      const l = edges[i][0];
      const j = edges[i][1];
      const k = edges[i][2];
      if (l >= 0 && l < T.depth && j >= 0 && j < T.layers[l + 1] && k >= 0 && k < T.layers[l]) {
        T.hlDisp[this.drawnEdge(l, j, k)] = 1;
      }
    }
    for (let i = 0; i < neurons.length; i++) {
      const L = neurons[i][0];
      const j = neurons[i][1];
      if (L >= 0 && L <= T.depth && j >= 0 && j < T.layers[L]) T.hlSlot[T.slotOffset[L] + T.slotOf[T.neuronOffset[L] + j]] = 1;
    }
    this.hasHighlight = edges.length + neurons.length > 0;
  }

  /** The index (into dCount, wMean, ...) of the drawn edge that shows weight W[l][j][k]. */
  drawnEdge(l, j, k) {
    const T = this.topo;
    return T.dOffset[l] + T.slotOf[T.neuronOffset[l + 1] + j] * T.nSlots[l] + T.slotOf[T.neuronOffset[l] + k];
  }

  /** Cards (or dots), group markers, dL/db rings, bias handles and the output values. */
  drawNeurons(A, B, GB, view, phase, reduced, flow) {
    const pos = this.fPos;
    const T = this.topo;
    const ctx = this.ctx;
    const { depth, slotY, slotNeuron } = T;
    const thumbs = this.thumbs;
    const hasA = A.length >= T.nN;
    const hl = this.hasHighlight;
    const upd = pos < 0 ? 0 : pos > 1 ? 1 : pos;
    this.mA = A;
    this.mB = B;
    this.mGB = GB;
    this.markerFont = false;
    for (let L = 0; L <= depth; L++) {
      const s = T.sz[L];
      const half = T.hf[L];
      const small = T.sm[L] === 1;
      const f = T.fr[L];
      const inner = s - 2 * f;
      const rad = T.rad[L];
      const bs = T.bsz[L];
      // Update phase in the weights view: the share of the bias handle still showing dL/db,
      // in whole half-pixels (fillRect boxes fractions).
      const drain = phase === "update" && view === "weights" && L > 0 ? Math.round((1 - upd) * bs) / (2 * bs) : 0;
      // How lit this layer is (forward pass).
      let lit = 1;
      if (phase === "forward" && pos < L) lit = reduced ? DIM : Math.max(DIM, 1 - (L - pos) * 4);
      // The dL/db ring's alpha, and how much the bias handle shows dL/db instead of b.
      let ring = 0;
      let biasGrad = 0;
      if (L > 0) {
        if (phase === "backward") {
          ring = pos <= L ? 1 : 0;
          biasGrad = pos <= L && view !== "both" ? 1 : 0;
        } else if (phase === "update") {
          ring = view === "weights" ? (upd < 1 / 3 ? 1 - 3 * upd : 0) : 1;
          biasGrad = view === "gradients" ? 1 : 0;
        } else if (phase === "idle") {
          ring = view === "weights" ? (flow ? 0.7 : 0) : 1;
          biasGrad = view === "gradients" ? 1 : 0;
        }
      }
      const lo = T.lo[L];
      const span = T.span[L];
      const nOff = T.neuronOffset[L];
      const bOff = L > 0 ? T.biasOffset[L - 1] : 0;
      const so = T.slotOffset[L];
      const x = T.colX[L];
      // Softmax outputs: grey to their class's colour, by probability.
      const ramps = L === depth ? T.classRamps : null;
      for (let slot = 0; slot < T.nSlots[L]; slot++) {
        const j = slotNeuron[so + slot];
        const alpha = (hl && T.hlSlot[so + slot] !== 1 ? 0.28 : 1) * lit;
        if (j < 0) {
          // The group marker (its own method, with the layer's numbers in fields, keeps this
          // loop small enough for V8 to inline its helpers, which allocates nothing).
          this.fLit = alpha;
          this.fRing = ring;
          this.fBiasGrad = biasGrad;
          this.fDrain = drain;
          this.drawMarker(L);
          continue;
        }
        const id = nOff + j;
        const y = slotY[so + slot];
        // Activation on the display scale, as a level of the value colours.
        let v = hasA ? A[id] : 0;
        v = L === 0 ? v / T.scales[j] : ((v - lo) / span) * 2 - 1;
        const level = v !== v ? LEVELS : v <= -1 ? 0 : v >= 1 ? 2 * LEVELS : Math.round((v + 1) * LEVELS);
        ctx.globalAlpha = alpha;
        // v is 2p - 1 for a softmax output, so level / 2 is p's level on its class's ramp.
        ctx.fillStyle = ramps === null ? VALUE_COLORS[level] : ramps[j % ramps.length][level >> 1];
        ctx.beginPath();
        if (small) {
          ctx.arc(x, y, half, 0, TAU);
          ctx.fill();
          ctx.strokeStyle = "rgba(31,41,55,0.45)";
          ctx.lineWidth = 0.75;
          ctx.stroke();
        } else {
          roundRectPath(ctx, x - half, y - half, s, s, rad, 0);
          ctx.fill();
          if (thumbs !== null) {
            // A 1px white mat between the frame and the thumbnail.
            ctx.fillStyle = "#ffffff";
            ctx.fillRect(x - half + f - 1, y - half + f - 1, inner + 2, inner + 2);
            ctx.drawImage(thumbs, 0, id * T.thumb, T.thumb, T.thumb, x - half + f, y - half + f, inner, inner);
          }
          ctx.lineWidth = 1;
          ctx.strokeStyle = "rgba(31,41,55,0.3)";
          ctx.beginPath();
          roundRectPath(ctx, x - half, y - half, s, s, rad, 0.5);
          ctx.stroke();
        }
        if (L === 0) continue;
        // dL/db ring.
        if (ring > 0) {
          const b = T.gbBucket[bOff + j];
          ctx.globalAlpha = alpha * ring;
          ctx.strokeStyle = b === STEPS ? NEUTRAL : GRADIENT_BUCKET_COLORS[b];
          ctx.lineWidth = T.rg[L];
          ctx.beginPath();
          if (small) ctx.arc(x, y, half + T.rgap[L], 0, TAU);
          else roundRectPath(ctx, x - half, y - half, s, s, rad, T.rgap[L]);
          ctx.stroke();
        }
        // Bias handle: b, or dL/db; on cards with a white and a dark border.
        const bx = x + T.bdx[L] - bs / 2;
        const by = y + T.bdy[L] - bs / 2;
        ctx.globalAlpha = alpha;
        if (!small) {
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(bx - 2, by - 2, bs + 4, bs + 4);
          ctx.fillStyle = "rgba(31,41,55,0.55)";
          ctx.fillRect(bx - 1, by - 1, bs + 2, bs + 2);
        }
        if (biasGrad < 1) {
          ctx.fillStyle = WEIGHT_BUCKET_COLORS[T.bBucket[bOff + j]];
          ctx.fillRect(bx, by, bs, bs);
        }
        if (biasGrad > 0) {
          ctx.globalAlpha = alpha * biasGrad;
          ctx.fillStyle = GRADIENT_BUCKET_COLORS[T.gbBucket[bOff + j]];
          ctx.fillRect(bx, by, bs, bs);
          ctx.globalAlpha = alpha;
        } else if (drain > 0) {
          // Update, weights view: dL/db shrinks into the bias.
          const d = drain * bs;
          ctx.fillStyle = GRADIENT_BUCKET_COLORS[T.gbBucket[bOff + j]];
          ctx.fillRect(bx + bs / 2 - d, by + bs / 2 - d, 2 * d, 2 * d);
        }
      }
    }
    // The output's value beside each drawn output neuron.
    if (hasA && T.pitchL[depth] >= 11) {
      const off = T.neuronOffset[depth];
      const so = T.slotOffset[depth];
      ctx.font = T.valueFont ?? (T.valueFont = `600 12px ${FONT_FAMILY}`);
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      ctx.fillStyle = INK;
      ctx.globalAlpha = phase === "forward" && pos < depth ? DIM : 1;
      const tx = this.valueX();
      for (let slot = 0; slot < T.nSlots[depth]; slot++) {
        const j = slotNeuron[so + slot];
        if (j >= 0) ctx.fillText(this.format(A, off + j), tx, slotY[so + slot]);
      }
    }
    ctx.globalAlpha = 1;
  }

  /**
   * Layer L's group marker, drawn like a neuron whose numbers are its members' means: its count
   * on a tile (a pill among dots) framed by their mean activation, stacked cards behind it,
   * their mean dL/db as its ring and their mean b (or dL/db) as its bias handle. The frame's
   * alpha, ring, bias-gradient share and drain come in fLit, fRing, fBiasGrad and fDrain.
   * Geometry is int32: a float64 argument to a call V8 does not inline is boxed.
   */
  drawMarker(L) {
    const T = this.topo;
    const ctx = this.ctx;
    const A = this.mA;
    const B = this.mB;
    const GB = this.mGB;
    const alpha = this.fLit;
    const small = T.sm[L] === 1;
    const nOff = T.neuronOffset[L];
    const bOff = L > 0 ? T.biasOffset[L - 1] : 0;
    const g0 = T.gFirst[L];
    const gn = T.gCount[L];
    let v = 0;
    let bv = 0;
    let gv = 0;
    const hasA = A.length >= T.nN;
    for (let m = g0; m < g0 + gn; m++) {
      if (hasA) v += L === 0 ? A[nOff + m] / T.scales[m] : A[nOff + m];
      if (L > 0) {
        bv += B[bOff + m];
        gv += GB[bOff + m];
      }
    }
    v /= gn;
    bv /= gn;
    gv /= gn;
    if (L > 0) v = ((v - T.lo[L]) / T.span[L]) * 2 - 1;
    // A group of class-coloured (softmax) outputs mixes classes: its frame stays neutral.
    const level = T.classRamps !== null && L === T.depth ? LEVELS : v !== v ? LEVELS : v <= -1 ? 0 : v >= 1 ? 2 * LEVELS : Math.round((v + 1) * LEVELS);
    const colour = VALUE_COLORS[level];
    const x = T.colX[L] | 0;
    const y = T.slotY[T.slotOffset[L] + g0] | 0;
    const mw = T.mkW[L];
    const mh = T.mkH[L];
    const left = x - (mw >> 1);
    const top = y - (mh >> 1);
    const rad = small ? mh >> 1 : T.rad[L];
    ctx.globalAlpha = alpha;
    if (small) {
      ctx.fillStyle = "#ffffff";
      ctx.beginPath();
      roundRectPath(ctx, left, top, mw, mh, rad, 0);
      ctx.fill();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      roundRectPath(ctx, left + 1, top + 1, mw - 2, mh - 2, rad - 1, 0);
      ctx.stroke();
      ctx.strokeStyle = "rgba(31,41,55,0.5)";
      ctx.lineWidth = 0.75;
      ctx.beginPath();
      roundRectPath(ctx, left, top, mw, mh, rad, 0);
      ctx.stroke();
    } else {
      const f = T.fr[L];
      ctx.strokeStyle = "rgba(31,41,55,0.35)";
      ctx.lineWidth = 1;
      for (let back = 4; back > 0; back -= 2) {
        ctx.fillStyle = back === 4 ? "#eceef0" : "#f6f7f8";
        ctx.beginPath();
        roundRectPath(ctx, left + back, top - back, mw, mh, rad, 0);
        ctx.fill();
        ctx.stroke();
      }
      ctx.fillStyle = colour;
      ctx.beginPath();
      roundRectPath(ctx, left, top, mw, mh, rad, 0);
      ctx.fill();
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(left + f, top + f, mw - 2 * f, mh - 2 * f);
      ctx.strokeStyle = "rgba(31,41,55,0.45)";
      ctx.beginPath();
      roundRectPath(ctx, left, top, mw, mh, rad, 0.5);
      ctx.stroke();
    }
    ctx.fillStyle = INK;
    if (!this.markerFont) ctx.font = T.mkFont; // once a frame: nothing else in drawNeurons sets one
    this.markerFont = true;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(T.mkText[L], x, y + 1);
    if (L === 0) return;
    // The buckets of the means, as palette.js's gradientBucket and weightBucket compute them,
    // inline: V8 does not inline those calls here, and would box the double argument.
    const ga = gv < 0 ? -gv : gv;
    let gb = STEPS;
    if (ga > GRADIENT_MIN) {
      const m = Math.round((STEPS * (Math.log10(ga) - LOG_GMIN)) / LOG_GSPAN);
      const c = m > STEPS ? STEPS : m;
      gb = gv < 0 ? STEPS - c : STEPS + c;
    }
    const ba = bv < 0 ? -bv : bv;
    const bm = ba < WEIGHT_MAX ? Math.round(STEPS * Math.sqrt(ba / WEIGHT_MAX)) : ba >= WEIGHT_MAX ? STEPS : 0;
    const wb = bv < 0 ? STEPS - bm : STEPS + bm;
    const ring = this.fRing;
    if (ring > 0) {
      const b = gb;
      ctx.globalAlpha = alpha * ring;
      ctx.strokeStyle = b === STEPS ? NEUTRAL : GRADIENT_BUCKET_COLORS[b];
      ctx.lineWidth = T.rg[L];
      ctx.beginPath();
      roundRectPath(ctx, left, top, mw, mh, rad, T.rgap[L]);
      ctx.stroke();
    }
    const bs = T.bsz[L];
    const bx = x + T.mbdx[L] - (bs >> 1);
    const by = y + T.mbdy[L] - (bs >> 1);
    const biasGrad = this.fBiasGrad;
    const drain = this.fDrain;
    ctx.globalAlpha = alpha;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(bx - 2, by - 2, bs + 4, bs + 4);
    ctx.fillStyle = "rgba(31,41,55,0.55)";
    ctx.fillRect(bx - 1, by - 1, bs + 2, bs + 2);
    if (biasGrad < 1) {
      ctx.fillStyle = WEIGHT_BUCKET_COLORS[wb];
      ctx.fillRect(bx, by, bs, bs);
    }
    if (biasGrad > 0) {
      ctx.globalAlpha = alpha * biasGrad;
      ctx.fillStyle = GRADIENT_BUCKET_COLORS[gb];
      ctx.fillRect(bx, by, bs, bs);
    } else if (drain > 0) {
      const d = drain * bs;
      ctx.fillStyle = GRADIENT_BUCKET_COLORS[gb];
      ctx.fillRect(bx + bs / 2 - d, by + bs / 2 - d, 2 * d, 2 * d);
    }
    ctx.globalAlpha = alpha;
  }

  /** A cached two-decimal label for values[i0], so drawing numbers makes no strings once warm. */
  format(values, i0) {
    const v = values[i0];
    const cache = this.topo.fmtCache;
    if (!(v > -100 && v < 100)) return v !== v ? "NaN" : v > 0 ? "≥100" : "≤−100";
    const i = Math.round(v * 100) + 10000;
    let s = cache[i];
    if (s === undefined) {
      s = ((i - 10000) / 100).toFixed(2).replace("-", "−");
      if (s === "−0.00") s = "0.00";
      cache[i] = s;
    }
    return s;
  }

  /** Outlines a selection (or the hovered item); inside a group, its band or marker. */
  outline(sel, color, width, view, W, G) {
    const T = this.topo;
    const ctx = this.ctx;
    if (!validSelection(T, sel)) return;
    ctx.globalAlpha = 1;
    const tagged = color === SELECT;
    if (sel.kind === "w") {
      const { l, j, k } = sel;
      const xa = T.ex0[l];
      const xb = T.ex1[l];
      const xm = (xa + xb) / 2;
      const y1 = T.ny[T.neuronOffset[l] + k];
      const y2 = T.ny[T.neuronOffset[l + 1] + j];
      const d = this.drawnEdge(l, j, k);
      const useG = view === "gradients";
      const both = view === "both";
      if (T.dCount[d] > 1) {
        // A band: a dark casing and a white gap around it, the band itself on top, and its
        // groups' markers outlined (and tagged with the member's index).
        const a = useG ? T.gAbs[d] : T.wAbs[d];
        let m;
        if (useG) m = a > GRADIENT_MIN ? Math.min(1, (Math.log10(a) - LOG_GMIN) / LOG_GSPAN) : 0;
        else m = a >= WEIGHT_MAX ? 1 : Math.sqrt(a / WEIGHT_MAX);
        const bw = Math.max(BAND_MIN, T.wMin + (T.wMax - T.wMin) * m);
        ctx.strokeStyle = color;
        ctx.lineWidth = bw + 2 * width + 2;
        ctx.beginPath();
        ctx.moveTo(xa, y1);
        ctx.bezierCurveTo(xm, y1, xm, y2, xb, y2);
        ctx.stroke();
        ctx.strokeStyle = "#ffffff";
        ctx.lineWidth = bw + 2;
        ctx.stroke();
        const b = useG ? gradientBucket(T.gMean[d]) : weightBucket(T.wMean[d]);
        ctx.strokeStyle = useG ? GRADIENT_BUCKET_COLORS[b] : WEIGHT_BUCKET_COLORS[b];
        ctx.lineWidth = bw;
        ctx.stroke();
        // End markers only where the band meets a drawn neuron; a group's marker is outlined.
        const toGroup = T.drawnN[T.neuronOffset[l + 1] + j] === 0;
        const fromGroup = T.drawnN[T.neuronOffset[l] + k] === 0;
        ctx.fillStyle = color;
        ctx.beginPath();
        if (!fromGroup) ctx.arc(xa, y1, width + 1.5, 0, TAU);
        if (!toGroup) {
          ctx.moveTo(xb + width + 1.5, y2);
          ctx.arc(xb, y2, width + 1.5, 0, TAU);
        }
        ctx.fill();
        if (toGroup) this.markerOutline(l + 1, j, color, width, tagged);
        if (fromGroup) this.markerOutline(l, k, color, width, tagged);
        return;
      } else {
        const i = T.weightOffset[l] + j * T.layers[l] + k;
        const b = useG ? gradientBucket(G[i]) : weightBucket(W[i]);
        const lw = T.wMin + (T.wMax - T.wMin) * BUCKET_WIDTHS[b];
        // A dark casing, a white gap, then the edge itself on top.
        ctx.strokeStyle = color;
        ctx.lineWidth = lw + 2 * width + 2 + (both ? T.gOff : 0);
        ctx.beginPath();
        const o = both ? T.gOff / 2 : 0;
        ctx.moveTo(xa, y1 + o);
        ctx.bezierCurveTo(xm, y1 + o, xm, y2 + o, xb, y2 + o);
        ctx.stroke();
        ctx.strokeStyle = "#ffffff";
        ctx.lineWidth = lw + 2 + (both ? T.gOff : 0);
        ctx.stroke();
        ctx.strokeStyle = useG ? GRADIENT_BUCKET_COLORS[b] : WEIGHT_BUCKET_COLORS[b];
        ctx.lineWidth = lw;
        ctx.beginPath();
        ctx.moveTo(xa, y1);
        ctx.bezierCurveTo(xm, y1, xm, y2, xb, y2);
        ctx.stroke();
        if (both) {
          const gb = gradientBucket(G[i]);
          ctx.strokeStyle = GRADIENT_BUCKET_COLORS[gb];
          ctx.lineWidth = (T.wMin + (T.wMax - T.wMin) * BUCKET_WIDTHS[gb]) * 0.55;
          ctx.beginPath();
          ctx.moveTo(xa, y1 + T.gOff);
          ctx.bezierCurveTo(xm, y1 + T.gOff, xm, y2 + T.gOff, xb, y2 + T.gOff);
          ctx.stroke();
        }
      }
      // End markers where it leaves and enters.
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(xa, y1, width + 1.5, 0, TAU);
      ctx.moveTo(xb + width + 1.5, y2);
      ctx.arc(xb, y2, width + 1.5, 0, TAU);
      ctx.fill();
    } else if (sel.kind === "b") {
      const L = sel.l + 1;
      const id = T.neuronOffset[L] + sel.j;
      const grouped = T.drawnN[id] === 0;
      const r = T.bsz[L] / 2 + 3;
      const x = T.nx[id] + (grouped ? T.mbdx[L] : T.bdx[L]);
      const y = T.ny[id] + (grouped ? T.mbdy[L] : T.bdy[L]);
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      roundRectPath(ctx, x - r, y - r, 2 * r, 2 * r, 2, 0);
      ctx.stroke();
      if (grouped) this.markerOutline(L, sel.j, color, width, tagged);
    } else {
      const L = sel.L;
      const id = T.neuronOffset[L] + sel.j;
      if (T.drawnN[id] === 0) {
        this.markerOutline(L, sel.j, color, width, tagged);
        return;
      }
      const x = T.nx[id];
      const y = T.ny[id];
      const g = T.rgap[L] + T.rg[L] + 3;
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      if (T.sm[L] === 1) ctx.arc(x, y, T.hf[L] + g, 0, TAU);
      else roundRectPath(ctx, x - T.hf[L], y - T.hf[L], T.sz[L], T.sz[L], T.rad[L], g);
      ctx.stroke();
    }
  }

  /**
   * Outlines layer L's group marker and, if `tagged` (the selection), writes member j's index
   * in it instead of the count ("#23", the 0-based index the rest of the UI uses): stepping
   * through a group with the arrow keys steps that number.
   */
  markerOutline(L, j, color, width, tagged) {
    const T = this.topo;
    const ctx = this.ctx;
    const x = T.colX[L];
    const y = T.slotY[T.slotOffset[L] + T.gFirst[L]];
    const mw = T.mkW[L];
    const mh = T.mkH[L];
    const small = T.sm[L] === 1;
    const g = T.rgap[L] + T.rg[L] + 2;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    roundRectPath(ctx, x - mw / 2, y - mh / 2, mw, mh, small ? mh / 2 : T.rad[L], g);
    ctx.stroke();
    if (!tagged) return;
    ctx.fillStyle = color;
    ctx.beginPath();
    if (small) roundRectPath(ctx, x - mw / 2 + 1, y - mh / 2 + 1, mw - 2, mh - 2, mh / 2 - 1, 0);
    else {
      const f = T.fr[L];
      ctx.rect(x - mw / 2 + f, y - mh / 2 + f, mw - 2 * f, mh - 2 * f);
    }
    ctx.fill();
    ctx.fillStyle = "#ffffff";
    ctx.font = T.mkFont;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(T.tags[j], x, y + 1);
  }

  // ---- geometry queries ---------------------------------------------------------------------

  /**
   * The parameter or neuron at (x, y) in CSS px: `{ kind: "b", l, j }` for a bias handle,
   * `{ kind: "n", L, j }` for a neuron, `{ kind: "w", l, j, k }` for the closest edge within a
   * few px, or null. Only what is drawn is hit: a group marker gives its first member
   * (`{ kind: "n", L, j: first }`), the marker's bias handle that member's bias, and a band the
   * weight between its ends' first members (see `drawnAs`).
   */
  hitTest(x, y) {
    const T = this.topo;
    if (!T) return null;
    const { depth, slotY, slotNeuron } = T;
    let best = null;
    let bestD = Infinity;
    // Bias handles and neurons: the nearest centre within its tolerance wins, so a bias
    // handle (on a card's corner) wins on and around itself and the card everywhere else.
    for (let L = 1; L <= depth; L++) {
      const bTol = T.bsz[L] / 2 + (T.sm[L] === 1 ? 1 : 3);
      const so = T.slotOffset[L];
      for (let s = 0; s < T.nSlots[L]; s++) {
        const j = slotNeuron[so + s];
        const bx = T.colX[L] + (j < 0 ? T.mbdx[L] : T.bdx[L]);
        const by = slotY[so + s] + (j < 0 ? T.mbdy[L] : T.bdy[L]);
        const d = Math.max(Math.abs(x - bx), Math.abs(y - by));
        if (d <= bTol && d < bestD) {
          bestD = d;
          best = { kind: "b", l: L - 1, j: j < 0 ? T.gFirst[L] : j };
        }
      }
    }
    for (let L = 0; L <= depth; L++) {
      // Dots get a target of at least 16 px where their column has the room.
      const nTol = T.sm[L] === 1 ? Math.max(T.hf[L] + 1, Math.min(8, T.pitchL[L] / 2 - 1, T.colGap * 0.3)) : T.hf[L] + 2;
      const so = T.slotOffset[L];
      const dx = Math.abs(x - T.colX[L]);
      for (let s = 0; s < T.nSlots[L]; s++) {
        const j = slotNeuron[so + s];
        const dy = Math.abs(y - slotY[so + s]);
        let d;
        if (j >= 0) {
          d = Math.max(dx, dy);
          if (d > nTol) continue;
        } else {
          if (dx > T.mkW[L] / 2 + 2 || dy > T.mkH[L] / 2 + 2) continue;
          d = Math.max(0, dx - (T.mkW[L] - T.mkH[L]) / 2, dy);
        }
        if (d < bestD) {
          bestD = d;
          best = { kind: "n", L, j: j < 0 ? T.gFirst[L] : j };
        }
      }
    }
    if (best) return best;
    // Edges: in the weight layer whose span holds x, every edge has the same t at this x.
    const tol = Math.max(4, T.wMax / 2 + 2.5);
    const both = this.chromeKey === "both";
    for (let l = 0; l < depth; l++) {
      const xa = T.ex0[l];
      const xb = T.ex1[l];
      if (x < xa - 2 || x > xb + 2) continue;
      const t = curveT(clamp01((x - xa) / (xb - xa)));
      const sy = curveY(t);
      const slopeK = curveDY(t) / ((xb - xa) * curveDX(t));
      const Sf = T.nSlots[l];
      const fromS = T.slotOffset[l];
      const toS = T.slotOffset[l + 1];
      const d0 = T.dOffset[l];
      for (let ts = 0; ts < T.nSlots[l + 1]; ts++) {
        const y2 = slotY[toS + ts];
        for (let fs = 0; fs < Sf; fs++) {
          const y1 = slotY[fromS + fs];
          const dy = y2 - y1;
          const slope = dy * slopeK;
          let d = Math.abs(y - (y1 + dy * sy));
          // In the "both" view the derivative's line beside the edge counts too.
          if (both) d = Math.min(d, Math.abs(y - (y1 + dy * sy + T.gOff)));
          d /= Math.sqrt(1 + slope * slope);
          const band = T.dCount[d0 + ts * Sf + fs] > 1;
          if (d <= (band ? tol + 3 : tol) && d < bestD) {
            bestD = d;
            const j = slotNeuron[toS + ts];
            const k = slotNeuron[fromS + fs];
            best = { kind: "w", l, j: j < 0 ? T.gFirst[l + 1] : j, k: k < 0 ? T.gFirst[l] : k };
          }
        }
      }
    }
    return best;
  }

  /**
   * Where to put an editor for a selection, in CSS px: `{ x, y, r }`, r being the target's
   * half-size. For an edge: the point along it farthest from every other drawn edge (so
   * hitTest there returns that edge); for a bias: its handle; for a neuron: its centre. A
   * grouped neuron gives its group marker's centre, a grouped bias the marker's bias handle,
   * and a weight drawn in a band that point on the band (where the band's outline is drawn;
   * hitTest there gives `drawnAs(sel)`). Null if the selection is not in this network.
   */
  anchor(sel) {
    const T = this.topo;
    if (!validSelection(T, sel)) return null;
    if (sel.kind === "n") {
      const id = T.neuronOffset[sel.L] + sel.j;
      if (T.drawnN[id] === 0) return { x: T.nx[id], y: T.ny[id], r: T.mkH[sel.L] / 2 };
      return { x: T.nx[id], y: T.ny[id], r: T.hf[sel.L] };
    }
    if (sel.kind === "b") {
      const L = sel.l + 1;
      const id = T.neuronOffset[L] + sel.j;
      if (T.drawnN[id] === 0) return { x: T.nx[id] + T.mbdx[L], y: T.ny[id] + T.mbdy[L], r: T.bsz[L] / 2 };
      return { x: T.nx[id] + T.bdx[L], y: T.ny[id] + T.bdy[L], r: T.bsz[L] / 2 };
    }
    const { l, j, k } = sel;
    const xa = T.ex0[l];
    const xb = T.ex1[l];
    const Sf = T.nSlots[l];
    const St = T.nSlots[l + 1];
    const fromS = T.slotOffset[l];
    const toS = T.slotOffset[l + 1];
    const ts0 = T.slotOf[T.neuronOffset[l + 1] + j];
    const fs0 = T.slotOf[T.neuronOffset[l] + k];
    const y1 = T.slotY[fromS + fs0];
    const y2 = T.slotY[toS + ts0];
    // A fine search: where many edges cross, the clear stretches are short.
    const steps = T.dOffset[l + 1] - T.dOffset[l] > 40 ? 160 : 40;
    const scores = [];
    for (let step = 0; step <= steps; step++) {
      const u = 0.15 + (0.7 * step) / steps;
      const t = curveT(u);
      const sy = curveY(t);
      const slopeK = curveDY(t) / ((xb - xa) * curveDX(t));
      const y = y1 + (y2 - y1) * sy;
      let minD = Infinity;
      for (let ts = 0; ts < St; ts++) {
        const yy2 = T.slotY[toS + ts];
        for (let fs = 0; fs < Sf; fs++) {
          if (ts === ts0 && fs === fs0) continue;
          const yy1 = T.slotY[fromS + fs];
          const slope = (yy2 - yy1) * slopeK;
          const d = Math.abs(y - (yy1 + (yy2 - yy1) * sy)) / Math.sqrt(1 + slope * slope);
          if (d < minD) minD = d;
        }
      }
      // Prefer clear space, then the middle of the edge.
      scores.push({ u, x: xa + (xb - xa) * u, y, score: Math.min(minD, 12) * (1 - 0.4 * Math.abs(u - 0.5)) });
    }
    scores.sort((p, q) => q.score - p.score);
    const band = T.dCount[T.dOffset[l] + ts0 * Sf + fs0] > 1;
    const r = band ? Math.max(T.wMax / 2, BAND_MIN) : T.wMax / 2;
    // Pointer events come in whole CSS px: the clearest point that still hits this edge there.
    const want = this.drawnAs(sel);
    for (let i = 0; i < Math.min(12, scores.length); i++) {
      const x = Math.round(scores[i].x);
      const y = Math.round(scores[i].y);
      if (sameSelection(this.hitTest(x, y), want)) return { x, y, r };
    }
    return { x: scores[0].x, y: scores[0].y, r };
  }

  /**
   * The selection that stands for `sel` where it is drawn, which hitTest returns on that
   * item: `sel` itself (a copy) when it is drawn on its own; for a grouped neuron or bias, the
   * group's first member's; for a weight in a band, the weight between the band's ends' first
   * members. Null if `sel` is not in this network.
   */
  drawnAs(sel) {
    const T = this.topo;
    if (!validSelection(T, sel)) return null;
    const member = (L, j) => (T.drawnN[T.neuronOffset[L] + j] === 1 ? j : T.gFirst[L]);
    if (sel.kind === "n") return { kind: "n", L: sel.L, j: member(sel.L, sel.j) };
    if (sel.kind === "b") return { kind: "b", l: sel.l, j: member(sel.l + 1, sel.j) };
    return { kind: "w", l: sel.l, j: member(sel.l + 1, sel.j), k: member(sel.l, sel.k) };
  }

  /** Whether `sel` is drawn on its own (not inside a group marker or a band). */
  isDrawn(sel) {
    const T = this.topo;
    if (!validSelection(T, sel)) return false;
    const drawn = (L, j) => T.drawnN[T.neuronOffset[L] + j] === 1;
    if (sel.kind === "n") return drawn(sel.L, sel.j);
    if (sel.kind === "b") return drawn(sel.l + 1, sel.j);
    return drawn(sel.l + 1, sel.j) && drawn(sel.l, sel.k);
  }

  /**
   * Text for a selection that is drawn inside a group, for a status line, an aria live region or
   * a tooltip; null if it is drawn on its own (or not in this network). With `item`, it
   * describes the drawn item (the marker or the band, with this frame's means) rather than the
   * one parameter.
   */
  describe(sel, item = false) {
    const T = this.topo;
    if (!validSelection(T, sel) || this.isDrawn(sel)) return null;
    const depth = T.depth;
    const group = (L) => `${L === 0 ? "inputs" : "neurons"} ${T.gFirst[L]} to ${T.gFirst[L] + T.gCount[L] - 1} of ${layerName(L, depth)}`;
    const neuron = (L, j) => (L === 0 ? `input ${T.labels[j]}` : `neuron ${j} of ${layerName(L, depth)}`);
    const end = (L, j) => (T.drawnN[T.neuronOffset[L] + j] === 1 ? neuron(L, j) : `the group of ${group(L)}`);
    const num = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1)) : String(v)).replace("-", "−");
    if (sel.kind === "n") {
      const L = sel.L;
      const count = T.gCount[L];
      if (item) {
        return `${group(L)}, grouped ("+${count}"): the marker shows their mean activation${L > 0 ? ", mean bias and mean ∂L/∂b" : ""}. Select it to choose ${neuron(L, T.gFirst[L])}; the arrow keys step through the group's neurons one by one.`;
      }
      return `${neuron(L, sel.j)}, drawn in the group of ${group(L)} ("+${count}")`;
    }
    if (sel.kind === "b") {
      const L = sel.l + 1;
      if (item) return `biases of ${group(L)}, grouped: the handle shows their mean.`;
      return `bias of ${neuron(L, sel.j)}, drawn as the bias handle of the group of ${group(L)} (their mean)`;
    }
    const { l, j, k } = sel;
    const d = this.drawnEdge(l, j, k);
    const count = T.dCount[d];
    const from = end(l, k);
    const to = end(l + 1, j);
    if (item) {
      return `band of ${count} weights from ${from} to ${to}: mean W ${num(T.wMean[d])}, mean |W| ${num(T.wAbs[d])}; mean ∂L/∂W ${num(T.gMean[d])}, mean |∂L/∂W| ${num(T.gAbs[d])}`;
    }
    return `weight from ${neuron(l, k)} to ${neuron(l + 1, j)}, drawn in the band from ${from} to ${to} (${count} weights: width their mean |W|, colour their mean W)`;
  }

  /** On a click: the current selection if the hit is the item that draws it, else the hit. */
  keepSelection(hit) {
    const cur = this.lastSelection;
    if (!hit || !cur || this.isDrawn(cur)) return hit;
    return sameSelection(this.drawnAs(cur), hit) ? { ...cur } : hit;
  }

  /**
   * The selection after moving from `sel` in a direction: "left" | "right" | "up" | "down" (or
   * the key names "ArrowLeft" ...). Within weight layer l, up/down step through the
   * parameters target neuron by target neuron j (wrapping at the ends): W[l][j][k] for each
   * drawn input k, in order, then b[l][j]. Grouped target neurons are stepped through one by
   * one like the others (their marker shows which, "#23"), while a group of inputs is one step,
   * its band (selecting the weight from the group's first member, or keeping the member the
   * selection is on); so every grouped neuron, its bias and its weights from drawn inputs are
   * reached. left/right move to the neighbouring weight layer at the nearest index. Neurons move
   * one by one within (up/down, through groups too) and across (left/right) neuron layers. From
   * null (or a selection not in this network), any direction gives W[0][0][0].
   */
  next(sel, direction) {
    const T = this.topo;
    if (!T) return null;
    const dir = String(direction).replace(/^Arrow/, "").toLowerCase();
    const { layers, depth } = T;
    if (!validSelection(T, sel)) return { kind: "w", l: 0, j: 0, k: 0 };
    if (sel.kind === "n") {
      let { L, j } = sel;
      if (dir === "left") L = Math.max(0, L - 1);
      else if (dir === "right") L = Math.min(depth, L + 1);
      else if (dir === "up") j -= 1;
      else if (dir === "down") j += 1;
      return { kind: "n", L, j: Math.max(0, Math.min(layers[L] - 1, j)) };
    }
    let l = sel.l;
    let j = sel.j;
    if (dir === "up" || dir === "down") {
      // Steps per target neuron: one per drawn input (a group of inputs is one), then its bias.
      const Sf = T.nSlots[l];
      const per = Sf + 1;
      const f = sel.kind === "b" ? Sf : T.slotOf[T.neuronOffset[l] + sel.k];
      const n = layers[l + 1] * per;
      const idx = (j * per + f + (dir === "down" ? 1 : -1) + n) % n;
      const j2 = Math.floor(idx / per);
      const f2 = idx - j2 * per;
      if (f2 === Sf) return { kind: "b", l, j: j2 };
      let k2 = T.slotNeuron[T.slotOffset[l] + f2];
      if (k2 < 0) k2 = sel.kind === "w" && f2 === f ? sel.k : T.gFirst[l];
      return { kind: "w", l, j: j2, k: k2 };
    }
    let k = sel.kind === "b" ? layers[l] : sel.k; // the bias is slot nIn of neuron j
    if (dir === "left" || dir === "right") {
      const nl = dir === "left" ? l - 1 : l + 1;
      if (nl < 0 || nl >= depth) return { ...sel };
      const wasBias = k === layers[l];
      l = nl;
      j = Math.min(j, layers[l + 1] - 1);
      k = wasBias ? layers[l] : Math.min(k, layers[l] - 1);
    }
    return k === layers[l] ? { kind: "b", l, j } : { kind: "w", l, j, k };
  }
}

function validSelection(T, sel) {
  if (!T || !sel) return false;
  if (sel.kind === "w") {
    return sel.l >= 0 && sel.l < T.depth && sel.j >= 0 && sel.j < T.layers[sel.l + 1] && sel.k >= 0 && sel.k < T.layers[sel.l];
  }
  if (sel.kind === "b") return sel.l >= 0 && sel.l < T.depth && sel.j >= 0 && sel.j < T.layers[sel.l + 1];
  if (sel.kind === "n") return sel.L >= 0 && sel.L <= T.depth && sel.j >= 0 && sel.j < T.layers[sel.L];
  return false;
}

function sameSelection(a, b) {
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === "w") return a.l === b.l && a.j === b.j && a.k === b.k;
  if (a.kind === "b") return a.l === b.l && a.j === b.j;
  return a.L === b.L && a.j === b.j;
}

/**
 * A note's wording (see drawNotes), wrapped into lines of at most `width` px in the context's
 * current font. `v` names the edges' value ("W" or "∂L/∂W").
 */
function noteLines(ctx, note, v, width) {
  // The long wording where it fits on one line, else a short one, wrapped.
  const texts =
    note === "groups"
      ? [
          `neurons grouped to fit. A band stands for a group's edges: width = their mean |${v}|, colour = their mean ${v}`,
          `neurons grouped to fit. Band: a group's edges, width mean |${v}|, colour mean ${v}`,
        ]
      : [
          "outputs (softmax): each class's probability, from grey (0) to the class's colour (1), as in the output view",
          "outputs: each class's probability, grey (0) to its colour (1)",
        ];
  const text = ctx.measureText(texts[0]).width <= width ? texts[0] : texts[1];
  const lines = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines;
}

/** `text`, cut with an ellipsis to at most `max` px in the context's current font. */
function ellipsize(ctx, text, max) {
  if (ctx.measureText(text).width <= max) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(`${s}…`).width > max) s = s.slice(0, -1);
  return `${s}…`;
}

/**
 * Keeps a canvas holding the engine's thumbnail atlas (views.thumbPixels), for frame.thumbs.
 * The ImageData wraps the wasm memory view itself, so update() copies nothing in JS and
 * allocates only when the view is rebuilt (memory growth, setGrid).
 *
 *   const atlas = new ThumbAtlas();
 *   net.renderGrid(); views.refresh();
 *   frame.thumbs = atlas.update(views, thumb);
 */
export class ThumbAtlas {
  constructor() {
    this.canvas = null;
    this.ctx = null;
    this.image = null;
    this.source = null;
  }

  /** Puts the atlas into the canvas and returns the canvas (null before setGrid). */
  update(views, thumb) {
    const px = views.thumbPixels;
    if (!px || px.length === 0) return null;
    if (this.source !== px) {
      const rows = px.length / 4 / thumb;
      this.canvas ??= typeof OffscreenCanvas === "function" ? new OffscreenCanvas(thumb, rows) : document.createElement("canvas");
      this.canvas.width = thumb;
      this.canvas.height = rows;
      this.ctx = this.canvas.getContext("2d");
      this.image = new ImageData(px, thumb, rows);
      this.source = px;
    }
    this.ctx.putImageData(this.image, 0, 0);
    return this.canvas;
  }
}
