// A figure's lifecycle: what it listens to and observes while it is on the page, and its
// teardown when it leaves. One job: everything a figure registers with the page (listeners,
// observers, timers) goes through a Disposer, so leaving the page removes all of it, and a
// test can count what is left (`live`).
//
// A removed figure is torn down at once, in a microtask after `disconnectedCallback`: its
// network is freed where it lives and its frames stop. A figure that is only moved (removed
// and inserted again in the same task, as `appendChild` of an attached node does) is not
// torn down. A torn-down figure that is inserted again is revived from its saved state.

/** Everything a figure registered with the page, undone by `dispose()`. */
export class Disposer {
  constructor() {
    this.undo = new Set();
  }

  /** addEventListener, remembered. Returns a function that removes it early. */
  listen(target, type, fn, options) {
    target.addEventListener(type, fn, options);
    return this.add(() => target.removeEventListener(type, fn, options));
  }

  /** An observer (Resize/Intersection/Mutation), disconnected on dispose. */
  observe(observer) {
    this.add(() => observer.disconnect());
    return observer;
  }

  /** setTimeout, cleared on dispose (and forgotten once it has run). */
  timeout(fn, ms) {
    let undo = null;
    const id = setTimeout(() => {
      this.undo.delete(undo);
      fn();
    }, ms);
    undo = this.add(() => clearTimeout(id));
    return undo;
  }

  /** Any undo function. Returns a function that runs it now and forgets it. */
  add(fn) {
    const once = () => {
      if (this.undo.delete(once)) fn();
    };
    this.undo.add(once);
    return once;
  }

  /** Undoes everything, newest first. */
  dispose() {
    for (const once of [...this.undo].reverse()) once();
  }

  /** How many registrations are live. */
  get size() {
    return this.undo.size;
  }
}

// One MediaQueryList for the page, shared by every figure: each figure only adds and removes
// its listener (Chromium keeps what a matchMedia() call parses, so one call a figure would grow
// with every figure ever mounted).
let motionQuery;
function reducedMotionQuery() {
  if (motionQuery === undefined) motionQuery = typeof matchMedia === "function" ? matchMedia("(prefers-reduced-motion: reduce)") : null;
  return motionQuery;
}

export class Lifecycle {
  /**
   * @param element the custom element
   * @param {{ onVisible(visible), onMotion(reduced), onKey(event), onHash(), onTeardown(), onRevive() }} hooks
   *   onKey gets keydown events: from the whole window for the page's own figure (`sync-hash`),
   *   else only from inside the figure; onHash gets hashchange for a `sync-hash` figure.
   */
  constructor(element, hooks) {
    this.element = element;
    this.hooks = hooks;
    this.page = new Disposer(); // registrations while on the page
    this.visible = false;
    this.reducedMotion = false;
    this.tornDown = false;
    this.pendingTeardown = false;
  }

  /** connectedCallback: observe the page again (and revive after a teardown). */
  connected() {
    this.pendingTeardown = false;
    this.page.dispose();
    const el = this.element;
    const h = this.hooks;
    if (typeof IntersectionObserver === "function") {
      const io = this.page.observe(new IntersectionObserver((entries) => {
        this.visible = entries[entries.length - 1].isIntersecting;
        h.onVisible(this.visible);
      }));
      io.observe(el);
    }
    const motion = reducedMotionQuery();
    if (motion) {
      const onMotion = () => {
        this.reducedMotion = motion.matches;
        h.onMotion(this.reducedMotion);
      };
      this.page.listen(motion, "change", onMotion);
      onMotion();
    }
    // The demo's figure owns the page's keyboard shortcuts; an embedded one only answers keys
    // pressed while the focus is inside it.
    const owner = el.hasAttribute("sync-hash");
    this.page.listen(owner ? window : el, "keydown", (e) => h.onKey(e));
    if (owner) this.page.listen(window, "hashchange", () => h.onHash());
    if (this.tornDown) {
      this.tornDown = false;
      h.onRevive();
    }
  }

  /** disconnectedCallback: stop observing; tear down at once unless it comes straight back. */
  disconnected() {
    this.page.dispose();
    this.visible = false;
    this.pendingTeardown = true;
    queueMicrotask(() => {
      if (!this.pendingTeardown || this.element.isConnected) return;
      this.pendingTeardown = false;
      this.tornDown = true;
      this.hooks.onTeardown();
    });
  }

  /** The page registrations that are live (0 once the figure has left the page). */
  get live() {
    return this.page.size;
  }
}
