//! The JS-facing API end to end, in headless Chromium (`wasm-pack test --headless --chrome`),
//! called through `backprop_viz::wasm` with JS values built here: construction, data as
//! arrays of arrays and as flat Float64Arrays, step, gradients, trace, state round trips,
//! bad input, and the same bits as native for the same seed (`tests/fixtures/fingerprint.txt`).
#![cfg(target_arch = "wasm32")]

mod common;

use backprop_viz::wasm::{Network, dataset, default_class_palette, one_hot, parse_csv};
use common::fnv1a;
use common::scenarios::{self, SCENARIOS, Scenario};
use js_sys::{Array, Float64Array, Object, Reflect, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!("fixtures/fingerprint.txt");

// ---- building JS values ------------------------------------------------------------------

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn num(v: f64) -> JsValue {
    JsValue::from_f64(v)
}

fn text(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn nums(v: &[f64]) -> JsValue {
    v.iter().map(|&x| num(x)).collect::<Array>().into()
}

fn rows(v: &[&[f64]]) -> JsValue {
    v.iter().map(|r| nums(r)).collect::<Array>().into()
}

fn texts(v: &[&str]) -> JsValue {
    v.iter().map(|s| text(s)).collect::<Array>().into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn message(e: JsError) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}

#[track_caller]
fn expect_error<T>(result: Result<T, JsError>, prefix: &str) -> String {
    match result {
        Ok(_) => panic!("expected an error starting with {prefix:?}"),
        Err(e) => {
            let m = message(e);
            assert!(m.starts_with(prefix), "expected {prefix:?}, got {m:?}");
            m
        }
    }
}

// ---- reading JS values ------------------------------------------------------------------

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct State {
    layers: Vec<f64>,
    hidden: String,
    output: String,
    loss: String,
    weights: Vec<Vec<Vec<f64>>>,
    biases: Vec<Vec<f64>>,
    learning_rate: f64,
    batch_size: f64,
    optimizer: String,
    regularization: String,
    regularization_rate: f64,
    seed: f64,
    features: Option<Vec<String>>,
    step_count: f64,
    moments: Option<Moments>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Moments {
    optimizer: String,
    updates: f64,
    m_weights: Vec<Vec<Vec<f64>>>,
    m_biases: Vec<Vec<f64>>,
    v_weights: Option<Vec<Vec<Vec<f64>>>>,
    v_biases: Option<Vec<Vec<f64>>>,
}

#[allow(non_snake_case)]
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct LayerTrace {
    z: Vec<f64>,
    a: Vec<f64>,
    dL_dA: Vec<f64>,
    dA_dZ: Vec<f64>,
    dL_dZ: Vec<f64>,
    dL_dW: Vec<Vec<f64>>,
    dL_db: Vec<f64>,
    dL_dAprev: Vec<f64>,
    jacobian: Option<Vec<Vec<f64>>>,
    dL_dZ_unfused: Option<Vec<f64>>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Trace {
    input: Vec<f64>,
    target: Vec<f64>,
    loss: f64,
    layers: Vec<LayerTrace>,
}

#[allow(non_snake_case)]
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Gradients {
    dL_dW: Vec<Vec<Vec<f64>>>,
    dL_db: Vec<Vec<f64>>,
}

fn state(net: &Network) -> State {
    serde_wasm_bindgen::from_value(net.to_state(JsValue::UNDEFINED).unwrap()).unwrap()
}

fn trace(net: &Network, x: JsValue, y: JsValue) -> Trace {
    serde_wasm_bindgen::from_value(net.trace(x, y).unwrap()).unwrap()
}

fn bits(s: &State) -> Vec<u64> {
    s.weights
        .iter()
        .flatten()
        .flatten()
        .chain(s.biases.iter().flatten())
        .map(|v| v.to_bits())
        .collect()
}

/// A small hand-made state: 2 inputs, 2 tanh hidden neurons, 1 sigmoid output, bce.
fn small_state() -> JsValue {
    obj(&[
        ("layers", nums(&[2.0, 2.0, 1.0])),
        (
            "weights",
            [rows(&[&[0.5, -0.4], &[0.3, 0.9]]), rows(&[&[0.7, -1.1]])]
                .into_iter()
                .collect::<Array>()
                .into(),
        ),
        ("biases", rows(&[&[0.1, -0.2], &[0.05]])),
        ("batchSize", num(1000.0)),
        ("learningRate", num(0.5)),
    ])
}

const X: [[f64; 2]; 4] = [[1.2, -0.7], [0.3, 0.4], [-2.0, 1.0], [0.0, -1.5]];
const Y: [f64; 4] = [1.0, 0.0, 1.0, 0.0];

// ---- tests ---------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn construct_with_defaults_and_config() {
    let net = Network::new(JsValue::UNDEFINED).unwrap();
    assert_eq!(net.layers(), vec![2, 4, 2, 1]);
    assert_eq!(net.input_size(), 2);
    assert_eq!(net.threshold(), 0.5);
    let s = state(&net);
    assert_eq!(
        (s.hidden.as_str(), s.output.as_str(), s.loss.as_str()),
        ("tanh", "sigmoid", "bce")
    );
    assert_eq!((s.learning_rate, s.batch_size, s.seed), (0.03, 10.0, 1.0));
    assert!(s.biases.iter().flatten().all(|&b| b == 0.0));
    let net = Network::new(obj(&[
        ("features", texts(&["x1", "x2", "sinX1"])),
        ("output", text("tanh")),
        ("loss", text("squared")),
    ]))
    .unwrap();
    assert_eq!(net.layers(), vec![3, 4, 2, 1]);
    assert_eq!(net.input_size(), 2);
    assert_eq!(net.threshold(), 0.0);
}

#[wasm_bindgen_test]
fn arrays_of_arrays_and_flat_float64arrays_train_alike() {
    let config = || obj(&[("seed", num(9.0)), ("batchSize", num(3.0))]);
    let mut a = Network::new(config()).unwrap();
    let mut b = Network::new(config()).unwrap();
    let x: Vec<&[f64]> = X.iter().map(|r| &r[..]).collect();
    a.set_training_data(rows(&x), nums(&Y)).unwrap();
    let flat: Vec<f64> = X.iter().flatten().copied().collect();
    b.set_training_data(
        Float64Array::from(&flat[..]).into(),
        Float64Array::from(&Y[..]).into(),
    )
    .unwrap();
    assert_eq!((a.train_size(), b.train_size()), (4, 4));
    let (la, lb) = (a.step(Some(25.0)).unwrap(), b.step(Some(25.0)).unwrap());
    assert_eq!(la.to_bits(), lb.to_bits());
    assert_eq!(bits(&state(&a)), bits(&state(&b)));
    assert_eq!(a.step_count(), 25.0);
    // Test data the same two ways; evaluate() reads them.
    a.set_test_data(rows(&x), rows(&[&[1.0], &[0.0], &[1.0], &[0.0]]))
        .unwrap();
    b.set_test_data(Float64Array::from(&flat[..]).into(), nums(&Y))
        .unwrap();
    let (ea, eb) = (a.evaluate().unwrap(), b.evaluate().unwrap());
    for k in ["trainLoss", "testLoss", "trainAccuracy", "testAccuracy"] {
        let (va, vb) = (get(&ea, k).as_f64().unwrap(), get(&eb, k).as_f64().unwrap());
        assert!(
            va.is_finite() && va.to_bits() == vb.to_bits(),
            "{k}: {va} {vb}"
        );
    }
    assert_eq!(
        get(&ea, "trainLoss").as_f64(),
        get(&ea, "testLoss").as_f64(),
        "same data, same loss"
    );
}

#[wasm_bindgen_test]
fn trace_gives_the_seeds_formulas() {
    let net = Network::from_state(small_state()).unwrap();
    let t = trace(&net, nums(&X[0]), num(1.0));
    assert_eq!(t.input, X[0].to_vec());
    assert_eq!(t.target, vec![1.0]);
    assert_eq!(t.layers.len(), 2);
    let (h, o) = (&t.layers[0], &t.layers[1]);
    // Forward by hand.
    let z1: [f64; 2] = [0.5 * 1.2 + -0.4 * -0.7 + 0.1, 0.3 * 1.2 + 0.9 * -0.7 + -0.2];
    let a1 = [z1[0].tanh(), z1[1].tanh()];
    let z2 = 0.7 * a1[0] + -1.1 * a1[1] + 0.05;
    let a2 = 1.0 / (1.0 + (-z2).exp());
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-13 * a.abs().max(b.abs()) + 1e-15;
    assert!(close(o.z[0], z2) && close(o.a[0], a2), "{o:?}");
    assert!(close(t.loss, -a2.ln()));
    assert!(close(o.dL_dA[0], -1.0 / a2));
    assert!(close(o.dA_dZ[0], a2 * (1.0 - a2)));
    assert!(close(o.dL_dZ[0], a2 - 1.0));
    assert_eq!(o.dL_db, o.dL_dZ);
    for k in 0..2 {
        assert!(close(o.dL_dW[0][k], (a2 - 1.0) * a1[k]));
        assert!(close(o.dL_dAprev[k], [0.7, -1.1][k] * (a2 - 1.0)));
        assert_eq!(h.dL_dA[k], o.dL_dAprev[k]);
        assert!(close(h.dL_dZ[k], h.dL_dA[k] * (1.0 - a1[k] * a1[k])));
    }
    // The target as a one-element array or a Float64Array means the same.
    assert_eq!(trace(&net, nums(&X[0]), nums(&[1.0])), t);
    assert_eq!(
        trace(
            &net,
            Float64Array::from(&X[0][..]).into(),
            Float64Array::from(&[1.0][..]).into()
        ),
        t
    );
    // And it equals the core engine's trace, field by field.
    let core = backprop_viz::Network::from_state(&common::state(
        &[2, 2, 1],
        "tanh",
        "sigmoid",
        "bce",
        vec![vec![vec![0.5, -0.4], vec![0.3, 0.9]], vec![vec![0.7, -1.1]]],
        vec![vec![0.1, -0.2], vec![0.05]],
    ))
    .unwrap();
    let c = core.trace(&X[0], &[1.0]).unwrap();
    assert_eq!(c.loss.to_bits(), t.loss.to_bits());
    for (cl, tl) in c.layers.iter().zip(&t.layers) {
        assert_eq!(cl.dL_dW, tl.dL_dW);
        assert_eq!(cl.dL_dAprev, tl.dL_dAprev);
    }
}

#[wasm_bindgen_test]
fn a_full_batch_step_is_the_textbook_update() {
    let mut net = Network::from_state(small_state()).unwrap();
    let x: Vec<&[f64]> = X.iter().map(|r| &r[..]).collect();
    net.set_training_data(rows(&x), nums(&Y)).unwrap();
    let before = state(&net);
    let traces: Vec<Trace> = X
        .iter()
        .zip(Y)
        .map(|(x, y)| trace(&net, nums(x), num(y)))
        .collect();
    let loss = net.step(None).unwrap();
    let mean_loss = traces.iter().map(|t| t.loss).sum::<f64>() / 4.0;
    assert!((loss - mean_loss).abs() <= 1e-14 * mean_loss);
    let after = state(&net);
    let g: Gradients = serde_wasm_bindgen::from_value(net.gradients().unwrap()).unwrap();
    for l in 0..2 {
        for (j, row) in before.weights[l].iter().enumerate() {
            for (k, w) in row.iter().enumerate() {
                let mean = traces.iter().map(|t| t.layers[l].dL_dW[j][k]).sum::<f64>() / 4.0;
                let want = w - 0.5 * mean;
                let got = after.weights[l][j][k];
                assert!((got - want).abs() <= 1e-12 * want.abs(), "W {l} {j} {k}");
                assert!((g.dL_dW[l][j][k] - mean).abs() <= 1e-13 * mean.abs() + 1e-16);
            }
            let mean = traces.iter().map(|t| t.layers[l].dL_db[j]).sum::<f64>() / 4.0;
            let want = before.biases[l][j] - 0.5 * mean;
            assert!((after.biases[l][j] - want).abs() <= 1e-12 * want.abs() + 1e-16);
        }
    }
    assert_eq!(net.step_count(), 1.0);
    assert_eq!(net.last_loss().to_bits(), loss.to_bits());
}

#[wasm_bindgen_test]
fn state_round_trips_exactly() {
    let mut net = Network::new(obj(&[
        ("layers", nums(&[4.0, 5.0, 3.0, 2.0])),
        ("hidden", text("leakyRelu")),
        ("output", text("linear")),
        ("loss", text("squared")),
        ("optimizer", text("adam")),
        ("regularization", text("l1")),
        ("regularizationRate", num(0.01)),
        ("seed", num(77.0)),
        ("features", texts(&["x1", "x2", "x1x2", "sinX2"])),
    ]))
    .unwrap();
    net.set_training_data(
        rows(&[&[1.0, 2.0], &[-1.0, 0.5]]),
        rows(&[&[1.0, -1.0], &[0.5, 2.0]]),
    )
    .unwrap();
    net.step(Some(5.0)).unwrap();
    let s = net.to_state(JsValue::UNDEFINED).unwrap();
    let again = Network::from_state(s.clone()).unwrap();
    assert_eq!(state(&again), state(&net));
    assert_eq!(bits(&state(&again)), bits(&state(&net)));
    assert_eq!(
        state(&net).features,
        Some(vec![
            "x1".into(),
            "x2".into(),
            "x1x2".into(),
            "sinX2".into()
        ])
    );
    // Without features, the key is absent rather than null.
    let plain = Network::new(JsValue::NULL).unwrap();
    let s = plain.to_state(JsValue::UNDEFINED).unwrap();
    assert!(!Reflect::has(&s, &text("features")).unwrap());
    Network::from_state(s).unwrap();
}

/// Every rejected call names its field, and leaves the network as it was.
#[wasm_bindgen_test]
fn bad_input_gets_clear_errors_and_changes_nothing() {
    // Constructors.
    assert_eq!(
        message(
            Network::new(obj(&[("layers", nums(&[2.0, 65.0, 1.0]))]))
                .err()
                .unwrap()
        ),
        "layers[1]: must be a whole number from 1 to 64, got 65"
    );
    let m = expect_error(
        Network::new(obj(&[("lerningRate", num(0.1))])),
        "config: unknown field \"lerningRate\"; allowed: layers, hidden,",
    );
    assert!(m.contains("learningRate"), "{m}");
    expect_error(
        Network::new(obj(&[("learningRate", text("0.1"))])),
        "learningRate:",
    );
    expect_error(Network::new(obj(&[("layers", text("2,4,1"))])), "layers:");
    expect_error(
        Network::new(obj(&[("layers", texts(&["2", "1"]))])),
        "layers[0]:",
    );
    expect_error(Network::new(obj(&[("hidden", num(1.0))])), "hidden:");
    expect_error(
        Network::new(obj(&[("learningRate", num(f64::NAN))])),
        "learningRate:",
    );
    expect_error(Network::new(obj(&[("output", text("tanh"))])), "loss:");
    expect_error(Network::new(num(3.0)), "config: must be an object");
    expect_error(Network::new(nums(&[2.0, 1.0])), "config: must be an object");
    expect_error(Network::from_state(JsValue::UNDEFINED), "state:");
    expect_error(
        Network::from_state(obj(&[("layers", nums(&[2.0, 1.0]))])),
        "weights:",
    );
    let with_biases = |biases: JsValue| {
        let st = small_state();
        Reflect::set(&st, &text("biases"), &biases).unwrap();
        st
    };
    expect_error(
        Network::from_state(with_biases(rows(&[&[0.1], &[0.05]]))),
        "biases[0]:",
    );
    expect_error(
        Network::from_state(with_biases(rows(&[&[0.1, f64::NAN], &[0.05]]))),
        "biases[0][1]:",
    );

    // Calls on a trained network with data.
    let mut net = Network::from_state(small_state()).unwrap();
    let x: Vec<&[f64]> = X.iter().map(|r| &r[..]).collect();
    net.set_training_data(rows(&x), nums(&Y)).unwrap();
    net.step(Some(3.0)).unwrap();
    let before = (
        state(&net),
        net.train_size(),
        net.test_size(),
        net.step_count(),
    );
    let snapshot = |n: &Network| (state(n), n.train_size(), n.test_size(), n.step_count());
    macro_rules! rejected {
        ($call:expr, $prefix:expr) => {{
            let m = expect_error($call, $prefix);
            assert_eq!(snapshot(&net), before, "changed by: {m}");
        }};
    }
    rejected!(
        net.set_training_data(rows(&[&[1.0, 2.0]]), nums(&[f64::NAN])),
        "training.targets[0]:"
    );
    rejected!(
        net.set_training_data(rows(&[&[1.0, 2.0]]), nums(&[2.0])),
        "training.targets[0]:"
    );
    rejected!(
        net.set_training_data(rows(&[&[1.0, 2.0, 3.0]]), nums(&[1.0])),
        "training.inputs[0]:"
    );
    rejected!(
        net.set_training_data(rows(&[&[1.0, f64::INFINITY]]), nums(&[1.0])),
        "training.inputs[0][1]:"
    );
    // Ragged rows are refused, not flattened into other rows ([[1, 2, 3], [4]] is 2 x 2).
    let m = expect_error(
        net.set_training_data(rows(&[&[1.0, 2.0, 3.0], &[4.0]]), nums(&[1.0, 0.0])),
        "training.inputs[0]: must have 2 number(s), got 3",
    );
    assert_eq!(snapshot(&net), before, "changed by: {m}");
    rejected!(
        net.set_training_data(rows(&[&[1.0, 2.0], &[4.0]]), nums(&[1.0, 0.0])),
        "training.inputs[1]: must have 2 number(s), got 1"
    );
    rejected!(
        net.set_training_data(rows(&[&[1.0, 2.0]]), rows(&[&[1.0, 0.0]])),
        "training.targets[0]: must have 1 number(s), one per output, got 2"
    );
    rejected!(
        net.set_training_data(text("1,2"), nums(&[1.0])),
        "training.inputs:"
    );
    rejected!(
        net.set_training_data(
            [nums(&[1.0, 2.0]), text("x")]
                .into_iter()
                .collect::<Array>()
                .into(),
            nums(&[1.0, 0.0])
        ),
        "training.inputs[1]:"
    );
    rejected!(
        net.set_training_data(rows(&[&[1.0, 2.0]]), texts(&["1"])),
        "training.targets[0]:"
    );
    rejected!(
        net.set_test_data(rows(&[&[1.0, 2.0]]), nums(&[1.0, 0.0])),
        "test.targets:"
    );
    rejected!(net.step(Some(0.0)), "n:");
    rejected!(net.step(Some(1.5)), "n:");
    rejected!(net.step(Some(f64::NAN)), "n:");
    rejected!(net.step(Some(2e6)), "n:");
    rejected!(net.set_weight(2.0, 0.0, 0.0, 1.0), "layer:");
    rejected!(net.set_weight(0.0, 2.0, 0.0, 1.0), "neuron:");
    rejected!(net.set_weight(0.0, 0.0, 2.0, 1.0), "input:");
    rejected!(net.set_weight(0.0, 0.0, -1.0, 1.0), "input:");
    rejected!(net.set_weight(0.5, 0.0, 0.0, 1.0), "layer:");
    rejected!(net.set_weight(0.0, 0.0, 0.0, f64::NAN), "value:");
    rejected!(net.set_bias(1.0, 1.0, 1.0), "neuron:");
    rejected!(net.trace(nums(&[1.0]), num(1.0)), "input:");
    rejected!(net.trace(text("1,2"), num(1.0)), "input:");
    rejected!(net.trace(nums(&[1.0, 2.0]), num(-1.0)), "target:");
    rejected!(
        net.prepare_example(nums(&[1.0, 2.0]), num(f64::NAN)),
        "target:"
    );
    rejected!(net.forward(nums(&[1.0, 2.0, 3.0])), "input:");
    rejected!(
        net.configure(obj(&[("layers", nums(&[2.0, 1.0]))])),
        "layers:"
    );
    rejected!(
        net.configure(obj(&[("learningRate", num(11.0))])),
        "learningRate:"
    );
    rejected!(
        net.configure(obj(&[("batchSize", text("10"))])),
        "batchSize:"
    );
    rejected!(
        net.configure(obj(&[("momentum", num(0.5))])),
        "settings: unknown field \"momentum\""
    );
    rejected!(net.set_grid(obj(&[("size", num(1.0))])), "grid.size:");
    rejected!(
        net.set_grid(obj(&[("colour", text("red"))])),
        "grid: unknown field"
    );
    rejected!(net.set_palette(&[0u8; 10]), "palette:");
    // Datasets.
    expect_error(dataset(obj(&[("name", text("swirl"))])), "dataset.name:");
    expect_error(dataset(obj(&[("count", num(1.0))])), "dataset.count:");
    expect_error(dataset(obj(&[("noise", num(60.0))])), "dataset.noise:");
    expect_error(
        dataset(obj(&[("trainRatio", num(5.0))])),
        "dataset.trainRatio:",
    );
    expect_error(
        dataset(obj(&[("size", num(5.0))])),
        "dataset: unknown field",
    );

    // Nothing was poisoned: the same network and a fresh one both still work.
    assert!(net.step(Some(2.0)).unwrap().is_finite());
    let mut fresh = Network::new(JsValue::UNDEFINED).unwrap();
    let d = dataset(JsValue::UNDEFINED).unwrap();
    let train = get(&d, "train");
    fresh
        .set_training_data(get(&train, "inputs"), get(&train, "targets"))
        .unwrap();
    assert!(fresh.step(Some(10.0)).unwrap().is_finite());
}

#[wasm_bindgen_test]
fn divergence_throws_and_keeps_the_last_finite_weights() {
    let mut net = Network::new(obj(&[
        ("layers", nums(&[2.0, 8.0, 8.0, 1.0])),
        ("hidden", text("relu")),
        ("output", text("linear")),
        ("loss", text("squared")),
        ("learningRate", num(10.0)),
        ("features", texts(&["x1", "x2"])),
    ]))
    .unwrap();
    let d = dataset(obj(&[("count", num(200.0))])).unwrap();
    let train = get(&d, "train");
    net.set_training_data(get(&train, "inputs"), get(&train, "targets"))
        .unwrap();
    for _ in 0..200 {
        let before = state(&net);
        let steps = net.step_count();
        if let Err(e) = net.step(Some(1.0)) {
            let m = message(e);
            assert!(
                m.starts_with(&format!("training diverged at step {}:", steps as u64 + 1)),
                "{m}"
            );
            assert_eq!(state(&net), before);
            assert!(bits(&before).iter().all(|&b| f64::from_bits(b).is_finite()));
            return;
        }
    }
    panic!("should diverge within 200 steps");
}

/// Runs a fingerprint scenario through the JS binding, as a page would.
fn run(s: &Scenario) -> u64 {
    let mut config = vec![
        (
            "layers",
            nums(&s.layers.iter().map(|&n| n as f64).collect::<Vec<_>>()),
        ),
        ("hidden", text(s.hidden)),
        ("output", text(s.output)),
        ("loss", text(s.loss)),
        ("optimizer", text(s.optimizer)),
        ("regularization", text(s.regularization)),
        ("regularizationRate", num(s.regularization_rate)),
        ("learningRate", num(s.learning_rate)),
        ("batchSize", num(s.batch_size as f64)),
        ("seed", num(f64::from(s.seed))),
    ];
    if !s.features.is_empty() {
        config.push(("features", texts(s.features)));
    }
    let mut net = Network::new(obj(&config)).unwrap();
    let d = dataset(obj(&[
        ("name", text(s.dataset)),
        ("count", num(s.count as f64)),
        ("noise", num(s.noise)),
        ("trainRatio", num(50.0)),
        ("seed", num(f64::from(s.dataset_seed))),
    ]))
    .unwrap();
    let (train, test) = (get(&d, "train"), get(&d, "test"));
    let vec = |v: JsValue| Float64Array::from(v).to_vec();
    let data = [
        vec(get(&train, "inputs")),
        vec(get(&train, "targets")),
        vec(get(&test, "inputs")),
        vec(get(&test, "targets")),
    ];
    net.set_training_data(get(&train, "inputs"), get(&train, "targets"))
        .unwrap();
    net.set_test_data(get(&test, "inputs"), get(&test, "targets"))
        .unwrap();
    let last = net.step(Some(f64::from(s.steps))).unwrap();
    let m = net.evaluate().unwrap();
    let st = state(&net);
    let w: Vec<f64> = st.weights.iter().flatten().flatten().copied().collect();
    let b: Vec<f64> = st.biases.iter().flatten().copied().collect();
    fnv1a(scenarios::fingerprint_values(
        [&data[0], &data[1], &data[2], &data[3]],
        &w,
        &b,
        last,
        get(&m, "trainLoss").as_f64().unwrap(),
        get(&m, "testLoss").as_f64().unwrap(),
    ))
}

#[wasm_bindgen_test]
fn same_bits_as_native_for_the_same_seed() {
    let got: Vec<String> = SCENARIOS
        .iter()
        .map(|s| scenarios::line(s.name, run(s)))
        .collect();
    let want: Vec<String> = scenarios::expected(FIXTURE)
        .iter()
        .map(|(n, h)| format!("{n} {h}"))
        .collect();
    assert_eq!(
        got, want,
        "wasm fingerprints differ from tests/fixtures/fingerprint.txt (native). If \
         `cargo test --test fingerprint` passes, native and wasm disagree."
    );
}

// ---- multiclass, regression, CSV --------------------------------------------------------

fn f64s(v: JsValue) -> Vec<f64> {
    Float64Array::from(v).to_vec()
}

#[wasm_bindgen_test]
fn softmax_networks_through_the_binding() {
    let net = Network::new(obj(&[
        ("layers", nums(&[2.0, 3.0, 3.0])),
        ("output", text("softmax")),
        ("seed", num(4.0)),
    ]))
    .unwrap();
    assert!(net.threshold().is_nan());
    assert_eq!(net.output_range(), vec![0.0, 1.0]);
    let st = state(&net);
    assert_eq!((st.output.as_str(), st.loss.as_str()), ("softmax", "cce"));
    let t = trace(&net, nums(&[0.5, -1.0]), nums(&[0.0, 1.0, 0.0]));
    let out = &t.layers[1];
    let a_sum: f64 = out.a.iter().sum();
    assert!((a_sum - 1.0).abs() < 1e-15);
    let jac = out.jacobian.as_ref().expect("jacobian");
    let unfused = out.dL_dZ_unfused.as_ref().expect("dL_dZ_unfused");
    for j in 0..3 {
        assert_eq!(jac[j][j], out.dA_dZ[j]);
        assert_eq!(out.dL_dZ[j], out.a[j] - [0.0, 1.0, 0.0][j]);
        assert!((unfused[j] - out.dL_dZ[j]).abs() < 1e-15);
    }
    assert!(
        t.layers[0].jacobian.is_none(),
        "hidden layers have no jacobian key"
    );
    // Bad softmax configs and targets name their field.
    expect_error(
        Network::new(obj(&[("output", text("softmax"))])),
        "layers[3]: output \"softmax\" needs at least 2 outputs",
    );
    expect_error(
        Network::new(obj(&[("hidden", text("softmax"))])),
        "hidden: \"softmax\" is for the output layer only",
    );
    expect_error(
        net.trace(nums(&[0.5, -1.0]), nums(&[0.5, 0.0, 0.0])),
        "target: must sum to 1 for loss \"cce\"",
    );
}

#[wasm_bindgen_test]
fn datasets_report_their_task_labels_and_one_hot_targets() {
    let d = dataset(obj(&[("name", text("blobs4")), ("count", num(40.0))])).unwrap();
    assert_eq!(get(&d, "task").as_string().unwrap(), "multiclass");
    assert_eq!(get(&d, "classes").as_f64(), Some(4.0));
    let names: Vec<String> = Array::from(&get(&d, "classNames"))
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(names, ["0", "1", "2", "3"]);
    let train = get(&d, "train");
    let labels = Uint8Array::from(get(&train, "labels")).to_vec();
    let targets = f64s(get(&train, "targets"));
    assert_eq!(labels.len(), 20);
    assert_eq!(targets.len(), 80);
    for (row, &c) in targets.chunks(4).zip(&labels) {
        assert_eq!(row[c as usize], 1.0);
        assert_eq!(row.iter().sum::<f64>(), 1.0);
    }
    let again = one_hot(get(&train, "labels"), 4.0).unwrap().to_vec();
    assert_eq!(again, targets);
    // Trains as is with a 4-output softmax.
    let mut net = Network::new(obj(&[
        ("layers", nums(&[2.0, 4.0, 4.0])),
        ("output", text("softmax")),
    ]))
    .unwrap();
    net.set_training_data(get(&train, "inputs"), get(&train, "targets"))
        .unwrap();
    assert!(net.step(Some(5.0)).unwrap().is_finite());

    let r = dataset(obj(&[("name", text("regressPlane")), ("count", num(30.0))])).unwrap();
    assert_eq!(get(&r, "task").as_string().unwrap(), "regression");
    assert_eq!(get(&r, "classes").as_f64(), Some(0.0));
    assert_eq!(f64s(get(&r, "outputRange")), [-1.0, 1.0]);
    assert!(get(&get(&r, "train"), "labels").is_undefined());
    let b = dataset(obj(&[("name", text("xor")), ("count", num(30.0))])).unwrap();
    assert_eq!(get(&b, "task").as_string().unwrap(), "binary");
    assert_eq!(
        Uint8Array::from(get(&get(&b, "test"), "labels")).to_vec(),
        f64s(get(&get(&b, "test"), "targets"))
            .iter()
            .map(|&v| v as u8)
            .collect::<Vec<_>>()
    );
    expect_error(
        one_hot(nums(&[0.0, 4.0]), 4.0),
        "labels[1]: must be a whole number from 0 to 3",
    );
    expect_error(
        one_hot(nums(&[0.0]), 1.0),
        "classes: must be a whole number from 2 to 16",
    );
    assert_eq!(default_class_palette().length(), 64);
}

#[wasm_bindgen_test]
fn parse_csv_through_the_binding() {
    let text_in =
        "\u{feff}x,y,kind\r\n1,2,cat\r\n3,4,dog\r\n5,oops,cat\r\n6,7,bird\r\n-1,-2,dog\r\n";
    let r = parse_csv(
        text(text_in),
        obj(&[("trainRatio", num(60.0)), ("seed", num(3.0))]),
    )
    .unwrap();
    assert_eq!(get(&r, "task").as_string().unwrap(), "multiclass");
    assert_eq!(get(&r, "classes").as_f64(), Some(3.0));
    assert_eq!(get(&r, "rows").as_f64(), Some(4.0));
    assert_eq!(get(&r, "errorCount").as_f64(), Some(1.0));
    let e = Array::from(&get(&r, "errors")).get(0);
    assert_eq!(get(&e, "line").as_f64(), Some(4.0));
    assert_eq!(get(&e, "field").as_string().unwrap(), "x2");
    assert_eq!(
        get(&e, "message").as_string().unwrap(),
        "line 4: x2: not a number: \"oops\""
    );
    let header: Vec<String> = Array::from(&get(&r, "header"))
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(header, ["x", "y", "kind"]);
    assert_eq!(get(&r, "delimiter").as_string().unwrap(), ",");
    let names: Vec<String> = Array::from(&get(&r, "classNames"))
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(names, ["bird", "cat", "dog"]);
    let (train, test) = (get(&r, "train"), get(&r, "test"));
    assert_eq!(
        f64s(get(&train, "inputs")).len() + f64s(get(&test, "inputs")).len(),
        8
    );
    assert_eq!(
        f64s(get(&train, "targets")).len(),
        3 * 2,
        "60% of 4, one-hot rows of 3"
    );
    let bounds = get(&r, "bounds");
    assert_eq!(get(&bounds, "xMin").as_f64(), Some(-1.0));
    assert_eq!(get(&bounds, "yMax").as_f64(), Some(7.0));
    // Regression: real targets and a suggested output range.
    let r = parse_csv(text("1,2,0.5\n3,4,-2\n5,6,3\n"), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&r, "task").as_string().unwrap(), "regression");
    assert_eq!(f64s(get(&r, "outputRange")), [-2.0, 3.0]);
    assert!(get(&r, "header").is_null());
    // Options and files that cannot be used.
    expect_error(
        parse_csv(num(3.0), JsValue::UNDEFINED),
        "text: must be a string",
    );
    expect_error(
        parse_csv(text("1,2,0\n"), obj(&[("delimiter", text("|"))])),
        "options.delimiter: must be \"auto\", \",\", \";\" or \"\\t\", got \"|\"",
    );
    expect_error(
        parse_csv(text("1,2,0\n"), obj(&[("task", text("ranking"))])),
        "options.task: must be \"auto\", \"binary\", \"multiclass\" or \"regression\"",
    );
    expect_error(
        parse_csv(text("1,2,0\n"), obj(&[("columns", nums(&[0.0, 1.0]))])),
        "options.columns: must be an array of 3 columns",
    );
    expect_error(
        parse_csv(text("1,2,0\n"), obj(&[("header", num(1.0))])),
        "options.header: must be true, false or \"auto\"",
    );
    expect_error(
        parse_csv(text("1,2,0\n"), obj(&[("sep", text(","))])),
        "options: unknown field \"sep\"",
    );
    expect_error(
        parse_csv(text(""), JsValue::UNDEFINED),
        "text: has no data rows",
    );
    let named = parse_csv(
        text("a,b,c\n1,2,0\n3,4,1\n"),
        obj(&[
            ("columns", texts(&["b", "a", "c"])),
            ("task", text("binary")),
            ("header", JsValue::TRUE),
            ("delimiter", text(",")),
            ("comments", JsValue::FALSE),
        ]),
    )
    .unwrap();
    let x = [
        f64s(get(&get(&named, "train"), "inputs")),
        f64s(get(&get(&named, "test"), "inputs")),
    ]
    .concat();
    assert!(
        x == [2.0, 1.0, 4.0, 3.0] || x == [4.0, 3.0, 2.0, 1.0],
        "{x:?}"
    );
}

#[wasm_bindgen_test]
fn state_options_grid_options_and_class_palettes() {
    let mut net = Network::new(obj(&[
        ("layers", nums(&[2.0, 3.0, 3.0])),
        ("output", text("softmax")),
        ("optimizer", text("adam")),
    ]))
    .unwrap();
    net.set_training_data(
        rows(&[&[1.0, 2.0], &[-1.0, 0.5]]),
        rows(&[&[1.0, 0.0, 0.0], &[0.0, 0.0, 1.0]]),
    )
    .unwrap();
    net.step(Some(3.0)).unwrap();
    let full = state(&net);
    assert_eq!(full.step_count, 3.0);
    let m = full.moments.as_ref().unwrap();
    assert_eq!((m.optimizer.as_str(), m.updates), ("adam", 3.0));
    let again = Network::from_state(net.to_state(JsValue::UNDEFINED).unwrap()).unwrap();
    assert_eq!(state(&again), full);
    let lean = net.to_state(obj(&[("moments", JsValue::FALSE)])).unwrap();
    assert!(!Reflect::has(&lean, &text("moments")).unwrap());
    expect_error(
        net.to_state(obj(&[("moment", JsValue::FALSE)])),
        "options: unknown field \"moment\"",
    );
    // Bad moments name their path.
    let bad = net.to_state(JsValue::UNDEFINED).unwrap();
    let moments = get(&bad, "moments");
    Reflect::set(&moments, &text("updates"), &text("3")).unwrap();
    expect_error(
        Network::from_state(bad),
        "moments.updates: must be a number",
    );
    expect_error(
        Network::from_state(obj(&[
            ("layers", nums(&[2.0, 1.0])),
            ("weights", Array::of1(&rows(&[&[0.0, 0.0]])).into()),
            ("biases", rows(&[&[0.0]])),
            ("moments", nums(&[1.0])),
        ])),
        "moments: must be an object, got an array",
    );
    expect_error(
        Network::new(obj(&[("stepCount", num(3.0))])),
        "stepCount: belongs in a state",
    );
    // The grid: outputRange, the classes view, the class palette.
    expect_error(
        net.set_grid(obj(&[("outputRange", nums(&[1.0]))])),
        "grid.outputRange: must be [lo, hi]",
    );
    expect_error(
        net.set_grid(obj(&[("outputRange", nums(&[1.0, -1.0]))])),
        "grid.outputRange: must be [lo, hi] with finite numbers lo < hi",
    );
    expect_error(
        net.set_grid(obj(&[
            ("outputRange", nums(&[-1.0, 1.0])),
            ("size", num(1.0)),
        ])),
        "grid.size:",
    );
    assert_eq!(
        net.gridClassesLen(),
        0,
        "rejected setGrid calls change nothing"
    );
    net.set_grid(obj(&[("size", num(20.0)), ("thumb", num(4.0))]))
        .unwrap();
    net.render_grid().unwrap();
    assert_eq!(net.gridClassesLen(), 400);
    expect_error(
        net.set_class_palette(&[0; 65]),
        "classPalette: must hold 1 to 16 RGBA colours",
    );
    net.set_class_palette(&[9, 9, 9, 255, 1, 1, 1, 255])
        .unwrap();
    net.render_grid().unwrap();
    let lin = Network::new(obj(&[
        ("layers", nums(&[2.0, 1.0])),
        ("output", text("linear")),
        ("loss", text("squared")),
    ]))
    .unwrap();
    let mut lin = lin;
    lin.set_grid(obj(&[("outputRange", nums(&[-3.0, 5.0]))]))
        .unwrap();
    assert_eq!(lin.output_range(), vec![-3.0, 5.0]);
    lin.set_grid(obj(&[("outputRange", JsValue::NULL)]))
        .unwrap();
    assert_eq!(lin.output_range(), vec![0.0, 1.0]);
}
