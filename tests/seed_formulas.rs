//! Each of the seed's formulas against numbers computed here by hand, in plain f64:
//! dL/dA = -y/A + (1-y)/(1-A), dA/dZ = A(1-A), dL/dZ = A - y, dL/dW = dL/dZ * A_prev,
//! dL/db = dL/dZ, dL/dA_prev = dL/dZ * W.

// Hand-written math indexes several arrays by the same neuron or input number.
#![allow(clippy::needless_range_loop)]

mod common;

use backprop_viz::Network;
use common::{assert_close, state};

const REL: f64 = 1e-14;
const ABS: f64 = 1e-15;

/// The seed's network: one input, one sigmoid output, binary cross-entropy.
#[test]
fn one_sigmoid_neuron_with_bce() {
    let (w, b) = (0.8, -0.3);
    for (x, y) in [(1.5, 1.0), (1.5, 0.0), (-2.0, 0.3), (0.25, 0.75)] {
        let net = Network::from_state(&state(
            &[1, 1],
            "tanh",
            "sigmoid",
            "bce",
            vec![vec![vec![w]]],
            vec![vec![b]],
        ))
        .unwrap();
        let t = net.trace(&[x], &[y]).unwrap();
        assert_eq!(t.layers.len(), 1);
        let l = &t.layers[0];
        // By hand.
        let z = w * x + b;
        let a = 1.0 / (1.0 + (-z).exp());
        let loss = -y * a.ln() - (1.0 - y) * (1.0 - a).ln();
        let dl_da = -y / a + (1.0 - y) / (1.0 - a);
        let da_dz = a * (1.0 - a);
        let dl_dz = a - y;
        let case = format!("x={x} y={y}");
        assert_close(&format!("z {case}"), l.z[0], z, REL, ABS);
        assert_close(&format!("a {case}"), l.a[0], a, 1e-15, ABS);
        assert_close(&format!("loss {case}"), t.loss, loss, 1e-13, ABS);
        assert_close(&format!("dL_dA {case}"), l.dL_dA[0], dl_da, 1e-13, ABS);
        assert_close(&format!("dA_dZ {case}"), l.dA_dZ[0], da_dz, 1e-14, ABS);
        assert_close(&format!("dL_dZ {case}"), l.dL_dZ[0], dl_dz, REL, ABS);
        // The seed's chain rule: the product dL/dA * dA/dZ simplifies to A - y.
        assert_close(
            &format!("dL/dA*dA/dZ {case}"),
            dl_da * da_dz,
            dl_dz,
            1e-12,
            1e-15,
        );
        assert_close(&format!("dL_dW {case}"), l.dL_dW[0][0], dl_dz * x, REL, ABS);
        assert_close(&format!("dL_db {case}"), l.dL_db[0], dl_dz, REL, ABS);
        assert_close(
            &format!("dL_dAprev {case}"),
            l.dL_dAprev[0],
            dl_dz * w,
            REL,
            ABS,
        );
        assert_eq!(t.input, vec![x]);
        assert_eq!(t.target, vec![y]);
    }
}

/// Z = 0 gives A = 1/2 exactly: every factor is a simple fraction.
#[test]
fn exact_values_at_z_zero() {
    let net = Network::from_state(&state(
        &[1, 1],
        "tanh",
        "sigmoid",
        "bce",
        vec![vec![vec![2.0]]],
        vec![vec![-4.0]],
    ))
    .unwrap();
    let t = net.trace(&[2.0], &[1.0]).unwrap();
    let l = &t.layers[0];
    assert_eq!(l.z, vec![0.0]);
    assert_eq!(l.a, vec![0.5]);
    assert_eq!(l.dL_dA, vec![-2.0]); // -1/0.5
    assert_eq!(l.dA_dZ, vec![0.25]); // 0.5 * 0.5
    assert_eq!(l.dL_dZ, vec![-0.5]); // A - y
    assert_eq!(l.dL_dW, vec![vec![-1.0]]); // -0.5 * A_prev = -0.5 * 2
    assert_eq!(l.dL_db, vec![-0.5]);
    assert_eq!(l.dL_dAprev, vec![-1.0]); // -0.5 * W = -0.5 * 2
    assert_close("loss = ln 2", t.loss, std::f64::consts::LN_2, 1e-15, 0.0);
}

/// Squared loss with a linear output: integers all the way through.
#[test]
fn squared_loss_linear_output_integers() {
    let net = Network::from_state(&state(
        &[1, 1],
        "tanh",
        "linear",
        "squared",
        vec![vec![vec![2.0]]],
        vec![vec![1.0]],
    ))
    .unwrap();
    let t = net.trace(&[3.0], &[4.0]).unwrap();
    let l = &t.layers[0];
    assert_eq!(l.z, vec![7.0]); // 2 * 3 + 1
    assert_eq!(l.a, vec![7.0]);
    assert_eq!(t.loss, 4.5); // 1/2 (7 - 4)^2
    assert_eq!(l.dL_dA, vec![3.0]); // A - y
    assert_eq!(l.dA_dZ, vec![1.0]);
    assert_eq!(l.dL_dZ, vec![3.0]);
    assert_eq!(l.dL_dW, vec![vec![9.0]]); // 3 * A_prev
    assert_eq!(l.dL_db, vec![3.0]);
    assert_eq!(l.dL_dAprev, vec![6.0]); // 3 * W
}

/// A 2-2-1 network (tanh hidden, sigmoid output, bce), the chain rule written out by hand
/// for every factor of both layers.
#[test]
fn two_layers_by_hand() {
    let w1 = [[0.5, -0.4], [0.3, 0.9]];
    let b1 = [0.1, -0.2];
    let w2 = [0.7, -1.1];
    let b2 = 0.05;
    let x = [1.2, -0.7];
    let y = 1.0;
    let net = Network::from_state(&state(
        &[2, 2, 1],
        "tanh",
        "sigmoid",
        "bce",
        vec![vec![w1[0].to_vec(), w1[1].to_vec()], vec![w2.to_vec()]],
        vec![b1.to_vec(), vec![b2]],
    ))
    .unwrap();
    let t = net.trace(&x, &[y]).unwrap();
    // Forward.
    let z1 = [
        w1[0][0] * x[0] + w1[0][1] * x[1] + b1[0],
        w1[1][0] * x[0] + w1[1][1] * x[1] + b1[1],
    ];
    let a1 = [z1[0].tanh(), z1[1].tanh()];
    let z2 = w2[0] * a1[0] + w2[1] * a1[1] + b2;
    let a2 = 1.0 / (1.0 + (-z2).exp());
    // Output layer: the seed's formulas.
    let dl_dz2 = a2 - y;
    let dl_dw2 = [dl_dz2 * a1[0], dl_dz2 * a1[1]];
    let dl_da1 = [dl_dz2 * w2[0], dl_dz2 * w2[1]];
    // Hidden layer: dA/dZ = 1 - A^2 for tanh.
    let da1_dz1 = [1.0 - a1[0] * a1[0], 1.0 - a1[1] * a1[1]];
    let dl_dz1 = [dl_da1[0] * da1_dz1[0], dl_da1[1] * da1_dz1[1]];
    let dl_dw1 = [
        [dl_dz1[0] * x[0], dl_dz1[0] * x[1]],
        [dl_dz1[1] * x[0], dl_dz1[1] * x[1]],
    ];
    let dl_dx = [
        dl_dz1[0] * w1[0][0] + dl_dz1[1] * w1[1][0],
        dl_dz1[0] * w1[0][1] + dl_dz1[1] * w1[1][1],
    ];
    let (h, o) = (&t.layers[0], &t.layers[1]);
    let rel = 1e-13;
    assert_close("loss", t.loss, -a2.ln(), rel, ABS);
    assert_close("z2", o.z[0], z2, rel, ABS);
    assert_close("a2", o.a[0], a2, rel, ABS);
    assert_close(
        "dL_dA out",
        o.dL_dA[0],
        -y / a2 + (1.0 - y) / (1.0 - a2),
        rel,
        ABS,
    );
    assert_close("dA_dZ out", o.dA_dZ[0], a2 * (1.0 - a2), rel, ABS);
    assert_close("dL_dZ out", o.dL_dZ[0], dl_dz2, rel, ABS);
    assert_close("dL_db out", o.dL_db[0], dl_dz2, rel, ABS);
    for k in 0..2 {
        assert_close("dL_dW out", o.dL_dW[0][k], dl_dw2[k], rel, ABS);
        assert_close("dL_dAprev out", o.dL_dAprev[k], dl_da1[k], rel, ABS);
    }
    for j in 0..2 {
        assert_close("z1", h.z[j], z1[j], rel, ABS);
        assert_close("a1", h.a[j], a1[j], rel, ABS);
        // Below the output, dL/dA is the next layer's dL/dA_prev.
        assert_close("dL_dA hidden", h.dL_dA[j], dl_da1[j], rel, ABS);
        assert_close("dA_dZ hidden", h.dA_dZ[j], da1_dz1[j], rel, ABS);
        assert_close("dL_dZ hidden", h.dL_dZ[j], dl_dz1[j], rel, ABS);
        assert_close("dL_db hidden", h.dL_db[j], dl_dz1[j], rel, ABS);
        assert_close("dL_dAprev hidden", h.dL_dAprev[j], dl_dx[j], rel, ABS);
        for k in 0..2 {
            assert_close("dL_dW hidden", h.dL_dW[j][k], dl_dw1[j][k], rel, ABS);
        }
    }
}

/// Each hidden activation's dA/dZ as the docs state it, from A.
#[test]
fn hidden_activation_slopes() {
    // One hidden neuron with W = 1, b = 0 and input x, so Z = x; then a linear output.
    let slope = |hidden: &str, x: f64| {
        let net = Network::from_state(&state(
            &[1, 1, 1],
            hidden,
            "linear",
            "squared",
            vec![vec![vec![1.0]], vec![vec![1.0]]],
            vec![vec![0.0], vec![0.0]],
        ))
        .unwrap();
        let t = net.trace(&[x], &[0.0]).unwrap();
        (t.layers[0].a[0], t.layers[0].dA_dZ[0])
    };
    for x in [-1.3f64, 0.6] {
        let s = 1.0 / (1.0 + (-x).exp());
        let (a, d) = slope("sigmoid", x);
        assert_close("sigmoid A", a, s, 1e-15, 0.0);
        assert_close("sigmoid dA/dZ = A(1-A)", d, s * (1.0 - s), 1e-14, 0.0);
        let (a, d) = slope("tanh", x);
        assert_close("tanh A", a, x.tanh(), 1e-15, 0.0);
        assert_close(
            "tanh dA/dZ = 1-A^2",
            d,
            1.0 - x.tanh() * x.tanh(),
            1e-14,
            0.0,
        );
        assert_eq!(slope("linear", x), (x, 1.0));
    }
    assert_eq!(slope("relu", 0.6), (0.6, 1.0));
    assert_eq!(slope("relu", -1.3), (0.0, 0.0));
    assert_eq!(slope("leakyRelu", 0.6), (0.6, 1.0));
    assert_eq!(slope("leakyRelu", -1.3), (0.01 * -1.3, 0.01));
}
