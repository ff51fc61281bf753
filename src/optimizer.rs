//! Gradient-descent update rules and weight regularisation.

/// How a parameter moves given its batch-mean gradient g = mean(dL/dW).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// W <- W - learningRate * g.
    Sgd,
    /// v <- 0.9 v + g; W <- W - learningRate * v.
    Momentum,
    /// Adam (Kingma and Ba 2015), with beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8:
    /// m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
    /// W <- W - learningRate * m^ / (sqrt(v^) + eps), with m^ = m / (1 - b1^t), v^ = v / (1 - b2^t).
    Adam,
}

/// Momentum's decay of the velocity.
pub const MOMENTUM: f64 = 0.9;
const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPSILON: f64 = 1e-8;

impl Optimizer {
    /// Every optimizer, in the order the UI lists them.
    pub const ALL: [Optimizer; 3] = [Optimizer::Sgd, Optimizer::Momentum, Optimizer::Adam];

    /// The name used in configs, states and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Sgd => "sgd",
            Optimizer::Momentum => "momentum",
            Optimizer::Adam => "adam",
        }
    }

    /// Parses a config name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<Optimizer> {
        Optimizer::ALL.into_iter().find(|o| o.name() == name)
    }

    /// Moves every parameter in `params` against its gradient in `grads`.
    ///
    /// `m` and `v` are the per-parameter optimizer moments (unused by sgd; momentum uses `m`
    /// as its velocity) and `t` is the 1-based update count, for Adam's bias correction.
    pub fn update(
        self,
        learning_rate: f64,
        t: u64,
        params: &mut [f64],
        grads: &[f64],
        m: &mut [f64],
        v: &mut [f64],
    ) {
        match self {
            Optimizer::Sgd => {
                for (p, g) in params.iter_mut().zip(grads) {
                    *p -= learning_rate * g;
                }
            }
            Optimizer::Momentum => {
                for ((p, g), m) in params.iter_mut().zip(grads).zip(m.iter_mut()) {
                    *m = MOMENTUM * *m + g;
                    *p -= learning_rate * *m;
                }
            }
            Optimizer::Adam => {
                let t = t.min(1 << 20) as i32;
                let c1 = 1.0 - BETA1.powi(t);
                let c2 = 1.0 - BETA2.powi(t);
                for (((p, g), m), v) in params
                    .iter_mut()
                    .zip(grads)
                    .zip(m.iter_mut())
                    .zip(v.iter_mut())
                {
                    *m = BETA1 * *m + (1.0 - BETA1) * g;
                    *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                    *p -= learning_rate * (*m / c1) / ((*v / c2).sqrt() + EPSILON);
                }
            }
        }
    }
}

/// A penalty R(W) on the weights (never the biases), added to the loss with a rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regularization {
    /// No penalty.
    None,
    /// R = |W|, dR/dW = sign(W). A weight that the penalty would push across 0 stops at 0.
    L1,
    /// R = 1/2 W^2, dR/dW = W.
    L2,
}

impl Regularization {
    /// Every regularisation, in the order the UI lists them.
    pub const ALL: [Regularization; 3] =
        [Regularization::None, Regularization::L1, Regularization::L2];

    /// The name used in configs, states and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Regularization::None => "none",
            Regularization::L1 => "l1",
            Regularization::L2 => "l2",
        }
    }

    /// Parses a config name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<Regularization> {
        Regularization::ALL.into_iter().find(|r| r.name() == name)
    }

    /// dR/dW.
    #[inline(always)]
    pub fn der(self, w: f64) -> f64 {
        match self {
            Regularization::None => 0.0,
            Regularization::L1 => {
                if w > 0.0 {
                    1.0
                } else if w < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            Regularization::L2 => w,
        }
    }

    /// The regularisation step that follows the gradient step:
    /// W <- W - learningRate * rate * dR/dW, with dR/dW taken at the weights before the
    /// gradient step (`before`). Under L1 a weight that would cross 0 becomes 0.
    pub fn apply(self, learning_rate: f64, rate: f64, weights: &mut [f64], before: &[f64]) {
        if self == Regularization::None || rate == 0.0 {
            return;
        }
        for (w, &w0) in weights.iter_mut().zip(before) {
            let next = *w - learning_rate * rate * self.der(w0);
            *w = if self == Regularization::L1 && *w * next < 0.0 {
                0.0
            } else {
                next
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_is_the_textbook_update() {
        let mut p = [1.0, -2.0];
        Optimizer::Sgd.update(0.5, 1, &mut p, &[0.2, -0.4], &mut [0.0; 2], &mut [0.0; 2]);
        assert_eq!(p, [0.9, -1.8]);
    }

    #[test]
    fn momentum_accumulates_velocity() {
        let (mut p, mut m) = ([0.0], [0.0]);
        Optimizer::Momentum.update(1.0, 1, &mut p, &[1.0], &mut m, &mut [0.0]);
        Optimizer::Momentum.update(1.0, 2, &mut p, &[1.0], &mut m, &mut [0.0]);
        assert_eq!(m, [1.9]);
        assert_eq!(p, [-2.9]);
    }

    #[test]
    fn adam_first_step_moves_by_the_learning_rate() {
        let (mut p, mut m, mut v) = ([0.0, 0.0], [0.0; 2], [0.0; 2]);
        Optimizer::Adam.update(0.1, 1, &mut p, &[3.0, -0.002], &mut m, &mut v);
        assert!(
            (p[0] + 0.1).abs() < 1e-8 && (p[1] - 0.1).abs() < 1e-5,
            "{p:?}"
        );
    }

    #[test]
    fn regularisation_steps() {
        let mut w = [1.0, -1.0];
        Regularization::L2.apply(0.1, 0.5, &mut w, &[1.0, -1.0]);
        assert_eq!(w, [0.95, -0.95]);
        let mut w = [0.01, 0.5];
        Regularization::L1.apply(1.0, 0.1, &mut w, &[0.01, 0.5]);
        assert_eq!(w, [0.0, 0.4]);
        for r in Regularization::ALL {
            assert_eq!(Regularization::parse(r.name()), Some(r));
        }
    }
}
