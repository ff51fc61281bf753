// Checks the arithmetic a reader can see in the chain-rule inspector (issue 11): every
// relation the panel shows must hold for the numbers *as shown*, allowing only for their
// rounding. The relations, as the panel writes them (a substitution, then "= c"):
//
//   a · b            a − b            a / b            a(d − b)  (a(1 − a) when both a's are one number)
//   1 − (a)²         σ(z)             tanh(z)          max(0, z)
//   exp(z)           exp(z − m)       −y · ln(a)       ½(a − y)²        z  (A = Z, a linear output)
//
// and sums shown term by term (a row followed by its term rows). Numbers may be ∞, −∞ or NaN
// (a saturated output divides by zero): then the relation must hold exactly in IEEE arithmetic,
// as the engine computed it (−1 / 0 = −∞, −0 / 0 = NaN, ∞ · 0 = NaN), except that −0 · ln(a) is
// 0 (the convention 0 ln 0 = 0 of cross-entropy).
//
// The panel shows numbers at 4 significant digits (www/inspector.js formatNumber), so a shown
// number x̃ stands for any x with |x − x̃| <= half a unit of its last digit. A shown relation
// holds "within rounding" when some choice of the true numbers inside those intervals makes
// it exact: for c = a · b, |ã·b̃ − c̃| <= |b̃|δa + |ã|δb + δa·δb + δc (interval arithmetic).
//
// The panel is read in the page (collectRelations) and judged in Node (checkRelations), so the
// test can print every relation that fails with the text it came from.

/** Runs in the page: the relations the inspector inside `root` (a ShadowRoot or element) shows. */
export function collectRelations(rootSelector) {
  const host = document.querySelector(rootSelector);
  const root = host?.shadowRoot ?? host;
  const panel = root?.querySelector(".insp");
  if (!panel || panel.hidden) return { visible: false, relations: [] };
  const NUM = "\\(?(?:[−-]?\\d+(?:\\.\\d+)?(?: × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?|[−-]?∞|NaN)\\)?";
  const text = (el) => el.textContent.replace(/\s+/g, " ").trim();
  const relations = [];
  const add = (kind, args, where) => relations.push({ kind, args, where });
  // Each pattern: a substitution's shape and the relation it states.
  const PATTERNS = [
    ["mul", `^(${NUM}) · (${NUM})$`],
    ["a(d-b)", `^(${NUM})\\((${NUM}) − (${NUM})\\)$`],
    ["1-a²", `^1 − \\((${NUM})\\)²$`],
    ["sigmoid", `^σ\\((${NUM})\\)$`],
    ["tanh", `^tanh\\((${NUM})\\)$`],
    ["relu", `^max\\(0, (${NUM})\\)$`],
    ["sub", `^(${NUM}) − (${NUM})$`],
    ["div", `^(${NUM}) / (${NUM})$`],
    ["-y·ln(a)", `^−(${NUM}) · ln\\((${NUM})\\)$`],
    ["exp", `^exp\\((${NUM})\\)$`],
    ["exp(a-b)", `^exp\\((${NUM}) − (${NUM})\\)$`],
    ["½(a-b)²", `^½\\((${NUM}) − (${NUM})\\)²$`],
    ["id", `^(${NUM})$`],
  ].map(([kind, re]) => [kind, new RegExp(re)]);
  const match = (s, v, where) => {
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(s);
      if (m) {
        add(kind, [...m.slice(1), v], where);
        return;
      }
    }
  };
  // Equation rows: [lhs] = [formula] = [substitution] = [value].
  for (const row of panel.querySelectorAll(".insp-row")) {
    const subst = row.querySelector(".insp-subst");
    const val = row.querySelector(".insp-val .insp-num");
    if (!subst || !val) continue;
    const s = text(subst).replace(/^= /, "");
    const v = text(val);
    match(s, v, `${s} = ${v}`);
  }
  // The side-by-side forms: "= a · b" "= c" and "= a − y" "= c".
  for (const line of panel.querySelectorAll(".insp-form-line")) {
    const parts = [...line.children].filter((c) => c.tagName === "SPAN").map(text);
    if (parts.length < 2) continue;
    const s = parts[parts.length - 2].replace(/^= /, "");
    const v = parts[parts.length - 1].replace(/^= /, "");
    match(s, v, `${s} = ${v}`);
  }
  // A sum shown term by term: the rows after a sum's own row, up to the next non-term row.
  const grids = panel.querySelectorAll(".insp-eqs");
  for (const grid of grids) {
    const rows = [...grid.querySelectorAll(":scope > .insp-row")];
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].classList.contains("insp-term") || !rows[i + 1]?.classList.contains("insp-term")) continue;
      const terms = [];
      let j = i + 1;
      for (; j < rows.length && rows[j].classList.contains("insp-term"); j++) terms.push(text(rows[j].querySelector(".insp-val .insp-num")));
      const more = grid.querySelector(".insp-more");
      if (more) continue; // not every term is listed
      const total = rows[i].querySelector(".insp-val .insp-num");
      if (total) add("sum", [...terms, text(total)], `${terms.join(" + ")} = ${text(total)}`);
    }
  }
  const status = panel.querySelector(".insp-status")?.textContent ?? "";
  return { visible: true, relations, status };
}

const SUP = { "⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9" };

/** A shown number: its value and half a unit of its last shown digit (0 for ∞, −∞, NaN). */
export function shown(textValue) {
  const t = String(textValue).trim().replace(/^\((.*)\)$/, "$1").replace(/−/g, "-");
  if (t === "NaN") return { value: NaN, half: 0 };
  if (t === "∞") return { value: Infinity, half: 0 };
  if (t === "-∞") return { value: -Infinity, half: 0 };
  const m = /^(-?)(\d+)(?:\.(\d+))?(?: × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/.exec(t);
  if (!m) return null;
  const exp = m[4] ? Number([...m[4]].map((c) => SUP[c]).join("")) : 0;
  const decimals = m[3]?.length ?? 0;
  const value = Number(`${m[1]}${m[2]}${m[3] ? "." + m[3] : ""}e${exp}`);
  // Whole numbers below 10^3 are shown exactly (formatNumber prints whole numbers below 10^4
  // as they are, but 1234.4 at 4 significant digits is "1234" too).
  const half = decimals === 0 && !m[4] ? (m[2].length >= 4 ? 0.5 : 0) : 0.5 * 10 ** (exp - decimals);
  return { value, half };
}

// The values f takes over the box of shown inputs: at its corners, plus at any `critical`
// points inside it (where a formula that is not monotone turns). Every formula below is
// monotone in each argument elsewhere, over a box this small.
function valuesOver(f, xs, critical = []) {
  const n = xs.length;
  const out = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    out.push(f(...xs.map((x, i) => x.value + (mask & (1 << i) ? x.half : -x.half))));
  }
  for (const args of critical) out.push(f(...args));
  return out;
}

/** The points `x` inside the shown interval of `num` (for a one-argument formula's turning point). */
const inside = (num, x) => (Math.abs(num.value - x) <= num.half ? [[x]] : []);

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/**
 * Judges relations from collectRelations: returns the ones that do not hold within rounding,
 * each with a reason. An unparsable number is itself a failure.
 */
export function checkRelations(relations) {
  const failures = [];
  for (const r of relations) {
    const nums = r.args.map(shown);
    if (nums.some((x) => x === null)) {
      failures.push({ ...r, why: "a number could not be read" });
      continue;
    }
    const c = nums[nums.length - 1];
    const [a, b, d] = nums;
    let vals;
    switch (r.kind) {
      case "mul":
        vals = valuesOver((x, y) => x * y, [a, b]);
        break;
      case "sub":
        vals = valuesOver((x, y) => x - y, [a, b]);
        break;
      case "div":
        vals = a.half === 0 && b.half === 0 ? [a.value / b.value] : Math.abs(b.value) <= b.half ? [-Infinity, Infinity] : valuesOver((x, y) => x / y, [a, b]);
        break;
      case "a(d-b)":
        // a(1 − a): both a's are one number (a sigmoid's A, the softmax Jacobian's diagonal).
        if (r.args[0] === r.args[2] && b.value === 1 && b.half === 0) vals = valuesOver((x) => x * (1 - x), [a], inside(a, 0.5));
        else vals = valuesOver((x, y, z) => x * (y - z), [a, b, d]);
        break;
      case "1-a²":
        vals = valuesOver((x) => 1 - x * x, [a], inside(a, 0));
        break;
      case "sigmoid":
        vals = valuesOver(sigmoid, [a]);
        break;
      case "tanh":
        vals = valuesOver(Math.tanh, [a]);
        break;
      case "relu":
        vals = valuesOver((z) => Math.max(0, z), [a]);
        break;
      case "exp":
        vals = valuesOver(Math.exp, [a]);
        break;
      case "exp(a-b)":
        vals = valuesOver((x, y) => Math.exp(x - y), [a, b]);
        break;
      case "-y·ln(a)":
        // 0 ln 0 = 0: a class the example is not in adds nothing to the cross-entropy.
        vals = a.value === 0 && a.half === 0 ? [0] : valuesOver((y, x) => -y * Math.log(x), [a, b]);
        break;
      case "½(a-b)²": {
        const crit = Math.abs(a.value - b.value) <= a.half + b.half ? [[b.value, b.value]] : [];
        vals = valuesOver((x, y) => 0.5 * (x - y) * (x - y), [a, b], crit);
        break;
      }
      case "id":
        vals = valuesOver((x) => x, [a]);
        break;
      case "sum": {
        const terms = nums.slice(0, -1);
        const sum = terms.reduce((acc, x) => acc + x.value, 0);
        const h = terms.reduce((acc, x) => acc + x.half, 0);
        vals = Number.isFinite(sum) ? [sum - h, sum + h] : [sum];
        break;
      }
      default:
        failures.push({ ...r, why: `unknown relation ${r.kind}` });
        continue;
    }
    const why = judge(vals, c, r.args[r.args.length - 1]);
    if (why) failures.push({ ...r, why });
  }
  return failures;
}

// Null if the shown result c is one of the values the shown inputs allow, else why not.
function judge(vals, c, text) {
  if (!Number.isFinite(c.value) || vals.some((v) => !Number.isFinite(v))) {
    // Not finite: exactly what IEEE arithmetic gives, with nothing to round.
    const same = (v) => (Number.isNaN(c.value) ? Number.isNaN(v) : v === c.value);
    return vals.every(same) ? null : `the shown result ${text} is not what the shown numbers give (${[...new Set(vals.map(String))].join(", ")})`;
  }
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  // Floating-point slack on top of the rounding intervals.
  const slack = 1e-12 * Math.max(1, Math.abs(c.value));
  if (c.value + c.half < lo - slack || c.value - c.half > hi + slack) {
    return `the shown result ${text} is outside [${lo}, ${hi}], what the shown factors allow`;
  }
  return null;
}
