// A figure's data in and out: the CSV it trains on (given as text or a File, dropped on it,
// or named by the `src` attribute), the network saved and loaded as JSON, the link that
// carries the exact network (`net=`), and the picture. One job: turn what a person gives the
// figure into a new state and network, or refuse it with a message that names the field and
// changes nothing; and turn the drawn network into files and links.
//
// It holds the loaded data (`custom`). Everything else it reaches through the figure it
// serves, given as `host`:
//   host.figure: { state, points, runner, session, messages, controls, url, loop, diagram,
//                  layout, frame } (read; `state` is also replaced);
//   host.rebuild({ data, state, rethrow }), host.showData(), host.regenerateData(),
//   host.sendData(), host.usePoints(points).

import { toHash, cloneState, engineConfig, reconcile, taskOf, taskDefaults } from "./state.js";
import { encodeShare, decodeShare, MAX_SHARE_CHARS } from "./share.js";
import { readText, csvSource, fetchText, domainOf, settingsOf, composePicture, download } from "./files.js";

export class FigureData {
  constructor(host) {
    this.host = host;
    this.custom = null; // loaded data: { name, text, options, data, bounds, info }
  }

  /** The loaded data's task, `{ task, classes }`, or null. */
  get customInfo() {
    return this.custom?.info ?? null;
  }

  /** See the element's `setData`. */
  async setData(source, options = {}) {
    const fig = this.host.figure;
    const name = options.name ?? source?.name ?? "data.csv";
    const { name: _, ...parse } = options;
    let text;
    let d;
    try {
      text = csvSource(source, name);
      d = await fig.runner.parseCsv(text, { trainRatio: fig.state["train-ratio"], seed: fig.state.seed, ...parse });
    } catch (err) {
      const message = `Could not use ${name}: ${err?.message ?? err}. The data you had is unchanged.`;
      fig.messages.showAlert(message, null, "data");
      throw new Error(message);
    }
    await this.#useCustom({ name, text, options: parse, data: d });
    const summary = {
      rows: d.rows, task: d.task, classes: d.classes, classNames: Array.from(d.classNames ?? []),
      skipped: d.errorCount, errors: Array.from(d.errors ?? []),
    };
    if (d.errorCount > 0) {
      const listed = summary.errors.slice(0, 5).map((e) => (/^line \d+/.test(e.message) ? e.message : `line ${e.line}: ${e.message}`)).join("; ");
      const more = d.errorCount > 5 ? `; and ${d.errorCount - 5} more` : "";
      fig.messages.showAlert(`Loaded ${d.rows.toLocaleString("en-US")} rows of ${name}; ${d.errorCount.toLocaleString("en-US")} could not be read and were skipped: ${listed}${more}.`, null, "data");
    } else {
      fig.messages.hideAlert();
    }
    return summary;
  }

  /** The network as its engine state, from where it trains. */
  exportState() {
    return this.host.figure.session.state();
  }

  /** See the element's `loadState`. */
  async loadState(input) {
    const fig = this.host.figure;
    let engineState = input;
    if (typeof input === "string") {
      try {
        engineState = JSON.parse(input);
      } catch (err) {
        throw this.#loadError(`the file is not JSON (${err.message})`);
      }
    }
    if (!engineState || typeof engineState !== "object" || Array.isArray(engineState)) throw this.#loadError("a network state is a JSON object with layers, weights and biases");
    const next = cloneState(fig.state);
    const given = settingsOf(engineState);
    Object.assign(next, given);
    const custom = this.customInfo;
    const errors = [];
    next.given = new Set(Object.keys(given));
    reconcile(next, errors, { custom });
    const layers = Array.isArray(engineState.layers) ? engineState.layers : [];
    if (layers.join(",") !== next.layers.join(",")) {
      const task = taskOf(next, custom);
      throw this.#loadError(`its layers ${layers.join("-")} do not fit this data (${next.features.length} features, ${task.task === "multiclass" ? `${task.classes} classes` : "one output"}): the network would need ${next.layers.join("-")}`);
    }
    for (const e of errors) if (!/^inspect:/.test(e.message)) throw this.#loadError(e.message.replace(/ Using .*$/, ""));
    const before = { state: fig.state, points: fig.points };
    const seedChanged = next.seed !== fig.state.seed && next.dataset !== "custom";
    fig.state = next;
    if (seedChanged) this.host.usePoints(null);
    try {
      await this.host.rebuild({ data: false, state: engineState, rethrow: true });
    } catch (err) {
      fig.state = before.state;
      if (seedChanged) this.host.usePoints(before.points);
      throw this.#loadError(err?.message ?? String(err));
    }
    fig.messages.hideAlert();
    fig.controls.update(fig.state);
    fig.url.write(fig.state);
    fig.loop.invalidate({ fetch: true });
  }

  #loadError(why) {
    const message = `Could not load the network: ${why}. The network you had is unchanged.`;
    this.host.figure.messages.showAlert(message, null, "data");
    return new Error(message);
  }

  /** A PNG of the diagram beside the output view (a promise of a Blob). */
  toPNG() {
    const fig = this.host.figure;
    const s = fig.state;
    const snap = fig.session?.snapshot;
    const title = `backprop-viz · ${s.layers.join("-")} ${s.activation} → ${s.output} · ${this.custom && s.dataset === "custom" ? this.custom.name : s.dataset}`;
    const loss = snap ? snap.metrics[0] : NaN;
    const subtitle = `step ${snap?.stepCount ?? 0} · train loss ${Number.isFinite(loss) ? loss.toPrecision(4) : "–"} · learning rate ${s["learning-rate"]} · seed ${s.seed}`;
    // Every pixel of the diagram on its canvas (its edges may be on a layer a worker draws),
    // copied into the picture at once, then drawn the usual way again.
    fig.diagram.drawWhole(fig.frame);
    const picture = composePicture({ title, subtitle, diagram: fig.layout.diagramCanvas, output: fig.layout.outputCanvas });
    fig.diagram.draw(fig.frame);
    return picture;
  }

  /** "Open network": a JSON file chosen or dropped; the figure shows why when it cannot be used. */
  loadJsonFile(file) {
    const fig = this.host.figure;
    return readText(file, file?.name ?? "the file").then((text) => this.loadState(text)).catch((err) => {
      if (!/^Could not load/.test(err?.message)) fig.messages.showAlert(`Could not load the network: ${err?.message ?? err}`, null, "data");
    });
  }

  /** "Save network": the engine state as a JSON download. */
  saveJson() {
    const fig = this.host.figure;
    return Promise.resolve()
      .then(() => this.exportState())
      .then(
        (st) => download(new Blob([`${JSON.stringify(st, null, 1)}\n`], { type: "application/json" }), `backprop-viz-${fig.state.layers.join("-")}-step${st.stepCount ?? 0}.json`),
        (err) => fig.messages.showAlert(`Could not save the network: ${err?.message ?? err}`),
      );
  }

  /** "Save picture": the PNG as a download. */
  savePng() {
    const fig = this.host.figure;
    return Promise.resolve()
      .then(() => this.toPNG())
      .then(
        (blob) => download(blob, `backprop-viz-${fig.state.dataset}-step${fig.session?.snapshot?.stepCount ?? 0}.png`),
        (err) => fig.messages.showAlert(`Could not save the picture: ${err?.message ?? err}`),
      );
  }

  /** See the element's `shareLink`. */
  async shareLink(base) {
    const fig = this.host.figure;
    const v = fig.session.views;
    const c = fig.state.dataset === "custom" ? this.custom : null;
    const csv = c ? { name: c.name, text: await readText(c.text, c.name), options: c.options } : null;
    const net = await encodeShare({
      weights: v.weights, biases: v.biases, stepCount: fig.session.snapshot?.stepCount ?? 0, edits: fig.points.edits, csv,
    });
    if (net.length > MAX_SHARE_CHARS) {
      throw new Error(`this network ${csv ? "and its data " : ""}need ${Math.round(net.length / 1024)} KB, more than a link can carry (${MAX_SHARE_CHARS / 1024} KB); use Save network instead`);
    }
    const url = new URL(base);
    url.hash = `${toHash(fig.state)}&net=${net}`;
    return url.href;
  }

  /** "Copy link": the link goes into the address bar and the clipboard, and is shown to copy. */
  async copyLink() {
    const fig = this.host.figure;
    let url;
    try {
      url = await this.shareLink(location.href.replace(/#.*$/, ""));
    } catch (err) {
      fig.messages.showAlert(`Could not make a link: ${err?.message ?? err}`);
      return;
    }
    const hash = url.slice(url.indexOf("#"));
    history.replaceState(history.state, "", hash);
    fig.url.lastHash = location.hash;
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // No clipboard (an insecure page, or no permission): the field below is there to copy.
    }
    const kb = (url.length / 1024).toFixed(1);
    fig.messages.showLink(url, `${copied ? "Link copied" : "Copy this link"} (${kb} KB): it opens this exact network, its weights, points and data, at step ${fig.session.snapshot?.stepCount ?? 0}.`);
  }

  // Trains on loaded data `{ name, text, options, data }` (parseCsv's result): a new network
  // for its task, with dataset "custom".
  async #useCustom({ name, text, options, data }) {
    const fig = this.host.figure;
    const bounds = domainOf(data.bounds);
    this.custom = { name, text, options, data, bounds, info: { task: data.task, classes: data.classes } };
    fig.controls.setCustom(this.custom.info, name);
    const next = cloneState(fig.state);
    const wasTask = taskOf(fig.state, fig.state.dataset === "custom" ? this.custom.info : null).task;
    next.dataset = "custom";
    if (data.task !== wasTask) Object.assign(next, taskDefaults(data.task));
    reconcile(next, [], { custom: this.custom.info });
    fig.state = next;
    fig.points.use(data, bounds);
    this.host.showData();
    fig.controls.update(next);
    const ok = await this.host.rebuild({ data: false });
    fig.url.write(fig.state);
    fig.loop.invalidate({ fetch: true });
    return ok !== false;
  }

  /** Loaded data with a new training ratio or seed: the same file, split again. */
  async resplit() {
    const fig = this.host.figure;
    const c = this.custom;
    const options = { ...c.options, trainRatio: fig.state["train-ratio"], seed: fig.state.seed };
    try {
      const d = await fig.runner.parseCsv(c.text, options);
      if (this.custom !== c) return;
      c.data = d;
      c.options = options;
      fig.points.use(d, c.bounds);
      this.host.showData();
      this.host.sendData();
    } catch (err) {
      fig.messages.showAlert(`Could not split ${c.name} again: ${err?.message ?? err}`);
    }
  }

  /** The `src` attribute: loads its CSV. Resolves to whether a network was built on it. */
  async loadSrc(src) {
    const fig = this.host.figure;
    try {
      const text = await fetchText(src, document.baseURI);
      const name = decodeURIComponent(new URL(src, document.baseURI).pathname.split("/").pop() || "data.csv");
      await this.setData(text, { name });
      return true;
    } catch (err) {
      const message = String(err?.message ?? err);
      if (!/^Could not use/.test(message)) fig.messages.showAlert(`${message}. Training on the ${fig.state.dataset === "custom" ? "circle" : fig.state.dataset} data instead.`, null, "data");
      return false;
    }
  }

  /**
   * A link's `net=` value: the same data (generated from the seed, or the link's CSV), the
   * link's point edits, and the exact weights. Resolves to whether it was built; when it was
   * not, the link's messages say why and nothing of the link's network is kept.
   */
  async openShare(value) {
    const fig = this.host.figure;
    const refuse = (message) => {
      fig.messages.set("link", [...fig.messages.items.link, { key: "net", message }]);
      return false;
    };
    let payload;
    try {
      payload = await decodeShare(value);
    } catch (err) {
      return refuse(`${err?.message ?? err}; the network starts from the seed instead.`);
    }
    try {
      if (payload.csv) {
        const d = await fig.runner.parseCsv(payload.csv.text, payload.csv.options);
        const bounds = domainOf(d.bounds);
        this.custom = { ...payload.csv, data: d, bounds, info: { task: d.task, classes: d.classes } };
        fig.controls.setCustom(this.custom.info, payload.csv.name);
        reconcile(fig.state, [], { custom: this.custom.info });
        fig.points.use(d, bounds);
      } else {
        if (fig.state.dataset === "custom") throw new Error("net: the link says dataset=custom but carries no data");
        this.host.regenerateData();
      }
      fig.points.replay(payload.edits);
      this.host.showData();
      const engineState = stateFromArrays(engineConfig(fig.state), fig.state.layers, payload);
      await this.host.rebuild({ data: false, state: engineState, rethrow: true });
      return true;
    } catch (err) {
      this.custom = null;
      fig.controls.setCustom(null);
      return refuse(`net: the link's network does not fit its settings (${err?.message ?? err}); the network starts from the seed instead.`);
    }
  }
}

/** An engine state from flat weights and biases (a link's) for a config with these layers. */
export function stateFromArrays(config, layers, { weights, biases, stepCount }) {
  const nW = layers.slice(1).reduce((a, n, i) => a + n * layers[i], 0);
  const nB = layers.slice(1).reduce((a, n) => a + n, 0);
  if (weights.length !== nW || biases.length !== nB) {
    throw new Error(`it holds ${weights.length} weights and ${biases.length} biases; a ${layers.join("-")} network has ${nW} and ${nB}`);
  }
  const state = { ...config, weights: [], biases: [], stepCount };
  let w = 0;
  let b = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const rows = [];
    for (let j = 0; j < layers[l + 1]; j++) {
      rows.push(Array.from(weights.subarray(w, w + layers[l])));
      w += layers[l];
    }
    state.weights.push(rows);
    state.biases.push(Array.from(biases.subarray(b, b + layers[l + 1])));
    b += layers[l + 1];
  }
  return state;
}
