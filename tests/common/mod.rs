//! Helpers shared by the integration tests (native and wasm): building specs, an
//! independent reference forward pass in plain f64, and the fingerprint scenarios.
#![allow(dead_code)]

pub mod scenarios;

use backprop_viz::Spec;

/// Every input feature's name, in the engine's order.
pub const ALL_FEATURES: [&str; 7] = [
    "x1",
    "x2",
    "x1Squared",
    "x2Squared",
    "x1x2",
    "sinX1",
    "sinX2",
];

/// A spec with just the structural fields set, for `Network::new`.
pub fn config(layers: &[usize], hidden: &str, output: &str, loss: &str) -> Spec {
    Spec {
        layers: Some(layers.iter().map(|&n| n as f64).collect()),
        hidden: Some(hidden.into()),
        output: Some(output.into()),
        loss: Some(loss.into()),
        ..Spec::default()
    }
}

/// A state for `Network::from_state`: weights per layer [out][in], biases per layer [out].
pub fn state(
    layers: &[usize],
    hidden: &str,
    output: &str,
    loss: &str,
    weights: Vec<Vec<Vec<f64>>>,
    biases: Vec<Vec<f64>>,
) -> Spec {
    Spec {
        weights: Some(weights),
        biases: Some(biases),
        ..config(layers, hidden, output, loss)
    }
}

/// An activation written out with std's math, independent of the crate's `fmath`.
pub fn act(name: &str, z: f64) -> f64 {
    match name {
        "sigmoid" => 1.0 / (1.0 + (-z).exp()),
        "tanh" => z.tanh(),
        "relu" => z.max(0.0),
        "leakyRelu" => {
            if z > 0.0 {
                z
            } else {
                0.01 * z
            }
        }
        "linear" => z,
        _ => panic!("unknown activation {name}"),
    }
}

/// Softmax with std's math: e^(z_j - max) / sum over i of e^(z_i - max).
pub fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|&z| (z - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|e| e / s).collect()
}

/// Categorical cross-entropy from logits with std's math: ln sum e^z - sum y z, written as
/// max + ln sum e^(z - max) - sum y z.
pub fn cce_from_z(z: &[f64], y: &[f64]) -> f64 {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lse = m + z.iter().map(|&z| (z - m).exp()).sum::<f64>().ln();
    lse - z.iter().zip(y).map(|(z, y)| z * y).sum::<f64>()
}

/// One output's loss, written from Z where that is stable (bce with sigmoid: softplus(z) - y z).
pub fn loss_of(loss: &str, output: &str, z: f64, y: f64) -> f64 {
    match loss {
        "bce" => {
            assert_eq!(output, "sigmoid");
            z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z
        }
        "squared" => {
            let a = act(output, z);
            0.5 * (a - y) * (a - y)
        }
        _ => panic!("unknown loss {loss}"),
    }
}

/// A small dense network in plain Rust, used as the reference the engine is checked against.
#[derive(Clone, Debug)]
pub struct Reference {
    pub layers: Vec<usize>,
    pub hidden: String,
    pub output: String,
    pub loss: String,
    /// [layer][out][in]
    pub w: Vec<Vec<Vec<f64>>>,
    /// [layer][out]
    pub b: Vec<Vec<f64>>,
}

/// Where to nudge the forward pass: add `delta` to Z or to A of neuron `j` in weight layer `l`.
#[derive(Clone, Copy, Debug)]
pub enum Nudge {
    None,
    Z(usize, usize, f64),
    A(usize, usize, f64),
}

/// Z and A per weight layer, and the summed loss.
pub struct Pass {
    pub z: Vec<Vec<f64>>,
    pub a: Vec<Vec<f64>>,
    pub loss: f64,
}

impl Reference {
    pub fn spec(&self) -> Spec {
        state(
            &self.layers,
            &self.hidden,
            &self.output,
            &self.loss,
            self.w.clone(),
            self.b.clone(),
        )
    }

    pub fn depth(&self) -> usize {
        self.layers.len() - 1
    }

    /// Forward pass with an optional nudge; Z = W A_prev + b, A = f(Z), L summed over outputs.
    pub fn pass(&self, x: &[f64], y: &[f64], nudge: Nudge) -> Pass {
        let mut a_prev = x.to_vec();
        let (mut zs, mut as_) = (Vec::new(), Vec::new());
        let depth = self.depth();
        for l in 0..depth {
            let name = if l + 1 == depth {
                &self.output
            } else {
                &self.hidden
            };
            let mut z: Vec<f64> = self.w[l]
                .iter()
                .zip(&self.b[l])
                .map(|(row, b)| b + row.iter().zip(&a_prev).map(|(w, a)| w * a).sum::<f64>())
                .collect();
            if let Nudge::Z(nl, j, d) = nudge
                && nl == l
            {
                z[j] += d;
            }
            let mut a: Vec<f64> = if name == "softmax" {
                softmax(&z)
            } else {
                z.iter().map(|&z| act(name, z)).collect()
            };
            if let Nudge::A(nl, j, d) = nudge
                && nl == l
            {
                a[j] += d;
            }
            a_prev = a.clone();
            zs.push(z);
            as_.push(a);
        }
        let last = depth - 1;
        if self.loss == "cce" {
            // Through A (-sum y ln A) when the output A is nudged, else from Z.
            let loss = match nudge {
                Nudge::A(l, _, _) if l == last => as_[last]
                    .iter()
                    .zip(y)
                    .map(|(a, y)| if *y == 0.0 { 0.0 } else { -y * a.ln() })
                    .sum(),
                _ => cce_from_z(&zs[last], y),
            };
            return Pass {
                z: zs,
                a: as_,
                loss,
            };
        }
        // A nudge of the output A must move the loss through A, not through Z.
        let loss = (0..y.len())
            .map(|j| match nudge {
                Nudge::A(l, nj, _) if l == last && nj == j => {
                    let a = as_[last][j];
                    match self.loss.as_str() {
                        "bce" => -y[j] * a.ln() - (1.0 - y[j]) * (1.0 - a).ln(),
                        _ => 0.5 * (a - y[j]) * (a - y[j]),
                    }
                }
                _ => loss_of(&self.loss, &self.output, zs[last][j], y[j]),
            })
            .sum();
        Pass {
            z: zs,
            a: as_,
            loss,
        }
    }

    pub fn loss(&self, x: &[f64], y: &[f64]) -> f64 {
        self.pass(x, y, Nudge::None).loss
    }
}

/// |a - b| <= rel * max(|a|, |b|) + abs.
pub fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

/// Asserts `close`, naming what was compared.
#[track_caller]
pub fn assert_close(what: &str, got: f64, want: f64, rel: f64, abs: f64) {
    assert!(
        close(got, want, rel, abs),
        "{what}: got {got:e}, want {want:e} (diff {:e}, rel {rel:e}, abs {abs:e})",
        (got - want).abs()
    );
}

/// A 64-bit FNV-1a hash of f64 bit patterns, for fingerprints.
pub fn fnv1a(values: impl IntoIterator<Item = f64>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for byte in v.to_bits().to_le_bytes() {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}
