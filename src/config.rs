//! Configs and states as they arrive from JavaScript, and their validation.
//!
//! [`Spec`] is the raw shape (every field optional, unknown fields rejected); [`Spec::validate`]
//! turns it into [`Settings`] or an [`Error`] that names the field and what is allowed.

use crate::activation::Activation;
use crate::dataset::Feature;
use crate::loss::Loss;
use crate::optimizer::{Optimizer, Regularization};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The keys a config, state or settings object may have (the wasm module reads no others;
/// the fuzz targets check that every error names one of them).
pub const SPEC_KEYS: &[&str] = &[
    "layers",
    "hidden",
    "output",
    "loss",
    "learningRate",
    "batchSize",
    "optimizer",
    "regularization",
    "regularizationRate",
    "seed",
    "features",
    "weights",
    "biases",
    "stepCount",
    "moments",
];

/// The most hidden layers a network may have.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// The most neurons in one hidden layer.
pub const MAX_NEURONS: usize = 64;
/// The most inputs.
pub const MAX_INPUTS: usize = 16;
/// The most outputs.
pub const MAX_OUTPUTS: usize = 16;
/// The largest learning rate (TensorFlow Playground's largest).
pub const MAX_LEARNING_RATE: f64 = 10.0;
/// The largest regularisation rate.
pub const MAX_REGULARIZATION_RATE: f64 = 10.0;
/// The largest batch size; any batch size at least the number of examples is full-batch.
pub const MAX_BATCH_SIZE: usize = 100_000;
/// The largest magnitude of an input or a target.
pub const MAX_INPUT_MAGNITUDE: f64 = 1e6;

/// A rejected input: which field, and what was wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The field, as a JS path: `learningRate`, `layers[2]`, `weights[0][1][3]`.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Error {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// A config or state as JavaScript writes it. Numbers arrive as f64 and are checked here,
/// so a message can say "layers[1] must be a whole number from 1 to 64, got 2.5".
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Spec {
    /// [inputs, ...hidden, outputs].
    pub layers: Option<Vec<f64>>,
    /// The hidden layers' activation.
    pub hidden: Option<String>,
    /// The output layer's activation.
    pub output: Option<String>,
    /// The loss.
    pub loss: Option<String>,
    /// The step size.
    pub learning_rate: Option<f64>,
    /// Examples per update.
    pub batch_size: Option<f64>,
    /// The update rule.
    pub optimizer: Option<String>,
    /// The weight penalty.
    pub regularization: Option<String>,
    /// The weight penalty's rate.
    pub regularization_rate: Option<f64>,
    /// Seeds initialisation and the order of the training data.
    pub seed: Option<f64>,
    /// Features computed from a 2-D point; absent means inputs are fed as given.
    pub features: Option<Vec<String>>,
    /// States only: per layer [out][in].
    pub weights: Option<Vec<Vec<Vec<f64>>>>,
    /// States only: per layer [out].
    pub biases: Option<Vec<Vec<f64>>>,
    /// States only: completed updates, the network's `stepCount`.
    pub step_count: Option<f64>,
    /// States only: the optimizer's moments, so that training resumes where it stopped.
    pub moments: Option<Moments>,
}

/// The optimizer's state in a network state: momentum's velocity, or Adam's first and
/// second moments, laid out like the weights and biases.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Moments {
    /// The optimizer these moments belong to: `"momentum"` or `"adam"`.
    pub optimizer: String,
    /// Updates since the optimizer started (Adam's t in its bias correction 1 - beta^t).
    pub updates: f64,
    /// Momentum's velocity v, or Adam's first moment m, per weight: [layer][out][in].
    pub m_weights: Vec<Vec<Vec<f64>>>,
    /// The same per bias: [layer][out].
    pub m_biases: Vec<Vec<f64>>,
    /// Adam's second moment per weight (Adam only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v_weights: Option<Vec<Vec<Vec<f64>>>>,
    /// Adam's second moment per bias (Adam only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v_biases: Option<Vec<Vec<f64>>>,
}

/// Optimizer moments checked against the layers and flattened like the parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct FlatMoments {
    /// Which optimizer they belong to.
    pub optimizer: Optimizer,
    /// Updates so far.
    pub updates: u64,
    /// First moment (or velocity) of the weights, then of the biases.
    pub m: (Vec<f64>, Vec<f64>),
    /// Second moment of the weights and biases (Adam), else empty.
    pub v: (Vec<f64>, Vec<f64>),
}

/// The largest whole number a JS number holds exactly, 2^53 - 1: the limit of `stepCount`.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// The training settings, which [`crate::network::Network::configure`] may change later.
#[derive(Clone, Debug, PartialEq)]
pub struct Training {
    /// Step size, in (0, 10].
    pub learning_rate: f64,
    /// Examples per update, 1 to 100000.
    pub batch_size: usize,
    /// The update rule.
    pub optimizer: Optimizer,
    /// The weight penalty.
    pub regularization: Regularization,
    /// The penalty's rate, in [0, 10].
    pub regularization_rate: f64,
}

impl Default for Training {
    fn default() -> Training {
        Training {
            learning_rate: 0.03,
            batch_size: 10,
            optimizer: Optimizer::Sgd,
            regularization: Regularization::None,
            regularization_rate: 0.0,
        }
    }
}

/// A validated network description.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// [inputs, ...hidden, outputs].
    pub layers: Vec<usize>,
    /// The hidden layers' activation.
    pub hidden: Activation,
    /// The output layer's activation.
    pub output: Activation,
    /// The loss.
    pub loss: Loss,
    /// The training settings.
    pub training: Training,
    /// Seeds initialisation and the order of the training data.
    pub seed: u32,
    /// Features computed from a 2-D point, or `None` to feed inputs as given.
    pub features: Option<Vec<Feature>>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            layers: vec![2, 4, 2, 1],
            hidden: Activation::Tanh,
            output: Activation::Sigmoid,
            loss: Loss::Bce,
            training: Training::default(),
            seed: 1,
            features: None,
        }
    }
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter()
        .map(|&x| format!("\"{}\"", name(x)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_name<T: Copy>(
    field: &str,
    value: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T> {
    all.iter()
        .copied()
        .find(|&x| name(x) == value)
        .ok_or_else(|| {
            Error::new(
                field,
                format!("unknown value \"{value}\"; allowed: {}", names(all, name)),
            )
        })
}

/// Formats a number as JavaScript would print it (`Infinity`, not `inf`; `1e+300`, not
/// three hundred digits).
pub fn js_number(v: f64) -> String {
    if v == f64::INFINITY {
        "Infinity".into()
    } else if v == f64::NEG_INFINITY {
        "-Infinity".into()
    } else if v != 0.0 && (v.abs() >= 1e21 || v.abs() < 1e-6) {
        // JS switches to exponent notation at these magnitudes, with an explicit "+".
        let e = format!("{v:e}");
        match e.split_once('e') {
            Some((m, x)) if !x.starts_with('-') => format!("{m}e+{x}"),
            _ => e,
        }
    } else {
        v.to_string()
    }
}

/// Checks that `v` is a whole number in [lo, hi].
pub fn whole(field: &str, v: f64, lo: usize, hi: usize) -> Result<usize> {
    if v.is_finite() && v.fract() == 0.0 && v >= lo as f64 && v <= hi as f64 {
        Ok(v as usize)
    } else {
        Err(Error::new(
            field,
            format!(
                "must be a whole number from {lo} to {hi}, got {}",
                js_number(v)
            ),
        ))
    }
}

/// Checks that `v` is finite and |v| <= `MAX_INPUT_MAGNITUDE`.
pub fn bounded(field: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v.abs() <= MAX_INPUT_MAGNITUDE {
        Ok(v)
    } else {
        Err(Error::new(
            field,
            format!(
                "must be a finite number from -1e6 to 1e6, got {}",
                js_number(v)
            ),
        ))
    }
}

/// Validates a learning rate: finite, in (0, 10].
pub fn learning_rate(v: f64) -> Result<f64> {
    if v.is_finite() && v > 0.0 && v <= MAX_LEARNING_RATE {
        Ok(v)
    } else {
        Err(Error::new(
            "learningRate",
            format!(
                "must be a number greater than 0 and at most 10, got {}",
                js_number(v)
            ),
        ))
    }
}

/// Validates a regularisation rate: finite, in [0, 10].
pub fn regularization_rate(v: f64) -> Result<f64> {
    if v.is_finite() && (0.0..=MAX_REGULARIZATION_RATE).contains(&v) {
        Ok(v)
    } else {
        Err(Error::new(
            "regularizationRate",
            format!("must be a number from 0 to 10, got {}", js_number(v)),
        ))
    }
}

impl Spec {
    /// Applies this spec's training fields on top of `training`. Fields that are absent keep
    /// their value; nothing is changed unless every field is valid.
    pub fn training(&self, mut training: Training) -> Result<Training> {
        if let Some(v) = self.learning_rate {
            training.learning_rate = learning_rate(v)?;
        }
        if let Some(v) = self.batch_size {
            training.batch_size = whole("batchSize", v, 1, MAX_BATCH_SIZE)?;
        }
        if let Some(v) = &self.optimizer {
            training.optimizer = parse_name("optimizer", v, &Optimizer::ALL, Optimizer::name)?;
        }
        if let Some(v) = &self.regularization {
            training.regularization = parse_name(
                "regularization",
                v,
                &Regularization::ALL,
                Regularization::name,
            )?;
        }
        if let Some(v) = self.regularization_rate {
            training.regularization_rate = regularization_rate(v)?;
        }
        Ok(training)
    }

    /// Validates everything but `weights` and `biases` (see [`Spec::validate_parameters`]).
    pub fn validate(&self) -> Result<Settings> {
        let defaults = Settings::default();
        let features = match &self.features {
            None => None,
            Some(list) => {
                if list.is_empty() || list.len() > Feature::ALL.len() {
                    return Err(Error::new(
                        "features",
                        format!(
                            "must list 1 to 7 features from {}",
                            names(&Feature::ALL, Feature::name)
                        ),
                    ));
                }
                let mut parsed = Vec::with_capacity(list.len());
                for (i, name) in list.iter().enumerate() {
                    let f = parse_name(
                        &format!("features[{i}]"),
                        name,
                        &Feature::ALL,
                        Feature::name,
                    )?;
                    if parsed.contains(&f) {
                        return Err(Error::new(
                            format!("features[{i}]"),
                            format!("\"{name}\" is listed twice"),
                        ));
                    }
                    parsed.push(f);
                }
                Some(parsed)
            }
        };
        let layers = match &self.layers {
            None => {
                let mut l = defaults.layers.clone();
                if let Some(f) = &features {
                    l[0] = f.len();
                }
                l
            }
            Some(raw) => {
                if raw.len() < 2 || raw.len() > MAX_HIDDEN_LAYERS + 2 {
                    return Err(Error::new(
                        "layers",
                        format!(
                            "must list [inputs, ...hidden, outputs]: 2 to {} sizes with at most {MAX_HIDDEN_LAYERS} hidden layers, got {} sizes",
                            MAX_HIDDEN_LAYERS + 2,
                            raw.len()
                        ),
                    ));
                }
                let last = raw.len() - 1;
                let mut l = Vec::with_capacity(raw.len());
                for (i, &v) in raw.iter().enumerate() {
                    let hi = if i == 0 {
                        MAX_INPUTS
                    } else if i == last {
                        MAX_OUTPUTS
                    } else {
                        MAX_NEURONS
                    };
                    l.push(whole(&format!("layers[{i}]"), v, 1, hi)?);
                }
                l
            }
        };
        if let Some(f) = &features
            && layers[0] != f.len()
        {
            return Err(Error::new(
                "layers[0]",
                format!(
                    "is {} but features lists {} ({}); the input layer has one neuron per feature",
                    layers[0],
                    f.len(),
                    f.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let hidden = match &self.hidden {
            Some(v) if v == "softmax" => {
                return Err(Error::new(
                    "hidden",
                    format!(
                        "\"softmax\" is for the output layer only (output: \"softmax\"); hidden layers allow {}",
                        names(&Activation::HIDDEN, Activation::name)
                    ),
                ));
            }
            Some(v) => parse_name("hidden", v, &Activation::HIDDEN, Activation::name)?,
            None => defaults.hidden,
        };
        let output = match &self.output {
            Some(v) => parse_name("output", v, &Activation::OUTPUT, Activation::name)?,
            None => defaults.output,
        };
        // With output "softmax" and no loss given, the loss defaults to cce, its only partner.
        let loss = match &self.loss {
            Some(v) => parse_name("loss", v, &Loss::ALL, Loss::name)?,
            None if output == Activation::Softmax => Loss::Cce,
            None => defaults.loss,
        };
        if loss == Loss::Bce && output != Activation::Sigmoid {
            return Err(Error::new(
                "loss",
                format!(
                    "\"bce\" (binary cross-entropy) needs output \"sigmoid\", got output \"{}\"; use loss \"squared\" or output \"sigmoid\"",
                    output.name()
                ),
            ));
        }
        if loss == Loss::Cce && output != Activation::Softmax {
            return Err(Error::new(
                "loss",
                format!(
                    "\"cce\" (categorical cross-entropy) needs output \"softmax\", got output \"{}\"",
                    output.name()
                ),
            ));
        }
        if output == Activation::Softmax && loss != Loss::Cce {
            return Err(Error::new(
                "loss",
                format!(
                    "output \"softmax\" needs loss \"cce\" (categorical cross-entropy), got \"{}\"",
                    loss.name()
                ),
            ));
        }
        let outputs = *layers.last().unwrap_or(&1);
        if output == Activation::Softmax && outputs < 2 {
            return Err(Error::new(
                format!("layers[{}]", layers.len() - 1),
                format!(
                    "output \"softmax\" needs at least 2 outputs (one per class), got {outputs}; for two classes a single sigmoid output with loss \"bce\" also works"
                ),
            ));
        }
        let training = self.training(Training::default())?;
        let seed = match self.seed {
            Some(v) => whole("seed", v, 0, u32::MAX as usize)? as u32,
            None => defaults.seed,
        };
        Ok(Settings {
            layers,
            hidden,
            output,
            loss,
            training,
            seed,
            features,
        })
    }

    /// Checks `weights` and `biases` against `layers`, and flattens them row-major.
    pub fn validate_parameters(&self, layers: &[usize]) -> Result<(Vec<f64>, Vec<f64>)> {
        let weights = self
            .weights
            .as_ref()
            .ok_or_else(|| Error::new("weights", "is required in a state: per layer [out][in]"))?;
        let biases = self
            .biases
            .as_ref()
            .ok_or_else(|| Error::new("biases", "is required in a state: per layer [out]"))?;
        flatten(("weights", "biases"), weights, biases, layers, |_| None)
    }

    /// Checks `stepCount`: absent means 0.
    pub fn validate_step_count(&self) -> Result<u64> {
        match self.step_count {
            None => Ok(0),
            Some(v)
                if v.is_finite() && v.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&v) =>
            {
                Ok(v as u64)
            }
            Some(v) => Err(Error::new(
                "stepCount",
                format!(
                    "must be a whole number from 0 to 9007199254740991, got {}",
                    js_number(v)
                ),
            )),
        }
    }

    /// Checks `moments` against `layers` and flattens them; `None` when absent.
    pub fn validate_moments(&self, layers: &[usize]) -> Result<Option<FlatMoments>> {
        let Some(m) = &self.moments else {
            return Ok(None);
        };
        let optimizer = match Optimizer::parse(&m.optimizer) {
            Some(Optimizer::Sgd) | None => {
                return Err(Error::new(
                    "moments.optimizer",
                    format!(
                        "unknown value \"{}\"; allowed: \"momentum\", \"adam\" (sgd has no moments)",
                        m.optimizer
                    ),
                ));
            }
            Some(o) => o,
        };
        let updates = m.updates;
        if !(updates.is_finite()
            && updates.fract() == 0.0
            && (0.0..=MAX_SAFE_INTEGER).contains(&updates))
        {
            return Err(Error::new(
                "moments.updates",
                format!(
                    "must be a whole number from 0 to 9007199254740991, got {}",
                    js_number(updates)
                ),
            ));
        }
        let mf = flatten(
            ("moments.mWeights", "moments.mBiases"),
            &m.m_weights,
            &m.m_biases,
            layers,
            |_| None,
        )?;
        let vf = match (optimizer, &m.v_weights, &m.v_biases) {
            (Optimizer::Adam, Some(vw), Some(vb)) => flatten(
                ("moments.vWeights", "moments.vBiases"),
                vw,
                vb,
                layers,
                |v| (v < 0.0).then_some("must be at least 0 (a mean of squares)"),
            )?,
            (Optimizer::Adam, None, _) => {
                return Err(Error::new(
                    "moments.vWeights",
                    "is required for optimizer \"adam\": its second moment per weight, [layer][out][in]",
                ));
            }
            (Optimizer::Adam, _, None) => {
                return Err(Error::new(
                    "moments.vBiases",
                    "is required for optimizer \"adam\": its second moment per bias, [layer][out]",
                ));
            }
            (_, Some(_), _) => {
                return Err(Error::new(
                    "moments.vWeights",
                    "belongs to optimizer \"adam\" only; momentum has one moment (mWeights, mBiases)",
                ));
            }
            (_, _, Some(_)) => {
                return Err(Error::new(
                    "moments.vBiases",
                    "belongs to optimizer \"adam\" only; momentum has one moment (mWeights, mBiases)",
                ));
            }
            _ => (Vec::new(), Vec::new()),
        };
        Ok(Some(FlatMoments {
            optimizer,
            updates: updates as u64,
            m: mf,
            v: vf,
        }))
    }
}

/// Checks per-layer `[out][in]` weights and `[out]` biases (named `names.0` and `names.1` in
/// errors) against `layers`, requires finite values (and whatever `extra` refuses), and
/// flattens them row-major.
fn flatten(
    names: (&str, &str),
    weights: &[Vec<Vec<f64>>],
    biases: &[Vec<f64>],
    layers: &[usize],
    extra: impl Fn(f64) -> Option<&'static str>,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let (wn, bn) = names;
    let n_layers = layers.len() - 1;
    if weights.len() != n_layers {
        return Err(Error::new(
            wn,
            format!(
                "must have {n_layers} layers for layers {layers:?}, got {}",
                weights.len()
            ),
        ));
    }
    if biases.len() != n_layers {
        return Err(Error::new(
            bn,
            format!(
                "must have {n_layers} layers for layers {layers:?}, got {}",
                biases.len()
            ),
        ));
    }
    let check = |field: String, v: f64| -> Result<f64> {
        if !v.is_finite() {
            return Err(Error::new(
                field,
                format!("must be a finite number, got {}", js_number(v)),
            ));
        }
        if let Some(why) = extra(v) {
            return Err(Error::new(field, format!("{why}, got {}", js_number(v))));
        }
        Ok(v)
    };
    let (mut w, mut b) = (Vec::new(), Vec::new());
    for l in 0..n_layers {
        let (n_in, n_out) = (layers[l], layers[l + 1]);
        if weights[l].len() != n_out {
            return Err(Error::new(
                format!("{wn}[{l}]"),
                format!(
                    "must have {n_out} rows (one per neuron), got {}",
                    weights[l].len()
                ),
            ));
        }
        for (j, row) in weights[l].iter().enumerate() {
            if row.len() != n_in {
                return Err(Error::new(
                    format!("{wn}[{l}][{j}]"),
                    format!(
                        "must have {n_in} entries (one per input), got {}",
                        row.len()
                    ),
                ));
            }
            for (k, &v) in row.iter().enumerate() {
                w.push(check(format!("{wn}[{l}][{j}][{k}]"), v)?);
            }
        }
        if biases[l].len() != n_out {
            return Err(Error::new(
                format!("{bn}[{l}]"),
                format!(
                    "must have {n_out} entries (one per neuron), got {}",
                    biases[l].len()
                ),
            ));
        }
        for (j, &v) in biases[l].iter().enumerate() {
            b.push(check(format!("{bn}[{l}][{j}]"), v)?);
        }
    }
    Ok((w, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(spec: Spec) -> String {
        spec.validate().unwrap_err().to_string()
    }

    #[test]
    fn defaults() {
        let s = Spec::default().validate().unwrap();
        assert_eq!(s, Settings::default());
        let s = Spec {
            features: Some(vec!["x1".into(), "sinX2".into(), "x1x2".into()]),
            ..Spec::default()
        }
        .validate()
        .unwrap();
        assert_eq!(s.layers, vec![3, 4, 2, 1]);
    }

    #[test]
    fn errors_name_the_field_and_what_is_allowed() {
        let e = err(Spec {
            hidden: Some("softmax".into()),
            ..Spec::default()
        });
        assert!(
            e.starts_with("hidden: \"softmax\" is for the output layer only"),
            "{e}"
        );
        let e = err(Spec {
            hidden: Some("gelu".into()),
            ..Spec::default()
        });
        assert!(
            e.starts_with("hidden: unknown value \"gelu\"; allowed: \"sigmoid\", \"tanh\""),
            "{e}"
        );
        let e = err(Spec {
            layers: Some(vec![2.0, 65.0, 1.0]),
            ..Spec::default()
        });
        assert_eq!(e, "layers[1]: must be a whole number from 1 to 64, got 65");
        let e = err(Spec {
            layers: Some(vec![2.0, 2.5, 1.0]),
            ..Spec::default()
        });
        assert_eq!(e, "layers[1]: must be a whole number from 1 to 64, got 2.5");
        let e = err(Spec {
            layers: Some(vec![2.0; 11]),
            ..Spec::default()
        });
        assert!(
            e.starts_with("layers: must list [inputs, ...hidden, outputs]"),
            "{e}"
        );
        let e = err(Spec {
            learning_rate: Some(f64::NAN),
            ..Spec::default()
        });
        assert_eq!(
            e,
            "learningRate: must be a number greater than 0 and at most 10, got NaN"
        );
        let e = err(Spec {
            learning_rate: Some(10.5),
            ..Spec::default()
        });
        assert!(e.contains("at most 10"));
        assert!(
            Spec {
                learning_rate: Some(10.0),
                ..Spec::default()
            }
            .validate()
            .is_ok()
        );
        let e = err(Spec {
            output: Some("tanh".into()),
            ..Spec::default()
        });
        assert!(
            e.starts_with("loss: \"bce\" (binary cross-entropy) needs output \"sigmoid\""),
            "{e}"
        );
        let e = err(Spec {
            output: Some("relu".into()),
            ..Spec::default()
        });
        assert!(
            e.starts_with(
                "output: unknown value \"relu\"; allowed: \"sigmoid\", \"tanh\", \"linear\""
            ),
            "{e}"
        );
        let e = err(Spec {
            seed: Some(-1.0),
            ..Spec::default()
        });
        assert!(
            e.starts_with("seed: must be a whole number from 0 to 4294967295"),
            "{e}"
        );
        let e = err(Spec {
            features: Some(vec!["x1".into(), "x1".into()]),
            ..Spec::default()
        });
        assert_eq!(e, "features[1]: \"x1\" is listed twice");
        let e = err(Spec {
            features: Some(vec!["x1".into()]),
            layers: Some(vec![2.0, 1.0]),
            ..Spec::default()
        });
        assert!(
            e.starts_with("layers[0]: is 2 but features lists 1 (x1)"),
            "{e}"
        );
        let e = err(Spec {
            batch_size: Some(0.0),
            ..Spec::default()
        });
        assert_eq!(
            e,
            "batchSize: must be a whole number from 1 to 100000, got 0"
        );
        let e = err(Spec {
            optimizer: Some("rmsprop".into()),
            ..Spec::default()
        });
        assert!(e.contains("allowed: \"sgd\", \"momentum\", \"adam\""));
    }

    #[test]
    fn softmax_and_cce_go_together() {
        let spec = |layers: &[f64], output: &str, loss: Option<&str>| Spec {
            layers: Some(layers.to_vec()),
            output: Some(output.into()),
            loss: loss.map(Into::into),
            ..Spec::default()
        };
        let s = spec(&[2.0, 4.0, 3.0], "softmax", None).validate().unwrap();
        assert_eq!((s.output, s.loss), (Activation::Softmax, Loss::Cce));
        spec(&[2.0, 3.0], "softmax", Some("cce"))
            .validate()
            .unwrap();
        let e = err(spec(&[2.0, 4.0, 1.0], "softmax", None));
        assert!(
            e.starts_with("layers[2]: output \"softmax\" needs at least 2 outputs"),
            "{e}"
        );
        let e = err(spec(&[2.0, 3.0], "softmax", Some("squared")));
        assert!(
            e.starts_with("loss: output \"softmax\" needs loss \"cce\""),
            "{e}"
        );
        let e = err(spec(&[2.0, 3.0], "softmax", Some("bce")));
        assert!(e.starts_with("loss: \"bce\" (binary cross-entropy) needs output \"sigmoid\""));
        for output in ["sigmoid", "tanh", "linear"] {
            let e = err(spec(&[2.0, 3.0], output, Some("cce")));
            assert!(
                e.starts_with("loss: \"cce\" (categorical cross-entropy) needs output \"softmax\""),
                "{e}"
            );
        }
    }

    #[test]
    fn step_count_and_moments_are_checked() {
        let with = |step: Option<f64>, m: Option<Moments>| Spec {
            step_count: step,
            moments: m,
            ..Spec::default()
        };
        assert_eq!(with(None, None).validate_step_count(), Ok(0));
        assert_eq!(with(Some(12.0), None).validate_step_count(), Ok(12));
        for bad in [-1.0, 2.5, f64::NAN, 1e16] {
            let e = with(Some(bad), None).validate_step_count().unwrap_err();
            assert_eq!(e.field, "stepCount");
        }
        let layers = [2, 1];
        let moments = |optimizer: &str, v: bool| Moments {
            optimizer: optimizer.into(),
            updates: 3.0,
            m_weights: vec![vec![vec![0.1, -0.2]]],
            m_biases: vec![vec![0.3]],
            v_weights: v.then(|| vec![vec![vec![0.01, 0.02]]]),
            v_biases: v.then(|| vec![vec![0.03]]),
        };
        let m = with(None, Some(moments("adam", true)))
            .validate_moments(&layers)
            .unwrap()
            .unwrap();
        assert_eq!(m.optimizer, Optimizer::Adam);
        assert_eq!(m.updates, 3);
        assert_eq!(m.m, (vec![0.1, -0.2], vec![0.3]));
        assert_eq!(m.v, (vec![0.01, 0.02], vec![0.03]));
        let field = |m: Moments| {
            with(None, Some(m))
                .validate_moments(&layers)
                .unwrap_err()
                .field
        };
        assert_eq!(field(moments("adam", false)), "moments.vWeights");
        assert_eq!(field(moments("momentum", true)), "moments.vWeights");
        assert_eq!(field(moments("sgd", false)), "moments.optimizer");
        let mut m = moments("adam", true);
        m.v_biases = Some(vec![vec![-1.0]]);
        assert_eq!(field(m), "moments.vBiases[0][0]");
        let mut m = moments("momentum", false);
        m.m_weights[0][0].push(0.0);
        assert_eq!(field(m), "moments.mWeights[0][0]");
        let mut m = moments("momentum", false);
        m.updates = -1.0;
        assert_eq!(field(m), "moments.updates");
    }

    #[test]
    fn parameters_are_checked_against_layers() {
        let spec = Spec {
            weights: Some(vec![vec![vec![0.1, 0.2]], vec![vec![f64::INFINITY]]]),
            biases: Some(vec![vec![0.0], vec![0.0]]),
            ..Spec::default()
        };
        let e = spec
            .validate_parameters(&[2, 1, 1])
            .unwrap_err()
            .to_string();
        assert_eq!(e, "weights[1][0][0]: must be a finite number, got Infinity");
        let e = spec
            .validate_parameters(&[2, 2, 1])
            .unwrap_err()
            .to_string();
        assert_eq!(e, "weights[0]: must have 2 rows (one per neuron), got 1");
        let e = spec
            .validate_parameters(&[3, 1, 1])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "weights[0][0]: must have 3 entries (one per input), got 2"
        );
    }
}
