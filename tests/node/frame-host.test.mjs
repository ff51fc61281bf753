// www/frame-host.js: what one frame of the loop draws, and from which snapshot. The figure is
// a stand-in with recording renderers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { frameHost } from "../../www/frame-host.js";

function setup({ task = "binary", playing = false, stepFor = "batch", textIntervalMs = 0 } = {}) {
  const log = [];
  const snap = { version: 1, stepCount: 10, metrics: [0.5, 0.6, 0.9, 0.8] };
  const fig = {
    state: { "batch-size": 10 },
    points: { task, example: { input: [1, 2], target: [1] }, described: { set: "train", index: 3 } },
    session: { info: { trainSize: 250 }, snapshot: snap, views: { gridPixels: "pixels", batch: () => "batch-of-10" } },
    loop: { playing, stepFor },
    inspector: {
      wanted: true,
      wants: (at) => (log.push(["wants", at]), fig.inspector.wanted),
      request: () => ({ selection: { kind: "w", l: 0, j: 0, k: 1 } }),
      render: (model, at) => log.push(["render", model, at]),
      failed: () => log.push(["failed"]),
      invalidate: () => log.push(["inspector.invalidate"]),
    },
    chart: { push: (...a) => log.push(["push", ...a]), draw: () => log.push(["chart.draw"]) },
    output: { draw: (f) => log.push(["output.draw", f.pixels, f.batch]) },
    diagram: { draw: (f) => log.push(["diagram.draw", f.anim]), capturePrevious: () => log.push(["capture"]) },
    layout: { setMetrics: (m, step) => log.push(["metrics", m[0], step]) },
    controls: { setPhase: (t) => log.push(["phase", t]), setPlaying: (p) => log.push(["playing", p]) },
    root: { classList: { toggle: (c, on) => log.push(["class", c, on]) } },
    atlas: { update: (views, size) => `atlas ${size}` },
    frame: {},
    outFrame: {},
    chartVersion: -1,
    textStale: true,
    lastText: 0,
    stepListeners: 0,
    layerBarDirty: false,
    events: [],
    dispatchEvent: (e) => fig.events.push(e),
  };
  const errors = [];
  const host = frameHost(fig, { thumb: 32, textIntervalMs, placeLayerBar: () => log.push(["placeLayerBar"]), onError: (e) => errors.push(e) });
  return { host, fig, log, snap, errors };
}

test("what the loop reads: the network's readiness, batch and data sizes, the selected example", () => {
  const { host, fig } = setup();
  assert.equal(host.ready, true);
  assert.equal(host.batchSize, 10);
  assert.equal(host.trainSize, 250);
  assert.deepEqual(host.example, { input: [1, 2], target: [1] });
  fig.session = null;
  assert.equal(host.ready, false);
  assert.equal(host.trainSize, 0);
});

test("the chart takes each snapshot once; a regression has no accuracy", () => {
  const { host, fig, log, snap } = setup({ task: "regression" });
  host.drawChart(true);
  host.drawChart(true);
  host.drawChart(false);
  assert.deepEqual(log.filter(([w]) => w === "push"), [["push", 10, 0.5, 0.6, NaN, NaN]]);
  assert.equal(log.filter(([w]) => w === "chart.draw").length, 3, "drawn every frame");
  fig.session.snapshot = { ...snap, version: 2, stepCount: 20 };
  fig.points.task = "binary";
  host.drawChart(true);
  assert.deepEqual(log.filter(([w]) => w === "push")[1], ["push", 20, 0.5, 0.6, 0.9, 0.8]);
});

test("the numbers in the page change at most every textIntervalMs while playing, at once when paused", () => {
  const throttled = setup({ playing: true, textIntervalMs: 1e12 });
  throttled.fig.lastText = performance.now();
  throttled.host.afterFrame(1, 0.4, true);
  assert.equal(throttled.log.filter(([w]) => w === "metrics").length, 0);
  assert.equal(throttled.fig.drawnSnapshot, throttled.snap, "the drawn snapshot is recorded");
  throttled.fig.loop.playing = false;
  throttled.host.afterFrame(0, NaN, false);
  assert.deepEqual(throttled.log.filter(([w]) => w === "metrics"), [["metrics", 0.5, 10]]);
  throttled.host.afterFrame(0, NaN, false);
  assert.equal(throttled.log.filter(([w]) => w === "metrics").length, 1, "only when stale");
});

test("a step event goes out only for frames that trained, and only when someone listens", () => {
  const { host, fig } = setup();
  host.afterFrame(3, 0.25, true);
  assert.equal(fig.events.length, 0, "no listener: no event is even built");
  fig.stepListeners = 1;
  host.afterFrame(0, NaN, true);
  assert.equal(fig.events.length, 0, "no step in this frame");
  host.afterFrame(3, 0.25, true);
  assert.equal(fig.events.length, 1);
  assert.equal(fig.events[0].type, "step");
  assert.deepEqual(fig.events[0].detail, { loss: 0.5, batchLoss: 0.25, step: 10 });
});

test("a step prepared on the selected example shows no batch; on a batch, it shows the batch", () => {
  const one = setup({ stepFor: "example" });
  one.host.onStepPrepared();
  assert.equal(one.fig.batchView, null);
  assert.equal(one.fig.useBatch, false);
  const batch = setup({ stepFor: "batch" });
  batch.host.onStepPrepared();
  assert.equal(batch.fig.batchView, "batch-of-10");
  assert.equal(batch.fig.useBatch, true);
  batch.host.drawOutput({ phase: "forward" });
  batch.host.drawOutput({ phase: "flow" });
  assert.deepEqual(batch.log.filter(([w]) => w === "output.draw"), [["output.draw", "pixels", "batch-of-10"], ["output.draw", "pixels", null]]);
});

test("the inspector is asked only when it wants numbers, and renders the snapshot's", () => {
  const { host, fig, log } = setup();
  fig.useBatch = true;
  assert.deepEqual(host.inspection(), { selection: { kind: "w", l: 0, j: 0, k: 1 }, example: { set: "train", index: 3 }, batch: true });
  fig.inspector.wanted = false;
  assert.equal(host.inspection(), null);
  host.onSnapshot({ version: 4, inspection: "model" }, true);
  host.onSnapshot({ version: 5 }, true);
  host.onSnapshot({ version: 6, inspection: "ignored" }, false);
  assert.deepEqual(log.filter(([w]) => w === "render" || w === "failed"), [["render", "model", { version: 4, live: false }], ["failed"]]);
});

test("the diagram places the layer bar when it is dirty, and errors go to the figure", () => {
  const { host, fig, log, errors } = setup();
  fig.layerBarDirty = true;
  host.drawDiagram({ phase: "idle" });
  host.uploadThumbs();
  assert.equal(log.filter(([w]) => w === "placeLayerBar").length, 1);
  assert.equal(fig.frame.thumbs, "atlas 32");
  host.onPlaying(true);
  assert.deepEqual(log.filter(([w]) => w === "playing" || w === "class"), [["playing", true], ["class", "is-playing", true]]);
  host.onError(new Error("diverged"));
  assert.equal(errors.length, 1);
});
