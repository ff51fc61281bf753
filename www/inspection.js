// What the chain-rule inspector shows, computed without the DOM: every number of the panel
// for one selection, from ONE state of one network (issue 11). It runs where the network
// lives (the training worker, www/trainer.js, or the main thread when no worker can start),
// and its result, a plain structured-cloneable object (the "model"), crosses to the panel
// (www/inspector.js), which writes it to the page in one update.
//
// Every number comes from the engine: `net.trace(input, target)` for one example, the
// engine's batch gradients for the batch check, and a throwaway clone
// (`Network.fromState(net.toState())`) nudged by +-epsilon for the finite-difference check.
// Nothing here computes a derivative of its own.

/** Relative size of the finite-difference nudge: epsilon = FD_EPSILON * max(1, |parameter|). */
export const FD_EPSILON = 1e-5;

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

const SUPERSCRIPT = { "-": "⁻", "+": "", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/**
 * A number at 4 significant digits, with a real minus sign; exponent notation
 * ("−1.234 × 10⁻⁵") below 10⁻³ and from 10⁴; whole numbers below 10⁴ as they are.
 */
export function formatNumber(x) {
  if (x === undefined) return "—";
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  let s;
  if (Number.isInteger(x) && a < 1e4) s = String(x);
  else if (a >= 1e-3 && a < 1e4) s = x.toPrecision(4);
  else {
    const [mant, exp] = x.toExponential(3).split("e");
    s = `${mant} × 10${[...exp].map((c) => SUPERSCRIPT[c]).join("")}`;
  }
  return s.replace(/-/g, "−");
}

/** Reads formatNumber's output back (for tests and tooling): "−1.234 × 10⁻⁵" -> -0.00001234. */
export function parseNumber(text) {
  const t = String(text).trim().replace(/−/g, "-");
  if (t === "NaN") return NaN;
  if (t === "∞") return Infinity;
  if (t === "-∞") return -Infinity;
  const m = /^(-?[\d.]+)(?: × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/.exec(t);
  if (!m) return NaN;
  if (!m[2]) return Number(m[1]);
  const back = Object.fromEntries(Object.entries(SUPERSCRIPT).filter(([, v]) => v).map(([k, v]) => [v, k]));
  return Number(`${m[1]}e${[...m[2]].map((c) => back[c]).join("")}`);
}

/** |a − b| relative to the larger magnitude (0 when both are 0). */
export const relDiff = (a, b) => {
  if (a === b) return 0;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
};

/**
 * How well a finite difference agrees with backprop: `{ ok, digits, text }`.
 * Agreement is relative (`digits` significant digits) or, where both are essentially zero,
 * absolute (a central difference cannot resolve slopes much below 1e-10).
 */
export function agreement(backprop, fd) {
  if (!Number.isFinite(backprop) || !Number.isFinite(fd)) {
    return { ok: false, digits: 0, text: "cannot be compared: one of them is not finite" };
  }
  const rel = relDiff(backprop, fd);
  const abs = Math.abs(backprop - fd);
  const digits = rel === 0 ? 16 : Math.max(0, Math.min(16, Math.floor(-Math.log10(rel))));
  if (rel < 1e-5) return { ok: true, digits, text: rel === 0 ? "agrees exactly" : `agrees to ${digits} significant digits` };
  if (abs < 1e-9) return { ok: true, digits, text: `agrees: both are 0 to within ${formatNumber(abs)}` };
  return { ok: false, digits, text: `differs by ${formatNumber(abs)} (relative ${formatNumber(rel)})` };
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/**
 * Every number the panel shows for `selection` on `net`, all from its current state.
 *
 * - `example`: `{ input, target, label }` (input as `net.trace` takes it) or null;
 * - `batch`: `{ rows: [{ input, target, label }] }` for the batch-mean mode, or null;
 * - `gradients`: `{ dL_dW, dL_db }` flat (the engine's layout), the gradient the engine's
 *   last prepared step used, or null;
 * - `step`: the network's step count, shown with the numbers.
 *
 * Returns the model: `{ sel, layers, depth, hidden, output, loss, featureLabels, weights,
 * biases, trace, traceLabel, fd, batch, exampleText, step }`, or `{ error }`.
 */
export function computeInspection(engine, net, { selection: sel, example = null, batch = null, gradients = null, step = 0 }) {
  try {
    return compute(engine, net, sel, example, batch, gradients, step);
  } catch (err) {
    return { sel, step, error: String(err?.message ?? err) };
  }
}

function compute(engine, net, sel, example, batch, gradients, step) {
  const state = net.toState();
  const layers = Array.from(state.layers);
  const m = {
    sel,
    step,
    layers,
    depth: layers.length - 1,
    hidden: state.hidden,
    output: state.output,
    loss: state.loss,
    featureLabels: state.features ?? null,
    weights: state.weights,
    biases: state.biases,
    trace: null,
    traceLabel: "",
    fd: null,
    batch: null,
    exampleText: "",
  };
  if (example) {
    m.trace = net.trace(example.input, example.target);
    m.traceLabel = example.label ?? "this example";
    m.exampleText = describeExample(example, m.trace.target, net.inputSize);
  }
  const rows = batch?.rows ?? null;
  if (rows) {
    const traces = rows.map((r) => net.trace(r.input, r.target));
    m.batch = { rows: rows.map((r) => ({ label: r.label })), traces };
    if (!m.trace && traces.length) {
      m.trace = traces[0];
      m.traceLabel = `${rows[0].label}, the batch's first example`;
    }
    m.exampleText = `Batch mean over ${rows.length} example${rows.length === 1 ? "" : "s"}${example ? `; chain for ${m.traceLabel}` : ""}`;
  }
  if (!m.trace) {
    m.exampleText = "No example picked";
    return m;
  }
  // The engine's own batch gradient, for the batch check.
  if (m.batch && gradients) {
    const P = sel.kind === "n" ? sel.L : sel.l + 1;
    if (sel.kind === "w") m.batch.engine = gradients.dL_dW[weightIndex(layers, sel.l, sel.j, sel.k)];
    else if (P >= 1) m.batch.engine = gradients.dL_db[biasIndex(layers, P - 1, sel.j)];
  }
  // Finite differences on a clone, nudging the parameter by +-epsilon.
  const clone = engine.Network.fromState(state);
  try {
    if (example || !m.batch) {
      const lossOf = () => clone.trace(example.input, example.target).loss;
      m.fd = finiteDifferences(clone, sel, m, lossOf, m.trace);
    }
    if (m.batch && rows.length) {
      clone.setTrainingData(
        rows.map((r) => Array.from(r.input)),
        rows.map((r) => Array.from(r.target)),
      );
      m.batch.fd = finiteDifferences(clone, sel, m, () => clone.evaluate().trainLoss, null);
    }
  } finally {
    clone.free();
  }
  return m;
}

/** Index of W[l][j][k] in the flat weights ([out][in] blocks, layer after layer). */
export function weightIndex(layers, l, j, k) {
  let i = 0;
  for (let q = 0; q < l; q++) i += layers[q] * layers[q + 1];
  return i + j * layers[l] + k;
}

/** Index of b[l][j] in the flat biases. */
export function biasIndex(layers, l, j) {
  let i = 0;
  for (let q = 0; q < l; q++) i += layers[q + 1];
  return i + j;
}

// ---------------------------------------------------------------------------------------
// Finite differences
// ---------------------------------------------------------------------------------------

// Central differences (L(x + e) - L(x - e)) / 2e on the clone, for the selection:
// - weight or bias: nudge that parameter;
// - neuron: dL/dZ through its bias (Z moves one for one with b), and dL/dA through the next
//   layer's biases (moving A by e moves each Z^[L+1]_i by W_{i,j} e, exactly what nudging b_i
//   by W_{i,j} e does); at the output, dL/dA is checked on the loss formula itself.
function finiteDifferences(clone, sel, m, lossOf, trace) {
  const central = (x0, set) => {
    const eps = FD_EPSILON * Math.max(1, Math.abs(x0));
    const xp = x0 + eps;
    const xm = x0 - eps;
    set(xp);
    const lp = lossOf();
    set(xm);
    const lm = lossOf();
    set(x0);
    return { value: (lp - lm) / (xp - xm), eps };
  };
  const out = {};
  if (sel.kind === "w") {
    const w0 = m.weights[sel.l][sel.j][sel.k];
    out.main = central(w0, (v) => clone.setWeight(sel.l, sel.j, sel.k, v));
  } else if (sel.kind === "b") {
    const b0 = m.biases[sel.l][sel.j];
    out.main = central(b0, (v) => clone.setBias(sel.l, sel.j, v));
  } else {
    const { L, j } = sel;
    if (L >= 1) {
      const b0 = m.biases[L - 1][j];
      out.dZ = central(b0, (v) => clone.setBias(L - 1, j, v));
    }
    if (L < m.depth) {
      const next = m.layers[L + 1];
      const W = m.weights[L];
      const b = m.biases[L];
      const eps = FD_EPSILON * (trace ? Math.max(1, Math.abs(activationOf(trace, L, j))) : 1);
      const shift = (d) => {
        for (let i = 0; i < next; i++) clone.setBias(L, i, b[i] + W[i][j] * d);
      };
      shift(eps);
      const lp = lossOf();
      shift(-eps);
      const lm = lossOf();
      shift(0);
      for (let i = 0; i < next; i++) clone.setBias(L, i, b[i]);
      out.dA = { value: (lp - lm) / (2 * eps), eps, viaBiases: true };
    } else if (trace) {
      const a = trace.layers[L - 1].a[j];
      const y = trace.target[j];
      const eps = FD_EPSILON * Math.max(1, Math.abs(a));
      const f = (x) => lossFormula(m.loss, x, y);
      const value = (f(a + eps) - f(a - eps)) / (2 * eps);
      // At a saturated output, A ± ε leaves (0, 1) and the formula has no value there.
      if (Number.isFinite(value)) out.dA = { value, eps, onFormula: true };
    }
  }
  return out;
}

export function activationOf(trace, L, j) {
  return L === 0 ? trace.input[j] : trace.layers[L - 1].a[j];
}

/**
 * One output's share of the loss, as a function of its A alone (the others held fixed):
 * bce `-y ln A - (1-y) ln(1-A)`, cce `-y ln A` (its term of `-sum_j y_j ln A_j`), squared
 * `1/2 (A-y)^2`. Its slope in A is the `dL_dA` the engine reports for that output.
 */
export function lossFormula(loss, a, y) {
  if (loss === "bce") return -y * Math.log(a) - (1 - y) * Math.log(1 - a);
  if (loss === "cce") return y === 0 ? 0 : -y * Math.log(a);
  return 0.5 * (a - y) * (a - y);
}

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

export function describeExample(example, ys, inputSize) {
  const input = Array.from(example.input ?? []);
  const names = inputSize === 2 ? ["x₁", "x₂"] : null;
  const x = names ? input.map((v, i) => `${names[i]} = ${formatNumber(v)}`).join(", ") : `x = (${input.map(formatNumber).join(", ")})`;
  const y = ys.length === 1 ? `y = ${formatNumber(ys[0])}` : `y = (${ys.map(formatNumber).join(", ")})${oneHotClass(ys) >= 0 ? `, class ${oneHotClass(ys)}` : ""}`;
  return `${example.label ? `${example.label}: ` : ""}${x}, ${y}`;
}

/** The class of a one-hot target row (a single 1, zeros elsewhere), or -1. */
export function oneHotClass(ys) {
  let c = -1;
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] === 1 && c < 0) c = i;
    else if (ys[i] !== 0) return -1;
  }
  return c;
}
