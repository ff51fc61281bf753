// www/palette.js, tickLabel: axis and legend numbers stay short enough to fit beside an axis.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tickLabel } from "../../www/palette.js";

test("tick labels: plain numbers, powers of ten as 10ⁿ, huge and tiny ones as a short mantissa and exponent", () => {
  const cases = [
    [0, "0"], [0.05, "0.05"], [1.5, "1.5"], [-2, "−2"], [250, "250"],
    [100, "10²"], [1e-3, "10⁻³"], [1e305, "10³⁰⁵"],
    // A diverged loss: the linear axis's ticks are 1, 2 or 5 times a power of ten.
    [2e305, "2e305"], [5e305, "5e305"], [1.5e12, "1.5e12"], [-3e-7, "−3e−7"], [0.0002, "2e−4"], [9.96e7, "1e8"],
  ];
  for (const [v, want] of cases) assert.equal(tickLabel(v), want, String(v));
  for (let e = 5; e <= 308; e += 7) assert.ok(tickLabel(2 * 10 ** e).length <= 5, `2e${e} is at most 5 characters`);
});
