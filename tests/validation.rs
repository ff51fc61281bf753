//! Bad input: every config, state, data and argument field with a wrong value returns an
//! error that names the field, and the network is unchanged afterwards.

mod common;

use backprop_viz::dataset::{self, DatasetKind};
use backprop_viz::{Error, Network, Spec};
use common::state;

#[track_caller]
fn assert_names(result: Result<impl std::fmt::Debug, Error>, field: &str) -> String {
    let e = result.expect_err(&format!("expected an error about {field}"));
    let msg = e.to_string();
    assert_eq!(e.field, field, "wrong field in: {msg}");
    assert!(msg.starts_with(&format!("{field}: ")), "{msg}");
    assert!(
        msg.len() > field.len() + 12,
        "message says too little: {msg}"
    );
    msg
}

fn layers(v: &[f64]) -> Option<Vec<f64>> {
    Some(v.to_vec())
}

fn s(v: &str) -> Option<String> {
    Some(v.into())
}

#[test]
fn bad_configs_name_their_field() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let cases: Vec<(Spec, &str)> = vec![
        (
            Spec {
                layers: layers(&[2.0]),
                ..Spec::default()
            },
            "layers",
        ),
        (
            Spec {
                layers: layers(&[2.0; 11]),
                ..Spec::default()
            },
            "layers",
        ),
        (
            Spec {
                layers: layers(&[0.0, 1.0]),
                ..Spec::default()
            },
            "layers[0]",
        ),
        (
            Spec {
                layers: layers(&[17.0, 1.0]),
                ..Spec::default()
            },
            "layers[0]",
        ),
        (
            Spec {
                layers: layers(&[2.0, 65.0, 1.0]),
                ..Spec::default()
            },
            "layers[1]",
        ),
        (
            Spec {
                layers: layers(&[2.0, 2.5, 1.0]),
                ..Spec::default()
            },
            "layers[1]",
        ),
        (
            Spec {
                layers: layers(&[2.0, nan, 1.0]),
                ..Spec::default()
            },
            "layers[1]",
        ),
        (
            Spec {
                layers: layers(&[2.0, 4.0, -1.0]),
                ..Spec::default()
            },
            "layers[2]",
        ),
        (
            Spec {
                layers: layers(&[2.0, 4.0, 17.0]),
                ..Spec::default()
            },
            "layers[2]",
        ),
        (
            Spec {
                hidden: s("softmax"),
                ..Spec::default()
            },
            "hidden",
        ),
        (
            Spec {
                hidden: s("Tanh"),
                ..Spec::default()
            },
            "hidden",
        ),
        (
            Spec {
                output: s("relu"),
                loss: s("squared"),
                ..Spec::default()
            },
            "output",
        ),
        (
            Spec {
                loss: s("mse"),
                ..Spec::default()
            },
            "loss",
        ),
        (
            Spec {
                output: s("tanh"),
                ..Spec::default()
            },
            "loss",
        ),
        (
            Spec {
                output: s("linear"),
                loss: s("bce"),
                ..Spec::default()
            },
            "loss",
        ),
        (
            Spec {
                learning_rate: Some(0.0),
                ..Spec::default()
            },
            "learningRate",
        ),
        (
            Spec {
                learning_rate: Some(-0.1),
                ..Spec::default()
            },
            "learningRate",
        ),
        (
            Spec {
                learning_rate: Some(10.01),
                ..Spec::default()
            },
            "learningRate",
        ),
        (
            Spec {
                learning_rate: Some(nan),
                ..Spec::default()
            },
            "learningRate",
        ),
        (
            Spec {
                learning_rate: Some(inf),
                ..Spec::default()
            },
            "learningRate",
        ),
        (
            Spec {
                batch_size: Some(0.0),
                ..Spec::default()
            },
            "batchSize",
        ),
        (
            Spec {
                batch_size: Some(1.5),
                ..Spec::default()
            },
            "batchSize",
        ),
        (
            Spec {
                batch_size: Some(100_001.0),
                ..Spec::default()
            },
            "batchSize",
        ),
        (
            Spec {
                optimizer: s("rmsprop"),
                ..Spec::default()
            },
            "optimizer",
        ),
        (
            Spec {
                regularization: s("l3"),
                ..Spec::default()
            },
            "regularization",
        ),
        (
            Spec {
                regularization_rate: Some(-1.0),
                ..Spec::default()
            },
            "regularizationRate",
        ),
        (
            Spec {
                regularization_rate: Some(10.5),
                ..Spec::default()
            },
            "regularizationRate",
        ),
        (
            Spec {
                regularization_rate: Some(nan),
                ..Spec::default()
            },
            "regularizationRate",
        ),
        (
            Spec {
                seed: Some(-1.0),
                ..Spec::default()
            },
            "seed",
        ),
        (
            Spec {
                seed: Some(4_294_967_296.0),
                ..Spec::default()
            },
            "seed",
        ),
        (
            Spec {
                seed: Some(0.5),
                ..Spec::default()
            },
            "seed",
        ),
        (
            Spec {
                features: Some(vec![]),
                ..Spec::default()
            },
            "features",
        ),
        (
            Spec {
                features: Some(vec!["x3".into()]),
                ..Spec::default()
            },
            "features[0]",
        ),
        (
            Spec {
                features: Some(vec!["x1".into(), "x1".into()]),
                ..Spec::default()
            },
            "features[1]",
        ),
        (
            Spec {
                features: Some(vec!["x1".into(); 8]),
                ..Spec::default()
            },
            "features",
        ),
        (
            Spec {
                features: Some(vec!["x1".into(), "x2".into()]),
                layers: layers(&[3.0, 1.0]),
                ..Spec::default()
            },
            "layers[0]",
        ),
        // Weights belong in a state.
        (
            Spec {
                weights: Some(vec![]),
                ..Spec::default()
            },
            "weights",
        ),
        (
            Spec {
                biases: Some(vec![]),
                ..Spec::default()
            },
            "biases",
        ),
    ];
    for (spec, field) in cases {
        let msg = assert_names(Network::new(&spec), field);
        if field.starts_with("layers[") {
            assert!(
                msg.contains("must be a whole number from 1 to") || msg.contains("features lists"),
                "{msg}"
            );
        }
    }
    // The documented examples, word for word.
    assert_eq!(
        Network::new(&Spec {
            layers: layers(&[2.0, 65.0, 1.0]),
            ..Spec::default()
        })
        .unwrap_err()
        .to_string(),
        "layers[1]: must be a whole number from 1 to 64, got 65"
    );
    // Valid edges are accepted.
    for spec in [
        Spec {
            learning_rate: Some(10.0),
            ..Spec::default()
        },
        Spec {
            batch_size: Some(100_000.0),
            ..Spec::default()
        },
        Spec {
            seed: Some(4_294_967_295.0),
            ..Spec::default()
        },
        Spec {
            layers: layers(&[16.0, 64.0, 64.0, 64.0, 64.0, 64.0, 64.0, 64.0, 64.0, 16.0]),
            ..Spec::default()
        },
        Spec {
            regularization_rate: Some(10.0),
            ..Spec::default()
        },
    ] {
        Network::new(&spec).unwrap();
    }
}

fn good_state() -> Spec {
    state(
        &[2, 2, 1],
        "tanh",
        "sigmoid",
        "bce",
        vec![vec![vec![0.1, 0.2], vec![0.3, 0.4]], vec![vec![0.5, 0.6]]],
        vec![vec![0.0, 0.1], vec![0.2]],
    )
}

#[test]
fn bad_states_name_their_field() {
    Network::from_state(&good_state()).unwrap();
    let with = |f: &dyn Fn(&mut Spec)| {
        let mut s = good_state();
        f(&mut s);
        s
    };
    let cases: Vec<(Spec, &str)> = vec![
        (with(&|s| s.layers = None), "layers"),
        (with(&|s| s.weights = None), "weights"),
        (with(&|s| s.biases = None), "biases"),
        (with(&|s| s.layers = layers(&[2.0, 1.0])), "weights"),
        (with(&|s| s.layers = layers(&[2.0, 3.0, 1.0])), "weights[0]"),
        (
            with(&|s| s.layers = layers(&[3.0, 2.0, 1.0])),
            "weights[0][0]",
        ),
        (
            with(&|s| s.weights.as_mut().unwrap()[1][0].push(0.0)),
            "weights[1][0]",
        ),
        (
            with(&|s| s.weights.as_mut().unwrap()[0][1][1] = f64::NAN),
            "weights[0][1][1]",
        ),
        (
            with(&|s| s.weights.as_mut().unwrap()[1][0][0] = f64::NEG_INFINITY),
            "weights[1][0][0]",
        ),
        (
            with(&|s| s.biases.as_mut().unwrap().pop().map(|_| ()).unwrap()),
            "biases",
        ),
        (
            with(&|s| s.biases.as_mut().unwrap()[0].push(1.0)),
            "biases[0]",
        ),
        (
            with(&|s| s.biases.as_mut().unwrap()[1][0] = f64::INFINITY),
            "biases[1][0]",
        ),
        (with(&|st| st.hidden = s("gelu")), "hidden"),
        (with(&|st| st.output = s("tanh")), "loss"),
        (with(&|s| s.learning_rate = Some(0.0)), "learningRate"),
        (with(&|s| s.features = Some(vec!["x1".into()])), "layers[0]"),
    ];
    for (spec, field) in cases {
        assert_names(Network::from_state(&spec), field);
    }
}

/// Everything a caller can observe about a network.
fn snapshot(net: &Network) -> String {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    format!(
        "{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
        net.to_state(),
        net.settings(),
        net.data_sizes(),
        net.step_count(),
        net.last_loss().to_bits(),
        net.batch_buffer(),
        bits(net.weight_gradients_buffer()),
        bits(net.bias_gradients_buffer()),
        net.gradients(),
    )
}

/// A trained network with data: the subject of the rejected calls below.
fn trained(loss: &str, output: &str) -> Network {
    let mut net = Network::new(&Spec {
        layers: layers(&[2.0, 3.0, 1.0]),
        output: s(output),
        loss: s(loss),
        ..Spec::default()
    })
    .unwrap();
    let split = dataset::generate(DatasetKind::Circle, 40, 0.0, 50.0, 1);
    net.set_training_data(&split.train.inputs, &split.train.targets)
        .unwrap();
    net.set_test_data(&split.test.inputs, &split.test.targets)
        .unwrap();
    net.step(7).unwrap();
    net
}

#[test]
fn rejected_calls_change_nothing() {
    let mut net = trained("bce", "sigmoid");
    let twin = net.clone();
    let before = snapshot(&net);
    let nan = f64::NAN;
    macro_rules! rejected {
        ($call:expr, $field:expr) => {{
            let msg = assert_names($call, $field);
            assert_eq!(
                snapshot(&net),
                before,
                "changed by the rejected call: {msg}"
            );
            msg
        }};
    }
    // Data: shapes, non-finite numbers, magnitudes, targets outside bce's [0, 1].
    rejected!(
        net.set_training_data(&[1.0, 2.0, 3.0], &[1.0]),
        "training.inputs"
    );
    rejected!(
        net.set_training_data(&[1.0, 2.0], &[1.0, 0.0]),
        "training.targets"
    );
    rejected!(
        net.set_training_data(&[1.0, 2.0, 3.0, 4.0], &[1.0]),
        "training.targets"
    );
    rejected!(
        net.set_training_data(&[1.0, nan], &[1.0]),
        "training.inputs[0][1]"
    );
    rejected!(
        net.set_training_data(&[1.0, 2.0, 3.0, f64::INFINITY], &[1.0, 0.0]),
        "training.inputs[1][1]"
    );
    rejected!(
        net.set_training_data(&[2e6, 0.0], &[1.0]),
        "training.inputs[0][0]"
    );
    let msg = rejected!(
        net.set_training_data(&[1.0, 2.0, 3.0, 4.0], &[1.0, 2.0]),
        "training.targets[1]"
    );
    assert!(msg.contains("from 0 to 1") && msg.contains("bce"), "{msg}");
    rejected!(
        net.set_training_data(&[1.0, 2.0], &[-0.1]),
        "training.targets[0]"
    );
    rejected!(
        net.set_training_data(&[1.0, 2.0], &[nan]),
        "training.targets[0]"
    );
    rejected!(net.set_test_data(&[1.0, 2.0], &[2.0]), "test.targets[0]");
    rejected!(net.set_test_data(&[1.0], &[1.0]), "test.inputs");
    rejected!(
        net.set_test_data(&vec![0.0; 200_002], &vec![0.0; 100_001]),
        "test.inputs"
    );
    // One example: trace, prepareExample, forward, probe.
    rejected!(net.trace(&[1.0], &[1.0]), "input");
    rejected!(net.trace(&[1.0, 2.0, 3.0], &[1.0]), "input");
    rejected!(net.trace(&[1.0, nan], &[1.0]), "input[1]");
    rejected!(net.trace(&[1.0, 2.0], &[1.0, 0.0]), "target");
    rejected!(net.trace(&[1.0, 2.0], &[1.5]), "target");
    rejected!(net.trace(&[1.0, 2.0], &[nan]), "target");
    rejected!(net.prepare_example(&[1.0, 2.0], &[3.0]), "target");
    rejected!(net.prepare_example(&[1.0], &[1.0]), "input");
    rejected!(net.forward(&[1.0, 2.0, 3.0]), "input");
    rejected!(net.probe(&[f64::INFINITY, 0.0]), "input[0]");
    // Parameters by index.
    rejected!(net.set_weight(2, 0, 0, 1.0), "layer");
    rejected!(net.set_weight(0, 3, 0, 1.0), "neuron");
    rejected!(net.set_weight(0, 0, 2, 1.0), "input");
    rejected!(net.set_weight(1, 1, 0, 1.0), "neuron");
    rejected!(net.set_weight(0, 0, 0, nan), "value");
    rejected!(net.set_bias(0, 3, 1.0), "neuron");
    rejected!(net.set_bias(5, 0, 1.0), "layer");
    rejected!(net.set_bias(0, 0, f64::INFINITY), "value");
    // Settings: structural fields are refused, bad values too, even next to good ones.
    rejected!(
        net.configure(&Spec {
            layers: layers(&[2.0, 1.0]),
            ..Spec::default()
        }),
        "layers"
    );
    rejected!(
        net.configure(&Spec {
            seed: Some(3.0),
            ..Spec::default()
        }),
        "seed"
    );
    rejected!(
        net.configure(&Spec {
            hidden: s("relu"),
            ..Spec::default()
        }),
        "hidden"
    );
    rejected!(
        net.configure(&Spec {
            learning_rate: Some(0.1),
            batch_size: Some(0.0),
            ..Spec::default()
        }),
        "batchSize"
    );
    rejected!(
        net.configure(&Spec {
            optimizer: s("adam"),
            learning_rate: Some(-1.0),
            ..Spec::default()
        }),
        "learningRate"
    );
    rejected!(
        net.configure(&Spec {
            regularization: s("l0"),
            ..Spec::default()
        }),
        "regularization"
    );
    rejected!(
        net.configure(&Spec {
            regularization_rate: Some(nan),
            ..Spec::default()
        }),
        "regularizationRate"
    );
    // Steps and display buffers.
    rejected!(net.step(0), "n");
    rejected!(net.set_palette(&[0; 1023]), "palette");
    rejected!(net.set_grid(1, 2, (-6.0, 6.0), (-6.0, 6.0)), "size");
    rejected!(net.set_grid(401, 2, (-6.0, 6.0), (-6.0, 6.0)), "size");
    rejected!(net.set_grid(50, 51, (-6.0, 6.0), (-6.0, 6.0)), "thumb");
    rejected!(net.set_grid(50, 10, (6.0, -6.0), (-6.0, 6.0)), "x");
    rejected!(net.set_grid(50, 10, (-6.0, 6.0), (nan, 6.0)), "y");
    rejected!(net.render_grid(), "grid");
    // And it trains on exactly as an untouched copy does.
    let mut twin = twin;
    assert_eq!(
        net.step(13).unwrap().to_bits(),
        twin.step(13).unwrap().to_bits()
    );
    assert_eq!(snapshot(&net), snapshot(&twin));
}

#[test]
fn calls_out_of_order_are_refused() {
    let mut net = Network::new(&Spec::default()).unwrap();
    let before = snapshot(&net);
    let e = net.prepare_step().unwrap_err().to_string();
    assert!(e.contains("setTrainingData"), "{e}");
    let e = net.step(1).unwrap_err().to_string();
    assert!(e.contains("setTrainingData"), "{e}");
    let e = net.apply_step().unwrap_err().to_string();
    assert!(e.contains("prepareStep"), "{e}");
    assert_eq!(snapshot(&net), before);
    // A grid needs 2-D inputs.
    let mut wide = Network::new(&Spec {
        layers: layers(&[3.0, 1.0]),
        ..Spec::default()
    })
    .unwrap();
    assert_names(wide.set_grid(50, 10, (-6.0, 6.0), (-6.0, 6.0)), "grid");
}

#[test]
fn squared_loss_accepts_targets_outside_0_1_but_not_non_finite() {
    let mut net = trained("squared", "linear");
    net.set_training_data(&[1.0, 2.0], &[-3.5]).unwrap();
    net.set_test_data(&[1.0, 2.0], &[1e6]).unwrap();
    let before = snapshot(&net);
    assert_names(
        net.set_training_data(&[1.0, 2.0], &[f64::INFINITY]),
        "training.targets[0]",
    );
    assert_names(
        net.set_training_data(&[1.0, 2.0], &[-2e6]),
        "training.targets[0]",
    );
    assert_eq!(snapshot(&net), before);
}

#[test]
fn features_take_two_raw_numbers() {
    let mut net = Network::new(&Spec {
        features: Some(vec!["x1".into(), "sinX2".into(), "x1x2".into()]),
        ..Spec::default()
    })
    .unwrap();
    assert_eq!(net.layers(), &[3, 4, 2, 1]);
    assert_eq!(net.raw_input_size(), 2);
    let msg = assert_names(net.trace(&[1.0, 2.0, 3.0], &[1.0]), "input");
    assert!(msg.contains("(x1, x2)"), "{msg}");
    assert_names(
        net.set_training_data(&[1.0, 2.0, 3.0], &[1.0]),
        "training.inputs",
    );
    net.set_training_data(&[1.0, 2.0, 3.0, 4.0], &[1.0, 0.0])
        .unwrap();
    assert_eq!(net.data_sizes(), (2, 0));
}

#[test]
fn state_round_trips_exactly() {
    let net = trained("bce", "sigmoid");
    let st = net.to_state();
    let spec = Spec {
        layers: Some(st.layers.iter().map(|&n| n as f64).collect()),
        hidden: s(st.hidden),
        output: s(st.output),
        loss: s(st.loss),
        learning_rate: Some(st.learning_rate),
        batch_size: Some(st.batch_size as f64),
        optimizer: s(st.optimizer),
        regularization: s(st.regularization),
        regularization_rate: Some(st.regularization_rate),
        seed: Some(f64::from(st.seed)),
        features: st
            .features
            .as_ref()
            .map(|f| f.iter().map(|s| s.to_string()).collect()),
        weights: Some(st.weights.clone()),
        biases: Some(st.biases.clone()),
        step_count: Some(st.step_count),
        moments: st.moments.clone(),
    };
    assert_eq!(Network::from_state(&spec).unwrap().to_state(), st);
}

#[test]
fn numbers_in_messages_print_as_javascript_would() {
    use backprop_viz::config::js_number;
    for (v, js) in [
        (65.0, "65"),
        (2.5, "2.5"),
        (-0.1, "-0.1"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
        (1e300, "1e+300"),
        (1e21, "1e+21"),
        (-2.5e22, "-2.5e+22"),
        (1.5e-7, "1.5e-7"),
        (123456789012.0, "123456789012"),
    ] {
        assert_eq!(js_number(v), js, "{v}");
    }
}

#[test]
fn softmax_configs_name_their_field() {
    let cases: Vec<(Spec, &str, &str)> = vec![
        (
            Spec {
                hidden: s("softmax"),
                ..Spec::default()
            },
            "hidden",
            "is for the output layer only",
        ),
        (
            Spec {
                layers: layers(&[2.0, 4.0, 1.0]),
                output: s("softmax"),
                ..Spec::default()
            },
            "layers[2]",
            "needs at least 2 outputs",
        ),
        (
            Spec {
                layers: layers(&[2.0, 3.0]),
                output: s("softmax"),
                loss: s("squared"),
                ..Spec::default()
            },
            "loss",
            "needs loss \"cce\"",
        ),
        (
            Spec {
                layers: layers(&[2.0, 3.0]),
                output: s("sigmoid"),
                loss: s("cce"),
                ..Spec::default()
            },
            "loss",
            "needs output \"softmax\"",
        ),
    ];
    for (spec, field, says) in cases {
        let msg = assert_names(Network::new(&spec), field);
        assert!(msg.contains(says), "{msg}");
    }
}

/// A softmax network trained a few steps on three blobs.
fn trained_softmax() -> Network {
    let mut net = Network::new(&Spec {
        layers: layers(&[2.0, 3.0, 3.0]),
        output: s("softmax"),
        optimizer: s("adam"),
        ..Spec::default()
    })
    .unwrap();
    let split = dataset::generate(DatasetKind::Blobs3, 30, 0.0, 50.0, 1);
    net.set_training_data(
        &split.train.inputs,
        &dataset::one_hot(&split.train.targets, 3),
    )
    .unwrap();
    net.set_test_data(
        &split.test.inputs,
        &dataset::one_hot(&split.test.targets, 3),
    )
    .unwrap();
    net.step(5).unwrap();
    net
}

#[test]
fn cce_targets_are_one_hot_or_probability_rows() {
    let mut net = trained_softmax();
    let twin = net.clone();
    let before = snapshot(&net);
    macro_rules! rejected {
        ($call:expr, $field:expr) => {{
            let msg = assert_names($call, $field);
            assert_eq!(snapshot(&net), before, "changed by: {msg}");
            msg
        }};
    }
    let msg = rejected!(
        net.set_training_data(&[1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 0.0, 0.5, 0.2, 0.2]),
        "training.targets[1]"
    );
    assert_eq!(
        msg,
        "training.targets[1]: must sum to 1 for loss \"cce\" (a one-hot row such as [0, 1, 0], or class probabilities), got a sum of 0.9"
    );
    let msg = rejected!(
        net.set_training_data(&[1.0, 2.0], &[1.5, -0.5, 0.0]),
        "training.targets[0][0]"
    );
    assert!(msg.contains("from 0 to 1 for loss \"cce\""), "{msg}");
    rejected!(
        net.set_training_data(&[1.0, 2.0], &[1.0, 0.0]),
        "training.targets"
    );
    rejected!(
        net.set_test_data(&[1.0, 2.0], &[0.0, 0.0, 0.0]),
        "test.targets[0]"
    );
    rejected!(net.trace(&[1.0, 2.0], &[1.0, 1.0, 0.0]), "target");
    rejected!(net.trace(&[1.0, 2.0], &[1.0]), "target");
    rejected!(
        net.prepare_example(&[1.0, 2.0], &[0.0, f64::NAN, 1.0]),
        "target[1]"
    );
    rejected!(
        net.configure(&Spec {
            loss: s("bce"),
            ..Spec::default()
        }),
        "loss"
    );
    rejected!(net.set_class_palette(&[1, 2, 3]), "classPalette");
    let range = net.output_range();
    rejected!(net.set_output_range(Some((1.0, 0.0))), "outputRange");
    assert_eq!(net.output_range(), range);
    // Rows that sum to 1 to within 1e-6 are accepted, as are soft labels.
    let mut other = net.clone();
    other
        .set_training_data(
            &[1.0, 2.0, 3.0, 4.0],
            &[0.333_333_3, 0.333_333_3, 0.333_333_4, 0.2, 0.0, 0.8],
        )
        .unwrap();
    other.trace(&[0.0, 0.0], &[0.0, 0.0, 1.0]).unwrap();
    // The rejected calls left it training exactly like its twin.
    let mut twin = twin;
    assert_eq!(
        net.step(7).unwrap().to_bits(),
        twin.step(7).unwrap().to_bits()
    );
    assert_eq!(snapshot(&net), snapshot(&twin));
}
