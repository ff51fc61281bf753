// www/lifecycle.js's Disposer: everything registered is undone by dispose(), once, newest
// first; an early undo is not repeated. (A bug here kept every removed figure alive through a
// media-query listener; tests/e2e/lifecycle.test.mjs found it.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { Disposer } from "../../www/lifecycle.js";

test("dispose undoes every listener, observer and timer, once", async () => {
  const d = new Disposer();
  const target = new EventTarget();
  let calls = 0;
  d.listen(target, "ping", () => calls++);
  const order = [];
  d.add(() => order.push("first"));
  d.add(() => order.push("second"));
  const observer = { disconnected: 0, disconnect() { this.disconnected++; } };
  d.observe(observer);
  let fired = false;
  d.timeout(() => (fired = true), 20);
  assert.equal(d.size, 5);
  target.dispatchEvent(new Event("ping"));
  assert.equal(calls, 1);
  d.dispose();
  assert.equal(d.size, 0);
  target.dispatchEvent(new Event("ping"));
  assert.equal(calls, 1, "the listener is gone");
  assert.deepEqual(order, ["second", "first"], "newest first");
  assert.equal(observer.disconnected, 1);
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(fired, false, "the timer was cleared");
  d.dispose();
  assert.equal(observer.disconnected, 1, "a second dispose does nothing");
});

test("an early undo runs once and is forgotten; a timer that fired is forgotten", async () => {
  const d = new Disposer();
  let n = 0;
  const undo = d.add(() => n++);
  undo();
  undo();
  assert.equal(n, 1);
  assert.equal(d.size, 0);
  d.timeout(() => {}, 1);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(d.size, 0);
});
