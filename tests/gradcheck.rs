//! Central finite differences, (L(w+h) - L(w-h)) / 2h, of every partial derivative the
//! engine reports, over random networks (proptest) for every hidden activation and every
//! valid (output, loss) pair. The losses are computed by `common::Reference`, a plain-f64
//! forward pass with std's math, so the engine is checked against independent numbers.

// Hand-written math indexes several arrays by the same neuron or input number.
#![allow(clippy::needless_range_loop)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use backprop_viz::{Network, Spec};
use common::{Nudge, Reference, assert_close, close};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const HIDDEN: [&str; 5] = ["sigmoid", "tanh", "relu", "leakyRelu", "linear"];
const PAIRS: [(&str, &str); 4] = [
    ("sigmoid", "bce"),
    ("sigmoid", "squared"),
    ("tanh", "squared"),
    ("linear", "squared"),
];
const H: f64 = 1e-5;
/// Finite differences carry O(h^2) truncation and O(eps L / h) rounding error.
const FD_REL: f64 = 2e-5;
const FD_ABS: f64 = 1e-8;
/// Rectifier cases where some |Z| is this small are skipped: a nudge of h could cross the kink.
const KINK: f64 = 0.02;

#[derive(Clone, Debug)]
struct Case {
    net: Reference,
    /// Raw inputs, row-major, `layers[0]` each.
    x: Vec<f64>,
    /// Targets, row-major, one per output.
    y: Vec<f64>,
}

impl Case {
    fn n(&self) -> usize {
        self.y.len() / self.net.layers.last().unwrap()
    }
    fn example(&self, i: usize) -> (&[f64], &[f64]) {
        let (d, o) = (self.net.layers[0], *self.net.layers.last().unwrap());
        (&self.x[i * d..(i + 1) * d], &self.y[i * o..(i + 1) * o])
    }
    fn mean_loss(&self, net: &Reference) -> f64 {
        (0..self.n())
            .map(|i| {
                let (x, y) = self.example(i);
                net.loss(x, y)
            })
            .sum::<f64>()
            / self.n() as f64
    }
    /// Whether some |Z| is close enough to a rectifier's kink to spoil a finite difference.
    fn near_kink(&self) -> bool {
        if !matches!(self.net.hidden.as_str(), "relu" | "leakyRelu") {
            return false;
        }
        let depth = self.net.depth();
        (0..self.n()).any(|i| {
            let (x, y) = self.example(i);
            let p = self.net.pass(x, y, Nudge::None);
            p.z[..depth - 1].iter().flatten().any(|z| z.abs() < KINK)
        })
    }
}

fn arb_case(
    hidden: &'static str,
    output: &'static str,
    loss: &'static str,
    examples: std::ops::RangeInclusive<usize>,
    hidden_widths: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Case> {
    (
        1usize..=3,
        prop::collection::vec(hidden_widths, 0..=2),
        1usize..=3,
        examples,
    )
        .prop_flat_map(move |(n_in, hid, n_out, n)| {
            let mut layers = vec![n_in];
            layers.extend(hid);
            layers.push(n_out);
            let nw: usize = layers.windows(2).map(|p| p[0] * p[1]).sum();
            let nb: usize = layers[1..].iter().sum();
            let target = if loss == "bce" {
                prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64].boxed()
            } else {
                (-1.5..1.5f64).boxed()
            };
            (
                Just(layers),
                prop::collection::vec(-1.5..1.5f64, nw),
                prop::collection::vec(-1.0..1.0f64, nb),
                prop::collection::vec(-2.0..2.0f64, n * n_in),
                prop::collection::vec(target, n * n_out),
            )
        })
        .prop_map(move |(layers, w, b, x, y)| {
            let (mut ws, mut bs, mut wi, mut bi) = (Vec::new(), Vec::new(), 0, 0);
            for p in layers.windows(2) {
                let (n_in, n_out) = (p[0], p[1]);
                ws.push(
                    (0..n_out)
                        .map(|j| w[wi + j * n_in..wi + (j + 1) * n_in].to_vec())
                        .collect(),
                );
                bs.push(b[bi..bi + n_out].to_vec());
                wi += n_in * n_out;
                bi += n_out;
            }
            Case {
                net: Reference {
                    layers,
                    hidden: hidden.into(),
                    output: output.into(),
                    loss: loss.into(),
                    w: ws,
                    b: bs,
                },
                x,
                y,
            }
        })
}

/// Runs `check` over `cases` random cases for every hidden activation x (output, loss) pair.
fn for_every_combination(
    cases: u32,
    examples: std::ops::RangeInclusive<usize>,
    check: impl Fn(&Case) -> Result<(), TestCaseError>,
) {
    for_every_combination_of_widths(cases, examples, 1..=4, check);
}

/// [`for_every_combination`] with hidden layers of `hidden_widths` neurons.
fn for_every_combination_of_widths(
    cases: u32,
    examples: std::ops::RangeInclusive<usize>,
    hidden_widths: std::ops::RangeInclusive<usize>,
    check: impl Fn(&Case) -> Result<(), TestCaseError>,
) {
    for hidden in HIDDEN {
        for (output, loss) in PAIRS {
            let mut runner = TestRunner::new(Config {
                cases,
                failure_persistence: None,
                ..Config::default()
            });
            let case = arb_case(
                hidden,
                output,
                loss,
                examples.clone(),
                hidden_widths.clone(),
            );
            let result = runner.run(&case, |c| {
                prop_assume!(!c.near_kink());
                check(&c)
            });
            if let Err(e) = result {
                panic!("hidden {hidden}, output {output}, loss {loss}: {e}");
            }
        }
    }
}

macro_rules! check_close {
    ($what:expr, $got:expr, $want:expr, $rel:expr, $abs:expr) => {{
        let (got, want): (f64, f64) = ($got, $want);
        prop_assert!(
            close(got, want, $rel, $abs),
            "{}: engine {:e}, expected {:e} (diff {:e})",
            $what,
            got,
            want,
            (got - want).abs()
        );
    }};
}

fn central(f: impl Fn(f64) -> f64) -> f64 {
    central_with(H, f)
}

fn central_with(h: f64, f: impl Fn(f64) -> f64) -> f64 {
    (f(h) - f(-h)) / (2.0 * h)
}

/// Every partial derivative of one example's trace against finite differences.
fn check_trace(c: &Case) -> Result<(), TestCaseError> {
    let r = &c.net;
    let engine = Network::from_state(&r.spec()).expect("valid state");
    let (x, y) = c.example(0);
    let t = engine.trace(x, y).expect("valid example");
    let depth = r.depth();
    prop_assert_eq!(t.layers.len(), depth);
    let p = r.pass(x, y, Nudge::None);
    check_close!("loss", t.loss, p.loss, 1e-12, 1e-14);
    for l in 0..depth {
        let lt = &t.layers[l];
        let act = if l + 1 == depth { &r.output } else { &r.hidden };
        for j in 0..r.layers[l + 1] {
            let at = format!("layer {l} neuron {j}");
            check_close!(format!("z {at}"), lt.z[j], p.z[l][j], 1e-13, 1e-14);
            check_close!(format!("a {at}"), lt.a[j], p.a[l][j], 1e-13, 1e-14);
            // dL/dZ and dL/dA: nudge Z or A in the reference's forward pass.
            let fd = central(|d| r.pass(x, y, Nudge::Z(l, j, d)).loss);
            check_close!(format!("dL_dZ {at}"), lt.dL_dZ[j], fd, FD_REL, FD_ABS);
            // bce's -y ln A - (1 - y) ln(1 - A) curves like 1/A^2 near 0 and 1, so the step
            // in A must shrink with A and 1 - A there.
            // Near A = 0 or 1 the step itself rounds (A + h is only good to 1e-16 absolute),
            // so there the literal formula is checked at the engine's A instead.
            let a = p.a[l][j];
            let bce_out = l + 1 == depth && r.loss == "bce";
            if bce_out && a.min(1.0 - a) < 1e-3 {
                let (a, y) = (lt.a[j], y[j]);
                prop_assert_eq!(lt.dL_dA[j], -y / a + (1.0 - y) / (1.0 - a));
            } else {
                let h = if bce_out { H * a.min(1.0 - a) } else { H };
                let fd = central_with(h, |d| r.pass(x, y, Nudge::A(l, j, d)).loss);
                check_close!(format!("dL_dA {at}"), lt.dL_dA[j], fd, FD_REL, FD_ABS);
            }
            let z = p.z[l][j];
            let fd = central(|d| common::act(act, z + d));
            check_close!(format!("dA_dZ {at}"), lt.dA_dZ[j], fd, FD_REL, FD_ABS);
            // dL/db: nudge the bias.
            let fd = central(|d| {
                let mut n = r.clone();
                n.b[l][j] += d;
                n.loss(x, y)
            });
            check_close!(format!("dL_db {at}"), lt.dL_db[j], fd, FD_REL, FD_ABS);
            for k in 0..r.layers[l] {
                let fd = central(|d| {
                    let mut n = r.clone();
                    n.w[l][j][k] += d;
                    n.loss(x, y)
                });
                check_close!(
                    format!("dL_dW {at} input {k}"),
                    lt.dL_dW[j][k],
                    fd,
                    FD_REL,
                    FD_ABS
                );
            }
        }
        // dL/dA_prev: by nudging the input (layer 0) or the previous layer's A.
        for k in 0..r.layers[l] {
            let fd = if l == 0 {
                central(|d| {
                    let mut xs = x.to_vec();
                    xs[k] += d;
                    r.loss(&xs, y)
                })
            } else {
                central(|d| r.pass(x, y, Nudge::A(l - 1, k, d)).loss)
            };
            check_close!(
                format!("dL_dAprev layer {l} input {k}"),
                lt.dL_dAprev[k],
                fd,
                FD_REL,
                FD_ABS
            );
            if l > 0 {
                // The docs: below the output, dL_dA is the next layer's dL_dAprev.
                prop_assert_eq!(t.layers[l - 1].dL_dA[k], lt.dL_dAprev[k]);
            }
        }
    }
    Ok(())
}

#[test]
fn every_partial_derivative_of_a_trace_matches_finite_differences() {
    for_every_combination(64, 1..=1, check_trace);
}

/// The batch path: `prepare_step` with a full batch gives the mean of per-example traces and
/// the finite differences of the mean loss; a smaller batch gives the mean over its indices.
fn check_batch(c: &Case) -> Result<(), TestCaseError> {
    let r = &c.net;
    let n = c.n();
    for batch_size in [100_000, 1 + n / 2] {
        let mut engine = Network::from_state(&Spec {
            batch_size: Some(batch_size as f64),
            ..r.spec()
        })
        .expect("valid state");
        engine.set_training_data(&c.x, &c.y).expect("valid data");
        let loss = engine.prepare_step().expect("has data");
        let g = engine.gradients();
        let batch: Vec<usize> = engine.batch_buffer().iter().map(|&i| i as usize).collect();
        prop_assert_eq!(batch.len(), batch_size.min(n));
        let traces: Vec<_> = batch
            .iter()
            .map(|&i| {
                let (x, y) = c.example(i);
                engine.trace(x, y).expect("valid example")
            })
            .collect();
        let m = batch.len() as f64;
        let mean_loss = traces.iter().map(|t| t.loss).sum::<f64>() / m;
        check_close!("batch loss", loss, mean_loss, 1e-12, 1e-14);
        for l in 0..r.depth() {
            for j in 0..r.layers[l + 1] {
                // Summing in another order may differ by rounding, relative to the terms' sizes.
                let terms = |f: &dyn Fn(&backprop_viz::network::Trace) -> f64| {
                    let mean = traces.iter().map(f).sum::<f64>() / m;
                    let scale = traces.iter().map(|t| f(t).abs()).sum::<f64>() / m;
                    (mean, scale)
                };
                let (mean, scale) = terms(&|t| t.layers[l].dL_db[j]);
                check_close!(
                    format!("mean dL_db layer {l} neuron {j}"),
                    g.dL_db[l][j],
                    mean,
                    0.0,
                    1e-13 * scale + 1e-300
                );
                for k in 0..r.layers[l] {
                    let (mean, scale) = terms(&|t| t.layers[l].dL_dW[j][k]);
                    check_close!(
                        format!("mean dL_dW layer {l} neuron {j} input {k}"),
                        g.dL_dW[l][j][k],
                        mean,
                        0.0,
                        1e-13 * scale + 1e-300
                    );
                }
            }
        }
        if batch_size < n {
            continue;
        }
        // Full batch: finite differences of the mean loss.
        for l in 0..r.depth() {
            for j in 0..r.layers[l + 1] {
                let fd = central(|d| {
                    let mut n = r.clone();
                    n.b[l][j] += d;
                    c.mean_loss(&n)
                });
                check_close!(format!("dL_db {l} {j}"), g.dL_db[l][j], fd, FD_REL, FD_ABS);
                for k in 0..r.layers[l] {
                    let fd = central(|d| {
                        let mut n = r.clone();
                        n.w[l][j][k] += d;
                        c.mean_loss(&n)
                    });
                    check_close!(
                        format!("dL_dW {l} {j} {k}"),
                        g.dL_dW[l][j][k],
                        fd,
                        FD_REL,
                        FD_ABS
                    );
                }
            }
        }
    }
    Ok(())
}

#[test]
fn batch_gradients_are_the_mean_of_traces_and_match_finite_differences() {
    for_every_combination(20, 1..=11, check_batch);
}

/// Hidden layers of 5 to 13: the batch kernel's compile-time widths 5 to 8 and its run-time
/// width, and layer widths that are not a multiple of the four columns dL/dA_prev sums at
/// once (`kernel::delta_layer`).
#[test]
fn batch_gradients_of_wide_layers_are_the_mean_of_traces() {
    for_every_combination_of_widths(3, 1..=11, 5..=13, check_batch);
}

/// With features, the network's input A_0 is computed from (x1, x2); the gradients are
/// still those of the loss with respect to the weights.
#[test]
fn features_feed_the_network_and_gradients_still_match() {
    fn feature(name: &str, x1: f64, x2: f64) -> f64 {
        match name {
            "x1" => x1,
            "x2" => x2,
            "x1Squared" => x1 * x1,
            "x2Squared" => x2 * x2,
            "x1x2" => x1 * x2,
            "sinX1" => x1.sin(),
            "sinX2" => x2.sin(),
            _ => unreachable!(),
        }
    }
    let strategy = (
        prop::sample::subsequence(common::ALL_FEATURES.to_vec(), 1..=7),
        prop::collection::vec(-1.0..1.0f64, 7 * 3 + 3 + 3 + 1),
        (-6.0..6.0f64, -6.0..6.0f64),
        0.0..=1.0f64,
    );
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |(names, params, (x1, x2), y)| {
            let n_in = names.len();
            let w0: Vec<Vec<f64>> = (0..3)
                .map(|j| params[j * 7..j * 7 + n_in].to_vec())
                .collect();
            let r = Reference {
                layers: vec![n_in, 3, 1],
                hidden: "tanh".into(),
                output: "sigmoid".into(),
                loss: "bce".into(),
                w: vec![w0, vec![params[21..24].to_vec()]],
                b: vec![params[24..27].to_vec(), vec![params[27]]],
            };
            let engine = Network::from_state(&Spec {
                features: Some(names.iter().map(|s| s.to_string()).collect()),
                ..r.spec()
            })
            .expect("valid state");
            let t = engine.trace(&[x1, x2], &[y]).expect("valid example");
            let a0: Vec<f64> = names.iter().map(|f| feature(f, x1, x2)).collect();
            for (k, (&got, &want)) in t.input.iter().zip(&a0).enumerate() {
                check_close!(format!("feature {}", names[k]), got, want, 1e-14, 1e-15);
            }
            check_close!("loss", t.loss, r.loss(&a0, &[y]), 1e-12, 1e-14);
            for l in 0..2 {
                for j in 0..r.layers[l + 1] {
                    for k in 0..r.layers[l] {
                        let fd = central(|d| {
                            let mut n = r.clone();
                            n.w[l][j][k] += d;
                            n.loss(&a0, &[y])
                        });
                        check_close!("dL_dW", t.layers[l].dL_dW[j][k], fd, FD_REL, FD_ABS);
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

/// A multi-output network: the loss sums over outputs, and each output's dL/dZ only
/// involves its own target.
#[test]
fn multi_output_loss_is_the_sum_over_outputs() {
    let r = Reference {
        layers: vec![2, 3, 3],
        hidden: "tanh".into(),
        output: "sigmoid".into(),
        loss: "bce".into(),
        w: vec![
            vec![vec![0.3, -0.2], vec![0.5, 0.1], vec![-0.7, 0.4]],
            vec![
                vec![0.2, 0.6, -0.3],
                vec![-0.5, 0.3, 0.8],
                vec![0.1, -0.9, 0.4],
            ],
        ],
        b: vec![vec![0.0, 0.1, -0.1], vec![0.2, -0.2, 0.05]],
    };
    let engine = Network::from_state(&r.spec()).unwrap();
    let (x, y) = ([0.4, -1.2], [1.0, 0.0, 0.25]);
    let t = engine.trace(&x, &y).unwrap();
    let out = &t.layers[1];
    let per_output: f64 = (0..3)
        .map(|j| common::loss_of("bce", "sigmoid", out.z[j], y[j]))
        .sum();
    assert_close("summed loss", t.loss, per_output, 1e-14, 0.0);
    for ((dz, a), y) in out.dL_dZ.iter().zip(&out.a).zip(y) {
        assert_close("dL_dZ = A - y", *dz, a - y, 1e-15, 0.0);
    }
}
