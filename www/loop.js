// The animation loop: training speed, the forward / backward / update phases, step mode, and
// one frame request to the figure's network (www/session.js) at a time.
//
// The network trains where it lives (the page's worker). Each animation frame sends at most
// one request, `{ train, example, inspect }`, and draws the latest snapshot that came back:
// while the main thread draws frame k, the worker computes frame k + 1. At one or more steps
// per frame a request trains that many steps ("flow"); the speed is steps per drawn frame, so
// a slow worker slows training rather than piling up requests.
//
// One training step is a timeline of 2D + 1 units for a network of D weight layers:
//
//   t in [0, D]        forward:  neuron layers 0..t are lit (anim.position = t)
//   t in (D, 2D]       backward: derivatives have reached weight layers down to 2D - t
//   t in (2D, 2D + 1]  update:   anim.position = t - 2D blends the old weights into the new
//
// The step's gradients are the engine's real ones: a `prepare` request (the next batch, or
// the selected example) runs when the forward sweep starts, and an `apply` request when the
// update starts, just after host.beforeApply() lets the diagram copy the old weights it
// blends from. The timeline waits for each reply before it moves past it. Playing moves t
// continuously (the sweep compresses as the speed rises); step mode moves t to the next whole
// number: one layer forward, one layer back, or the update.

const TWEEN_SECONDS = 0.35; // one phase of step mode, when motion is allowed
const WHOLE_STEP_SECONDS = 1.2; // the Step button's whole-step animation

/** Per-frame timings, recorded only while profiling (preallocated buffers). */
const PROFILE_FIELDS = ["total", "interval", "diagram", "output", "chart", "thumbs", "fresh", "steps", "workerTrain", "workerRender", "workerTotal"];

export class Loop {
  /**
   * @param host the element's side: `session` (frame requests), `example` ({ input, target }
   *   of the selected example), `batchSize`, `trainSize`, `ready` (a network is built), and the
   *   callbacks `inspection()` (the inspector's request or null), `wantsInspection()`,
   *   `beforeApply()`, `onStepPrepared()`, `onSnapshot(snapshot, inspect)`, `uploadThumbs()`,
   *   `drawDiagram(anim)`, `drawOutput(anim)`, `drawChart(fresh)`, `afterFrame(steps, loss)`,
   *   `onPhase(text)`, `onPlaying(playing)`, `onError(error)`.
   */
  constructor(host) {
    this.host = host;
    this.anim = { phase: "idle", position: 0, time: 0 };
    this.playing = false;
    this.speed = { id: "1", perFrame: 1 };
    this.reducedMotion = false;
    this.stepBy = "phase"; // the Step button: "phase" or "step"
    this.stepFor = "batch"; // what a step-mode step trains on: "batch" or "example"
    this.depth = 1;
    this.t = 0; // position on the current step's timeline
    this.goal = 0; // where step mode is heading
    this.rate = 0; // timeline units per second toward the goal
    this.prepared = false; // gradients prepared for the current step
    this.applied = false; // the current step's update is applied
    this.awaiting = null; // "prepare" | "apply" | "step": the step's request is on its way
    this.token = 0; // counts steps; a reply for an abandoned step only updates the views
    this.queue = []; // training requests waiting for the one in flight
    this.inflight = false;
    this.fresh = false; // a snapshot arrived since the last drawn frame
    this.needsFetch = true; // ask for a snapshot even with nothing to train
    this.dirtyDraw = true;
    this.flowTime = 0;
    this.restTime = 0; // reduced-motion playing: time since the last step
    this.phaseKey = null;
    this.steps = 0; // steps trained since the last drawn frame
    this.lastLoss = NaN;
    this.lastTiming = null;
    this.raf = 0;
    this.last = 0;
    this.profile = null;
    this.connected = false;
    this._frame = this._frame.bind(this);
  }

  // ---- set-up ---------------------------------------------------------------------------------

  /** After a network is built or rebuilt: forget the step in progress and anything queued. */
  setNetwork(layers) {
    this.depth = layers.length - 1;
    for (const q of this.queue) q.done?.(NaN);
    this.queue.length = 0;
    this.cancelStep();
    this.invalidate({ fetch: true });
  }

  setSpeed(speed) {
    const wasFlow = this.isFlow();
    this.speed = speed;
    if (!wasFlow && this.isFlow() && this.playing) this._finishStep();
    this.phaseKey = null;
    this.invalidate();
  }

  setReducedMotion(on) {
    this.reducedMotion = on;
    this.invalidate();
  }

  /** Steps per frame when flowing, else 0 (animated speeds). */
  perFrame() {
    const s = this.speed;
    if (s.epoch) {
      const batch = Math.max(1, this.host.batchSize ?? 10);
      return Math.max(1, Math.ceil((this.host.trainSize ?? 0) / batch));
    }
    return s.perFrame ?? 0;
  }

  isFlow() {
    return !this.speed.seconds;
  }

  // ---- commands -------------------------------------------------------------------------------

  play() {
    if (this.playing) return;
    this.playing = true;
    this.restTime = 0;
    this.last = 0;
    if (this.isFlow()) this._finishStep();
    this.phaseKey = null;
    this.host.onPlaying(true);
    this._request();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.phaseKey = null;
    this.host.onPlaying(false);
    this.invalidate({ fetch: true });
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  /** The Step button: one phase (or one whole step), animated unless motion is reduced. */
  stepButton() {
    if (this.playing) this.pause();
    const end = 2 * this.depth + 1;
    if (this.awaiting !== "prepare" && (!this.prepared || this.applied)) this._startStep(this.stepFor);
    if (this.stepBy === "step") {
      this.goal = end;
      this.rate = end / WHOLE_STEP_SECONDS;
    } else {
      // During a tween the next phase follows the one being tweened to.
      const base = Math.max(Math.floor(this.t + 1e-9), this.goal > this.t ? this.goal : 0);
      this.goal = Math.min(end, base + 1);
      this.rate = 1 / TWEEN_SECONDS;
    }
    if (this.reducedMotion && this.prepared) this._advanceTo(this.goal);
    this.invalidate();
  }

  /**
   * One whole training step at once (the element's stepOnce()): the step in progress, or a
   * new one on the batch (or the selected example, in step mode on it). Resolves to its loss.
   */
  stepNow() {
    if (this.playing) this.pause();
    const end = 2 * this.depth + 1;
    return new Promise((resolve) => {
      const finish = (loss) => {
        this.t = end;
        this.goal = end;
        this.invalidate();
        resolve(loss);
      };
      if (this.prepared && !this.applied && this.awaiting === null) {
        this.host.beforeApply();
        this.awaiting = "apply";
        this._queue({ mode: "apply" }, finish);
        return;
      }
      this.token++;
      this.prepared = false;
      this.applied = false;
      this.t = 0;
      this.goal = 0;
      this.awaiting = "step";
      this.host.beforeApply();
      this._queue({ mode: "step", on: this.stepFor }, finish);
    });
  }

  /** Forgets the step in progress (after an edit, a rebuild or a reset). */
  cancelStep() {
    this.token++;
    this.t = 0;
    this.goal = 0;
    this.prepared = false;
    this.applied = false;
    this.awaiting = null;
    this.anim.phase = "idle";
    this.anim.position = 0;
    this.phaseKey = null;
    this.invalidate({ fetch: true });
  }

  /** Marks work for the next frame and makes sure one comes. `fetch`: ask for a new snapshot. */
  invalidate({ fetch = false } = {}) {
    if (fetch) this.needsFetch = true;
    this.dirtyDraw = true;
    this._request();
  }

  /** Starts frames (after the element is connected). */
  start() {
    this.connected = true;
    this._request();
  }

  /** Stops frames (the element left the page); replies still update the views. */
  stop() {
    this.connected = false;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  /** Whether nothing is queued or on its way (tests and teardown wait for this). */
  get idle() {
    return !this.inflight && this.queue.length === 0;
  }

  /** Resolves once nothing is queued or on its way (the last reply has landed). */
  whenIdle() {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => {
      (this.idleWaiters ??= []).push(resolve);
    });
  }

  #settleIdle() {
    if (!this.idle || !this.idleWaiters?.length) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  // ---- requests -------------------------------------------------------------------------------

  _queue(train, done = null) {
    this.queue.push({ train, done, token: this.token });
    this._pump();
  }

  // Sends the next queued request if none is on its way.
  _pump() {
    if (this.inflight || this.queue.length === 0 || !this.host.ready) return;
    const { train, done, token } = this.queue.shift();
    this._send(train, done, token);
  }

  _send(train, done = null, token = this.token) {
    const host = this.host;
    this.inflight = true;
    const inspect = host.inspection();
    host.session.frame({ train, example: host.example, inspect }).then(
      (snap) => {
        this.inflight = false;
        if (snap) this._arrived(snap, train, token, done, inspect);
        else done?.(NaN);
        this._pump();
        this._request();
        this.#settleIdle();
      },
      (err) => {
        this.inflight = false;
        done?.(NaN);
        host.onSnapshot(null, inspect);
        this._fail(err);
        this._pump();
        this.#settleIdle();
      },
    );
  }

  _arrived(snap, train, token, done, inspect) {
    this.fresh = true;
    this.steps += snap.stepped;
    this.lastTiming = snap.timing;
    if (train) this.lastLoss = snap.loss;
    this.host.onSnapshot(snap, inspect);
    if (snap.error) {
      done?.(NaN);
      this._fail(new Error(snap.error));
      return;
    }
    if (token === this.token && train) {
      if (train.mode === "prepare") {
        this.prepared = true;
        this.awaiting = null;
        this.phaseKey = null;
        this.host.onStepPrepared();
      } else if (train.mode === "apply" || train.mode === "step") {
        this.prepared = true;
        this.applied = true;
        this.awaiting = null;
        this.phaseKey = null;
        if (train.mode === "step") this.host.onStepPrepared();
      }
    }
    done?.(snap.loss);
  }

  // ---- the step timeline ----------------------------------------------------------------------

  _startStep(target) {
    this.token++;
    this.t = 0;
    this.applied = false;
    this.prepared = false;
    this.awaiting = "prepare";
    this.phaseKey = null;
    this._queue({ mode: "prepare", on: target });
  }

  /** Moves the timeline to `t`; past 2D it asks for the update and waits for it there. */
  _advanceTo(t) {
    const end = 2 * this.depth + 1;
    const target = Math.min(t, end);
    if (!this.applied && target > 2 * this.depth && this.prepared) {
      if (this.awaiting !== "apply") {
        this.host.beforeApply();
        this.awaiting = "apply";
        this._queue({ mode: "apply" });
      }
      this.t = 2 * this.depth;
      return;
    }
    this.t = target;
  }

  /** Completes a step in progress (before flowing). */
  _finishStep() {
    if (this.prepared && !this.applied && this.awaiting === null) {
      this.host.beforeApply();
      this._queue({ mode: "apply" });
    }
    this.token++;
    this.prepared = false;
    this.applied = false;
    this.awaiting = null;
    this.t = 0;
    this.goal = 0;
    this.phaseKey = null;
  }

  /** Timeline work for one frame of `dt` seconds (flow training is sent by _frame). */
  _advance(dt) {
    const end = 2 * this.depth + 1;
    if (this.playing && this.isFlow()) {
      this.flowTime += dt;
      return;
    }
    if (this.playing) {
      if (this.reducedMotion) {
        // No sweeps: instantaneous steps at the chosen rate.
        this.restTime += dt;
        if (this.restTime >= this.speed.seconds && this.queue.length === 0 && !this.inflight) {
          this.restTime = 0;
          this._finishStep();
          this._queue({ mode: "steps", n: 1 });
        }
        return;
      }
      if (this.awaiting) return;
      if (!this.prepared || this.t >= end) {
        this._startStep("batch");
        return;
      }
      this._advanceTo(this.t + (dt * end) / this.speed.seconds);
      return;
    }
    // Paused: step mode tweens toward its goal.
    if (this.prepared && this.awaiting === null && this.t < this.goal) {
      this._advanceTo(this.reducedMotion ? this.goal : Math.min(this.goal, this.t + dt * this.rate));
    }
  }

  _fail(err) {
    for (const q of this.queue) q.done?.(NaN);
    this.queue.length = 0;
    this.token++;
    this.prepared = false;
    this.applied = false;
    this.awaiting = null;
    this.t = 0;
    this.goal = 0;
    this.anim.phase = "idle";
    if (this.playing) {
      this.playing = false;
      this.host.onPlaying(false);
    }
    this.phaseKey = null;
    this.host.onError(err);
    this.invalidate({ fetch: true });
  }

  /**
   * Where the timeline is, as one number: -2 flowing, -1 idle, 0..D forward (neuron layers
   * lit), D+1..2D backward, 2D+1 the update. Everything shown (anim, text, phase) derives from
   * it, so they always agree. The update phase is decided by the update having been applied,
   * not by comparing t with 2D, which rounding could make disagree.
   */
  _key() {
    if (this.playing && this.isFlow()) return -2;
    if (!this.prepared && !this.applied) return -1;
    if (this.applied) return 2 * this.depth + 1;
    return Math.min(2 * this.depth, Math.max(0, Math.ceil(this.t - 1e-9)));
  }

  /** Sets anim from t, and tells the host when the phase text changes. */
  _updateAnim() {
    const anim = this.anim;
    const D = this.depth;
    const t = this.t;
    const key = this._key();
    if (key === -2) {
      anim.phase = "flow";
      anim.position = 0;
      anim.time = this.flowTime;
    } else if (key === -1) {
      anim.phase = "idle";
      anim.position = 0;
    } else if (key <= D) {
      anim.phase = "forward";
      anim.position = Math.min(D, t);
    } else if (key <= 2 * D) {
      anim.phase = "backward";
      anim.position = Math.max(0, 2 * D - t);
    } else {
      anim.phase = "update";
      anim.position = Math.min(1, Math.max(0, t - 2 * D));
    }
    if (key !== this.phaseKey) {
      this.phaseKey = key;
      this.host.onPhase(this.phaseText());
    }
  }

  /** The phase in words: "Forward: layer 2 of 3". */
  phaseText() {
    const D = this.depth;
    const key = this._key();
    if (key === -2) return `Training: ${this.perFrame()} step${this.perFrame() === 1 ? "" : "s"} per frame`;
    if (key === -1) return this.playing ? "Training" : "Ready: Step runs one phase of a training step";
    if (key === 0) return "Forward: inputs";
    if (key <= D) return `Forward: layer ${key} of ${D}`;
    if (key <= 2 * D) return `Backward: layer ${2 * D - key + 1} of ${D}`;
    return "Update: weights and biases changed";
  }

  /** Where a step is, for tests and the element's `phase`: `{ phase, layer, of }`. */
  phaseInfo() {
    const D = this.depth;
    const key = this._key();
    if (key === -2) return { phase: "flow", layer: 0, of: D };
    if (key === -1) return { phase: "idle", layer: 0, of: D };
    if (key <= D) return { phase: "forward", layer: key, of: D };
    if (key <= 2 * D) return { phase: "backward", layer: 2 * D - key + 1, of: D };
    return { phase: "update", layer: 0, of: D };
  }

  // ---- frames ---------------------------------------------------------------------------------

  _request() {
    if (!this.raf && this.connected) this.raf = requestAnimationFrame(this._frame);
  }

  _animating() {
    return this.prepared && this.awaiting === null && this.t < this.goal && !this.reducedMotion;
  }

  _frame(now) {
    this.raf = 0;
    const host = this.host;
    if (!host.ready) return;
    const p = this.profile;
    const t0 = performance.now();
    const interval = this.last ? now - this.last : 0;
    const dt = this.last ? Math.min(interval / 1000, 0.1) : 1 / 60;
    const moving = this.playing || this._animating();
    this.last = moving ? now : 0;
    let t1 = t0;
    let t2 = t0;
    let t3 = t0;
    let t4 = t0;
    const fresh = this.fresh;
    // Cleared before drawing: a renderer that asks for another frame while it draws (the
    // output view copying many points over several frames) gets one.
    const dirty = this.dirtyDraw;
    this.dirtyDraw = false;
    const timing = fresh ? this.lastTiming : null;
    try {
      this._advance(dt);
      // One request per frame: a queued step phase first, else training, else a refresh.
      if (!this.inflight) {
        if (this.queue.length) this._pump();
        else if (this.playing && this.isFlow()) this._send({ mode: "steps", n: this.perFrame() });
        else if (this.needsFetch || host.wantsInspection()) {
          this.needsFetch = false;
          this._send(null);
        }
      }
      this._updateAnim();
      if (fresh || dirty || moving || this.prepared) {
        if (fresh) host.uploadThumbs();
        t1 = performance.now();
        host.drawDiagram(this.anim);
        t2 = performance.now();
        host.drawOutput(this.anim);
        t3 = performance.now();
        host.drawChart(fresh);
        t4 = performance.now();
      }
      host.afterFrame(this.steps, this.lastLoss, fresh);
    } catch (err) {
      this._fail(err);
    }
    this.fresh = false;
    if (p && p.count < p.capacity && this.playing) {
      const i = p.count++;
      p.total[i] = performance.now() - t0;
      p.interval[i] = interval;
      p.thumbs[i] = t1 - t0;
      p.diagram[i] = t2 - t1;
      p.output[i] = t3 - t2;
      p.chart[i] = t4 - t3;
      p.fresh[i] = fresh ? 1 : 0;
      p.steps[i] = this.steps;
      p.workerTrain[i] = timing ? timing.train : NaN;
      p.workerRender[i] = timing ? timing.render : NaN;
      p.workerTotal[i] = timing ? timing.total : NaN;
      if (p.count === p.capacity) p.done?.();
    }
    this.steps = 0;
    if (this.playing || this._animating() || this.queue.length || (this.prepared && this.t < this.goal)) this._request();
  }

  /**
   * Records the next `frames` playing frames' timings (ms) and resolves with them, arrays of
   * `{ total, interval, thumbs, diagram, output, chart, fresh, steps, workerTrain,
   * workerRender, workerTotal }`: the main thread's work per frame, and, for frames that drew
   * a new snapshot, what it cost where the network lives (NaN otherwise).
   */
  record(frames) {
    const p = { count: 0, capacity: frames };
    for (const f of PROFILE_FIELDS) p[f] = new Float64Array(frames);
    this.profile = p;
    return new Promise((resolve) => {
      p.done = () => {
        this.profile = null;
        const out = {};
        for (const f of PROFILE_FIELDS) out[f] = Array.from(p[f]);
        resolve(out);
      };
    });
  }
}
