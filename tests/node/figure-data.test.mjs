// www/figure-data.js: a figure's data in and out (CSV, network files, links). Each refusal
// names what is wrong and leaves the figure's state, points and network as they were; each
// success builds exactly one new network from what was given. The figure is a stand-in that
// records what the part asked of it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FigureData, stateFromArrays } from "../../www/figure-data.js";
import { defaults, engineConfig } from "../../www/state.js";
import { encodeShare, decodeShare } from "../../www/share.js";

function setup({ rebuildError = null, parsed = null, parseError = null } = {}) {
  const log = [];
  const points = { name: "original", edits: [["add", 1, 2, 0]], use: (d) => log.push(["points.use", d.rows]), replay: (e) => log.push(["replay", e.length]) };
  const figure = {
    state: defaults(),
    points,
    runner: {
      parseCsv: async (text, options) => {
        log.push(["parseCsv", text.length, options]);
        if (parseError) throw new Error(parseError);
        return parsed;
      },
    },
    session: {
      views: { weights: Float64Array.from({ length: 18 }, (_, i) => i / 7), biases: Float64Array.from([0.5, -0.25, 1, 2, 3, 4, 5]) },
      snapshot: { stepCount: 42 },
      state: async () => ({ layers: [2, 4, 2, 1], stepCount: 42 }),
    },
    messages: {
      alerts: [],
      items: { link: [] },
      showAlert(message) {
        this.alerts.push(message);
      },
      hideAlert() {
        this.alerts.push(null);
      },
      set(source, items) {
        this.items[source] = items;
      },
    },
    controls: { update: () => log.push(["controls.update"]), setCustom: (info) => log.push(["setCustom", info]) },
    url: { write: () => log.push(["url.write"]) },
    loop: { invalidate: () => {} },
  };
  const host = {
    figure,
    rebuild: async (options) => {
      log.push(["rebuild", options]);
      if (rebuildError) throw new Error(rebuildError);
      return true;
    },
    showData: () => log.push(["showData"]),
    regenerateData: () => log.push(["regenerateData"]),
    sendData: () => log.push(["sendData"]),
    usePoints: (p) => {
      log.push(["usePoints", p ? p.name : null]);
      figure.points = p ?? { name: "regenerated" };
    },
  };
  return { io: new FigureData(host), figure, log };
}

const rebuilds = (log) => log.filter(([what]) => what === "rebuild");

test("stateFromArrays shapes a link's flat weights by layer, and refuses the wrong count", () => {
  const config = engineConfig(defaults());
  const weights = Float64Array.from({ length: 18 }, (_, i) => i);
  const biases = Float64Array.from({ length: 7 }, (_, i) => 100 + i);
  const s = stateFromArrays(config, [2, 4, 2, 1], { weights, biases, stepCount: 9 });
  assert.equal(s.weights.length, 3);
  assert.deepEqual(s.weights[0], [[0, 1], [2, 3], [4, 5], [6, 7]]);
  assert.deepEqual(s.weights[1], [[8, 9, 10, 11], [12, 13, 14, 15]]);
  assert.deepEqual(s.weights[2], [[16, 17]], "the output neuron, one weight per neuron of the layer before");
  assert.deepEqual(s.biases, [[100, 101, 102, 103], [104, 105], [106]]);
  assert.equal(s.stepCount, 9);
  assert.equal(s.learningRate, config.learningRate, "the config's settings come along");
  assert.throws(
    () => stateFromArrays(config, [2, 4, 2, 1], { weights: weights.subarray(1), biases, stepCount: 0 }),
    /it holds 17 weights and 7 biases; a 2-4-2-1 network has 18 and 7/,
  );
});

test("loadState refuses text that is not JSON, changing nothing", async () => {
  const { io, figure, log } = setup();
  const before = figure.state;
  await assert.rejects(io.loadState("{ layers: oops"), /^Error: Could not load the network: the file is not JSON \(.+\)\. The network you had is unchanged\.$/);
  assert.equal(figure.state, before);
  assert.equal(rebuilds(log).length, 0);
  assert.match(figure.messages.alerts.at(-1), /not JSON/);
  await assert.rejects(io.loadState("[1, 2]"), /a network state is a JSON object with layers, weights and biases/);
  await assert.rejects(io.loadState(null), /a network state is a JSON object/);
  assert.equal(rebuilds(log).length, 0);
});

test("loadState refuses a network whose inputs do not fit the figure's features, naming both", async () => {
  const { io, figure, log } = setup();
  const before = figure.state;
  await assert.rejects(
    io.loadState({ layers: [3, 4, 1], features: ["x1", "x2"], weights: [], biases: [] }),
    /its layers 3-4-1 do not fit this data \(2 features, one output\): the network would need 2-4-1/,
  );
  assert.equal(figure.state, before);
  assert.equal(rebuilds(log).length, 0);
});

test("loadState puts everything back when the engine refuses the weights", async () => {
  const { io, figure, log } = setup({ rebuildError: "weights[0][1]: expected 2 numbers, got 3" });
  const before = { state: figure.state, points: figure.points };
  await assert.rejects(
    io.loadState({ layers: [2, 4, 1], seed: 7, features: ["x1", "x2"] }),
    /Could not load the network: weights\[0\]\[1\]: expected 2 numbers, got 3\. The network you had is unchanged\./,
  );
  assert.equal(figure.state, before.state, "the state object is the one it had");
  assert.equal(figure.points, before.points, "the points of the old seed are back");
  assert.deepEqual(
    log.filter(([w]) => w === "usePoints"),
    [["usePoints", null], ["usePoints", "original"]],
    "a new seed made new points, and the failure restored the old ones",
  );
});

test("loadState builds the given network and takes its settings", async () => {
  const { io, figure, log } = setup();
  const engineState = { layers: [2, 3, 1], hidden: "relu", learningRate: 0.1, seed: 1, features: ["x1", "x2"], weights: [], biases: [] };
  await io.loadState(JSON.stringify(engineState));
  assert.deepEqual(figure.state.layers, [2, 3, 1]);
  assert.equal(figure.state.activation, "relu");
  assert.equal(figure.state["learning-rate"], 0.1);
  const [[, options]] = rebuilds(log);
  assert.deepEqual(options.state, engineState);
  assert.equal(options.rethrow, true);
  assert.equal(log.filter(([w]) => w === "usePoints").length, 0, "the same seed keeps the points");
  assert.equal(figure.messages.alerts.at(-1), null, "an earlier alert is cleared");
});

test("setData: a file that cannot be read is refused and the data stays as it was", async () => {
  const { io, figure, log } = setup({ parseError: "no row has three numeric columns" });
  const before = figure.state;
  await assert.rejects(io.setData("a,b\n", { name: "bad.csv" }), /^Error: Could not use bad\.csv: no row has three numeric columns\. The data you had is unchanged\.$/);
  assert.equal(io.custom, null);
  assert.equal(figure.state, before);
  assert.equal(rebuilds(log).length, 0);
  await assert.rejects(io.setData(42), /Could not use data\.csv/, "not text or a File");
});

test("setData trains on the rows it could read and lists the rows it skipped", async () => {
  const parsed = {
    rows: 3, task: "multiclass", classes: 3, classNames: ["a", "b", "c"], errorCount: 2,
    errors: [{ line: 4, message: "x2 is not a number" }, { line: 9, message: "line 9: 3 columns, expected 3" }],
    bounds: [-1, 1, -2, 2],
  };
  const { io, figure, log } = setup({ parsed });
  const summary = await io.setData("x1,x2,label\n...", { name: "mine.csv", trainRatio: 80 });
  assert.deepEqual(summary, { rows: 3, task: "multiclass", classes: 3, classNames: ["a", "b", "c"], skipped: 2, errors: parsed.errors });
  const [, , options] = log.find(([w]) => w === "parseCsv");
  assert.equal(options.trainRatio, 80, "a given option wins over the figure's");
  assert.equal(options.seed, 1);
  assert.equal(figure.state.dataset, "custom");
  assert.equal(figure.state.output, "softmax", "three classes: softmax output");
  assert.equal(figure.state.layers.at(-1), 3);
  assert.deepEqual(io.customInfo, { task: "multiclass", classes: 3 });
  assert.equal(rebuilds(log).length, 1);
  assert.equal(
    figure.messages.alerts.at(-1),
    "Loaded 3 rows of mine.csv; 2 could not be read and were skipped: line 4: x2 is not a number; line 9: 3 columns, expected 3.",
  );
});

test("openShare: a damaged link value or a network of the wrong shape falls back to the seed", async () => {
  const { io, figure, log } = setup();
  assert.equal(await io.openShare("not*base64"), false);
  assert.equal(figure.messages.items.link.length, 1);
  assert.equal(figure.messages.items.link[0].key, "net");
  assert.match(figure.messages.items.link[0].message, /the network starts from the seed instead\.$/);
  const wrong = await encodeShare({ weights: new Float64Array(5), biases: new Float64Array(7), stepCount: 3, edits: [] });
  assert.equal(await io.openShare(wrong), false);
  assert.match(figure.messages.items.link[1].message, /^net: the link's network does not fit its settings \(it holds 5 weights and 7 biases; a 2-4-2-1 network has 18 and 7\)/);
  assert.equal(io.custom, null);
  assert.equal(rebuilds(log).length, 0);
});

test("openShare builds the link's exact weights on its regenerated data and edits", async () => {
  const { io, log } = setup();
  const weights = Float64Array.from({ length: 18 }, (_, i) => Math.sin(i));
  const value = await encodeShare({ weights, biases: new Float64Array(7), stepCount: 77, edits: [["add", 0.5, 0.5, 1]] });
  assert.equal(await io.openShare(value), true);
  const order = log.map(([w]) => w).filter((w) => ["regenerateData", "replay", "showData", "rebuild"].includes(w));
  assert.deepEqual(order, ["regenerateData", "replay", "showData", "rebuild"]);
  const [[, options]] = rebuilds(log);
  assert.equal(options.state.stepCount, 77);
  assert.deepEqual(options.state.weights[0][1], [weights[2], weights[3]]);
});

test("shareLink carries the settings and the exact weights, and refuses what a link cannot carry", async () => {
  const { io, figure } = setup();
  const link = await io.shareLink("https://example.org/tutorial.html#old");
  const url = new URL(link);
  assert.equal(url.origin + url.pathname, "https://example.org/tutorial.html");
  assert.match(url.hash, /^#.*layers=2,4,2,1.*&net=[A-Za-z0-9_-]+$/);
  const back = await decodeShare(url.hash.split("&net=")[1]);
  assert.deepEqual(Array.from(back.weights), Array.from(figure.session.views.weights));
  assert.equal(back.stepCount, 42);
  assert.deepEqual(back.edits, [["add", 1, 2, 0]]);
  // Random doubles do not compress: 10,000 of them are far more than 64 KB of text.
  figure.session.views = { weights: Float64Array.from({ length: 10_000 }, () => Math.random()), biases: new Float64Array(7) };
  await assert.rejects(io.shareLink("https://example.org/"), /more than a link can carry \(64 KB\); use Save network instead/);
});
