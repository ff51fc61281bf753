//! One full-batch step is the textbook update W <- W - lr * mean(dL/dW), computed here
//! from per-example traces; regularisation adds its documented term; a diverging update is
//! undone.

// Hand-written math indexes several arrays by the same neuron or input number.
#![allow(clippy::needless_range_loop)]

mod common;

use backprop_viz::dataset::{self, DatasetKind};
use backprop_viz::{Network, Spec};
use common::assert_close;

/// A 2-3-2 network (two outputs) with hand-picked weights and six examples.
fn setup(extra: Spec) -> (Network, Vec<f64>, Vec<f64>) {
    let spec = Spec {
        layers: Some(vec![2.0, 3.0, 2.0]),
        hidden: Some("tanh".into()),
        output: Some("sigmoid".into()),
        loss: Some("bce".into()),
        weights: Some(vec![
            vec![vec![0.4, -0.3], vec![-0.0005, 0.8], vec![0.25, 0.6]],
            vec![vec![0.7, -0.2, 0.3], vec![-0.0004, 0.5, -0.9]],
        ]),
        biases: Some(vec![vec![0.05, -0.1, 0.0], vec![0.2, -0.05]]),
        batch_size: Some(1000.0),
        learning_rate: Some(0.3),
        ..extra
    };
    let x = vec![
        0.5, -1.0, 1.5, 0.2, -0.7, -0.4, 2.0, 1.1, -1.6, 0.9, 0.1, 0.3,
    ];
    let y = vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.3, 0.7, 1.0, 0.0];
    let mut net = Network::from_state(&spec).unwrap();
    net.set_training_data(&x, &y).unwrap();
    (net, x, y)
}

/// mean over the examples of each trace's dL/dW and dL/db, flattened like the buffers.
fn mean_gradients(net: &Network, x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = x.len() / 2;
    let mut gw = vec![0.0; net.weights_buffer().len()];
    let mut gb = vec![0.0; net.biases_buffer().len()];
    for i in 0..n {
        let t = net
            .trace(&x[2 * i..2 * i + 2], &y[2 * i..2 * i + 2])
            .unwrap();
        let w: Vec<f64> = t.layers.iter().flat_map(|l| l.dL_dW.concat()).collect();
        let b: Vec<f64> = t.layers.iter().flat_map(|l| l.dL_db.clone()).collect();
        for (g, v) in gw.iter_mut().zip(w) {
            *g += v / n as f64;
        }
        for (g, v) in gb.iter_mut().zip(b) {
            *g += v / n as f64;
        }
    }
    (gw, gb)
}

#[test]
fn one_full_batch_sgd_step_is_the_textbook_update() {
    let (mut net, x, y) = setup(Spec::default());
    let (w0, b0) = (net.weights_buffer().to_vec(), net.biases_buffer().to_vec());
    let (gw, gb) = mean_gradients(&net, &x, &y);
    net.step(1).unwrap();
    assert_eq!(net.step_count(), 1);
    for i in 0..w0.len() {
        let want = w0[i] - 0.3 * gw[i];
        assert_close(
            &format!("W[{i}]"),
            net.weights_buffer()[i],
            want,
            1e-12,
            1e-300,
        );
    }
    for i in 0..b0.len() {
        let want = b0[i] - 0.3 * gb[i];
        assert_close(
            &format!("b[{i}]"),
            net.biases_buffer()[i],
            want,
            1e-12,
            1e-300,
        );
    }
    // gradients() reports what the update used.
    let g = net.gradients();
    let reported: Vec<f64> = g.dL_dW.iter().flatten().flatten().copied().collect();
    for (i, (r, m)) in reported.iter().zip(&gw).enumerate() {
        assert_close(&format!("gradients().dL_dW[{i}]"), *r, *m, 1e-12, 1e-300);
    }
}

#[test]
fn l2_adds_lr_rate_w() {
    let rate = 0.1;
    let (mut net, x, y) = setup(Spec {
        regularization: Some("l2".into()),
        regularization_rate: Some(rate),
        ..Spec::default()
    });
    let (w0, b0) = (net.weights_buffer().to_vec(), net.biases_buffer().to_vec());
    let (gw, gb) = mean_gradients(&net, &x, &y);
    net.step(1).unwrap();
    for i in 0..w0.len() {
        // W <- W - lr * mean(dL/dW) - lr * rate * W (dR/dW = W, at the weights before).
        let want = w0[i] - 0.3 * gw[i] - 0.3 * rate * w0[i];
        assert_close(
            &format!("W[{i}]"),
            net.weights_buffer()[i],
            want,
            1e-12,
            1e-300,
        );
    }
    for i in 0..b0.len() {
        // Biases are not regularised.
        assert_close(
            &format!("b[{i}]"),
            net.biases_buffer()[i],
            b0[i] - 0.3 * gb[i],
            1e-12,
            1e-300,
        );
    }
}

#[test]
fn l1_subtracts_lr_rate_sign_w_and_clips_at_zero() {
    // lr * rate = 0.15: the smaller weights cross 0, the larger ones do not.
    let rate = 0.5;
    let (mut net, x, y) = setup(Spec {
        regularization: Some("l1".into()),
        regularization_rate: Some(rate),
        ..Spec::default()
    });
    let (w0, b0) = (net.weights_buffer().to_vec(), net.biases_buffer().to_vec());
    let (gw, gb) = mean_gradients(&net, &x, &y);
    net.step(1).unwrap();
    let mut clipped = 0;
    for i in 0..w0.len() {
        let after_gradient = w0[i] - 0.3 * gw[i];
        let after_penalty = after_gradient - 0.3 * rate * w0[i].signum();
        let got = net.weights_buffer()[i];
        if after_gradient * after_penalty < 0.0 {
            // The penalty would push the weight across 0: it stops at 0.
            assert_eq!(got, 0.0, "W[{i}] should be clipped to 0");
            clipped += 1;
        } else {
            assert_close(&format!("W[{i}]"), got, after_penalty, 1e-12, 1e-300);
        }
    }
    assert!(
        (1..w0.len()).contains(&clipped),
        "the setup should make some but not all weights cross 0 ({clipped} did)"
    );
    for i in 0..b0.len() {
        assert_close(
            &format!("b[{i}]"),
            net.biases_buffer()[i],
            b0[i] - 0.3 * gb[i],
            1e-12,
            1e-300,
        );
    }
}

#[test]
fn momentum_and_adam_first_steps() {
    // Momentum: v = g on the first step, then v = 0.9 g1 + g2.
    let (mut net, x, y) = setup(Spec {
        optimizer: Some("momentum".into()),
        ..Spec::default()
    });
    let w0 = net.weights_buffer().to_vec();
    let (g1, _) = mean_gradients(&net, &x, &y);
    net.step(1).unwrap();
    let w1 = net.weights_buffer().to_vec();
    for i in 0..w0.len() {
        assert_close("momentum step 1", w1[i], w0[i] - 0.3 * g1[i], 1e-12, 1e-300);
    }
    let (g2, _) = mean_gradients(&net, &x, &y);
    net.step(1).unwrap();
    for i in 0..w0.len() {
        let v = 0.9 * g1[i] + g2[i];
        assert_close(
            "momentum step 2",
            net.weights_buffer()[i],
            w1[i] - 0.3 * v,
            1e-11,
            1e-300,
        );
    }
    // Adam: the first bias-corrected step is lr * g / (|g| + eps), about lr * sign(g).
    let (mut net, x, y) = setup(Spec {
        optimizer: Some("adam".into()),
        ..Spec::default()
    });
    let w0 = net.weights_buffer().to_vec();
    let (g, _) = mean_gradients(&net, &x, &y);
    net.step(1).unwrap();
    for i in 0..w0.len() {
        let want = w0[i] - 0.3 * g[i] / (g[i].abs() + 1e-8);
        assert_close("adam step 1", net.weights_buffer()[i], want, 1e-9, 1e-12);
    }
}

/// A config that really diverges: relu hidden, linear output, squared loss, lr 10.
fn diverging() -> Network {
    let mut net = Network::new(&Spec {
        layers: Some(vec![2.0, 8.0, 8.0, 1.0]),
        hidden: Some("relu".into()),
        output: Some("linear".into()),
        loss: Some("squared".into()),
        learning_rate: Some(10.0),
        features: Some(vec!["x1".into(), "x2".into()]),
        ..Spec::default()
    })
    .unwrap();
    let split = dataset::generate(DatasetKind::Circle, 200, 0.0, 50.0, 1);
    net.set_training_data(&split.train.inputs, &split.train.targets)
        .unwrap();
    net.set_test_data(&split.test.inputs, &split.test.targets)
        .unwrap();
    net
}

#[test]
fn a_diverging_update_is_undone_and_reported() {
    let mut net = diverging();
    for _ in 0..200 {
        let before = net.clone();
        match net.step(1) {
            Ok(loss) => assert!(loss.is_finite()),
            Err(e) => {
                let msg = e.to_string();
                let n = before.step_count() + 1;
                assert!(
                    msg.starts_with(&format!("training diverged at step {n}:")),
                    "{msg}"
                );
                assert!(msg.contains("lower the learning rate (now 10)"), "{msg}");
                // The failing update was undone: exactly the weights before it, all finite.
                assert_eq!(net.to_state(), before.to_state());
                assert_eq!(net.step_count(), before.step_count());
                assert!(
                    net.weights_buffer()
                        .iter()
                        .chain(net.biases_buffer())
                        .all(|v| v.is_finite())
                );
                // The network still works, and a smaller learning rate trains on from there.
                let m = net.evaluate();
                assert!(m.train_loss.is_finite(), "train loss {}", m.train_loss);
                net.configure(&Spec {
                    learning_rate: Some(1e-9),
                    ..Spec::default()
                })
                .unwrap();
                assert!(net.step(1).unwrap().is_finite());
                return;
            }
        }
    }
    panic!("relu/linear/squared at learning rate 10 should diverge within 200 steps");
}

#[test]
fn step_n_keeps_the_updates_before_the_diverging_one() {
    let mut probe = diverging();
    let mut good = 0;
    while probe.step(1).is_ok() {
        good += 1;
    }
    let mut net = diverging();
    let err = net.step(1000).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("training diverged at step {}:", good + 1)),
        "{err}"
    );
    assert_eq!(net.step_count(), good);
    assert_eq!(net.to_state(), probe.to_state());
}
