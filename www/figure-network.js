// `element.network`: a synchronous, read-only view of a figure's network as it was in the
// latest drawn frame. The network itself trains in the page's worker; this answers what the
// engine's Network answers (docs/API.md) for that state: `layers`, `stepCount`, `toState()`,
// `trace()`, `forward()`, `evaluate()`, `gradients()`, ... The computations run on a copy of
// that state in the main thread's engine (the "mirror"), made when first needed and again
// only when the state has moved on. Changing the network goes through the element (`play()`,
// `stepOnce()`, attributes, `setData()`, `loadState()`): the engine's mutating methods throw
// here, naming what to use instead.

const MUTATORS = {
  step: "element.stepOnce() (a promise) or element.play()",
  prepareStep: "element.stepOnce() or the Step button",
  prepareExample: "the Step button with 'on the selected point'",
  applyStep: "element.stepOnce()",
  configure: "the element's attributes (learning-rate, batch-size, optimizer, ...)",
  setTrainingData: "element.setData()",
  setTestData: "element.setData()",
  setWeight: "the diagram's editor, or element.loadState()",
  setBias: "the diagram's editor, or element.loadState()",
  setGrid: "the element (it sets up its own heatmap)",
  setPalette: "the element (it sets up its own heatmap)",
  renderGrid: "the element (it renders its own heatmap)",
  probe: "element.views after a frame",
  refreshMetrics: "element.views.metrics",
  free: "removing the element from the page (its network is freed at once)",
};

export class FigureNetwork {
  /**
   * @param {{ engine, session, stateOf: () => object, data: () => { train, test } | null }} source
   *   `engine`: the main thread's engine; `session`: the figure's Session; `stateOf()`: the
   *   engine state (toState format) without weights for the current build; `data()`: the data
   *   the network trains on, as it was given to it.
   */
  constructor(source) {
    this.source = source;
    this.mirror = null;
    this.mirrorKey = "";
    for (const [name, instead] of Object.entries(MUTATORS)) {
      this[name] = () => {
        throw new Error(`network.${name}: a figure's network trains in the page's worker; use ${instead}`);
      };
    }
  }

  get #snap() {
    return this.source.session.snapshot;
  }

  get #info() {
    return this.source.session.info;
  }

  /** [inputs, ...hidden, outputs]. */
  get layers() {
    return Uint32Array.from(this.#info?.layers ?? []);
  }

  get inputSize() {
    return this.#info?.inputSize ?? 0;
  }

  get threshold() {
    return this.#info?.threshold ?? 0.5;
  }

  get stepCount() {
    return this.#snap?.stepCount ?? 0;
  }

  get lastLoss() {
    return this.#snap?.lastLoss ?? NaN;
  }

  get trainSize() {
    return this.#snap?.trainSize ?? this.#info?.trainSize ?? 0;
  }

  get testSize() {
    return this.#snap?.testSize ?? this.#info?.testSize ?? 0;
  }

  /** The last prepared batch's size. */
  batchLen() {
    return this.#snap?.batch?.length ?? 0;
  }

  /** The drawn state, in the engine's `toState()` format. */
  toState() {
    return this.#net().toState();
  }

  /** The batch-mean gradients the last update used: `{ dL_dW: [l][out][in], dL_db: [l][out] }`. */
  gradients() {
    const v = this.source.session.views;
    const layers = v.layers;
    const dL_dW = [];
    const dL_db = [];
    for (let l = 0; l + 1 < layers.length; l++) {
      const rows = [];
      for (let j = 0; j < layers[l + 1]; j++) {
        const at = v.weightIndex(l, j, 0);
        rows.push(Array.from(v.dL_dW.subarray(at, at + layers[l])));
      }
      dL_dW.push(rows);
      const b0 = v.biasIndex(l, 0);
      dL_db.push(Array.from(v.dL_db.subarray(b0, b0 + layers[l + 1])));
    }
    return { dL_dW, dL_db };
  }

  trace(input, target) {
    return this.#net().trace(input, target);
  }

  forward(input) {
    return this.#net().forward(input);
  }

  evaluate() {
    return this.#net().evaluate();
  }

  /** Frees the mirror (the element calls this when it is removed). */
  dispose() {
    this.mirror?.free();
    this.mirror = null;
    this.mirrorKey = "";
  }

  // The mirror at the drawn state: rebuilt when the weights or the data have changed.
  #net() {
    const { engine, session } = this.source;
    const snap = session.snapshot;
    if (!snap || !session.info) throw new Error("network: the figure has not drawn its network yet; await element.ready");
    const config = this.source.stateOf();
    const key = `${session.generation}:${snap.version}:${this.source.dataVersion?.() ?? 0}:${JSON.stringify(config)}`;
    if (this.mirror && key === this.mirrorKey) return this.mirror;
    const state = stateFromViews(config, session.views);
    const net = engine.Network.fromState(state);
    const data = this.source.data();
    try {
      if (data) {
        net.setTrainingData(data.train.inputs, data.train.targets);
        net.setTestData(data.test.inputs, data.test.targets);
      }
    } catch (err) {
      net.free();
      throw err;
    }
    this.mirror?.free();
    this.mirror = net;
    this.mirrorKey = key;
    return net;
  }
}

/**
 * The engine state (`toState()` format) of a snapshot: `config` (the state's fields without
 * weights, as engineConfig gives them) with `views`' weights and biases, nested [l][out][in].
 */
export function stateFromViews(config, views) {
  const state = { ...config, weights: [], biases: [] };
  const layers = views.layers;
  for (let l = 0; l + 1 < layers.length; l++) {
    const rows = [];
    for (let j = 0; j < layers[l + 1]; j++) {
      const at = views.weightIndex(l, j, 0);
      rows.push(Array.from(views.weights.subarray(at, at + layers[l])));
    }
    state.weights.push(rows);
    const b0 = views.biasIndex(l, 0);
    state.biases.push(Array.from(views.biases.subarray(b0, b0 + layers[l + 1])));
  }
  return state;
}
