//! Training reaches high test accuracy on the Playground's sets in a fixed number of steps
//! for a fixed seed, and the same seed gives the same bits.

mod common;

use backprop_viz::dataset::{self, DatasetKind, Split};
use backprop_viz::{Network, Spec};

use common::ALL_FEATURES;

fn data(kind: DatasetKind, seed: u64) -> Split {
    dataset::generate(kind, 500, 0.0, 50.0, seed)
}

fn network(layers: &[usize], features: &[&str], seed: u32) -> Network {
    Network::new(&Spec {
        layers: Some(layers.iter().map(|&n| n as f64).collect()),
        hidden: Some("tanh".into()),
        features: Some(features.iter().map(|s| s.to_string()).collect()),
        learning_rate: Some(0.03),
        batch_size: Some(10.0),
        seed: Some(f64::from(seed)),
        ..Spec::default()
    })
    .unwrap()
}

/// Trains for `steps` and returns (test accuracy, train loss before, train loss after).
fn train(net: &mut Network, split: &Split, steps: u32) -> (f64, f64, f64) {
    net.set_training_data(&split.train.inputs, &split.train.targets)
        .unwrap();
    net.set_test_data(&split.test.inputs, &split.test.targets)
        .unwrap();
    let before = net.evaluate().train_loss;
    net.step(steps).unwrap();
    let m = net.evaluate();
    (m.test_accuracy, before, m.train_loss)
}

#[track_caller]
fn assert_learns(name: &str, (accuracy, before, after): (f64, f64, f64)) {
    assert!(
        accuracy >= 0.95,
        "{name}: test accuracy {accuracy} < 0.95 (train loss {before} -> {after})"
    );
    assert!(
        after < before / 2.0,
        "{name}: train loss {before} -> {after}"
    );
}

#[test]
fn circle_2_4_2_1_tanh() {
    let mut net = network(&[2, 4, 2, 1], &["x1", "x2"], 1);
    let split = data(DatasetKind::Circle, 1);
    assert_learns("circle", train(&mut net, &split, 2000));
}

#[test]
fn xor_2_4_2_1_tanh() {
    let mut net = network(&[2, 4, 2, 1], &["x1", "x2"], 1);
    let split = data(DatasetKind::Xor, 1);
    assert_learns("xor", train(&mut net, &split, 4000));
}

#[test]
fn spiral_with_all_features_and_three_hidden_layers() {
    let mut net = network(&[7, 8, 8, 8, 1], &ALL_FEATURES, 1);
    let split = data(DatasetKind::Spiral, 1);
    assert_learns("spiral", train(&mut net, &split, 6000));
}

/// Untrained networks are near chance, so the accuracy above is the training's doing.
#[test]
fn untrained_networks_are_not_already_accurate() {
    for (kind, layers, features) in [
        (DatasetKind::Circle, &[2, 4, 2, 1][..], &ALL_FEATURES[..2]),
        (DatasetKind::Xor, &[2, 4, 2, 1][..], &ALL_FEATURES[..2]),
        (DatasetKind::Spiral, &[7, 8, 8, 8, 1][..], &ALL_FEATURES[..]),
    ] {
        let mut net = network(layers, features, 1);
        let (accuracy, _, _) = train(&mut net, &data(kind, 1), 1);
        assert!(accuracy < 0.9, "{kind:?}: untrained accuracy {accuracy}");
    }
}

#[test]
fn same_seed_same_bits_different_seed_different_bits() {
    let bits = |net: &Network| -> Vec<u64> {
        net.weights_buffer()
            .iter()
            .chain(net.biases_buffer())
            .map(|v| v.to_bits())
            .collect()
    };
    let run = |seed: u32, data_seed: u64| {
        let mut net = network(&[2, 4, 2, 1], &["x1", "x2"], seed);
        let split = data(DatasetKind::Circle, data_seed);
        let initial = bits(&net);
        net.set_training_data(&split.train.inputs, &split.train.targets)
            .unwrap();
        let loss = net.step(200).unwrap();
        (
            initial,
            bits(&net),
            loss.to_bits(),
            net.batch_buffer().to_vec(),
        )
    };
    let a = run(5, 1);
    assert_eq!(a, run(5, 1), "same seeds must give the same bits");
    let b = run(6, 1);
    assert_ne!(a.0, b.0, "another network seed, other initial weights");
    assert_ne!(a.1, b.1, "another network seed, other trained weights");
    assert_ne!(a.3, b.3, "another network seed, another batch order");
    let c = run(5, 2);
    assert_eq!(a.0, c.0, "the data's seed does not change initialisation");
    assert_ne!(a.1, c.1, "other data, other trained weights");
}

#[test]
fn datasets_are_deterministic_by_seed() {
    for kind in DatasetKind::ALL {
        let a = dataset::generate(kind, 300, 25.0, 60.0, 9);
        let b = dataset::generate(kind, 300, 25.0, 60.0, 9);
        let bits = |s: &Split| -> Vec<u64> {
            s.train
                .inputs
                .iter()
                .chain(&s.train.targets)
                .chain(&s.test.inputs)
                .chain(&s.test.targets)
                .map(|v| v.to_bits())
                .collect()
        };
        assert_eq!(bits(&a), bits(&b), "{kind:?}");
        assert_ne!(
            bits(&a),
            bits(&dataset::generate(kind, 300, 25.0, 60.0, 10)),
            "{kind:?}: another seed"
        );
        assert_eq!(a.train.len(), 180, "{kind:?}: 60% of 300 train");
        assert_eq!(a.test.len(), 120, "{kind:?}");
    }
}

/// Initialisation follows the docs: Xavier limits for tanh, He limits for relu, zero biases.
#[test]
fn initialisation_is_within_the_documented_limits() {
    for (hidden, limit) in [
        ("tanh", (6.0f64 / (2.0 + 16.0)).sqrt()),
        ("relu", (6.0f64 / 2.0).sqrt()),
    ] {
        let net = Network::new(&Spec {
            layers: Some(vec![2.0, 16.0, 1.0]),
            hidden: Some(hidden.into()),
            seed: Some(3.0),
            ..Spec::default()
        })
        .unwrap();
        let first = &net.weights_buffer()[..32];
        assert!(first.iter().all(|w| w.abs() <= limit), "{hidden}");
        // Spread over most of the range, not squeezed near 0.
        let widest = first.iter().fold(0.0f64, |m, w| m.max(w.abs()));
        assert!(widest > 0.7 * limit, "{hidden}: widest {widest} of {limit}");
        assert!(net.biases_buffer().iter().all(|&b| b == 0.0));
    }
}
