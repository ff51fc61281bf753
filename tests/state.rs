//! States round-trip exactly for every kind of network, softmax and regression included,
//! and with the optimizer's moments and step count a restored network resumes training
//! with the same bits as one that never stopped.

mod common;

use backprop_viz::config::Moments;
use backprop_viz::dataset::{self, DatasetKind};
use backprop_viz::network::State;
use backprop_viz::{Network, Spec};

/// A state as JavaScript would send it back: every field of `to_state`'s output.
fn spec_of(st: &State) -> Spec {
    Spec {
        layers: Some(st.layers.iter().map(|&n| n as f64).collect()),
        hidden: Some(st.hidden.into()),
        output: Some(st.output.into()),
        loss: Some(st.loss.into()),
        learning_rate: Some(st.learning_rate),
        batch_size: Some(st.batch_size as f64),
        optimizer: Some(st.optimizer.into()),
        regularization: Some(st.regularization.into()),
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
    }
}

struct Setup {
    spec: Spec,
    kind: DatasetKind,
    one_hot: bool,
}

fn setups() -> Vec<Setup> {
    let base = |layers: &[f64], output: &str, loss: &str, optimizer: &str| Spec {
        layers: Some(layers.to_vec()),
        output: Some(output.into()),
        loss: Some(loss.into()),
        optimizer: Some(optimizer.into()),
        learning_rate: Some(0.02),
        batch_size: Some(1000.0),
        regularization: Some("l2".into()),
        regularization_rate: Some(0.001),
        seed: Some(5.0),
        ..Spec::default()
    };
    vec![
        Setup {
            spec: base(&[2.0, 5.0, 3.0], "softmax", "cce", "adam"),
            kind: DatasetKind::Blobs3,
            one_hot: true,
        },
        Setup {
            spec: Spec {
                features: Some(vec!["x1".into(), "x2".into(), "x1x2".into()]),
                ..base(&[3.0, 4.0, 4.0, 4.0], "softmax", "cce", "momentum")
            },
            kind: DatasetKind::Quadrants4,
            one_hot: true,
        },
        Setup {
            spec: base(&[2.0, 6.0, 1.0], "linear", "squared", "adam"),
            kind: DatasetKind::RegressGaussian,
            one_hot: false,
        },
        Setup {
            spec: base(&[2.0, 3.0, 1.0], "linear", "squared", "momentum"),
            kind: DatasetKind::RegressPlane,
            one_hot: false,
        },
        Setup {
            spec: base(&[2.0, 4.0, 1.0], "sigmoid", "bce", "sgd"),
            kind: DatasetKind::Circle,
            one_hot: false,
        },
    ]
}

fn with_data(mut net: Network, s: &Setup) -> Network {
    let split = dataset::generate(s.kind, 80, 10.0, 50.0, 2);
    let y = |p: &dataset::Points| {
        if s.one_hot {
            dataset::one_hot(&p.targets, split.classes)
        } else {
            p.targets.clone()
        }
    };
    net.set_training_data(&split.train.inputs, &y(&split.train))
        .unwrap();
    net.set_test_data(&split.test.inputs, &y(&split.test))
        .unwrap();
    net
}

#[test]
fn states_round_trip_exactly_and_training_resumes_with_the_same_bits() {
    for s in setups() {
        let name = format!(
            "{} {} {}",
            s.spec.output.as_deref().unwrap(),
            s.spec.optimizer.as_deref().unwrap(),
            s.kind.name()
        );
        let mut net = with_data(Network::new(&s.spec).unwrap(), &s);
        net.step(25).unwrap();
        let st = net.to_state();
        assert_eq!(st.step_count, 25.0, "{name}");
        assert_eq!(
            st.moments.is_some(),
            st.optimizer != "sgd",
            "{name}: moments for momentum and adam"
        );
        if let Some(m) = &st.moments {
            assert_eq!((m.optimizer.as_str(), m.updates), (st.optimizer, 25.0));
            assert_eq!(m.v_weights.is_some(), st.optimizer == "adam");
        }
        // fromState(toState()).toState() is the same state, field for field and bit for bit.
        let restored = Network::from_state(&spec_of(&st)).unwrap();
        let again = restored.to_state();
        assert_eq!(again, st, "{name}");
        assert_eq!(format!("{again:?}"), format!("{st:?}"), "{name}: same bits");
        // The same loss after the restore (to 1e-12; here exactly).
        let mut restored = with_data(restored, &s);
        let (a, b) = (net.evaluate(), restored.evaluate());
        assert!(
            (a.train_loss - b.train_loss).abs() <= 1e-12 * a.train_loss.abs(),
            "{name}"
        );
        assert_eq!(a.train_loss.to_bits(), b.train_loss.to_bits(), "{name}");
        assert_eq!(a.test_accuracy, b.test_accuracy);
        // Full batch: the batch order does not matter, so the two continue identically.
        let la = net.step(10).unwrap();
        let lb = restored.step(10).unwrap();
        assert_eq!(la.to_bits(), lb.to_bits(), "{name}: resumed loss");
        assert_eq!(net.to_state(), restored.to_state(), "{name}: resumed state");
        assert_eq!(restored.step_count(), 35);
    }
}

#[test]
fn without_moments_the_optimizer_starts_fresh() {
    let s = &setups()[0]; // adam
    let mut net = with_data(Network::new(&s.spec).unwrap(), s);
    net.step(25).unwrap();
    let lean = net.to_state_with(false);
    assert!(lean.moments.is_none());
    assert_eq!(lean.step_count, 25.0);
    let restored = Network::from_state(&spec_of(&lean)).unwrap();
    let st = restored.to_state();
    let m = st.moments.as_ref().unwrap();
    assert_eq!(m.updates, 0.0);
    assert!(m.m_weights.iter().flatten().flatten().all(|&v| v == 0.0));
    // Fresh Adam moments: the next step differs from the uninterrupted network's.
    let mut restored = with_data(restored, s);
    net.step(1).unwrap();
    restored.step(1).unwrap();
    assert_ne!(net.to_state().weights, restored.to_state().weights);
}

#[test]
fn moments_of_another_optimizer_are_dropped() {
    let s = &setups()[0];
    let mut net = with_data(Network::new(&s.spec).unwrap(), s);
    net.step(5).unwrap();
    let mut spec = spec_of(&net.to_state());
    spec.optimizer = Some("momentum".into());
    let restored = Network::from_state(&spec).unwrap();
    let m = restored.to_state().moments.unwrap();
    assert_eq!((m.optimizer.as_str(), m.updates), ("momentum", 0.0));
    assert!(m.m_biases.iter().flatten().all(|&v| v == 0.0));
    spec.optimizer = Some("sgd".into());
    let plain = Network::from_state(&spec).unwrap();
    assert!(plain.to_state().moments.is_none());
    assert_eq!(plain.step_count(), 5);
}

#[test]
fn bad_moments_and_step_counts_are_refused_by_field() {
    let s = &setups()[0];
    let mut net = with_data(Network::new(&s.spec).unwrap(), s);
    net.step(3).unwrap();
    let good = spec_of(&net.to_state());
    Network::from_state(&good).unwrap();
    let refuse = |f: &dyn Fn(&mut Spec), field: &str| {
        let mut spec = good.clone();
        f(&mut spec);
        let e = Network::from_state(&spec).expect_err(field);
        assert_eq!(e.field, field, "{e}");
    };
    fn m(s: &mut Spec) -> &mut Moments {
        s.moments.as_mut().unwrap()
    }
    refuse(&|s| s.step_count = Some(-2.0), "stepCount");
    refuse(&|s| s.step_count = Some(0.5), "stepCount");
    refuse(&|s| m(s).optimizer = "rmsprop".into(), "moments.optimizer");
    refuse(&|s| m(s).updates = f64::INFINITY, "moments.updates");
    refuse(
        &|s| m(s).m_weights.pop().map(drop).unwrap(),
        "moments.mWeights",
    );
    refuse(&|s| m(s).m_biases[1].push(0.0), "moments.mBiases[1]");
    refuse(
        &|s| m(s).m_weights[0][2][1] = f64::NAN,
        "moments.mWeights[0][2][1]",
    );
    refuse(&|s| m(s).v_weights = None, "moments.vWeights");
    refuse(&|s| m(s).v_biases = None, "moments.vBiases");
    refuse(
        &|s| m(s).v_biases.as_mut().unwrap()[0][0] = -1e-9,
        "moments.vBiases[0][0]",
    );
    // Configs and configure() take neither.
    for (spec, field) in [
        (
            Spec {
                step_count: Some(1.0),
                ..Spec::default()
            },
            "stepCount",
        ),
        (
            Spec {
                moments: good.moments.clone(),
                ..Spec::default()
            },
            "moments",
        ),
    ] {
        assert_eq!(Network::new(&spec).err().unwrap().field, field);
        assert_eq!(net.configure(&spec).unwrap_err().field, field);
    }
}
