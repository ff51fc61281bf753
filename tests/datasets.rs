//! The multiclass and regression datasets: class counts and balance, labels 0 to K - 1,
//! determinism by seed, the shapes the noiseless sets promise, the Playground's regression
//! formulas, one-hot rows and the train/test split.

mod common;

use backprop_viz::dataset::{self, DatasetKind, Task};
use std::f64::consts::PI;

const MULTICLASS: [(DatasetKind, usize); 4] = [
    (DatasetKind::Blobs3, 3),
    (DatasetKind::Spiral3, 3),
    (DatasetKind::Blobs4, 4),
    (DatasetKind::Quadrants4, 4),
];

fn all_points(s: &dataset::Split) -> Vec<(f64, f64, f64)> {
    let mut v = Vec::new();
    for p in [&s.train, &s.test] {
        for (xy, &t) in p.inputs.chunks(2).zip(&p.targets) {
            v.push((xy[0], xy[1], t));
        }
    }
    v
}

#[test]
fn tasks_and_class_counts() {
    for kind in DatasetKind::ALL {
        assert_eq!(DatasetKind::parse(kind.name()), Some(kind));
        let want = match kind {
            DatasetKind::RegressPlane | DatasetKind::RegressGaussian => (Task::Regression, 0),
            DatasetKind::Blobs3 | DatasetKind::Spiral3 => (Task::Multiclass, 3),
            DatasetKind::Blobs4 | DatasetKind::Quadrants4 => (Task::Multiclass, 4),
            _ => (Task::Binary, 2),
        };
        assert_eq!((kind.task(), kind.classes()), want, "{kind:?}");
        let s = dataset::generate(kind, 60, 0.0, 50.0, 1);
        assert_eq!((s.task, s.classes), want);
    }
    assert_eq!(Task::parse("multiclass"), Some(Task::Multiclass));
    assert_eq!(Task::parse("Binary"), None);
}

#[test]
fn multiclass_sets_are_balanced_with_labels_0_to_k_minus_1() {
    for (kind, k) in MULTICLASS {
        for (count, noise) in [(500, 0.0), (301, 30.0), (7, 50.0)] {
            let s = dataset::generate(kind, count, noise, 60.0, 4);
            let points = all_points(&s);
            assert_eq!(points.len(), count);
            let mut per_class = vec![0usize; k];
            for &(x, y, c) in &points {
                assert!(x.is_finite() && y.is_finite() && x.abs() < 12.0 && y.abs() < 12.0);
                assert!(
                    c >= 0.0 && c < k as f64 && c.fract() == 0.0,
                    "{kind:?}: label {c}"
                );
                per_class[c as usize] += 1;
            }
            let (lo, hi) = (
                per_class.iter().min().unwrap(),
                per_class.iter().max().unwrap(),
            );
            assert!(hi - lo <= 1, "{kind:?} {count}: {per_class:?}");
            assert_eq!(s.train.len(), (count as f64 * 0.6).round() as usize);
        }
    }
}

#[test]
fn noiseless_multiclass_sets_have_the_promised_shape() {
    // Quadrants: the class is the quadrant, counter-clockwise from (+, +), 0.3 from the axes.
    let s = dataset::generate(DatasetKind::Quadrants4, 400, 0.0, 50.0, 2);
    for (x, y, c) in all_points(&s) {
        let q = match (x > 0.0, y > 0.0) {
            (true, true) => 0.0,
            (false, true) => 1.0,
            (false, false) => 2.0,
            (true, false) => 3.0,
        };
        assert_eq!(c, q, "({x}, {y})");
        assert!(x.abs() >= 0.3 && y.abs() >= 0.3);
    }
    // Blobs: nearly every point is nearest its own centre (sd 0.7, centres 4.5 or more apart).
    for (kind, centres) in [
        (
            DatasetKind::Blobs3,
            vec![
                (0.0, 3.0),
                (3.0 * (210f64).to_radians().cos(), -1.5),
                (3.0 * (330f64).to_radians().cos(), -1.5),
            ],
        ),
        (
            DatasetKind::Blobs4,
            vec![(2.5, 2.5), (-2.5, 2.5), (-2.5, -2.5), (2.5, -2.5)],
        ),
    ] {
        let s = dataset::generate(kind, 600, 0.0, 50.0, 5);
        let points = all_points(&s);
        let nearest_own = points
            .iter()
            .filter(|(x, y, c)| {
                let d = |i: usize| (x - centres[i].0).powi(2) + (y - centres[i].1).powi(2);
                (0..centres.len()).all(|i| d(*c as usize) <= d(i))
            })
            .count();
        assert!(
            nearest_own as f64 >= 0.98 * points.len() as f64,
            "{kind:?}: {nearest_own} of {}",
            points.len()
        );
    }
    // Spiral arms: a point at radius r on arm c has angle 2 pi r / 5 + 2 pi c / 3, measured
    // from the x2 axis towards x1 (x1 = r sin, x2 = r cos).
    let s = dataset::generate(DatasetKind::Spiral3, 300, 0.0, 50.0, 6);
    for (x, y, c) in all_points(&s) {
        let r = (x * x + y * y).sqrt();
        assert!(r < 5.0 + 1e-9);
        if r < 1e-9 {
            continue;
        }
        let want = 2.0 * PI * r / 5.0 + 2.0 * PI * c / 3.0;
        let diff = (x.atan2(y) - want).rem_euclid(2.0 * PI);
        assert!(diff < 1e-9 || 2.0 * PI - diff < 1e-9, "arm {c} at r {r}");
    }
}

#[test]
fn regression_sets_follow_the_playground_formulas() {
    let s = dataset::generate(DatasetKind::RegressPlane, 500, 0.0, 50.0, 3);
    for (x, y, t) in all_points(&s) {
        assert!((-6.0..6.0).contains(&x) && (-6.0..6.0).contains(&y));
        assert_eq!(t, (x + y) / 10.0);
        assert!(t.abs() <= 1.2);
    }
    let s = dataset::generate(DatasetKind::RegressGaussian, 500, 0.0, 50.0, 3);
    let points = all_points(&s);
    for &(x, y, t) in &points {
        assert_eq!(t, dataset::gaussian_mixture(x, y));
        assert!(t.abs() <= 1.0);
    }
    assert!(points.iter().any(|p| p.2 > 0.5) && points.iter().any(|p| p.2 < -0.5));
    // The bumps: 1 at a positive centre, -1 at a negative one, 0 far from all, linear in
    // between (1 - d/2), and the larger magnitude wins.
    assert_eq!(dataset::gaussian_mixture(-4.0, 2.5), 1.0);
    assert_eq!(dataset::gaussian_mixture(0.0, 2.5), -1.0);
    assert_eq!(dataset::gaussian_mixture(4.0, -2.5), -1.0);
    assert_eq!(dataset::gaussian_mixture(-4.0, 0.0), 0.0);
    assert!((dataset::gaussian_mixture(-3.0, 2.5) - 0.5).abs() < 1e-15);
    assert!((dataset::gaussian_mixture(-1.5, 2.5) + 0.25).abs() < 1e-15);
    // Noise moves where the target is read, not the point: targets leave the formula.
    for kind in [DatasetKind::RegressPlane, DatasetKind::RegressGaussian] {
        let s = dataset::generate(kind, 200, 40.0, 50.0, 3);
        let off = all_points(&s)
            .iter()
            .filter(|(x, y, t)| {
                let clean = if kind == DatasetKind::RegressPlane {
                    (x + y) / 10.0
                } else {
                    dataset::gaussian_mixture(*x, *y)
                };
                (t - clean).abs() > 1e-9
            })
            .count();
        assert!(off > 100, "{kind:?}: noise changed {off} targets");
    }
}

#[test]
fn every_set_is_deterministic_by_seed() {
    for kind in DatasetKind::ALL {
        let a = dataset::generate(kind, 120, 20.0, 70.0, 9);
        assert_eq!(a, dataset::generate(kind, 120, 20.0, 70.0, 9), "{kind:?}");
        assert_ne!(a, dataset::generate(kind, 120, 20.0, 70.0, 10), "{kind:?}");
    }
}

#[test]
fn one_hot_rows() {
    assert_eq!(
        dataset::one_hot(&[2.0, 0.0, 1.0], 3),
        [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    );
    // Out-of-range or fractional labels give zero rows rather than a panic.
    assert_eq!(dataset::one_hot(&[3.0, -1.0, 0.5, f64::NAN], 2), [0.0; 8]);
    let s = dataset::generate(DatasetKind::Blobs4, 40, 0.0, 50.0, 1);
    let y = dataset::one_hot(&s.train.targets, 4);
    for (row, &c) in y.chunks(4).zip(&s.train.targets) {
        assert_eq!(row.iter().sum::<f64>(), 1.0);
        assert_eq!(row[c as usize], 1.0);
    }
}
