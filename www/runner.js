// The page's one training runner, shared by every <backprop-viz> on it: a module worker
// (www/worker.js) when one can start, else the same trainers on the main thread.
//
//   const runner = await getRunner();
//   const channel = runner.channel();                 // one per figure
//   const info = await channel.request("create", { config, grid, palette, data });
//   const snapshot = await channel.request("frame", { train, example, inspect, buffers }, transfer);
//   channel.close();                                  // frees the figure's network at once
//
// Requests of one figure are answered in the order they were sent. Typed arrays in `transfer`
// move to the worker without a copy, and the snapshot's come back the same way.
//
// The worker is loaded from this package's own URL, so a page's CSP needs `worker-src 'self'`
// (which `script-src 'self'` or `default-src 'self'` already give when worker-src is not set).
// From another origin (a CDN) a worker cannot be started from the URL directly; a one-line
// module from a blob: URL imports it instead, which needs `worker-src blob:`. When the worker
// cannot start at all (a CSP forbids it, say), training runs on the main thread, with one
// console warning; the figures work the same, only less smoothly with several on a page.

import { loadEngine } from "./engine.js";
import { TrainerHost } from "./trainer.js";

const WORKER_URL = new URL("./worker.js", import.meta.url);
/** How long a worker may take to load the engine before the main thread takes over. */
const START_TIMEOUT_MS = 20_000;

let starting = null;

/** The page's runner (started on first use). `options.worker = false` forces the main thread. */
export function getRunner(options = {}) {
  starting ??= start(options).catch((err) => {
    starting = null;
    throw err;
  });
  return starting;
}

async function start({ worker = true } = {}) {
  const engine = await loadEngine();
  if (worker && typeof Worker === "function") {
    try {
      return new WorkerRunner(await startWorker(engine.module), engine);
    } catch (err) {
      console.warn(
        `backprop-viz: the training worker could not start (${err?.message ?? err}); training runs on the main thread instead. ` +
          "If the page has a Content-Security-Policy, allow the worker with worker-src 'self' (or, from another origin, blob:).",
      );
    }
  }
  return new LocalRunner(engine);
}

function workerUrl() {
  if (typeof location === "undefined" || WORKER_URL.origin === location.origin) return { url: WORKER_URL, revoke: null };
  // A worker script must be same-origin: start one that imports the package's worker.
  const blob = new Blob([`import ${JSON.stringify(WORKER_URL.href)};\n`], { type: "text/javascript" });
  const url = URL.createObjectURL(blob);
  return { url, revoke: () => URL.revokeObjectURL(url) };
}

/**
 * Starts a worker of www/worker.js with the compiled engine `module`; resolves to the Worker
 * once it has loaded the engine. `name` shows in the browser's tools (and the edges worker,
 * www/edge-layer.js, is one too).
 */
export function startWorker(module, name = "backprop-viz") {
  return new Promise((resolve, reject) => {
    const { url, revoke } = workerUrl();
    let w;
    try {
      w = new Worker(url, { type: "module", name });
    } catch (err) {
      revoke?.();
      reject(err);
      return;
    }
    const done = (fn, arg) => {
      clearTimeout(timer);
      w.removeEventListener("message", onMessage);
      w.removeEventListener("error", onError);
      revoke?.();
      fn(arg);
    };
    const onMessage = (e) => {
      if (e.data?.op === "ready") done(resolve, w);
      else if (e.data?.op === "failed") {
        w.terminate();
        done(reject, new Error(e.data.error));
      }
    };
    const onError = (e) => {
      e.preventDefault?.();
      w.terminate();
      done(reject, new Error(e.message || "the worker script could not be loaded"));
    };
    const timer = setTimeout(() => {
      w.terminate();
      done(reject, new Error(`it did not load the engine within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    w.addEventListener("message", onMessage);
    w.addEventListener("error", onError);
    w.postMessage({ op: "init", module });
  });
}

/** Figure ids, unique on the page. */
let nextFigure = 1;

class Runner {
  constructor(engine) {
    /** The main thread's engine instance (the element's read-only `network` uses it). */
    this.engine = engine;
    this.seq = 0;
    this.pending = new Map();
  }

  /** A channel for one figure. */
  channel() {
    return new Channel(this, nextFigure++);
  }

  /** Page-wide numbers: `{ figures, networks, wasmBytes }` of the trainers' engine. */
  stats() {
    return this.send(0, "stats", {});
  }

  /**
   * Reads CSV data where the networks live (docs/API.md, parseCsv): `source` is its text or a
   * File, which is read there too.
   */
  parseCsv(source, options = {}) {
    return this.send(0, "parseCsv", typeof source === "string" ? { text: source, options } : { file: source, options });
  }

  settle(msg) {
    const p = this.pending.get(msg.seq);
    if (!p) return;
    this.pending.delete(msg.seq);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  }
}

/** Requests go to the worker. */
class WorkerRunner extends Runner {
  constructor(worker, engine) {
    super(engine);
    this.worker = worker;
    this.inWorker = true;
    this.broken = null;
    this.outbox = []; // request, transfer list, request, ...
    this.posting = false;
    this.post = () => this.postAll();
    worker.addEventListener("message", (e) => this.settle(e.data));
    worker.addEventListener("error", (e) => this.fail(e.message || "the training worker stopped"));
    worker.addEventListener("messageerror", () => this.fail("a message from the training worker could not be read"));
  }

  send(fid, op, args, transfer = []) {
    if (this.broken) return Promise.reject(new Error(this.broken));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.outbox.push({ seq, fid, op, args }, transfer);
      if (!this.posting) {
        this.posting = true;
        queueMicrotask(this.post);
      }
    });
  }

  // Requests are posted when the task that made them ends (for the animation loop: after the
  // frame is drawn), in order. Posted at once, the worker's training would start while the
  // main thread draws, and with two cores and the edges worker (www/edge-layer.js) busy too,
  // the frame's own thread would wait for a core.
  postAll() {
    const box = this.outbox;
    for (let i = 0; i < box.length; i += 2) {
      if (this.broken) this.settle({ seq: box[i].seq, ok: false, error: this.broken });
      else this.worker.postMessage(box[i], box[i + 1]);
    }
    box.length = 0;
    this.posting = false;
  }

  fail(message) {
    this.broken = message;
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }
}

/**
 * The same trainers on the main thread: each request runs in a task of its own, in order,
 * so callers see the same asynchronous replies as from a worker.
 */
class LocalRunner extends Runner {
  constructor(engine) {
    super(engine);
    this.host = new TrainerHost(engine);
    this.inWorker = false;
    this.queue = [];
    this.port = null;
  }

  send(fid, op, args) {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.queue.push({ seq, fid, op, args });
      this.kick();
    });
  }

  // One task per request, as a worker's replies would arrive (a MessageChannel message is a
  // task with no timer clamping).
  kick() {
    if (!this.port) {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => this.drain();
      this.port = ch.port2;
    }
    this.port.postMessage(0);
  }

  async drain() {
    const msg = this.queue.shift();
    if (!msg) return;
    try {
      const { result } = await this.host.handleAsync(msg);
      this.settle({ seq: msg.seq, ok: true, result });
    } catch (err) {
      this.settle({ seq: msg.seq, ok: false, error: String(err?.message ?? err) });
    }
  }
}

/** One figure's requests. */
class Channel {
  constructor(runner, fid) {
    this.runner = runner;
    this.fid = fid;
    this.closed = false;
  }

  /** Whether the figure's network trains off the main thread. */
  get inWorker() {
    return this.runner.inWorker;
  }

  request(op, args = {}, transfer = []) {
    if (this.closed) return Promise.reject(new Error("this figure was removed from the page"));
    return this.runner.send(this.fid, op, args, transfer);
  }

  /** Frees the figure's network where it lives, at once; later requests are refused. */
  close() {
    if (this.closed) return Promise.resolve();
    const done = this.runner.send(this.fid, "destroy", {});
    this.closed = true;
    return done.catch(() => {});
  }
}

export { LocalRunner, WorkerRunner };
