// The network diagram: neurons as columns, edges as weights, and every partial derivative.
//
// One Canvas 2D renderer (docs/FRONTEND.md, "Diagram contract"). Each neuron is a card whose
// frame is coloured by its activation A for the current example, with its thumbnail (its output
// over the input plane) inside; each bias is a small square on the card's lower-left corner;
// each edge is an S-curve whose width and hue show W, or, in the gradients view, dL/dW on a log
// scale. dL/db (= dL/dZ) is a ring around each neuron. The "both" view draws dL/dW as a thin
// line running just below each weight's edge.
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
// a soft gold halo, everything else dims) are drawn on top.
//
// Speed: draw() makes no arrays, objects or strings once warm. Colours are looked up by
// quantised bucket in palette.js's cached tables, and each weight layer's edges are
// counting-sorted by bucket into preallocated arrays, so a layer is a handful of stroked paths.
// V8 boxes (allocates) a double passed to or returned from a call it does not inline, and
// Chromium does so for fractional arguments to drawImage, fillText and roundRect: so cards,
// thumbnails and text sit on whole CSS px, helpers take whole numbers or read per-frame doubles
// from fields, and rounded rectangles are built from arcs. Static text and legends are drawn
// once into a cached canvas.

import {
  BUCKETS,
  BUCKET_WIDTHS,
  FONT_FAMILY,
  GRADIENT_BUCKET_COLORS,
  INK,
  LEVELS,
  MUTED,
  NEUTRAL,
  SELECT,
  STEPS,
  VALUE_COLORS,
  WEIGHT_BUCKET_COLORS,
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

// Largest magnitude of each feature over the default plane [-6, 6]^2: input neurons are
// coloured as the engine colours their thumbnails (scaled by their largest magnitude).

/** Below this card size (CSS px) neurons are drawn as filled circles without thumbnails. */
export const THUMB_MIN_SIZE = 16;

const TAU = 6.283185307179586;
const DIM = 0.16; // alpha of what the current pass has not reached yet
const TITLE_H = 34; // the header with layer titles
const FLOW_SPEED = 46; // particle speed, CSS px per second
const FLOW_SPACING = 40; // CSS px between particles on an edge
const FLOW_TAIL = 5; // CSS px, a particle's length
const WEIGHT = 1;
const GRADIENT = 2;
const STRUCTURE = 3; // edges drawn without a value (before the backward pass reaches them)
const HL_ALL = 0;
const HL_OFF = 1; // only edges not highlighted
const HL_ON = 2; // only highlighted edges

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

function layerTitle(L, depth, narrow) {
  if (L === 0) return narrow ? "In" : "Input";
  if (L === depth) return narrow ? "Out" : "Output";
  return narrow ? `H${L}` : `Hidden ${L}`;
}

const clamp01 = (v) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Renders a network and answers which parameter is under a point.
 *
 *   const diagram = new Diagram(canvas, { onSelect, onEdit });
 *   diagram.setNetwork({ layers, featureLabels, hidden, output, thumb });
 *   diagram.resize(cssWidth, cssHeight);
 *   diagram.draw({ views, thumbs, view, anim, selection, highlight, reducedMotion });
 */
export class Diagram {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{ onSelect?: (sel: object|null) => void, onEdit?: (sel: object) => void,
   *           legends?: boolean }} [options]
   *   onSelect fires on click (with null on empty space), onEdit on double-click of a weight or
   *   bias. legends: false leaves out the legend strip (small embeds).
   */
  constructor(canvas, { onSelect = null, onEdit = null, legends = true } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.onSelect = onSelect;
    this.onEdit = onEdit;
    this.legends = legends;
    this.cssW = canvas.clientWidth || canvas.width || 600;
    this.cssH = canvas.clientHeight || canvas.height || 400;
    this.dpr = 1;
    this.topo = null;
    this.hover = null;
    this.chrome = null;
    this.chromeKey = "";
    this.legendH = 0;
    this.lastHighlight = undefined;
    this.hasHighlight = false;
    this.prevValid = false;
    this.captured = false;
    this.inUpdate = false;
    this.thumbs = null;
    this.bandFwd = null;
    this.bandBack = null;
    // Per-frame numbers reach the drawing helpers through fields (allocated once, as doubles),
    // not arguments: a double argument to a call V8 does not inline is boxed, i.e. allocated.
    this.fPos = 0.5; // anim.position
    this.fTime = 0.5; // anim.time
    this.fAlpha = 0.5; // alpha of the next strokeLayer / particles call
    this.fOff = 0.5; // vertical offset of the next strokeLayer / particles call
    this.fWidth = 0.5; // width scale of the next strokeLayer call
    // What T.order holds (see sortLayer); reset every frame, as the values change.
    this.sortedL = -1;
    this.sortedValues = null;
    this.sortedMode = -1;

    this.handleClick = (e) => this.onSelect?.(this.hitTest(e.offsetX, e.offsetY));
    this.handleDblClick = (e) => {
      const hit = this.hitTest(e.offsetX, e.offsetY);
      if (hit && hit.kind !== "n") this.onEdit?.(hit);
    };
    this.handleMove = (e) => {
      const hit = this.hitTest(e.offsetX, e.offsetY);
      this.hover = hit;
      canvas.style.cursor = hit ? "pointer" : "";
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

  /** Removes the canvas listeners. */
  destroy() {
    const c = this.canvas;
    c.removeEventListener("click", this.handleClick);
    c.removeEventListener("dblclick", this.handleDblClick);
    c.removeEventListener("pointermove", this.handleMove);
    c.removeEventListener("pointerleave", this.handleLeave);
  }

  /**
   * Sets the network's shape; call after any rebuild. Allocates every per-frame buffer.
   * @param {{ layers: number[], featureLabels?: string[]|null, hidden?: string, output?: string,
   *           thumb?: number, inputScales?: number[] }} network
   *   featureLabels: display labels ("x1²") or engine feature ids ("x1Squared"); absent: x1, x2, ...
   *   inputScales: the magnitude at which each input neuron's frame is fully coloured: the
   *   engine's scale for that input's thumbnail (`views.inputScales`); default 1.
   */
  setNetwork({ layers, featureLabels = null, hidden = "tanh", output = "sigmoid", thumb = 32, inputScales = null }) {
    const L = Array.from(layers, Number);
    const depth = L.length - 1;
    if (depth < 1) throw new Error(`layers: need an input and an output layer, got [${L}]`);
    const neuronOffset = new Int32Array(depth + 2);
    for (let i = 0; i <= depth; i++) neuronOffset[i + 1] = neuronOffset[i] + L[i];
    const weightOffset = new Int32Array(depth + 1);
    const biasOffset = new Int32Array(depth + 1);
    let maxEdges = 0;
    for (let l = 0; l < depth; l++) {
      weightOffset[l + 1] = weightOffset[l] + L[l] * L[l + 1];
      biasOffset[l + 1] = biasOffset[l] + L[l + 1];
      maxEdges = Math.max(maxEdges, L[l] * L[l + 1]);
    }
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
    // Display range of each neuron layer, as the engine colours its thumbnails: hidden sigmoid
    // [0, 1], other hidden [-1, 1]; the output centred on its class threshold, so [-1, 1] for
    // tanh and [0, 1] otherwise.
    const lo = new Float64Array(depth + 1);
    const span = new Float64Array(depth + 1);
    for (let i = 0; i <= depth; i++) {
      const unit = i === depth ? output !== "tanh" : i > 0 && hidden === "sigmoid";
      lo[i] = unit ? 0 : -1;
      span[i] = unit ? 1 : 2;
    }
    this.topo = {
      layers: L,
      depth,
      hidden,
      output,
      thumb,
      labels,
      scales,
      lo,
      span,
      neuronOffset,
      weightOffset,
      biasOffset,
      nN,
      nW,
      nB,
      nx: new Float64Array(nN),
      ny: new Float64Array(nN),
      colX: new Float64Array(depth + 1),
      // Per neuron layer: card size, half size, circles (1) or cards (0), bias handle size and
      // offset, activation frame width, dL/db ring width and gap, corner radius, row pitch.
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
      // Per weight layer: where its edges start and end.
      ex0: new Float64Array(depth),
      ex1: new Float64Array(depth),
      density: new Float64Array(depth),
      hlEdge: new Uint8Array(nW),
      hlNeuron: new Uint8Array(nN),
      prevW: new Float64Array(nW),
      prevB: new Float64Array(nB),
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

  /** Places columns, neurons and edges for the current size and network (whole CSS px). */
  layout() {
    const T = this.topo;
    this.chromeKey = "";
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
    this.legendH = this.legends && H - rows * rowH >= 150 ? rows * rowH + 8 : 0;
    const top = TITLE_H + 6;
    const bottom = H - this.legendH - 10;
    const avail = Math.max(20, bottom - top);
    const span0 = Math.max(40, W - 110);
    // Card sizes: bounded by the canvas, the gap between columns and each column's height.
    // One size for every layer when that size still has room for thumbnails; otherwise
    // (say 64-neuron layers) each layer gets its own size, so small layers keep cards while
    // big ones become dots.
    const sCap = Math.min(Math.max(26, Math.min(W, H) / 10), 64, (span0 / depth) * 0.34);
    let uniform = sCap;
    for (let i = 0; i <= depth; i++) uniform = Math.min(uniform, (avail / layers[i]) * 0.74);
    for (let i = 0; i <= depth; i++) {
      let s;
      let small = 0;
      if (uniform >= THUMB_MIN_SIZE) {
        s = Math.floor(uniform / 2) * 2;
      } else {
        const c = Math.min(sCap, (avail / layers[i]) * 0.74, 44);
        if (c >= THUMB_MIN_SIZE) s = Math.floor(c / 2) * 2;
        else {
          s = Math.max(3, Math.min(14, Math.floor((avail / layers[i]) * 0.8)));
          small = 1;
        }
      }
      T.sz[i] = s;
      T.hf[i] = s / 2;
      T.sm[i] = small;
      T.pitchL[i] = small ? avail / layers[i] : Math.min(avail / layers[i], s * 1.75);
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
    const padR = 46; // room for the output values
    const x0 = padL + T.hf[0] + 4;
    const x1 = W - padR - T.hf[depth] - 4;
    for (let i = 0; i <= depth; i++) T.colX[i] = Math.round(x0 + ((x1 - x0) * i) / depth);
    const midY = top + avail / 2;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (let i = 0; i <= depth; i++) {
      const n = layers[i];
      for (let j = 0; j < n; j++) {
        const id = T.neuronOffset[i] + j;
        T.nx[id] = T.colX[i];
        T.ny[id] = Math.round(midY + (j - (n - 1) / 2) * T.pitchL[i]);
        yMin = Math.min(yMin, T.ny[id] - T.hf[i]);
        yMax = Math.max(yMax, T.ny[id] + T.hf[i]);
      }
    }
    for (let l = 0; l < depth; l++) {
      T.ex0[l] = T.colX[l] + T.hf[l] + 1;
      T.ex1[l] = T.colX[l + 1] - T.hf[l + 1] - 1;
    }
    T.yMin = Math.round(yMin);
    T.yMax = Math.round(yMax);
    T.labelFont = labelFont;
    T.colGap = (x1 - x0) / depth;
    T.pitch = pitchMin;
    // Edge widths scale with the space between neurons.
    T.wMax = Math.max(0.9, Math.min(6.5, pitchMin * 0.16));
    T.wMin = Math.max(0.3, Math.min(0.9, T.wMax * 0.16));
    T.gOff = Math.max(1.6, Math.min(4, T.wMax * 0.55)); // the "both" view's gradient line offset
    T.dotR = Math.max(1.3, Math.min(3.4, pitchMin * 0.045));
    // Dense layers draw fainter, so 64 x 64 edges stay readable.
    for (let l = 0; l < depth; l++) {
      const fan = Math.sqrt((layers[l] * layers[l + 1]) / 24);
      T.density[l] = Math.max(0.08, Math.min(1, 1 / fan));
    }
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
    // Layer titles: the name, then "size · activation".
    const narrow = T.colGap < 78;
    g.textAlign = "center";
    g.textBaseline = "alphabetic";
    for (let i = 0; i <= depth; i++) {
      g.fillStyle = INK;
      g.font = `600 12px ${FONT_FAMILY}`;
      g.fillText(layerTitle(i, depth, narrow), colX[i], 14);
      const act = i === 0 ? "" : i === depth ? T.output : T.hidden;
      const sub = i === 0 || narrow ? `${layers[i]}` : `${layers[i]} · ${act}`;
      g.fillStyle = MUTED;
      g.font = `11px ${FONT_FAMILY}`;
      g.fillText(sub, colX[i], 28);
    }
    // Feature labels, left of the input neurons.
    g.font = `${T.labelFont}px ${FONT_FAMILY}`;
    g.fillStyle = INK;
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (let k = 0; k < layers[0]; k++) g.fillText(T.labels[k], colX[0] - T.hf[0] - 8, T.ny[k] + 0.5);
    if (this.legendH > 0) this.drawLegends(g, view);
    this.chromeKey = view;
  }

  /** The legends for a view, in rows of this.legendCols. */
  drawLegends(g, view) {
    const T = this.topo;
    // The ranges setNetwork derived for each layer: inputs scaled to [-1, 1], hidden sigmoid
    // over [0, 1], the output centred on its class threshold, the others over [-1, 1].
    const sigH = T.depth > 1 && T.lo[1] === 0;
    const unitO = T.lo[T.depth] === 0;
    const wide = [T.depth > 1 && !sigH ? "hidden" : "", unitO ? "" : "output"].filter(Boolean);
    const narrow = [sigH ? "hidden (σ)" : "", unitO ? `output (${T.output === "sigmoid" ? "σ" : T.output})` : ""].filter(Boolean);
    const ranges = [{ lo: -1, hi: 1, note: narrow.length ? ["input", ...wide].join(", ") : "" }];
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
    if (!T) return;
    const views = frame.views;
    if (!views || views.weights.length !== T.nW || views.biases.length !== T.nB) return;
    const view = frame.view === "gradients" || frame.view === "both" ? frame.view : "weights";
    if (this.chromeKey !== view) this.buildChrome(view);
    ctx.drawImage(this.chrome, 0, 0);
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
          this.strokeLayer(l, null, STRUCTURE, mode);
          this.fWidth = 1;
        }
        if (wAlpha > 0) {
          this.fAlpha = wAlpha * a;
          this.strokeLayer(l, W, WEIGHT, mode);
        }
        if (flow) {
          // Particles right after the edges they ride, reusing that sort.
          this.fAlpha = mode === HL_OFF ? 0.25 : Math.max(0.5, a);
          this.particles(l, W, WEIGHT, mode);
        }
        if (gAlpha > 0) {
          this.fAlpha = gAlpha * a;
          this.fOff = gThin ? T.gOff : 0;
          this.fWidth = gThin ? 0.55 : 1;
          this.strokeLayer(l, G, GRADIENT, mode);
        }
        if (flow) {
          this.fAlpha = mode === HL_OFF ? 0.25 : Math.max(0.5, a);
          this.fOff = view === "both" ? T.gOff : 0;
          this.particles(l, G, GRADIENT, mode);
        }
      }
    }

    // The glowing front: dots on the edges it is crossing.
    if (!reduced && (phase === "forward" || phase === "backward")) {
      const l = Math.floor(pos);
      if (l >= 0 && l < depth && pos > l) {
        if (phase === "forward") this.frontDots(l, view === "gradients" ? null : W, WEIGHT);
        else this.frontDots(l, G, GRADIENT);
      }
    }

    this.drawNeurons(views.a, B, GB, view, phase, reduced, flow);
    const hov = this.hover;
    if (hov && !sameSelection(hov, frame.selection)) this.outline(hov, "rgba(17,24,39,0.5)", 1.25, view, W, G);
    if (frame.selection) this.outline(frame.selection, SELECT, 2, view, W, G);
    ctx.globalAlpha = 1;
  }

  /**
   * Counting-sorts weight layer l's edges by colour bucket into T.order. Afterwards bucket b
   * (0..BUCKETS-1) holds order[counts[b]] .. order[counts[b + 1] - 1]. Edges the highlight
   * mode leaves out go to bucket -1.
   */
  sortLayer(l, values, kind, mode) {
    const T = this.topo;
    const n = T.layers[l] * T.layers[l + 1];
    const base = T.weightOffset[l];
    const { bucketOf, order, counts, hlEdge } = T;
    counts.fill(0);
    for (let e = 0; e < n; e++) {
      let b;
      if (mode !== HL_ALL && (hlEdge[base + e] === 1) !== (mode === HL_ON)) b = -1;
      else if (kind === WEIGHT) b = weightBucket(values[base + e]);
      else if (kind === GRADIENT) b = gradientBucket(values[base + e]);
      else b = STEPS;
      bucketOf[e] = b;
      counts[b + 2]++;
    }
    for (let b = 1; b <= BUCKETS + 1; b++) counts[b] += counts[b - 1];
    // counts[b + 1] is the start of bucket b; placing advances it to the end of bucket b,
    // which leaves counts[b] as the start of bucket b.
    for (let e = 0; e < n; e++) order[counts[bucketOf[e] + 1]++] = e;
    this.sortedL = l;
    this.sortedValues = values;
    this.sortedMode = mode;
  }

  /** Strokes every edge of weight layer l, one path per colour bucket. */
  strokeLayer(l, values, kind, mode) {
    const alpha = this.fAlpha;
    const offY = this.fOff;
    const widthScale = this.fWidth;
    if (alpha <= 0.003) return;
    const T = this.topo;
    const ctx = this.ctx;
    this.sortLayer(l, values, kind, mode);
    const nIn = T.layers[l];
    const fromBase = T.neuronOffset[l];
    const toBase = T.neuronOffset[l + 1];
    const xa = T.ex0[l];
    const xb = T.ex1[l];
    const xm = (xa + xb) / 2;
    const { order, counts, ny } = T;
    const wMin = T.wMin * widthScale;
    const wSpan = (T.wMax - T.wMin) * widthScale;
    const colors = kind === GRADIENT ? GRADIENT_BUCKET_COLORS : WEIGHT_BUCKET_COLORS;
    ctx.globalAlpha = alpha;
    for (let b = 0; b < BUCKETS; b++) {
      const start = counts[b];
      const end = counts[b + 1];
      if (start === end) continue;
      ctx.strokeStyle = kind === STRUCTURE ? NEUTRAL : colors[b];
      ctx.lineWidth = kind === STRUCTURE ? wMin + wSpan * 0.15 : wMin + wSpan * BUCKET_WIDTHS[b];
      ctx.beginPath();
      for (let i = start; i < end; i++) {
        const e = order[i];
        const j = (e / nIn) | 0;
        const y1 = ny[fromBase + e - j * nIn] + offY;
        const y2 = ny[toBase + j] + offY;
        ctx.moveTo(xa, y1);
        ctx.bezierCurveTo(xm, y1, xm, y2, xb, y2);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** Flow: particles along weight layer l, forward for weights, backward for derivatives. */
  particles(l, values, kind, mode) {
    const alpha = this.fAlpha;
    const offY = this.fOff;
    const time = this.fTime;
    const T = this.topo;
    const ctx = this.ctx;
    // Usually the layer was just sorted by these values, for its edges.
    if (this.sortedL !== l || this.sortedValues !== values || this.sortedMode !== mode) this.sortLayer(l, values, kind, mode);
    const nIn = T.layers[l];
    const fromBase = T.neuronOffset[l];
    const toBase = T.neuronOffset[l + 1];
    const xa = T.ex0[l];
    const xb = T.ex1[l];
    const dx = xb - xa;
    const np = Math.max(1, Math.round(dx / FLOW_SPACING));
    let shift = (time * FLOW_SPEED) / dx;
    if (kind === GRADIENT) shift = -shift;
    shift -= Math.floor(shift);
    const { order, counts, ny } = T;
    const colors = kind === GRADIENT ? GRADIENT_BUCKET_COLORS : WEIGHT_BUCKET_COLORS;
    // Each particle is a short round-capped dash along the curve, its tail behind it.
    const tail = (kind === GRADIENT ? -FLOW_TAIL : FLOW_TAIL) / dx;
    const thin = kind === GRADIENT && offY !== 0 ? 0.7 : 1;
    ctx.globalAlpha = alpha;
    ctx.lineCap = "round";
    for (let b = 0; b < BUCKETS; b++) {
      const start = counts[b];
      const end = counts[b + 1];
      if (start === end || b === STEPS) continue; // nothing flows along a zero
      ctx.strokeStyle = colors[b];
      ctx.lineWidth = (1.8 + (T.wMin + (T.wMax - T.wMin) * BUCKET_WIDTHS[b])) * thin;
      ctx.beginPath();
      for (let i = start; i < end; i++) {
        const e = order[i];
        const j = (e / nIn) | 0;
        const y1 = ny[fromBase + e - j * nIn] + offY;
        const dy = ny[toBase + j] + offY - y1;
        const phase = PHASES[e & 63] / np + shift / np;
        for (let p = 0; p < np; p++) {
          let u = p / np + phase;
          if (u >= 1) u -= 1;
          let v = u - tail;
          v = v < 0 ? 0 : v > 1 ? 1 : v;
          let si = u * 256;
          let ii = si | 0;
          ctx.moveTo(xa + dx * u, y1 + dy * (S_TABLE[ii] + (S_TABLE[ii + 1] - S_TABLE[ii]) * (si - ii)));
          si = v * 256;
          ii = si | 0;
          ctx.lineTo(xa + dx * v, y1 + dy * (S_TABLE[ii] + (S_TABLE[ii + 1] - S_TABLE[ii]) * (si - ii)));
        }
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** The front of a pass: glowing dots at fraction u across every edge of weight layer l. */
  frontDots(l, values, kind) {
    const u = this.fPos - l;
    const T = this.topo;
    const ctx = this.ctx;
    this.sortLayer(l, values, values === null ? STRUCTURE : kind, this.hasHighlight ? HL_ON : HL_ALL);
    const nIn = T.layers[l];
    const fromBase = T.neuronOffset[l];
    const toBase = T.neuronOffset[l + 1];
    const xa = T.ex0[l];
    const xb = T.ex1[l];
    const x = xa + (xb - xa) * u;
    const si = u * 256;
    const ii = si | 0;
    const sy = S_TABLE[ii] + (S_TABLE[ii + 1] - S_TABLE[ii]) * (si - ii);
    const { order, counts, ny } = T;
    const colors = kind === GRADIENT ? GRADIENT_BUCKET_COLORS : WEIGHT_BUCKET_COLORS;
    const dens = Math.max(0.35, T.density[l]);
    for (let pass = 0; pass < 2; pass++) {
      const r = pass === 0 ? T.dotR * 2.4 : T.dotR;
      ctx.globalAlpha = (pass === 0 ? 0.25 : 1) * dens;
      for (let b = 0; b < BUCKETS; b++) {
        const start = counts[b];
        const end = counts[b + 1];
        if (start === end) continue;
        ctx.fillStyle = values === null || b === STEPS ? MUTED : colors[b];
        ctx.beginPath();
        for (let i = start; i < end; i++) {
          const e = order[i];
          const j = (e / nIn) | 0;
          const y1 = ny[fromBase + e - j * nIn];
          const y = y1 + (ny[toBase + j] - y1) * sy;
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
    ctx.strokeStyle = "#f6c343";
    ctx.lineWidth = T.wMax + Math.min(5, T.pitch * 0.3);
    for (let l = 0; l < T.depth; l++) {
      const nIn = T.layers[l];
      const n = nIn * T.layers[l + 1];
      const base = T.weightOffset[l];
      const xa = T.ex0[l];
      const xb = T.ex1[l];
      const xm = (xa + xb) / 2;
      ctx.globalAlpha = 0.32 * Math.max(0.2, T.density[l]);
      ctx.beginPath();
      for (let e = 0; e < n; e++) {
        if (T.hlEdge[base + e] !== 1) continue;
        const j = (e / nIn) | 0;
        const y1 = T.ny[T.neuronOffset[l] + e - j * nIn];
        const y2 = T.ny[T.neuronOffset[l + 1] + j];
        ctx.moveTo(xa, y1);
        ctx.bezierCurveTo(xm, y1, xm, y2, xb, y2);
      }
      ctx.stroke();
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
    // The band is a 64 x 1 gradient image, made once and stretched (whole-pixel arguments).
    if (!this.bandFwd) {
      const mk = (rgb) => {
        const c = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(64, 1) : document.createElement("canvas");
        c.width = 64;
        c.height = 1;
        const g = c.getContext("2d");
        const grad = g.createLinearGradient(0, 0, 64, 0);
        grad.addColorStop(0, `rgba(${rgb},0)`);
        grad.addColorStop(0.5, `rgba(${rgb},0.13)`);
        grad.addColorStop(1, `rgba(${rgb},0)`);
        g.fillStyle = grad;
        g.fillRect(0, 0, 64, 1);
        return c;
      };
      this.bandFwd = mk("8,119,189");
      this.bandBack = mk("118,42,131");
    }
    const top = T.yMin - 12;
    ctx.drawImage(forward ? this.bandFwd : this.bandBack, Math.round(x) - halfW, top, 2 * halfW, T.yMax + 12 - top);
  }

  /**
   * Marks frame.highlight's edges and neurons in preallocated masks. It runs only when the
   * highlight object changes identity, so keep one object per highlight.
   */
  buildHighlight(h) {
    const T = this.topo;
    this.lastHighlight = h;
    T.hlEdge.fill(0);
    T.hlNeuron.fill(0);
    this.hasHighlight = false;
    if (!h) return;
    const edges = h.edges ?? [];
    const neurons = h.neurons ?? [];
    for (let i = 0; i < edges.length; i++) {
      const l = edges[i][0];
      const j = edges[i][1];
      const k = edges[i][2];
      if (l >= 0 && l < T.depth && j >= 0 && j < T.layers[l + 1] && k >= 0 && k < T.layers[l]) {
        T.hlEdge[T.weightOffset[l] + j * T.layers[l] + k] = 1;
      }
    }
    for (let i = 0; i < neurons.length; i++) {
      const L = neurons[i][0];
      const j = neurons[i][1];
      if (L >= 0 && L <= T.depth && j >= 0 && j < T.layers[L]) T.hlNeuron[T.neuronOffset[L] + j] = 1;
    }
    this.hasHighlight = edges.length + neurons.length > 0;
  }

  /** Cards (or dots), dL/db rings, bias handles and the output values. */
  drawNeurons(A, B, GB, view, phase, reduced, flow) {
    const pos = this.fPos;
    const T = this.topo;
    const ctx = this.ctx;
    const { depth, layers, nx, ny } = T;
    const thumbs = this.thumbs;
    const hasA = A.length >= T.nN;
    const hl = this.hasHighlight;
    const upd = pos < 0 ? 0 : pos > 1 ? 1 : pos;
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
      const n = layers[L];
      const nOff = T.neuronOffset[L];
      const bOff = L > 0 ? T.biasOffset[L - 1] : 0;
      for (let j = 0; j < n; j++) {
        const id = nOff + j;
        const x = nx[id];
        const y = ny[id];
        const alpha = (hl && T.hlNeuron[id] !== 1 ? 0.28 : 1) * lit;
        // Activation on the display scale, as a level of the value colours.
        let v = hasA ? A[id] : 0;
        v = L === 0 ? v / T.scales[j] : ((v - lo) / span) * 2 - 1;
        const level = v !== v ? LEVELS : v <= -1 ? 0 : v >= 1 ? 2 * LEVELS : Math.round((v + 1) * LEVELS);
        ctx.globalAlpha = alpha;
        ctx.fillStyle = VALUE_COLORS[level];
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
          const b = gradientBucket(GB[bOff + j]);
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
          ctx.fillStyle = WEIGHT_BUCKET_COLORS[weightBucket(B[bOff + j])];
          ctx.fillRect(bx, by, bs, bs);
        }
        if (biasGrad > 0) {
          ctx.globalAlpha = alpha * biasGrad;
          ctx.fillStyle = GRADIENT_BUCKET_COLORS[gradientBucket(GB[bOff + j])];
          ctx.fillRect(bx, by, bs, bs);
          ctx.globalAlpha = alpha;
        } else if (drain > 0) {
          // Update, weights view: dL/db shrinks into the bias.
          const d = drain * bs;
          ctx.fillStyle = GRADIENT_BUCKET_COLORS[gradientBucket(GB[bOff + j])];
          ctx.fillRect(bx + bs / 2 - d, by + bs / 2 - d, 2 * d, 2 * d);
        }
      }
    }
    // The output's value beside each output neuron.
    if (hasA && T.pitchL[depth] >= 11) {
      const off = T.neuronOffset[depth];
      ctx.font = T.valueFont ?? (T.valueFont = `600 12px ${FONT_FAMILY}`);
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      ctx.fillStyle = INK;
      ctx.globalAlpha = phase === "forward" && pos < depth ? DIM : 1;
      const tx = Math.round(T.colX[depth] + T.hf[depth] + T.rgap[depth] + T.rg[depth] + 5);
      for (let j = 0; j < layers[depth]; j++) ctx.fillText(this.format(A, off + j), tx, ny[off + j]);
    }
    ctx.globalAlpha = 1;
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

  /** Outlines a selection (or the hovered item). */
  outline(sel, color, width, view, W, G) {
    const T = this.topo;
    const ctx = this.ctx;
    if (!validSelection(T, sel)) return;
    ctx.globalAlpha = 1;
    if (sel.kind === "w") {
      const { l, j, k } = sel;
      const xa = T.ex0[l];
      const xb = T.ex1[l];
      const xm = (xa + xb) / 2;
      const y1 = T.ny[T.neuronOffset[l] + k];
      const y2 = T.ny[T.neuronOffset[l + 1] + j];
      const i = T.weightOffset[l] + j * T.layers[l] + k;
      const useG = view === "gradients";
      const b = useG ? gradientBucket(G[i]) : weightBucket(W[i]);
      const lw = T.wMin + (T.wMax - T.wMin) * BUCKET_WIDTHS[b];
      const both = view === "both";
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
      const r = T.bsz[L] / 2 + 3;
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      roundRectPath(ctx, T.nx[id] + T.bdx[L] - r, T.ny[id] + T.bdy[L] - r, 2 * r, 2 * r, 2, 0);
      ctx.stroke();
    } else {
      const L = sel.L;
      const id = T.neuronOffset[L] + sel.j;
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

  // ---- geometry queries ---------------------------------------------------------------------

  /**
   * The parameter or neuron at (x, y) in CSS px: `{ kind: "b", l, j }` for a bias handle,
   * `{ kind: "n", L, j }` for a neuron, `{ kind: "w", l, j, k }` for the closest edge within a
   * few px, or null.
   */
  hitTest(x, y) {
    const T = this.topo;
    if (!T) return null;
    const { depth, layers, nx, ny } = T;
    let best = null;
    let bestD = Infinity;
    // Bias handles and neurons: the nearest centre within its tolerance wins, so a bias
    // handle (on a card's corner) wins on and around itself and the card everywhere else.
    for (let L = 1; L <= depth; L++) {
      const bTol = T.bsz[L] / 2 + (T.sm[L] === 1 ? 1 : 3);
      const cx = T.colX[L] + T.bdx[L];
      if (Math.abs(x - cx) > bTol) continue;
      for (let j = 0; j < layers[L]; j++) {
        const d = Math.max(Math.abs(x - cx), Math.abs(y - (ny[T.neuronOffset[L] + j] + T.bdy[L])));
        if (d <= bTol && d < bestD) {
          bestD = d;
          best = { kind: "b", l: L - 1, j };
        }
      }
    }
    for (let L = 0; L <= depth; L++) {
      const nTol = T.hf[L] + (T.sm[L] === 1 ? 1 : 2);
      if (Math.abs(x - T.colX[L]) > nTol) continue;
      for (let j = 0; j < layers[L]; j++) {
        const id = T.neuronOffset[L] + j;
        const d = Math.max(Math.abs(x - nx[id]), Math.abs(y - ny[id]));
        if (d <= nTol && d < bestD) {
          bestD = d;
          best = { kind: "n", L, j };
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
      for (let j = 0; j < layers[l + 1]; j++) {
        const y2 = ny[T.neuronOffset[l + 1] + j];
        for (let k = 0; k < layers[l]; k++) {
          const y1 = ny[T.neuronOffset[l] + k];
          const dy = y2 - y1;
          const slope = dy * slopeK;
          let d = Math.abs(y - (y1 + dy * sy));
          // In the "both" view the derivative's line beside the edge counts too.
          if (both) d = Math.min(d, Math.abs(y - (y1 + dy * sy + T.gOff)));
          d /= Math.sqrt(1 + slope * slope);
          if (d <= tol && d < bestD) {
            bestD = d;
            best = { kind: "w", l, j, k };
          }
        }
      }
    }
    return best;
  }

  /**
   * Where to put an editor for a selection, in CSS px: `{ x, y, r }`, r being the target's
   * half-size. For an edge: the point along it farthest from every other edge (so hitTest there
   * returns that edge); for a bias: its handle; for a neuron: its centre. Null if the selection
   * is not in this network.
   */
  anchor(sel) {
    const T = this.topo;
    if (!validSelection(T, sel)) return null;
    if (sel.kind === "n") {
      const id = T.neuronOffset[sel.L] + sel.j;
      return { x: T.nx[id], y: T.ny[id], r: T.hf[sel.L] };
    }
    if (sel.kind === "b") {
      const L = sel.l + 1;
      const id = T.neuronOffset[L] + sel.j;
      return { x: T.nx[id] + T.bdx[L], y: T.ny[id] + T.bdy[L], r: T.bsz[L] / 2 };
    }
    const { l, j, k } = sel;
    const xa = T.ex0[l];
    const xb = T.ex1[l];
    const y1 = T.ny[T.neuronOffset[l] + k];
    const y2 = T.ny[T.neuronOffset[l + 1] + j];
    const nIn = T.layers[l];
    const nOut = T.layers[l + 1];
    let bestU = 0.5;
    let bestScore = -Infinity;
    for (let step = 0; step <= 40; step++) {
      const u = 0.15 + (0.7 * step) / 40;
      const t = curveT(u);
      const sy = curveY(t);
      const slopeK = curveDY(t) / ((xb - xa) * curveDX(t));
      const y = y1 + (y2 - y1) * sy;
      let minD = Infinity;
      for (let jj = 0; jj < nOut; jj++) {
        const yy2 = T.ny[T.neuronOffset[l + 1] + jj];
        for (let kk = 0; kk < nIn; kk++) {
          if (jj === j && kk === k) continue;
          const yy1 = T.ny[T.neuronOffset[l] + kk];
          const slope = (yy2 - yy1) * slopeK;
          const d = Math.abs(y - (yy1 + (yy2 - yy1) * sy)) / Math.sqrt(1 + slope * slope);
          if (d < minD) minD = d;
        }
      }
      // Prefer clear space, then the middle of the edge.
      const score = Math.min(minD, 12) * (1 - 0.4 * Math.abs(u - 0.5));
      if (score > bestScore) {
        bestScore = score;
        bestU = u;
      }
    }
    return { x: xa + (xb - xa) * bestU, y: y1 + (y2 - y1) * curveY(curveT(bestU)), r: T.wMax / 2 };
  }

  /**
   * The selection after moving from `sel` in a direction: "left" | "right" | "up" | "down" (or
   * the key names "ArrowLeft" ...). Within weight layer l the parameters are ordered by target
   * neuron j: W[l][j][0], ..., W[l][j][n-1], b[l][j], then neuron j + 1; up/down step through
   * that order (wrapping), left/right move to the neighbouring weight layer at the nearest
   * index. Neurons move within (up/down) and across (left/right) neuron layers. From null (or
   * a selection not in this network), any direction gives W[0][0][0].
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
    let k = sel.kind === "b" ? layers[l] : sel.k; // the bias is slot nIn of neuron j
    if (dir === "up" || dir === "down") {
      const slots = layers[l] + 1;
      const n = layers[l + 1] * slots;
      const i = (j * slots + k + (dir === "down" ? 1 : -1) + n) % n;
      j = Math.floor(i / slots);
      k = i - j * slots;
    } else if (dir === "left" || dir === "right") {
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
