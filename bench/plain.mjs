// The same training as the engine's, written carefully in plain JavaScript, for the second
// comparison of `npm run bench`: what the Rust/wasm engine buys over the obvious alternative.
//
// "Carefully" means what a practised JS author would do for speed: every weight, bias,
// activation, derivative and gradient in one preallocated Float64Array per kind, flat
// row-major indexing, no allocation and no closure in the training loop, monomorphic
// functions, and `Math.tanh`. It computes the seed's chain rule with the engine's conventions
// (tanh hidden layers, a sigmoid output with binary cross-entropy, so dL/dZ = A - y at the
// output; batch-mean gradients; plain SGD), and tests/node/plain-bench.test.mjs checks that
// its gradients equal the engine's for the same weights and batch.

export class PlainNetwork {
  /**
   * @param layers   e.g. [2, 8, 8, 8, 8, 8, 8, 1]
   * @param weights  flat W, layer by layer, each [out][in] row-major (the engine's order)
   * @param biases   flat b, layer by layer
   * @param inputs   training inputs, n * layers[0] numbers
   * @param targets  training targets (0 or 1), n numbers
   */
  constructor({ layers, weights, biases, inputs, targets, learningRate, batchSize, seed = 1 }) {
    this.layers = Int32Array.from(layers);
    this.depth = layers.length - 1;
    this.w = Float64Array.from(weights);
    this.b = Float64Array.from(biases);
    this.x = Float64Array.from(inputs);
    this.y = Float64Array.from(targets);
    this.n = this.y.length;
    this.lr = learningRate;
    this.batchSize = Math.min(batchSize, this.n);
    // Offsets of each layer's weights and biases, and of each neuron layer's A.
    this.wOff = new Int32Array(this.depth + 1);
    this.bOff = new Int32Array(this.depth + 1);
    this.aOff = new Int32Array(this.depth + 2);
    for (let l = 0; l < this.depth; l++) {
      this.wOff[l + 1] = this.wOff[l] + layers[l] * layers[l + 1];
      this.bOff[l + 1] = this.bOff[l] + layers[l + 1];
    }
    for (let L = 0; L <= this.depth; L++) this.aOff[L + 1] = this.aOff[L] + layers[L];
    if (this.w.length !== this.wOff[this.depth] || this.b.length !== this.bOff[this.depth]) throw new Error("weights or biases do not fit the layers");
    this.a = new Float64Array(this.aOff[this.depth + 1]); // activations of one example, all layers
    this.delta = new Float64Array(this.aOff[this.depth + 1]); // dL/dZ of one example, all layers
    this.gw = new Float64Array(this.w.length); // summed dL/dW over the batch
    this.gb = new Float64Array(this.b.length);
    this.order = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) this.order[i] = i;
    this.cursor = this.n;
    this.rng = seed >>> 0 || 1;
    this.batch = new Int32Array(this.batchSize);
  }

  // xorshift32, to reshuffle the order every epoch as the engine does (with its own generator).
  #random() {
    let s = this.rng;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.rng = s >>> 0;
    return this.rng / 4294967296;
  }

  #nextBatch() {
    const { order, batch, n } = this;
    for (let q = 0; q < batch.length; q++) {
      if (this.cursor >= n) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(this.#random() * (i + 1));
          const t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        this.cursor = 0;
      }
      batch[q] = order[this.cursor++];
    }
  }

  /** Forward and backward for training example `i`, adding its dL/dW and dL/db to the sums. */
  #accumulate(i) {
    const { layers, depth, w, b, a, delta, gw, gb, wOff, bOff, aOff } = this;
    const nIn = layers[0];
    for (let k = 0; k < nIn; k++) a[k] = this.x[i * nIn + k];
    // Forward: Z = W A_prev + b; A = tanh(Z) in hidden layers, sigmoid(Z) at the output.
    for (let l = 0; l < depth; l++) {
      const ni = layers[l];
      const no = layers[l + 1];
      const pa = aOff[l];
      const oa = aOff[l + 1];
      const last = l === depth - 1;
      for (let j = 0; j < no; j++) {
        let z = b[bOff[l] + j];
        const row = wOff[l] + j * ni;
        for (let k = 0; k < ni; k++) z += w[row + k] * a[pa + k];
        a[oa + j] = last ? 1 / (1 + Math.exp(-z)) : Math.tanh(z);
      }
    }
    // Output: dL/dZ = A - y (sigmoid with binary cross-entropy).
    const out = aOff[depth];
    delta[out] = a[out] - this.y[i];
    // Backward: dL/dW = dL/dZ A_prev^T; dL/dZ_prev = (W^T dL/dZ) * (1 - A_prev^2).
    for (let l = depth - 1; l >= 0; l--) {
      const ni = layers[l];
      const no = layers[l + 1];
      const pa = aOff[l];
      const oa = aOff[l + 1];
      for (let j = 0; j < no; j++) {
        const d = delta[oa + j];
        gb[bOff[l] + j] += d;
        const row = wOff[l] + j * ni;
        for (let k = 0; k < ni; k++) gw[row + k] += d * a[pa + k];
      }
      if (l === 0) break;
      for (let k = 0; k < ni; k++) {
        let s = 0;
        for (let j = 0; j < no; j++) s += w[wOff[l] + j * ni + k] * delta[oa + j];
        const ak = a[pa + k];
        delta[pa + k] = s * (1 - ak * ak);
      }
    }
  }

  /** Batch-mean gradients over training examples `indices` into `gw`, `gb` (read them there). */
  gradients(indices) {
    this.gw.fill(0);
    this.gb.fill(0);
    for (let q = 0; q < indices.length; q++) this.#accumulate(indices[q]);
    const scale = 1 / indices.length;
    for (let p = 0; p < this.gw.length; p++) this.gw[p] *= scale;
    for (let p = 0; p < this.gb.length; p++) this.gb[p] *= scale;
  }

  /** `n` mini-batch SGD updates. */
  step(n) {
    const { w, b, gw, gb } = this;
    for (let s = 0; s < n; s++) {
      this.#nextBatch();
      this.gradients(this.batch);
      const lr = this.lr;
      for (let p = 0; p < w.length; p++) w[p] -= lr * gw[p];
      for (let p = 0; p < b.length; p++) b[p] -= lr * gb[p];
    }
  }
}

/** A PlainNetwork with the engine network `net`'s weights and training data. */
export function plainFrom(net, { inputs, targets, learningRate, batchSize }) {
  const st = net.toState({ moments: false });
  return new PlainNetwork({
    layers: st.layers,
    weights: st.weights.flat(2),
    biases: st.biases.flat(),
    inputs,
    targets,
    learningRate,
    batchSize,
  });
}
