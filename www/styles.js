// The element's CSS, as one constructable stylesheet shared by every <backprop-viz> on a page.
// Constructable stylesheets are not inline styles, so they work under a CSP whose style-src
// is 'self'. Nothing here leaks out of the shadow root, and the page's styles do not leak in
// (custom properties aside, which are the element's sizing knobs: --bv-side-width and
// --bv-chart-height size its output column and its chart; without a height, as an embed in an
// article, --bv-diagram-height and --bv-inspector-height size the diagram and cap the panel).

const css = String.raw`
:host {
  --ink: #1f2937;
  --muted: #5b6472;
  --faint: #8a93a0;
  --line: #e3e6ea;
  --line-strong: #cfd4da;
  --panel: #f7f8fa;
  --surface: #ffffff;
  --accent: #0877bd;
  --accent-ink: #065a90;
  --orange: #f59322;
  --focus: #0b5cad;
  --radius: 10px;
  --gap: 12px;
  display: block;
  container-type: inline-size;
  container-name: bv;
  /* Its width comes from the page, never from its content (that is what lets the layout follow
     the width); where the page asks for a natural width (a flex row, a float, an auto grid
     column), it is this. */
  contain-intrinsic-inline-size: 640px;
  color: var(--ink);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  -webkit-text-size-adjust: 100%;
  min-width: 0;
}
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.toolbar:empty, .training-bar:empty, .view-bar:empty { display: none; }

/* The page's inherited styles stop here: a host page's * { color: red; font-size: 40px },
   letter-spacing or text-transform reach the host element, but not its content. */
.bv {
  all: initial;
  display: flex;
  flex-direction: column;
  gap: 10px;
  height: 100%;
  min-height: 0;
  position: relative;
  color: var(--ink);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  text-align: start;
  -webkit-text-size-adjust: 100%;
}

/* ---- buttons and fields ---- */
.btn {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  gap: 6px;
  min-height: 34px;
  padding: 0 14px;
  border: 1px solid var(--line-strong);
  border-radius: 8px;
  background: var(--surface);
  color: var(--ink);
  font: inherit;
  font-weight: 600;
  cursor: pointer;
  white-space: nowrap;
  transition: background-color 0.12s, border-color 0.12s, box-shadow 0.12s;
}
.btn:hover:not(:disabled) { background: #f1f3f5; border-color: #b9c0c8; }
.btn:active:not(:disabled) { background: #e7eaee; }
.btn:disabled { opacity: 0.4; cursor: default; }
.btn svg { flex: none; }
.btn-primary { background: var(--accent); border-color: var(--accent); color: #fff; min-width: 98px; }
.btn-primary:hover:not(:disabled) { background: var(--accent-ink); border-color: var(--accent-ink); }
.btn-primary.playing { background: #fff; color: var(--accent-ink); border-color: var(--accent); }
.btn-primary.playing:hover:not(:disabled) { background: #eef6fc; }
.btn-small { min-height: 30px; padding: 0 10px; font-size: 13px; }
.btn-icon { min-height: 28px; min-width: 28px; padding: 0; border-radius: 7px; font-size: 18px; line-height: 1; }
.btn-tiny { min-height: 22px; min-width: 22px; border-radius: 6px; }
.btn-tiny svg { width: 12px; height: 12px; }

:focus { outline: none; }
:focus-visible, .btn:focus-visible, canvas:focus-visible, select:focus-visible, input:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
  border-radius: 6px;
}
canvas:focus-visible { outline-offset: -3px; }

.field { display: flex; flex-direction: column; gap: 3px; min-width: 0; }
.field-label {
  font-size: 12px;
  font-weight: 600;
  color: var(--muted);
  display: flex;
  justify-content: space-between;
  gap: 8px;
  white-space: nowrap;
}
.select, .number {
  font: inherit;
  font-size: 13.5px;
  color: var(--ink);
  height: 32px;
  padding: 0 28px 0 10px;
  border: 1px solid var(--line-strong);
  border-radius: 8px;
  background-color: var(--surface);
  min-width: 0;
  max-width: 100%;
}
.select { appearance: none; -webkit-appearance: none;
  background-image: linear-gradient(45deg, transparent 50%, var(--muted) 50%), linear-gradient(135deg, var(--muted) 50%, transparent 50%);
  background-position: calc(100% - 15px) 14px, calc(100% - 10px) 14px;
  background-size: 5px 5px, 5px 5px;
  background-repeat: no-repeat;
  cursor: pointer;
}
.select:hover, .number:hover { border-color: #b9c0c8; }
.number { padding: 0 8px; width: 100%; }
.range { width: 100%; accent-color: var(--accent); margin: 4px 0 0; cursor: pointer; }
.range-value { color: var(--ink); font-weight: 600; font-variant-numeric: tabular-nums; }
.field-inline { flex-direction: row; align-items: center; gap: 8px; }
.field-inline .field-label { font-size: 13px; }
.note { margin: 0; font-size: 12px; line-height: 1.35; color: var(--muted); flex: 1 1 170px; max-width: 420px; align-self: center; }

/* ---- messages ---- */
.messages { display: flex; flex-direction: column; gap: 8px; }
.messages:empty { display: none; }
.notice, .alert {
  display: flex;
  align-items: flex-start;
  gap: 12px;
  padding: 10px 12px 10px 14px;
  border-radius: var(--radius);
  border: 1px solid;
  font-size: 13.5px;
}
.notice { background: #fff8ec; border-color: #f3c27a; color: #5c3a06; }
.notice-title { margin: 0 0 4px; font-weight: 600; }
.notice-list { margin: 0; padding-left: 18px; overflow-wrap: anywhere; }
.notice-body { flex: 1; min-width: 0; }
.alert { background: #fdf0f0; border-color: #e8a6a6; color: #7a1d1d; align-items: center; }
.alert-text { margin: 0; flex: 1; font-weight: 600; overflow-wrap: anywhere; }
.alert.data, .alert.link { background: #eef5fb; border-color: #9cc3e0; color: #123a57; }
.alert.link { flex-wrap: wrap; }
.alert.link .alert-text { flex-basis: 100%; }
.link-field { flex: 1; min-width: 0; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; padding: 4px 6px; border: 1px solid #9cc3e0; border-radius: 6px; color: var(--ink); background: #fff; }
.file-row { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-top: 8px; }
.share-row { display: grid; grid-template-columns: repeat(auto-fill, minmax(104px, 1fr)); gap: 6px; }
.share-row .file-button .btn, .share-row > .btn { width: 100%; }
.file-hint { font-size: 12px; color: var(--muted); }
.bv.dropping { outline: 3px dashed var(--accent); outline-offset: -3px; }
.bv.dropping::after {
  content: "Drop a CSV file to train on it, or a saved network (JSON) to load it";
  position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  background: rgba(255, 255, 255, 0.82); color: var(--ink); font: 600 16px system-ui, sans-serif; pointer-events: none; z-index: 5;
}
.dismiss { background: transparent; border-color: transparent; color: inherit; }
.dismiss:hover:not(:disabled) { background: rgba(0, 0, 0, 0.06); border-color: transparent; }

/* ---- toolbar and settings row ---- */
.toolbar {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 8px 18px;
}
.tool-group { display: flex; align-items: center; gap: 8px 14px; flex-wrap: wrap; }
.transport { gap: 8px; }
.phase {
  flex: 1 1 220px;
  align-self: center;
  min-height: 34px;
  display: flex;
  align-items: center;
  padding: 0 12px;
  border-radius: 8px;
  background: var(--panel);
  border: 1px solid var(--line);
  color: var(--muted);
  font-size: 13px;
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.training-bar {
  display: flex;
  flex-wrap: wrap;
  align-items: flex-start;
  gap: 8px 12px;
  padding: 8px 12px;
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: var(--radius);
}
.training-bar .field { min-width: 104px; }
.training-bar .select { width: 100%; }

/* ---- the three columns ---- */
.main {
  flex: 1 1 auto;
  min-height: 0;
  display: grid;
  grid-template-columns: 212px minmax(0, 1fr) var(--bv-side-width, minmax(250px, 318px));
  grid-template-rows: minmax(0, 1fr);
  gap: var(--gap);
}
.no-panel .main { grid-template-columns: minmax(0, 1fr) var(--bv-side-width, minmax(220px, 318px)); }
.no-panel .panel { display: none; }

.panel {
  display: flex;
  flex-direction: column;
  gap: 14px;
  min-height: 0;
  overflow: auto;
  padding: 12px;
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: var(--radius);
}
.group { display: flex; flex-direction: column; gap: 10px; }
.group-title, .side-title {
  margin: 0;
  font-size: 12px;
  font-weight: 700;
  letter-spacing: 0.06em;
  text-transform: uppercase;
  color: var(--ink);
}
.seed-row { display: flex; align-items: flex-end; gap: 8px; }
.seed-row .field { flex: 1; }
.features { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 8px; }
.feature, .toggle, .segment {
  display: inline-flex;
  align-items: center;
  gap: 6px;
  cursor: pointer;
  font-size: 13.5px;
  white-space: nowrap;
}
.feature input, .toggle input { accent-color: var(--accent); width: 16px; height: 16px; margin: 0; cursor: pointer; }
.feature input:disabled { cursor: default; }
.feature-label { font-family: "Times New Roman", Times, serif; font-style: italic; font-size: 15px; }

.center {
  display: flex;
  flex-direction: column;
  min-width: 0;
  min-height: 0;
  border: 1px solid var(--line);
  border-radius: var(--radius);
  background: var(--surface);
  padding: 8px 10px 6px;
}
.view-bar {
  display: flex;
  align-items: center;
  justify-content: space-between;
  flex-wrap: wrap;
  gap: 8px 16px;
  min-height: 32px;
}
.layer-count { display: flex; align-items: center; gap: 6px; font-size: 13px; color: var(--muted); }
.layer-count-text { margin-left: 4px; font-variant-numeric: tabular-nums; }
.segmented {
  display: inline-flex;
  align-items: center;
  gap: 2px;
  padding: 3px;
  border-radius: 9px;
  background: var(--panel);
  border: 1px solid var(--line);
}
.segmented-label { font-size: 12px; color: var(--muted); padding: 0 6px 0 6px; }
.segment { position: relative; }
.segment input { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
.segment span { display: inline-block; padding: 4px 10px; border-radius: 6px; font-size: 13px; font-weight: 600; color: var(--muted); }
.segment input:checked + span { background: var(--surface); color: var(--ink); box-shadow: 0 1px 2px rgba(15, 23, 42, 0.15); }
.segment input:focus-visible + span { outline: 3px solid var(--focus); outline-offset: 1px; }

.diagram-area {
  position: relative;
  flex: 1 1 auto;
  min-height: 220px;
  display: flex;
  flex-direction: column;
}
.layer-bar { position: relative; height: 26px; flex: none; }
.layer-bar:empty { height: 0; }
.layer-col {
  position: absolute;
  top: 2px;
  transform: translateX(-50%);
  display: flex;
  gap: 4px;
}
.canvas-wrap { position: relative; min-width: 0; min-height: 0; }
.canvas-wrap canvas { position: absolute; left: 0; top: 0; display: block; touch-action: manipulation; }
.diagram-wrap { flex: 1 1 auto; }
.canvas-wrap canvas.diagram-edges { pointer-events: none; }
.canvas-wrap canvas.diagram-edges[hidden] { display: none; }

.inspector-host {
  /* Positioned, so absolutely placed parts of the panel (its screen-reader live region)
     scroll with it instead of overflowing the page. */
  position: relative;
  flex: 0 1 auto;
  max-height: 46%;
  overflow: auto;
  margin-top: 6px;
  border-top: 1px solid var(--line);
  padding-top: 8px;
}

.side {
  display: flex;
  flex-direction: column;
  gap: 8px;
  min-width: 0;
  min-height: 0;
  /* A short element never spills onto the page around it; focus rings still show. */
  overflow: clip;
  overflow-clip-margin: 6px;
}
.output-bar { display: flex; align-items: center; justify-content: space-between; gap: 8px; min-height: 24px; flex-wrap: wrap; }
.class-picker { display: flex; align-items: center; gap: 2px; flex-wrap: wrap; font-size: 12px; color: var(--muted); }
.class-picker-label { margin-right: 2px; }
.class-choice { position: relative; display: inline-flex; align-items: center; gap: 3px; padding: 2px 5px 2px 3px; border-radius: 999px; cursor: pointer; }
.class-choice input { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
.class-swatch { width: 12px; height: 12px; border-radius: 50%; box-shadow: inset 0 0 0 1px rgba(0, 0, 0, 0.2); }
.class-choice:has(input:checked) { background: var(--chip, #e9eef3); color: var(--ink); box-shadow: inset 0 0 0 1.5px var(--ink); }
.class-choice:has(input:focus-visible) { outline: 3px solid var(--focus); outline-offset: 1px; }
.output-wrap { width: 100%; aspect-ratio: 1 / 1.06; flex: 0 1 auto; min-height: 150px; }
.metrics {
  display: grid;
  grid-template-columns: 1fr 1fr;
  gap: 2px 12px;
  padding: 8px 10px;
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: var(--radius);
  font-variant-numeric: tabular-nums;
}
.metric { margin: 0; display: flex; justify-content: space-between; gap: 6px; font-size: 12.5px; color: var(--muted); white-space: nowrap; }
.metric-value { color: var(--ink); font-weight: 700; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
.metric-step { grid-column: 1 / -1; border-top: 1px solid var(--line); padding-top: 3px; margin-top: 2px; }
.chart-wrap { flex: 1 0 var(--bv-chart-height, 96px); min-height: 96px; }

.loading {
  position: absolute;
  inset: 0;
  display: flex;
  align-items: center;
  justify-content: center;
  color: var(--muted);
  background: rgba(255, 255, 255, 0.75);
  font-weight: 600;
  pointer-events: none;
}

/* ---- the weight editor ---- */
.editor {
  position: absolute;
  z-index: 10;
  width: 212px;
  padding: 10px;
  background: var(--surface);
  border: 1px solid var(--line-strong);
  border-radius: 10px;
  box-shadow: 0 10px 30px rgba(15, 23, 42, 0.18), 0 2px 6px rgba(15, 23, 42, 0.08);
}
.editor-title { font-size: 12px; font-weight: 700; color: var(--ink); margin-bottom: 6px; }
.editor-row { display: flex; gap: 6px; }
.editor-input {
  flex: 1;
  min-width: 0;
  height: 34px;
  font: inherit;
  font-variant-numeric: tabular-nums;
  padding: 0 8px;
  border: 1px solid var(--line-strong);
  border-radius: 8px;
}
.editor-scrub {
  flex: none;
  width: 34px;
  height: 34px;
  display: flex;
  align-items: center;
  justify-content: center;
  border: 1px solid var(--line-strong);
  border-radius: 8px;
  background: var(--panel);
  cursor: ns-resize;
  user-select: none;
  touch-action: none;
  font-size: 16px;
}
.editor-scrub.dragging { background: #e6f1fa; border-color: var(--accent); }
.editor-hint { margin-top: 6px; font-size: 11px; color: var(--muted); }

.sr-only {
  position: absolute;
  width: 1px;
  height: 1px;
  padding: 0;
  margin: -1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}

/* ---- narrower containers ---- */
@container bv (max-width: 1100px) {
  .main { grid-template-columns: minmax(0, 1fr) minmax(240px, 300px); }
  .panel { grid-column: 1 / -1; grid-row: 2; flex-direction: row; flex-wrap: wrap; overflow: visible; }
  .panel .group { flex: 1 1 220px; }
  .center { grid-row: 1; }
  .side { grid-row: 1; }
}
@container bv (max-width: 700px) {
  .main { grid-template-columns: minmax(0, 1fr); grid-template-rows: none; }
  .no-panel .main { grid-template-columns: minmax(0, 1fr); }
  .center, .side, .panel { grid-column: 1; grid-row: auto; }
  .center { order: 1; }
  .side { order: 2; }
  .panel { order: 3; }
  .diagram-area { min-height: 360px; }
  .inspector-host { max-height: 460px; }
  .side { display: grid; grid-template-columns: minmax(0, 1fr); }
  .output-wrap { max-width: 440px; justify-self: center; }
  .chart-wrap { height: 160px; }
  .training-bar .field { width: calc(50% - 7px); }
  .note { flex-basis: 100%; max-width: none; }
  .phase { flex-basis: 100%; }
}

/* ---- embedded instances (no settings column) ----
   Class "auto" (set by the element): no height was given, so the element takes the height its
   content needs at its width, as a figure in an article does. Without it (a height attribute,
   or a box the page sizes) the parts share the box, as in the demo. */
.auto.no-panel .main { grid-template-rows: auto; }
/* At least this tall; taller when the output column beside it is (no inspector open). */
.auto.no-panel .diagram-area { flex: 1 0 auto; height: var(--bv-diagram-height, clamp(190px, 30cqw, 340px)); min-height: 0; }
.auto.no-panel .inspector-host { max-height: var(--bv-inspector-height, 380px); }
.auto.no-panel .chart-wrap { flex: none; height: var(--bv-chart-height, 110px); min-height: 0; }

@container bv (max-width: 700px) {
  .no-panel .side {
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    grid-template-rows: auto auto minmax(96px, 1fr);
    grid-template-areas: "bar bar" "out metrics" "out chart";
    column-gap: 12px;
  }
  .no-panel .output-bar { grid-area: bar; }
  .no-panel .output-wrap { grid-area: out; max-width: none; justify-self: stretch; min-height: 0; }
  .no-panel .metrics { grid-area: metrics; grid-template-columns: minmax(0, 1fr); align-self: start; }
  .no-panel .metric-step { grid-column: auto; }
  .no-panel .chart-wrap { grid-area: chart; height: auto; min-height: 96px; }
  .auto.no-panel .diagram-area { height: var(--bv-diagram-height, clamp(180px, 48cqw, 300px)); }
  .auto.no-panel .inspector-host { max-height: var(--bv-inspector-height, 360px); }
  /* A given height, narrow: the diagram and the inspector share what the output leaves. A box
     too short for that clips at its bottom edge instead of spilling over the page. */
  .no-panel:not(.auto) { overflow: clip; overflow-clip-margin: 6px; }
  .no-panel:not(.auto) .main { display: flex; flex-direction: column; }
  .no-panel:not(.auto) .center { flex: 1 1 auto; min-height: 170px; }
  .no-panel:not(.auto) .side { flex: none; }
  .no-panel:not(.auto) .diagram-area { min-height: 120px; }
  .no-panel:not(.auto) .inspector-host { max-height: 50%; }
}

@container bv (max-width: 460px) {
  /* A phone: the output plot gets the whole width; the numbers and the chart share a row. */
  .no-panel .side {
    grid-template-rows: auto auto minmax(96px, auto);
    grid-template-areas: "bar bar" "out out" "metrics chart";
  }
  .no-panel .output-wrap { justify-self: center; width: min(100%, 320px); }
}

@media (prefers-reduced-motion: reduce) {
  .btn { transition: none; }
}
`;

/** The shared stylesheet; `shadowRoot.adoptedStyleSheets = [sheet]`. */
export const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
