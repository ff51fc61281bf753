// The built package (pkg/, `npm run build`) loaded in Node: Network.fromState(state).trace()
// agrees with an independent reverse-mode autodiff (./autodiff.mjs) to 1e-7 relative, for
// every hidden activation, every loss with every valid output activation (softmax with cce
// included: its Jacobian and unfused chain rule too), multi-layer and multi-output networks,
// and outputs saturated to exactly 0 or 1; one full-batch step(1) is the textbook update.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Network } from "./pkg.mjs";
import { graph, slope, softmax, Value } from "./autodiff.mjs";

const HIDDEN = ["sigmoid", "tanh", "relu", "leakyRelu", "linear"];
const PAIRS = [
  ["sigmoid", "bce"],
  ["sigmoid", "squared"],
  ["tanh", "squared"],
  ["linear", "squared"],
];
const SHAPES = [
  [1, 1],
  [2, 3, 1],
  [3, 4, 2],
  [2, 5, 3, 1],
  [4, 3, 3, 3, 3],
];
const REL = 1e-7;
const ABS = 1e-12;

/** Seeded uniform numbers (mulberry32), so every run checks the same networks. */
function rng(seed) {
  let a = seed >>> 0;
  return (lo = 0, hi = 1) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + (hi - lo) * u;
  };
}

function randomState(rand, layers, hidden, output, loss) {
  const weights = [];
  const biases = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    weights.push(Array.from({ length: layers[l + 1] }, () => Array.from({ length: layers[l] }, () => rand(-1.5, 1.5))));
    biases.push(Array.from({ length: layers[l + 1] }, () => rand(-1, 1)));
  }
  return { layers, hidden, output, loss, weights, biases };
}

function closeTo(got, want, what) {
  const ok = Math.abs(got - want) <= REL * Math.max(Math.abs(got), Math.abs(want)) + ABS;
  assert.ok(ok, `${what}: engine ${got}, autodiff ${want} (diff ${Math.abs(got - want)})`);
}

/** Whether some hidden |Z| is so close to a rectifier's kink that the two sides may disagree. */
function nearKink(g, hidden) {
  if (hidden !== "relu" && hidden !== "leakyRelu") return false;
  return g.Z.slice(0, -1).some((layer) => layer.some((z) => Math.abs(z.data) < 1e-9));
}

/**
 * Compares every field of the engine's trace with the autodiff. `saturated` skips the
 * comparisons of the literal output dL_dA and dA_dZ (checked separately by the caller).
 */
function compare(state, input, target, { saturated = false } = {}) {
  const net = Network.fromState(state);
  const t = net.trace(input, target);
  net.free();
  const g = graph(state, input, target);
  const depth = state.layers.length - 1;
  const ys = Array.isArray(target) ? target : [target];
  assert.deepEqual(t.input, input);
  assert.deepEqual(t.target, ys);
  assert.equal(t.layers.length, depth);
  closeTo(t.loss, g.loss.data, "loss");
  // dL/dA of a bce or cce output through A, where A is strictly inside (0, 1).
  const throughA = state.loss === "bce" || state.loss === "cce";
  const viaA = throughA && !saturated ? graph(state, input, target, { lossFrom: "a" }) : null;
  for (let l = 0; l < depth; l++) {
    const rec = t.layers[l];
    const act = l === depth - 1 ? state.output : state.hidden;
    const last = l === depth - 1;
    const at = (j) => `layer ${l} neuron ${j}`;
    g.Z[l].forEach((z, j) => {
      closeTo(rec.z[j], z.data, `z ${at(j)}`);
      closeTo(rec.a[j], g.A[l][j].data, `a ${at(j)}`);
      closeTo(rec.dL_dZ[j], z.grad, `dL_dZ ${at(j)}`);
      closeTo(rec.dL_db[j], g.b[l][j].grad, `dL_db ${at(j)}`);
      g.W[l][j].forEach((w, k) => closeTo(rec.dL_dW[j][k], w.grad, `dL_dW ${at(j)} input ${k}`));
      if (!(last && saturated)) {
        // A softmax's dA_dZ (its Jacobian's diagonal) is checked by the softmax tests.
        if (act !== "softmax") closeTo(rec.dA_dZ[j], slope(act, z.data), `dA_dZ ${at(j)}`);
        const dA = last && viaA ? viaA.A[l][j].grad : g.A[l][j].grad;
        closeTo(rec.dL_dA[j], dA, `dL_dA ${at(j)}`);
      }
    });
    const prev = l === 0 ? g.x : g.A[l - 1];
    prev.forEach((p, k) => closeTo(rec.dL_dAprev[k], p.grad, `dL_dAprev layer ${l} input ${k}`));
  }
  return t;
}

test("trace agrees with autodiff: every hidden activation x (output, loss), many shapes", () => {
  const rand = rng(20240601);
  let checked = 0;
  for (const hidden of HIDDEN) {
    for (const [output, loss] of PAIRS) {
      for (const layers of SHAPES) {
        for (let rep = 0; rep < 3; rep++) {
          const state = randomState(rand, layers, hidden, output, loss);
          const input = Array.from({ length: layers[0] }, () => rand(-2, 2));
          const nOut = layers.at(-1);
          const target = Array.from({ length: nOut }, () =>
            loss === "bce" ? [0, 1, rand()][Math.floor(rand(0, 3))] : rand(-1.5, 1.5),
          );
          if (nearKink(graph(state, input, target), hidden)) continue;
          compare(state, input, nOut === 1 && rep === 0 ? target[0] : target);
          checked++;
        }
      }
    }
  }
  assert.ok(checked >= 280, `checked ${checked} networks`);
});

test("outputs saturated to exactly 0 or 1: loss and gradients stay finite and agree", () => {
  // 2-2-1: tanh hidden, a huge output weight drives Z to about +-800.
  const cases = [
    { sign: 1, y: 0 }, // A = 1, wrong: loss ~ |Z|
    { sign: 1, y: 1 }, // A = 1, right: loss ~ 0
    { sign: -1, y: 1 }, // A = 0, wrong
    { sign: -1, y: 0 }, // A = 0, right
    { sign: 1, y: 0.3 }, // soft target
  ];
  for (const { sign, y } of cases) {
    const state = {
      layers: [2, 2, 1],
      hidden: "tanh",
      output: "sigmoid",
      loss: "bce",
      weights: [
        [
          [0.5, -0.5],
          [1.0, 1.0],
        ],
        [[sign * 400, sign * 400]],
      ],
      biases: [[0, 0], [sign * 10]],
    };
    const input = [3, 1];
    const t = compare(state, input, y, { saturated: true });
    const out = t.layers[1];
    const A = out.a[0];
    assert.equal(A, sign > 0 ? 1 : 0, `A rounds to exactly ${sign > 0 ? 1 : 0} (Z = ${out.z[0]})`);
    assert.ok(Number.isFinite(t.loss), "loss is finite");
    if (y !== A) closeTo(t.loss, Math.abs(out.z[0]) * Math.abs(y - A), "confidently wrong costs |Z| |y - A|");
    // docs/API.md: dL_dA and dA_dZ are the seed's literal formulas, so at a saturated output
    // dL_dA may be infinite and the product NaN, while dL_dZ is the fused A - y.
    assert.equal(out.dA_dZ[0], 0, "dA_dZ = A(1 - A) = 0");
    assert.ok(Object.is(out.dL_dA[0], -y / A + (1 - y) / (1 - A)), `dL_dA is the literal formula, got ${out.dL_dA[0]}`);
    assert.ok(!Number.isFinite(out.dL_dA[0]), "dL_dA is not finite here");
    assert.ok(Number.isNaN(out.dL_dA[0] * out.dA_dZ[0]), "so the unfused product is NaN");
    assert.equal(out.dL_dZ[0], A - y, "dL_dZ = A - y");
    for (const layer of t.layers) {
      for (const k of ["z", "a", "dL_dZ", "dL_db", "dL_dAprev"]) {
        assert.ok(layer[k].every(Number.isFinite), `${k} finite`);
      }
      assert.ok(layer.dL_dW.flat().every(Number.isFinite), "dL_dW finite");
    }
  }
  // Squared loss on a saturated sigmoid: every factor finite, dA_dZ = 0 kills the gradient.
  const state = {
    layers: [1, 1],
    hidden: "tanh",
    output: "sigmoid",
    loss: "squared",
    weights: [[[1]]],
    biases: [[0]],
  };
  for (const z of [800, -800]) {
    const t = compare(state, [z], 0.5);
    assert.ok(t.layers[0].dA_dZ[0] === 0, "dA_dZ = 0 (either sign)");
    assert.ok(t.layers[0].dL_dZ[0] === 0, "dL_dZ = 0 (either sign)");
  }
});

test("one full-batch step(1) is the textbook update W <- W - lr * mean(dL/dW)", () => {
  const rand = rng(7);
  for (const [hidden, output, loss] of [
    ["tanh", "sigmoid", "bce"],
    ["relu", "linear", "squared"],
    ["sigmoid", "tanh", "squared"],
  ]) {
    const state = randomState(rand, [2, 4, 3, 2], hidden, output, loss);
    const lr = 0.25;
    const n = 9;
    const inputs = Array.from({ length: n }, () => [rand(-2, 2), rand(-2, 2)]);
    const targets = inputs.map(() => [0, 1].map(() => (loss === "bce" ? Math.round(rand()) : rand(-1, 1))));
    const net = Network.fromState({ ...state, learningRate: lr, batchSize: 1000 });
    net.setTrainingData(inputs, targets);
    const graphs = inputs.map((x, i) => graph(state, x, targets[i]));
    const loss1 = net.step(1);
    closeTo(loss1, graphs.reduce((s, g) => s + g.loss.data, 0) / n, "mean loss");
    const after = net.toState();
    const grads = net.gradients();
    state.weights.forEach((layer, l) =>
      layer.forEach((row, j) => {
        row.forEach((w, k) => {
          const mean = graphs.reduce((s, g) => s + g.W[l][j][k].grad, 0) / n;
          closeTo(grads.dL_dW[l][j][k], mean, `gradients().dL_dW ${l} ${j} ${k}`);
          closeTo(after.weights[l][j][k], w - lr * mean, `W ${l} ${j} ${k}`);
        });
        const mean = graphs.reduce((s, g) => s + g.b[l][j].grad, 0) / n;
        closeTo(grads.dL_db[l][j], mean, `gradients().dL_db ${l} ${j}`);
        closeTo(after.biases[l][j], state.biases[l][j] - lr * mean, `b ${l} ${j}`);
      }),
    );
    assert.equal(net.stepCount, 1);
    net.free();
  }
});

test("the autodiff itself is right: it matches central differences", () => {
  // A check of the checker, so a bug shared by both sides cannot hide.
  const rand = rng(99);
  for (const [output, loss] of [...PAIRS, ["softmax", "cce"]]) {
    const state = randomState(rand, [2, 3, 2], "tanh", output, loss);
    const x = [0.7, -1.1];
    const y = loss === "bce" ? [1, 0.25] : loss === "cce" ? [0.3, 0.7] : [0.5, -0.5];
    const g = graph(state, x, y);
    const h = 1e-6;
    const lossAt = (s) => graph(s, x, y).loss.data;
    for (let l = 0; l < 2; l++) {
      state.weights[l].forEach((row, j) =>
        row.forEach((w, k) => {
          const plus = structuredClone(state);
          const minus = structuredClone(state);
          plus.weights[l][j][k] = w + h;
          minus.weights[l][j][k] = w - h;
          const fd = (lossAt(plus) - lossAt(minus)) / (2 * h);
          assert.ok(Math.abs(fd - g.W[l][j][k].grad) < 1e-7 * Math.max(1, Math.abs(fd)), `${output}/${loss} W ${l} ${j} ${k}`);
        }),
      );
    }
  }
});

/** A random one-hot row, or a probability row (summing to 1), of length k. */
function randomTarget(rand, k) {
  if (rand() < 0.5) {
    const c = Math.floor(rand(0, k));
    return Array.from({ length: k }, (_, j) => (j === c ? 1 : 0));
  }
  const raw = Array.from({ length: k }, () => rand());
  const total = raw.reduce((a, b) => a + b, 0);
  const y = raw.map((r) => r / total);
  y[k - 1] = 1 - y.slice(0, k - 1).reduce((a, b) => a + b, 0);
  return y;
}

/** dA_i/dZ_j at the output of `state` for `input`, by the autodiff: one backward per A_i. */
function jacobianByAutodiff(state, input, target) {
  const k = state.layers.at(-1);
  return Array.from({ length: k }, (_, i) => {
    const g = graph(state, input, target);
    const out = g.Z.at(-1);
    g.A.at(-1)[i].backward();
    return out.map((z) => z.grad);
  });
}

test("softmax traces agree with autodiff: the fused A - y, the Jacobian and the unfused chain rule", () => {
  const rand = rng(20250101);
  const shapes = [
    [1, 2],
    [2, 3],
    [2, 4, 3],
    [3, 3, 2, 5],
    [4, 2, 4],
  ];
  let checked = 0;
  for (const hidden of HIDDEN) {
    for (const layers of shapes) {
      for (let rep = 0; rep < 4; rep++) {
        const state = randomState(rand, layers, hidden, "softmax", "cce");
        // Some networks with sharper outputs (still unsaturated).
        if (rep === 3) state.weights.at(-1).forEach((row) => row.forEach((_, k) => (row[k] *= 6)));
        const input = Array.from({ length: layers[0] }, () => rand(-2, 2));
        const target = randomTarget(rand, layers.at(-1));
        const g = graph(state, input, target);
        if (nearKink(g, hidden)) continue;
        const t = compare(state, input, target);
        const out = t.layers.at(-1);
        // Hidden layers carry no softmax fields.
        for (const layer of t.layers.slice(0, -1)) {
          assert.ok(!("jacobian" in layer) && !("dL_dZ_unfused" in layer));
        }
        // The Jacobian, and dA_dZ as its diagonal.
        const jac = jacobianByAutodiff(state, input, target);
        jac.forEach((row, i) =>
          row.forEach((v, j) => closeTo(out.jacobian[i][j], v, `jacobian[${i}][${j}]`)),
        );
        out.dA_dZ.forEach((v, j) => assert.equal(v, out.jacobian[j][j], "dA_dZ is the diagonal"));
        // The unfused chain rule is the autodiff's gradient through A (-sum y ln A).
        const viaA = graph(state, input, target, { lossFrom: "a" });
        viaA.Z.at(-1).forEach((z, j) => {
          closeTo(out.dL_dZ_unfused[j], z.grad, `dL_dZ_unfused ${j}`);
          closeTo(out.dL_dZ[j], out.a[j] - target[j], `dL_dZ = A - y, ${j}`);
        });
        checked++;
      }
    }
  }
  assert.ok(checked >= 90, `checked ${checked} networks`);
});

test("saturated softmax: loss and fused gradient stay finite, the unfused sum does not", () => {
  // Z = (800, 0, -800) at input 1: A = (1, 0, 0) exactly.
  const state = {
    layers: [1, 3],
    hidden: "tanh",
    output: "softmax",
    loss: "cce",
    weights: [[[800], [0], [-800]]],
    biases: [[0, 0, 0]],
  };
  for (const [y, want] of [
    [[1, 0, 0], 0],
    [[0, 1, 0], 800],
    [[0, 0, 1], 1600],
  ]) {
    const t = compare(state, [1], y, { saturated: true });
    const out = t.layers[0];
    assert.deepEqual(out.a, [1, 0, 0]);
    closeTo(t.loss, want, "loss");
    out.dL_dZ.forEach((v, j) => assert.equal(v, out.a[j] - y[j]));
    out.dL_dA.forEach((v, j) => assert.ok(Object.is(v, -y[j] / out.a[j]), "literal -y/A"));
    assert.ok(out.dL_dZ_unfused.every(Number.isNaN), `unfused ${out.dL_dZ_unfused}`);
    assert.ok(out.jacobian.flat().every((v) => v === 0));
  }
});

test("softmax full-batch step(1) is the textbook update, from the autodiff's gradients", () => {
  const rand = rng(11);
  const state = randomState(rand, [2, 4, 3], "tanh", "softmax", "cce");
  const n = 7;
  const inputs = Array.from({ length: n }, () => [rand(-2, 2), rand(-2, 2)]);
  const targets = inputs.map(() => randomTarget(rand, 3));
  const net = Network.fromState({ ...state, learningRate: 0.5, batchSize: 1000 });
  net.setTrainingData(inputs, targets);
  const graphs = inputs.map((x, i) => graph(state, x, targets[i]));
  closeTo(net.step(1), graphs.reduce((s, g) => s + g.loss.data, 0) / n, "mean loss");
  const after = net.toState();
  state.weights.forEach((layer, l) =>
    layer.forEach((row, j) =>
      row.forEach((w, k) => {
        const mean = graphs.reduce((s, g) => s + g.W[l][j][k].grad, 0) / n;
        closeTo(after.weights[l][j][k], w - 0.5 * mean, `W ${l} ${j} ${k}`);
      }),
    ),
  );
  net.free();
});

test("the autodiff's softmax is a softmax", () => {
  const z = [0.5, -1, 2].map((v) => new Value(v));
  const { A } = softmax(z);
  const e = [0.5, -1, 2].map(Math.exp);
  const total = e.reduce((a, b) => a + b, 0);
  A.forEach((a, i) => closeTo(a.data, e[i] / total, `A ${i}`));
});
