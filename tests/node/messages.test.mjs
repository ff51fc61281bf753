// www/messages.js, engineErrorNotice: what a reader is told when training goes wrong.
import { test } from "node:test";
import assert from "node:assert/strict";
import { engineErrorNotice } from "../../www/messages.js";
import { LEARNING_RATES } from "../../www/state.js";

test("a divergence names the engine's step and offers the next lower learning rate", () => {
  const message = "training diverged at step 1234: the update would make the loss or a weight non-finite";
  const n = engineErrorNotice(new Error(message), { stepCount: 7, learningRate: 3 });
  assert.deepEqual(n, { diverged: true, text: "The loss became infinite at step 1,234; lower the learning rate.", message, step: 1234, lowerRate: 1 });
  const lowest = Math.min(...LEARNING_RATES);
  assert.equal(engineErrorNotice(new Error(message), { stepCount: 0, learningRate: lowest }).lowerRate, null, "none below the lowest");
  assert.equal(engineErrorNotice(new Error(message), { stepCount: 0, learningRate: 0.05, rates: [0.01, 0.03, 0.1] }).lowerRate, 0.03);
});

test("a divergence without a step number is the step after the last drawn one", () => {
  const n = engineErrorNotice("the network diverged", { stepCount: 99, learningRate: 0.1 });
  assert.equal(n.step, 100);
  assert.equal(n.diverged, true);
});

test("any other error is shown as it is", () => {
  const n = engineErrorNotice(new Error("out of memory"), { stepCount: 5, learningRate: 0.1 });
  assert.deepEqual(n, { diverged: false, text: "Something went wrong: out of memory", message: "out of memory", step: null, lowerRate: null });
});
