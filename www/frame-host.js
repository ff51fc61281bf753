// What the animation loop (loop.js) asks of a figure each frame: where its network and
// selected example are, and how to draw a snapshot: the diagram, the output view, the loss
// chart, the inspector and the numbers. One job: route one snapshot to the renderers, so
// every figure drawn in a frame comes from that one state of the network.
//
// `fig` is the element (its session, points, state, renderers and frame records); `hooks`:
//   thumb: thumbnail samples per side; textIntervalMs: how often the DOM numbers change
//   while playing; placeLayerBar(): the layer buttons over the diagram's columns;
//   onError(err): an engine error (divergence) to show.

/** The Loop's host for figure `fig` (see Loop's constructor for what each member does). */
export function frameHost(fig, hooks) {
  return {
    get ready() {
      return !!fig.session?.info;
    },
    get session() {
      return fig.session;
    },
    get example() {
      return fig.points.example;
    },
    get batchSize() {
      return fig.state["batch-size"];
    },
    get trainSize() {
      return fig.session?.info?.trainSize ?? 0;
    },
    wantsInspection() {
      return fig.inspector.wants({ version: fig.session?.snapshot?.version ?? -1, live: fig.loop.playing });
    },
    inspection() {
      if (!this.wantsInspection()) return null;
      const ask = fig.inspector.request();
      return { ...ask, example: fig.points.described, batch: fig.useBatch };
    },
    onSnapshot(snap, inspect) {
      if (!inspect) return;
      if (snap?.inspection) fig.inspector.render(snap.inspection, { version: snap.version, live: fig.loop.playing });
      else fig.inspector.failed();
    },
    uploadThumbs() {
      fig.frame.thumbs = fig.atlas.update(fig.session.views, hooks.thumb);
    },
    beforeApply() {
      fig.diagram.capturePrevious(fig.session.views);
    },
    onStepPrepared() {
      // Step mode on the selected point trains on that one example: no batch to show.
      const onExample = fig.loop.stepFor === "example" && !fig.loop.playing;
      fig.batchView = onExample ? null : fig.session.views.batch();
      fig.useBatch = !onExample;
      fig.inspector.invalidate();
    },
    drawDiagram(anim) {
      if (fig.layerBarDirty) hooks.placeLayerBar();
      fig.frame.anim = anim;
      fig.frame.views = fig.session.views;
      fig.diagram.draw(fig.frame);
    },
    drawOutput(anim) {
      const f = fig.outFrame;
      f.pixels = fig.session.views.gridPixels;
      f.batch = anim.phase === "flow" ? null : fig.batchView;
      fig.output.draw(f);
    },
    drawChart(fresh) {
      const snap = fig.session.snapshot;
      if (fresh && snap && snap.version !== fig.chartVersion) {
        fig.chartVersion = snap.version;
        const m = snap.metrics;
        const acc = fig.points.task !== "regression";
        fig.chart.push(snap.stepCount, m[0], m[1], acc ? m[2] : NaN, acc ? m[3] : NaN);
        fig.textStale = true;
      }
      fig.chart.draw();
    },
    afterFrame(steps, loss, fresh) {
      const snap = fig.session?.snapshot;
      if (!snap) return;
      if (fresh) fig.drawnSnapshot = snap;
      const now = performance.now();
      if (fig.textStale && (!fig.loop.playing || now - fig.lastText >= hooks.textIntervalMs)) {
        fig.lastText = now;
        fig.textStale = false;
        fig.layout.setMetrics(snap.metrics, snap.stepCount);
      }
      if (steps > 0 && fig.stepListeners > 0) {
        fig.dispatchEvent(new CustomEvent("step", { detail: { loss: snap.metrics[0], batchLoss: loss, step: snap.stepCount } }));
      }
    },
    onPhase(text) {
      fig.controls.setPhase(text);
    },
    onPlaying(playing) {
      fig.controls.setPlaying(playing);
      fig.root.classList.toggle("is-playing", playing);
      if (!playing) fig.textStale = true;
    },
    onError(err) {
      hooks.onError(err);
    },
  };
}
