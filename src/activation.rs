//! Activation functions `f` paired with their derivatives `df`, as in dfdx.
//!
//! Every derivative is written from the activation's output A, where that is how the seed
//! writes it (sigmoid: dA/dZ = A(1 - A)), because the backward pass already has A.
//!
//! Softmax is the one activation that is not elementwise: each A_j depends on the whole
//! layer's Z. [`softmax`] computes it for one example, [`softmax_lanes`] for a block of
//! examples, and [`softmax_jacobian`] gives its full Jacobian dA_i/dZ_j = A_i (delta_ij - A_j).

use crate::fmath;

/// An activation function A = f(Z).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// A = 1 / (1 + e^-Z), dA/dZ = A (1 - A).
    Sigmoid,
    /// A = tanh Z, dA/dZ = 1 - A^2.
    Tanh,
    /// A = max(0, Z), dA/dZ = 1 if Z > 0 else 0.
    Relu,
    /// A = Z if Z > 0 else 0.01 Z, dA/dZ = 1 if Z > 0 else 0.01.
    LeakyRelu,
    /// A = Z, dA/dZ = 1.
    Linear,
    /// Output layers only: A_j = e^(Z_j) / sum over i of e^(Z_i), dA_j/dZ_j = A_j (1 - A_j)
    /// on the diagonal and dA_i/dZ_j = -A_i A_j off it (see [`softmax_jacobian`]).
    Softmax,
}

/// The slope of leakyRelu for Z <= 0.
pub const LEAKY_SLOPE: f64 = 0.01;

impl Activation {
    /// Every activation.
    pub const ALL: [Activation; 6] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Linear,
        Activation::Softmax,
    ];

    /// The elementwise activations a hidden layer may use, in the order the UI lists them.
    pub const HIDDEN: [Activation; 5] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Linear,
    ];

    /// The activations an output layer may use, in the order the UI lists them.
    pub const OUTPUT: [Activation; 4] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Linear,
        Activation::Softmax,
    ];

    /// The name used in configs, states and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leakyRelu",
            Activation::Linear => "linear",
            Activation::Softmax => "softmax",
        }
    }

    /// Parses a config name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<Activation> {
        Activation::ALL.into_iter().find(|a| a.name() == name)
    }

    /// A = f(Z).
    ///
    /// Softmax is not elementwise, so for it `f` returns Z unchanged: the layer's A is then
    /// computed from all of its Z at once by [`softmax`] (or [`softmax_lanes`]).
    #[inline(always)]
    pub fn f(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => fmath::sigmoid(z),
            Activation::Tanh => fmath::tanh(z),
            Activation::Relu => {
                if z > 0.0 {
                    z
                } else {
                    0.0 * z // keeps NaN a NaN
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_SLOPE * z
                }
            }
            Activation::Linear | Activation::Softmax => z,
        }
    }

    /// dA/dZ written from the output A = f(Z).
    ///
    /// For relu and leakyRelu, A > 0 exactly when Z > 0, so the output decides the branch.
    /// For softmax this is the Jacobian's diagonal, dA_j/dZ_j = A_j (1 - A_j): the same
    /// formula as the sigmoid's, but only one column of the chain rule (see
    /// [`softmax_jacobian`] for the rest).
    #[inline(always)]
    pub fn df(self, a: f64) -> f64 {
        match self {
            Activation::Sigmoid | Activation::Softmax => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if a > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if a > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Linear => 1.0,
        }
    }

    /// Whether He initialisation suits this activation (the rectifiers) rather than Xavier.
    pub fn is_rectifier(self) -> bool {
        matches!(self, Activation::Relu | Activation::LeakyRelu)
    }

    /// The range of A that heatmaps map onto their colour scale, [lo, hi]: the activation's
    /// own range where it is bounded, and [-1, 1] (clamped) where it is not.
    pub fn display_range(self) -> (f64, f64) {
        match self {
            Activation::Sigmoid | Activation::Softmax => (0.0, 1.0),
            _ => (-1.0, 1.0),
        }
    }
}

/// Softmax over one example's layer: A_j = e^(Z_j - m) / sum over i of e^(Z_i - m), with
/// m = max Z.
///
/// Subtracting m changes nothing (e^-m cancels) but keeps every exponent at most 0, so no
/// e^Z overflows, and the largest term is e^0 = 1, so the sum is at least 1. The maximum,
/// the sum (in order i = 0, 1, ...) and the divisions are the same operations as in
/// [`softmax_lanes`], so a trace and a training block give the same bits.
pub fn softmax(z: &[f64], a: &mut [f64]) {
    let m = z
        .iter()
        .fold(f64::NEG_INFINITY, |m, &z| if z > m { z } else { m });
    let mut sum = 0.0;
    for (a, &z) in a.iter_mut().zip(z) {
        *a = fmath::exp(z - m);
        sum += *a;
    }
    for a in a.iter_mut() {
        *a /= sum;
    }
}

/// [`softmax`] for N examples at once: `z[j][q]` is Z_j of example q. Each lane's numbers
/// are those [`softmax`] gives for that example alone.
#[inline(always)]
pub fn softmax_lanes<const N: usize>(z: &[[f64; N]], a: &mut [[f64; N]]) {
    let mut m = [f64::NEG_INFINITY; N];
    for zj in z {
        for q in 0..N {
            m[q] = if zj[q] > m[q] { zj[q] } else { m[q] };
        }
    }
    let mut sum = [0.0; N];
    for (aj, zj) in a.iter_mut().zip(z) {
        for q in 0..N {
            aj[q] = fmath::exp(zj[q] - m[q]);
            sum[q] += aj[q];
        }
    }
    for aj in a.iter_mut() {
        for q in 0..N {
            aj[q] /= sum[q];
        }
    }
}

/// The softmax's Jacobian from its output: `J[i][j]` = dA_i/dZ_j = A_i (delta_ij - A_j),
/// that is A_i (1 - A_i) on the diagonal and -A_i A_j off it.
///
/// Every column sums to 0 (the A sum to 1 whatever Z is), and J is symmetric.
pub fn softmax_jacobian(a: &[f64]) -> Vec<Vec<f64>> {
    a.iter()
        .enumerate()
        .map(|(i, &ai)| {
            a.iter()
                .enumerate()
                .map(|(j, &aj)| if i == j { ai * (1.0 - ai) } else { -ai * aj })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Activation::ALL {
            assert_eq!(Activation::parse(a.name()), Some(a));
        }
        assert_eq!(Activation::parse("Softmax"), None);
        assert!(!Activation::HIDDEN.contains(&Activation::Softmax));
        assert!(Activation::OUTPUT.contains(&Activation::Softmax));
    }

    #[test]
    fn softmax_sums_to_one_and_survives_huge_logits() {
        let mut a = [0.0; 3];
        softmax(&[0.0, 0.0, 0.0], &mut a);
        assert!(a.iter().all(|&v| (v - 1.0 / 3.0).abs() < 1e-16));
        // e^1000 overflows; e^(Z - max Z) does not.
        softmax(&[1000.0, 0.0, -1000.0], &mut a);
        assert_eq!(a, [1.0, (-1000f64).exp(), 0.0]);
        softmax(&[2.0, 1.0, 0.1], &mut a);
        let e: Vec<f64> = [2.0f64, 1.0, 0.1].iter().map(|z| z.exp()).collect();
        let s: f64 = e.iter().sum();
        for (a, e) in a.iter().zip(&e) {
            assert!((a - e / s).abs() < 1e-15);
        }
        // The lane version gives the same bits per lane.
        let z = [[2.0, 1000.0], [1.0, 0.0], [0.1, -1000.0]];
        let mut al = [[0.0; 2]; 3];
        softmax_lanes(&z, &mut al);
        for j in 0..3 {
            assert_eq!(al[j][0].to_bits(), a[j].to_bits());
        }
        assert_eq!([al[0][1], al[1][1], al[2][1]], [1.0, (-1000f64).exp(), 0.0]);
    }

    #[test]
    fn softmax_jacobian_matches_central_differences() {
        let z = [0.3, -1.2, 2.0, 0.5];
        let mut a = [0.0; 4];
        softmax(&z, &mut a);
        let jac = softmax_jacobian(&a);
        let h = 1e-6;
        for j in 0..4 {
            let (mut zp, mut zm) = (z, z);
            zp[j] += h;
            zm[j] -= h;
            let (mut ap, mut am) = ([0.0; 4], [0.0; 4]);
            softmax(&zp, &mut ap);
            softmax(&zm, &mut am);
            let mut column = 0.0;
            for i in 0..4 {
                let numeric = (ap[i] - am[i]) / (2.0 * h);
                assert!((numeric - jac[i][j]).abs() < 1e-9, "J[{i}][{j}]");
                assert_eq!(jac[i][j], jac[j][i], "symmetric");
                column += jac[i][j];
            }
            assert!(column.abs() < 1e-15, "column {j} sums to 0");
            assert_eq!(jac[j][j], Activation::Softmax.df(a[j]), "diagonal = df");
        }
    }

    #[test]
    fn derivatives_from_output_match_central_differences() {
        for a in Activation::HIDDEN {
            for z in [-3.0, -0.7, -0.1, 0.2, 0.9, 2.5] {
                let h = 1e-6;
                let numeric = (a.f(z + h) - a.f(z - h)) / (2.0 * h);
                let analytic = a.df(a.f(z));
                assert!(
                    (numeric - analytic).abs() < 1e-8,
                    "{a:?} at {z}: {numeric} vs {analytic}"
                );
            }
        }
    }

    #[test]
    fn seed_values() {
        // Sigmoid at 0 is 1/2 and its slope A(1 - A) = 1/4.
        assert_eq!(Activation::Sigmoid.f(0.0), 0.5);
        assert_eq!(Activation::Sigmoid.df(0.5), 0.25);
        assert_eq!(Activation::Tanh.df(Activation::Tanh.f(0.0)), 1.0);
        assert_eq!(Activation::Relu.f(-2.0), 0.0);
        assert_eq!(Activation::LeakyRelu.f(-2.0), -0.02);
    }
}
