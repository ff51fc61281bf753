//! Seeded 2-D datasets (the four TensorFlow Playground users know, plus moons) and the
//! input features a network can be fed from a point (x1, x2).

use crate::fmath;
use crate::rng::Rng;
use std::f64::consts::PI;

/// An input feature computed from a 2-D point (x1, x2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// x1.
    X1,
    /// x2.
    X2,
    /// x1^2.
    X1Squared,
    /// x2^2.
    X2Squared,
    /// x1 * x2.
    X1X2,
    /// sin x1.
    SinX1,
    /// sin x2.
    SinX2,
}

impl Feature {
    /// Every feature, in the order the UI lists them.
    pub const ALL: [Feature; 7] = [
        Feature::X1,
        Feature::X2,
        Feature::X1Squared,
        Feature::X2Squared,
        Feature::X1X2,
        Feature::SinX1,
        Feature::SinX2,
    ];

    /// The name used in configs, states and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1Squared => "x1Squared",
            Feature::X2Squared => "x2Squared",
            Feature::X1X2 => "x1x2",
            Feature::SinX1 => "sinX1",
            Feature::SinX2 => "sinX2",
        }
    }

    /// Parses a config name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The feature's value at the point (x1, x2).
    #[inline(always)]
    pub fn eval(self, x1: f64, x2: f64) -> f64 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Squared => x1 * x1,
            Feature::X2Squared => x2 * x2,
            Feature::X1X2 => x1 * x2,
            Feature::SinX1 => fmath::sin(x1),
            Feature::SinX2 => fmath::sin(x2),
        }
    }
}

/// Which generator produces a dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatasetKind {
    /// Class 1 inside a disc of radius 2.5, class 0 in a ring from 3.5 to 5.
    Circle,
    /// Class 1 where x1 and x2 have the same sign.
    Xor,
    /// Two Gaussian blobs centred at (2, 2) (class 1) and (-2, -2) (class 0).
    Gaussian,
    /// Two interleaved spirals of 1.75 turns out to radius 5.
    Spiral,
    /// Two interleaved half-moons.
    Moons,
}

impl DatasetKind {
    /// Every dataset, in the order the UI lists them.
    pub const ALL: [DatasetKind; 5] = [
        DatasetKind::Circle,
        DatasetKind::Xor,
        DatasetKind::Gaussian,
        DatasetKind::Spiral,
        DatasetKind::Moons,
    ];

    /// The name used in configs and URLs.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Circle => "circle",
            DatasetKind::Xor => "xor",
            DatasetKind::Gaussian => "gaussian",
            DatasetKind::Spiral => "spiral",
            DatasetKind::Moons => "moons",
        }
    }

    /// Parses a name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<DatasetKind> {
        DatasetKind::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Labelled 2-D points: `inputs` holds (x1, x2) pairs row-major, `targets` one 0/1 label each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Points {
    /// x1, x2 of each point, in order.
    pub inputs: Vec<f64>,
    /// The class of each point, 0 or 1.
    pub targets: Vec<f64>,
}

impl Points {
    /// The number of points.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    fn push(&mut self, x1: f64, x2: f64, label: f64) {
        self.inputs.extend_from_slice(&[x1, x2]);
        self.targets.push(label);
    }
}

/// A dataset split into training and test points.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// The points the network trains on.
    pub train: Points,
    /// The held-out points.
    pub test: Points,
}

/// The most points [`generate`] makes.
pub const MAX_COUNT: usize = 100_000;

/// Generates `count` points of `kind` with `noise` percent (0 to 50) of noise, shuffles
/// them with `seed`, and puts `train_percent` percent (10 to 90) of them in the training set.
///
/// The caller validates the ranges; out-of-range values are clamped here.
pub fn generate(
    kind: DatasetKind,
    count: usize,
    noise: f64,
    train_percent: f64,
    seed: u64,
) -> Split {
    let count = count.min(MAX_COUNT);
    let noise = noise.clamp(0.0, 50.0) / 100.0;
    let mut rng = Rng::new(seed ^ 0xda7a_5e7d_0000_0000);
    let mut all = Points::default();
    let half = count / 2;
    for i in 0..count {
        let positive = i < half;
        let label = if positive { 1.0 } else { 0.0 };
        let (x1, x2) = match kind {
            DatasetKind::Circle => {
                let r = if positive {
                    rng.range(0.0, 2.5)
                } else {
                    rng.range(3.5, 5.0)
                };
                let angle = rng.range(0.0, 2.0 * PI);
                let (nx, ny) = (rng.range(-5.0, 5.0) * noise, rng.range(-5.0, 5.0) * noise);
                (r * fmath::sin(angle) + nx, r * fmath::cos(angle) + ny)
            }
            DatasetKind::Xor => {
                // Keep points 0.3 away from the axes, then draw the quadrant from the label.
                let a = rng.range(0.3, 5.0);
                let b = rng.range(0.3, 5.0);
                let flip = rng.uniform() < 0.5;
                let (sa, sb) = match (positive, flip) {
                    (true, false) => (1.0, 1.0),
                    (true, true) => (-1.0, -1.0),
                    (false, false) => (1.0, -1.0),
                    (false, true) => (-1.0, 1.0),
                };
                let (nx, ny) = (rng.range(-5.0, 5.0) * noise, rng.range(-5.0, 5.0) * noise);
                (sa * a + nx, sb * b + ny)
            }
            DatasetKind::Gaussian => {
                let sd = 0.7 + 2.6 * noise;
                let c = if positive { 2.0 } else { -2.0 };
                (c + sd * rng.normal(), c + sd * rng.normal())
            }
            DatasetKind::Spiral => {
                let j = if positive { i } else { i - half };
                let n = if positive { half } else { count - half };
                let t = j as f64 / n.max(1) as f64;
                let r = 5.0 * t;
                let angle = 1.75 * 2.0 * PI * t + if positive { 0.0 } else { PI };
                let (nx, ny) = (rng.range(-1.0, 1.0) * noise, rng.range(-1.0, 1.0) * noise);
                (r * fmath::sin(angle) + nx, r * fmath::cos(angle) + ny)
            }
            DatasetKind::Moons => {
                let theta = rng.range(0.0, PI);
                let (x, y) = if positive {
                    (fmath::cos(theta), fmath::sin(theta))
                } else {
                    (1.0 - fmath::cos(theta), 0.5 - fmath::sin(theta))
                };
                let sd = 2.0 * noise;
                (
                    (x - 0.5) * 3.5 + sd * rng.normal(),
                    (y - 0.25) * 3.5 + sd * rng.normal(),
                )
            }
        };
        all.push(x1, x2, label);
    }
    let mut order: Vec<usize> = (0..count).collect();
    rng.shuffle(&mut order);
    let n_train = ((count as f64) * train_percent.clamp(10.0, 90.0) / 100.0).round() as usize;
    let mut split = Split {
        train: Points::default(),
        test: Points::default(),
    };
    for (rank, &i) in order.iter().enumerate() {
        let dest = if rank < n_train {
            &mut split.train
        } else {
            &mut split.test
        };
        dest.push(all.inputs[2 * i], all.inputs[2 * i + 1], all.targets[i]);
    }
    split
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_split_and_balance() {
        for kind in DatasetKind::ALL {
            let s = generate(kind, 500, 0.0, 50.0, 1);
            assert_eq!(s.train.len(), 250);
            assert_eq!(s.test.len(), 250);
            let ones: f64 = s.train.targets.iter().chain(&s.test.targets).sum();
            assert_eq!(ones, 250.0, "{kind:?} is balanced");
            assert!(
                s.train
                    .inputs
                    .iter()
                    .all(|v| v.is_finite() && v.abs() < 8.0)
            );
            assert_eq!(DatasetKind::parse(kind.name()), Some(kind));
        }
    }

    #[test]
    fn noiseless_sets_are_separated_as_described() {
        let s = generate(DatasetKind::Circle, 400, 0.0, 50.0, 2);
        for (p, &y) in s.train.inputs.chunks(2).zip(&s.train.targets) {
            let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
            assert!(if y == 1.0 {
                r <= 2.5 + 1e-9
            } else {
                r >= 3.5 - 1e-9
            });
        }
        let s = generate(DatasetKind::Xor, 400, 0.0, 50.0, 2);
        for (p, &y) in s.train.inputs.chunks(2).zip(&s.train.targets) {
            assert_eq!(p[0] * p[1] > 0.0, y == 1.0);
        }
    }

    #[test]
    fn deterministic_by_seed() {
        let a = generate(DatasetKind::Spiral, 300, 20.0, 70.0, 9);
        assert_eq!(a, generate(DatasetKind::Spiral, 300, 20.0, 70.0, 9));
        assert_ne!(a, generate(DatasetKind::Spiral, 300, 20.0, 70.0, 10));
        assert_eq!(a.train.len(), 210);
    }

    #[test]
    fn features_evaluate() {
        let v: Vec<f64> = Feature::ALL.iter().map(|f| f.eval(2.0, -3.0)).collect();
        assert_eq!(&v[..5], &[2.0, -3.0, 4.0, 9.0, -6.0]);
        assert!((v[5] - 2f64.sin()).abs() < 1e-15 && (v[6] - (-3f64).sin()).abs() < 1e-15);
        for f in Feature::ALL {
            assert_eq!(Feature::parse(f.name()), Some(f));
        }
    }
}
