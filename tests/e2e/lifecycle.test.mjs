// Issue 10, lifecycle: a removed <backprop-viz> frees its network at once and leaves nothing
// running: no timer, no animation frame, no observer or page listener, no message to the
// worker. 1,000 figures are added and removed in a loop; the worker's wasm memory, the main
// thread's wasm memory and the JS heap's objects (after a forced garbage collection) end within
// 5% of where they were after a warm-up, and every figure's network is gone from the worker.
//
// The page is instrumented before any of its scripts run (an init script, outside the CSP):
// timers and animation frames are counted while pending, and every message to the worker is
// logged with its figure id and operation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, assertNoErrors, useServerAndBrowser, EMBED_CSP } from "./harness.mjs";

const WAIT = { timeout: 120_000 };
const env = useServerAndBrowser({ headers: () => ({ "Content-Security-Policy": EMBED_CSP }) });
const FIGURES = Number(process.env.LIFECYCLE_FIGURES ?? 1000);
const WARMUP = Number(process.env.LIFECYCLE_WARMUP ?? 50);

function instrument() {
  const pending = { timeout: new Set(), interval: new Set(), raf: new Set() };
  const wrap = (setName, clearName, kind, once) => {
    const set = window[setName].bind(window);
    const clear = window[clearName].bind(window);
    window[setName] = (fn, ...rest) => {
      let id = 0;
      const run = typeof fn === "function" ? (...a) => {
        if (once) pending[kind].delete(id);
        return fn(...a);
      } : fn;
      id = set(run, ...rest);
      pending[kind].add(id);
      return id;
    };
    window[clearName] = (id) => {
      pending[kind].delete(id);
      return clear(id);
    };
  };
  wrap("setTimeout", "clearTimeout", "timeout", true);
  wrap("setInterval", "clearInterval", "interval", false);
  wrap("requestAnimationFrame", "cancelAnimationFrame", "raf", true);
  // The last RING messages to the worker, in arrays allocated here once, so that the log
  // itself does not grow the heap the test measures: [figure id, operation] and a total count.
  const RING = 4096;
  const fids = new Float64Array(RING);
  const ops = new Array(RING).fill("");
  let sent = 0;
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (msg && typeof msg === "object" && "fid" in msg) {
      fids[sent % RING] = msg.fid;
      ops[sent % RING] = String(msg.op);
      sent += 1;
    }
    return post.call(this, msg, ...rest);
  };
  window.__probe = {
    pending: () => ({ timeout: pending.timeout.size, interval: pending.interval.size, raf: pending.raf.size }),
    sent: () => sent,
    /** The last operation sent for each of `wanted`, among the last RING messages. */
    lastOps: (wanted) => {
      const last = new Map();
      for (let i = Math.max(0, sent - RING); i < sent; i++) if (wanted.includes(fids[i % RING])) last.set(fids[i % RING], ops[i % RING]);
      return wanted.map((fid) => last.get(fid) ?? "none");
    },
  };
}

/**
 * The JS heap after a full garbage collection: `used` is V8's whole used size (it includes the
 * machine code the optimising compilers keep adding as more functions get hot, which is not
 * the page's data), `objects` the bytes of JavaScript objects, arrays and strings in a heap
 * snapshot: what the page's scripts allocated and still hold. Blink's own C++ objects
 * ("native" nodes: the performance timeline's buffers, style caches) are counted in neither.
 */
async function heapBytes(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const used = (await cdp.send("Runtime.getHeapUsage")).usedSize;
  const chunks = [];
  const onChunk = (e) => chunks.push(e.chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  cdp.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
  const snap = JSON.parse(chunks.join(""));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [typeAt, sizeAt, width] = [fields.indexOf("type"), fields.indexOf("self_size"), fields.length];
  let objects = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]];
    if (type !== "code" && type !== "native" && type !== "hidden") objects += snap.nodes[i + sizeAt];
  }
  return { used, objects };
}

test(`adding and removing ${FIGURES} figures leaks nothing: memory returns, no timer, no worker message`, async () => {
  const opened = await openPage(env.browser, `${env.server.url}tests/e2e/fixtures/blank.html`, {
    viewport: { width: 1000, height: 800 },
  });
  const { page, errors, close } = opened;
  await opened.context.addInitScript(instrument);
  await page.reload();
  // The reload (to run the init script) may abort the first load's favicon request: that is
  // the test's doing, not the page's.
  errors.splice(0, errors.length, ...errors.filter((e) => !/requestfailed: .*favicon\.svg: net::ERR_ABORTED/.test(e)));
  try {
    await page.evaluate(() => import("/element.js"));
    const cdp = await opened.context.newCDPSession(page);
    // Figures with the default settings, ten at a time: each is built, drawn and training,
    // then all ten are removed.
    const cycle = (n) =>
      page.evaluate(async (count) => {
        const ids = [];
        for (let done = 0; done < count; done += 10) {
          const els = [];
          for (let i = 0; i < Math.min(10, count - done); i++) {
            const el = document.createElement("backprop-viz");
            el.setAttribute("inspect", "w-1-0-0");
            document.body.append(el);
            els.push(el);
          }
          await Promise.all(els.map((el) => el.ready));
          for (const el of els) el.play();
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          for (const el of els) {
            ids.push(el.session.channel.fid);
            el.remove();
          }
        }
        // Let the removals' teardowns and the worker's replies settle.
        await new Promise((r) => setTimeout(r, 300));
        return ids;
      }, n);
    const measure = async () => ({
      heap: await heapBytes(cdp),
      stats: await page.evaluate(async () => {
        // The page's runner (the one every figure uses: modules are loaded once per page).
        const { getRunner } = await import("/www/runner.js");
        const runner = await getRunner();
        return { ...(await runner.stats()), mainWasm: runner.engine.memory.buffer.byteLength };
      }),
      pending: await page.evaluate(() => window.__probe.pending()),
    });

    await cycle(WARMUP); // warm-up: the allocators' first growth, compiled code
    const start = await measure();
    const t0 = Date.now();
    const ids = await cycle(FIGURES);
    const seconds = (Date.now() - t0) / 1000;
    const end = await measure();
    console.log(`# ${FIGURES} figures in ${seconds.toFixed(1)} s; worker wasm ${start.stats.wasmBytes} -> ${end.stats.wasmBytes} B, main wasm ${start.stats.mainWasm} -> ${end.stats.mainWasm} B, JS objects ${start.heap.objects} -> ${end.heap.objects} B (V8 used size with compiled code ${start.heap.used} -> ${end.heap.used} B)`);

    assert.equal(ids.length, FIGURES);
    assert.deepEqual({ figures: end.stats.figures, networks: end.stats.networks }, { figures: 0, networks: 0 }, "every network is freed in the worker");
    assert.ok(end.stats.wasmBytes <= start.stats.wasmBytes * 1.05, `worker wasm memory ${start.stats.wasmBytes} -> ${end.stats.wasmBytes}`);
    assert.ok(end.stats.mainWasm <= start.stats.mainWasm * 1.05, `main-thread wasm memory ${start.stats.mainWasm} -> ${end.stats.mainWasm}`);
    assert.ok(end.heap.objects <= start.heap.objects * 1.05, `JS objects ${start.heap.objects} -> ${end.heap.objects}`);
    assert.deepEqual(end.pending, { timeout: 0, interval: 0, raf: 0 }, "no timer or animation frame is left");

    // After its teardown a figure sends the worker nothing more.
    const last = await page.evaluate((wanted) => window.__probe.lastOps(wanted), ids.slice(-50));
    assert.deepEqual([...new Set(last)], ["destroy"], "each figure's last message is its destroy");
    const before = await page.evaluate(() => window.__probe.sent());
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.__probe.sent()), before, "nothing is sent once they are gone");
    assertNoErrors(errors);
  } finally {
    await close();
  }
});

test("a figure moved in the page keeps its network; one removed and inserted again comes back with its weights", async () => {
  const { page, errors, close } = await openPage(env.browser, `${env.server.url}tests/e2e/fixtures/blank.html`);
  try {
    await page.evaluate(() => import("/element.js"));
    const r = await page.evaluate(async () => {
      const { getRunner } = await import("/www/runner.js");
      const runner = await getRunner();
      const a = document.createElement("div");
      const b = document.createElement("div");
      document.body.append(a, b);
      const el = document.createElement("backprop-viz");
      a.append(el);
      await el.ready;
      for (let i = 0; i < 5; i++) await el.stepOnce();
      const w = Array.from(el.views.weights);
      const fid = el.session.channel.fid;
      b.append(el); // a move: disconnected and connected in one task
      await new Promise((res) => setTimeout(res, 100));
      const moved = { same: el.session?.channel.fid === fid, networks: (await runner.stats()).networks };
      el.remove();
      await new Promise((res) => setTimeout(res, 100));
      const removed = { session: el.session, networks: (await runner.stats()).networks };
      a.append(el);
      await new Promise((res) => {
        const check = () => (el.session?.snapshot ? res() : setTimeout(check, 20));
        check();
      });
      return { moved, removed, back: { steps: el.network.stepCount, same: Array.from(el.views.weights).every((v, i) => v === w[i]), networks: (await runner.stats()).networks } };
    });
    assert.deepEqual(r.moved, { same: true, networks: 1 }, "a move keeps the network");
    assert.deepEqual(r.removed, { session: null, networks: 0 }, "a removal frees it at once");
    assert.equal(r.back.same, true, "inserted again: the same weights");
    assert.equal(r.back.networks, 1);
    assertNoErrors(errors);
  } finally {
    await close();
  }
});
