// www/keys.js: Space, Right and R drive the figure, except where a focused control uses the
// key itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { figureKey } from "../../www/keys.js";

const on = (tagName, extra = {}) => ({ tagName, ...extra });
const key = (k, target = on("DIV"), mods = {}) => figureKey({ key: k, composedPath: () => [target], ...mods });

test("Space plays or pauses, Right steps, R resets, on the figure itself", () => {
  assert.equal(key(" "), "toggle");
  assert.equal(key("Spacebar"), "toggle");
  assert.equal(key("ArrowRight"), "step");
  assert.equal(key("r"), "reset");
  assert.equal(key("R"), "reset");
  assert.equal(key("ArrowRight", on("BUTTON")), "step", "a focused button does not use Right");
});

test("keys a focused control uses itself are left to it", () => {
  for (const tag of ["BUTTON", "INPUT", "SUMMARY", "A"]) assert.equal(key(" ", on(tag, { type: "checkbox" })), null, `Space on ${tag}`);
  assert.equal(key("ArrowRight", on("INPUT", { type: "range" })), null, "a slider moves");
  assert.equal(key("ArrowRight", on("CANVAS")), null, "the diagram moves its selection");
  for (const target of [on("TEXTAREA"), on("INPUT", { type: "text" }), on("INPUT", { type: "NUMBER" }), on("INPUT"), on("DIV", { isContentEditable: true }), on("SELECT")]) {
    for (const k of [" ", "ArrowRight", "r"]) assert.equal(key(k, target), null, `${k} while typing in ${target.tagName} ${target.type ?? ""}`);
  }
  assert.equal(key("r", on("INPUT", { type: "checkbox" })), "reset", "a checkbox does not type");
});

test("modified, handled and other keys are not the figure's", () => {
  for (const mod of ["ctrlKey", "metaKey", "altKey", "defaultPrevented"]) assert.equal(key("r", on("DIV"), { [mod]: true }), null, mod);
  assert.equal(key("R", on("DIV"), { shiftKey: true }), null, "Shift+R");
  for (const k of ["ArrowLeft", "Enter", "x", "Escape"]) assert.equal(key(k), null, k);
  assert.equal(figureKey({ key: " ", target: on("DIV") }), "toggle", "without composedPath, the target");
});
