//! Softmax outputs with categorical cross-entropy: every partial derivative of a trace
//! against central finite differences of an independent reference (std's math, in
//! `common::Reference`), over random networks including saturated ones (logits in the
//! hundreds, where A rounds to exactly 0 or 1); the Jacobian's identities; the block
//! (training) path against traces; training to high accuracy; the heatmap's colours.

// Hand-written math indexes several arrays by the same neuron or input number.
#![allow(clippy::needless_range_loop)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use backprop_viz::dataset::{self, DatasetKind};
use backprop_viz::network::{self, Trace};
use backprop_viz::{Network, Spec};
use common::{Nudge, Reference, assert_close, close};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const HIDDEN: [&str; 5] = ["sigmoid", "tanh", "relu", "leakyRelu", "linear"];
const H: f64 = 1e-5;
const FD_REL: f64 = 2e-5;
const FD_ABS: f64 = 1e-8;
const KINK: f64 = 0.02;

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

/// A random softmax network, one input and its target row. `scale` multiplies the output
/// layer's weights and biases, so large scales saturate the softmax.
#[derive(Clone, Debug)]
struct Case {
    net: Reference,
    x: Vec<f64>,
    y: Vec<f64>,
    /// The factor on the output layer's parameters.
    scale: f64,
}

fn arb_case(hidden: &'static str) -> impl Strategy<Value = Case> {
    (
        1usize..=3,
        prop::collection::vec(1usize..=4, 0..=2),
        2usize..=5,
        prop_oneof![Just(1.0), Just(1.0), Just(30.0), Just(400.0)],
        any::<bool>(),
    )
        .prop_flat_map(move |(n_in, hid, n_out, scale, one_hot)| {
            let mut layers = vec![n_in];
            layers.extend(hid);
            layers.push(n_out);
            let nw: usize = layers.windows(2).map(|p| p[0] * p[1]).sum();
            let nb: usize = layers[1..].iter().sum();
            (
                Just((layers, scale, one_hot)),
                prop::collection::vec(-1.5..1.5f64, nw),
                prop::collection::vec(-1.0..1.0f64, nb),
                prop::collection::vec(-2.0..2.0f64, n_in),
                (0..n_out, prop::collection::vec(0.0..1.0f64, n_out)),
            )
        })
        .prop_map(move |((layers, scale, one_hot), w, b, x, (class, raw))| {
            let depth = layers.len() - 1;
            let (mut ws, mut bs, mut wi, mut bi) = (Vec::new(), Vec::new(), 0, 0);
            for (l, p) in layers.windows(2).enumerate() {
                let (n_in, n_out) = (p[0], p[1]);
                let s = if l + 1 == depth { scale } else { 1.0 };
                ws.push(
                    (0..n_out)
                        .map(|j| {
                            w[wi + j * n_in..wi + (j + 1) * n_in]
                                .iter()
                                .map(|v| v * s)
                                .collect()
                        })
                        .collect(),
                );
                bs.push(b[bi..bi + n_out].iter().map(|v| v * s).collect());
                wi += n_in * n_out;
                bi += n_out;
            }
            let n_out = *layers.last().unwrap();
            let y = if one_hot {
                (0..n_out).map(|j| f64::from(j == class)).collect()
            } else {
                // A probability row; the last entry takes the rounding so the sum is 1.
                let total: f64 = raw.iter().sum::<f64>() + 1e-3;
                let mut y: Vec<f64> = raw.iter().map(|r| r / total).collect();
                let rest: f64 = y[..n_out - 1].iter().sum();
                y[n_out - 1] = 1.0 - rest;
                y
            };
            Case {
                net: Reference {
                    layers,
                    hidden: hidden.into(),
                    output: "softmax".into(),
                    loss: "cce".into(),
                    w: ws,
                    b: bs,
                },
                x,
                y,
                scale,
            }
        })
}

fn near_kink(c: &Case) -> bool {
    if !matches!(c.net.hidden.as_str(), "relu" | "leakyRelu") {
        return false;
    }
    let depth = c.net.depth();
    let p = c.net.pass(&c.x, &c.y, Nudge::None);
    p.z[..depth - 1].iter().flatten().any(|z| z.abs() < KINK)
}

/// dA_i/dZ_j of the reference's softmax at the output layer, by central differences.
fn softmax_fd(z: &[f64], i: usize, j: usize) -> f64 {
    central(|d| {
        let mut z = z.to_vec();
        z[j] += d;
        common::softmax(&z)[i]
    })
}

fn check_trace(c: &Case) -> Result<(), TestCaseError> {
    let r = &c.net;
    let (x, y) = (&c.x[..], &c.y[..]);
    let engine = Network::from_state(&r.spec()).expect("valid state");
    let t = engine.trace(x, y).expect("valid example");
    let depth = r.depth();
    let last = depth - 1;
    let p = r.pass(x, y, Nudge::None);
    check_close!("loss", t.loss, p.loss, 1e-12, 1e-13);
    prop_assert!(t.loss.is_finite());
    // Output weights scaled by s: the logits' rounding grows like s (eps |Z| per loss
    // evaluation, divided by the step h) and the third derivative like s^3 (truncation
    // h^2 s^3). h = H / s^(2/3) balances the two; the tolerance allows both.
    let h = H / c.scale.powf(2.0 / 3.0);
    let central = |f: &dyn Fn(f64) -> f64| central_with(h, f);
    let z_max = p.z[last].iter().fold(0.0f64, |m, z| m.max(z.abs()));
    let fd_abs =
        FD_ABS + 4e-16 * (1.0 + p.loss.abs() + z_max) / h + 1e-10 * c.scale.powf(5.0 / 3.0);
    // A's rounding follows Z's, which grows with the output layer's scale.
    let a_rel = 1e-13 * c.scale;
    for l in 0..depth {
        let lt = &t.layers[l];
        let out = l == last;
        for j in 0..r.layers[l + 1] {
            let at = format!("layer {l} neuron {j}");
            // Z's rounding depends on the size of its terms, not of Z (they may cancel).
            let a_prev = if l == 0 { x } else { &p.a[l - 1][..] };
            let terms = r.b[l][j].abs()
                + r.w[l][j]
                    .iter()
                    .zip(a_prev)
                    .map(|(w, a)| (w * a).abs())
                    .sum::<f64>();
            check_close!(
                format!("z {at}"),
                lt.z[j],
                p.z[l][j],
                0.0,
                1e-14 * (1.0 + terms)
            );
            check_close!(format!("a {at}"), lt.a[j], p.a[l][j], a_rel, 1e-15);
            let fd = central(&|d| r.pass(x, y, Nudge::Z(l, j, d)).loss);
            check_close!(format!("dL_dZ {at}"), lt.dL_dZ[j], fd, FD_REL, fd_abs);
            prop_assert!(lt.dL_dZ[j].is_finite());
            if out {
                let (a, yj) = (lt.a[j], y[j]);
                // The literal -y/A, whatever A is.
                prop_assert_eq!(lt.dL_dA[j].to_bits(), (-yj / a).to_bits());
                // Through A, where the step in A can stay inside (0, 1).
                // Only where the loss through A is finite (no other A_i rounds to 0 with y_i > 0).
                let via_a = r.pass(x, y, Nudge::A(l, j, 0.0)).loss;
                if a > 1e-3 && via_a.is_finite() {
                    // -y ln A curves like 1/A^2, so the step shrinks with A.
                    let h = H * a;
                    let fd = (r.pass(x, y, Nudge::A(l, j, h)).loss
                        - r.pass(x, y, Nudge::A(l, j, -h)).loss)
                        / (2.0 * h);
                    let abs = FD_ABS + 1e-15 * via_a.abs() / h;
                    check_close!(format!("dL_dA {at}"), lt.dL_dA[j], fd, FD_REL, abs);
                }
                // dA_dZ is the Jacobian's diagonal; the Jacobian against differences.
                let jac = lt.jacobian.as_ref().expect("softmax output has a jacobian");
                prop_assert_eq!(lt.dA_dZ[j], jac[j][j]);
                for i in 0..r.layers[l + 1] {
                    let fd = softmax_fd(&p.z[l], i, j);
                    check_close!(format!("jacobian[{i}][{j}]"), jac[i][j], fd, FD_REL, 1e-9);
                }
            } else {
                prop_assert!(lt.jacobian.is_none() && lt.dL_dZ_unfused.is_none());
                let fd = central(&|d| r.pass(x, y, Nudge::A(l, j, d)).loss);
                check_close!(format!("dL_dA {at}"), lt.dL_dA[j], fd, FD_REL, fd_abs);
            }
            let fd = central(&|d| {
                let mut n = r.clone();
                n.b[l][j] += d;
                n.loss(x, y)
            });
            check_close!(format!("dL_db {at}"), lt.dL_db[j], fd, FD_REL, fd_abs);
            for k in 0..r.layers[l] {
                let fd = central(&|d| {
                    let mut n = r.clone();
                    n.w[l][j][k] += d;
                    n.loss(x, y)
                });
                check_close!(
                    format!("dL_dW {at} input {k}"),
                    lt.dL_dW[j][k],
                    fd,
                    FD_REL,
                    fd_abs
                );
            }
        }
        for k in 0..r.layers[l] {
            let fd = if l == 0 {
                central(&|d| {
                    let mut xs = x.to_vec();
                    xs[k] += d;
                    r.loss(&xs, y)
                })
            } else {
                central(&|d| r.pass(x, y, Nudge::A(l - 1, k, d)).loss)
            };
            check_close!(
                format!("dL_dAprev layer {l} input {k}"),
                lt.dL_dAprev[k],
                fd,
                FD_REL,
                fd_abs
            );
        }
    }
    check_jacobian_identities(&t.layers[last], y)
}

/// The Jacobian is symmetric, its columns sum to 0, and the unfused chain rule equals the
/// fused A - y wherever its terms are finite (and is not finite otherwise).
fn check_jacobian_identities(out: &network::LayerTrace, y: &[f64]) -> Result<(), TestCaseError> {
    let jac = out.jacobian.as_ref().expect("jacobian");
    let unfused = out.dL_dZ_unfused.as_ref().expect("unfused");
    let k = out.a.len();
    let y_sum: f64 = y.iter().sum();
    for j in 0..k {
        let mut column = 0.0;
        for i in 0..k {
            prop_assert_eq!(jac[i][j], jac[j][i]);
            prop_assert_eq!(
                jac[i][j],
                if i == j {
                    out.a[i] * (1.0 - out.a[i])
                } else {
                    -out.a[i] * out.a[j]
                }
            );
            column += jac[i][j];
        }
        check_close!(format!("column {j} sums to 0"), column, 0.0, 0.0, 1e-15);
        prop_assert_eq!(out.dL_dZ[j], out.a[j] - y[j]);
        let terms_finite = out.dL_dA.iter().all(|v| v.is_finite());
        if terms_finite {
            // sum over i of (-y_i / A_i) A_i (delta_ij - A_j) = A_j sum(y) - y_j.
            let scale = 1.0 + out.dL_dA.iter().map(|v| v.abs()).fold(0.0, f64::max);
            check_close!(
                format!("unfused dL_dZ {j}"),
                unfused[j],
                out.a[j] * y_sum - y[j],
                0.0,
                1e-15 * scale
            );
            check_close!(
                format!("unfused = fused {j}"),
                unfused[j],
                out.dL_dZ[j],
                0.0,
                1e-15 * scale + 1e-15
            );
        }
    }
    Ok(())
}

#[test]
fn every_partial_derivative_of_a_softmax_trace_matches_finite_differences() {
    for hidden in HIDDEN {
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&arb_case(hidden), |c| {
            prop_assume!(!near_kink(&c));
            check_trace(&c)
        });
        if let Err(e) = result {
            panic!("hidden {hidden}: {e}");
        }
    }
}

/// A 2-3 tanh network whose output logits are about `s` * (1, 0, -1).
fn saturated(s: f64) -> Network {
    let r = Reference {
        layers: vec![1, 3],
        hidden: "tanh".into(),
        output: "softmax".into(),
        loss: "cce".into(),
        w: vec![vec![vec![s], vec![0.0], vec![-s]]],
        b: vec![vec![0.0, 0.0, 0.0]],
    };
    Network::from_state(&r.spec()).unwrap()
}

#[test]
fn saturated_softmax_keeps_the_loss_and_fused_gradient_finite() {
    let net = saturated(800.0);
    // Z = (800, 0, -800): A = (1, e^-800 = 0, 0) in f64.
    for (y, want_loss) in [
        ([1.0, 0.0, 0.0], 0.0),    // confidently right
        ([0.0, 1.0, 0.0], 800.0),  // confidently wrong: L = lse - Z_1 = 800
        ([0.0, 0.0, 1.0], 1600.0), // L = 800 - (-800)
        ([0.5, 0.5, 0.0], 400.0),  // a probability row
    ] {
        let t = net.trace(&[1.0], &y).unwrap();
        let out = &t.layers[0];
        assert_eq!(out.a, [1.0, 0.0, 0.0], "A rounds to exactly 1 and 0");
        assert_close(&format!("loss for {y:?}"), t.loss, want_loss, 1e-15, 1e-300);
        for j in 0..3 {
            assert_eq!(out.dL_dZ[j], out.a[j] - y[j], "fused dL_dZ");
            assert_eq!(out.dL_db[j], out.a[j] - y[j]);
            assert_eq!(out.dL_dW[j][0], out.a[j] - y[j]);
        }
        assert!(out.dL_dAprev.iter().all(|v| v.is_finite()));
        let jac = out.jacobian.as_ref().unwrap();
        assert!(jac.iter().flatten().all(|v| *v == 0.0), "every dA/dZ is 0");
        // The literal factors: -y/A is -inf where y > 0 and A = 0, NaN (-0/0) where y = 0
        // and A = 0; the unfused sum then cannot recover A - y.
        let unfused = out.dL_dZ_unfused.as_ref().unwrap();
        for j in 0..3 {
            assert_eq!(out.dL_dA[j].to_bits(), (-y[j] / out.a[j]).to_bits());
        }
        assert!(out.dL_dA[1..].iter().any(|v| !v.is_finite()));
        assert!(
            unfused.iter().all(|v| v.is_nan()),
            "unfused {unfused:?} for y {y:?}"
        );
    }
    // Batch training on saturated outputs: finite gradients, and the update moves the
    // weights the right way.
    let mut net = saturated(800.0);
    net.configure(&Spec {
        batch_size: Some(100.0),
        learning_rate: Some(0.5),
        ..Spec::default()
    })
    .unwrap();
    net.set_training_data(&[1.0, 1.0], &[0.0, 1.0, 0.0, 0.0, 1.0, 0.0])
        .unwrap();
    let loss = net.prepare_step().unwrap();
    assert_close("batch loss", loss, 800.0, 1e-15, 0.0);
    let g = net.gradients();
    assert_eq!(g.dL_db[0], vec![1.0, -1.0, 0.0]);
    net.apply_step().unwrap();
    let m = net.evaluate();
    assert!(m.train_loss.is_finite() && m.train_loss < 800.0);
}

#[test]
fn probability_targets_use_the_same_fused_gradient() {
    // The Jacobian identity with a row that is not one-hot: the unfused sum is
    // A_j * sum(y) - y_j, which is A_j - y_j because the row sums to 1.
    let r = Reference {
        layers: vec![2, 4],
        hidden: "tanh".into(),
        output: "softmax".into(),
        loss: "cce".into(),
        w: vec![vec![
            vec![0.4, -0.3],
            vec![-0.8, 0.5],
            vec![0.2, 0.9],
            vec![0.0, -0.1],
        ]],
        b: vec![vec![0.1, -0.2, 0.0, 0.3]],
    };
    let net = Network::from_state(&r.spec()).unwrap();
    let y = [0.1, 0.2, 0.3, 0.4];
    let t = net.trace(&[0.7, -1.1], &y).unwrap();
    let out = &t.layers[0];
    let unfused = out.dL_dZ_unfused.as_ref().unwrap();
    for j in 0..4 {
        assert_close("unfused = A - y", unfused[j], out.a[j] - y[j], 1e-14, 1e-16);
    }
    assert_close(
        "loss = -sum y ln A",
        t.loss,
        -(0..4).map(|j| y[j] * out.a[j].ln()).sum::<f64>(),
        1e-14,
        0.0,
    );
}

/// The training path (blocks of examples through `kernel::forward`'s softmax post-pass)
/// gives the mean of the traces' gradients, and its A are the trace's bits.
#[test]
fn batch_gradients_are_the_mean_of_softmax_traces() {
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (arb_case("tanh"), prop::collection::vec(-2.0..2.0f64, 2 * 9));
    runner
        .run(&strategy, |(c, extra)| {
            let r = &c.net;
            let n_in = r.layers[0];
            let k = *r.layers.last().unwrap();
            // Nine examples: c.x and eight more, with one-hot targets.
            let mut xs = c.x.clone();
            xs.extend(extra.iter().take(8 * n_in));
            let n = xs.len() / n_in;
            let mut ys = c.y.clone();
            for i in 1..n {
                ys.extend((0..k).map(|j| f64::from(j == i % k)));
            }
            let mut engine = Network::from_state(&Spec {
                batch_size: Some(1000.0),
                ..r.spec()
            })
            .unwrap();
            engine.set_training_data(&xs, &ys).unwrap();
            let loss = engine.prepare_step().unwrap();
            let g = engine.gradients();
            let traces: Vec<Trace> = (0..n)
                .map(|i| {
                    engine
                        .trace(&xs[i * n_in..(i + 1) * n_in], &ys[i * k..(i + 1) * k])
                        .unwrap()
                })
                .collect();
            let mean_loss = traces.iter().map(|t| t.loss).sum::<f64>() / n as f64;
            check_close!("batch loss", loss, mean_loss, 1e-12, 1e-300);
            for l in 0..r.depth() {
                for j in 0..r.layers[l + 1] {
                    let terms = |f: &dyn Fn(&Trace) -> f64| {
                        let mean = traces.iter().map(f).sum::<f64>() / n as f64;
                        let scale = traces.iter().map(|t| f(t).abs()).sum::<f64>() / n as f64;
                        (mean, scale)
                    };
                    let (mean, scale) = terms(&|t| t.layers[l].dL_db[j]);
                    check_close!(
                        "mean dL_db",
                        g.dL_db[l][j],
                        mean,
                        0.0,
                        1e-13 * scale + 1e-300
                    );
                    for kk in 0..r.layers[l] {
                        let (mean, scale) = terms(&|t| t.layers[l].dL_dW[j][kk]);
                        check_close!(
                            "mean dL_dW",
                            g.dL_dW[l][j][kk],
                            mean,
                            0.0,
                            1e-13 * scale + 1e-300
                        );
                    }
                }
            }
            // The kernel's softmax gives the trace's bits: probe (one example, plain loop)
            // and forward agree with the trace too.
            for (i, t) in traces.iter().enumerate() {
                let a = engine.forward(&xs[i * n_in..(i + 1) * n_in]).unwrap();
                let want = &t.layers[r.depth() - 1].a;
                prop_assert_eq!(&a, want);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn evaluate_uses_the_arg_max_and_the_threshold_is_nan() {
    let r = Reference {
        layers: vec![2, 3],
        hidden: "tanh".into(),
        output: "softmax".into(),
        loss: "cce".into(),
        // Z = (x1, x2, 0): the class is whichever of x1, x2, 0 is largest.
        w: vec![vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.0, 0.0]]],
        b: vec![vec![0.0, 0.0, 0.0]],
    };
    let mut net = Network::from_state(&r.spec()).unwrap();
    assert!(net.threshold().is_nan());
    assert_eq!(net.output_range(), (0.0, 1.0));
    let x = [2.0, 1.0, -1.0, 3.0, -1.0, -2.0, 1.0, 0.5];
    // Right, right, right, wrong (the largest is x1 = 1, class 0; target class 2).
    let y = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0];
    net.set_training_data(&x, &y).unwrap();
    net.set_test_data(&x[..4], &y[..6]).unwrap();
    let m = net.evaluate();
    assert_eq!(m.train_accuracy, 0.75);
    assert_eq!(m.test_accuracy, 1.0);
    let mean: f64 = (0..4)
        .map(|i| {
            let z = [x[2 * i], x[2 * i + 1], 0.0];
            common::cce_from_z(&z, &y[3 * i..3 * i + 3])
        })
        .sum::<f64>()
        / 4.0;
    assert_close("train loss", m.train_loss, mean, 1e-14, 0.0);
    let a = net.forward(&[0.3, -0.2]).unwrap();
    assert_close("outputs sum to 1", a.iter().sum(), 1.0, 1e-15, 0.0);
}

fn train_softmax(kind: DatasetKind, layers: &[f64], features: &[&str], steps: u32) -> f64 {
    let split = dataset::generate(kind, 400, 0.0, 50.0, 3);
    let k = split.classes;
    let mut net = Network::new(&Spec {
        layers: Some(layers.to_vec()),
        output: Some("softmax".into()),
        learning_rate: Some(0.03),
        optimizer: Some("adam".into()),
        batch_size: Some(10.0),
        features: Some(features.iter().map(|f| f.to_string()).collect()),
        seed: Some(2.0),
        ..Spec::default()
    })
    .unwrap();
    let train_y = dataset::one_hot(&split.train.targets, k);
    let test_y = dataset::one_hot(&split.test.targets, k);
    net.set_training_data(&split.train.inputs, &train_y)
        .unwrap();
    net.set_test_data(&split.test.inputs, &test_y).unwrap();
    let before = net.evaluate();
    net.step(steps).unwrap();
    let after = net.evaluate();
    assert!(
        after.train_loss < before.train_loss,
        "{kind:?}: loss {} -> {}",
        before.train_loss,
        after.train_loss
    );
    after.test_accuracy
}

#[test]
fn softmax_networks_learn_the_multiclass_sets() {
    let acc = train_softmax(DatasetKind::Blobs3, &[2.0, 4.0, 3.0], &["x1", "x2"], 600);
    assert!(acc > 0.95, "blobs3 test accuracy {acc}");
    let acc = train_softmax(
        DatasetKind::Quadrants4,
        &[3.0, 6.0, 4.0],
        &["x1", "x2", "x1x2"],
        1500,
    );
    assert!(acc > 0.9, "quadrants4 test accuracy {acc}");
    let acc = train_softmax(DatasetKind::Blobs4, &[2.0, 4.0, 4.0], &["x1", "x2"], 600);
    assert!(acc > 0.95, "blobs4 test accuracy {acc}");
}

#[test]
fn softmax_heatmap_colours_the_arg_max_class_by_confidence() {
    // Z = (4 x1, -4 x1): class 0 right of x1 = 0, class 1 left of it, confident far out.
    let r = Reference {
        layers: vec![2, 2],
        hidden: "tanh".into(),
        output: "softmax".into(),
        loss: "cce".into(),
        w: vec![vec![vec![4.0, 0.0], vec![-4.0, 0.0]]],
        b: vec![vec![0.0, 0.0]],
    };
    let mut net = Network::from_state(&r.spec()).unwrap();
    net.set_grid(40, 8, (-6.0, 6.0), (-6.0, 6.0)).unwrap();
    net.render_grid().unwrap();
    let palette = network::default_class_palette();
    let (px, classes, values) = (net.grid_pixels(), net.grid_classes(), net.grid_values());
    let size = 40;
    let at = |col: usize| 20 * size + col;
    // Far right: class 0 at full confidence, its colour; far left: class 1's.
    assert_eq!(classes[at(39)], 0);
    assert_eq!(classes[at(0)], 1);
    assert!(values[at(39)] > 0.999 && values[at(0)] > 0.999);
    assert_eq!(&px[4 * at(39)..4 * at(39) + 4], &palette[0..4]);
    assert_eq!(&px[4 * at(0)..4 * at(0) + 4], &palette[4..8]);
    // Next to the boundary the confidence is near 1/2, so the colour is near the neutral grey.
    let mid = at(20); // x1 = 0.15: A_0 = 1 / (1 + e^-1.2), about 0.77
    let s = (values[mid] - 0.5) / 0.5;
    for c in 0..3 {
        let want = f32::from(network::NEUTRAL[c])
            + (f32::from(palette[c]) - f32::from(network::NEUTRAL[c])) * s;
        assert!(
            (f32::from(px[4 * mid + c]) - want).abs() <= 1.0,
            "channel {c}"
        );
    }
    // Thumbnails of the two outputs: class j's colour scaled by its probability.
    let t = 8;
    let thumbs = net.thumb_pixels();
    let tile = |neuron: usize, row: usize, col: usize| {
        let o = (neuron * t * t + row * t + col) * 4;
        &thumbs[o..o + 4]
    };
    assert_eq!(tile(2, 4, 7), &palette[0..4], "output 0 is sure far right");
    assert_eq!(tile(2, 4, 0), &network::NEUTRAL, "output 0 is 0 far left");
    assert_eq!(tile(3, 4, 0), &palette[4..8]);
    // A new class palette is used at once; fewer colours than classes repeat.
    net.set_class_palette(&[10, 20, 30, 255]).unwrap();
    net.render_grid().unwrap();
    assert_eq!(
        &net.grid_pixels()[4 * at(0)..4 * at(0) + 4],
        &[10, 20, 30, 255]
    );
    assert_eq!(
        &net.grid_pixels()[4 * at(39)..4 * at(39) + 4],
        &[10, 20, 30, 255]
    );
    for bad in [&[][..], &[1, 2, 3][..], &[0; 68][..]] {
        assert_eq!(
            net.set_class_palette(bad).unwrap_err().field,
            "classPalette"
        );
    }
}

#[test]
fn regression_heatmap_spans_the_output_range() {
    // A linear output A = x1: over outputRange [-6, 6] the heatmap runs the palette from
    // low (left) to high (right).
    let r = Reference {
        layers: vec![2, 1],
        hidden: "tanh".into(),
        output: "linear".into(),
        loss: "squared".into(),
        w: vec![vec![vec![1.0, 0.0]]],
        b: vec![vec![0.0]],
    };
    let mut net = Network::from_state(&r.spec()).unwrap();
    assert_eq!(net.output_range(), (0.0, 1.0), "the binary default");
    net.set_output_range(Some((-6.0, 6.0))).unwrap();
    assert_eq!(net.output_range(), (-6.0, 6.0));
    net.set_grid(24, 4, (-6.0, 6.0), (-6.0, 6.0)).unwrap();
    net.render_grid().unwrap();
    let px = net.grid_pixels().to_vec();
    let values = net.grid_values().to_vec();
    let mut palette = vec![0u8; 1024];
    // A ramp palette: entry i has red = i, so red shows where a value falls in the range.
    for i in 0..256 {
        palette[4 * i] = i as u8;
        palette[4 * i + 3] = 255;
    }
    net.set_palette(&palette).unwrap();
    net.render_grid().unwrap();
    let px2 = net.grid_pixels().to_vec();
    for col in [0, 5, 12, 23] {
        let p = 10 * 24 + col;
        let v = values[p];
        let want = ((v + 6.0) / 12.0 * 255.0 + 0.5) as u8;
        assert_eq!(px2[4 * p], want, "column {col}, value {v}");
    }
    assert_ne!(px, px2);
    for bad in [(1.0, 1.0), (2.0, -2.0), (f64::NAN, 1.0), (0.0, 2e6)] {
        assert_eq!(
            net.set_output_range(Some(bad)).unwrap_err().field,
            "outputRange"
        );
    }
    assert_eq!(
        net.output_range(),
        (-6.0, 6.0),
        "a rejected range changes nothing"
    );
    net.set_output_range(None).unwrap();
    assert_eq!(net.output_range(), (0.0, 1.0));
}
