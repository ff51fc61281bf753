// The animation loop: training speed, the forward / backward / update phases, step mode,
// and the per-frame engine work (one renderGrid, one probe, one refreshMetrics at most).
//
// One training step is a timeline of 2D + 1 units for a network of D weight layers:
//
//   t in [0, D]        forward:  neuron layers 0..t are lit (anim.position = t)
//   t in (D, 2D]       backward: derivatives have reached weight layers down to 2D - t
//   t in (2D, 2D + 1]  update:   anim.position = t - 2D blends the old weights into the new
//
// The step's gradients are the engine's real ones: net.prepareStep() (or prepareExample for
// one chosen example) runs when the forward sweep starts, and net.applyStep() when the
// update starts, just after host.beforeApply() lets the diagram copy the old weights it
// blends from. Playing
// moves t continuously (the sweep compresses as the speed rises); at one or more steps per
// frame the loop trains with net.step(n) and the diagram shows a steady flow. Step mode
// moves t to the next whole number: one layer forward, one layer back, or the update.
//
// Nothing here allocates per frame in the steady state: the anim object and the timing
// buffers are made once, and the frame callback is bound once.

const TWEEN_SECONDS = 0.35; // one phase of step mode, when motion is allowed
const WHOLE_STEP_SECONDS = 1.2; // the Step button's whole-step animation

/** Per-frame timings, recorded only while profiling (preallocated buffers). */
const PROFILE_FIELDS = ["total", "interval", "train", "renderGrid", "thumbs", "diagram", "output", "chart", "steps"];

export class Loop {
  /**
   * @param host the element: `net`, `views`, `example` ({ input, target } Float64Arrays of the
   *   selected example), `batchSize`, and the callbacks `uploadThumbs()` (after renderGrid),
   *   `beforeApply()` (just before net.applyStep), `drawDiagram(anim)`, `drawOutput(anim)`,
   *   `drawChart(stepped, metricsFresh)`, `afterFrame(stepped, loss)`, `onPhase(text)`,
   *   `onPlaying(playing)`, `onError(error)`, `onStepPrepared()`.
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
    this.flowTime = 0;
    this.restTime = 0; // reduced-motion playing: time since the last step
    this.phaseKey = null;
    this.dirtyWeights = true; // renderGrid + metrics + thumbnails next frame
    this.dirtyProbe = true;
    this.dirtyDraw = true;
    this.stepsThisFrame = 0;
    this.lastLoss = NaN;
    this.raf = 0;
    this.last = 0;
    this.profile = null;
    this.connected = false;
    this._frame = this._frame.bind(this);
  }

  // ---- set-up ---------------------------------------------------------------------------------

  /** After a network is built or rebuilt: forget the step in progress. */
  setNetwork(views) {
    this.depth = views.layers.length - 1;
    this.cancelStep();
    this.invalidate({ weights: true });
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
      const net = this.host.net;
      const batch = Math.max(1, this.host.batchSize ?? 10);
      return Math.max(1, Math.ceil((net?.trainSize ?? 0) / batch));
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
    this.invalidate();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  /** The Step button: one phase (or one whole step), animated unless motion is reduced. */
  stepButton() {
    if (this.playing) this.pause();
    const end = 2 * this.depth + 1;
    if (!this.prepared || this.applied) this._startStep(this.stepFor);
    if (!this.prepared) return; // preparing failed
    if (this.stepBy === "step") {
      this.goal = end;
      this.rate = end / WHOLE_STEP_SECONDS;
    } else {
      // During a tween the next phase follows the one being tweened to.
      const base = Math.max(Math.floor(this.t + 1e-9), this.goal > this.t ? this.goal : 0);
      this.goal = Math.min(end, base + 1);
      this.rate = 1 / TWEEN_SECONDS;
    }
    if (this.reducedMotion) this._advanceTo(this.goal);
    this.invalidate();
  }

  /** One whole training step, at once (the element's stepOnce()). Returns the loss. */
  stepNow() {
    if (this.playing) this.pause();
    if (!this.prepared || this.applied) this._startStep(this.stepFor);
    if (!this.prepared) return NaN;
    this._advanceTo(2 * this.depth + 1);
    this.invalidate();
    return this.lastLoss;
  }

  /** Forgets the step in progress (after an edit, a rebuild or a reset). */
  cancelStep() {
    this.t = 0;
    this.goal = 0;
    this.prepared = false;
    this.applied = false;
    this.anim.phase = "idle";
    this.anim.position = 0;
    this.phaseKey = null;
    this.invalidate({ probe: true });
  }

  /**
   * Marks work for the next frame and makes sure one comes. `weights`: the parameters changed
   * (renderGrid, metrics, thumbnails); `probe`: the selected example changed.
   */
  invalidate({ weights = false, probe = false } = {}) {
    if (weights) this.dirtyWeights = true;
    if (weights || probe) this.dirtyProbe = true;
    this.dirtyDraw = true;
    this._request();
  }

  /** Starts frames (after the element is connected). */
  start() {
    this.connected = true;
    this._request();
  }

  /** Stops frames (the element left the page). */
  stop() {
    this.connected = false;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  // ---- the step timeline ----------------------------------------------------------------------

  _startStep(target) {
    const net = this.host.net;
    this.t = 0;
    this.goal = 0;
    this.applied = false;
    this.prepared = false;
    try {
      if (target === "example") {
        const ex = this.host.example;
        this.lastLoss = net.prepareExample(ex.input, ex.target);
      } else {
        this.lastLoss = net.prepareStep();
      }
      this.prepared = true;
      this.host.onStepPrepared?.();
    } catch (err) {
      this._fail(err);
    }
    this.phaseKey = null;
  }

  /** Moves the timeline to `t`, applying the update when it crosses 2D. */
  _advanceTo(t) {
    const end = 2 * this.depth + 1;
    const target = Math.min(t, end);
    if (!this.applied && target > 2 * this.depth && this.prepared) {
      this.host.beforeApply();
      try {
        this.host.net.applyStep();
        this.applied = true;
        this.stepsThisFrame++;
        this.dirtyWeights = true;
        this.dirtyProbe = true;
      } catch (err) {
        this._fail(err);
        return;
      }
    }
    this.t = target;
  }

  /** Completes a step in progress at once (before flowing). */
  _finishStep() {
    if (this.prepared && !this.applied) this._advanceTo(2 * this.depth + 1);
    this.prepared = false;
    this.applied = false;
    this.t = 0;
    this.goal = 0;
    this.phaseKey = null;
  }

  /** Training and timeline work for one frame of `dt` seconds. */
  _advance(dt) {
    const end = 2 * this.depth + 1;
    if (this.playing && this.isFlow()) {
      const n = this.perFrame();
      try {
        this.lastLoss = this.host.net.step(n);
        this.stepsThisFrame += n;
      } catch (err) {
        this._countDivergedSteps();
        this.dirtyWeights = true;
        this._fail(err);
      }
      this.dirtyWeights = true;
      this.flowTime += dt;
      return;
    }
    if (this.playing) {
      if (this.reducedMotion) {
        // No sweeps: instantaneous steps at the chosen rate.
        this.restTime += dt;
        if (this.restTime >= this.speed.seconds) {
          this.restTime = 0;
          this._finishStep();
          this._startStep("batch");
          if (this.prepared) this._advanceTo(end);
          this.prepared = false;
          this.applied = false;
          this.t = 0;
        }
        return;
      }
      if (!this.prepared || this.t >= end) this._startStep("batch");
      if (!this.prepared) return;
      const next = this.t + (dt * end) / this.speed.seconds;
      this._advanceTo(next);
      if (this.t >= end && this.playing) {
        // Carry on into the next step next frame.
        this.prepared = false;
      }
      return;
    }
    // Paused: step mode tweens toward its goal.
    if (this.prepared && this.t < this.goal) {
      this._advanceTo(this.reducedMotion ? this.goal : Math.min(this.goal, this.t + dt * this.rate));
    }
  }

  // A failed net.step(n) keeps the updates before the diverging one; stepCount says how many.
  _countDivergedSteps() {
    this.stepsThisFrame = Math.max(this.stepsThisFrame, 1);
  }

  _fail(err) {
    this.prepared = false;
    this.applied = false;
    this.t = 0;
    this.goal = 0;
    this.anim.phase = "idle";
    if (this.playing) {
      this.playing = false;
      this.host.onPlaying(false);
    }
    this.phaseKey = null;
    this.host.onError(err);
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
    return this.prepared && this.t < this.goal && !this.reducedMotion;
  }

  _frame(now) {
    this.raf = 0;
    const host = this.host;
    const net = host.net;
    const views = host.views;
    if (!net || !views) return;
    const p = this.profile;
    const t0 = performance.now();
    const interval = this.last ? now - this.last : 0;
    const dt = this.last ? Math.min(interval / 1000, 0.1) : 1 / 60;
    this.last = this.playing || this._animating() ? now : 0;
    let t1 = t0;
    let t2 = t0;
    let t3 = t0;
    let t4 = t0;
    let t5 = t0;
    let t6 = t0;
    try {
      this._advance(dt);
      this._updateAnim();
      t1 = performance.now();
      if (this.dirtyWeights) {
        net.renderGrid();
        t2 = performance.now();
        views.refresh();
        host.uploadThumbs();
        net.refreshMetrics();
        this.dirtyProbe = true;
      } else {
        t2 = t1;
      }
      if (this.dirtyProbe) net.probe(host.example.input);
      views.refresh();
      t3 = performance.now();
      const drawAll = this.dirtyDraw || this.dirtyWeights || this.playing || this.prepared;
      if (drawAll) {
        host.drawDiagram(this.anim);
        t4 = performance.now();
        host.drawOutput(this.anim);
        t5 = performance.now();
        host.drawChart(this.stepsThisFrame, this.dirtyWeights);
        t6 = performance.now();
      } else {
        t4 = t5 = t6 = t3;
      }
      host.afterFrame(this.stepsThisFrame, this.lastLoss);
    } catch (err) {
      this._fail(err);
    }
    this.dirtyWeights = false;
    this.dirtyProbe = false;
    this.dirtyDraw = false;
    if (p && p.count < p.capacity && this.playing) {
      const i = p.count++;
      p.total[i] = performance.now() - t0;
      p.interval[i] = interval;
      p.train[i] = t1 - t0;
      p.renderGrid[i] = t2 - t1;
      p.thumbs[i] = t3 - t2;
      p.diagram[i] = t4 - t3;
      p.output[i] = t5 - t4;
      p.chart[i] = t6 - t5;
      p.steps[i] = this.stepsThisFrame;
      if (p.count === p.capacity) p.done?.();
    }
    // Steps taken outside a frame (stepNow, an instant Step) are counted here too.
    this.stepsThisFrame = 0;
    if (this.playing || this._animating() || (this.prepared && this.t < this.goal)) this._request();
  }

  /**
   * Records the next `frames` playing frames' timings (ms) and resolves with them:
   * `{ total, interval, train, renderGrid, thumbs, diagram, output, chart, steps }`, arrays.
   * `thumbs` covers the atlas upload, the metrics and the probe.
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
