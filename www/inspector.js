// The chain-rule inspector: the seed's derivation (../shared/seed/backprop-derivation.md) for one
// weight, bias or neuron, with the network's real numbers filled in, rendered as MathML. The
// derivation's sigmoid + cross-entropy, and the same chain for a softmax output with
// categorical cross-entropy (the Jacobian written out, and why it collapses to A - y too) and
// for a linear output with squared error (regression).
//
//   const inspector = new Inspector(container, { onHighlight, onSelect, onFreeze });
//   inspector.setLayers(layers, featureLabels);  // the network's shape, after any rebuild
//   inspector.show(selection);                   // { kind: "w", l, j, k } | { kind: "b", l, j } | { kind: "n", L, j } | null
//   if (inspector.wants({ version, live })) {     // cheap; the panel throttles itself while live
//     const ask = inspector.request();            // { selection, frozen }
//     ... computeInspection(engine, net, {...})   // where the network lives (www/inspection.js)
//     inspector.render(model, { version, live }); // one model, written in one update
//   }
//
// The numbers are computed where the network lives (www/inspection.js, in the training
// worker), all from one state of it, and this panel only lays them out: the products and
// sums it shows being formed are the engine's factors, so it can only show what the engine
// did, and a render either patches every number or rebuilds the panel (issue 11).
//
// Layer indices, as docs/FRONTEND.md fixes them: weight layer l (0-based) connects neuron
// layer l to neuron layer l + 1; neuron layer 0 is the inputs. On screen and in links the
// weight layer is 1-based, W^[l+1], which makes every superscript name the neuron layer the
// symbol belongs to: Z^[L] = W^[L] A^[L-1] + b^[L].
//
// The DOM is built with createElement/createElementNS and textContent only (no innerHTML),
// colours are set through the CSSOM (element.style), and the CSS is a constructable
// stylesheet, so the panel works under `style-src 'self'` and inside a shadow root.

import { formatNumber, agreement, relDiff, oneHotClass } from "./inspection.js";

export { formatNumber, parseNumber, agreement, FD_EPSILON, computeInspection } from "./inspection.js";

const MATHML = "http://www.w3.org/1998/Math/MathML";

/** How often (ms) the numbers refresh while training plays: about what a person can read. */
export const LIVE_INTERVAL_MS = 500;
/** How often (ms) the screen-reader summary may change while training plays. */
const ANNOUNCE_INTERVAL_MS = 5000;
/** Most per-example rows the batch table lists (the mean always uses every example). */
const BATCH_ROWS_SHOWN = 12;
/** Most terms of a sum listed one by one. */
const TERMS_SHOWN = 12;


// ---------------------------------------------------------------------------------------
// Links: inspect=w-L-J-K | b-L-J | n-L-J
// ---------------------------------------------------------------------------------------

/**
 * Parses the `inspect` URL value into a selection in the 0-based internal form.
 *
 * - `w-L-J-K`: weight layer L (1-based: 1 feeds the first hidden layer, the last feeds the
 *   output), J the neuron in layer L, K the neuron in the layer before it (both 0-based)
 *   -> `{ kind: "w", l: L - 1, j: J, k: K }`;
 * - `b-L-J`: the bias of neuron J in layer L -> `{ kind: "b", l: L - 1, j: J }`;
 * - `n-L-J`: neuron J of neuron layer L, where 1 is the first hidden layer (the layer
 *   weight layer 1 feeds) and the last is the output; `n-0-J` is input J, whose dL/dA the
 *   panel also derives -> `{ kind: "n", L, j: J }`.
 *
 * With `layers` ([inputs, ...hidden, outputs]) the indices are checked against the network.
 * Returns `{ selection, error }`: `selection` is null for an empty string or an error, and
 * `error` is a message naming what is wrong (it quotes at most 40 characters of the input,
 * so show it with textContent).
 */
export function parseInspect(value, layers) {
  if (value === undefined || value === null || value === "") return { selection: null, error: null };
  const raw = String(value);
  const shown = JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + "…" : raw);
  const fail = (why) => ({ selection: null, error: `inspect: ${shown}: ${why}` });
  const m = /^([wbn])((?:-\d{1,3}){2,3})$/.exec(raw.trim());
  if (!m) return fail("must look like w-L-J-K (a weight), b-L-J (a bias) or n-L-J (a neuron), with whole numbers");
  const kind = m[1];
  const nums = m[2].slice(1).split("-").map(Number);
  const want = kind === "w" ? 3 : 2;
  if (nums.length !== want) {
    return fail(kind === "w" ? "a weight needs three numbers, w-L-J-K" : `a ${kind === "b" ? "bias" : "neuron"} needs two numbers, ${kind}-L-J`);
  }
  const [L, J, K] = nums;
  if (kind !== "n" && L < 1) return fail("the layer L counts from 1 (the first layer of weights)");
  const selection = kind === "w" ? { kind, l: L - 1, j: J, k: K } : kind === "b" ? { kind, l: L - 1, j: J } : { kind, L, j: J };
  if (layers) {
    const error = checkSelection(selection, layers);
    if (error) return fail(error);
  }
  return { selection, error: null };
}

/** The `inspect` URL value of a selection (the inverse of parseInspect); "" for null. */
export function formatInspect(selection) {
  if (!selection) return "";
  const { kind } = selection;
  if (kind === "w") return `w-${selection.l + 1}-${selection.j}-${selection.k}`;
  if (kind === "b") return `b-${selection.l + 1}-${selection.j}`;
  if (kind === "n") return `n-${selection.L}-${selection.j}`;
  throw new Error(`formatInspect: unknown selection kind ${JSON.stringify(kind)}`);
}

/** Null if `selection` names a parameter of a network with these `layers`, else why not. */
export function checkSelection(selection, layers) {
  const depth = layers.length - 1;
  const isIndex = (x) => Number.isInteger(x) && x >= 0;
  const { kind } = selection ?? {};
  if (kind === "w" || kind === "b") {
    const { l, j } = selection;
    if (!isIndex(l) || l >= depth) return `weight layer ${l + 1} does not exist; this network has weight layers 1 to ${depth}`;
    if (!isIndex(j) || j >= layers[l + 1]) return `layer ${l + 1} has neurons 0 to ${layers[l + 1] - 1}, not ${j}`;
    if (kind === "w" && (!isIndex(selection.k) || selection.k >= layers[l])) {
      return `the layer before layer ${l + 1} has neurons 0 to ${layers[l] - 1}, not ${selection.k}`;
    }
    return null;
  }
  if (kind === "n") {
    const { L, j } = selection;
    if (!isIndex(L) || L > depth) return `neuron layer ${L} does not exist; this network has neuron layers 0 (inputs) to ${depth} (output)`;
    if (!isIndex(j) || j >= layers[L]) return `neuron layer ${L} has neurons 0 to ${layers[L] - 1}, not ${j}`;
    return null;
  }
  return `unknown kind ${JSON.stringify(kind)}; use w, b or n`;
}

/**
 * The paths the chain rule sums over for a selection, in the diagram's form
 * `{ edges: [[l, j, k], ...], neurons: [[L, j], ...] }`: every edge and neuron between the
 * selected parameter and the loss (plus the selected weight and its A_prev).
 */
export function chainPaths(selection, layers) {
  const depth = layers.length - 1;
  const edges = [];
  const neurons = [];
  const P = selection.kind === "n" ? selection.L : selection.l + 1;
  const j = selection.j;
  if (selection.kind === "w") {
    edges.push([selection.l, j, selection.k]);
    neurons.push([selection.l, selection.k]);
  }
  neurons.push([P, j]);
  if (P < depth) {
    for (let i = 0; i < layers[P + 1]; i++) edges.push([P, i, j]);
    for (let l = P + 1; l < depth; l++) {
      for (let a = 0; a < layers[l + 1]; a++) for (let b = 0; b < layers[l]; b++) edges.push([l, a, b]);
    }
    for (let L = P + 1; L <= depth; L++) for (let a = 0; a < layers[L]; a++) neurons.push([L, a]);
  }
  return { edges, neurons };
}

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

// Colours as docs/FRONTEND.md gives them: values orange (−) / blue (+), gradients purple (−) /
// green (+) on a log-scaled magnitude, both through light grey.
const MID = [0xe8, 0xea, 0xeb];
const VALUE_NEG = [0xf5, 0x93, 0x22];
const VALUE_POS = [0x08, 0x77, 0xbd];
const GRAD_NEG = [0x76, 0x2a, 0x83];
const GRAD_POS = [0x1b, 0x78, 0x37];
const mix = (a, b, t) => `rgb(${a.map((x, i) => Math.round(x + (b[i] - x) * t)).join(",")})`;

/** The swatch colour of a number: `kind` "value" (orange/blue) or "grad" (purple/green). */
export function swatchColor(x, kind) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "transparent" : mix(MID, kind === "grad" ? (x < 0 ? GRAD_NEG : GRAD_POS) : x < 0 ? VALUE_NEG : VALUE_POS, 1);
  if (x === 0) return mix(MID, MID, 0);
  const a = Math.abs(x);
  if (kind === "grad") {
    // 1e-4 and below faint, 1 and above full, log-scaled in between.
    const t = Math.max(0.12, Math.min(1, (Math.log10(a) + 4) / 4));
    return mix(MID, x < 0 ? GRAD_NEG : GRAD_POS, t);
  }
  return mix(MID, x < 0 ? VALUE_NEG : VALUE_POS, Math.max(0.12, Math.min(1, a)));
}

// ---------------------------------------------------------------------------------------
// DOM and MathML builders (textContent only)
// ---------------------------------------------------------------------------------------

function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, kids);
  return el;
}

// A MathML symbol is often used twice in one formula (A in A(1 - A)); a node can only have
// one parent, so a node that is already placed is appended as a copy.
function append(el, kids) {
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    if (typeof kid === "string") el.append(document.createTextNode(kid));
    else el.append(kid.parentNode && kid.namespaceURI === MATHML ? kid.cloneNode(true) : kid);
  }
  return el;
}

function mm(tag, attrs, ...kids) {
  const el = document.createElementNS(MATHML, tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return append(el, kids);
}

const mi = (t, attrs) => mm("mi", attrs, t);
const mn = (t) => mm("mn", null, String(t));
const mo = (t, attrs) => mm("mo", attrs, t);
const mtext = (t) => mm("mtext", null, t);
const mrow = (...k) => mm("mrow", null, ...k);
const frac = (n, d) => mm("mfrac", null, n, d);
const sub = (b, s) => mm("msub", null, b, s);
const sup = (b, s) => mm("msup", null, b, s);
const subsup = (b, s, p) => mm("msubsup", null, b, s, p);
const under = (b, u) => mm("munder", null, b, u);
const tight = { lspace: "0", rspace: "0", stretchy: "false" };
const idx = (x) => (typeof x === "number" ? mn(x) : mi(x));
const thin = () => mm("mspace", { width: "0.17em" });
const partial = () => mi("∂", { mathvariant: "normal" });
const dot = () => mo("·");
const paren = (...k) => mrow(mo("(", tight), ...k, mo(")", tight));

/** A math element, display-style so fractions are full size, inline in the text. */
function math(label, ...kids) {
  const el = mm("math", { displaystyle: label === "inline" ? "false" : "true" }, ...kids);
  if (label === "inline") return el;
  if (label) el.setAttribute("aria-label", label);
  return el;
}

/** X^[layer]_{i,j}: the seed's symbols with a layer superscript and neuron subscripts. */
function sym(letter, layer, ...indices) {
  const base = mi(letter);
  const subs = indices.length ? mrow(...indices.flatMap((x, n) => (n ? [mo(",", { lspace: "0", rspace: "0.1em" }), idx(x)] : [idx(x)]))) : null;
  if (layer === null || layer === undefined) return subs ? sub(base, subs) : base;
  const layerSup = mrow(mo("[", tight), idx(layer), mo("]", tight));
  return subs ? subsup(base, subs, layerSup) : sup(base, layerSup);
}

/** d(num)/d(den) as a fraction. */
const dd = (num, den) => frac(mrow(partial(), num), mrow(partial(), den));
/** d(num)/d(den) written on one line, for compact rows. */
const ddSlash = (num, den) => mrow(partial(), num, mo("/", { lspace: "0.05em", rspace: "0.05em" }), partial(), den);

// ---------------------------------------------------------------------------------------
// Styles
// ---------------------------------------------------------------------------------------

/** The panel's CSS (all classes start with `insp-`). */
export const inspectorCss = String.raw`
.insp {
  --insp-ink: #1f2328;
  --insp-muted: #5b6670;
  --insp-faint: #8a949c;
  --insp-rule: #e3e6e9;
  --insp-paper: #ffffff;
  --insp-tint: #f6f7f8;
  --insp-accent: #0877bd;
  --insp-good: #1b7837;
  --insp-bad: #a4161a;
  --insp-warn-bg: #fff6e8;
  --insp-warn-rule: #f0c27a;
  container-type: inline-size;
  box-sizing: border-box;
  color: var(--insp-ink);
  background: var(--insp-paper);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  padding: 14px 16px 12px;
  min-width: 0;
}
.insp[hidden], .insp [hidden] { display: none !important; }
.insp *, .insp *::before, .insp *::after { box-sizing: inherit; }
.insp math {
  font-family: "STIX Two Math", "Latin Modern Math", "Cambria Math", "DejaVu Math TeX Gyre", math;
  font-size: 1.08em;
}
.insp-head { display: flex; align-items: flex-start; gap: 8px; }
.insp-title { flex: 1; min-width: 0; margin: 0; font-size: 1em; font-weight: 600; line-height: 1.3; }
.insp-title math { font-size: 1.6em; margin-right: 6px; vertical-align: -0.1em; }
.insp-title-text { display: block; margin-top: 2px; color: var(--insp-muted); font-weight: 400; font-size: 0.93em; }
.insp-tools { display: flex; gap: 6px; flex: none; }
.insp-btn {
  font: inherit; font-size: 0.86em; line-height: 1; color: var(--insp-ink); background: var(--insp-paper);
  border: 1px solid #c9ced3; border-radius: 999px; padding: 6px 11px; cursor: pointer;
}
.insp-btn:hover { background: var(--insp-tint); }
.insp-btn:focus-visible, .insp-link:focus-visible { outline: 2px solid var(--insp-accent); outline-offset: 2px; }
.insp-btn[aria-pressed="true"] { background: #e6f0f8; border-color: var(--insp-accent); color: #05507f; }
.insp-close { padding: 6px 9px; }
.insp-meta { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 10px; margin: 8px 0 4px; color: var(--insp-muted); font-size: 0.86em; }
.insp-example { color: var(--insp-ink); }
.insp-status::before { content: ""; display: inline-block; width: 7px; height: 7px; border-radius: 50%; margin-right: 5px; background: #b8c0c6; vertical-align: 1px; }
.insp-status[data-state="live"]::before { background: var(--insp-good); }
.insp-status[data-state="frozen"]::before { background: var(--insp-accent); }
.insp-body { margin-top: 6px; }
.insp-body > * { max-width: 680px; }
.insp-headline { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; margin: 4px 0 0; padding: 6px 10px; background: var(--insp-tint); border-radius: 6px; }
.insp-headline .insp-num { font-weight: 700; font-size: 1.08em; }
.insp-headline .insp-ok, .insp-headline .insp-no { font-size: 0.86em; margin-left: auto; }
.insp-warn { flex-basis: 100%; font-size: 0.86em; color: #8a4b00; }
.insp-hint { margin: 10px 0; padding: 8px 10px; background: var(--insp-tint); border-radius: 6px; color: var(--insp-muted); }
.insp-error { margin: 10px 0; padding: 8px 10px; border-left: 3px solid var(--insp-bad); background: #fdf0f0; }

.insp-step { margin: 12px 0 0; padding-top: 10px; border-top: 1px solid var(--insp-rule); }
.insp-step-h { display: flex; align-items: baseline; gap: 8px; margin: 0 0 2px; font-size: 0.95em; font-weight: 600; }
.insp-step-n {
  flex: none; display: inline-grid; place-items: center; width: 1.45em; height: 1.45em; border-radius: 50%;
  background: var(--insp-ink); color: #fff; font-size: 0.78em; font-weight: 600;
}
.insp-step-h math { font-size: 1em; }
.insp-cap { margin: 0 0 6px; color: var(--insp-muted); font-size: 0.86em; }
.insp-cap math { font-size: 1em; }
.insp-cap.insp-sub { margin: 10px 0 2px; color: var(--insp-ink); }
.insp-derive { margin: 8px 0 2px; padding: 6px 9px 4px; border-left: 3px solid var(--insp-rule); background: var(--insp-tint); border-radius: 0 6px 6px 0; }
.insp-derive-line { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 6px; margin: 2px 0; }
.insp-derive p { margin: 4px 0 2px; font-size: 0.9em; }
.insp-derive p math { font-size: 1em; }

.insp-eqs {
  display: grid;
  max-width: 640px;
  grid-template-columns: max-content max-content minmax(0, 1fr) max-content max-content;
  column-gap: 6px;
  align-items: center;
}
.insp-row { display: grid; grid-column: 1 / -1; grid-template-columns: subgrid; align-items: center; padding: 3px 0; }
.insp-lhs { justify-self: end; }
.insp-eq { color: var(--insp-muted); }
.insp-rhs { min-width: 0; }
.insp-subst { display: block; margin-top: 1px; color: var(--insp-muted); font-size: 0.84em; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.insp-val { justify-self: end; text-align: right; }
.insp-row.insp-term { padding: 0; font-size: 0.9em; }
.insp-row.insp-wide .insp-rhs { grid-column: 3 / -1; }
.insp-row.insp-wide .insp-eq2 { grid-column: 4; }
.insp-row.insp-wide .insp-val { grid-column: 5; }
.insp-row.insp-term .insp-lhs { color: var(--insp-faint); font-size: 0.86em; }
.insp-row.insp-term math { font-size: 0.98em; }
.insp-more { grid-column: 1 / -1; color: var(--insp-faint); font-size: 0.84em; padding-left: 2em; }
.insp-row.insp-result {
  margin-top: 4px; padding: 7px 0; background: #eef5fb; border-radius: 6px;
  box-shadow: inset 3px 0 0 var(--insp-accent);
}
.insp-row.insp-result .insp-lhs { padding-left: 8px; }
.insp-row.insp-result .insp-val { padding-right: 8px; font-size: 1.12em; font-weight: 700; }

.insp-num { display: inline-flex; align-items: center; gap: 5px; white-space: nowrap; font-variant-numeric: tabular-nums; cursor: help; }
.insp-num.insp-nan { color: var(--insp-bad); font-weight: 600; }
.insp-sw { flex: none; width: 9px; height: 9px; border-radius: 2px; box-shadow: inset 0 0 0 1px rgba(0,0,0,0.18); }
.insp-subst .insp-num { cursor: help; }
.insp-nowrap { white-space: nowrap; }
.insp-why { color: var(--insp-muted); font-size: 0.86em; }

.insp-compare { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0 2px; }
.insp-form { flex: 1 1 230px; min-width: 0; padding: 6px 9px; border: 1px solid var(--insp-rule); border-radius: 6px; background: var(--insp-paper); }
.insp-form-h { display: block; color: var(--insp-muted); font-size: 0.78em; text-transform: uppercase; letter-spacing: 0.04em; }
.insp-form-line { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; margin-top: 2px; }
.insp-form.insp-engine { border-color: #9cc3e0; background: #f3f8fc; }
.insp-form.insp-broken { border-color: var(--insp-warn-rule); background: var(--insp-warn-bg); }
.insp-verdict { margin: 2px 0 0; font-size: 0.86em; color: var(--insp-muted); }
.insp-ok { color: var(--insp-good); font-weight: 600; }
.insp-no { color: var(--insp-bad); font-weight: 600; }
.insp-note { margin: 8px 0 2px; padding: 8px 10px; border: 1px solid var(--insp-warn-rule); border-left-width: 4px; background: var(--insp-warn-bg); border-radius: 6px; font-size: 0.9em; }
.insp-note strong { display: block; margin-bottom: 2px; }
.insp-note p { margin: 4px 0 0; }

.insp-table-wrap { overflow-x: auto; margin: 4px 0 2px; }
.insp-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 0.84em; }
.insp-table th, .insp-table td { padding: 3px 4px; text-align: right; white-space: nowrap; }
.insp-table .insp-num { gap: 4px; }
.insp-table .insp-sw { width: 7px; height: 7px; }
.insp-table th { font-weight: 400; color: var(--insp-muted); border-bottom: 1px solid var(--insp-rule); vertical-align: bottom; }
.insp-table th:first-child, .insp-table td:first-child { text-align: left; padding-left: 0; }
.insp-table tbody tr:nth-child(even) td { background: #fafbfb; }
.insp-table tfoot td { border-top: 1px solid var(--insp-ink); font-weight: 700; }
.insp-table math { font-size: 0.98em; }
.insp-link {
  font: inherit; color: var(--insp-accent); background: none; border: 0; padding: 0 2px; cursor: pointer;
  text-decoration: underline; text-decoration-color: #9cc3e0; text-underline-offset: 2px;
}
.insp-link:hover { text-decoration-color: currentColor; }

.insp-check { margin-top: 10px; padding: 8px 10px 6px; border: 1px dashed #c9ced3; border-radius: 6px; }
.insp-fd { margin: 2px 0; }
.insp-check-h { margin: 0 0 2px; font-size: 0.78em; text-transform: uppercase; letter-spacing: 0.04em; color: var(--insp-muted); }
.insp-check .insp-verdict { margin-top: 4px; font-size: 0.9em; }
.insp-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 12px; padding-top: 8px; border-top: 1px solid var(--insp-rule); color: var(--insp-muted); font-size: 0.8em; }
.insp-legend span { display: inline-flex; align-items: center; gap: 4px; }
.insp-related { display: flex; flex-wrap: wrap; gap: 4px 10px; margin-top: 6px; font-size: 0.86em; color: var(--insp-muted); }
.insp-sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

@container (min-width: 520px) {
  .insp-row.insp-wide .insp-rhs { grid-column: 3; }
}
@container (max-width: 300px) {
  .insp-eqs { grid-template-columns: max-content max-content minmax(0, 1fr); }
  .insp-row .insp-eq2 { grid-column: 2; }
  .insp-row .insp-val { grid-column: 3; justify-self: start; text-align: left; }
  .insp-row.insp-result .insp-val { padding-right: 0; }
  .insp-row.insp-wide .insp-eq2 { grid-column: 2; }
  .insp-row.insp-wide .insp-val { grid-column: 3; }
}
`;

/** The same CSS as a constructable stylesheet, for `shadowRoot.adoptedStyleSheets` (null outside a browser). */
export const inspectorStyles = (() => {
  if (typeof CSSStyleSheet !== "function") return null;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(inspectorCss);
    return sheet;
  } catch {
    return null;
  }
})();

// ---------------------------------------------------------------------------------------
// Descriptions
// ---------------------------------------------------------------------------------------

const FEATURE_MATH = {
  x1: () => sub(mi("x"), mn(1)),
  x2: () => sub(mi("x"), mn(2)),
  x1Squared: () => subsup(mi("x"), mn(1), mn(2)),
  x2Squared: () => subsup(mi("x"), mn(2), mn(2)),
  x1x2: () => mrow(sub(mi("x"), mn(1)), sub(mi("x"), mn(2))),
  sinX1: () => mrow(mi("sin"), paren(sub(mi("x"), mn(1)))),
  sinX2: () => mrow(mi("sin"), paren(sub(mi("x"), mn(2)))),
};
const FEATURE_TEXT = { x1: "x₁", x2: "x₂", x1Squared: "x₁²", x2Squared: "x₂²", x1x2: "x₁x₂", sinX1: "sin(x₁)", sinX2: "sin(x₂)" };
const ACT_NAME = { sigmoid: "sigmoid", tanh: "tanh", relu: "ReLU", leakyRelu: "leaky ReLU", linear: "linear", softmax: "softmax" };

// ---------------------------------------------------------------------------------------
// The panel
// ---------------------------------------------------------------------------------------

/**
 * The chain-rule derivation panel. See the file comment and docs/FRONTEND.md
 * ("Inspector contract").
 */
export class Inspector {
  /**
   * @param {HTMLElement} container where the panel goes (typically inside a shadow root;
   *   the stylesheet is adopted by the container's root node automatically).
   * @param {{ onHighlight?: (paths: {edges, neurons} | null) => void,
   *           onSelect?: (selection | null) => void,
   *           onFreeze?: (frozen: boolean) => void }} callbacks
   *   onFreeze: the Freeze button was toggled; the host keeps (or drops) a copy of the network
   *   to derive numbers on, and the panel asks for numbers again (`wants`).
   */
  constructor(container, { onHighlight, onSelect, onFreeze } = {}) {
    this.container = container;
    this.onHighlight = onHighlight ?? (() => {});
    this.onSelect = onSelect ?? (() => {});
    this.onFreeze = onFreeze ?? (() => {});
    this.layers = null;
    this.featureLabels = null;
    this.selection = null;
    this.frozen = false;
    this.stale = true; // the numbers shown are not for the current selection / example / freeze
    this.pending = false; // numbers have been asked for and have not arrived
    this.shownVersion = -1;
    this.lastRequest = -Infinity;
    this.lastAnnounce = -Infinity;
    /** How many times numbers were written to the panel (tests read this). */
    this.renders = 0;
    this.uid = `insp${Math.random().toString(36).slice(2, 8)}`;

    this.root = h("section", { class: "insp", "aria-labelledby": `${this.uid}-title`, hidden: true });
    this.titleEl = h("h2", { class: "insp-title", id: `${this.uid}-title` });
    this.freezeBtn = h("button", { type: "button", class: "insp-btn", "aria-pressed": "false", title: "Stop the numbers changing while training plays" }, "Freeze");
    this.closeBtn = h("button", { type: "button", class: "insp-btn insp-close", "aria-label": "Close the derivation" }, "✕");
    this.exampleEl = h("span", { class: "insp-example" });
    this.statusEl = h("span", { class: "insp-status", "data-state": "idle" });
    this.body = h("div", { class: "insp-body" });
    this.liveEl = h("div", { class: "insp-sr", "aria-live": "polite", role: "status" });
    append(this.root, [
      h("div", { class: "insp-head" }, this.titleEl, h("div", { class: "insp-tools" }, this.freezeBtn, this.closeBtn)),
      h("div", { class: "insp-meta" }, this.exampleEl, this.statusEl),
      this.body,
      legend(),
      this.liveEl,
    ]);
    this.freezeBtn.addEventListener("click", () => this.setFrozen(!this.frozen));
    this.closeBtn.addEventListener("click", () => {
      this.show(null);
      this.onSelect(null);
    });
    container.append(this.root);
    adoptStyles(container);
  }

  /** The network's shape; call again after any rebuild. Drops a selection it no longer has. */
  setLayers(layers, featureLabels = null) {
    this.layers = Array.from(layers);
    this.featureLabels = featureLabels ? Array.from(featureLabels) : null;
    if (this.frozen) this.setFrozen(false);
    this.stale = true;
    if (this.selection) this.show(this.selection);
  }

  /** Opens the panel on a selection (0-based internal form), or hides it for null. */
  show(selection) {
    if (selection && !this.layers) {
      // No network yet: remember it, and setLayers shows it.
      this.selection = { ...selection };
      return;
    }
    if (!selection || checkSelection(selection, this.layers)) {
      this.selection = null;
      this.root.hidden = true;
      this.onHighlight(null);
      return;
    }
    const moved = !this.selection || formatInspect(this.selection) !== formatInspect(selection);
    this.selection = { ...selection };
    adoptStyles(this.container); // again: the container may not have been in its shadow root at construction
    this.root.hidden = false;
    this.onHighlight(chainPaths(this.selection, this.layers));
    if (moved) {
      // Until its numbers arrive, the new selection's title and a note, never the old numbers.
      const title = h("h2", { class: "insp-title", id: `${this.uid}-title` });
      buildTitle(title, this.selection, { layers: this.layers, featureLabels: this.featureLabels });
      patchOrReplace(this.titleEl, title);
      this.body.replaceChildren(h("p", { class: "insp-hint" }, "Computing…"));
      this.root.dataset.inspect = formatInspect(this.selection);
      this.announceNow = true;
    }
    this.stale = true;
  }

  /** The numbers must be asked for again (the example, the batch or the network changed shape). */
  invalidate() {
    this.stale = true;
  }

  /**
   * Whether the panel wants new numbers now. `version` counts the network's states (it
   * changes whenever a weight does), `live` is true while training plays: then the panel
   * asks at most every LIVE_INTERVAL_MS (a person reads about two updates a second), and
   * never while frozen.
   */
  wants({ version, live, now = performance.now() }) {
    if (!this.selection || this.pending || this.root.hidden) return false;
    if (this.stale) return true;
    if (this.frozen || version === this.shownVersion) return false;
    return !live || now - this.lastRequest >= LIVE_INTERVAL_MS;
  }

  /** What to compute: `{ selection, frozen }`; marks the request as sent. */
  request(now = performance.now()) {
    this.pending = true;
    this.stale = false;
    this.lastRequest = now;
    return { selection: { ...this.selection }, frozen: this.frozen };
  }

  /** The request failed (the figure shows why); ask again next time. */
  failed() {
    this.pending = false;
    this.stale = true;
  }

  /** Freezes or thaws the numbers, like the Freeze button. */
  setFrozen(on) {
    if (!!on === this.frozen) return;
    this.frozen = !!on;
    this.freezeBtn.setAttribute("aria-pressed", String(this.frozen));
    this.stale = true;
    this.onFreeze(this.frozen);
  }

  /** True while frozen. */
  get isFrozen() {
    return this.frozen;
  }

  /**
   * Writes one model (www/inspection.js computeInspection) to the page, in one update: every
   * number the panel shows comes from it, so from one state of the network. `version` is
   * the state it was computed on; `live`, whether training plays.
   */
  render(model, { version = -1, live = false } = {}) {
    this.pending = false;
    if (!model || !this.selection || !sameSelection(model.sel, this.selection)) {
      // Computed for a selection that has moved on since: ask again.
      this.stale = true;
      return;
    }
    this.shownVersion = version;
    this.renders++;
    const m = model;
    const ctx = { layers: this.layers, featureLabels: this.featureLabels };
    if (!m.error && !m.trace) m.summary = `${describeSelectionText(m.sel, m.layers ?? this.layers, m.featureLabels ?? this.featureLabels)}: pick an example to see the numbers`;
    const body = h("div", { class: "insp-body" });
    const title = h("h2", { class: "insp-title", id: `${this.uid}-title` });
    try {
      buildTitle(title, this.selection, ctx);
      if (m.error) body.append(h("p", { class: "insp-error", role: "alert" }, `The inspector could not compute this: ${m.error}`));
      else {
        buildBody(body, m, this);
        if (m.trace) m.summary = summaryText(m); // after buildBody, which finds saturation
      }
    } catch (err) {
      body.replaceChildren(h("p", { class: "insp-error", role: "alert" }, `The inspector could not draw this: ${err?.message ?? err}`));
    }
    patchOrReplace(this.titleEl, title);
    patchOrReplace(this.body, body);
    this.root.dataset.renders = String(this.renders);
    this.root.dataset.inspect = formatInspect(this.selection);
    this.exampleEl.textContent = m.exampleText ?? "";
    const step = m.step ?? 0;
    this.statusEl.dataset.state = this.frozen ? "frozen" : live ? "live" : "idle";
    this.statusEl.textContent = this.frozen ? `frozen at step ${step}` : live ? `live · step ${step}` : `step ${step}`;
    const now = performance.now();
    if (m.summary && (this.announceNow || !live || now - this.lastAnnounce >= ANNOUNCE_INTERVAL_MS)) {
      if (this.liveEl.textContent !== m.summary) this.liveEl.textContent = m.summary;
      this.lastAnnounce = now;
      this.announceNow = false;
    }
  }

  /** Removes the panel. */
  destroy() {
    this.root.remove();
    this.onHighlight(null);
  }
}

function sameSelection(a, b) {
  return !!a && !!b && formatInspect(a) === formatInspect(b);
}

function adoptStyles(container) {
  if (!inspectorStyles) return;
  const root = container.getRootNode?.();
  if (!root || !("adoptedStyleSheets" in root)) return;
  try {
    if (!root.adoptedStyleSheets.includes(inspectorStyles)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, inspectorStyles];
  } catch {
    // A sheet from another document cannot be adopted; the host then adopts inspectorCss itself.
  }
}

// Replaces `old`'s children with `fresh`'s, unless only numbers changed: then every number
// (each `.insp-num`, slotted or not) is patched in place, so hover titles, focus and text
// selection survive live updates. "Only numbers changed" is decided on the whole tree: its
// elements, classes, shapes and every piece of text outside the numbers (a sign flip adds
// parentheses, for instance) must be the same. A number left unpatched would show a value
// from an earlier render beside this one's, and the arithmetic on screen would be false
// (issue 11), so anything short of a full match rebuilds the panel.
function patchOrReplace(old, fresh) {
  const oldNums = old.querySelectorAll(".insp-num");
  const newNums = fresh.querySelectorAll(".insp-num");
  if (oldNums.length && oldNums.length === newNums.length && structure(old) === structure(fresh)) {
    newNums.forEach((n, i) => {
      const o = oldNums[i];
      if (o.textContent !== n.textContent || o.title !== n.title) {
        o.replaceChildren(...n.childNodes);
        o.title = n.title;
      } else {
        const ow = o.querySelector(".insp-sw");
        const nw = n.querySelector(".insp-sw");
        if (ow && nw && ow.style.backgroundColor !== nw.style.backgroundColor) ow.style.backgroundColor = nw.style.backgroundColor;
      }
    });
    return;
  }
  old.replaceChildren(...fresh.childNodes);
}

// Everything about a tree except the numbers' digits: tags, classes, shapes, slots and text.
function structure(root) {
  const parts = [];
  const walk = (node) => {
    for (const c of node.childNodes) {
      if (c.nodeType === Node.TEXT_NODE) {
        parts.push(c.data);
      } else if (c.nodeType === Node.ELEMENT_NODE) {
        const cls = c.getAttribute("class") ?? "";
        if (c.classList.contains("insp-num")) {
          parts.push(`#${cls}/${c.getAttribute("data-slot") ?? ""}`);
          continue;
        }
        parts.push(`<${c.localName}.${cls}|${c.getAttribute("data-shape") ?? ""}|${c.getAttribute("aria-label") ?? ""}`);
        walk(c);
        parts.push(">");
      }
    }
  };
  walk(root);
  return parts.join("\u0001");
}

// ---------------------------------------------------------------------------------------
// Finite differences
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

function neuronText(L, j, layers, featureLabels) {
  const depth = layers.length - 1;
  if (L === 0) return `input ${featureText(j, featureLabels)}`;
  if (L === depth) return layers[L] > 1 ? `output neuron ${j}` : "the output neuron";
  return `hidden layer ${L}, neuron ${j}`;
}

function featureText(k, featureLabels) {
  const f = featureLabels?.[k];
  return f ? FEATURE_TEXT[f] ?? String(f) : `x${"₁₂₃₄₅₆₇₈₉"[k] ?? "_" + (k + 1)}`;
}

function featureMath(k, featureLabels) {
  const f = featureLabels?.[k];
  if (f && FEATURE_MATH[f]) return FEATURE_MATH[f]();
  if (f) return mtext(String(f));
  return sub(mi("x"), mn(k + 1));
}

/** A one-line plain-text name of a selection, e.g. "W[2] 0,1 (weight from hidden layer 1, neuron 1 to the output neuron)". */
export function describeSelectionText(sel, layers, featureLabels) {
  if (sel.kind === "w") {
    return `W[${sel.l + 1}] ${sel.j},${sel.k} (weight from ${neuronText(sel.l, sel.k, layers, featureLabels)} to ${neuronText(sel.l + 1, sel.j, layers, featureLabels)})`;
  }
  if (sel.kind === "b") return `b[${sel.l + 1}] ${sel.j} (bias of ${neuronText(sel.l + 1, sel.j, layers, featureLabels)})`;
  return `A[${sel.L}] ${sel.j} (${neuronText(sel.L, sel.j, layers, featureLabels)})`;
}

// The panel's headline number: dL/dW, dL/db, or a neuron's dL/dZ (dL/dA for an input), for
// the example or as the batch mean, with its finite-difference check.
function keyResult(m) {
  const { sel } = m;
  const P = sel.kind === "n" ? sel.L : sel.l + 1;
  const t = m.trace;
  const wrt = sel.kind === "w" ? sym("W", P, sel.j, sel.k) : sel.kind === "b" ? sym("b", P, sel.j) : P >= 1 ? sym("Z", P, sel.j) : sym("A", 0, sel.j);
  const name = `dL/d${sel.kind === "w" ? "W" : sel.kind === "b" ? "b" : P >= 1 ? "Z" : "A"}`;
  let value;
  let fd;
  if (m.batch) {
    value = batchMean(m);
    fd = sel.kind === "n" ? (P >= 1 ? m.batch.fd?.dZ : m.batch.fd?.dA) : m.batch.fd?.main;
  } else {
    value = sel.kind === "w" ? t.layers[sel.l].dL_dW[sel.j][sel.k] : sel.kind === "b" ? t.layers[sel.l].dL_db[sel.j] : P >= 1 ? t.layers[P - 1].dL_dZ[sel.j] : t.layers[0].dL_dAprev[sel.j];
    fd = sel.kind === "n" ? (P >= 1 ? m.fd?.dZ : m.fd?.dA) : m.fd?.main;
  }
  return { name: m.batch ? `mean ${name}` : name, symbol: dd(mi("L"), wrt), value, agree: fd ? agreement(value, fd.value) : null };
}

function summaryText(m) {
  const { sel } = m;
  const short = sel.kind === "w" ? `W[${sel.l + 1}] ${sel.j},${sel.k}` : sel.kind === "b" ? `b[${sel.l + 1}] ${sel.j}` : `neuron A[${sel.L}] ${sel.j}`;
  const { name, value, agree } = keyResult(m);
  const check = agree ? (agree.ok ? ", finite difference agrees" : ", finite difference disagrees") : "";
  const sat = m.saturated ? "; the output is saturated, see the note" : "";
  return `${name} for ${short} = ${formatNumber(value).replace(/−/g, "-")}${check}${sat}`;
}

function headline(m) {
  const { symbol, value, agree } = keyResult(m);
  const el = h("div", { class: "insp-headline" }, math(null, symbol), h("span", { class: "insp-eq" }, "="), num(value, "grad", "headline"));
  if (m.batch) el.append(h("span", { class: "insp-why" }, "batch mean"));
  if (agree) {
    const tag = h("span", { class: agree.ok ? "insp-ok" : "insp-no" }, agree.ok ? "✓ finite differences agree" : "✗ finite differences disagree");
    tag.dataset.shape = agree.ok ? "head-ok" : "head-no";
    el.append(tag);
  }
  return el;
}

// ---------------------------------------------------------------------------------------
// Building the panel
// ---------------------------------------------------------------------------------------

function buildTitle(el, sel, ctx) {
  const layers = ctx.layers;
  const featureLabels = ctx.featureLabels;
  let symbol;
  let text;
  if (sel.kind === "w") {
    symbol = sym("W", sel.l + 1, sel.j, sel.k);
    text = `Weight from ${neuronText(sel.l, sel.k, layers, featureLabels)} to ${neuronText(sel.l + 1, sel.j, layers, featureLabels)}`;
  } else if (sel.kind === "b") {
    symbol = sym("b", sel.l + 1, sel.j);
    text = `Bias of ${neuronText(sel.l + 1, sel.j, layers, featureLabels)}`;
  } else {
    symbol = sym("A", sel.L, sel.j);
    const t = neuronText(sel.L, sel.j, layers, featureLabels);
    text = `Neuron: ${t.startsWith("the ") ? t.slice(4) : t}`;
  }
  append(el, [math(null, symbol), h("span", { class: "insp-title-text" }, text)]);
}

function legend() {
  const sw = (x, kind) => {
    const s = h("span", { class: "insp-sw", "aria-hidden": "true" });
    s.style.backgroundColor = swatchColor(x, kind);
    return s;
  };
  return h(
    "div",
    { class: "insp-legend", "aria-hidden": "true" },
    h("span", null, "values", sw(-1, "value"), "−", sw(1, "value"), "+"),
    h("span", null, "gradients", sw(-1, "grad"), "−", sw(1, "grad"), "+"),
    h("span", null, "hover a number for all its digits"),
  );
}

/** A number with its swatch and its full value on hover. */
function num(x, kind, slot) {
  const s = h("span", { class: "insp-sw", "aria-hidden": "true" });
  s.style.backgroundColor = swatchColor(x, kind);
  const el = h("span", { class: `insp-num${Number.isFinite(x) || x === undefined ? "" : " insp-nan"}`, title: x === undefined ? "" : String(x) }, s, formatNumber(x));
  if (slot) el.dataset.slot = slot;
  return el;
}

/** A number without a swatch, for substitutions. */
function bare(x, slot) {
  const el = h("span", { class: `insp-num${Number.isFinite(x) ? "" : " insp-nan"}`, title: String(x) }, formatNumber(x));
  if (slot) el.dataset.slot = slot;
  return el;
}

// A negative (or non-finite) factor in parentheses, kept on one line with them.
const wrapNeg = (x, slot) => (x < 0 || !Number.isFinite(x) ? [h("span", { class: "insp-nowrap" }, "(", bare(x, slot), ")")] : [bare(x, slot)]);

function step(n, titleKids, caption) {
  const sec = h("section", { class: "insp-step" });
  append(sec, [h("h3", { class: "insp-step-h" }, h("span", { class: "insp-step-n", "aria-hidden": "true" }, String(n)), h("span", null, titleKids))]);
  if (caption) sec.append(h("p", { class: "insp-cap" }, caption));
  return sec;
}

/**
 * One equation row: lhs = formula [= substitution] = value. `opts.kind` colours the value,
 * `opts.slot` names it for patching and tests, `opts.result` emphasises it, `opts.term`
 * makes it a term of a sum.
 */
function eqRow(grid, lhs, formula, subst, value, opts = {}) {
  const cls = `insp-row${opts.result ? " insp-result" : ""}${opts.term ? " insp-term" : ""}${opts.wide ? " insp-wide" : ""}`;
  const rhs = h("div", { class: "insp-rhs" });
  const isText = typeof formula === "string";
  if (isText) rhs.append(h("span", { class: "insp-why" }, formula));
  else if (formula) rhs.append(formula.namespaceURI === MATHML && formula.localName !== "math" ? math(null, formula) : formula);
  if (subst) rhs.append(h("span", { class: "insp-subst" }, formula ? "= " : "", subst));
  const lhsEl = h("div", { class: "insp-lhs" }, typeof lhs === "string" ? lhs : lhs.localName === "math" ? lhs : math(null, lhs));
  const valEl = h("div", { class: "insp-val" }, value === null ? null : num(value, opts.kind ?? "grad", opts.slot));
  const row = h("div", { class: cls }, lhsEl, h("div", { class: "insp-eq" }, (formula && !isText) || subst ? "=" : ""), rhs, h("div", { class: "insp-eq insp-eq2" }, value === null ? "" : "="), valEl);
  if (opts.shape) row.dataset.shape = opts.shape;
  grid.append(row);
  return row;
}

function actFormula(act, L, j) {
  const Z = sym("Z", L, j);
  switch (act) {
    case "sigmoid":
      return mrow(mi("σ"), paren(Z));
    case "tanh":
      return mrow(mi("tanh"), paren(Z));
    case "relu":
      return mrow(mi("max"), paren(mn(0), mo(","), Z));
    case "leakyRelu":
      return mrow(mi("max"), paren(mn("0.01"), Z, mo(","), Z));
    default:
      return Z;
  }
}

// A = f(Z) with Z's number filled in.
function actSubst(act, z, slot) {
  switch (act) {
    case "sigmoid":
      return ["σ(", bare(z, slot), ")"];
    case "tanh":
      return ["tanh(", bare(z, slot), ")"];
    case "relu":
      return ["max(0, ", bare(z, slot), ")"];
    case "leakyRelu":
      return ["max(0.01 · ", ...wrapNeg(z, slot), ", ", bare(z, slot + "'"), ")"];
    case "linear":
      return [bare(z, slot)];
    default:
      return null;
  }
}

// dA/dZ's formula and its substitution, from A (and Z for the piecewise ones).
function dAdZParts(act, A, z, a, tIdx, j) {
  const slotA = `sub.a:${tIdx}:${j}`;
  switch (act) {
    case "sigmoid":
      return { formula: mrow(A, paren(mn(1), mo("−"), A)), subst: [bare(a, slotA), "(1 − ", bare(a, slotA + "'"), ")"] };
    case "tanh":
      return { formula: mrow(mn(1), mo("−"), sup(paren(A), mn(2))), subst: ["1 − (", bare(a, slotA), ")²"] };
    case "relu":
    case "leakyRelu": {
      // Piecewise: the rule, then which piece this Z is on.
      const low = act === "relu" ? "0" : "0.01";
      return {
        formula: mrow(mn(1), mtext("\u00a0if\u00a0"), mi("Z"), mo(">"), mn(0), mtext(",\u00a0else\u00a0"), mn(low)),
        subst: ["here Z = ", bare(z, `sub.z':${tIdx}:${j}`), z > 0 ? " > 0" : " ≤ 0"],
      };
    }
    default:
      return { formula: mn(1) };
  }
}

function buildBody(body, m, insp) {
  const { sel, layers, depth } = m;
  const t = m.trace;
  if (!t) {
    body.append(h("p", { class: "insp-hint" }, "Pick a point in the output view, or run a batch, to fill in this derivation with numbers."));
    return;
  }
  const P = sel.kind === "n" ? sel.L : sel.l + 1;
  const jP = sel.j;
  let n = 1;
  const head = headline(m);
  body.append(head);

  // 1. The loss (and, for a softmax output, what its A's are).
  body.append(lossStep(n++, m));

  // 2. Layer by layer, from the output down to the selected neuron's layer.
  for (let L = depth; L >= Math.max(P, 1); L--) {
    const detail = L === P || layers[L] === 1;
    const act = L === depth ? m.output : m.hidden;
    const isOut = L === depth;
    const title = isOut ? ["Output layer ", math(null, layerTag(L)), ` · ${ACT_NAME[act]}`] : ["Hidden layer ", math(null, layerTag(L)), ` · ${ACT_NAME[act]}`];
    if (detail && layers[L] > 1) title.push(`, neuron ${L === P ? jP : 0}`);
    let caption;
    if (isOut && isSoftmax(m)) caption = "Steps 1 and 2 of the derivation for a softmax output: how the loss changes with each output A, then with Z, where each A depends on every Z.";
    else if (isOut) caption = "Steps 1 and 2 of the derivation: how the loss changes with the output A, then with Z through the activation.";
    else if (L === depth - 1) caption = "Step 5 of the derivation, one layer down: each neuron's ∂L/∂A collects ∂L/∂Z · W from every neuron it feeds.";
    else caption = "Step 5 again, one more layer down.";
    const sec = step(n++, title, caption);
    if (detail) neuronRows(sec, m, L, L === P ? jP : 0);
    else layerTable(sec, m, L, insp);
    body.append(sec);
  }

  // An input neuron: its dL/dA is the sum over the first layer.
  if (P === 0) {
    const sec = step(n++, ["Input ", math(null, featureMath(jP, m.featureLabels))], "Inputs have no activation: the chain ends at ∂L/∂A, summed over every first-layer neuron the input feeds.");
    const grid = h("div", { class: "insp-eqs" });
    eqRow(grid, sym("A", 0, jP), featureMath(jP, m.featureLabels), null, t.input[jP], { kind: "value", slot: `input:${jP}` });
    sumRows(grid, m, 0, jP);
    sec.append(grid);
    body.append(sec);
  }

  // 3. The parameter itself.
  if (sel.kind === "w") {
    const { l, j, k } = sel;
    const sec = step(n++, ["The weight ", math(null, sym("W", l + 1, j, k))], "Step 3 of the derivation: Z = W·A_prev + b, so ∂Z/∂W is the activation the weight multiplies.");
    const grid = h("div", { class: "insp-eqs" });
    eqRow(grid, sym("W", l + 1, j, k), "current value", null, m.weights[l][j][k], { kind: "value", slot: `W:${l}:${j}:${k}` });
    const Aprev = sym("A", l, k);
    const aPrev = l === 0 ? t.input[k] : t.layers[l - 1].a[k];
    eqRow(grid, dd(sym("Z", l + 1, j), sym("W", l + 1, j, k)), l === 0 ? mrow(Aprev, mo("="), featureMath(k, m.featureLabels)) : Aprev, null, aPrev, { kind: "value", slot: `Aprev:${l}:${k}` });
    const dLdW = t.layers[l].dL_dW[j][k];
    eqRow(grid, dd(mi("L"), sym("W", l + 1, j, k)), mrow(dd(mi("L"), sym("Z", l + 1, j)), dot(), Aprev), [...wrapNeg(t.layers[l].dL_dZ[j]), " · ", ...wrapNeg(aPrev)], dLdW, { slot: `dL_dW:${l}:${j}:${k}`, result: !m.batch });
    sec.append(grid);
    if (m.fd) sec.append(fdBlock(m.fd.main, dLdW, "w", sym("W", l + 1, j, k), m.batch ? "for this example" : ""));
    sec.append(related(insp, [
      [`bias b[${l + 1}] ${j}`, { kind: "b", l, j }],
      [`neuron A[${l + 1}] ${j}`, { kind: "n", L: l + 1, j }],
      [l === 0 ? `input ${featureText(k, m.featureLabels)}` : `neuron A[${l}] ${k}`, { kind: "n", L: l, j: k }],
    ]));
    body.append(sec);
  } else if (sel.kind === "b") {
    const { l, j } = sel;
    const sec = step(n++, ["The bias ", math(null, sym("b", l + 1, j))], "Step 4 of the derivation: Z = W·A_prev + b, so ∂Z/∂b = 1 and the bias's gradient is ∂L/∂Z itself.");
    const grid = h("div", { class: "insp-eqs" });
    eqRow(grid, sym("b", l + 1, j), "current value", null, m.biases[l][j], { kind: "value", slot: `b:${l}:${j}` });
    eqRow(grid, dd(sym("Z", l + 1, j), sym("b", l + 1, j)), mn(1), null, null);
    const dLdb = t.layers[l].dL_db[j];
    eqRow(grid, dd(mi("L"), sym("b", l + 1, j)), mrow(dd(mi("L"), sym("Z", l + 1, j)), dot(), mn(1)), null, dLdb, { slot: `dL_db:${l}:${j}`, result: !m.batch });
    sec.append(grid);
    if (m.fd) sec.append(fdBlock(m.fd.main, dLdb, "b", sym("b", l + 1, j), m.batch ? "for this example" : ""));
    sec.append(related(insp, [[`neuron A[${l + 1}] ${j}`, { kind: "n", L: l + 1, j }]]));
    body.append(sec);
  } else {
    const { L, j } = sel;
    const sec = step(n++, ["The neuron ", math(null, sym("A", L, j))], L >= 1 ? "A neuron has no gradient step of its own, but its two derivatives are what every parameter around it uses: ∂L/∂Z for its bias and incoming weights, ∂L/∂A for the layer below." : "How much the loss would change if this input feature changed.");
    const grid = h("div", { class: "insp-eqs" });
    const dA = L === 0 ? t.layers[0].dL_dAprev[j] : t.layers[L - 1].dL_dA[j];
    const from = `from step ${n - 2}`;
    eqRow(grid, dd(mi("L"), sym("A", L, j)), L === 0 ? from : `${from}: how L changes with the neuron's output`, null, dA, { slot: `res.dL_dA:${L}:${j}`, result: !m.batch });
    if (L >= 1) eqRow(grid, dd(mi("L"), sym("Z", L, j)), `${from}: how L changes with its input Z`, null, t.layers[L - 1].dL_dZ[j], { slot: `res.dL_dZ:${L}:${j}`, result: !m.batch });
    sec.append(grid);
    if (m.fd?.dZ) sec.append(fdBlock(m.fd.dZ, t.layers[L - 1].dL_dZ[j], "nZ", sym("Z", L, j), "", sym("b", L, j)));
    if (m.fd?.dA) sec.append(fdBlock(m.fd.dA, dA, m.fd.dA.onFormula ? "nAout" : "nA", sym("A", L, j), "", m.fd.dA.onFormula ? m.loss : L + 1));
    const links = [];
    if (L >= 1) links.push([`bias b[${L}] ${j}`, { kind: "b", l: L - 1, j }]);
    if (L >= 1 && L < m.depth) links.push([`weight W[${L + 1}] 0,${j}`, { kind: "w", l: L, j: 0, k: j }]);
    if (L === m.depth || L === 0) links.push([`weight W[${Math.max(L, 1)}] ${L === 0 ? 0 : j},${L === 0 ? j : 0}`, L === 0 ? { kind: "w", l: 0, j: 0, k: j } : { kind: "w", l: L - 1, j, k: 0 }]);
    sec.append(related(insp, links));
    body.append(sec);
  }

  if (m.batch) body.append(batchSection(n++, m));
  if (m.saturated) {
    const warn = h("span", { class: "insp-warn" }, "⚠ saturated output: see the note");
    warn.dataset.shape = "head-sat";
    head.append(warn);
  }
}

// Which output layers have the derivation's fused dL/dZ = A - y: a sigmoid with binary
// cross-entropy (the derivation itself) and a softmax with categorical cross-entropy.
const fusedOutput = (m) => (m.output === "sigmoid" && m.loss === "bce") || (m.output === "softmax" && m.loss === "cce");
const isSoftmax = (m) => m.output === "softmax";

/** y, or y_j for a layer of several outputs. */
const ySym = (K, j) => (K > 1 ? sub(mi("y"), idx(j)) : mi("y"));
/** e raised to a power (Euler's e, upright). */
const ePow = (...p) => sup(mi("e", { mathvariant: "normal" }), mrow(...p));

// Step 1: the loss for this example, with its numbers.
function lossStep(n, m) {
  const { layers, depth } = m;
  const t = m.trace;
  const K = layers[depth];
  const rec = t.layers[depth - 1];
  const sec = step(n, ["The loss", h("span", { class: "insp-why" }, m.batch && m.traceLabel ? ` · ${m.traceLabel}` : "")], null);
  const grid = h("div", { class: "insp-eqs" });
  const A = (j) => sym("A", depth, j);
  const j0 = K > 1 ? "j" : 0;
  if (m.loss === "cce") {
    softmaxLoss(sec, m);
    return sec;
  }
  if (m.loss === "bce") {
    let formula = mrow(mo("−"), ySym(K, "j"), thin(), mi("ln"), thin(), A(j0), mo("−"), paren(mn(1), mo("−"), ySym(K, "j")), thin(), mi("ln"), paren(mn(1), mo("−"), A(j0)));
    if (K > 1) formula = mrow(under(mo("∑"), mi("j")), formula);
    eqRow(grid, mi("L"), formula, null, t.loss, { kind: "value", slot: "loss", wide: true });
    sec.append(grid);
    if (m.output === "sigmoid") {
      sec.append(h("p", { class: "insp-cap" }, "Binary cross-entropy, the loss the derivation starts from (the engine evaluates it in a form that stays finite when A rounds to 0 or 1)."));
    }
    return sec;
  }
  // Squared error: one half of (A - y)^2 per output, summed.
  const half = (j) => mrow(frac(mn(1), mn(2)), sup(paren(A(j), mo("−"), ySym(K, j)), mn(2)));
  const halfSubst = (j) => ["½(", bare(rec.a[j], `sub.a:${depth - 1}:${j}`), " − ", ...wrapNeg(t.target[j], `sub.y:${j}`), ")²"];
  if (K === 1) {
    eqRow(grid, mi("L"), half(0), halfSubst(0), t.loss, { kind: "value", slot: "loss", wide: true });
  } else {
    eqRow(grid, mi("L"), mrow(under(mo("∑"), mi("j")), half("j")), null, t.loss, { kind: "value", slot: "loss", wide: true });
    for (let j = 0; j < K; j++) {
      const d = rec.a[j] - t.target[j];
      eqRow(grid, `${j === 0 ? "" : "+ "}j = ${j}`, half(j), halfSubst(j), 0.5 * d * d, { term: true, kind: "value", slot: `lossterm:${j}` });
    }
  }
  sec.append(grid);
  sec.append(h("p", { class: "insp-cap" }, `Squared error, the loss for a real-valued target: half the squared distance from the target${K > 1 ? ", for each output" : ""}, so its slope in A is simply A − y.`));
  return sec;
}

// The loss of a softmax output, L = -sum_j y_j ln A_j, term by term, and the softmax that
// makes the A's from the Z's: e^(Z_j) over the sum of e^(Z_k), each number shown.
function softmaxLoss(sec, m) {
  const { depth } = m;
  const t = m.trace;
  const ti = depth - 1;
  const rec = t.layers[ti];
  const K = m.layers[depth];
  const y = t.target;
  const A = (j) => sym("A", depth, j);
  const grid = h("div", { class: "insp-eqs" });
  // -y_j ln A_j, with 0 ln 0 = 0 (its limit): a class the example is not in adds nothing.
  const terms = Array.from(rec.a, (a, j) => (y[j] === 0 ? 0 : -y[j] * Math.log(a)));
  const literal = terms.reduce((s, x) => s + x, 0);
  // The engine's loss is log-sum-exp minus sum y Z: the same number, unless some A rounded to 0.
  const agrees = Number.isFinite(literal) && (relDiff(literal, t.loss) < 1e-6 || Math.abs(literal - t.loss) < 1e-12);
  const formula = mrow(mo("−"), under(mo("∑"), mi("j")), ySym(K, "j"), thin(), mi("ln"), thin(), A("j"));
  eqRow(grid, mi("L"), formula, null, agrees ? t.loss : literal, { kind: "value", slot: agrees ? "loss" : "loss.literal", wide: true });
  for (let j = 0; j < K; j++) {
    const f = mrow(mo("−"), ySym(K, j), thin(), mi("ln"), thin(), A(j));
    eqRow(grid, `${j === 0 ? "" : "+ "}j = ${j}`, f, ["−", bare(y[j], `sub.y:${j}`), " · ln(", bare(rec.a[j], `sub.a:${ti}:${j}`), ")"], terms[j], { term: true, kind: "value", slot: `lossterm:${j}` });
  }
  sec.append(grid);
  const c = oneHotClass(y);
  const cap = h("p", { class: "insp-cap" }, "Categorical cross-entropy. ");
  if (c >= 0) append(cap, ["With a one-hot y only the true class's term is left, ", math("inline", mrow(mi("L"), mo("="), mo("−"), mi("ln"), thin(), A(c))), `: small when the network gives class ${c} a high probability.`]);
  else cap.append("Each output's term is weighted by its target probability.");
  sec.append(cap);
  if (!agrees) {
    // Some A_j rounded to 0 where y_j > 0: ln 0 is -infinity, but the loss from Z is finite.
    const zs = Array.from(rec.z);
    const top = Math.max(...zs);
    const lse = top + Math.log(zs.reduce((s, z) => s + Math.exp(z - top), 0));
    const yz = zs.reduce((s, z, j) => s + (y[j] === 0 ? 0 : y[j] * z), 0);
    const g2 = h("div", { class: "insp-eqs" });
    const lseSym = mrow(mi("log"), thin(), under(mo("∑"), mi("k")), ePow(sym("Z", depth, "k")), mo("−"), under(mo("∑"), mi("j")), ySym(K, "j"), sym("Z", depth, "j"));
    eqRow(g2, mi("L"), lseSym, [bare(lse, "lse"), " − ", ...wrapNeg(yz, "yz")], t.loss, { kind: "value", slot: "loss", wide: true, result: true });
    const note = h("div", { class: "insp-note", role: "note" });
    note.dataset.shape = "note-loss";
    append(note, [
      h("strong", null, "The engine computes the loss from Z"),
      h("p", null, "An A with y > 0 rounded to 0 in 64-bit numbers, so its ln is −∞ and the formula above gives ", bare(literal), ". The engine writes the same loss in terms of Z (log-sum-exp), which has no ln of a tiny number and stays finite:"),
      g2,
    ]);
    sec.append(note);
  }

  // What A is: the softmax of the Z's.
  sec.append(h("p", { class: "insp-cap insp-sub" }, "Each A is the softmax of the layer's Z's: positive, and together summing to 1."));
  const zs = Array.from(rec.z);
  let shift = 0;
  let ex = zs.map(Math.exp);
  let sum = ex.reduce((s, x) => s + x, 0);
  if (!(Number.isFinite(sum) && sum > 0)) {
    // e^Z would overflow (or every one underflow): subtract the largest Z first, as the
    // engine does; the ratio is unchanged.
    shift = Math.max(...zs);
    ex = zs.map((z) => Math.exp(z - shift));
    sum = ex.reduce((s, x) => s + x, 0);
  }
  const pow = (k) => (shift ? ePow(sym("Z", depth, k), mo("−"), mi("m")) : ePow(sym("Z", depth, k)));
  const g = h("div", { class: "insp-eqs" });
  eqRow(g, A("j"), frac(pow("j"), mrow(under(mo("∑"), mi("k")), pow("k"))), null, null);
  if (shift) eqRow(g, mi("m"), mrow(under(mi("max"), mi("k")), thin(), sym("Z", depth, "k")), null, shift, { kind: "value", slot: "zmax" });
  eqRow(g, math("inline", mrow(under(mo("∑"), mi("k")), pow("k"))), null, null, sum, { kind: "value", slot: "expsum" });
  for (let k = 0; k < K; k++) {
    const subst = shift ? ["exp(", bare(zs[k], `sub.z:${ti}:${k}`), " − ", ...wrapNeg(shift, `sub.m:${k}`), ")"] : ["exp(", bare(zs[k], `sub.z:${ti}:${k}`), ")"];
    eqRow(g, `${k === 0 ? "" : "+ "}k = ${k}`, pow(k), subst, ex[k], { term: true, kind: "value", slot: `exp:${k}` });
  }
  for (let k = 0; k < K; k++) {
    eqRow(g, A(k), null, [bare(ex[k], `sub.exp:${k}`), " / ", bare(sum, `sub.expsum:${k}`)], rec.a[k], { kind: "value", slot: `a:${ti}:${k}` });
  }
  sec.append(g);
  if (shift) sec.append(h("p", { class: "insp-cap" }, "Here e^Z would overflow, so the largest Z, m, is taken out of every exponent first, as the engine does: the ratio is unchanged."));
}

// A softmax output neuron j with categorical cross-entropy: every A_i depends on Z_j, so
// dL/dZ_j = sum_i dL/dA_i * dA_i/dZ_j over the Jacobian's column j, written out term by
// term from the engine's `jacobian` and `dL_dZ_unfused`, then beside it the simplification
// A_j - y_j that the engine uses (its fused `dL_dZ`), and why the two are equal.
function softmaxNeuronRows(sec, m, L, j) {
  const t = m.trace;
  const ti = L - 1;
  const rec = t.layers[ti];
  const K = m.layers[L];
  const y = t.target;
  const a = rec.a;
  const jac = rec.jacobian;
  const A = (i) => sym("A", L, i);
  const Zj = () => sym("Z", L, j);

  const g1 = h("div", { class: "insp-eqs" });
  eqRow(g1, A(j), "its softmax, from step 1", null, a[j], { kind: "value", slot: `a:${ti}:${j}` });
  eqRow(g1, ySym(K, j), "the target", null, y[j], { kind: "value", slot: `y:${j}` });
  sec.append(g1);

  // dL/dA_i for every output: the loss has one term per output.
  const inl = (...k) => math("inline", mrow(...k));
  sec.append(h("p", { class: "insp-cap insp-sub" }, [
    "How the loss changes with each output ", inl(A("i")), " (step 1 of the derivation, for ", inl(mi("L"), mo("="), mo("−"), under(mo("∑"), mi("i")), ySym(K, "i"), thin(), mi("ln"), thin(), A("i")), "):",
  ]));
  const g2 = h("div", { class: "insp-eqs" });
  eqRow(g2, dd(mi("L"), A("i")), mrow(mo("−"), frac(ySym(K, "i"), A("i"))), null, null);
  for (let i = 0; i < K; i++) {
    eqRow(g2, dd(mi("L"), A(i)), inl(mo("−"), ySym(K, i), mo("/", { lspace: "0.05em", rspace: "0.05em" }), A(i)), ["−", bare(y[i], `sub.y':${i}`), " / ", bare(a[i], `sub.a':${ti}:${i}`)], rec.dL_dA[i], { slot: `dL_dA:${ti}:${i}` });
  }
  sec.append(g2);

  // Column j of the Jacobian.
  sec.append(h("p", { class: "insp-cap insp-sub" }, [
    "How each ", inl(A("i")), " changes with ", inl(Zj()), ": the A's share one denominator, ", inl(under(mo("∑"), mi("k")), ePow(sym("Z", L, "k"))), ", so each moves when any Z does. Column ", String(j), " of the softmax's Jacobian (δ is 1 where i = ", String(j), ", else 0):",
  ]));
  const g3 = h("div", { class: "insp-eqs" });
  const delta = sub(mi("δ"), mrow(mi("i"), idx(j)));
  eqRow(g3, dd(A("i"), Zj()), mrow(A("i"), paren(delta, mo("−"), A(j))), null, null);
  for (let i = 0; i < K; i++) {
    const diag = i === j;
    const formula = diag ? mrow(A(j), paren(mn(1), mo("−"), A(j))) : mrow(mo("−"), A(i), thin(), A(j));
    const subst = diag ? [bare(a[j], `sub.ja:${i}`), "(1 − ", bare(a[j], `sub.jb:${i}`), ")"] : ["−", bare(a[i], `sub.ja:${i}`), " · ", bare(a[j], `sub.jb:${i}`)];
    eqRow(g3, dd(A(i), Zj()), math("inline", formula), subst, jac[i][j], { kind: "value", slot: `jac:${ti}:${i}:${j}` });
  }
  sec.append(g3);

  // The chain rule over every output, term by term.
  sec.append(h("p", { class: "insp-cap insp-sub" }, ["Step 2 of the derivation: the chain rule for ", inl(Zj()), " runs through every ", inl(A("i")), ", so it is a sum:"]));
  const g4 = h("div", { class: "insp-eqs" });
  const chain = () => mrow(under(mo("∑"), mi("i")), dd(mi("L"), A("i")), dot(), dd(A("i"), Zj()));
  const unfused = rec.dL_dZ_unfused[j];
  eqRow(g4, dd(mi("L"), Zj()), chain(), null, unfused, { slot: `unfused:${j}` });
  for (let i = 0; i < K; i++) {
    eqRow(g4, `${i === 0 ? "" : "+ "}i = ${i}`, mrow(ddSlash(mi("L"), sym("A", null, i)), dot(), ddSlash(sym("A", null, i), sym("Z", null, j))), [...wrapNeg(rec.dL_dA[i]), " · ", ...wrapNeg(jac[i][j])], rec.dL_dA[i] * jac[i][j], { term: true, slot: `jterm:${ti}:${i}:${j}` });
  }
  sec.append(g4);

  // Side by side: the sum, and A - y.
  const fused = rec.dL_dZ[j];
  const sat = softmaxSaturation(a, rec.dL_dA, unfused, fused);
  if (sat) m.saturated = true;
  const compare = h("div", { class: "insp-compare" });
  compare.dataset.shape = sat ? "sat" : "ok";
  compare.append(
    h("div", { class: `insp-form${sat ? " insp-broken" : ""}` }, h("span", { class: "insp-form-h" }, "the chain rule, unsimplified"), h("span", { class: "insp-form-line" }, math(null, chain()), h("span", null, "= ", num(unfused, "grad", `unfused.form:${j}`)))),
    h("div", { class: "insp-form insp-engine" }, h("span", { class: "insp-form-h" }, "simplified · what the engine uses"), h("span", { class: "insp-form-line" }, math(null, mrow(A(j), mo("−"), ySym(K, j))), h("span", null, "= ", bare(a[j]), " − ", ...wrapNeg(y[j])), h("span", null, "= ", num(fused, "grad", `fused:${j}`)))),
  );
  sec.append(compare);
  if (!sat) {
    const diff = Math.abs(unfused - fused);
    sec.append(h("p", { class: "insp-verdict" }, h("span", { class: "insp-ok" }, "✓ "), diff === 0 ? "Both forms give the same number." : ["Both forms agree (they differ by ", bare(diff), ", floating-point rounding)."]));
  }
  sec.append(collapseWhy(L, j, K, !!sat));
  if (sat) sec.append(softmaxSaturationNote(sat, m, L, j));
}

// Why the sum over the Jacobian is A_j - y_j: the algebra, then the reason in words.
function collapseWhy(L, j, K, saturated) {
  const A = (i) => sym("A", L, i);
  const y = (i) => ySym(K, i);
  const delta = () => sub(mi("δ"), mrow(mi("i"), idx(j)));
  const sumI = () => under(mo("∑"), mi("i"));
  const box = h("div", { class: "insp-derive" });
  box.append(h("span", { class: "insp-form-h" }, saturated ? "why they are equal in exact arithmetic" : "why they are equal"));
  // Each piece is its own <math>, so the line can wrap on a phone.
  const line = h("div", { class: "insp-derive-line" },
    math(null, mrow(dd(mi("L"), sym("Z", L, j)), mo("="), sumI(), paren(mo("−"), frac(y("i"), A("i"))), dot(), A("i"), paren(delta(), mo("−"), A(j)))),
    math(null, mrow(mo("="), mo("−", { form: "prefix" }), sumI(), y("i"), delta(), mo("+"), A(j), sumI(), y("i"))),
    math(null, mrow(mo("="), mo("−", { form: "prefix" }), y(j), mo("+"), A(j), dot(), mn(1))),
    math(null, mrow(mo("="), A(j), mo("−"), y(j))),
  );
  box.append(line);
  const inl = (...k) => math("inline", mrow(...k));
  box.append(h("p", null,
    "The ", inl(A("i")), " of ", inl(mo("−"), y("i"), mo("/"), A("i")), " cancels the ", inl(A("i")), " in front of the Jacobian entry, leaving ",
    inl(mo("−"), y("i"), paren(delta(), mo("−"), A(j))), ": the δ keeps only ", inl(mo("−"), y(j)), ", and the rest adds up to ", inl(A(j)),
    " times the sum of the y's, which is 1 for a one-hot target. What is left, ", inl(A(j), mo("−"), y(j)), ", has no division by A, so it stays exact even where some A rounds to 0."));
  return box;
}

// Does the unfused sum differ from A - y? Returns why, or null.
function softmaxSaturation(a, dLdA, unfused, fused) {
  const zeros = [];
  for (let i = 0; i < a.length; i++) if (a[i] === 0) zeros.push(i);
  if (zeros.length || !Number.isFinite(unfused) || dLdA.some((x) => !Number.isFinite(x))) return { kind: "nonfinite", zeros };
  if (relDiff(unfused, fused) > 1e-9 && Math.abs(unfused - fused) > 1e-15) return { kind: "digits", rel: relDiff(unfused, fused) };
  return null;
}

function softmaxSaturationNote(sat, m, L, j) {
  const t = m.trace;
  const rec = t.layers[L - 1];
  const inl = (...k) => math("inline", mrow(...k));
  const note = h("div", { class: "insp-note", role: "note" });
  note.dataset.shape = `note-softmax-${sat.kind}`;
  const first = h("p");
  if (sat.kind === "nonfinite") {
    const zs = Array.from(rec.z);
    const top = Math.max(...zs);
    const lse = top + Math.log(zs.reduce((s, z) => s + Math.exp(z - top), 0));
    const i = sat.zeros.length ? sat.zeros[0] : rec.dL_dA.findIndex((x) => !Number.isFinite(x));
    const names = sat.zeros.flatMap((k, q) => (q ? [", ", inl(sym("A", L, k))] : [inl(sym("A", L, k))]));
    append(first, [
      "Saturated: ", sat.zeros.length ? [...names, ` ${sat.zeros.length === 1 ? "rounds" : "round"} to 0 in 64-bit numbers (`] : "",
      sat.zeros.length ? [inl(sym("A", L, i)), " is really e^(", bare(zs[i] - lse), "), below the smallest 64-bit number). "] : "",
      "Then −y_i/A_i divides by zero: −∞ where y_i = 1, and −0/0 = NaN where y_i = 0; times the Jacobian's 0 that is NaN, so the unsimplified sum is ",
      bare(rec.dL_dZ_unfused[j]), ".",
    ]);
  } else {
    append(first, ["Nearly saturated: some A_i is so close to 0 or 1 that the unsimplified sum keeps only a few correct digits; it is off from A − y by a relative ", bare(sat.rel), "."]);
  }
  append(note, [
    h("strong", null, "The two forms differ here"),
    first,
    h("p", null, "The simplification ", inl(dd(mi("L"), mi("Z")), mo("="), mi("A"), mo("−"), mi("y")), " = ", bare(rec.dL_dZ[j]),
      " has no division, so it is exact and finite for every A. That is why the engine computes ∂L/∂Z as A − y (and the loss from Z), and why training stays finite when the softmax saturates."),
  ]);
  return note;
}

function layerTag(L) {
  return mrow(mo("[", tight), mn(L), mo("]", tight));
}

function related(insp, links) {
  const el = h("div", { class: "insp-related" }, "See also:");
  for (const [label, selection] of links) {
    if (checkSelection(selection, insp.layers)) continue;
    const b = h("button", { type: "button", class: "insp-link" }, label);
    b.addEventListener("click", () => {
      insp.onSelect(selection);
      insp.show(selection);
    });
    el.append(b);
  }
  return el;
}

// Full rows for neuron j of layer L: A, (y), dL/dA, dA/dZ, dL/dZ.
function neuronRows(sec, m, L, j) {
  const t = m.trace;
  const ti = L - 1;
  const rec = t.layers[ti];
  const isOut = L === m.depth;
  const act = isOut ? m.output : m.hidden;
  const A = sym("A", L, j);
  const Z = sym("Z", L, j);
  const a = rec.a[j];
  const z = rec.z[j];
  if (isOut && isSoftmax(m)) {
    softmaxNeuronRows(sec, m, L, j);
    return;
  }
  const grid = h("div", { class: "insp-eqs" });
  eqRow(grid, A, actFormula(act, L, j), actSubst(act, z, `sub.z:${ti}:${j}`), a, { kind: "value", slot: `a:${ti}:${j}` });

  let y;
  if (isOut) {
    y = t.target[j];
    const ySym = m.layers[L] > 1 ? sub(mi("y"), mn(j)) : mi("y");
    eqRow(grid, ySym, "the target", null, y, { kind: "value", slot: `y:${j}` });
    const yS = () => (m.layers[L] > 1 ? sub(mi("y"), mn(j)) : mi("y"));
    const bce = m.loss === "bce";
    const formula = bce
      ? mrow(mo("−"), frac(yS(), sym("A", L, j)), mo("+"), frac(mrow(mn(1), mo("−"), yS()), mrow(mn(1), mo("−"), sym("A", L, j))))
      : mrow(sym("A", L, j), mo("−"), yS());
    // Squared error: dL/dA = A - y, a difference a reader can check.
    const subst = bce ? null : [bare(a, `sub.a:${ti}:${j}`), " − ", ...wrapNeg(y, `sub.y:${j}`)];
    eqRow(grid, dd(mi("L"), A), formula, subst, rec.dL_dA[j], { slot: `dL_dA:${ti}:${j}` });
  } else {
    sumRows(grid, m, L, j);
  }

  const d = dAdZParts(act, sym("A", L, j), z, a, ti, j);
  eqRow(grid, dd(A, Z), d.formula, d.subst ?? null, rec.dA_dZ[j], { kind: "value", slot: `dA_dZ:${ti}:${j}` });

  const fusedForm = isOut && fusedOutput(m);
  const unfused = rec.dL_dA[j] * rec.dA_dZ[j];
  const chain = mrow(dd(mi("L"), sym("A", L, j)), dot(), dd(sym("A", L, j), sym("Z", L, j)));
  if (!fusedForm) {
    eqRow(grid, dd(mi("L"), Z), chain, [...wrapNeg(rec.dL_dA[j]), " · ", ...wrapNeg(rec.dA_dZ[j])], rec.dL_dZ[j], { slot: `dL_dZ:${ti}:${j}` });
    sec.append(grid);
    return;
  }
  // Sigmoid output with bce: the seed's chain and its simplification, side by side.
  eqRow(grid, dd(mi("L"), Z), mrow(chain, mo("="), sym("A", L, j), mo("−"), m.layers[L] > 1 ? sub(mi("y"), mn(j)) : mi("y")), null, rec.dL_dZ[j], { slot: `dL_dZ:${ti}:${j}`, wide: true });
  sec.append(grid);
  const fused = rec.dL_dZ[j];
  const sat = saturation(a, y, rec.dL_dA[j], rec.dA_dZ[j], unfused, fused);
  if (sat) m.saturated = true;
  const compare = h("div", { class: "insp-compare" });
  compare.dataset.shape = sat ? "sat" : "ok";
  compare.append(
    h("div", { class: `insp-form${sat ? " insp-broken" : ""}` }, h("span", { class: "insp-form-h" }, "the chain rule, unsimplified"), h("span", { class: "insp-form-line" }, math(null, chain), h("span", null, "= ", ...wrapNeg(rec.dL_dA[j]), " · ", ...wrapNeg(rec.dA_dZ[j])), h("span", null, "= ", num(unfused, "grad", `unfused:${j}`)))),
    h("div", { class: "insp-form insp-engine" }, h("span", { class: "insp-form-h" }, "simplified · what the engine uses"), h("span", { class: "insp-form-line" }, math(null, mrow(sym("A", L, j), mo("−"), m.layers[L] > 1 ? sub(mi("y"), mn(j)) : mi("y"))), h("span", null, "= ", bare(a), " − ", ...wrapNeg(y)), h("span", null, "= ", num(fused, "grad", `fused:${j}`)))),
  );
  sec.append(compare);
  if (!sat) {
    const diff = Math.abs(unfused - fused);
    sec.append(h("p", { class: "insp-verdict" }, h("span", { class: "insp-ok" }, "✓ "), diff === 0 ? "Both forms give the same number, as the algebra of step 2 says." : ["Both forms agree (they differ by ", bare(diff), ", floating-point rounding), as the algebra of step 2 says."]));
  } else {
    sec.append(saturationNote(sat, L, j, a, z, y, rec, unfused, fused));
  }
}

// Does the unfused chain dL/dA * dA/dZ differ from the fused A - y? Returns why, or null.
function saturation(a, y, dLdA, dAdZ, unfused, fused) {
  if (a === 0 || a === 1) return { kind: "rounded" };
  if (dAdZ === 0) return { kind: "underflow" };
  if (!Number.isFinite(unfused)) return { kind: "nonfinite" };
  if (relDiff(unfused, fused) > 1e-9) return { kind: "digits", rel: relDiff(unfused, fused) };
  return null;
}

function saturationNote(sat, L, j, a, z, y, rec, unfused, fused) {
  const note = h("div", { class: "insp-note", role: "note" });
  note.dataset.shape = `note-${sat.kind}`;
  const A = () => math("inline", sym("A", L, j));
  const f = (x) => bare(x);
  const inl = (...k) => math("inline", mrow(...k));
  const first = h("p");
  if (sat.kind === "rounded") {
    // 1 - sigma(Z) = sigma(-Z), about e^-Z: what A would be short of 1 (or above 0) exactly.
    const gap = 1 / (1 + Math.exp(a === 1 ? z : -z));
    append(first, [
      "Saturated: with Z = ", f(z), ", the exact sigmoid is ", a === 1 ? "1 − " : "", f(gap),
      a === 1 ? ", but the nearest 64-bit number is exactly 1, so " : ", which is below the smallest 64-bit number, so ",
      A(), ` = ${a}. Then `, a === 1 ? inl(mn(1), mo("−"), mi("A"), mo("="), mn(0)) : inl(mi("A"), mo("="), mn(0)),
      ": the formula ", inl(dd(mi("L"), mi("A"))), " = −y/A + (1−y)/(1−A) divides by zero (", f(rec.dL_dA[j]), " here), ",
      inl(dd(mi("A"), mi("Z"))), " = A(1−A) = ", f(rec.dA_dZ[j]), ", and their product is ", f(unfused), ".",
    ]);
  } else if (sat.kind === "underflow") {
    append(first, ["Saturated: ", A(), " = ", f(a), " is so close to ", a < 0.5 ? "0" : "1", " that ", inl(dd(mi("A"), mi("Z"))), " = A(1−A) underflows to 0, and the unsimplified chain gives ", f(unfused), "."]);
  } else if (sat.kind === "nonfinite") {
    append(first, ["Saturated: the unsimplified chain ", inl(dd(mi("L"), mi("A")), dot(), dd(mi("A"), mi("Z"))), " = ", f(rec.dL_dA[j]), " · ", f(rec.dA_dZ[j]), " = ", f(unfused), " here."]);
  } else {
    append(first, [
      "Nearly saturated: ", A(), " = ", String(a), " is so close to ", a < 0.5 ? "0" : "1", " that ", a < 0.5 ? "A" : "1 − A",
      " keeps only a few correct digits, and the unsimplified chain is off from A − y by a relative ", f(sat.rel), ".",
    ]);
  }
  append(note, [
    h("strong", null, "The two forms differ here"),
    first,
    h("p", null,
      "The simplification ", inl(dd(mi("L"), mi("Z")), mo("="), mi("A"), mo("−"), mi("y")), " = ", f(fused),
      " has no division and no huge number times a tiny one, so it is exact and finite for every A. That is why the engine computes ∂L/∂Z as A − y, and why training stays finite even when the output saturates."),
  ]);
  return note;
}

// dL/dA of neuron j in layer L (L < depth) as the sum over the next layer, with its terms.
function sumRows(grid, m, L, j) {
  const t = m.trace;
  const next = m.layers[L + 1];
  const rec = t.layers[L]; // the weight layer that neuron layer L feeds
  const i = "i";
  const formula = mrow(under(mo("∑"), mi(i)), dd(mi("L"), sym("Z", L + 1, i)), dot(), sym("W", L + 1, i, j));
  const value = L === 0 ? rec.dL_dAprev[j] : t.layers[L - 1].dL_dA[j];
  eqRow(grid, dd(mi("L"), sym("A", L, j)), formula, null, value, { slot: L === 0 ? `dL_dAprev:0:${j}` : `dL_dA:${L - 1}:${j}` });
  const shown = Math.min(next, TERMS_SHOWN);
  for (let r = 0; r < shown; r++) {
    const g = rec.dL_dZ[r];
    const w = m.weights[L][r][j];
    eqRow(grid, `${r === 0 ? "" : "+ "}i = ${r}`, mrow(ddSlash(mi("L"), sym("Z", L + 1, r)), dot(), sym("W", L + 1, r, j)), [...wrapNeg(g), " · ", ...wrapNeg(w)], g * w, { term: true, slot: `term:${L}:${r}:${j}` });
  }
  if (next > shown) grid.append(h("div", { class: "insp-more" }, `+ ${next - shown} more terms (all included in the sum)`));
}

// A compact table for a layer the chain passes through: one row per neuron.
function layerTable(sec, m, L, insp) {
  const t = m.trace;
  const ti = L - 1;
  const rec = t.layers[ti];
  const isOut = L === m.depth;
  const act = isOut ? m.output : m.hidden;
  const softmax = isOut && isSoftmax(m);
  const i = "i";
  const grid = h("div", { class: "insp-eqs" });
  // The general formulas, once.
  if (isOut) {
    const y = sub(mi("y"), mi(i));
    const dLdA = m.loss === "bce"
      ? mrow(mo("−"), frac(y, sym("A", L, i)), mo("+"), frac(mrow(mn(1), mo("−"), sub(mi("y"), mi(i))), mrow(mn(1), mo("−"), sym("A", L, i))))
      : m.loss === "cce" ? mrow(mo("−"), frac(y, sym("A", L, i))) : mrow(sym("A", L, i), mo("−"), y);
    eqRow(grid, dd(mi("L"), sym("A", L, i)), dLdA, null, null);
  } else {
    eqRow(grid, dd(mi("L"), sym("A", L, i)), mrow(under(mo("∑"), mi("r")), dd(mi("L"), sym("Z", L + 1, "r")), dot(), sym("W", L + 1, "r", i)), null, null);
  }
  if (softmax) {
    // dA/dZ is a K x K matrix: each A_r depends on every Z_i.
    const delta = sub(mi("δ"), mrow(mi("r"), mi(i)));
    eqRow(grid, dd(sym("A", L, "r"), sym("Z", L, i)), mrow(sym("A", L, "r"), paren(delta, mo("−"), sym("A", L, i))), null, null);
    eqRow(grid, dd(mi("L"), sym("Z", L, i)), mrow(under(mo("∑"), mi("r")), dd(mi("L"), sym("A", L, "r")), dot(), dd(sym("A", L, "r"), sym("Z", L, i)), mo("="), sym("A", L, i), mo("−"), sub(mi("y"), mi(i))), null, null, { wide: true });
  } else {
    const dadz = { sigmoid: mrow(sym("A", L, i), paren(mn(1), mo("−"), sym("A", L, i))), tanh: mrow(mn(1), mo("−"), sup(paren(sym("A", L, i)), mn(2))), relu: mtext("1\u00a0if Z\u00a0>\u00a00, else\u00a00"), leakyRelu: mtext("1\u00a0if Z\u00a0>\u00a00, else\u00a00.01"), linear: mn(1) }[act];
    eqRow(grid, dd(sym("A", L, i), sym("Z", L, i)), dadz, null, null);
    const fusedForm = isOut && fusedOutput(m);
    eqRow(grid, dd(mi("L"), sym("Z", L, i)), fusedForm ? mrow(sym("A", L, i), mo("−"), sub(mi("y"), mi(i))) : mrow(dd(mi("L"), sym("A", L, i)), dot(), dd(sym("A", L, i), sym("Z", L, i))), null, null);
  }
  sec.append(grid);
  if (softmax) {
    sec.append(h("p", { class: "insp-cap" }, [
      `Here ∂A/∂Z is not one number per neuron but a ${m.layers[L]} × ${m.layers[L]} matrix (δ is 1 where r = i, else 0): the softmax's A's share one denominator, so each depends on every Z. The chain rule for each `,
      math("inline", sym("Z", L, i)), " sums over all outputs, and with cross-entropy the sum collapses to A − y. Select an output neuron to see its terms.",
    ]));
  }

  const head = (kids) => h("th", { scope: "col" }, kids);
  const cols = [head(math(null, mi(i))), head(math(null, sym("A", L, i)))];
  if (isOut) cols.push(head(math(null, sub(mi("y"), mi(i)))));
  cols.push(head(math(null, dd(mi("L"), sym("A", L, i)))));
  if (!softmax) cols.push(head(math(null, dd(sym("A", L, i), sym("Z", L, i)))));
  cols.push(head(math(null, softmax ? mrow(dd(mi("L"), sym("Z", L, i)), mo("="), sym("A", L, i), mo("−"), sub(mi("y"), mi(i))) : dd(mi("L"), sym("Z", L, i)))));
  const tbody = h("tbody");
  for (let r = 0; r < m.layers[L]; r++) {
    const link = h("button", { type: "button", class: "insp-link", "aria-label": `Inspect ${neuronText(L, r, m.layers, m.featureLabels)}` }, String(r));
    link.addEventListener("click", () => {
      const s = { kind: "n", L, j: r };
      insp.onSelect(s);
      insp.show(s);
    });
    const cells = [h("td", null, link), h("td", null, num(rec.a[r], "value", `a:${ti}:${r}`))];
    if (isOut) cells.push(h("td", null, bare(t.target[r], `y:${r}`)));
    cells.push(h("td", null, num(rec.dL_dA[r], "grad", `dL_dA:${ti}:${r}`)));
    if (!softmax) cells.push(h("td", null, bare(rec.dA_dZ[r], `dA_dZ:${ti}:${r}`)));
    cells.push(h("td", null, num(rec.dL_dZ[r], "grad", `dL_dZ:${ti}:${r}`)));
    tbody.append(h("tr", null, cells));
    if (isOut && m.loss === "bce" && m.output === "sigmoid") {
      const unfused = rec.dL_dA[r] * rec.dA_dZ[r];
      if (saturation(rec.a[r], t.target[r], rec.dL_dA[r], rec.dA_dZ[r], unfused, rec.dL_dZ[r])) m.saturated = true;
    }
    if (softmax && softmaxSaturation(rec.a, rec.dL_dA, rec.dL_dZ_unfused[r], rec.dL_dZ[r])) m.saturated = true;
  }
  sec.append(h("div", { class: "insp-table-wrap" }, h("table", { class: "insp-table" }, h("thead", null, h("tr", null, cols)), tbody)));
  if (isOut && m.saturated) {
    const text = softmax
      ? "An output here is saturated (some A rounds to 0): −y/A is not finite and the unsimplified sum over the Jacobian is NaN, while ∂L/∂Z = A − y stays exact; the engine uses A − y. Select an output neuron for the details."
      : "An output here is saturated (A rounds to 0 or 1): the unsimplified ∂L/∂A · ∂A/∂Z is not finite or loses digits, while ∂L/∂Z = A − y stays exact; the engine uses A − y. Select that output neuron for the details.";
    const note = h("p", { class: "insp-note", role: "note" }, text);
    note.dataset.shape = "note-table";
    sec.append(note);
  }
}

// The finite-difference check beside a backprop value.
function fdBlock(fd, backprop, what, paramSym, suffix, extra) {
  const box = h("div", { class: "insp-check" });
  const L = mi("L");
  const e = mi("ε");
  const p = paramSym;
  const clonePs = () => p.cloneNode(true);
  let lhsMath;
  let how;
  if (what === "nA") {
    lhsMath = frac(mrow(L, paren(clonePs(), mo("+"), e), mo("−"), L, paren(clonePs(), mo("−"), e)), mrow(mn(2), e));
    how = `A cannot be nudged directly, but moving A by ε moves each Z in layer ${extra} by W·ε, so the copy nudges each of their biases by W·ε.`;
  } else if (what === "nAout") {
    lhsMath = frac(mrow(L, paren(clonePs(), mo("+"), e), mo("−"), L, paren(clonePs(), mo("−"), e)), mrow(mn(2), e));
    how = extra === "cce"
      ? "Checked on the loss formula itself, −Σ y ln A evaluated at A ± ε with the other outputs held where they are (in the network one output cannot move alone: the softmax's A's always sum to 1)."
      : "Checked on the loss formula itself, evaluated at A ± ε.";
  } else if (what === "nZ") {
    lhsMath = frac(mrow(L, paren(extra.cloneNode(true), mo("+"), e), mo("−"), L, paren(extra.cloneNode(true), mo("−"), e)), mrow(mn(2), e));
    how = "Z moves one for one with its bias, so nudging the bias measures ∂L/∂Z.";
  } else {
    lhsMath = frac(mrow(L, paren(clonePs(), mo("+"), e), mo("−"), L, paren(clonePs(), mo("−"), e)), mrow(mn(2), e));
    how = null;
  }
  box.append(h("p", { class: "insp-check-h" }, "Check it: nudge, and measure the loss again"));
  box.append(h("div", { class: "insp-form-line insp-fd" }, math(null, lhsMath), h("span", { class: "insp-nowrap" }, h("span", { class: "insp-eq" }, "= "), num(fd.value, "grad", `fd:${what}`))));
  const a = agreement(backprop, fd.value);
  const verdict = h("p", { class: "insp-verdict" });
  verdict.dataset.shape = a.ok ? "fd-ok" : "fd-no";
  const agreeText = a.text.charAt(0).toUpperCase() + a.text.slice(1);
  const pname = { w: "W", b: "b", nZ: "b", nA: "A", nAout: "A" }[what];
  append(verdict, [
    h("span", { class: a.ok ? "insp-ok" : "insp-no" }, `${a.ok ? "✓" : "✗"} ${agreeText}`),
    ` with backprop${suffix ? " " + suffix : ""}. `,
    `ε = 10⁻⁵ · max(1, |${pname}|) = `,
    h("span", { class: "insp-nowrap" }, bare(fd.eps), ","),
    what === "nAout" ? ` nudging ${pname} in the formula.` : ` nudging ${pname} on a copy of the network.`,
    how ? ` ${how}` : "",
  ]);
  verdict.dataset.agree = a.ok ? "yes" : "no";
  verdict.dataset.digits = String(a.digits);
  box.append(verdict);
  return box;
}

function batchMean(m) {
  const { sel } = m;
  const tr = m.batch.traces;
  if (!tr.length) return NaN;
  const P = sel.kind === "n" ? sel.L : sel.l + 1;
  let s = 0;
  for (const t of tr) {
    if (sel.kind === "w") s += t.layers[sel.l].dL_dW[sel.j][sel.k];
    else if (sel.kind === "b") s += t.layers[sel.l].dL_db[sel.j];
    else s += P >= 1 ? t.layers[P - 1].dL_dZ[sel.j] : t.layers[0].dL_dAprev[sel.j];
  }
  return s / tr.length;
}

function batchSection(n, m) {
  const { sel } = m;
  const { rows, traces } = m.batch;
  const P = sel.kind === "n" ? sel.L : sel.l + 1;
  const j = sel.j;
  const sec = step(n, ["Batch mean over ", String(rows.length), rows.length === 1 ? " example" : " examples"], "The loss of a mini-batch is the mean of its examples' losses, so a training step uses the mean of their gradients.");
  const head = (kids) => h("th", { scope: "col" }, kids);
  const dLdZ = dd(mi("L"), sym("Z", P, j));
  let cols;
  let cells;
  if (sel.kind === "w") {
    const { l, k } = sel;
    cols = [head("example"), head(math(null, dLdZ)), head(math(null, sym("A", l, k))), head(math(null, dd(mi("L"), sym("W", l + 1, j, k))))];
    cells = (t) => [t.layers[l].dL_dZ[j], l === 0 ? t.input[k] : t.layers[l - 1].a[k], t.layers[l].dL_dW[j][k]];
  } else if (sel.kind === "b" && P === m.depth && fusedOutput(m)) {
    // The output bias: dL/db = dL/dZ = A - y, example by example.
    const y = m.layers[P] > 1 ? sub(mi("y"), mn(j)) : mi("y");
    cols = [head("example"), head(math(null, sym("A", P, j))), head(math(null, y)), head(math(null, mrow(dd(mi("L"), sym("b", P, j)), mo("="), sym("A", P, j), mo("−"), y)))];
    cells = (t) => [t.layers[P - 1].a[j], t.target[j], t.layers[P - 1].dL_db[j]];
  } else if (sel.kind === "b") {
    cols = [head("example"), head(math(null, dd(mi("L"), sym("A", P, j)))), head(math(null, dd(sym("A", P, j), sym("Z", P, j)))), head(math(null, mrow(dd(mi("L"), sym("b", P, j)), mo("="), dLdZ)))];
    cells = (t) => [t.layers[P - 1].dL_dA[j], t.layers[P - 1].dA_dZ[j], t.layers[P - 1].dL_db[j]];
  } else if (P >= 1) {
    cols = [head("example"), head(math(null, dd(mi("L"), sym("A", P, j)))), head(math(null, dLdZ))];
    cells = (t) => [t.layers[P - 1].dL_dA[j], t.layers[P - 1].dL_dZ[j]];
  } else {
    cols = [head("example"), head(math(null, sym("A", 0, j))), head(math(null, dd(mi("L"), sym("A", 0, j))))];
    cells = (t) => [t.input[j], t.layers[0].dL_dAprev[j]];
  }
  const kinds = sel.kind === "w" ? ["grad", "value", "grad"] : sel.kind === "b" ? (P === m.depth && fusedOutput(m) ? ["value", "value", "grad"] : ["grad", "value", "grad"]) : P >= 1 ? ["grad", "grad"] : ["value", "grad"];
  const tbody = h("tbody");
  const sums = new Array(cols.length - 1).fill(0);
  cols[0].textContent = "n";
  traces.forEach((t, r) => {
    const vals = cells(t);
    vals.forEach((v, c) => (sums[c] += v));
    if (r < BATCH_ROWS_SHOWN) tbody.append(h("tr", null, h("td", null, rows[r].label), vals.map((v, c) => h("td", null, num(v, kinds[c], `batch:${r}:${c}`)))));
  });
  if (traces.length > BATCH_ROWS_SHOWN) {
    tbody.append(h("tr", null, h("td", { colspan: String(cols.length) }, h("span", { class: "insp-why" }, `… and ${traces.length - BATCH_ROWS_SHOWN} more, all in the mean`))));
  }
  const mean = batchMean(m);
  const footCells = [h("td", null, "mean")];
  for (let c = 0; c < cols.length - 1; c++) {
    const isLast = c === cols.length - 2;
    // Only the last column's mean is the batch gradient; for a neuron, both derivatives' means are meaningful.
    const meaningful = isLast || sel.kind === "n";
    footCells.push(h("td", null, meaningful ? num(isLast ? mean : sums[c] / traces.length, kinds[c], isLast ? "batch.mean" : `batch.mean:${c}`) : ""));
  }
  sec.append(h("div", { class: "insp-table-wrap" }, h("table", { class: "insp-table" }, h("thead", null, h("tr", null, cols)), tbody, h("tfoot", null, h("tr", null, footCells)))));

  const grid = h("div", { class: "insp-eqs" });
  const resultSym =
    sel.kind === "w" ? dd(mi("L"), sym("W", sel.l + 1, j, sel.k)) : sel.kind === "b" ? dd(mi("L"), sym("b", P, j)) : P >= 1 ? dLdZ : dd(mi("L"), sym("A", 0, j));
  // The batch loss is the mean of the per-example losses L_n, so its gradient is their mean.
  const perExample = resultSym.cloneNode(true);
  perExample.firstChild.lastChild.replaceWith(sub(mi("L"), mi("n")));
  const meanFormula = mrow(frac(mn(1), mi("N")), under(mo("∑"), mi("n")), perExample);
  eqRow(grid, resultSym, meanFormula, null, mean, { slot: "batch.result", result: true });
  sec.append(grid);
  if (m.batch.engine !== undefined) {
    const e = m.batch.engine;
    const ok = relDiff(e, mean) < 1e-9 || Math.abs(e - mean) < 1e-15;
    const p = h("p", { class: "insp-verdict" });
    p.dataset.shape = ok ? "engine-ok" : "engine-no";
    p.dataset.match = ok ? "yes" : "no";
    append(p, ok
      ? [h("span", { class: "insp-ok" }, "✓ "), "Equals the engine's batch gradient, ", num(e, "grad", "batch.engine"), ` (gradients()${sel.kind === "n" ? ", its bias" : ""}).`]
      : [h("span", { class: "insp-why" }, "ⓘ "), "The engine's last step used ", num(e, "grad", "batch.engine"), " for its batch: a gradient is computed before the update it drives, so at the updated weights the mean above is already different."]);
    sec.append(p);
  }
  const fd = sel.kind === "n" ? (P >= 1 ? m.batch.fd?.dZ : m.batch.fd?.dA) : m.batch.fd?.main;
  if (fd) {
    const paramSym = sel.kind === "w" ? sym("W", sel.l + 1, j, sel.k) : sel.kind === "b" ? sym("b", P, j) : P >= 1 ? sym("Z", P, j) : sym("A", 0, j);
    sec.append(fdBlock(fd, mean, sel.kind === "n" ? (P >= 1 ? "nZ" : "nA") : sel.kind, paramSym, "on the batch's mean loss", sel.kind === "n" ? (P >= 1 ? sym("b", P, j) : 1) : undefined));
  }
  return sec;
}


