// www/selection.js: the selection goes through the state, shows in the diagram, inspector and
// status line, and the editor changes exactly the selected parameter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Selection } from "../../www/selection.js";
import { defaults } from "../../www/state.js";

function setup() {
  const log = [];
  const weights = Float64Array.from({ length: 18 }, (_, i) => i / 4);
  const biases = Float64Array.from({ length: 7 }, (_, i) => -i);
  let pending = Promise.resolve();
  const fig = {
    state: defaults(),
    session: {
      info: {},
      views: { weights, biases, weightIndex: (l, j, k) => [0, 8, 16][l] + j * [2, 4, 2][l] + k, biasIndex: (l, j) => [0, 4, 6][l] + j },
      setParameter: (p) => {
        log.push(["setParameter", p]);
        pending = p.value === 666 ? Promise.reject(new Error("refused")) : Promise.resolve();
        return pending;
      },
    },
    frame: { highlight: "something" },
    diagram: { next: (sel, key) => ({ kind: "b", l: 0, j: key === "ArrowDown" ? 1 : 0 }), anchor: () => ({ x: 1, y: 2 }) },
    inspector: { show: (s) => log.push(["inspector.show", s]) },
    editor: { isOpen: false, open: (o) => log.push(["editor.open", o]), _place: (x, y) => log.push(["place", x, y]) },
    layout: { inspectorHost: { hidden: true }, selectionStatus: { textContent: "" }, inDiagramArea: (a) => a, diagramCanvas: "canvas" },
    loop: { playing: true, invalidate: () => {}, cancelStep: () => log.push(["cancelStep"]) },
    messages: { showAlert: (m) => log.push(["alert", m]) },
    applyPatch(patch) {
      log.push(["applyPatch", patch]);
      Object.assign(fig.state, patch);
      sel.show(fig.state.inspect);
    },
    pause: () => {
      fig.loop.playing = false;
      log.push(["pause"]);
    },
  };
  const sel = new Selection(fig);
  return { sel, fig, log, settled: () => pending.catch(() => {}).then(() => new Promise((r) => setTimeout(r, 0))) };
}

test("a selection goes through the state and shows everywhere, with its value", () => {
  const { sel, fig, log } = setup();
  sel.select({ kind: "w", l: 0, j: 1, k: 0 });
  assert.deepEqual(log[0], ["applyPatch", { inspect: { kind: "w", l: 0, j: 1, k: 0 } }]);
  assert.deepEqual(fig.frame.selection, { kind: "w", l: 0, j: 1, k: 0 });
  assert.equal(fig.layout.inspectorHost.hidden, false);
  assert.equal(fig.layout.selectionStatus.textContent, "Selected weight W[1] from input x1 to neuron 1 of hidden layer 1 = 0.5.");
  sel.select({ kind: "w", l: 0, j: 1, k: 0 });
  assert.equal(log.filter(([w]) => w === "applyPatch").length, 1, "the same selection does not change the state again");
});

test("a selection that does not fit the network shows nothing and clears the highlight", () => {
  const { sel, fig } = setup();
  sel.show({ kind: "w", l: 5, j: 0, k: 0 });
  assert.equal(fig.frame.selection, null);
  assert.equal(fig.frame.highlight, null);
  assert.equal(fig.layout.inspectorHost.hidden, true);
  assert.equal(fig.layout.selectionStatus.textContent, "");
});

test("arrows move the selection, Enter opens the editor, Escape clears it; modified keys are left alone", () => {
  const { sel, fig, log } = setup();
  const key = (k, mods = {}) => {
    const e = { key: k, prevented: false, preventDefault() { this.prevented = true; }, stopPropagation() {}, ...mods };
    sel.onDiagramKey(e);
    return e;
  };
  assert.equal(key("ArrowDown").prevented, true);
  assert.deepEqual(fig.state.inspect, { kind: "b", l: 0, j: 1 });
  assert.equal(key("ArrowDown", { ctrlKey: true }).prevented, false);
  key("Enter");
  const open = log.find(([w]) => w === "editor.open");
  assert.equal(open[1].value, -1, "b[1] neuron 1's value");
  assert.equal(open[1].label, "b[1] neuron 1");
  assert.ok(log.some(([w]) => w === "pause"), "editing pauses training");
  key("Escape");
  assert.equal(fig.state.inspect, null);
  assert.equal(key("Escape").prevented, false, "nothing selected: Escape is not ours");
});

test("a neuron's editable number is its bias; an input neuron has none", () => {
  const { sel, log } = setup();
  sel.openEditor({ kind: "n", L: 0, j: 1 });
  assert.equal(log.filter(([w]) => w === "editor.open").length, 0);
  sel.openEditor({ kind: "n", L: 2, j: 1 });
  assert.deepEqual(sel.editing, { kind: "b", l: 1, j: 1 });
  assert.equal(log.find(([w]) => w === "editor.open")[1].value, -5);
});

test("the editor sets the edited parameter, refuses non-numbers, and reports a refusal", async () => {
  const { sel, fig, log, settled } = setup();
  sel.setParameter(1.5);
  assert.equal(log.filter(([w]) => w === "setParameter").length, 0, "no editor open: nothing to set");
  sel.openEditor({ kind: "w", l: 1, j: 0, k: 3 });
  sel.setParameter(Number.NaN);
  sel.setParameter(Infinity);
  assert.equal(log.filter(([w]) => w === "setParameter").length, 0);
  sel.setParameter(1.5, true);
  assert.deepEqual(log.filter(([w]) => w === "setParameter"), [["setParameter", { kind: "w", l: 1, j: 0, k: 3, value: 1.5 }]]);
  assert.ok(log.some(([w]) => w === "cancelStep"), "a step in progress is dropped");
  await settled();
  fig.session.views.weights[11] = 1.5;
  sel.setParameter(666);
  await settled();
  assert.deepEqual(log.at(-1), ["alert", "Could not set the value: refused"]);
});

test("an open editor follows its parameter when the diagram is resized", () => {
  const { sel, fig, log } = setup();
  sel.placeEditor();
  assert.equal(log.filter(([w]) => w === "place").length, 0, "closed: nothing to place");
  sel.openEditor({ kind: "b", l: 0, j: 0 });
  fig.editor.isOpen = true;
  sel.placeEditor();
  assert.deepEqual(log.at(-1), ["place", 1, 2]);
});
