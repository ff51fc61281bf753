// Checks the arithmetic a reader can see in the chain-rule inspector (issue 11): every
// "a · b = c", "a − b = c", "1 − (a)² = c", "a(1 − a) = c", "σ(z) = a" and "tanh(z) = a"
// the panel shows must hold for the numbers *as shown*, allowing only for their rounding.
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
  const NUM = "\\(?[−-]?\\d+(?:\\.\\d+)?(?: × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?\\)?";
  const text = (el) => el.textContent.replace(/\s+/g, " ").trim();
  const relations = [];
  const add = (kind, args, where) => relations.push({ kind, args, where });
  // Equation rows: [lhs] = [formula] = [substitution] = [value].
  for (const row of panel.querySelectorAll(".insp-row")) {
    const subst = row.querySelector(".insp-subst");
    const val = row.querySelector(".insp-val .insp-num");
    if (!subst || !val) continue;
    const s = text(subst).replace(/^= /, "");
    const v = text(val);
    const where = `${s} = ${v}`;
    let m;
    if ((m = new RegExp(`^(${NUM}) · (${NUM})$`).exec(s))) add("mul", [m[1], m[2], v], where);
    else if ((m = new RegExp(`^(${NUM})\\(1 − (${NUM})\\)$`).exec(s))) add("a(1-a)", [m[1], m[2], v], where);
    else if ((m = new RegExp(`^1 − \\((${NUM})\\)²$`).exec(s))) add("1-a²", [m[1], v], where);
    else if ((m = new RegExp(`^σ\\((${NUM})\\)$`).exec(s))) add("sigmoid", [m[1], v], where);
    else if ((m = new RegExp(`^tanh\\((${NUM})\\)$`).exec(s))) add("tanh", [m[1], v], where);
    else if ((m = new RegExp(`^max\\(0, (${NUM})\\)$`).exec(s))) add("relu", [m[1], v], where);
  }
  // The side-by-side forms: "= a · b" "= c" and "= a − y" "= c".
  for (const line of panel.querySelectorAll(".insp-form-line")) {
    const parts = [...line.children].filter((c) => c.tagName === "SPAN").map(text);
    if (parts.length < 2) continue;
    const s = parts[parts.length - 2].replace(/^= /, "");
    const v = parts[parts.length - 1].replace(/^= /, "");
    const where = `${s} = ${v}`;
    let m;
    if ((m = new RegExp(`^(${NUM}) · (${NUM})$`).exec(s))) add("mul", [m[1], m[2], v], where);
    else if ((m = new RegExp(`^(${NUM}) − (${NUM})$`).exec(s))) add("sub", [m[1], m[2], v], where);
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

/** A shown number: its value and half a unit of its last shown digit. */
export function shown(textValue) {
  const t = String(textValue).trim().replace(/^\((.*)\)$/, "$1").replace(/−/g, "-");
  const m = /^(-?)(\d+)(?:\.(\d+))?(?: × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/.exec(t);
  if (!m) return null;
  const exp = m[4] ? Number([...m[4]].map((c) => SUP[c]).join("")) : 0;
  const decimals = m[3]?.length ?? 0;
  const value = Number(`${m[1]}${m[2]}${m[3] ? "." + m[3] : ""}e${exp}`);
  // Whole numbers below 10^4 are shown exactly (formatNumber prints them as they are).
  const half = decimals === 0 && !m[4] ? 0 : 0.5 * 10 ** (exp - decimals);
  return { value, half };
}

// Interval bounds of f over the box of shown inputs, for monotone-ish small formulas: sample the
// corners (the formulas below are monotone in each argument over a box this small).
function cornerRange(f, ...xs) {
  let lo = Infinity;
  let hi = -Infinity;
  const n = xs.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    const args = xs.map((x, i) => x.value + (mask & (1 << i) ? x.half : -x.half));
    const v = f(...args);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

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
    let range;
    switch (r.kind) {
      case "mul":
        range = cornerRange((a, b) => a * b, nums[0], nums[1]);
        break;
      case "sub":
        range = cornerRange((a, b) => a - b, nums[0], nums[1]);
        break;
      case "a(1-a)":
        // Both factors show the same A; the true A is one number inside both intervals.
        range = cornerRange((a) => a * (1 - a), nums[0]);
        break;
      case "1-a²":
        range = cornerRange((a) => 1 - a * a, nums[0]);
        break;
      case "sigmoid":
        range = cornerRange(sigmoid, nums[0]);
        break;
      case "tanh":
        range = cornerRange(Math.tanh, nums[0]);
        break;
      case "relu":
        range = cornerRange((z) => Math.max(0, z), nums[0]);
        break;
      case "sum": {
        const terms = nums.slice(0, -1);
        const s = terms.reduce((a, x) => a + x.value, 0);
        const h = terms.reduce((a, x) => a + x.half, 0);
        range = [s - h, s + h];
        break;
      }
      default:
        failures.push({ ...r, why: `unknown relation ${r.kind}` });
        continue;
    }
    // Floating-point slack on top of the rounding intervals.
    const slack = 1e-12 * Math.max(1, Math.abs(c.value));
    const [lo, hi] = range;
    if (c.value + c.half < lo - slack || c.value - c.half > hi + slack) {
      failures.push({ ...r, why: `the shown result ${r.args[r.args.length - 1]} is outside [${lo}, ${hi}], what the shown factors allow` });
    }
  }
  return failures;
}
