//! Seeded 2-D datasets and the input features a network can be fed from a point (x1, x2).
//!
//! Binary classification: the four TensorFlow Playground users know, plus moons (labels 0
//! and 1). Multiclass: three and four Gaussian blobs, three spiral arms, four quadrants
//! (labels 0 to K - 1). Regression: the Playground's plane and mixture of Gaussians (real
//! targets, about -1 to 1).

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
    /// 3 classes: Gaussian blobs centred 3 from the origin at 90, 210 and 330 degrees.
    Blobs3,
    /// 4 classes: Gaussian blobs centred at (2.5, 2.5), (-2.5, 2.5), (-2.5, -2.5), (2.5, -2.5).
    Blobs4,
    /// 3 classes: three spiral arms, 120 degrees apart, each one turn out to radius 5.
    Spiral3,
    /// 4 classes: the quadrant of the point, counter-clockwise from (+, +), with points kept
    /// 0.3 away from the axes (XOR's layout with a class per quadrant).
    Quadrants4,
    /// Regression: points uniform in [-6, 6]^2, target (x1 + x2) / 10 (so -1.2 to 1.2).
    RegressPlane,
    /// Regression: points uniform in [-6, 6]^2; six Gaussian bumps of alternating sign at
    /// (-4, 2.5), (0, 2.5), (4, 2.5), (-4, -2.5), (0, -2.5), (4, -2.5), each
    /// sign * max(0, 1 - d / 2) at distance d from its centre; the target is the bump
    /// largest in magnitude (so -1 to 1).
    RegressGaussian,
}

/// What a dataset's targets mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Labels 0 and 1.
    Binary,
    /// Class indices 0 to K - 1.
    Multiclass,
    /// Real numbers.
    Regression,
}

impl Task {
    /// The name used in results: `"binary"`, `"multiclass"`, `"regression"`.
    pub fn name(self) -> &'static str {
        match self {
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Regression => "regression",
        }
    }

    /// Parses a name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<Task> {
        [Task::Binary, Task::Multiclass, Task::Regression]
            .into_iter()
            .find(|t| t.name() == name)
    }
}

impl DatasetKind {
    /// Every dataset, in the order the UI lists them.
    pub const ALL: [DatasetKind; 11] = [
        DatasetKind::Circle,
        DatasetKind::Xor,
        DatasetKind::Gaussian,
        DatasetKind::Spiral,
        DatasetKind::Moons,
        DatasetKind::Blobs3,
        DatasetKind::Blobs4,
        DatasetKind::Spiral3,
        DatasetKind::Quadrants4,
        DatasetKind::RegressPlane,
        DatasetKind::RegressGaussian,
    ];

    /// The name used in configs and URLs.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Circle => "circle",
            DatasetKind::Xor => "xor",
            DatasetKind::Gaussian => "gaussian",
            DatasetKind::Spiral => "spiral",
            DatasetKind::Moons => "moons",
            DatasetKind::Blobs3 => "blobs3",
            DatasetKind::Blobs4 => "blobs4",
            DatasetKind::Spiral3 => "spiral3",
            DatasetKind::Quadrants4 => "quadrants4",
            DatasetKind::RegressPlane => "regressPlane",
            DatasetKind::RegressGaussian => "regressGaussian",
        }
    }

    /// What the targets are.
    pub fn task(self) -> Task {
        match self.classes() {
            0 => Task::Regression,
            2 => Task::Binary,
            _ => Task::Multiclass,
        }
    }

    /// The number of classes: 2 for binary sets, K for multiclass, 0 for regression.
    pub fn classes(self) -> usize {
        match self {
            DatasetKind::Blobs3 | DatasetKind::Spiral3 => 3,
            DatasetKind::Blobs4 | DatasetKind::Quadrants4 => 4,
            DatasetKind::RegressPlane | DatasetKind::RegressGaussian => 0,
            _ => 2,
        }
    }

    /// Parses a name; `None` for an unknown one.
    pub fn parse(name: &str) -> Option<DatasetKind> {
        DatasetKind::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Labelled 2-D points: `inputs` holds (x1, x2) pairs row-major, `targets` one number each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Points {
    /// x1, x2 of each point, in order.
    pub inputs: Vec<f64>,
    /// Per point: the class (0 or 1; 0 to K - 1 for multiclass), or the real target.
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

    /// Appends a point.
    pub fn push(&mut self, x1: f64, x2: f64, label: f64) {
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
    /// What the targets are.
    pub task: Task,
    /// 2 for binary, K for multiclass, 0 for regression.
    pub classes: usize,
}

/// One-hot rows for class indices: row i has a 1 at `labels[i]` and 0 elsewhere, `classes`
/// numbers per row (a label outside 0 to classes - 1 gives a row of zeros).
pub fn one_hot(labels: &[f64], classes: usize) -> Vec<f64> {
    let mut out = vec![0.0; labels.len() * classes];
    for (i, &label) in labels.iter().enumerate() {
        if label >= 0.0 && label < classes as f64 && label.fract() == 0.0 {
            out[i * classes + label as usize] = 1.0;
        }
    }
    out
}

/// Shuffles `all` with `rng` and puts `train_percent` percent (clamped to 10 to 90) of the
/// points in the training set, the rest in the test set.
pub fn split(all: &Points, train_percent: f64, rng: &mut Rng) -> (Points, Points) {
    let count = all.len();
    let mut order: Vec<usize> = (0..count).collect();
    rng.shuffle(&mut order);
    let n_train = ((count as f64) * train_percent.clamp(10.0, 90.0) / 100.0).round() as usize;
    let (mut train, mut test) = (Points::default(), Points::default());
    for (rank, &i) in order.iter().enumerate() {
        let dest = if rank < n_train {
            &mut train
        } else {
            &mut test
        };
        dest.push(all.inputs[2 * i], all.inputs[2 * i + 1], all.targets[i]);
    }
    (train, test)
}

/// The class of point i of `count` when K classes share the points in equal runs.
fn class_of(i: usize, count: usize, k: usize) -> usize {
    (i * k / count.max(1)).min(k - 1)
}

/// The Playground's regression bumps: (centre x, centre y, sign).
const BUMPS: [(f64, f64, f64); 6] = [
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
];

/// The mixture-of-Gaussians target at (x, y): of the bumps sign * max(0, 1 - d / 2), the
/// one largest in magnitude (the first on ties; 0 far from every centre).
pub fn gaussian_mixture(x: f64, y: f64) -> f64 {
    let mut best = 0.0f64;
    for (cx, cy, sign) in BUMPS {
        let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).sqrt();
        let v = sign * (1.0 - d / 2.0).clamp(0.0, 1.0);
        if v.abs() > best.abs() {
            best = v;
        }
    }
    best
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
        let mut label = if positive { 1.0 } else { 0.0 };
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
            DatasetKind::Blobs3 | DatasetKind::Blobs4 => {
                let k = kind.classes();
                let c = class_of(i, count, k);
                label = c as f64;
                let (cx, cy) = if k == 3 {
                    let angle = PI / 2.0 + 2.0 * PI * c as f64 / 3.0;
                    (3.0 * fmath::cos(angle), 3.0 * fmath::sin(angle))
                } else {
                    let signs = [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)];
                    (2.5 * signs[c].0, 2.5 * signs[c].1)
                };
                let sd = 0.7 + 2.6 * noise;
                (cx + sd * rng.normal(), cy + sd * rng.normal())
            }
            DatasetKind::Spiral3 => {
                let c = class_of(i, count, 3);
                label = c as f64;
                // Position along the arm: the class's run of points, from 0 to 1.
                let first = (c * count).div_ceil(3);
                let next = ((c + 1) * count).div_ceil(3);
                let t = (i - first) as f64 / (next - first).max(1) as f64;
                let r = 5.0 * t;
                let angle = 2.0 * PI * t + 2.0 * PI * c as f64 / 3.0;
                let (nx, ny) = (rng.range(-1.0, 1.0) * noise, rng.range(-1.0, 1.0) * noise);
                (r * fmath::sin(angle) + nx, r * fmath::cos(angle) + ny)
            }
            DatasetKind::Quadrants4 => {
                let c = class_of(i, count, 4);
                label = c as f64;
                let signs = [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)];
                let a = rng.range(0.3, 5.0);
                let b = rng.range(0.3, 5.0);
                let (nx, ny) = (rng.range(-5.0, 5.0) * noise, rng.range(-5.0, 5.0) * noise);
                (signs[c].0 * a + nx, signs[c].1 * b + ny)
            }
            DatasetKind::RegressPlane | DatasetKind::RegressGaussian => {
                // As in the Playground, noise moves where the target is read, not the point.
                let (x, y) = (rng.range(-6.0, 6.0), rng.range(-6.0, 6.0));
                let (nx, ny) = (rng.range(-6.0, 6.0) * noise, rng.range(-6.0, 6.0) * noise);
                label = if kind == DatasetKind::RegressPlane {
                    (x + nx + y + ny) / 10.0
                } else {
                    gaussian_mixture(x + nx, y + ny)
                };
                (x, y)
            }
        };
        all.push(x1, x2, label);
    }
    let (train, test) = split(&all, train_percent, &mut rng);
    Split {
        train,
        test,
        task: kind.task(),
        classes: kind.classes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_split_and_balance() {
        for kind in DatasetKind::ALL
            .into_iter()
            .filter(|k| k.task() == Task::Binary)
        {
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
