//! Loss functions and their derivatives, following the seed's notation.

use crate::activation::Activation;
use crate::fmath;

/// A loss L(A, y). For bce and squared it is per output, and a network's loss for one
/// example is the sum over its outputs; cce couples the outputs through the softmax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// Binary cross-entropy, L = -y ln A - (1 - y) ln(1 - A); needs a sigmoid output and
    /// targets in [0, 1].
    Bce,
    /// Squared error, L = 1/2 (A - y)^2.
    Squared,
    /// Categorical cross-entropy, L = -sum over j of y_j ln A_j; needs a softmax output and
    /// targets that are one-hot rows or probability rows summing to 1. Computed from Z as
    /// L = lse(Z) - sum over j of y_j Z_j (see [`cce`]), whose gradient is exactly A - y.
    Cce,
}

/// How far a cce target row's sum may be from 1.
pub const CCE_SUM_TOLERANCE: f64 = 1e-6;

impl Loss {
    /// Every loss, in the order the UI lists them.
    pub const ALL: [Loss; 3] = [Loss::Bce, Loss::Squared, Loss::Cce];

    /// The name used in configs, states and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Bce => "bce",
            Loss::Squared => "squared",
            Loss::Cce => "cce",
        }
    }

    /// Parses a config name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<Loss> {
        Loss::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The loss of one output, computed from Z where that is more stable.
    ///
    /// With a sigmoid output, bce is written in softplus form,
    /// L = softplus(Z) - y Z = max(Z, 0) - y Z + ln(1 + e^-|Z|), which equals the seed's
    /// -y ln A - (1 - y) ln(1 - A) and stays finite even where A rounds to exactly 0 or 1.
    ///
    /// cce is not a sum of per-output terms that can be computed stably one at a time (each
    /// needs the whole layer's log-sum-exp); here it gives the literal term -y ln A (0 when
    /// y = 0), and the engine computes the example's loss with [`Loss::example`].
    #[inline(always)]
    pub fn value(self, output: Activation, z: f64, a: f64, y: f64) -> f64 {
        match self {
            Loss::Bce if output == Activation::Sigmoid => fmath::softplus(z) - y * z,
            // Validation never pairs bce with another output; this is the literal formula.
            Loss::Bce => -y * fmath::ln(a) - (1.0 - y) * fmath::ln(1.0 - a),
            Loss::Squared => 0.5 * (a - y) * (a - y),
            Loss::Cce if y == 0.0 => 0.0,
            Loss::Cce => -y * fmath::ln(a),
        }
    }

    /// One example's loss over its output layer: the sum over outputs of [`Loss::value`]
    /// for bce and squared, and [`cce`] from the layer's Z for cce.
    pub fn example(self, output: Activation, z: &[f64], a: &[f64], y: &[f64]) -> f64 {
        match self {
            Loss::Cce => cce(z, y),
            _ => (0..y.len())
                .map(|j| self.value(output, z[j], a[j], y[j]))
                .sum(),
        }
    }

    /// dL/dA, literally: bce gives -y/A + (1 - y)/(1 - A), squared gives A - y, cce gives
    /// -y/A.
    ///
    /// For bce and cce this is infinite or NaN where A rounds to 0 (or, for bce, 1);
    /// [`Loss::dl_dz`] is not.
    #[inline(always)]
    pub fn dl_da(self, a: f64, y: f64) -> f64 {
        match self {
            Loss::Bce => -y / a + (1.0 - y) / (1.0 - a),
            Loss::Squared => a - y,
            Loss::Cce => -y / a,
        }
    }

    /// dL/dZ = dL/dA * dA/dZ. For a sigmoid output with bce the product simplifies to the
    /// seed's A - y, which is used as is: it is exact and finite for every A, where the
    /// unfused product gives inf * 0 = NaN once A rounds to 0 or 1.
    ///
    /// For a softmax output with cce the chain rule runs through the whole Jacobian,
    /// dL/dZ_j = sum over i of (-y_i / A_i) A_i (delta_ij - A_j) = A_j (sum of y) - y_j, which
    /// is the same A - y for targets summing to 1, and is used fused in the same way.
    #[inline(always)]
    pub fn dl_dz(self, output: Activation, a: f64, y: f64) -> f64 {
        match (self, output) {
            (Loss::Bce, Activation::Sigmoid) | (Loss::Cce, Activation::Softmax) => a - y,
            _ => self.dl_da(a, y) * output.df(a),
        }
    }

    /// The smallest and largest target this loss accepts.
    pub fn target_range(self) -> (f64, f64) {
        match self {
            Loss::Bce | Loss::Cce => (0.0, 1.0),
            Loss::Squared => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }
}

/// Categorical cross-entropy of one example from its logits Z, stably:
/// L = lse(Z) - sum over j of y_j Z_j, where lse(Z) = ln sum over i of e^(Z_i).
///
/// With A = softmax(Z), ln A_j = Z_j - lse(Z), so this is -sum over j of y_j ln A_j when the
/// targets sum to 1, and its gradient is exactly dL/dZ_j = A_j - y_j. Written as
/// lse(Z) = m + ln(1 + r) with m = max Z and r = the sum of e^(Z_i - m) over the other
/// outputs, and L = ln(1 + r) + sum of y_j (m - Z_j) + (1 - sum of y) m: every exponent is at
/// most 0, ln(1 + r) keeps its digits when r is tiny (a confident right answer costs
/// about r, not 0), and a confidently wrong answer costs about m - Z_y rather than infinity.
pub fn cce(z: &[f64], y: &[f64]) -> f64 {
    let (mut m, mut top) = (f64::NEG_INFINITY, 0);
    for (i, &zi) in z.iter().enumerate() {
        if zi > m {
            m = zi;
            top = i;
        }
    }
    let mut rest = 0.0;
    for (i, &zi) in z.iter().enumerate() {
        if i != top {
            rest += fmath::exp(zi - m);
        }
    }
    let mut loss = fmath::ln_1p(rest);
    let mut y_sum = 0.0;
    for (&zi, &yi) in z.iter().zip(y) {
        loss += yi * (m - zi);
        y_sum += yi;
    }
    if y_sum == 1.0 {
        loss
    } else {
        loss + (1.0 - y_sum) * m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation::Sigmoid;

    #[test]
    fn bce_seed_values() {
        // Z = 0: A = 1/2. With y = 1: L = ln 2, dL/dA = -2, dA/dZ = 1/4, dL/dZ = -1/2 = A - y.
        let (z, y) = (0.0, 1.0);
        let a = Sigmoid.f(z);
        assert!((Loss::Bce.value(Sigmoid, z, a, y) - std::f64::consts::LN_2).abs() < 1e-15);
        assert_eq!(Loss::Bce.dl_da(a, y), -2.0);
        assert_eq!(Loss::Bce.dl_da(a, y) * Sigmoid.df(a), -0.5);
        assert_eq!(Loss::Bce.dl_dz(Sigmoid, a, y), -0.5);
    }

    #[test]
    fn fused_equals_unfused_where_both_are_finite() {
        for z in [-5.0, -1.0, 0.3, 2.0, 7.0] {
            for y in [0.0, 0.25, 1.0] {
                let a = Sigmoid.f(z);
                let unfused = Loss::Bce.dl_da(a, y) * Sigmoid.df(a);
                let fused = Loss::Bce.dl_dz(Sigmoid, a, y);
                assert!((unfused - fused).abs() < 1e-12, "z={z} y={y}");
            }
        }
    }

    #[test]
    fn saturated_sigmoid_stays_finite() {
        for (z, y) in [(40.0, 0.0), (800.0, 1.0), (-800.0, 1.0), (-750.0, 0.0)] {
            let a = Sigmoid.f(z);
            assert!(a == 0.0 || a == 1.0, "A rounds to {a}");
            let l = Loss::Bce.value(Sigmoid, z, a, y);
            assert!(l.is_finite(), "loss at z={z}");
            assert!(Loss::Bce.dl_dz(Sigmoid, a, y).is_finite());
        }
        // The loss of a confident wrong answer is |Z|, not infinity.
        assert!((Loss::Bce.value(Sigmoid, 800.0, 1.0, 0.0) - 800.0).abs() < 1e-12);
        // The unfused product would be NaN here: -1/1 + 0/0.
        assert!((Loss::Bce.dl_da(1.0, 1.0) * Sigmoid.df(1.0)).is_nan());
    }

    #[test]
    fn cce_equals_the_literal_formula_and_stays_finite() {
        use crate::activation::softmax;
        for (z, y) in [
            (vec![0.3, -1.2, 2.0], vec![0.0, 1.0, 0.0]),
            (vec![5.0, 5.0], vec![1.0, 0.0]),
            (vec![0.1, 0.2, 0.3, 0.4], vec![0.25, 0.25, 0.4, 0.1]),
        ] {
            let mut a = vec![0.0; z.len()];
            softmax(&z, &mut a);
            let literal: f64 = a.iter().zip(&y).map(|(a, y)| -y * a.ln()).sum();
            assert!((cce(&z, &y) - literal).abs() < 1e-14, "{z:?}");
            let per_output: f64 = (0..z.len())
                .map(|j| Loss::Cce.value(Activation::Softmax, z[j], a[j], y[j]))
                .sum();
            assert!((per_output - literal).abs() < 1e-14);
            assert_eq!(
                Loss::Cce.example(Activation::Softmax, &z, &a, &y),
                cce(&z, &y)
            );
        }
        // Confidently wrong: A_1 = e^-2000 rounds to 0, -ln A_1 is infinite, L = 2000 is not.
        assert_eq!(cce(&[1000.0, -1000.0], &[0.0, 1.0]), 2000.0);
        // Confidently right: L = ln(1 + e^-50), about 2e-22, not rounded to 0.
        let l = cce(&[50.0, 0.0], &[1.0, 0.0]);
        assert!((l - (-50f64).exp()).abs() < 1e-36, "{l}");
        // Uniform: ln K.
        assert!((cce(&[0.0; 4], &[0.0, 0.0, 1.0, 0.0]) - 4f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn cce_gradient_is_a_minus_y() {
        use crate::activation::softmax;
        let z = [0.7, -0.4, 1.9, 0.0];
        let y = [0.1, 0.6, 0.0, 0.3];
        let mut a = [0.0; 4];
        softmax(&z, &mut a);
        let h = 1e-6;
        for j in 0..4 {
            let (mut zp, mut zm) = (z, z);
            zp[j] += h;
            zm[j] -= h;
            let numeric = (cce(&zp, &y) - cce(&zm, &y)) / (2.0 * h);
            let fused = Loss::Cce.dl_dz(Activation::Softmax, a[j], y[j]);
            assert_eq!(fused, a[j] - y[j]);
            assert!(
                (numeric - fused).abs() < 1e-9,
                "dL/dZ_{j}: {numeric} vs {fused}"
            );
        }
    }

    #[test]
    fn squared_seed_values() {
        assert_eq!(Loss::Squared.value(Activation::Linear, 3.0, 3.0, 1.0), 2.0);
        assert_eq!(Loss::Squared.dl_da(3.0, 1.0), 2.0);
        assert_eq!(Loss::Squared.dl_dz(Activation::Linear, 3.0, 1.0), 2.0);
    }
}
