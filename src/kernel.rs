//! The forward and backward passes over a block of examples at once.
//!
//! [`Network::trace`](crate::network::Network::trace) computes the seed's chain rule for one
//! example, plainly. Training needs the same numbers for many examples, fast. Here every
//! neuron holds a small fixed array of `LANES` examples ([`Lanes`]), so each multiply-add
//! is written once and runs over the lanes in registers: the loops have compile-time
//! lengths, LLVM unrolls and vectorises them (SSE2 natively, simd128 in wasm), and no
//! floating-point sum is reordered, so native and wasm give the same bits.
//!
//! The forward pass is generic over [`Real`], so heatmaps can run the same code in f32.

// Lane loops index several arrays with the same lane number.
#![allow(clippy::needless_range_loop)]

use crate::activation::{self, Activation};
use crate::fmath;
use std::ops::{Add, Mul};

/// One value per example in a block of N.
pub type Lanes<T, const N: usize> = [T; N];

/// A float type the forward pass can run in.
pub trait Real: Copy + Default + Add<Output = Self> + Mul<Output = Self> {
    /// Converts a parameter or input.
    fn of(v: f64) -> Self;
    /// Applies `act` to every lane; one loop per activation so each vectorises.
    fn activate<const N: usize>(act: Activation, z: &Lanes<Self, N>) -> Lanes<Self, N>;
    /// A = softmax(Z) over a whole layer, lane by lane (see [`activation::softmax_lanes`]).
    fn softmax<const N: usize>(z: &[Lanes<Self, N>], a: &mut [Lanes<Self, N>]);
}

/// Applies `f` to every lane (a plain loop: `array::map` was not always inlined).
#[inline(always)]
fn each<T: Copy, const N: usize>(z: &Lanes<T, N>, f: impl Fn(T) -> T) -> Lanes<T, N> {
    let mut out = *z;
    for v in &mut out {
        *v = f(*v);
    }
    out
}

/// [`fmath::tanh`] of every lane; in wasm two lanes at a time by [`fmath::simd::tanh`].
#[inline(always)]
fn tanh_lanes<const N: usize>(z: &Lanes<f64, N>) -> Lanes<f64, N> {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if N.is_multiple_of(2) {
        use core::arch::wasm32::{v128, v128_load, v128_store};
        let mut out = [0.0; N];
        for q in (0..N).step_by(2) {
            // SAFETY: q + 1 < N, so both pointers address two f64s inside their arrays;
            // v128_load and v128_store allow unaligned addresses.
            unsafe {
                let v = v128_load(z.as_ptr().add(q).cast::<v128>());
                v128_store(out.as_mut_ptr().add(q).cast::<v128>(), fmath::simd::tanh(v));
            }
        }
        return out;
    }
    each(z, fmath::tanh)
}

impl Real for f64 {
    #[inline(always)]
    fn of(v: f64) -> f64 {
        v
    }
    #[inline(always)]
    fn activate<const N: usize>(act: Activation, z: &Lanes<f64, N>) -> Lanes<f64, N> {
        match act {
            Activation::Sigmoid => each(z, |z| Activation::Sigmoid.f(z)),
            Activation::Tanh => tanh_lanes(z),
            Activation::Relu => each(z, |z| Activation::Relu.f(z)),
            Activation::LeakyRelu => each(z, |z| Activation::LeakyRelu.f(z)),
            // Softmax: [`forward`] replaces the layer's A once all of its Z are known.
            Activation::Linear | Activation::Softmax => *z,
        }
    }
    #[inline(always)]
    fn softmax<const N: usize>(z: &[Lanes<f64, N>], a: &mut [Lanes<f64, N>]) {
        activation::softmax_lanes(z, a);
    }
}

impl Real for f32 {
    #[inline(always)]
    fn of(v: f64) -> f32 {
        v as f32
    }
    #[inline(always)]
    fn activate<const N: usize>(act: Activation, z: &Lanes<f32, N>) -> Lanes<f32, N> {
        match act {
            Activation::Sigmoid => each(z, fmath::sigmoid_f32),
            Activation::Tanh => each(z, fmath::tanh_f32),
            Activation::Relu => each(z, |z| if z > 0.0 { z } else { 0.0 * z }),
            Activation::LeakyRelu => each(z, |z| if z > 0.0 { z } else { 0.01 * z }),
            Activation::Linear | Activation::Softmax => *z,
        }
    }
    /// In f64 per pixel (one exp per output), so the heatmap needs no f32 exp of its own.
    fn softmax<const N: usize>(z: &[Lanes<f32, N>], a: &mut [Lanes<f32, N>]) {
        const MAX: usize = crate::config::MAX_OUTPUTS;
        let k = z.len().min(a.len()).min(MAX);
        let (mut z64, mut a64) = ([0.0f64; MAX], [0.0f64; MAX]);
        for q in 0..N {
            for j in 0..k {
                z64[j] = f64::from(z[j][q]);
            }
            activation::softmax(&z64[..k], &mut a64[..k]);
            for j in 0..k {
                a[j][q] = a64[j] as f32;
            }
        }
    }
}

/// The layout of a network's flat parameter arrays.
#[derive(Clone, Copy, Debug)]
pub struct Shape<'a> {
    /// [inputs, ...hidden, outputs].
    pub layers: &'a [usize],
    /// Where weight layer l's [out][in] block starts in the weights.
    pub w_off: &'a [usize],
    /// Where weight layer l's biases start.
    pub b_off: &'a [usize],
    /// The hidden activation.
    pub hidden: Activation,
    /// The output activation.
    pub output: Activation,
}

impl Shape<'_> {
    /// The number of weight layers.
    pub fn depth(&self) -> usize {
        self.layers.len() - 1
    }

    /// The activation of weight layer l.
    pub fn activation(&self, l: usize) -> Activation {
        if l + 1 == self.depth() {
            self.output
        } else {
            self.hidden
        }
    }
}

/// Z and A of every neuron (inputs first, at index 0) for one block of examples, and the
/// backward pass's dL/dZ.
#[derive(Clone, Debug)]
pub struct Block<T, const N: usize> {
    /// Z per layer and neuron (layer 0 unused).
    pub z: Vec<Vec<Lanes<T, N>>>,
    /// A per layer and neuron; layer 0 is the input.
    pub a: Vec<Vec<Lanes<T, N>>>,
    /// dL/dZ of the layer being processed; the caller fills the output layer's.
    pub delta: Vec<Lanes<T, N>>,
    delta_prev: Vec<Lanes<T, N>>,
}

impl<T: Real, const N: usize> Default for Block<T, N> {
    fn default() -> Self {
        Block {
            z: Vec::new(),
            a: Vec::new(),
            delta: Vec::new(),
            delta_prev: Vec::new(),
        }
    }
}

impl<T: Real, const N: usize> Block<T, N> {
    /// Buffers for a network with these layer sizes.
    pub fn new(layers: &[usize]) -> Block<T, N> {
        let widest = layers.iter().copied().max().unwrap_or(1);
        Block {
            z: layers.iter().map(|&n| vec![[T::default(); N]; n]).collect(),
            a: layers.iter().map(|&n| vec![[T::default(); N]; n]).collect(),
            delta: vec![[T::default(); N]; widest],
            delta_prev: vec![[T::default(); N]; widest],
        }
    }
}

/// Calls `f::<..., K>(...)` with the layer's input width as the compile-time constant K
/// when it is 1 to 8 (every layer of a Playground-sized network), or K = 0 (run-time width)
/// otherwise. With K known, the inner loops unroll and lose their bounds checks.
macro_rules! by_width {
    ($n:expr, $f:ident::<$($g:tt),*>($($arg:expr),* $(,)?)) => {
        match $n {
            1 => $f::<$($g,)* 1>($($arg),*),
            2 => $f::<$($g,)* 2>($($arg),*),
            3 => $f::<$($g,)* 3>($($arg),*),
            4 => $f::<$($g,)* 4>($($arg),*),
            5 => $f::<$($g,)* 5>($($arg),*),
            6 => $f::<$($g,)* 6>($($arg),*),
            7 => $f::<$($g,)* 7>($($arg),*),
            8 => $f::<$($g,)* 8>($($arg),*),
            _ => $f::<$($g,)* 0>($($arg),*),
        }
    };
}

/// Forward pass over the block already in `blk.a[0]`: per layer, Z = W A_prev + b, A = f(Z).
#[inline(always)]
pub fn forward<T: Real, const N: usize>(shape: &Shape, w: &[T], b: &[T], blk: &mut Block<T, N>) {
    for l in 0..shape.depth() {
        let (n_in, n_out) = (shape.layers[l], shape.layers[l + 1]);
        let act = shape.activation(l);
        let w = &w[shape.w_off[l]..shape.w_off[l] + n_in * n_out];
        let b = &b[shape.b_off[l]..shape.b_off[l] + n_out];
        let (before, after) = blk.a.split_at_mut(l + 1);
        let (a_prev, a) = (&before[l][..n_in], &mut after[0][..n_out]);
        let z = &mut blk.z[l + 1][..n_out];
        by_width!(n_in, forward_layer::<T, N>(w, b, a_prev, z, a, act));
        // Softmax couples the layer's neurons, so it runs once the layer's Z is complete.
        if act == Activation::Softmax {
            T::softmax(z, a);
        }
    }
}

/// One layer of the forward pass: Z_j = b_j + sum over k of W_jk A_prev_k, A_j = f(Z_j).
/// K is the input width if known at compile time, else 0.
#[inline(always)]
fn forward_layer<T: Real, const N: usize, const K: usize>(
    w: &[T],
    b: &[T],
    a_prev: &[Lanes<T, N>],
    z: &mut [Lanes<T, N>],
    a: &mut [Lanes<T, N>],
    act: Activation,
) {
    let n_in = if K == 0 { a_prev.len() } else { K };
    let a_prev = &a_prev[..n_in];
    for (j, (row, bj)) in w.chunks_exact(n_in).zip(b).enumerate() {
        let mut acc = [*bj; N];
        for (&wjk, ak) in row.iter().zip(a_prev) {
            for q in 0..N {
                acc[q] = acc[q] + wjk * ak[q];
            }
        }
        z[j] = acc;
    }
    // The activations in a loop of their own: each is a long dependency chain (a tanh is
    // about 50 cycles from Z to A), and the layer's neurons are independent, so here the
    // processor overlaps several of them. Activating each neuron as soon as its Z was known
    // left the chains nearly end to end.
    for (a, z) in a.iter_mut().zip(z.iter()) {
        *a = T::activate(act, z);
    }
}

/// Backward pass over the block, given the output layer's dL/dZ in `blk.delta`. Adds each
/// lane's dL/dW = dL/dZ * A_prev and dL/db = dL/dZ into the per-lane accumulators; the
/// caller sums the lanes in a fixed order at the end of the batch. `dw`'s blocks are
/// transposed: W[l][j][k]'s accumulator is at `w_off[l] + k * out + j`.
///
/// The accumulators have A >= N lanes: a block narrower than the others (the end of a
/// batch) adds into their first N lanes, as the same examples would in a wider block whose
/// other lanes add nothing.
#[inline(always)]
pub fn backward<const N: usize, const A: usize>(
    shape: &Shape,
    w: &[f64],
    blk: &mut Block<f64, N>,
    dw: &mut [Lanes<f64, A>],
    db: &mut [Lanes<f64, A>],
) {
    const { assert!(N <= A) };
    for l in (0..shape.depth()).rev() {
        let (n_in, n_out) = (shape.layers[l], shape.layers[l + 1]);
        let (wo, bo) = (shape.w_off[l], shape.b_off[l]);
        let a_prev = &blk.a[l][..n_in];
        let delta = &blk.delta[..n_out];
        let dw = &mut dw[wo..wo + n_in * n_out];
        let db = &mut db[bo..bo + n_out];
        by_width!(n_in, gradients_layer::<N, A>(delta, a_prev, dw, db));
        if l == 0 {
            break;
        }
        let w = &w[wo..wo + n_in * n_out];
        let dp = &mut blk.delta_prev[..n_in];
        by_width!(n_in, delta_layer::<N>(w, delta, a_prev, dp, shape.hidden));
        std::mem::swap(&mut blk.delta, &mut blk.delta_prev);
    }
}

/// One layer's dL/db += dL/dZ and dL/dW += dL/dZ * A_prev, per lane.
///
/// The accumulators are stored [k][j] (transposed), so consecutive k are `out` lanes apart:
/// LLVM then vectorises each update across its lanes, as intended, instead of across k,
/// where it interleaved and shuffled lanes at twice the cost.
#[inline(always)]
fn gradients_layer<const N: usize, const A: usize, const K: usize>(
    delta: &[Lanes<f64, N>],
    a_prev: &[Lanes<f64, N>],
    dw: &mut [Lanes<f64, A>],
    db: &mut [Lanes<f64, A>],
) {
    let n_in = if K == 0 { a_prev.len() } else { K };
    let n_out = delta.len();
    let a_prev = &a_prev[..n_in];
    for (j, (dz, g)) in delta.iter().zip(db.iter_mut()).enumerate() {
        for q in 0..N {
            g[q] += dz[q];
        }
        for (k, ak) in a_prev.iter().enumerate() {
            let g = &mut dw[k * n_out + j];
            for q in 0..N {
                g[q] += dz[q] * ak[q];
            }
        }
    }
}

/// dL/dA_prev_k = sum over j of dL/dZ_j * W_jk, then dL/dZ_prev = dL/dA_prev * dA/dZ_prev,
/// with the sum in registers, down a column of W.
#[inline(always)]
fn delta_layer<const N: usize, const K: usize>(
    w: &[f64],
    delta: &[Lanes<f64, N>],
    a_prev: &[Lanes<f64, N>],
    dp: &mut [Lanes<f64, N>],
    hidden: Activation,
) {
    let n_in = if K == 0 { a_prev.len() } else { K };
    let (a_prev, dp) = (&a_prev[..n_in], &mut dp[..n_in]);
    // Four columns of W at a time, each with its own sum: one pass down the rows feeds four
    // independent chains of adds, where one column at a time was one chain (an add's
    // latency per row) and a loop per column. Each sum still runs over j in order.
    const COLS: usize = 4;
    for (c, d) in dp.chunks_mut(COLS).enumerate() {
        let k0 = c * COLS;
        let mut acc = [[0.0; N]; COLS];
        for (row, dz) in w.chunks_exact(n_in).zip(delta) {
            for (t, acc) in acc.iter_mut().enumerate().take(d.len()) {
                let wjk = row[k0 + t];
                for q in 0..N {
                    acc[q] += wjk * dz[q];
                }
            }
        }
        d.copy_from_slice(&acc[..d.len()]);
    }
    // dA/dZ with the activation chosen once per layer, not once per value: a `df` that
    // matched on it in the lane loop stayed a scalar jump table in each lane.
    #[inline(always)]
    fn times_df<const N: usize>(
        dp: &mut [Lanes<f64, N>],
        a_prev: &[Lanes<f64, N>],
        df: impl Fn(f64) -> f64,
    ) {
        for (d, ak) in dp.iter_mut().zip(a_prev) {
            for q in 0..N {
                d[q] *= df(ak[q]);
            }
        }
    }
    match hidden {
        Activation::Tanh => times_df(dp, a_prev, |a| Activation::Tanh.df(a)),
        Activation::Sigmoid => times_df(dp, a_prev, |a| Activation::Sigmoid.df(a)),
        Activation::Relu => times_df(dp, a_prev, |a| Activation::Relu.df(a)),
        Activation::LeakyRelu => times_df(dp, a_prev, |a| Activation::LeakyRelu.df(a)),
        Activation::Linear => times_df(dp, a_prev, |a| Activation::Linear.df(a)),
        Activation::Softmax => times_df(dp, a_prev, |a| Activation::Softmax.df(a)),
    }
}

/// Sums the lanes in a fixed order: neighbours first, then pairs of pairs.
///
/// Written out per width: a loop over a copy on the stack made the loads straddle the
/// backward pass's vector stores, and store-forwarding stalls cost a third of training time.
#[inline(always)]
pub fn lane_sum<const N: usize>(x: &Lanes<f64, N>) -> f64 {
    match N {
        1 => x[0],
        2 => x[0] + x[1],
        4 => (x[0] + x[1]) + (x[2] + x[3]),
        8 => ((x[0] + x[1]) + (x[2] + x[3])) + ((x[4] + x[5]) + (x[6] + x[7])),
        _ => x.iter().sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_sum_order() {
        assert_eq!(lane_sum(&[1.0, 2.0, 3.0, 4.0]), 10.0);
        assert_eq!(lane_sum(&[1.0, 2.0]), 3.0);
        // Pairwise, (1e16 + 1) and (-1e16 + 1) both round to +-1e16 and cancel to 0; a
        // left-to-right sum would give 1. The order is part of the native = wasm contract.
        assert_eq!(lane_sum(&[1e16, 1.0, -1e16, 1.0]), 0.0);
    }
}
