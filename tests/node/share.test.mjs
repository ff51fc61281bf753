// www/share.js: the `net=` value of a link round-trips a network exactly, and anything else is
// refused with a message that says what is wrong (never an exception of another kind).
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeShare, decodeShare, splitShare, MAX_SHARE_CHARS } from "../../www/share.js";

const sample = () => ({
  weights: Float64Array.from([0.1, -0.2, Math.PI, 1e-300, -5e300, 0.30000000000000004]),
  biases: Float64Array.from([0, -0, 2 ** -1074]),
  stepCount: 1234,
  edits: [["add", 1.5, -2.25, 1], ["remove", "test", 3]],
  csv: null,
});

test("a network round-trips bit for bit, with its step, edits and data", async () => {
  const s = sample();
  const value = await encodeShare(s);
  assert.match(value, /^[A-Za-z0-9_-]+$/, "base64url only: safe in a URL hash");
  const back = await decodeShare(value);
  assert.deepEqual(Array.from(back.weights), Array.from(s.weights));
  assert.ok(Object.is(back.biases[1], -0), "the sign of zero survives");
  assert.equal(back.biases[2], 2 ** -1074, "subnormals survive");
  assert.equal(back.stepCount, 1234);
  assert.deepEqual(back.edits, s.edits);
  assert.equal(back.csv, null);
  const withCsv = await decodeShare(await encodeShare({ ...s, csv: { name: "a.csv", text: "x,y,l\n1,2,0\n", options: { trainRatio: 70 } } }));
  assert.deepEqual(withCsv.csv, { name: "a.csv", text: "x,y,l\n1,2,0\n", options: { trainRatio: 70 } });
});

test("a 2-8x6-1 network's link is well under 8 KB", async () => {
  const n = 2 * 8 + 8 * 8 * 5 + 8;
  const weights = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 1.7);
  const value = await encodeShare({ weights, biases: new Float64Array(49), stepCount: 10, edits: [] });
  assert.ok(value.length < 8192, `${value.length} characters`);
});

test("damaged, cut, foreign and oversized values are refused with a reason", async () => {
  const good = await encodeShare(sample());
  const cases = {
    "not base64url": "abc$def",
    cut: good.slice(0, Math.floor(good.length / 2)),
    "one character changed": good.slice(0, 10) + (good[10] === "A" ? "B" : "A") + good.slice(11),
    empty: "",
    "too long": "A".repeat(MAX_SHARE_CHARS + 1),
  };
  for (const [what, value] of Object.entries(cases)) {
    await assert.rejects(decodeShare(value), (err) => {
      assert.match(err.message, /^net: /, `${what}: the message names the key`);
      return true;
    }, what);
  }
  // A well-formed payload with a non-finite weight, or a wrong count.
  const bad = { ...sample(), weights: Float64Array.from([1, NaN]) };
  await assert.rejects(decodeShare(await encodeShare(bad)), /not a finite number/);
  const badEdit = { ...sample(), edits: [["add", 1, "x", 0]] };
  await assert.rejects(decodeShare(await encodeShare(badEdit)), /point edits are damaged/);
});

test("splitShare separates the settings from the network", () => {
  assert.deepEqual(splitShare("#dataset=xor&net=AbC_-&seed=3"), { settings: "dataset=xor&seed=3", net: "AbC_-" });
  assert.deepEqual(splitShare("dataset=xor"), { settings: "dataset=xor", net: null });
});
