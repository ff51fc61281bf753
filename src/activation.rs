//! Activation functions `f` paired with their derivatives `df`, as in dfdx.
//!
//! Every derivative is written from the activation's output A, where that is how the seed
//! writes it (sigmoid: dA/dZ = A(1 - A)), because the backward pass already has A.

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
}

/// The slope of leakyRelu for Z <= 0.
pub const LEAKY_SLOPE: f64 = 0.01;

impl Activation {
    /// Every activation, in the order the UI lists them.
    pub const ALL: [Activation; 5] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Linear,
    ];

    /// The name used in configs, states and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leakyRelu",
            Activation::Linear => "linear",
        }
    }

    /// Parses a config name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<Activation> {
        Activation::ALL.into_iter().find(|a| a.name() == name)
    }

    /// A = f(Z).
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
            Activation::Linear => z,
        }
    }

    /// dA/dZ written from the output A = f(Z).
    ///
    /// For relu and leakyRelu, A > 0 exactly when Z > 0, so the output decides the branch.
    #[inline(always)]
    pub fn df(self, a: f64) -> f64 {
        match self {
            Activation::Sigmoid => a * (1.0 - a),
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
            Activation::Sigmoid => (0.0, 1.0),
            _ => (-1.0, 1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Activation::ALL {
            assert_eq!(Activation::parse(a.name()), Some(a));
        }
        assert_eq!(Activation::parse("softmax"), None);
    }

    #[test]
    fn derivatives_from_output_match_central_differences() {
        for a in Activation::ALL {
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
