// bench/plain.mjs, the plain-JavaScript side of `npm run bench`'s second comparison, must do
// the engine's work, or the ratio means nothing: from the same weights and batch its
// gradients equal the engine's, and its updates follow the engine's plain SGD.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Network, dataset, wasmMemory } from "./pkg.mjs";
import { plainFrom } from "../../bench/plain.mjs";
import { WORKLOADS, COMMON } from "../../bench/workload.mjs";

const close = (a, b, what) => {
  const tol = 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
  assert.ok(Math.abs(a - b) <= tol, `${what}: plain JS ${a}, engine ${b}`);
};

for (const w of WORKLOADS) {
  test(`plain JS computes the engine's gradients and updates: ${w.label}`, () => {
    const d = dataset({ name: w.dataset, count: COMMON.count, trainRatio: COMMON.trainRatio, noise: 0, seed: 1 });
    const net = new Network({ layers: w.layers, hidden: COMMON.hidden, learningRate: COMMON.learningRate, batchSize: COMMON.batchSize, features: COMMON.features, seed: COMMON.seed });
    try {
      net.setTrainingData(d.train.inputs, d.train.targets);
      // A few updates first, so the weights are not the initial ones.
      net.step(25);
      const plain = plainFrom(net, { inputs: d.train.inputs, targets: d.train.targets, learningRate: COMMON.learningRate, batchSize: COMMON.batchSize });
      net.prepareStep();
      const batch = Array.from(new Uint32Array(wasmMemory().buffer, net.batchPtr(), net.batchLen()));
      assert.equal(batch.length, COMMON.batchSize);
      plain.gradients(batch);
      const g = net.gradients();
      const gw = g.dL_dW.flat(2);
      const gb = g.dL_db.flat();
      assert.equal(plain.gw.length, gw.length);
      gw.forEach((v, p) => close(plain.gw[p], v, `dL/dW[${p}]`));
      gb.forEach((v, p) => close(plain.gb[p], v, `dL/db[${p}]`));
      assert.ok(gw.some((v) => Math.abs(v) > 1e-6), "the gradients are not all zero");
      // Apply: both take W <- W - lr * dL/dW.
      net.applyStep();
      const before = Float64Array.from(plain.w);
      for (let p = 0; p < plain.w.length; p++) plain.w[p] -= COMMON.learningRate * plain.gw[p];
      const after = net.toState({ moments: false }).weights.flat(2);
      after.forEach((v, p) => close(plain.w[p], v, `W[${p}] after the update`));
      assert.ok(after.some((v, p) => v !== before[p]), "the update moved the weights");
      // step(n) trains: the training loss falls over a few hundred updates.
      const loss = () => {
        let sum = 0;
        for (let i = 0; i < plain.n; i++) {
          plain.gradients([i]);
          const a = plain.a[plain.a.length - 1];
          const y = plain.y[i];
          sum -= y * Math.log(a) + (1 - y) * Math.log(1 - a);
        }
        return sum / plain.n;
      };
      const l0 = loss();
      plain.step(500);
      assert.ok(loss() < l0, `loss ${l0} -> ${loss()}`);
    } finally {
      net.free();
    }
  });
}
