// The two training workloads of `npm run bench`, and the timing loop that runs them on a
// loaded engine. Shared by Node (bench/run.mjs) and the Chromium page (bench/wasm.html);
// examples/bench.rs runs the same workload natively from the options run.mjs passes it.

import { plainFrom } from "./plain.mjs";

/** What both workloads share: 250 training examples, batch 10, learning rate 0.03. */
export const COMMON = {
  count: 500,
  trainRatio: 50,
  batchSize: 10,
  learningRate: 0.03,
  features: ["x1", "x2"],
  hidden: "tanh",
  seed: 1,
};

/** steps: updates per timed repeat; warmup: untimed updates first. */
export const WORKLOADS = [
  { id: "a", label: "2-4-2-1 tanh, circle", dataset: "circle", layers: [2, 4, 2, 1], steps: 200_000, warmup: 20_000 },
  {
    id: "b",
    label: "2-8x6-1 tanh, spiral",
    dataset: "spiral",
    layers: [2, 8, 8, 8, 8, 8, 8, 1],
    steps: 40_000,
    warmup: 4_000,
  },
];

/** Updates per timed repeat and warm-up updates, scaled (--quick) but at least 1. */
export function amounts(workload, scale = 1) {
  return {
    steps: Math.max(1, Math.round(workload.steps * scale)),
    warmup: Math.max(1, Math.round(workload.warmup * scale)),
  };
}

/** The workload's data and a new engine network for it (seeds 1). */
function setUp({ Network, dataset }, workload) {
  const d = dataset({ name: workload.dataset, count: COMMON.count, trainRatio: COMMON.trainRatio, noise: 0, seed: 1 });
  const net = new Network({
    layers: workload.layers,
    hidden: COMMON.hidden,
    learningRate: COMMON.learningRate,
    batchSize: COMMON.batchSize,
    features: COMMON.features,
    seed: COMMON.seed,
  });
  return { d, net };
}

/**
 * Warms `train(n)` up and returns the timing side: each repeat() times train(steps) and
 * returns examples per second.
 *
 * The warm-up is ten calls and a pause, not one call: engines compile wasm (and JS) in tiers
 * (V8: Liftoff or Sparkplug first, then TurboFan in the background, used from the next call
 * on), so a single long call would keep running the baseline code.
 */
async function timed(train, { steps, warmup, perStep, trainSize, now, free }) {
  for (let i = 0; i < 10; i++) train(Math.max(1, Math.round(warmup / 10)));
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    trainSize,
    steps,
    repeat() {
      const t0 = now();
      train(steps);
      return (steps * perStep) / ((now() - t0) / 1000);
    },
    free,
  };
}

/**
 * Sets up `workload` on a loaded engine ({ Network, dataset } from pkg/backprop_viz.js) and
 * warms it up. Resolves to { repeat(), free(), trainSize, steps }: each repeat() times one
 * call of net.step(steps) and returns examples per second. `now` is a millisecond clock.
 */
export async function prepare(engine, workload, { scale = 1, now = () => performance.now() } = {}) {
  const { steps, warmup } = amounts(workload, scale);
  const { d, net } = setUp(engine, workload);
  net.setTrainingData(d.train.inputs, d.train.targets);
  const perStep = Math.min(COMMON.batchSize, net.trainSize);
  return timed((n) => net.step(n), { steps, warmup, perStep, trainSize: net.trainSize, now, free: () => net.free() });
}

/**
 * Like `prepare`, for the plain-JavaScript implementation (bench/plain.mjs) of the same
 * network, from the engine network's starting weights on the same data: the second
 * comparison of `npm run bench`. Its repeats time the same number of updates.
 */
export async function preparePlain(engine, workload, { scale = 1, now = () => performance.now() } = {}) {
  const { steps, warmup } = amounts(workload, scale);
  const { d, net } = setUp(engine, workload);
  const plain = plainFrom(net, { inputs: d.train.inputs, targets: d.train.targets, learningRate: COMMON.learningRate, batchSize: COMMON.batchSize });
  net.free();
  return timed((n) => plain.step(n), { steps, warmup, perStep: plain.batchSize, trainSize: plain.n, now, free: () => {} });
}

export function median(values) {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
