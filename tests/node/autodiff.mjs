// A small reverse-mode automatic differentiation, written from scratch (micrograd-style),
// to check the engine's partial derivatives against numbers computed independently.
// Every operation records its inputs and its local derivatives; backward() walks the graph
// in reverse topological order and accumulates dL/dnode = sum over uses of dL/duse * duse/dnode.

export class Value {
  constructor(data, parents = [], locals = []) {
    this.data = data;
    this.grad = 0;
    this.parents = parents; // Value[]
    this.locals = locals; // d(this)/d(parent), one per parent
  }

  static of(x) {
    return x instanceof Value ? x : new Value(x);
  }

  add(other) {
    const o = Value.of(other);
    return new Value(this.data + o.data, [this, o], [1, 1]);
  }

  sub(other) {
    const o = Value.of(other);
    return new Value(this.data - o.data, [this, o], [1, -1]);
  }

  mul(other) {
    const o = Value.of(other);
    return new Value(this.data * o.data, [this, o], [o.data, this.data]);
  }

  div(other) {
    const o = Value.of(other);
    return new Value(this.data / o.data, [this, o], [1 / o.data, -this.data / (o.data * o.data)]);
  }

  log() {
    return new Value(Math.log(this.data), [this], [1 / this.data]);
  }

  exp() {
    const e = Math.exp(this.data);
    return new Value(e, [this], [e]);
  }

  tanh() {
    const t = Math.tanh(this.data);
    return new Value(t, [this], [1 - t * t]);
  }

  sigmoid() {
    const x = this.data;
    // Written so that neither branch overflows.
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    return new Value(s, [this], [s * (1 - s)]);
  }

  relu() {
    return new Value(this.data > 0 ? this.data : 0, [this], [this.data > 0 ? 1 : 0]);
  }

  leakyRelu() {
    const x = this.data;
    return new Value(x > 0 ? x : 0.01 * x, [this], [x > 0 ? 1 : 0.01]);
  }

  linear() {
    return new Value(this.data, [this], [1]);
  }

  /** softplus(x) = ln(1 + e^x), as max(x, 0) + log1p(e^-|x|); its derivative is sigmoid(x). */
  softplus() {
    const x = this.data;
    const v = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    return new Value(v, [this], [s]);
  }

  activate(name) {
    if (!["sigmoid", "tanh", "relu", "leakyRelu", "linear"].includes(name)) {
      throw new Error(`unknown activation ${name}`);
    }
    return this[name]();
  }

  /** Sets this.grad = 1 and fills .grad of every node this one depends on. */
  backward() {
    const order = [];
    const seen = new Set();
    const visit = (v) => {
      if (seen.has(v)) return;
      seen.add(v);
      for (const p of v.parents) visit(p);
      order.push(v);
    };
    visit(this);
    for (const v of order) v.grad = 0;
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) {
      const v = order[i];
      v.parents.forEach((p, k) => {
        p.grad += v.grad * v.locals[k];
      });
    }
  }
}

/**
 * Softmax of a layer as graph nodes: A_i = e^(z_i - m) / sum_k e^(z_k - m), with m = max z
 * a constant (it cancels, so it carries no gradient). Returns { A, S, m }.
 */
export function softmax(z) {
  const m = Math.max(...z.map((v) => v.data));
  const e = z.map((v) => v.sub(m).exp());
  const S = e.reduce((acc, v) => acc.add(v), new Value(0));
  return { A: e.map((v) => v.div(S)), S, m };
}

/**
 * Builds the graph of one example through a network state ({ layers, hidden, output, loss,
 * weights[l][out][in], biases[l][out] }).
 *
 * `lossFrom`: "z" computes bce from Z (softplus(z) - y z, stable where A rounds to 0 or 1)
 * and cce from Z (ln S + m - sum y z, with S = sum e^(z - m), stable where some A rounds to
 * 0); "a" computes them from A, literally -y ln A - (1 - y) ln(1 - A) and -sum y ln A, so
 * that dL/dA of the output can be read (only where the A involved are inside (0, 1)), and
 * the gradient reaching Z is then the unfused chain rule through A. Squared loss,
 * 1/2 (A - y)^2, always goes through A.
 */
export function graph(state, input, target, { lossFrom = "z" } = {}) {
  const hidden = state.hidden ?? "tanh";
  const output = state.output ?? "sigmoid";
  const lossName = state.loss ?? "bce";
  const x = input.map((v) => new Value(v));
  const W = state.weights.map((layer) => layer.map((row) => row.map((w) => new Value(w))));
  const b = state.biases.map((layer) => layer.map((v) => new Value(v)));
  const Z = [];
  const A = [];
  let prev = x;
  const depth = W.length;
  let soft = null;
  for (let l = 0; l < depth; l++) {
    const act = l === depth - 1 ? output : hidden;
    const z = W[l].map((row, j) => row.reduce((acc, w, k) => acc.add(w.mul(prev[k])), b[l][j]));
    let a;
    if (act === "softmax") {
      if (l !== depth - 1) throw new Error("softmax is for the output layer only");
      soft = softmax(z);
      a = soft.A;
    } else {
      a = z.map((zj) => zj.activate(act));
    }
    Z.push(z);
    A.push(a);
    prev = a;
  }
  const ys = Array.isArray(target) ? target : [target];
  let loss = new Value(0);
  if (lossName === "cce") {
    if (output !== "softmax") throw new Error("cce needs a softmax output");
    const z = Z[depth - 1];
    if (lossFrom === "z") {
      loss = ys.reduce((acc, y, j) => acc.sub(z[j].mul(y)), soft.S.log().add(soft.m));
    } else {
      ys.forEach((y, j) => {
        if (y !== 0) loss = loss.add(A[depth - 1][j].log().mul(-y));
      });
    }
    loss.backward();
    return { loss, x, W, b, Z, A };
  }
  ys.forEach((y, j) => {
    const z = Z[depth - 1][j];
    const a = A[depth - 1][j];
    let term;
    if (lossName === "bce") {
      if (output !== "sigmoid") throw new Error("bce needs a sigmoid output");
      term =
        lossFrom === "z"
          ? z.softplus().sub(z.mul(y))
          : a.log().mul(-y).add(new Value(1).sub(a).log().mul(-(1 - y)));
    } else {
      const d = a.sub(y);
      term = d.mul(d).mul(0.5);
    }
    loss = loss.add(term);
  });
  loss.backward();
  return { loss, x, W, b, Z, A };
}

/** dA/dZ of an activation at z, by differentiating a one-node graph. */
export function slope(name, z) {
  const zv = new Value(z);
  zv.activate(name).backward();
  return zv.grad;
}
