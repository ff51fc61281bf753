// Zero-copy views on one network's buffers in wasm memory, as in the Rust and WebAssembly
// book's Game of Life: what is read every frame (weights, gradients, activations, heatmap
// pixels) is read through typed arrays on wasm memory; nothing is copied or serialised.
// Used where a network lives: the training worker (www/trainer.js), the main-thread fallback,
// and pages that drive the engine directly. No DOM, no engine import: `engine` is passed in.

/**
 * Where a network's numbers sit in its flat arrays: weight layer after weight layer, each
 * `[out][in]`; biases layer after layer; neurons layer after layer, inputs first. Shared by
 * NetworkViews (wasm memory) and the main thread's FrameViews (www/session.js).
 */
export class LayerIndex {
  /** Sets the layer sizes `[inputs, ...hidden, outputs]` and the offsets. */
  setLayers(layers) {
    this.layers = Array.from(layers);
    this.weightOffsets = [];
    this.biasOffsets = [];
    this.neuronOffsets = [];
    let w = 0;
    let b = 0;
    let n = 0;
    for (let l = 0; l < this.layers.length; l++) {
      this.neuronOffsets.push(n);
      n += this.layers[l];
      if (l + 1 < this.layers.length) {
        this.weightOffsets.push(w);
        this.biasOffsets.push(b);
        w += this.layers[l] * this.layers[l + 1];
        b += this.layers[l + 1];
      }
    }
    return { weights: w, biases: b, neurons: n };
  }

  /** Index of W[l][j][k] (l counts weight layers from 0) in `weights` and `dL_dW`. */
  weightIndex(l, j, k) {
    return this.weightOffsets[l] + j * this.layers[l] + k;
  }

  /** Index of b[l][j] in `biases` and `dL_db`. */
  biasIndex(l, j) {
    return this.biasOffsets[l] + j;
  }

  /** Index of neuron j of neuron layer L (0 = inputs) in `a`, `z` and the thumbnail atlas. */
  neuronIndex(layer, j) {
    return this.neuronOffsets[layer] + j;
  }
}

/**
 * Typed-array views on one network's buffers in wasm memory.
 *
 * A view of wasm memory is only valid until the memory grows: growing detaches the old
 * ArrayBuffer, and every view on it then silently reads as empty. `refresh()` is cheap
 * and rebuilds the views when that has happened, so call it once per frame before reading.
 * Call `invalidate()` after `net.setGrid()`, which reallocates the pixel buffers.
 *
 * Fields (all live, all laid out as the engine stores them):
 * - `weights`, `dL_dW` (Float64Array): every layer's [out][in] block, layer after layer;
 * - `biases`, `dL_db` (Float64Array): every layer's [out], layer after layer;
 * - `a`, `z` (Float64Array): every neuron's A and Z from the last `net.probe(input)`,
 *   inputs first;
 * - `metrics` (Float64Array): [trainLoss, testLoss, trainAccuracy, testAccuracy] from the
 *   last `net.refreshMetrics()`;
 * - `gridPixels` (Uint8ClampedArray): the heatmap's RGBA pixels from `net.renderGrid()`;
 * - `gridValues` (Float32Array): the output value at each heatmap pixel;
 * - `thumbPixels` (Uint8ClampedArray): the thumbnail atlas, one tile per neuron, stacked;
 * - `inputScales` (Float32Array): each input's largest magnitude on the thumbnail grid, by
 *   which its thumbnail is scaled.
 * - `weightOffsets`, `biasOffsets`: where each weight layer starts in the arrays above.
 */
export class NetworkViews extends LayerIndex {
  constructor(engine, net) {
    super();
    this.engine = engine;
    this.net = net;
    this.buffer = null;
    this.setLayers(net.layers);
    this.refresh();
  }

  /** Marks the views stale, e.g. after `net.setGrid()`. */
  invalidate() {
    this.buffer = null;
  }

  /** Rebuilds the views if wasm memory has grown or `invalidate()` was called. */
  refresh() {
    const buffer = this.engine.memory.buffer;
    if (buffer === this.buffer) return this;
    const net = this.net;
    const f64 = (ptr, len) => new Float64Array(buffer, ptr, len);
    const nw = net.weightsLen();
    const nb = net.biasesLen();
    const neurons = net.neuronCount();
    this.weights = f64(net.weightsPtr(), nw);
    this.biases = f64(net.biasesPtr(), nb);
    this.dL_dW = f64(net.weightGradientsPtr(), nw);
    this.dL_db = f64(net.biasGradientsPtr(), nb);
    this.a = f64(net.activationsPtr(), neurons);
    this.z = f64(net.preactivationsPtr(), neurons);
    this.metrics = f64(net.metricsPtr(), 4);
    const gridLen = net.gridPixelsLen();
    this.gridPixels = new Uint8ClampedArray(buffer, net.gridPixelsPtr(), gridLen);
    this.gridValues = new Float32Array(buffer, net.gridValuesPtr(), gridLen / 4);
    this.thumbPixels = new Uint8ClampedArray(buffer, net.thumbPixelsPtr(), net.thumbPixelsLen());
    this.inputScales = new Float32Array(buffer, net.inputScalesPtr(), net.inputScalesLen());
    this.buffer = buffer;
    return this;
  }

  /** The last prepared batch's training-set indices (a view, rebuilt only when it moved). */
  batch() {
    const buffer = this.engine.memory.buffer;
    const ptr = this.net.batchPtr();
    const len = this.net.batchLen();
    const v = this._batch;
    if (!v || v.buffer !== buffer || v.byteOffset !== ptr || v.length !== len) {
      this._batch = new Uint32Array(buffer, ptr, len);
    }
    return this._batch;
  }
}
