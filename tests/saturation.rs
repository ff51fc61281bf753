//! Saturated sigmoid outputs: where A rounds to exactly 0.0 or 1.0 in f64, the loss (from Z,
//! softplus form) and the fused dL/dZ = A - y stay finite and correct. The seed's literal
//! factors do not: dL/dA = -y/A + (1-y)/(1-A) divides by 0 and dA/dZ = A(1-A) is 0, so
//! their product is inf * 0 = NaN (or 0/0). That is why the engine fuses them.

// Hand-written math indexes several arrays by the same neuron or input number.
#![allow(clippy::needless_range_loop)]

mod common;

use backprop_viz::{Network, Spec};
use common::{assert_close, state};

/// One input, one sigmoid output with bce; W = 1, b = 0, so Z = x.
fn neuron() -> Network {
    Network::from_state(&state(
        &[1, 1],
        "tanh",
        "sigmoid",
        "bce",
        vec![vec![vec![1.0]]],
        vec![vec![0.0]],
    ))
    .unwrap()
}

#[test]
fn saturated_output_has_finite_loss_and_gradients() {
    let net = neuron();
    // (Z, y): confidently wrong, confidently right, and a soft target.
    for (z, y) in [
        (800.0, 0.0),
        (-800.0, 1.0),
        (800.0, 1.0),
        (-800.0, 0.0),
        (40.0, 0.0),
        (-745.5, 1.0),
        (800.0, 0.25),
    ] {
        let t = net.trace(&[z], &[y]).unwrap();
        let l = &t.layers[0];
        let a = l.a[0];
        let case = format!("z={z} y={y}");
        assert!(
            a == 0.0 || a == 1.0,
            "{case}: A should round to 0 or 1, got {a}"
        );
        assert_eq!(a, if z > 0.0 { 1.0 } else { 0.0 }, "{case}");
        // L = softplus(Z) - yZ; for |Z| this large, softplus(Z) = max(Z, 0) to within e^-|Z|.
        let want = z.max(0.0) - y * z;
        assert!(t.loss.is_finite(), "{case}: loss {}", t.loss);
        assert_close(&format!("loss {case}"), t.loss, want, 1e-15, 1e-15);
        // dL/dZ = A - y, finite; dL/dW = dL/dZ * A_prev with A_prev = Z here; dL/db = dL/dZ;
        // dL/dA_prev = dL/dZ * W with W = 1.
        assert_eq!(l.dL_dZ[0], a - y, "{case}");
        assert_eq!(l.dL_dW[0][0], (a - y) * z, "{case}");
        assert_eq!(l.dL_db[0], a - y, "{case}");
        assert_eq!(l.dL_dAprev[0], a - y, "{case}");
        // The literal factors, as the docs describe them: dA/dZ = A(1 - A) = 0 and dL/dA is
        // not finite (1/0 or 0/0), so the unfused product is NaN.
        assert_eq!(l.dA_dZ[0], 0.0, "{case}");
        assert!(!l.dL_dA[0].is_finite(), "{case}: dL_dA {}", l.dL_dA[0]);
        assert!(
            (l.dL_dA[0] * l.dA_dZ[0]).is_nan(),
            "{case}: unfused product"
        );
    }
}

#[test]
fn a_confidently_wrong_answer_costs_about_z() {
    let net = neuron();
    for z in [40.0, 100.0, 800.0, 1e5] {
        let wrong = net.trace(&[z], &[0.0]).unwrap().loss;
        assert_close("loss of confident wrong answer", wrong, z, 1e-15, 0.0);
        let wrong = net.trace(&[-z], &[1.0]).unwrap().loss;
        assert_close("loss of confident wrong answer", wrong, z, 1e-15, 0.0);
        let right = net.trace(&[z], &[1.0]).unwrap().loss;
        assert!(
            (0.0..1e-17).contains(&right),
            "right answer at {z}: {right}"
        );
    }
}

/// A saturated output deep in a network: everything below it stays finite and exact.
#[test]
fn saturation_does_not_poison_the_layers_below() {
    let net = Network::from_state(&state(
        &[2, 2, 1],
        "tanh",
        "sigmoid",
        "bce",
        vec![
            vec![vec![0.5, -0.5], vec![1.0, 1.0]],
            vec![vec![400.0, 400.0]],
        ],
        vec![vec![0.0, 0.0], vec![0.0]],
    ))
    .unwrap();
    let x = [3.0, -3.0];
    let t = net.trace(&x, &[0.0]).unwrap();
    let (h, o) = (&t.layers[0], &t.layers[1]);
    assert_eq!(o.a[0], 1.0, "output saturates (Z = {})", o.z[0]);
    assert!(t.loss.is_finite() && t.loss > 300.0, "loss {}", t.loss);
    assert_eq!(o.dL_dZ[0], 1.0);
    for j in 0..2 {
        // dL/dA_hidden = dL/dZ_out * W_out = 400; dL/dZ_hidden = 400 (1 - A^2).
        assert_eq!(h.dL_dA[j], 400.0);
        assert_close(
            "hidden dL_dZ",
            h.dL_dZ[j],
            400.0 * (1.0 - h.a[j] * h.a[j]),
            1e-15,
            0.0,
        );
        for k in 0..2 {
            assert_close("hidden dL_dW", h.dL_dW[j][k], h.dL_dZ[j] * x[k], 1e-15, 0.0);
        }
    }
    for v in h.dL_dAprev.iter().chain(&o.dL_dAprev) {
        assert!(v.is_finite());
    }
}

/// The batch path uses the fused form too: gradients of saturated examples are finite and
/// equal A - y times the input, and a step from there keeps the weights finite.
#[test]
fn batch_gradients_at_saturation_are_finite() {
    let mut net = Network::from_state(&Spec {
        batch_size: Some(100.0),
        learning_rate: Some(0.001),
        ..state(
            &[1, 1],
            "tanh",
            "sigmoid",
            "bce",
            vec![vec![vec![1.0]]],
            vec![vec![0.0]],
        )
    })
    .unwrap();
    let (x, y) = ([800.0, -800.0, 900.0, -760.0], [0.0, 1.0, 1.0, 0.0]);
    net.set_training_data(&x, &y).unwrap();
    let loss = net.prepare_step().unwrap();
    // Mean loss: two wrong answers cost 800 each; two right ones cost ~0.
    assert_close("batch loss", loss, 400.0, 1e-15, 0.0);
    let g = net.gradients();
    // mean (A - y) x = (800 + 800 + 0 + 0) / 4 = 400; mean (A - y) = (1 - 1 + 0 + 0) / 4 = 0.
    assert_eq!(g.dL_dW[0][0][0], 400.0);
    assert_eq!(g.dL_db[0][0], 0.0);
    net.apply_step().unwrap();
    assert_eq!(net.weights_buffer(), &[1.0 - 0.001 * 400.0]);
    assert!(net.biases_buffer().iter().all(|b| b.is_finite()));
}
