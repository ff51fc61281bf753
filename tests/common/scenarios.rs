//! Fixed training runs whose results must be bit-identical natively and in wasm.
//!
//! `tests/fingerprint.rs` runs them through the Rust API, `tests/web.rs` through the JS
//! binding in headless Chromium; both compare against `tests/fixtures/fingerprint.txt`.
//! Each run covers different math: tanh/sigmoid (the crate's `exp`), softplus and `ln`,
//! `sin`/`cos` in datasets and features, Gaussian noise (`ln`, `sqrt`), and every optimizer
//! and regularisation.

/// One fixed run: a config, a dataset and a number of steps.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub layers: &'static [usize],
    pub hidden: &'static str,
    pub output: &'static str,
    pub loss: &'static str,
    pub optimizer: &'static str,
    pub regularization: &'static str,
    pub regularization_rate: f64,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub features: &'static [&'static str],
    pub seed: u32,
    pub dataset: &'static str,
    pub count: usize,
    pub noise: f64,
    pub dataset_seed: u32,
    pub steps: u32,
}

pub const SCENARIOS: [Scenario; 6] = [
    Scenario {
        name: "circle-tanh-sgd",
        layers: &[2, 4, 2, 1],
        hidden: "tanh",
        output: "sigmoid",
        loss: "bce",
        optimizer: "sgd",
        regularization: "none",
        regularization_rate: 0.0,
        learning_rate: 0.03,
        batch_size: 10,
        features: &["x1", "x2"],
        seed: 1,
        dataset: "circle",
        count: 200,
        noise: 0.0,
        dataset_seed: 1,
        steps: 300,
    },
    Scenario {
        name: "spiral-deep-adam-l2",
        layers: &[7, 8, 8, 8, 1],
        hidden: "tanh",
        output: "sigmoid",
        loss: "bce",
        optimizer: "adam",
        regularization: "l2",
        regularization_rate: 0.001,
        learning_rate: 0.01,
        batch_size: 7,
        features: &super::ALL_FEATURES,
        seed: 42,
        dataset: "spiral",
        count: 160,
        noise: 10.0,
        dataset_seed: 3,
        steps: 150,
    },
    Scenario {
        name: "gaussian-relu-momentum-l1",
        layers: &[2, 6, 3, 1],
        hidden: "relu",
        output: "linear",
        loss: "squared",
        optimizer: "momentum",
        regularization: "l1",
        regularization_rate: 0.01,
        learning_rate: 0.005,
        batch_size: 5,
        features: &[],
        seed: 7,
        dataset: "gaussian",
        count: 100,
        noise: 20.0,
        dataset_seed: 5,
        steps: 120,
    },
    Scenario {
        name: "moons-leaky-tanh-out",
        layers: &[3, 5, 1],
        hidden: "leakyRelu",
        output: "tanh",
        loss: "squared",
        optimizer: "sgd",
        regularization: "none",
        regularization_rate: 0.0,
        learning_rate: 0.02,
        batch_size: 100_000,
        features: &["sinX1", "x1x2", "x2Squared"],
        seed: 4_000_000_000,
        dataset: "moons",
        count: 90,
        noise: 10.0,
        dataset_seed: 11,
        steps: 60,
    },
    // Softmax (the kernel's post-pass, exp and division) with cce (log-sum-exp, ln_1p),
    // on one-hot targets.
    Scenario {
        name: "spiral3-softmax-cce-adam-l2",
        layers: &[7, 8, 8, 3],
        hidden: "tanh",
        output: "softmax",
        loss: "cce",
        optimizer: "adam",
        regularization: "l2",
        regularization_rate: 0.001,
        learning_rate: 0.01,
        batch_size: 7,
        features: &super::ALL_FEATURES,
        seed: 9,
        dataset: "spiral3",
        count: 150,
        noise: 10.0,
        dataset_seed: 4,
        steps: 150,
    },
    Scenario {
        name: "regress-gaussian-linear-momentum",
        layers: &[2, 6, 1],
        hidden: "tanh",
        output: "linear",
        loss: "squared",
        optimizer: "momentum",
        regularization: "none",
        regularization_rate: 0.0,
        learning_rate: 0.01,
        batch_size: 10,
        features: &["x1", "x2"],
        seed: 3,
        dataset: "regressGaussian",
        count: 120,
        noise: 5.0,
        dataset_seed: 8,
        steps: 100,
    },
];

/// The numbers a run is fingerprinted by, in order: the training and test data (inputs,
/// targets as the network gets them: one-hot rows for multiclass sets), every weight, every bias, the last step's loss, and the train and test loss
/// from `evaluate`.
pub fn fingerprint_values(
    data: [&[f64]; 4],
    weights: &[f64],
    biases: &[f64],
    last_loss: f64,
    train_loss: f64,
    test_loss: f64,
) -> Vec<f64> {
    let mut v = Vec::new();
    for d in data {
        v.extend_from_slice(d);
    }
    v.extend_from_slice(weights);
    v.extend_from_slice(biases);
    v.extend([last_loss, train_loss, test_loss]);
    v
}

/// Formats one line of `tests/fixtures/fingerprint.txt`.
pub fn line(name: &str, hash: u64) -> String {
    format!("{name} {hash:016x}")
}

/// Parses `tests/fixtures/fingerprint.txt`: `name hash` per line, `#` comments.
pub fn expected(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .map(|(n, h)| (n, h.trim()))
        .collect()
}
