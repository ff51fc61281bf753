//! The same seed gives the same bits natively and in wasm: fixed training runs
//! (`common::scenarios`) are hashed and compared with `tests/fixtures/fingerprint.txt`,
//! which `tests/web.rs` checks in headless Chromium too.
//!
//! When the engine's arithmetic changes on purpose, regenerate the file with
//! `UPDATE_FINGERPRINT=1 cargo test --test fingerprint`, then run the wasm tests.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use backprop_viz::dataset::{self, DatasetKind};
use backprop_viz::{Network, Spec};
use common::scenarios::{self, SCENARIOS, Scenario};
use common::{config, fnv1a};

const FIXTURE: &str = include_str!("fixtures/fingerprint.txt");

fn run(s: &Scenario) -> u64 {
    let spec = Spec {
        learning_rate: Some(s.learning_rate),
        batch_size: Some(s.batch_size as f64),
        optimizer: Some(s.optimizer.into()),
        regularization: Some(s.regularization.into()),
        regularization_rate: Some(s.regularization_rate),
        seed: Some(f64::from(s.seed)),
        features: (!s.features.is_empty())
            .then(|| s.features.iter().map(|f| f.to_string()).collect()),
        ..config(s.layers, s.hidden, s.output, s.loss)
    };
    let mut net = Network::new(&spec).unwrap();
    let kind = DatasetKind::parse(s.dataset).unwrap();
    let split = dataset::generate(kind, s.count, s.noise, 50.0, u64::from(s.dataset_seed));
    // What dataset() gives JavaScript: one-hot rows for multiclass sets.
    let targets = |p: &dataset::Points| match split.task {
        dataset::Task::Multiclass => dataset::one_hot(&p.targets, split.classes),
        _ => p.targets.clone(),
    };
    let (train_y, test_y) = (targets(&split.train), targets(&split.test));
    net.set_training_data(&split.train.inputs, &train_y)
        .unwrap();
    net.set_test_data(&split.test.inputs, &test_y).unwrap();
    let last = net.step(s.steps).unwrap();
    let m = net.evaluate();
    fnv1a(scenarios::fingerprint_values(
        [&split.train.inputs, &train_y, &split.test.inputs, &test_y],
        net.weights_buffer(),
        net.biases_buffer(),
        last,
        m.train_loss,
        m.test_loss,
    ))
}

#[test]
fn fingerprints_match_the_shared_fixture() {
    let lines: Vec<String> = SCENARIOS
        .iter()
        .map(|s| scenarios::line(s.name, run(s)))
        .collect();
    let mut text = String::from(
        "# Bit fingerprints of tests/common/scenarios.rs, shared by tests/fingerprint.rs (native)\n\
         # and tests/web.rs (wasm). Regenerate: UPDATE_FINGERPRINT=1 cargo test --test fingerprint\n",
    );
    for l in &lines {
        text.push_str(l);
        text.push('\n');
    }
    if std::env::var_os("UPDATE_FINGERPRINT").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fingerprint.txt"
        );
        std::fs::write(path, &text).unwrap();
        eprintln!("wrote {path}:\n{text}");
        return;
    }
    let want: Vec<String> = scenarios::expected(FIXTURE)
        .iter()
        .map(|(n, h)| format!("{n} {h}"))
        .collect();
    assert_eq!(
        lines, want,
        "\nthe native fingerprints differ from tests/fixtures/fingerprint.txt.\n\
         If the arithmetic changed on purpose, regenerate with\n  \
         UPDATE_FINGERPRINT=1 cargo test --test fingerprint\n\
         New file contents:\n{text}"
    );
}

#[test]
fn fingerprints_depend_on_the_seed() {
    let mut s = SCENARIOS[0];
    let a = run(&s);
    assert_eq!(a, run(&s), "same scenario, same bits");
    s.seed += 1;
    assert_ne!(a, run(&s), "a different seed must give different weights");
}
