//! A fully connected network and the seed's backpropagation.
//!
//! Notation follows the seed. For weight layer l with inputs A_prev:
//! Z = W A_prev + b, A = f(Z). Backward, from the loss:
//! dL/dZ = dL/dA * dA/dZ (= A - y for a sigmoid output with bce),
//! dL/dW = dL/dZ * A_prev, dL/db = dL/dZ, dL/dA_prev = sum over neurons of dL/dZ * W.
//!
//! Parameters and their gradients live in parallel flat arrays (`w`/`dw`, `b`/`db`), sized
//! once when the network is built and never reallocated, so JavaScript can read them through
//! typed-array views on wasm memory. [`Network::trace`] is the seed's chain rule for one
//! example, factor by factor; training computes the same numbers a block of examples at a
//! time, in [`crate::kernel`].

// Lane loops index several arrays with the same lane number.
#![allow(clippy::needless_range_loop)]

use crate::activation::{self, Activation};
use crate::config::{self, Error, Result, Settings, Spec, Training};
use crate::dataset::Feature;
use crate::kernel::{self, Block, Lanes, Shape};

/// Examples per block in training and evaluation (f64: two SIMD vectors).
const LANES: usize = 4;
/// A batch's last block when it has at most this many examples (one SIMD vector): the
/// batch of 10 is 4 + 4 + 2, and a block of 4 would work out two empty examples.
const NARROW: usize = 2;
/// Pixels per block in heatmaps (f32: two SIMD vectors).
const GRID_LANES: usize = 16;
use crate::loss::{self, Loss};
use crate::optimizer::Optimizer;
use crate::rng::Rng;
use serde::Serialize;

/// The largest heatmap side, in pixels.
pub const MAX_GRID: usize = 400;
/// The largest thumbnail side, in pixels.
pub const MAX_THUMB: usize = 100;
/// The most examples a data set may hold.
pub const MAX_EXAMPLES: usize = 100_000;
/// Beyond this bound on |Z| a loss might overflow, so an update is checked by evaluation.
const SAFE_Z: f64 = 1e150;

/// The seed's chain rule for one layer and one example.
#[allow(non_snake_case)]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LayerTrace {
    /// Z = W A_prev + b, one per neuron.
    pub z: Vec<f64>,
    /// A = f(Z).
    pub a: Vec<f64>,
    /// dL/dA: the loss's derivative at the output, dL/dA_prev of the next layer below it.
    pub dL_dA: Vec<f64>,
    /// dA/dZ, from A as the seed writes it (sigmoid: A(1 - A)).
    pub dA_dZ: Vec<f64>,
    /// dL/dZ = dL/dA * dA/dZ; at a sigmoid output with bce, the fused A - y.
    pub dL_dZ: Vec<f64>,
    /// dL/dW = dL/dZ * A_prev, [out][in].
    pub dL_dW: Vec<Vec<f64>>,
    /// dL/db = dL/dZ.
    pub dL_db: Vec<f64>,
    /// dL/dA_prev = sum over this layer's neurons of dL/dZ * W, one per input.
    pub dL_dAprev: Vec<f64>,
    /// Softmax output only: the full Jacobian, `jacobian[i][j]` = dA_i/dZ_j
    /// = A_i (delta_ij - A_j). Its diagonal is `dA_dZ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jacobian: Option<Vec<Vec<f64>>>,
    /// Softmax output only: the chain rule written out, dL/dZ_j = sum over i of
    /// dL/dA_i * dA_i/dZ_j, from the literal `dL_dA` and `jacobian`. It equals the fused
    /// `dL_dZ` = A - y wherever every term is finite, and is NaN or infinite where some A_i
    /// rounds to 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dL_dZ_unfused: Option<Vec<f64>>,
}

/// [`Network::trace`]'s result.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    /// The network's input A_0 (the features, when the network computes them).
    pub input: Vec<f64>,
    /// The target y, one per output.
    pub target: Vec<f64>,
    /// L for this example, summed over outputs.
    pub loss: f64,
    /// One record per layer of weights, from the first hidden layer to the output layer.
    pub layers: Vec<LayerTrace>,
}

/// Batch-mean gradients, per layer, as [`Network::gradients`] returns them.
#[allow(non_snake_case)]
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Gradients {
    /// mean dL/dW, [layer][out][in].
    pub dL_dW: Vec<Vec<Vec<f64>>>,
    /// mean dL/db, [layer][out].
    pub dL_db: Vec<Vec<f64>>,
}

/// A network's full state, as [`Network::to_state`] returns it.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// [inputs, ...hidden, outputs].
    pub layers: Vec<usize>,
    /// Hidden activation name.
    pub hidden: &'static str,
    /// Output activation name.
    pub output: &'static str,
    /// Loss name.
    pub loss: &'static str,
    /// Per layer [out][in].
    pub weights: Vec<Vec<Vec<f64>>>,
    /// Per layer [out].
    pub biases: Vec<Vec<f64>>,
    /// Step size.
    pub learning_rate: f64,
    /// Examples per update.
    pub batch_size: usize,
    /// Optimizer name.
    pub optimizer: &'static str,
    /// Regularisation name.
    pub regularization: &'static str,
    /// Regularisation rate.
    pub regularization_rate: f64,
    /// The seed.
    pub seed: u32,
    /// Feature names, when the network computes features.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<&'static str>>,
    /// Completed updates (`stepCount`).
    pub step_count: f64,
    /// The optimizer's moments (momentum and adam; absent for sgd, or when left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moments: Option<config::Moments>,
}

/// Train and test loss and accuracy, as [`Network::evaluate`] writes them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Mean loss over the training set (NaN when it is empty).
    pub train_loss: f64,
    /// Mean loss over the test set (NaN when it is empty).
    pub test_loss: f64,
    /// Fraction of training outputs on the right side of the threshold.
    pub train_accuracy: f64,
    /// Fraction of test outputs on the right side of the threshold.
    pub test_accuracy: f64,
}

/// Examples the network can train or be evaluated on: network inputs (after features)
/// row-major, and targets row-major.
#[derive(Clone, Debug, Default)]
struct Data {
    x: Vec<f64>,
    y: Vec<f64>,
    n: usize,
}

/// The heatmap grid over the input plane, and its pixels.
#[derive(Clone, Debug)]
struct Grid {
    size: usize,
    thumb: usize,
    blk: Block<f32, GRID_LANES>,
    /// The parameters in f32: a heatmap needs three digits, and f32 lanes are twice as wide.
    w: Vec<f32>,
    b: Vec<f32>,
    /// RGBA, size x size, row 0 at y_max.
    pixels: Vec<u8>,
    /// RGBA atlas: one thumb x thumb tile per neuron (inputs first), stacked vertically.
    thumbs: Vec<u8>,
    /// The output neuron 0's value at each pixel (softmax: the largest probability).
    values: Vec<f32>,
    /// Softmax only: the arg-max class at each pixel (0 otherwise).
    classes: Vec<u8>,
    /// The network's inputs (features) at every heatmap pixel, computed once by `set_grid`:
    /// row after row, each row feature-major over its columns padded to whole blocks.
    inputs: Vec<f32>,
    /// The same for the thumbnail grid.
    thumb_inputs: Vec<f32>,
    /// Each input's largest magnitude on the thumbnail grid, to scale the input thumbnails.
    input_scale: Vec<f32>,
}

/// A fully connected network with its training data, optimizer state and display buffers.
#[derive(Clone, Debug)]
pub struct Network {
    settings: Settings,
    /// Offsets of each weight layer's block in `w` and `dw`, and of its biases in `b`, `db`.
    w_off: Vec<usize>,
    b_off: Vec<usize>,
    w: Vec<f64>,
    b: Vec<f64>,
    dw: Vec<f64>,
    db: Vec<f64>,
    /// Per-lane sums of dL/dW and dL/db over a batch, before the lanes are added.
    dw_lanes: Vec<Lanes<f64, LANES>>,
    db_lanes: Vec<Lanes<f64, LANES>>,
    /// Optimizer moments (momentum's velocity is `mw`/`mb`).
    mw: Vec<f64>,
    vw: Vec<f64>,
    mb: Vec<f64>,
    vb: Vec<f64>,
    /// Parameters and moments before the last update, to undo it.
    saved: Vec<f64>,
    updates: u64,
    steps: u64,
    train: Data,
    test: Data,
    /// Largest |input| over train and test, for the overflow bound.
    input_bound: f64,
    order: Vec<usize>,
    cursor: usize,
    rng: Rng,
    batch: Vec<u32>,
    /// Whether `dw`/`db` hold gradients that `apply_step` has not used yet.
    prepared: bool,
    /// Whether every prepared gradient is finite.
    gradients_finite: bool,
    last_loss: f64,
    blk: Block<f64, LANES>,
    blk_narrow: Block<f64, NARROW>,
    probe_z: Vec<f64>,
    probe_a: Vec<f64>,
    metrics: [f64; 4],
    palette: Vec<u8>,
    /// RGBA per class, 1 to 16 colours, repeated cyclically for more classes.
    class_palette: Vec<u8>,
    /// The output layer's colour range, when set; else the class threshold's.
    output_range: Option<(f64, f64)>,
    grid: Option<Grid>,
}

/// The most colours a class palette holds (one per possible output).
pub const MAX_CLASS_COLOURS: usize = config::MAX_OUTPUTS;

/// The colour a softmax heatmap fades to where the network is least sure, and a class's
/// thumbnail where its probability is 0: light grey, the default palette's middle.
pub const NEUTRAL: [u8; 4] = [232, 234, 235, 255];

/// The default class colours, RGBA: Okabe and Ito's colour-blind-safe set (orange, blue,
/// bluish green, reddish purple, sky blue, vermillion, yellow, black) for classes 0 to 7;
/// classes 8 to 15 repeat them at 55% brightness (black becomes mid grey). Classes 0 and 1
/// are the binary palette's orange and blue; orange and vermillion, the closest pair, only
/// meet from six classes on.
pub fn default_class_palette() -> Vec<u8> {
    const OKABE_ITO: [[u8; 3]; 8] = [
        [230, 159, 0],
        [0, 114, 178],
        [0, 158, 115],
        [204, 121, 167],
        [86, 180, 233],
        [213, 94, 0],
        [240, 228, 66],
        [0, 0, 0],
    ];
    let mut out = Vec::with_capacity(4 * MAX_CLASS_COLOURS);
    for c in OKABE_ITO {
        out.extend_from_slice(&[c[0], c[1], c[2], 255]);
    }
    for c in OKABE_ITO {
        if c == [0, 0, 0] {
            out.extend_from_slice(&[153, 153, 153, 255]);
        } else {
            out.extend(c.iter().map(|&v| (f64::from(v) * 0.55).round() as u8));
            out.push(255);
        }
    }
    out
}

/// Writes `from + (to - from) * t` (t clamped to [0, 1]; NaN counts as 0) into `out`.
#[inline(always)]
fn mix(from: &[u8], to: &[u8], t: f32, out: &mut [u8]) {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    for ((o, &f), &c) in out.iter_mut().zip(from).zip(to) {
        *o = (f32::from(f) + (f32::from(c) - f32::from(f)) * t + 0.5) as u8;
    }
}

fn default_palette() -> Vec<u8> {
    // Orange (low) through light grey to blue (high): a colour-blind-safe diverging scale.
    let stops = [
        (245.0, 147.0, 34.0),
        (232.0, 234.0, 235.0),
        (8.0, 119.0, 189.0),
    ];
    let mut lut = Vec::with_capacity(1024);
    for i in 0..256 {
        let t = i as f64 / 255.0 * 2.0;
        let (s0, s1, u) = if t < 1.0 {
            (stops[0], stops[1], t)
        } else {
            (stops[1], stops[2], t - 1.0)
        };
        for (c0, c1) in [(s0.0, s1.0), (s0.1, s1.1), (s0.2, s1.2)] {
            lut.push((c0 + (c1 - c0) * u).round() as u8);
        }
        lut.push(255);
    }
    lut
}

/// The largest |v| in `values`, and whether every value is finite (`v * 0` is 0 for finite
/// v and NaN otherwise). Training runs it over every weight and bias after every batch.
fn scan(values: &[f64]) -> (f64, bool) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        scan_simd(values)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        scan_lanes(values)
    }
}

/// [`scan`] in plain Rust, in four independent lanes, which LLVM vectorises natively.
#[cfg_attr(
    all(target_arch = "wasm32", target_feature = "simd128"),
    allow(dead_code)
)]
fn scan_lanes(values: &[f64]) -> (f64, bool) {
    let mut max = [0.0f64; 4];
    let mut poison = [0.0f64; 4];
    let mut chunks = values.chunks_exact(4);
    for c in &mut chunks {
        for q in 0..4 {
            let a = c[q].abs();
            max[q] = if a > max[q] { a } else { max[q] };
            poison[q] += c[q] * 0.0;
        }
    }
    for &v in chunks.remainder() {
        let a = v.abs();
        max[0] = if a > max[0] { a } else { max[0] };
        poison[0] += v * 0.0;
    }
    let m = max.iter().fold(0.0f64, |m, &a| if a > m { a } else { m });
    (m, poison.iter().all(|&p| p == 0.0))
}

/// [`scan`] in wasm SIMD: LLVM leaves its loop scalar there (each max a compare and a
/// select), and training scans every weight and bias after every batch. `f64x2.pmax(m, a)`
/// is `m < a ? a : m`, the scalar loop's max; the result is the same.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn scan_simd(values: &[f64]) -> (f64, bool) {
    use core::arch::wasm32::*;
    let zero = f64x2_splat(0.0);
    let (mut max, mut poison) = ([zero; 2], [zero; 2]);
    let mut chunks = values.chunks_exact(4);
    for c in &mut chunks {
        for h in 0..2 {
            // SAFETY: c has 4 values, so c[2h..2h+2] is in bounds; v128_load allows
            // unaligned addresses.
            let v = unsafe { v128_load(c.as_ptr().add(2 * h).cast::<v128>()) };
            max[h] = f64x2_pmax(max[h], f64x2_abs(v));
            poison[h] = f64x2_add(poison[h], f64x2_mul(v, zero));
        }
    }
    let mut m = 0.0f64;
    let mut p = 0.0f64;
    for v in max {
        for a in [f64x2_extract_lane::<0>(v), f64x2_extract_lane::<1>(v)] {
            m = if a > m { a } else { m };
        }
    }
    for v in poison {
        p += f64x2_extract_lane::<0>(v) + f64x2_extract_lane::<1>(v);
    }
    for &v in chunks.remainder() {
        let a = v.abs();
        m = if a > m { a } else { m };
        p += v * 0.0;
    }
    (m, p == 0.0)
}

/// Columns of a grid row rounded up to whole blocks of GRID_LANES.
fn padded(res: usize) -> usize {
    res.div_ceil(GRID_LANES) * GRID_LANES
}

/// Runs GRID_LANES grid points forward in f32: row `row`, columns from `col`, of a
/// `res` x `res` grid whose inputs are cached in `inputs` (see [`Grid::inputs`]).
#[allow(clippy::too_many_arguments)]
fn grid_block(
    blk: &mut Block<f32, GRID_LANES>,
    inputs: &[f32],
    w: &[f32],
    b: &[f32],
    shape: &Shape,
    row: usize,
    col: usize,
    res: usize,
) {
    let n_in = shape.layers[0];
    let cols = padded(res);
    let base = row * n_in * cols + col;
    for (k, a) in blk.a[0][..n_in].iter_mut().enumerate() {
        a.copy_from_slice(&inputs[base + k * cols..base + k * cols + GRID_LANES]);
    }
    kernel::forward(shape, w, b, blk);
}

/// What a block of a batch's gradients needs besides its buffers
/// ([`Network::compute_gradients`]).
struct BlockPass<'a> {
    shape: &'a Shape<'a>,
    w: &'a [f64],
    b: &'a [f64],
    data: &'a Data,
    loss_fn: Loss,
    output: Activation,
    with_loss: bool,
}

impl BlockPass<'_> {
    /// The block of examples `idx` (at most N): forward, the output layer's dL/dZ, backward
    /// into the accumulators `dw`, `db` (LANES wide; see [`kernel::backward`]), and, when
    /// asked, each example's loss added to `loss` in order.
    #[inline(always)]
    fn run<const N: usize>(
        &self,
        blk: &mut Block<f64, N>,
        idx: &[u32],
        loss: &mut f64,
        dw: &mut [Lanes<f64, LANES>],
        db: &mut [Lanes<f64, LANES>],
    ) {
        let (shape, data, loss_fn, output) = (self.shape, self.data, self.loss_fn, self.output);
        let (n_in, depth) = (shape.layers[0], shape.depth());
        let n_out = shape.layers[depth];
        Network::load_block(blk, data, n_in, idx);
        kernel::forward(shape, self.w, self.b, blk);
        // cce's loss needs the whole layer's Z (a log-sum-exp), so it is summed per example.
        if self.with_loss && loss_fn == Loss::Cce {
            *loss += Network::block_cce(blk, depth, data, idx);
        }
        let per_output_loss = self.with_loss && loss_fn != Loss::Cce;
        // Output layer: dL/dZ = dL/dA * dA/dZ, fused to A - y for sigmoid with bce and
        // for softmax with cce; lanes past the end of the batch get 0 and so add nothing.
        for j in 0..n_out {
            let (z, a) = (blk.z[depth][j], blk.a[depth][j]);
            let mut delta = [0.0; N];
            for (q, &i) in idx.iter().enumerate() {
                let y = data.y[i as usize * n_out + j];
                if per_output_loss {
                    *loss += loss_fn.value(output, z[q], a[q], y);
                }
                delta[q] = loss_fn.dl_dz(output, a[q], y);
            }
            blk.delta[j] = delta;
        }
        kernel::backward(shape, self.w, blk, dw, db);
    }
}

fn shape_of<'a>(settings: &'a Settings, w_off: &'a [usize], b_off: &'a [usize]) -> Shape<'a> {
    Shape {
        layers: &settings.layers,
        w_off,
        b_off,
        hidden: settings.hidden,
        output: settings.output,
    }
}

/// The index of the largest value (the first of equals; NaN never wins), 0 when empty.
fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

/// Z = b + sum over k of W_k A_prev_k, accumulated in order k = 0, 1, ... as the kernel does.
#[inline(always)]
fn affine(b: f64, w: &[f64], a_prev: &[f64]) -> f64 {
    w.iter().zip(a_prev).fold(b, |z, (w, a)| z + w * a)
}

impl Network {
    /// Builds a network from a config: validated settings, then seeded initialisation.
    ///
    /// Weights are uniform in +-sqrt(6 / (in + out)) (Xavier) for sigmoid, tanh and linear
    /// layers, and +-sqrt(6 / in) (He) for relu and leakyRelu; biases start at 0.
    pub fn new(spec: &Spec) -> Result<Network> {
        let state_only = [
            ("weights", spec.weights.is_some()),
            ("biases", spec.biases.is_some()),
            ("stepCount", spec.step_count.is_some()),
            ("moments", spec.moments.is_some()),
        ];
        if let Some((field, _)) = state_only.iter().find(|(_, set)| *set) {
            return Err(Error::new(
                *field,
                "belongs in a state, not a config; use Network.fromState(state)",
            ));
        }
        let settings = spec.validate()?;
        let mut net = Network::with_settings(settings);
        let mut rng =
            Rng::new(u64::from(net.settings.seed).wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x1417);
        for l in 0..net.depth() {
            let (n_in, n_out) = net.shape(l);
            let act = net.activation(l);
            let limit = if act.is_rectifier() {
                (6.0 / n_in as f64).sqrt()
            } else {
                (6.0 / (n_in + n_out) as f64).sqrt()
            };
            let off = net.w_off[l];
            for w in &mut net.w[off..off + n_in * n_out] {
                *w = rng.range(-limit, limit);
            }
        }
        Ok(net)
    }

    /// Rebuilds a network from a state: [`Network::to_state`]'s output, or one written by hand.
    pub fn from_state(spec: &Spec) -> Result<Network> {
        if spec.layers.is_none() {
            return Err(Error::new(
                "layers",
                "is required in a state: [inputs, ...hidden, outputs]",
            ));
        }
        let settings = spec.validate()?;
        let (w, b) = spec.validate_parameters(&settings.layers)?;
        let steps = spec.validate_step_count()?;
        let moments = spec.validate_moments(&settings.layers)?;
        let mut net = Network::with_settings(settings);
        net.w.copy_from_slice(&w);
        net.b.copy_from_slice(&b);
        net.steps = steps;
        // Moments of another optimizer are dropped: the optimizer starts fresh, as after
        // configure() with a new optimizer.
        if let Some(m) = moments
            && m.optimizer == net.settings.training.optimizer
        {
            net.updates = m.updates;
            net.mw.copy_from_slice(&m.m.0);
            net.mb.copy_from_slice(&m.m.1);
            if m.optimizer == Optimizer::Adam {
                net.vw.copy_from_slice(&m.v.0);
                net.vb.copy_from_slice(&m.v.1);
            }
        }
        Ok(net)
    }

    fn with_settings(settings: Settings) -> Network {
        let layers = &settings.layers;
        let (mut w_off, mut b_off) = (Vec::new(), Vec::new());
        let (mut nw, mut nb) = (0, 0);
        for l in 0..layers.len() - 1 {
            w_off.push(nw);
            b_off.push(nb);
            nw += layers[l] * layers[l + 1];
            nb += layers[l + 1];
        }
        let neurons: usize = layers.iter().sum();
        let seed = settings.seed;
        Network {
            blk: Block::new(layers),
            blk_narrow: Block::new(layers),
            dw_lanes: vec![[0.0; LANES]; nw],
            db_lanes: vec![[0.0; LANES]; nb],
            w_off,
            b_off,
            w: vec![0.0; nw],
            b: vec![0.0; nb],
            dw: vec![0.0; nw],
            db: vec![0.0; nb],
            mw: vec![0.0; nw],
            vw: vec![0.0; nw],
            mb: vec![0.0; nb],
            vb: vec![0.0; nb],
            saved: vec![0.0; 3 * (nw + nb)],
            updates: 0,
            steps: 0,
            train: Data::default(),
            test: Data::default(),
            input_bound: 0.0,
            order: Vec::new(),
            cursor: 0,
            rng: Rng::new(u64::from(seed) ^ 0x0bde_0bde_0bde),
            batch: Vec::new(),
            prepared: false,
            gradients_finite: true,
            last_loss: f64::NAN,
            probe_z: vec![0.0; neurons],
            probe_a: vec![0.0; neurons],
            metrics: [f64::NAN; 4],
            palette: default_palette(),
            class_palette: default_class_palette(),
            output_range: None,
            grid: None,
            settings,
        }
    }

    // ---- shape -------------------------------------------------------------------------

    /// The validated settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Layer sizes, [inputs, ...hidden, outputs].
    pub fn layers(&self) -> &[usize] {
        &self.settings.layers
    }

    /// The number of weight layers (hidden layers + 1).
    pub fn depth(&self) -> usize {
        self.settings.layers.len() - 1
    }

    /// (inputs, outputs) of weight layer l.
    fn shape(&self, l: usize) -> (usize, usize) {
        (self.settings.layers[l], self.settings.layers[l + 1])
    }

    /// The activation of weight layer l's neurons.
    fn activation(&self, l: usize) -> Activation {
        if l + 1 == self.depth() {
            self.settings.output
        } else {
            self.settings.hidden
        }
    }

    /// How many numbers a raw input has: 2 (x1, x2) with features, else `layers[0]`.
    pub fn raw_input_size(&self) -> usize {
        if self.settings.features.is_some() {
            2
        } else {
            self.settings.layers[0]
        }
    }

    fn output_size(&self) -> usize {
        *self.settings.layers.last().unwrap_or(&1)
    }

    /// The output value that separates class 0 from class 1: 0 for tanh, 1/2 for sigmoid
    /// and linear, and NaN for softmax, whose class is the arg-max of its outputs.
    pub fn threshold(&self) -> f64 {
        match self.settings.output {
            Activation::Tanh => 0.0,
            Activation::Softmax => f64::NAN,
            _ => 0.5,
        }
    }

    /// Completed updates since the network was built.
    pub fn step_count(&self) -> u64 {
        self.steps
    }

    // ---- inputs --------------------------------------------------------------------------

    /// Maps a raw input to the network's input A_0, writing into `out`.
    fn featurize(&self, raw: &[f64], out: &mut [f64]) {
        match &self.settings.features {
            Some(features) => {
                for (o, f) in out.iter_mut().zip(features) {
                    *o = f.eval(raw[0], raw[1]);
                }
            }
            None => out.copy_from_slice(raw),
        }
    }

    /// Checks one raw input vector.
    fn check_input(&self, field: &str, input: &[f64]) -> Result<()> {
        let n = self.raw_input_size();
        if input.len() != n {
            let what = if self.settings.features.is_some() {
                " (x1, x2), from which the features are computed"
            } else {
                ""
            };
            return Err(Error::new(
                field,
                format!("must have {n} numbers{what}, got {}", input.len()),
            ));
        }
        for (k, &v) in input.iter().enumerate() {
            config::bounded(&format!("{field}[{k}]"), v)?;
        }
        Ok(())
    }

    /// Checks targets against the loss's range and the output count.
    fn check_target(&self, field: &str, target: &[f64]) -> Result<()> {
        let n = self.output_size();
        if target.len() != n {
            return Err(Error::new(
                field,
                format!(
                    "must have {n} number(s), one per output, got {}",
                    target.len()
                ),
            ));
        }
        let (lo, hi) = self.settings.loss.target_range();
        for (j, &y) in target.iter().enumerate() {
            let f = if n == 1 {
                field.to_string()
            } else {
                format!("{field}[{j}]")
            };
            config::bounded(&f, y)?;
            if y < lo || y > hi {
                return Err(Error::new(
                    f,
                    format!(
                        "must be from {lo} to {hi} for loss \"{}\", got {}",
                        self.settings.loss.name(),
                        config::js_number(y)
                    ),
                ));
            }
        }
        if self.settings.loss == Loss::Cce {
            let sum: f64 = target.iter().sum();
            if (sum - 1.0).abs() > loss::CCE_SUM_TOLERANCE {
                return Err(Error::new(
                    field,
                    format!(
                        "must sum to 1 for loss \"cce\" (a one-hot row such as [0, 1, 0], or class probabilities), got a sum of {}",
                        // Nine decimals, so 0.5 + 0.2 + 0.2 shows as 0.9.
                        config::js_number((sum * 1e9).round() / 1e9)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Validates raw inputs (row-major, `raw_input_size` each) and targets (`outputs` each)
    /// and converts them to network inputs.
    fn make_data(&self, name: &str, inputs: &[f64], targets: &[f64]) -> Result<Data> {
        let d = self.raw_input_size();
        let o = self.output_size();
        if !inputs.len().is_multiple_of(d) {
            return Err(Error::new(
                format!("{name}.inputs"),
                format!(
                    "a flat array must hold whole rows of {d} numbers, got {} numbers",
                    inputs.len()
                ),
            ));
        }
        let n = inputs.len() / d;
        if n > MAX_EXAMPLES {
            return Err(Error::new(
                format!("{name}.inputs"),
                format!("may hold at most {MAX_EXAMPLES} examples, got {n}"),
            ));
        }
        if targets.len() != n * o {
            return Err(Error::new(
                format!("{name}.targets"),
                format!(
                    "must have {} number(s): {o} per example for {n} examples, got {}",
                    n * o,
                    targets.len()
                ),
            ));
        }
        let n_in = self.settings.layers[0];
        let mut x = vec![0.0; n * n_in];
        for i in 0..n {
            let row = &inputs[i * d..(i + 1) * d];
            self.check_input(&format!("{name}.inputs[{i}]"), row)?;
            self.check_target(
                &format!("{name}.targets[{i}]"),
                &targets[i * o..(i + 1) * o],
            )?;
            self.featurize(row, &mut x[i * n_in..(i + 1) * n_in]);
        }
        Ok(Data {
            x,
            y: targets.to_vec(),
            n,
        })
    }

    fn update_input_bound(&mut self) {
        self.input_bound = self
            .train
            .x
            .iter()
            .chain(&self.test.x)
            .fold(0.0f64, |m, v| m.max(v.abs()));
    }

    /// Replaces the training set. Inputs are raw (x1, x2 when features are on), row-major.
    pub fn set_training_data(&mut self, inputs: &[f64], targets: &[f64]) -> Result<()> {
        let data = self.make_data("training", inputs, targets)?;
        self.order = (0..data.n).collect();
        self.rng.shuffle(&mut self.order);
        self.cursor = 0;
        self.train = data;
        self.prepared = false;
        self.update_input_bound();
        Ok(())
    }

    /// Replaces the test set.
    pub fn set_test_data(&mut self, inputs: &[f64], targets: &[f64]) -> Result<()> {
        self.test = self.make_data("test", inputs, targets)?;
        self.update_input_bound();
        Ok(())
    }

    /// The number of (training, test) examples.
    pub fn data_sizes(&self) -> (usize, usize) {
        (self.train.n, self.test.n)
    }

    // ---- forward and backward over blocks ---------------------------------------------------

    fn kernel_shape(&self) -> Shape<'_> {
        shape_of(&self.settings, &self.w_off, &self.b_off)
    }

    /// Loads examples `idx` (at most LANES) of `data` into the block's input lanes; unused
    /// lanes get zeros.
    fn load_block<const N: usize>(blk: &mut Block<f64, N>, data: &Data, n_in: usize, idx: &[u32]) {
        for (k, a) in blk.a[0][..n_in].iter_mut().enumerate() {
            for q in 0..N {
                a[q] = idx.get(q).map_or(0.0, |&i| data.x[i as usize * n_in + k]);
            }
        }
    }

    /// The summed cce loss, from Z, of the block's examples `idx` (of `data`).
    fn block_cce<const N: usize>(
        blk: &Block<f64, N>,
        depth: usize,
        data: &Data,
        idx: &[u32],
    ) -> f64 {
        let z = &blk.z[depth];
        let n_out = z.len().min(config::MAX_OUTPUTS);
        let mut zq = [0.0; config::MAX_OUTPUTS];
        let mut sum = 0.0;
        for (q, &i) in idx.iter().enumerate() {
            for j in 0..n_out {
                zq[j] = z[j][q];
            }
            let i = i as usize;
            sum += loss::cce(&zq[..n_out], &data.y[i * n_out..(i + 1) * n_out]);
        }
        sum
    }

    /// How many of the block's examples `idx` have their largest output A where their
    /// target is largest (the first such output on ties): softmax's accuracy.
    fn block_argmax_hits(blk: &Block<f64, LANES>, depth: usize, data: &Data, idx: &[u32]) -> usize {
        let a = &blk.a[depth];
        let n_out = a.len();
        let mut hits = 0;
        for (q, &i) in idx.iter().enumerate() {
            let i = i as usize;
            let predicted = argmax((0..n_out).map(|j| a[j][q]));
            let wanted = argmax(data.y[i * n_out..(i + 1) * n_out].iter().copied());
            hits += usize::from(predicted == wanted);
        }
        hits
    }

    /// Batch-mean gradients over training examples `batch`, into `dw`, `db`, and the mean
    /// loss when `with_loss` (NaN otherwise: a loss costs an exp and a log per output, and
    /// `step(n)` only reports the last batch's). Records whether every gradient is finite.
    fn compute_gradients(&mut self, batch: &[u32], with_loss: bool) -> f64 {
        // Built from the fields it needs, so the buffers below can be borrowed mutably.
        let shape = shape_of(&self.settings, &self.w_off, &self.b_off);
        let depth = shape.depth();
        let (loss_fn, output) = (self.settings.loss, self.settings.output);
        self.dw_lanes.fill([0.0; LANES]);
        self.db_lanes.fill([0.0; LANES]);
        let mut loss = 0.0;
        let pass = BlockPass {
            shape: &shape,
            w: &self.w,
            b: &self.b,
            data: &self.train,
            loss_fn,
            output,
            with_loss,
        };
        let (dw, db) = (&mut self.dw_lanes[..], &mut self.db_lanes[..]);
        for idx in batch.chunks(LANES) {
            if idx.len() <= NARROW {
                pass.run(&mut self.blk_narrow, idx, &mut loss, dw, db);
            } else {
                pass.run(&mut self.blk, idx, &mut loss, dw, db);
            }
        }
        let scale = 1.0 / batch.len() as f64;
        // The lane accumulators are transposed ([k][j]; see kernel::backward). Each layer's
        // slices are taken once: indexing the vectors in the loop reloaded their lengths and
        // pointers at every weight, since the stores might have changed them.
        for l in 0..depth {
            let (n_in, n_out, wo) = (shape.layers[l], shape.layers[l + 1], shape.w_off[l]);
            let lanes = &self.dw_lanes[wo..wo + n_in * n_out];
            let out = &mut self.dw[wo..wo + n_in * n_out];
            for (k, row) in lanes.chunks_exact(n_out).enumerate() {
                for (j, g) in row.iter().enumerate() {
                    out[j * n_in + k] = kernel::lane_sum(g) * scale;
                }
            }
        }
        for (g, lanes) in self.db.iter_mut().zip(&self.db_lanes) {
            *g = kernel::lane_sum(lanes) * scale;
        }
        // A pass of its own: a running sum of g * 0 in the loops above was one chain of
        // dependent adds as long as the network has parameters.
        self.gradients_finite = scan(&self.dw).1 && scan(&self.db).1;
        if with_loss { loss * scale } else { f64::NAN }
    }

    // ---- training ------------------------------------------------------------------------

    /// Computes the next mini-batch's mean loss and gradients (readable with
    /// [`Network::gradients`]) without changing any weight; [`Network::apply_step`] applies them.
    ///
    /// Batches cycle through the training set in a seeded order, reshuffled every epoch; a
    /// batch size of at least the number of examples means the whole set, in order.
    pub fn prepare_step(&mut self) -> Result<f64> {
        self.prepare_batch(true)
    }

    fn prepare_batch(&mut self, with_loss: bool) -> Result<f64> {
        let n = self.train.n;
        if n == 0 {
            return Err(Error::new(
                "",
                "there is no training data; call setTrainingData(inputs, targets) first",
            ));
        }
        let size = self.settings.training.batch_size;
        let mut batch = std::mem::take(&mut self.batch);
        batch.clear();
        if size >= n {
            batch.extend(0..n as u32);
        } else {
            for _ in 0..size {
                if self.cursor >= n {
                    self.rng.shuffle(&mut self.order);
                    self.cursor = 0;
                }
                batch.push(self.order[self.cursor] as u32);
                self.cursor += 1;
            }
        }
        let loss = self.compute_gradients(&batch, with_loss);
        self.batch = batch;
        self.prepared = true;
        self.last_loss = loss;
        Ok(loss)
    }

    /// Like [`Network::prepare_step`], for one example given by the caller (a batch of one).
    pub fn prepare_example(&mut self, input: &[f64], target: &[f64]) -> Result<f64> {
        self.check_input("input", input)?;
        self.check_target("target", target)?;
        let n_in = self.settings.layers[0];
        let mut x = vec![0.0; n_in];
        self.featurize(input, &mut x);
        let saved = std::mem::replace(
            &mut self.train,
            Data {
                x,
                y: target.to_vec(),
                n: 1,
            },
        );
        let loss = self.compute_gradients(&[0], true);
        self.train = saved;
        self.batch.clear();
        self.prepared = true;
        self.last_loss = loss;
        Ok(loss)
    }

    /// Applies the prepared gradients: W <- W - learningRate * mean(dL/dW) (or the momentum
    /// or Adam rule), likewise for b, then the regularisation step on W.
    ///
    /// If the update would make the loss, a weight or a bias non-finite, it is undone: the
    /// network keeps its last finite values and the error says so.
    pub fn apply_step(&mut self) -> Result<()> {
        if !self.prepared {
            return Err(Error::new(
                "",
                "no gradients are prepared; call prepareStep() or prepareExample() first",
            ));
        }
        self.prepared = false;
        let lr = self.settings.training.learning_rate;
        // The loss is NaN when it was not computed (inside `step(n)`); the bound checked after
        // the previous update already guarantees it is finite then.
        if self.last_loss.is_infinite() || !self.gradients_finite {
            return Err(self.diverged());
        }
        self.save();
        let t = self.updates + 1;
        let Training {
            optimizer,
            regularization,
            regularization_rate,
            ..
        } = self.settings.training;
        optimizer.update(lr, t, &mut self.w, &self.dw, &mut self.mw, &mut self.vw);
        optimizer.update(lr, t, &mut self.b, &self.db, &mut self.mb, &mut self.vb);
        let nw = self.w.len();
        regularization.apply(lr, regularization_rate, &mut self.w, &self.saved[..nw]);
        if !self.losses_stay_finite() {
            self.restore();
            return Err(self.diverged());
        }
        self.updates = t;
        self.steps += 1;
        Ok(())
    }

    fn diverged(&self) -> Error {
        Error::new(
            "",
            format!(
                "training diverged at step {}: the update would make the loss or a weight non-finite, so it was undone and the network keeps its last finite weights; lower the learning rate (now {})",
                self.steps + 1,
                self.settings.training.learning_rate
            ),
        )
    }

    /// Copies what an update changes, to undo it: the parameters, and the optimizer's
    /// moments unless it is plain sgd, which has none.
    fn save(&mut self) {
        let (nw, nb) = (self.w.len(), self.b.len());
        let s = &mut self.saved;
        s[..nw].copy_from_slice(&self.w);
        s[3 * nw..3 * nw + nb].copy_from_slice(&self.b);
        if self.settings.training.optimizer != Optimizer::Sgd {
            s[nw..2 * nw].copy_from_slice(&self.mw);
            s[2 * nw..3 * nw].copy_from_slice(&self.vw);
            let o = 3 * nw;
            s[o + nb..o + 2 * nb].copy_from_slice(&self.mb);
            s[o + 2 * nb..o + 3 * nb].copy_from_slice(&self.vb);
        }
    }

    fn restore(&mut self) {
        let (nw, nb) = (self.w.len(), self.b.len());
        let s = &self.saved;
        self.w.copy_from_slice(&s[..nw]);
        self.b.copy_from_slice(&s[3 * nw..3 * nw + nb]);
        if self.settings.training.optimizer != Optimizer::Sgd {
            self.mw.copy_from_slice(&s[nw..2 * nw]);
            self.vw.copy_from_slice(&s[2 * nw..3 * nw]);
            let o = 3 * nw;
            self.mb.copy_from_slice(&s[o + nb..o + 2 * nb]);
            self.vb.copy_from_slice(&s[o + 2 * nb..o + 3 * nb]);
        }
    }

    /// Whether every parameter (and optimizer moment) is finite and every train and test
    /// loss stays finite.
    ///
    /// A cheap bound settles almost every case: |Z| of layer l is at most
    /// in * max|W| * (bound on |A_prev|) + max|b|, and a sigmoid or tanh resets the bound to 1.
    /// Only when the bound passes 1e150 are the losses evaluated.
    fn losses_stay_finite(&mut self) -> bool {
        if self.settings.training.optimizer != Optimizer::Sgd
            && !(scan(&self.mw).1 && scan(&self.vw).1 && scan(&self.mb).1 && scan(&self.vb).1)
        {
            return false;
        }
        let mut bound = self.input_bound;
        for l in 0..self.depth() {
            let (n_in, n_out) = self.shape(l);
            let (w_max, w_finite) = scan(&self.w[self.w_off[l]..self.w_off[l] + n_in * n_out]);
            let (b_max, b_finite) = scan(&self.b[self.b_off[l]..self.b_off[l] + n_out]);
            if !(w_finite && b_finite) {
                return false;
            }
            let z_bound = n_in as f64 * w_max * bound + b_max;
            if z_bound >= SAFE_Z {
                let m = self.evaluate();
                return m.train_loss.is_finite() && (self.test.n == 0 || m.test_loss.is_finite());
            }
            bound = match self.activation(l) {
                Activation::Sigmoid | Activation::Tanh => 1.0,
                _ => z_bound,
            };
        }
        true
    }

    /// Performs `n` mini-batch updates and returns the mean loss of the last batch.
    ///
    /// Stops at the first update that would diverge (which is undone) and returns its error;
    /// the updates before it are kept.
    pub fn step(&mut self, n: u32) -> Result<f64> {
        if n == 0 {
            return Err(Error::new(
                "n",
                "must be a whole number from 1 to 1000000, got 0",
            ));
        }
        let mut loss = f64::NAN;
        for i in 0..n {
            loss = self.prepare_batch(i + 1 == n)?;
            self.apply_step()?;
        }
        Ok(loss)
    }

    /// Changes training settings, keeping the weights. A changed optimizer starts with fresh
    /// moments. Nothing changes unless every field is valid; structural fields are refused.
    pub fn configure(&mut self, spec: &Spec) -> Result<()> {
        let fixed = [
            ("layers", spec.layers.is_some()),
            ("hidden", spec.hidden.is_some()),
            ("output", spec.output.is_some()),
            ("loss", spec.loss.is_some()),
            ("seed", spec.seed.is_some()),
            ("features", spec.features.is_some()),
            ("weights", spec.weights.is_some()),
            ("biases", spec.biases.is_some()),
            ("stepCount", spec.step_count.is_some()),
            ("moments", spec.moments.is_some()),
        ];
        if let Some((name, _)) = fixed.iter().find(|(_, set)| *set) {
            return Err(Error::new(
                *name,
                "cannot change on an existing network; configure() takes learningRate, batchSize, optimizer, regularization and regularizationRate, and a new network is built with new Network(config) or Network.fromState(state)",
            ));
        }
        let training = spec.training(self.settings.training.clone())?;
        if training.optimizer != self.settings.training.optimizer {
            for v in [&mut self.mw, &mut self.vw, &mut self.mb, &mut self.vb] {
                v.fill(0.0);
            }
            self.updates = 0;
        }
        self.settings.training = training;
        Ok(())
    }

    // ---- reading the network ---------------------------------------------------------------

    /// The output A of the last layer for one raw input.
    pub fn forward(&mut self, input: &[f64]) -> Result<Vec<f64>> {
        self.probe(input)?;
        let n = self.probe_a.len();
        Ok(self.probe_a[n - self.output_size()..].to_vec())
    }

    /// Runs one raw input forward and keeps every neuron's Z and A (inputs first) in the
    /// buffers behind [`Network::probe_z`] and [`Network::probe_a`].
    pub fn probe(&mut self, input: &[f64]) -> Result<()> {
        self.check_input("input", input)?;
        let n_in = self.settings.layers[0];
        let mut a0 = [0.0; config::MAX_INPUTS];
        self.featurize(input, &mut a0[..n_in]);
        self.probe_a[..n_in].copy_from_slice(&a0[..n_in]);
        self.probe_z[..n_in].copy_from_slice(&a0[..n_in]);
        let mut start = 0;
        for l in 0..self.depth() {
            let (ni, no) = self.shape(l);
            let act = self.activation(l);
            let w = &self.w[self.w_off[l]..];
            let b = &self.b[self.b_off[l]..];
            let next = start + ni;
            for j in 0..no {
                let z = affine(b[j], &w[j * ni..(j + 1) * ni], &self.probe_a[start..next]);
                self.probe_z[next + j] = z;
                self.probe_a[next + j] = act.f(z);
            }
            if act == Activation::Softmax {
                activation::softmax(
                    &self.probe_z[next..next + no],
                    &mut self.probe_a[next..next + no],
                );
            }
            start = next;
        }
        Ok(())
    }

    /// The seed's chain rule for one example, layer by layer, without changing anything.
    pub fn trace(&self, input: &[f64], target: &[f64]) -> Result<Trace> {
        self.check_input("input", input)?;
        self.check_target("target", target)?;
        let depth = self.depth();
        let mut a_prev = vec![0.0; self.settings.layers[0]];
        self.featurize(input, &mut a_prev);
        let x = a_prev.clone();
        // Forward: Z = W A_prev + b, A = f(Z).
        let mut inputs = Vec::with_capacity(depth);
        let mut zs = Vec::with_capacity(depth);
        let mut outs: Vec<Vec<f64>> = Vec::with_capacity(depth);
        for l in 0..depth {
            let (n_in, n_out) = self.shape(l);
            let w = &self.w[self.w_off[l]..self.w_off[l] + n_in * n_out];
            let b = &self.b[self.b_off[l]..];
            let z: Vec<f64> = (0..n_out)
                .map(|j| affine(b[j], &w[j * n_in..(j + 1) * n_in], &a_prev))
                .collect();
            let mut a: Vec<f64> = z.iter().map(|&z| self.activation(l).f(z)).collect();
            if self.activation(l) == Activation::Softmax {
                activation::softmax(&z, &mut a);
            }
            inputs.push(a_prev);
            a_prev = a.clone();
            zs.push(z);
            outs.push(a);
        }
        let (loss_fn, output) = (self.settings.loss, self.settings.output);
        let last = depth - 1;
        let loss = loss_fn.example(output, &zs[last], &outs[last], target);
        // Backward, from the loss down to the first layer.
        let mut layers: Vec<LayerTrace> = Vec::with_capacity(depth);
        let mut dl_da: Vec<f64> = outs[last]
            .iter()
            .zip(target)
            .map(|(&a, &y)| loss_fn.dl_da(a, y))
            .collect();
        for l in (0..depth).rev() {
            let (n_in, n_out) = self.shape(l);
            let act = self.activation(l);
            let w = &self.w[self.w_off[l]..self.w_off[l] + n_in * n_out];
            let a = &outs[l];
            let da_dz: Vec<f64> = a.iter().map(|&a| act.df(a)).collect();
            let dl_dz: Vec<f64> = if l == last {
                a.iter()
                    .zip(target)
                    .map(|(&a, &y)| loss_fn.dl_dz(output, a, y))
                    .collect()
            } else {
                dl_da.iter().zip(&da_dz).map(|(g, d)| g * d).collect()
            };
            let dl_dw = dl_dz
                .iter()
                .map(|&g| inputs[l].iter().map(|&ap| g * ap).collect())
                .collect();
            let dl_daprev: Vec<f64> = (0..n_in)
                .map(|k| (0..n_out).map(|j| dl_dz[j] * w[j * n_in + k]).sum())
                .collect();
            // A softmax output's A_j depends on every Z_i, so the chain rule sums over the
            // full Jacobian; shown beside the fused A - y, which is what training uses.
            let (jacobian, unfused) = if act == Activation::Softmax {
                let jac = activation::softmax_jacobian(a);
                let unfused = (0..n_out)
                    .map(|j| (0..n_out).map(|i| dl_da[i] * jac[i][j]).sum())
                    .collect();
                (Some(jac), Some(unfused))
            } else {
                (None, None)
            };
            layers.push(LayerTrace {
                z: zs[l].clone(),
                a: a.clone(),
                dL_dA: dl_da,
                dA_dZ: da_dz,
                dL_dZ: dl_dz.clone(),
                dL_dW: dl_dw,
                dL_db: dl_dz,
                dL_dAprev: dl_daprev.clone(),
                jacobian,
                dL_dZ_unfused: unfused,
            });
            dl_da = dl_daprev;
        }
        layers.reverse();
        Ok(Trace {
            input: x,
            target: target.to_vec(),
            loss,
            layers,
        })
    }

    /// The batch-mean dL/dW and dL/db of the loss that the last update used (or that
    /// `prepare_step` has just computed), without the regularisation term.
    pub fn gradients(&self) -> Gradients {
        let (dw, db) = self.unflatten(&self.dw, &self.db);
        Gradients {
            dL_dW: dw,
            dL_db: db,
        }
    }

    fn unflatten(&self, w: &[f64], b: &[f64]) -> (Vec<Vec<Vec<f64>>>, Vec<Vec<f64>>) {
        let mut ws = Vec::new();
        let mut bs = Vec::new();
        for l in 0..self.depth() {
            let (n_in, n_out) = self.shape(l);
            let block = &w[self.w_off[l]..self.w_off[l] + n_in * n_out];
            ws.push(block.chunks(n_in).map(|r| r.to_vec()).collect());
            bs.push(b[self.b_off[l]..self.b_off[l] + n_out].to_vec());
        }
        (ws, bs)
    }

    /// The full state: settings, weights, biases, the step count and the optimizer's
    /// moments. `from_state(to_state())` is the same network.
    pub fn to_state(&self) -> State {
        self.to_state_with(true)
    }

    /// [`Network::to_state`], leaving out the optimizer's moments unless `moments` (a
    /// restored momentum or adam network then starts its optimizer fresh).
    pub fn to_state_with(&self, moments: bool) -> State {
        let (weights, biases) = self.unflatten(&self.w, &self.b);
        let s = &self.settings;
        let optimizer = s.training.optimizer;
        let moments = (moments && optimizer != Optimizer::Sgd).then(|| {
            let (m_weights, m_biases) = self.unflatten(&self.mw, &self.mb);
            let (v_weights, v_biases) = if optimizer == Optimizer::Adam {
                let (vw, vb) = self.unflatten(&self.vw, &self.vb);
                (Some(vw), Some(vb))
            } else {
                (None, None)
            };
            config::Moments {
                optimizer: optimizer.name().to_string(),
                updates: self.updates as f64,
                m_weights,
                m_biases,
                v_weights,
                v_biases,
            }
        });
        State {
            layers: s.layers.clone(),
            hidden: s.hidden.name(),
            output: s.output.name(),
            loss: s.loss.name(),
            weights,
            biases,
            learning_rate: s.training.learning_rate,
            batch_size: s.training.batch_size,
            optimizer: s.training.optimizer.name(),
            regularization: s.training.regularization.name(),
            regularization_rate: s.training.regularization_rate,
            seed: s.seed,
            features: s
                .features
                .as_ref()
                .map(|f| f.iter().map(|f| f.name()).collect()),
            step_count: self.steps as f64,
            moments,
        }
    }

    /// Sets W[l][j][k] (l counts weight layers from 0).
    pub fn set_weight(&mut self, l: usize, j: usize, k: usize, value: f64) -> Result<()> {
        self.check_index(l, j, Some(k))?;
        if !value.is_finite() {
            return Err(Error::new(
                "value",
                format!("must be a finite number, got {}", config::js_number(value)),
            ));
        }
        let (n_in, _) = self.shape(l);
        self.w[self.w_off[l] + j * n_in + k] = value;
        self.prepared = false;
        Ok(())
    }

    /// Sets b[l][j].
    pub fn set_bias(&mut self, l: usize, j: usize, value: f64) -> Result<()> {
        self.check_index(l, j, None)?;
        if !value.is_finite() {
            return Err(Error::new(
                "value",
                format!("must be a finite number, got {}", config::js_number(value)),
            ));
        }
        self.b[self.b_off[l] + j] = value;
        self.prepared = false;
        Ok(())
    }

    fn check_index(&self, l: usize, j: usize, k: Option<usize>) -> Result<()> {
        if l >= self.depth() {
            return Err(Error::new(
                "layer",
                format!(
                    "must be from 0 to {} (weight layers, 0 = first hidden), got {l}",
                    self.depth() - 1
                ),
            ));
        }
        let (n_in, n_out) = self.shape(l);
        if j >= n_out {
            return Err(Error::new(
                "neuron",
                format!("must be from 0 to {} in layer {l}, got {j}", n_out - 1),
            ));
        }
        if let Some(k) = k
            && k >= n_in
        {
            return Err(Error::new(
                "input",
                format!("must be from 0 to {} in layer {l}, got {k}", n_in - 1),
            ));
        }
        Ok(())
    }

    /// Mean loss and accuracy over the training and test sets, kept in the buffer behind
    /// [`Network::metrics_buffer`] as well as returned.
    pub fn evaluate(&mut self) -> Metrics {
        let mut blk = std::mem::take(&mut self.blk);
        let (train_loss, train_accuracy) = self.evaluate_set(&mut blk, &self.train);
        let (test_loss, test_accuracy) = self.evaluate_set(&mut blk, &self.test);
        self.blk = blk;
        self.metrics = [train_loss, test_loss, train_accuracy, test_accuracy];
        Metrics {
            train_loss,
            test_loss,
            train_accuracy,
            test_accuracy,
        }
    }

    fn evaluate_set(&self, blk: &mut Block<f64, LANES>, data: &Data) -> (f64, f64) {
        if data.n == 0 {
            return (f64::NAN, f64::NAN);
        }
        let shape = self.kernel_shape();
        let (n_in, n_out, depth) = (shape.layers[0], self.output_size(), shape.depth());
        let (loss_fn, output) = (self.settings.loss, self.settings.output);
        let threshold = self.threshold();
        let (mut loss, mut correct) = (0.0, 0usize);
        let mut idx = [0u32; LANES];
        for start in (0..data.n).step_by(LANES) {
            let end = (start + LANES).min(data.n);
            for (q, i) in (start..end).enumerate() {
                idx[q] = i as u32;
            }
            let idx = &idx[..end - start];
            Network::load_block(blk, data, n_in, idx);
            kernel::forward(&shape, &self.w, &self.b, blk);
            if output == Activation::Softmax {
                loss += Network::block_cce(blk, depth, data, idx);
                correct += Network::block_argmax_hits(blk, depth, data, idx);
                continue;
            }
            for j in 0..n_out {
                let (z, a) = (blk.z[depth][j], blk.a[depth][j]);
                for (q, &i) in idx.iter().enumerate() {
                    let y = data.y[i as usize * n_out + j];
                    loss += loss_fn.value(output, z[q], a[q], y);
                    correct += usize::from((a[q] > threshold) == (y > threshold));
                }
            }
        }
        // Softmax: one answer (the arg-max) per example; otherwise one per output.
        let answers = if output == Activation::Softmax {
            data.n
        } else {
            data.n * n_out
        };
        (loss / data.n as f64, correct as f64 / answers as f64)
    }

    // ---- display buffers -----------------------------------------------------------------------

    /// Sets the colour scale used for heatmaps: 256 RGBA entries, low to high.
    pub fn set_palette(&mut self, rgba: &[u8]) -> Result<()> {
        if rgba.len() != 1024 {
            return Err(Error::new(
                "palette",
                format!(
                    "must hold 256 RGBA colours (1024 bytes), got {} bytes",
                    rgba.len()
                ),
            ));
        }
        self.palette.copy_from_slice(rgba);
        Ok(())
    }

    /// Sets the class colours of softmax heatmaps: 1 to 16 RGBA colours (4 to 64 bytes),
    /// class j taking colour j modulo their number.
    pub fn set_class_palette(&mut self, rgba: &[u8]) -> Result<()> {
        let n = rgba.len() / 4;
        if !rgba.len().is_multiple_of(4) || !(1..=MAX_CLASS_COLOURS).contains(&n) {
            return Err(Error::new(
                "classPalette",
                format!(
                    "must hold 1 to {MAX_CLASS_COLOURS} RGBA colours (4 to {} bytes, a multiple of 4), got {} bytes",
                    4 * MAX_CLASS_COLOURS,
                    rgba.len()
                ),
            ));
        }
        self.class_palette = rgba.to_vec();
        Ok(())
    }

    /// Sets the range [lo, hi] of output values that the heatmap and the output thumbnails
    /// map onto the palette (for regression), or `None` for the default, centred on the
    /// class threshold. Softmax heatmaps do not use it.
    pub fn set_output_range(&mut self, range: Option<(f64, f64)>) -> Result<()> {
        if let Some((lo, hi)) = range
            && !(lo.is_finite()
                && hi.is_finite()
                && lo < hi
                && lo.abs() <= config::MAX_INPUT_MAGNITUDE
                && hi.abs() <= config::MAX_INPUT_MAGNITUDE)
        {
            return Err(Error::new(
                "outputRange",
                format!(
                    "must be [lo, hi] with finite numbers lo < hi within +-1e6, got [{}, {}]",
                    config::js_number(lo),
                    config::js_number(hi)
                ),
            ));
        }
        self.output_range = range;
        Ok(())
    }

    /// The range set by [`Network::set_output_range`], if any.
    pub fn output_range_setting(&self) -> Option<(f64, f64)> {
        self.output_range
    }

    /// The output values the heatmap's palette spans, [lo, hi]: the range set by
    /// [`Network::set_output_range`], else [2 threshold - 1, 1] ([0, 1] for sigmoid and
    /// linear outputs, [-1, 1] for tanh), and [0, 1] (probabilities) for softmax.
    pub fn output_range(&self) -> (f64, f64) {
        match (self.settings.output, self.output_range) {
            (Activation::Softmax, _) => (0.0, 1.0),
            (_, Some(r)) => r,
            _ => (2.0 * self.threshold() - 1.0, 1.0),
        }
    }

    /// Sets up the heatmap grid: `size` x `size` pixels over [x_min, x_max] x [y_min, y_max],
    /// and a `thumb` x `thumb` tile per neuron. Reallocates the pixel buffers.
    pub fn set_grid(
        &mut self,
        size: usize,
        thumb: usize,
        x: (f64, f64),
        y: (f64, f64),
    ) -> Result<()> {
        if self.raw_input_size() != 2 {
            return Err(Error::new(
                "grid",
                format!(
                    "needs 2-D inputs (x1, x2): set features, or use layers[0] = 2; this network has {} raw inputs",
                    self.raw_input_size()
                ),
            ));
        }
        if !(2..=MAX_GRID).contains(&size) {
            return Err(Error::new(
                "size",
                format!("must be a whole number from 2 to {MAX_GRID}, got {size}"),
            ));
        }
        if !(2..=MAX_THUMB.min(size)).contains(&thumb) {
            return Err(Error::new(
                "thumb",
                format!(
                    "must be a whole number from 2 to {}, got {thumb}",
                    MAX_THUMB.min(size)
                ),
            ));
        }
        for (name, (lo, hi)) in [("x", x), ("y", y)] {
            if !(lo.is_finite() && hi.is_finite() && lo < hi && lo.abs() <= 1e6 && hi.abs() <= 1e6)
            {
                return Err(Error::new(
                    name,
                    format!(
                        "range must be finite numbers min < max within +-1e6, got [{lo}, {hi}]"
                    ),
                ));
            }
        }
        let neurons: usize = self.settings.layers.iter().sum();
        let n_in = self.settings.layers[0];
        let heat_inputs = self.grid_inputs(size, x, y);
        let thumb_inputs = self.grid_inputs(thumb, x, y);
        let mut input_scale = vec![0.0f32; n_in];
        for (i, v) in thumb_inputs.iter().enumerate() {
            let k = i / padded(thumb) % n_in;
            input_scale[k] = input_scale[k].max(v.abs());
        }
        self.grid = Some(Grid {
            size,
            thumb,
            blk: Block::new(&self.settings.layers),
            w: vec![0.0; self.w.len()],
            b: vec![0.0; self.b.len()],
            pixels: vec![0; size * size * 4],
            thumbs: vec![0; thumb * thumb * 4 * neurons],
            values: vec![0.0; size * size],
            classes: vec![0; size * size],
            inputs: heat_inputs,
            thumb_inputs,
            input_scale,
        });
        Ok(())
    }

    /// The network's inputs at the centres of a `res` x `res` grid over the plane, as
    /// [`Grid::inputs`] lays them out. Features (sin among them) are computed here, once.
    fn grid_inputs(&self, res: usize, x: (f64, f64), y: (f64, f64)) -> Vec<f32> {
        let n_in = self.settings.layers[0];
        let cols = padded(res);
        let mut out = vec![0.0f32; res * n_in * cols];
        let mut a0 = [0.0; config::MAX_INPUTS];
        for row in 0..res {
            let yv = y.1 - (row as f64 + 0.5) * (y.1 - y.0) / res as f64;
            for col in 0..res {
                let xv = x.0 + (col as f64 + 0.5) * (x.1 - x.0) / res as f64;
                self.featurize(&[xv, yv], &mut a0[..n_in]);
                for k in 0..n_in {
                    out[(row * n_in + k) * cols + col] = a0[k] as f32;
                }
            }
        }
        out
    }

    /// Evaluates the network over the grid: the output heatmap (output neuron 0) and every
    /// neuron's thumbnail, as RGBA pixels in the buffers behind [`Network::grid_pixels`] and
    /// [`Network::thumb_pixels`].
    pub fn render_grid(&mut self) -> Result<()> {
        let mut grid = self
            .grid
            .take()
            .ok_or_else(|| Error::new("grid", "is not set up; call setGrid() first"))?;
        self.render_into(&mut grid);
        self.grid = Some(grid);
        Ok(())
    }

    fn colour(palette: &[u8], v: f32, lo: f32, hi: f32, out: &mut [u8]) {
        let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
        // NaN maps to the middle colour.
        let i = if t.is_nan() {
            128
        } else {
            (t * 255.0 + 0.5) as usize
        };
        out.copy_from_slice(&palette[4 * i..4 * i + 4]);
    }

    /// Class j's colour (the palette repeats for more classes than colours).
    fn class_colour(&self, j: usize) -> &[u8] {
        let n = (self.class_palette.len() / 4).max(1);
        let c = 4 * (j % n);
        self.class_palette.get(c..c + 4).unwrap_or(&NEUTRAL)
    }

    /// Colours one softmax heatmap pixel (lane `q` of the output layer's probabilities `a`):
    /// the arg-max class's colour, faded towards [`NEUTRAL`] as its probability c falls
    /// from 1 to 1/K, by s = (c - 1/K) / (1 - 1/K). Returns (class, c).
    fn softmax_pixel(
        &self,
        a: &[Lanes<f32, GRID_LANES>],
        q: usize,
        out: &mut [u8],
    ) -> (usize, f32) {
        let (mut class, mut confidence) = (0, f32::NEG_INFINITY);
        for (j, aj) in a.iter().enumerate() {
            if aj[q] > confidence {
                class = j;
                confidence = aj[q];
            }
        }
        let uniform = 1.0 / a.len().max(2) as f32;
        let s = (confidence - uniform) / (1.0 - uniform);
        mix(&NEUTRAL, self.class_colour(class), s, out);
        (class, confidence)
    }

    fn render_into(&self, g: &mut Grid) {
        for (w32, &w) in g.w.iter_mut().zip(&self.w) {
            *w32 = w as f32;
        }
        for (b32, &b) in g.b.iter_mut().zip(&self.b) {
            *b32 = b as f32;
        }
        let shape = self.kernel_shape();
        let depth = shape.depth();
        // The output layer's scale is centred on the class threshold, so the middle colour
        // is the decision boundary: [-1, 1] around 0 for tanh, [0, 1] around 1/2 otherwise;
        // or the range set for regression.
        let (out_lo, out_hi) = self.output_range();
        let softmax = shape.output == Activation::Softmax;
        let range = |l: usize| -> (f32, f32) {
            if l == 0 {
                return (-1.0, 1.0);
            }
            if l == depth {
                return (out_lo as f32, out_hi as f32);
            }
            let (lo, hi) = shape.activation(l - 1).display_range();
            (lo as f32, hi as f32)
        };
        // The output heatmap, GRID_LANES pixels at a time.
        let (size, (lo, hi)) = (g.size, range(depth));
        for row in 0..size {
            for col in (0..size).step_by(GRID_LANES) {
                grid_block(&mut g.blk, &g.inputs, &g.w, &g.b, &shape, row, col, size);
                for q in 0..GRID_LANES.min(size - col) {
                    let p = row * size + col + q;
                    if softmax {
                        let (class, confidence) =
                            self.softmax_pixel(&g.blk.a[depth], q, &mut g.pixels[4 * p..4 * p + 4]);
                        g.values[p] = confidence;
                        g.classes[p] = class as u8;
                        continue;
                    }
                    let v = g.blk.a[depth][0][q];
                    g.values[p] = v;
                    Network::colour(&self.palette, v, lo, hi, &mut g.pixels[4 * p..4 * p + 4]);
                }
            }
        }
        // Thumbnails of every neuron. Inputs are scaled by their largest magnitude on the grid.
        let t = g.thumb;
        for row in 0..t {
            for col in (0..t).step_by(GRID_LANES) {
                grid_block(&mut g.blk, &g.thumb_inputs, &g.w, &g.b, &shape, row, col, t);
                let lanes = GRID_LANES.min(t - col);
                let mut neuron = 0;
                for (l, layer) in g.blk.a.iter().enumerate() {
                    let (lo, hi) = range(l);
                    for (j, a) in layer.iter().enumerate() {
                        if softmax && l == depth {
                            // Class j's probability: from the neutral grey to its colour.
                            let colour = self.class_colour(j);
                            for (q, &v) in a[..lanes].iter().enumerate() {
                                let o = (neuron * t * t + row * t + col + q) * 4;
                                mix(&NEUTRAL, colour, v, &mut g.thumbs[o..o + 4]);
                            }
                            neuron += 1;
                            continue;
                        }
                        let scale = if l == 0 {
                            1.0 / g.input_scale[j].max(f32::MIN_POSITIVE)
                        } else {
                            1.0
                        };
                        for (q, &v) in a[..lanes].iter().enumerate() {
                            let o = (neuron * t * t + row * t + col + q) * 4;
                            Network::colour(
                                &self.palette,
                                v * scale,
                                lo,
                                hi,
                                &mut g.thumbs[o..o + 4],
                            );
                        }
                        neuron += 1;
                    }
                }
            }
        }
    }

    // ---- raw buffers, for zero-copy views ------------------------------------------------------

    /// All weights, layer after layer, each [out][in] row-major.
    pub fn weights_buffer(&self) -> &[f64] {
        &self.w
    }
    /// All biases, layer after layer.
    pub fn biases_buffer(&self) -> &[f64] {
        &self.b
    }
    /// mean dL/dW of the last update, laid out like the weights.
    pub fn weight_gradients_buffer(&self) -> &[f64] {
        &self.dw
    }
    /// mean dL/db of the last update, laid out like the biases.
    pub fn bias_gradients_buffer(&self) -> &[f64] {
        &self.db
    }
    /// Every neuron's A from the last probe, inputs first.
    pub fn probe_a(&self) -> &[f64] {
        &self.probe_a
    }
    /// Every neuron's Z from the last probe (the inputs repeat A_0).
    pub fn probe_z(&self) -> &[f64] {
        &self.probe_z
    }
    /// [train loss, test loss, train accuracy, test accuracy] from the last evaluate.
    pub fn metrics_buffer(&self) -> &[f64] {
        &self.metrics
    }
    /// Indices into the training set of the last prepared batch.
    pub fn batch_buffer(&self) -> &[u32] {
        &self.batch
    }
    /// The output heatmap's RGBA pixels (empty before `set_grid`).
    pub fn grid_pixels(&self) -> &[u8] {
        self.grid.as_ref().map_or(&[], |g| &g.pixels)
    }
    /// The output heatmap's values (empty before `set_grid`): output neuron 0's A, or for
    /// softmax the largest probability.
    pub fn grid_values(&self) -> &[f32] {
        self.grid.as_ref().map_or(&[], |g| &g.values)
    }
    /// Softmax only: the arg-max class at each heatmap pixel (empty before `set_grid`; all 0
    /// for other outputs).
    pub fn grid_classes(&self) -> &[u8] {
        self.grid.as_ref().map_or(&[], |g| &g.classes)
    }
    /// The class colours, RGBA.
    pub fn class_palette(&self) -> &[u8] {
        &self.class_palette
    }
    /// Each input's largest magnitude on the thumbnail grid, by which its thumbnail is scaled
    /// (empty before `set_grid`).
    pub fn input_scales(&self) -> &[f32] {
        self.grid.as_ref().map_or(&[], |g| &g.input_scale)
    }
    /// The thumbnail atlas's RGBA pixels (empty before `set_grid`).
    pub fn thumb_pixels(&self) -> &[u8] {
        self.grid.as_ref().map_or(&[], |g| &g.thumbs)
    }
    /// The mean loss of the last prepared batch.
    pub fn last_loss(&self) -> f64 {
        self.last_loss
    }
    /// The features the network computes, if any.
    pub fn features(&self) -> Option<&[Feature]> {
        self.settings.features.as_deref()
    }
    /// The loss.
    pub fn loss(&self) -> Loss {
        self.settings.loss
    }
    /// The optimizer.
    pub fn optimizer(&self) -> Optimizer {
        self.settings.training.optimizer
    }
}

/// [`scan_simd`] against [`scan_lanes`], in the browser (`wasm-pack test`).
#[cfg(all(test, target_arch = "wasm32", target_feature = "simd128"))]
mod simd_tests {
    use super::{scan_lanes, scan_simd};
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn scan_simd_agrees_with_scan_lanes() {
        let specials = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            5e-324,
            -1e300,
        ];
        for len in 0..=11 {
            let plain: Vec<f64> = (0..len).map(|i| (i as f64 - 4.5) * 1.25).collect();
            assert_eq!(
                scan_simd(&plain),
                scan_lanes(&plain),
                "finite, length {len}"
            );
            for pos in 0..len {
                for &v in &specials {
                    let mut xs = plain.clone();
                    xs[pos] = v;
                    let (a, b) = (scan_simd(&xs), scan_lanes(&xs));
                    assert_eq!(a.1, b.1, "finite? {v} at {pos} of {len}");
                    assert_eq!(
                        a.0.to_bits(),
                        b.0.to_bits(),
                        "max with {v} at {pos} of {len}"
                    );
                }
            }
        }
        assert_eq!(scan_simd(&[1.0, -7.0, 3.0, 2.0, -8.5]), (8.5, true));
        assert!(!scan_simd(&[1.0, 2.0, f64::INFINITY, 0.0]).1);
    }
}
