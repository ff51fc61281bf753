//! Loss functions and their derivatives, following the seed's notation.

use crate::activation::Activation;
use crate::fmath;

/// A per-output loss L(A, y). A network's loss for one example is the sum over its outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// Binary cross-entropy, L = -y ln A - (1 - y) ln(1 - A); needs a sigmoid output and
    /// targets in [0, 1].
    Bce,
    /// Squared error, L = 1/2 (A - y)^2.
    Squared,
}

impl Loss {
    /// Every loss, in the order the UI lists them.
    pub const ALL: [Loss; 2] = [Loss::Bce, Loss::Squared];

    /// The name used in configs, states and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Bce => "bce",
            Loss::Squared => "squared",
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
    #[inline(always)]
    pub fn value(self, output: Activation, z: f64, a: f64, y: f64) -> f64 {
        match self {
            Loss::Bce if output == Activation::Sigmoid => fmath::softplus(z) - y * z,
            // Validation never pairs bce with another output; this is the literal formula.
            Loss::Bce => -y * fmath::ln(a) - (1.0 - y) * fmath::ln(1.0 - a),
            Loss::Squared => 0.5 * (a - y) * (a - y),
        }
    }

    /// dL/dA, literally: bce gives -y/A + (1 - y)/(1 - A), squared gives A - y.
    ///
    /// For bce this is infinite or NaN where A rounds to 0 or 1; [`Loss::dl_dz`] is not.
    #[inline(always)]
    pub fn dl_da(self, a: f64, y: f64) -> f64 {
        match self {
            Loss::Bce => -y / a + (1.0 - y) / (1.0 - a),
            Loss::Squared => a - y,
        }
    }

    /// dL/dZ = dL/dA * dA/dZ. For a sigmoid output with bce the product simplifies to the
    /// seed's A - y, which is used as is: it is exact and finite for every A, where the
    /// unfused product gives inf * 0 = NaN once A rounds to 0 or 1.
    #[inline(always)]
    pub fn dl_dz(self, output: Activation, a: f64, y: f64) -> f64 {
        match (self, output) {
            (Loss::Bce, Activation::Sigmoid) => a - y,
            _ => self.dl_da(a, y) * output.df(a),
        }
    }

    /// The smallest and largest target this loss accepts.
    pub fn target_range(self) -> (f64, f64) {
        match self {
            Loss::Bce => (0.0, 1.0),
            Loss::Squared => (f64::NEG_INFINITY, f64::INFINITY),
        }
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
    fn squared_seed_values() {
        assert_eq!(Loss::Squared.value(Activation::Linear, 3.0, 3.0, 1.0), 2.0);
        assert_eq!(Loss::Squared.dl_da(3.0, 1.0), 2.0);
        assert_eq!(Loss::Squared.dl_dz(Activation::Linear, 3.0, 1.0), 2.0);
    }
}
