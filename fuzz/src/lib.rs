//! The fuzz targets' checks, shared by cargo-fuzz (`fuzz/fuzz_targets/*.rs`) and by the corpus
//! replay in `cargo test` (`tests/fuzz_replay.rs` includes this file with `#[path]`).
//!
//! Each target reads its bytes as outside input and panics when an invariant fails:
//!
//! - `spec`: a config or state (`Spec`), as JSON (the input starts with `{`; serde's path, as
//!   serde-wasm-bindgen takes it in the browser) or decoded from the bytes (which reaches NaN,
//!   infinities and -0 that JSON cannot write), given to `validate`, `Network::new`,
//!   `Network::from_state` and `configure`.
//! - `calls`: one of a few networks, then a sequence of the calls that take outside numbers:
//!   `set_training_data`, `set_test_data`, `set_weight`, `set_bias`, `prepare_example`,
//!   `trace`, `forward`, `probe`, `configure`, `set_grid`, `set_output_range`, palettes, `step`.
//! - `csv`: `csv::parse` on any text with any options (the first byte, and column bytes).
//!
//! The invariants: no panic; an accepted input gives a valid result (checked against an
//! oracle written here from docs/API.md, not from the code under test); a rejected one is an
//! `Error` naming a field, and changes nothing a caller can observe; a network's state
//! survives JSON (`from_state(to_state())` is the same network, bit for bit). Time (no input
//! over 100 ms) is measured by the runners, not here.
//!
//! Adding a target: write `pub fn name(data: &[u8])` here, add it to [`TARGETS`], add
//! `fuzz/fuzz_targets/name.rs` (three lines, like the others) and a `[[bin]]` in
//! `fuzz/Cargo.toml`, and put a few seed files in `tests/fuzz/corpus/name/`. scripts/fuzz.sh
//! and tests/fuzz_replay.rs pick it up from [`TARGETS`].

use backprop_viz::config::Moments;
use backprop_viz::csv::{self, Column, Options, Table};
use backprop_viz::dataset::Task;
use backprop_viz::network::{MAX_GRID, MAX_THUMB, State};
use backprop_viz::{Error, Network, Settings, Spec};
use std::sync::OnceLock;

/// Every target: its name (also its corpus directory, `tests/fuzz/corpus/<name>/`) and its
/// check.
pub const TARGETS: &[(&str, Check)] = &[("spec", spec), ("calls", calls), ("csv", csv_target)];

/// A target's check: panics when an input breaks an invariant.
pub type Check = fn(&[u8]);

/// Words the mutators of the native runner splice in (libFuzzer finds its own).
pub const DICTIONARY: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "1e400",
    "-0",
    "0.5",
    "1e6",
    "1000001",
    "4294967296",
    "9007199254740992",
    "65",
    "17",
    "\"layers\":[2,4,1]",
    "\"weights\":[[[0.1,0.2]]]",
    "\"biases\":[[0]]",
    "\"hidden\":\"relu\"",
    "\"output\":\"softmax\"",
    "\"loss\":\"cce\"",
    "\"loss\":\"squared\"",
    "\"learningRate\":",
    "\"batchSize\":",
    "\"optimizer\":\"adam\"",
    "\"regularization\":\"l1\"",
    "\"regularizationRate\":",
    "\"seed\":",
    "\"features\":[\"x1\"]",
    "\"stepCount\":",
    "\"moments\":{",
    "\"mWeights\":",
    "\"vBiases\":",
    "\"updates\":",
    "\n",
    "\r\n",
    "\r",
    ";",
    "\t",
    "\"\"",
    "#",
    " ",
    "\u{feff}",
    "NaN",
    "inf",
    "cat",
    "é",
    "1,5",
    "x1,x2,label\n",
    "\u{0}",
    "\u{ffff}",
    "\u{10ffff}",
];

/// Runs `check` on `data`; with `FUZZ_SLOW_DIR` set (scripts/fuzz.sh sets it), an input that
/// takes over 100 ms is also written there, to be timed again natively.
pub fn timed(name: &str, check: fn(&[u8]), data: &[u8]) {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    let dir = DIR.get_or_init(|| std::env::var_os("FUZZ_SLOW_DIR").map(Into::into));
    let start = std::time::Instant::now();
    check(data);
    if let Some(dir) = dir
        && start.elapsed() > std::time::Duration::from_millis(100)
    {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in data {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(dir.join(format!("slow-{name}-{h:016x}")), data);
    }
}

// ---- reading bytes as choices ------------------------------------------------------------------

/// Numbers at the edges of what the engine accepts, and beyond.
const EDGES: [f64; 48] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.5,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    1e6,
    -1e6,
    1_000_000.000_000_1,
    -1_000_000.000_000_1,
    1e300,
    -1e300,
    f64::MAX,
    f64::MIN_POSITIVE,
    5e-324,
    4_294_967_295.0,
    4_294_967_296.0,
    9_007_199_254_740_991.0,
    9_007_199_254_740_992.0,
    1e16,
    10.0,
    10.000_000_000_000_002,
    64.0,
    65.0,
    16.0,
    17.0,
    8.0,
    9.0,
    100_000.0,
    100_001.0,
    1_000_000.0,
    1_000_001.0,
    1e-7,
    0.1,
    0.03,
    -0.5,
    1e-300,
    2.0,
    3.0,
    1.000_000_000_1,
    0.999_999_999_9,
    1e21,
    1e-6,
    f64::EPSILON,
    -2.0,
];

/// Reads fuzz bytes as a sequence of choices. Past the end every byte reads as 0, which every
/// reader below maps to a small, valid choice, so short inputs give sensible calls.
pub struct Input<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Input<'a> {
    /// Reads `data` from its start.
    pub fn new(data: &'a [u8]) -> Input<'a> {
        Input { data, pos: 0 }
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    /// One byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A choice from 0 to n - 1.
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let v = if n <= 256 {
            usize::from(self.byte())
        } else {
            usize::from(self.byte()) << 8 | usize::from(self.byte())
        };
        v % n
    }

    /// Mostly false (a byte from 240 up).
    pub fn rarely(&mut self) -> bool {
        self.byte() >= 240
    }

    /// A number: mostly in [-6, 6] in steps of 1/16, sometimes an edge value, sometimes any
    /// f64 at all.
    pub fn number(&mut self) -> f64 {
        match self.byte() {
            b @ 0..=191 => (f64::from(b) - 96.0) / 16.0,
            b @ 192..=239 => EDGES[usize::from(b - 192)],
            _ => {
                let mut bits = 0u64;
                for _ in 0..8 {
                    bits = bits << 8 | u64::from(self.byte());
                }
                f64::from_bits(bits)
            }
        }
    }

    /// A size or count: mostly 1 to 8, sometimes an edge value.
    pub fn size(&mut self) -> f64 {
        match self.byte() {
            b @ 0..=207 => f64::from(b % 8 + 1),
            b => EDGES[usize::from(b - 208)],
        }
    }

    /// A name: mostly one of `names`, sometimes one of them changed a little, sometimes any
    /// short text.
    pub fn text(&mut self, names: &[&str]) -> String {
        let b = self.byte();
        let name = names
            .get(usize::from(b) % names.len().max(1))
            .copied()
            .unwrap_or("");
        match b {
            0..=199 => name.to_string(),
            200..=207 => name.to_uppercase(),
            208..=215 => format!("{name} "),
            216..=223 => format!(" {name}"),
            224..=231 => name.chars().skip(1).collect(),
            _ => {
                let n = self.below(12);
                let bytes: Vec<u8> = (0..n).map(|_| self.byte()).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    }

    /// A length: `n`, or now and then one more or one less (or 0).
    pub fn len_near(&mut self, n: usize) -> usize {
        match self.byte() {
            0..=239 => n,
            240..=245 => n + 1,
            246..=251 => n.saturating_sub(1),
            252..=253 => 0,
            _ => n + 2 + self.below(4),
        }
    }

    /// `n` numbers.
    pub fn numbers(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.number()).collect()
    }

    /// Per-layer `[out][in]` weights and `[out]` biases for `layers`, each dimension now and
    /// then off by one.
    pub fn parameters(&mut self, layers: &[usize]) -> (Vec<Vec<Vec<f64>>>, Vec<Vec<f64>>) {
        let depth = self.len_near(layers.len().saturating_sub(1));
        let (mut w, mut b) = (Vec::new(), Vec::new());
        for l in 0..depth {
            let n_in = layers.get(l).copied().unwrap_or(1);
            let n_out = layers.get(l + 1).copied().unwrap_or(1);
            let rows = self.len_near(n_out);
            w.push(
                (0..rows)
                    .map(|_| {
                        let n = self.len_near(n_in);
                        self.numbers(n)
                    })
                    .collect(),
            );
            let n = self.len_near(n_out);
            b.push(self.numbers(n));
        }
        (w, b)
    }

    /// A config, state or settings object. The first two bytes say which fields are there.
    pub fn spec(&mut self) -> Spec {
        let present = u16::from(self.byte()) << 8 | u16::from(self.byte());
        let has = |i: u32| present & (1 << i) != 0;
        let mut spec = Spec::default();
        if has(0) {
            let n = 2 + self.below(11);
            spec.layers = Some((0..n).map(|_| self.size()).collect());
        }
        if has(1) {
            spec.hidden =
                Some(self.text(&["tanh", "relu", "leakyRelu", "sigmoid", "linear", "softmax"]));
        }
        if has(2) {
            spec.output = Some(self.text(&["sigmoid", "tanh", "linear", "softmax"]));
        }
        if has(3) {
            spec.loss = Some(self.text(&["bce", "squared", "cce"]));
        }
        if has(4) {
            spec.learning_rate = Some(self.number());
        }
        if has(5) {
            spec.batch_size = Some(self.size());
        }
        if has(6) {
            spec.optimizer = Some(self.text(&["sgd", "momentum", "adam"]));
        }
        if has(7) {
            spec.regularization = Some(self.text(&["none", "l1", "l2"]));
        }
        if has(8) {
            spec.regularization_rate = Some(self.number());
        }
        if has(9) {
            spec.seed = Some(self.number());
        }
        if has(10) {
            let n = self.below(9);
            spec.features = Some(
                (0..n)
                    .map(|_| {
                        self.text(&[
                            "x1",
                            "x2",
                            "x1Squared",
                            "x2Squared",
                            "x1x2",
                            "sinX1",
                            "sinX2",
                        ])
                    })
                    .collect(),
            );
        }
        // A state's parameters are shaped like its layers (now and then off by one).
        let layers = intended_layers(&spec);
        if has(11) || has(12) {
            let (w, b) = self.parameters(&layers);
            spec.weights = has(11).then_some(w);
            spec.biases = has(12).then_some(b);
        }
        if has(13) {
            spec.step_count = Some(if self.rarely() {
                self.number()
            } else {
                f64::from(self.byte())
            });
        }
        if has(14) {
            let optimizer = self.text(&["momentum", "adam", "sgd"]);
            let updates = if self.rarely() {
                self.number()
            } else {
                f64::from(self.byte())
            };
            let (m_weights, m_biases) = self.parameters(&layers);
            let v = match self.byte() {
                0..=127 => optimizer == "adam",
                128..=191 => true,
                _ => false,
            };
            let (v_weights, v_biases) = if v {
                let (w, b) = self.parameters(&layers);
                let keep = self.byte();
                (
                    (keep < 250).then(|| {
                        w.into_iter()
                            .map(|l| l.into_iter().map(abs_row).collect())
                            .collect()
                    }),
                    (!(240..250).contains(&keep)).then(|| b.into_iter().map(abs_row).collect()),
                )
            } else {
                (None, None)
            };
            spec.moments = Some(Moments {
                optimizer,
                updates,
                m_weights,
                m_biases,
                v_weights,
                v_biases,
            });
        }
        spec
    }
}

/// Second moments are means of squares; make most of them non-negative (NaN stays NaN).
fn abs_row(row: Vec<f64>) -> Vec<f64> {
    row.into_iter()
        .map(|v| if v < 0.0 { -v } else { v })
        .collect()
}

/// The layer sizes a spec asks for, as far as they can be read (else a small default), for
/// shaping a state's parameters.
fn intended_layers(spec: &Spec) -> Vec<usize> {
    match &spec.layers {
        Some(l)
            if l.iter()
                .all(|&v| (1.0..=64.0).contains(&v) && v.fract() == 0.0) =>
        {
            l.iter().map(|&v| v as usize).collect()
        }
        Some(_) => vec![2, 1],
        None => {
            let inputs = spec.features.as_ref().map_or(2, |f| f.len().max(1));
            vec![inputs, 4, 2, 1]
        }
    }
}

// ---- the oracle: what docs/API.md says is valid ----------------------------------------------

const HIDDEN: [&str; 5] = ["sigmoid", "tanh", "relu", "leakyRelu", "linear"];
const OUTPUT: [&str; 4] = ["sigmoid", "tanh", "linear", "softmax"];
const LOSSES: [&str; 3] = ["bce", "squared", "cce"];
const OPTIMIZERS: [&str; 3] = ["sgd", "momentum", "adam"];
const REGULARIZATIONS: [&str; 3] = ["none", "l1", "l2"];
const FEATURES: [&str; 7] = [
    "x1",
    "x2",
    "x1Squared",
    "x2Squared",
    "x1x2",
    "sinX1",
    "sinX2",
];
/// The largest whole number a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// The fields an error about a config, state or settings object may name.
use backprop_viz::config::SPEC_KEYS as SPEC_FIELDS;

fn whole_in(v: f64, lo: f64, hi: f64) -> bool {
    v.is_finite() && v.trunc() == v && v >= lo && v <= hi
}

/// Whether a config is valid, by the rules of docs/API.md ("new Network(config)").
pub fn config_is_valid(spec: &Spec) -> bool {
    let features_ok = match &spec.features {
        None => true,
        Some(f) => {
            !f.is_empty()
                && f.iter().all(|n| FEATURES.contains(&n.as_str()))
                && f.iter().enumerate().all(|(i, n)| !f[..i].contains(n))
        }
    };
    let layers = match &spec.layers {
        Some(l) => l.clone(),
        None => vec![
            spec.features.as_ref().map_or(2.0, |f| f.len() as f64),
            4.0,
            2.0,
            1.0,
        ],
    };
    let n = layers.len();
    let layers_ok = (2..=10).contains(&n)
        && whole_in(layers[0], 1.0, 16.0)
        && whole_in(layers[n - 1], 1.0, 16.0)
        && layers[1..n - 1].iter().all(|&v| whole_in(v, 1.0, 64.0));
    let inputs_ok = spec
        .features
        .as_ref()
        .is_none_or(|f| layers.first() == Some(&(f.len() as f64)));
    let hidden_ok = spec.hidden.as_deref().is_none_or(|h| HIDDEN.contains(&h));
    let output = spec.output.as_deref().unwrap_or("sigmoid");
    let loss = spec
        .loss
        .as_deref()
        .unwrap_or(if output == "softmax" { "cce" } else { "bce" });
    let names_ok = OUTPUT.contains(&output) && LOSSES.contains(&loss);
    let pair_ok = (loss != "bce" || output == "sigmoid")
        && ((loss == "cce") == (output == "softmax"))
        && (output != "softmax" || layers.last().is_some_and(|&k| k >= 2.0));
    let training_ok = spec.learning_rate.is_none_or(|v| v > 0.0 && v <= 10.0)
        && spec.batch_size.is_none_or(|v| whole_in(v, 1.0, 100_000.0))
        && spec
            .optimizer
            .as_deref()
            .is_none_or(|o| OPTIMIZERS.contains(&o))
        && spec
            .regularization
            .as_deref()
            .is_none_or(|r| REGULARIZATIONS.contains(&r))
        && spec
            .regularization_rate
            .is_none_or(|v| (0.0..=10.0).contains(&v));
    let seed_ok = spec.seed.is_none_or(|v| whole_in(v, 0.0, 4_294_967_295.0));
    features_ok
        && layers_ok
        && inputs_ok
        && hidden_ok
        && names_ok
        && pair_ok
        && training_ok
        && seed_ok
}

/// Whether `[l][out][in]` / `[l][out]` arrays fit `layers` with every value finite and
/// allowed by `ok`.
fn shaped(w: &[Vec<Vec<f64>>], b: &[Vec<f64>], layers: &[usize], ok: impl Fn(f64) -> bool) -> bool {
    let depth = layers.len() - 1;
    w.len() == depth
        && b.len() == depth
        && (0..depth).all(|l| {
            w[l].len() == layers[l + 1]
                && w[l].iter().all(|row| {
                    row.len() == layers[l] && row.iter().all(|&v| v.is_finite() && ok(v))
                })
                && b[l].len() == layers[l + 1]
                && b[l].iter().all(|&v| v.is_finite() && ok(v))
        })
}

/// Whether a state is valid, by docs/API.md ("State").
pub fn state_is_valid(spec: &Spec) -> bool {
    if spec.layers.is_none() || !config_is_valid(spec) {
        return false;
    }
    let layers: Vec<usize> = intended_layers(spec);
    let params_ok = match (&spec.weights, &spec.biases) {
        (Some(w), Some(b)) => shaped(w, b, &layers, |_| true),
        _ => false,
    };
    let steps_ok = spec.step_count.is_none_or(|v| whole_in(v, 0.0, MAX_SAFE));
    let moments_ok = spec.moments.as_ref().is_none_or(|m| {
        let adam = m.optimizer == "adam";
        (adam || m.optimizer == "momentum")
            && whole_in(m.updates, 0.0, MAX_SAFE)
            && shaped(&m.m_weights, &m.m_biases, &layers, |_| true)
            && match (&m.v_weights, &m.v_biases) {
                (Some(w), Some(b)) => adam && shaped(w, b, &layers, |v| v >= 0.0),
                (None, None) => !adam,
                _ => false,
            }
    });
    params_ok && steps_ok && moments_ok
}

/// Checks an accepted config's settings against the rules and against the spec it came from.
fn check_settings(s: &Settings, spec: &Spec) {
    let n = s.layers.len();
    assert!((2..=10).contains(&n), "layers {:?}", s.layers);
    assert!((1..=16).contains(&s.layers[0]) && (1..=16).contains(&s.layers[n - 1]));
    assert!(s.layers[1..n - 1].iter().all(|v| (1..=64).contains(v)));
    if let Some(l) = &spec.layers {
        let given: Vec<f64> = s.layers.iter().map(|&v| v as f64).collect();
        assert_eq!(&given, l, "layers differ from the config's");
    }
    if let Some(f) = &s.features {
        assert_eq!(f.len(), s.layers[0]);
        let names: Vec<&str> = f.iter().map(|f| f.name()).collect();
        assert_eq!(
            Some(names),
            spec.features
                .as_ref()
                .map(|v| v.iter().map(String::as_str).collect())
        );
    } else {
        assert!(spec.features.is_none());
    }
    let t = &s.training;
    assert!(t.learning_rate > 0.0 && t.learning_rate <= 10.0);
    assert_eq!(
        t.learning_rate.to_bits(),
        spec.learning_rate.unwrap_or(0.03).to_bits()
    );
    assert_eq!(t.batch_size as f64, spec.batch_size.unwrap_or(10.0));
    assert_eq!(
        t.regularization_rate,
        spec.regularization_rate.unwrap_or(0.0)
    );
    assert_eq!(f64::from(s.seed), spec.seed.unwrap_or(1.0));
    assert_eq!(
        Some(s.hidden.name()),
        Some(spec.hidden.as_deref().unwrap_or("tanh"))
    );
    assert_eq!(s.output.name(), spec.output.as_deref().unwrap_or("sigmoid"));
    assert_eq!(
        t.optimizer.name(),
        spec.optimizer.as_deref().unwrap_or("sgd")
    );
    assert_eq!(
        t.regularization.name(),
        spec.regularization.as_deref().unwrap_or("none")
    );
}

/// An error must name a field (one of `roots`, maybe with a path after it) and say something.
pub fn check_error(e: &Error, roots: &[&str]) {
    let root = e.field.split(['.', '[']).next().unwrap_or("");
    assert!(
        roots.contains(&root),
        "error names the field {:?}, not one of {roots:?}: {e}",
        e.field
    );
    assert!(
        !e.message.trim().is_empty(),
        "error without a message: {e:?}"
    );
    assert!(e.to_string().starts_with(&format!("{}: ", e.field)), "{e}");
}

// ---- networks ----------------------------------------------------------------------------------

/// A state as JSON, as `JSON.stringify(net.toState())` writes it.
fn json(state: &State) -> String {
    serde_json::to_string(state).expect("a state serialises")
}

/// A network's state survives JSON and `from_state`, bit for bit, with and without moments.
fn check_round_trip(net: &Network) {
    let state = net.to_state();
    let text = json(&state);
    let spec: Spec = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("a state's JSON is a Spec: {e}: {text}"));
    let back = Network::from_state(&spec)
        .unwrap_or_else(|e| panic!("from_state(to_state()) refused: {e}: {text}"));
    assert_eq!(
        json(&back.to_state()),
        text,
        "from_state(to_state()) differs"
    );
    assert_eq!(back.settings(), net.settings());
    let lean = net.to_state_with(false);
    let spec: Spec = serde_json::from_str(&json(&lean)).expect("a lean state's JSON is a Spec");
    let back = Network::from_state(&spec)
        .unwrap_or_else(|e| panic!("from_state(to_state(no moments)) refused: {e}"));
    assert_eq!(back.to_state_with(false), lean);
}

/// Everything a caller can observe about a network, for "a rejected call changes nothing".
pub fn snapshot(net: &Network) -> String {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let palette_sum = net.grid_pixels().len();
    format!(
        "{}|{:?}|{:?}|{}|{:x}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}",
        json(&net.to_state()),
        net.settings(),
        net.data_sizes(),
        net.step_count(),
        net.last_loss().to_bits(),
        net.batch_buffer(),
        bits(net.weight_gradients_buffer()),
        bits(net.bias_gradients_buffer()),
        net.output_range_setting()
            .map(|(a, b)| (a.to_bits(), b.to_bits())),
        net.class_palette(),
        palette_sum,
        net.thumb_pixels().len(),
        net.input_scales()
            .iter()
            .map(|v| v.to_bits())
            .collect::<Vec<_>>(),
    )
}

/// The parts of a snapshot that a diverged `step` must leave as they were.
fn parameters_snapshot(net: &Network) -> String {
    format!("{}|{:?}", json(&net.to_state()), net.data_sizes())
}

/// A few networks of different kinds, with data and some training: the subjects of `configure`
/// and of the `calls` target.
pub fn bases() -> &'static [Network] {
    static BASES: OnceLock<Vec<Network>> = OnceLock::new();
    BASES.get_or_init(|| {
        let cfg = |json: &str| -> Spec { serde_json::from_str(json).expect("a base config") };
        let mut out = Vec::new();
        // Binary, no data yet.
        out.push(Network::new(&cfg(r#"{"layers":[2,3,1],"seed":5}"#)).expect("base 0"));
        // Features, adam, trained, with a grid.
        let mut net = Network::new(&cfg(
            r#"{"layers":[3,4,2,1],"features":["x1","x2","x1x2"],"optimizer":"adam","batchSize":4}"#,
        ))
        .expect("base 1");
        let (x, y) = grid_points(12, |a, b| f64::from(u8::from(a * b > 0.0)));
        net.set_training_data(&x, &y).expect("base 1 data");
        net.set_test_data(&x[..8], &y[..4]).expect("base 1 test data");
        net.step(3).expect("base 1 steps");
        net.set_grid(8, 4, (-6.0, 6.0), (-6.0, 6.0)).expect("base 1 grid");
        out.push(net);
        // Softmax with three classes, momentum, trained.
        let mut net = Network::new(&cfg(r#"{"layers":[2,4,3],"output":"softmax","optimizer":"momentum","regularization":"l2","regularizationRate":0.01}"#))
            .expect("base 2");
        let (x, labels) = grid_points(9, |a, b| if a > 0.0 { 0.0 } else if b > 0.0 { 1.0 } else { 2.0 });
        let y: Vec<f64> = labels
            .iter()
            .flat_map(|&c| (0..3).map(move |j| f64::from(u8::from(j as f64 == c))))
            .collect();
        net.set_training_data(&x, &y).expect("base 2 data");
        net.step(2).expect("base 2 steps");
        out.push(net);
        // Regression, one raw input, relu.
        let mut net = Network::new(&cfg(r#"{"layers":[1,3,1],"hidden":"relu","output":"linear","loss":"squared","batchSize":100}"#))
            .expect("base 3");
        net.set_training_data(&[-1.0, 0.0, 2.0, 3.5], &[2.0, 0.5, -1.0, 7.0]).expect("base 3 data");
        net.step(1).expect("base 3 step");
        out.push(net);
        // Two tanh outputs, no hidden layer, l1.
        let net = Network::new(&cfg(r#"{"layers":[4,2],"output":"tanh","loss":"squared","regularization":"l1","regularizationRate":0.1,"seed":4294967295}"#))
            .expect("base 4");
        out.push(net);
        out
    })
}

/// Points on an n x n grid over [-5, 5]^2 (x1, x2 row-major) and a label for each.
fn grid_points(n: usize, label: impl Fn(f64, f64) -> f64) -> (Vec<f64>, Vec<f64>) {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for i in 0..n * n {
        let a = -5.0 + 10.0 * (i % n) as f64 / (n - 1) as f64;
        let b = -5.0 + 10.0 * (i / n) as f64 / (n - 1) as f64;
        x.extend([a, b]);
        y.push(label(a, b));
    }
    (x, y)
}

/// `configure(spec)` on `net`: a rejection changes nothing; an acceptance changes exactly the
/// training settings it names (and restarts the moments for a new optimizer).
fn check_configure(net: &mut Network, spec: &Spec) {
    let before = snapshot(net);
    let old = net.clone();
    let structural = spec.layers.is_some()
        || spec.hidden.is_some()
        || spec.output.is_some()
        || spec.loss.is_some()
        || spec.seed.is_some()
        || spec.features.is_some()
        || spec.weights.is_some()
        || spec.biases.is_some()
        || spec.step_count.is_some()
        || spec.moments.is_some();
    let training_ok = config_is_valid(&Spec {
        layers: None,
        hidden: None,
        output: None,
        loss: None,
        seed: None,
        features: None,
        ..spec.clone()
    });
    match net.configure(spec) {
        Err(e) => {
            check_error(&e, SPEC_FIELDS);
            assert_eq!(
                snapshot(net),
                before,
                "a rejected configure ({e}) changed the network"
            );
            assert!(
                structural || !training_ok,
                "configure refused valid settings: {e}"
            );
        }
        Ok(()) => {
            assert!(!structural && training_ok, "configure accepted {spec:?}");
            let t = &net.settings().training;
            let o = &old.settings().training;
            assert_eq!(
                t.learning_rate.to_bits(),
                spec.learning_rate.unwrap_or(o.learning_rate).to_bits()
            );
            assert_eq!(
                t.batch_size as f64,
                spec.batch_size.unwrap_or(o.batch_size as f64)
            );
            assert_eq!(
                Some(t.optimizer.name()),
                Some(spec.optimizer.as_deref().unwrap_or(o.optimizer.name()))
            );
            assert_eq!(
                t.regularization.name(),
                spec.regularization
                    .as_deref()
                    .unwrap_or(o.regularization.name())
            );
            assert_eq!(
                t.regularization_rate,
                spec.regularization_rate.unwrap_or(o.regularization_rate)
            );
            let (s, p) = (net.to_state(), old.to_state());
            assert_eq!(
                (&s.weights, &s.biases, s.step_count),
                (&p.weights, &p.biases, p.step_count)
            );
            assert_eq!(net.data_sizes(), old.data_sizes());
            if t.optimizer != o.optimizer {
                if let Some(m) = &s.moments {
                    assert_eq!(m.updates, 0.0, "a new optimizer starts fresh");
                    assert!(m.m_weights.iter().flatten().flatten().all(|&v| v == 0.0));
                }
            } else {
                assert_eq!(s.moments, p.moments, "the same optimizer keeps its moments");
            }
            check_round_trip(net);
        }
    }
}

// ---- target: spec ------------------------------------------------------------------------------

/// The `spec` target: a config or state, as JSON (an input starting with `{`) or from bytes.
pub fn spec(data: &[u8]) {
    let spec = if data.first() == Some(&b'{') {
        let text = String::from_utf8_lossy(data);
        match serde_json::from_str::<Spec>(&text) {
            Ok(s) => s,
            // serde's refusals (unknown fields, wrong types) are worded for JS by wasm.rs; the
            // Node fuzz target checks those through the built package.
            Err(_) => return,
        }
    } else {
        Input::new(data).spec()
    };
    let base = data.iter().fold(0usize, |h, &b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    check_spec(&spec, base);
}

/// Checks one config or state against `validate`, `new`, `from_state`, and `configure` on
/// the base network `base` (modulo their number).
pub fn check_spec(spec: &Spec, base: usize) {
    let validated = spec.validate();
    match &validated {
        Ok(s) => check_settings(s, spec),
        Err(e) => check_error(e, SPEC_FIELDS),
    }
    assert_eq!(
        validated.is_ok(),
        config_is_valid(spec),
        "validate() says {:?} for {spec:?}",
        validated.as_ref().err()
    );
    let state_only = spec.weights.is_some()
        || spec.biases.is_some()
        || spec.step_count.is_some()
        || spec.moments.is_some();
    match Network::new(spec) {
        Ok(net) => {
            assert!(!state_only, "new() accepted a state's fields: {spec:?}");
            assert_eq!(Some(net.settings()), validated.as_ref().ok());
            assert_eq!(net.step_count(), 0);
            check_round_trip(&net);
        }
        Err(e) => {
            check_error(&e, SPEC_FIELDS);
            assert!(
                state_only || validated.is_err(),
                "new() refused a valid config: {e}"
            );
        }
    }
    match Network::from_state(spec) {
        Ok(net) => {
            assert!(state_is_valid(spec), "from_state() accepted {spec:?}");
            check_restored(&net, spec);
            check_round_trip(&net);
        }
        Err(e) => {
            check_error(&e, SPEC_FIELDS);
            assert!(
                !state_is_valid(spec),
                "from_state() refused a valid state: {e}: {spec:?}"
            );
        }
    }
    check_configure(&mut bases()[base % bases().len()].clone(), spec);
}

/// A restored network holds exactly the state it was given.
fn check_restored(net: &Network, spec: &Spec) {
    let s = net.to_state();
    let bits3 = |v: &[Vec<Vec<f64>>]| {
        v.iter()
            .flatten()
            .flatten()
            .map(|x| x.to_bits())
            .collect::<Vec<_>>()
    };
    let bits2 = |v: &[Vec<f64>]| v.iter().flatten().map(|x| x.to_bits()).collect::<Vec<_>>();
    let (w, b) = (
        spec.weights.as_deref().unwrap_or(&[]),
        spec.biases.as_deref().unwrap_or(&[]),
    );
    assert_eq!(bits3(&s.weights), bits3(w), "restored weights differ");
    assert_eq!(bits2(&s.biases), bits2(b), "restored biases differ");
    assert_eq!(s.step_count, spec.step_count.unwrap_or(0.0), "stepCount");
    match (&s.moments, &spec.moments) {
        (Some(got), Some(given)) if got.optimizer == given.optimizer => {
            assert_eq!(got.updates, given.updates);
            assert_eq!(bits3(&got.m_weights), bits3(&given.m_weights));
            assert_eq!(bits2(&got.m_biases), bits2(&given.m_biases));
            let v3 = |v: &Option<Vec<Vec<Vec<f64>>>>| v.as_deref().map(bits3);
            let v2 = |v: &Option<Vec<Vec<f64>>>| v.as_deref().map(bits2);
            assert_eq!(v3(&got.v_weights), v3(&given.v_weights));
            assert_eq!(v2(&got.v_biases), v2(&given.v_biases));
        }
        (Some(got), _) => {
            // No moments given, or another optimizer's: it starts fresh.
            assert_eq!(got.updates, 0.0);
            assert!(got.m_weights.iter().flatten().flatten().all(|&v| v == 0.0));
        }
        (None, _) => assert_eq!(s.optimizer, "sgd"),
    }
}

// ---- target: calls -----------------------------------------------------------------------------

/// The `calls` target: one of [`bases`], then up to 16 calls with arguments from the bytes.
pub fn calls(data: &[u8]) {
    let mut input = Input::new(data);
    let mut net = bases()[input.below(bases().len())].clone();
    for _ in 0..16 {
        if input.is_empty() {
            break;
        }
        call(&mut net, &mut input);
    }
}

/// Rows of raw inputs for `net` (the count and each row's length now and then off).
fn data_rows(net: &Network, input: &mut Input) -> (Vec<f64>, Vec<f64>) {
    let n = input.below(6);
    let d = net.raw_input_size();
    let x_len = input.len_near(n * d);
    let x = input.numbers(x_len);
    let mut y = Vec::new();
    for _ in 0..n {
        y.extend(target_row(net, input));
    }
    if input.rarely() {
        y.push(input.number());
    }
    (x, y)
}

/// A target row for `net`: mostly valid for its loss, sometimes any numbers.
fn target_row(net: &Network, input: &mut Input) -> Vec<f64> {
    let o = *net.layers().last().unwrap_or(&1);
    match input.byte() {
        0..=199 => match net.loss().name() {
            "bce" => (0..o).map(|_| f64::from(input.byte() & 1)).collect(),
            "cce" => {
                let c = input.below(o);
                (0..o).map(|j| f64::from(u8::from(j == c))).collect()
            }
            _ => input.numbers(o),
        },
        _ => {
            let n = input.len_near(o);
            input.numbers(n)
        }
    }
}

/// One raw input for `net` (its length now and then off).
fn raw_input(net: &Network, input: &mut Input) -> Vec<f64> {
    let n = input.len_near(net.raw_input_size());
    input.numbers(n)
}

/// An index near the sizes that exist: mostly in range, sometimes just past it, now and then
/// huge.
fn index(input: &mut Input, n: usize) -> usize {
    match input.byte() {
        0..=199 => input.below(n.max(1)),
        200..=249 => n + input.below(3),
        250..=253 => usize::MAX,
        _ => input.below(70),
    }
}

/// One call on `net` with arguments from `input`, and its invariants.
fn call(net: &mut Network, input: &mut Input) {
    let before = snapshot(net);
    let state = net.to_state();
    let op = input.below(14);
    let result: Result<(), Error> = match op {
        0 | 1 => {
            let (x, y) = data_rows(net, input);
            let (train, test) = net.data_sizes();
            // Accepted only as whole rows with their targets.
            let (d, o) = (net.raw_input_size(), *net.layers().last().unwrap_or(&1));
            let n = x.len() / d;
            let shaped = x.len() % d == 0 && y.len() == n * o;
            if op == 0 {
                net.set_training_data(&x, &y).map(|()| {
                    assert!(
                        shaped,
                        "set_training_data accepted {} inputs and {} targets",
                        x.len(),
                        y.len()
                    );
                    assert_eq!(net.data_sizes(), (n, test));
                })
            } else {
                net.set_test_data(&x, &y).map(|()| {
                    assert!(
                        shaped,
                        "set_test_data accepted {} inputs and {} targets",
                        x.len(),
                        y.len()
                    );
                    assert_eq!(net.data_sizes(), (train, n));
                })
            }
            .map(|()| assert_eq!(net.to_state(), state, "data changed the parameters"))
        }
        2 | 3 => {
            let depth = net.layers().len() - 1;
            let l = index(input, depth);
            let j = index(input, 16);
            let k = index(input, 16);
            let v = input.number();
            let r = if op == 2 {
                net.set_weight(l, j, k, v)
            } else {
                net.set_bias(l, j, v)
            };
            r.map(|()| {
                let mut expected = state.clone();
                if op == 2 {
                    expected.weights[l][j][k] = v;
                } else {
                    expected.biases[l][j] = v;
                }
                assert_eq!(
                    json(&net.to_state()),
                    json(&expected),
                    "set {l} {j} {k} to {v}"
                );
            })
        }
        4 | 5 => {
            let x = raw_input(net, input);
            let y = target_row(net, input);
            if op == 4 {
                net.prepare_example(&x, &y).map(|_| {
                    assert_eq!(
                        net.to_state(),
                        state,
                        "prepare_example changed the parameters"
                    );
                })
            } else {
                net.trace(&x, &y).map(|t| {
                    assert_eq!(t.layers.len(), net.layers().len() - 1);
                    assert_eq!(t.input.len(), net.layers()[0]);
                    assert_eq!(t.target, y);
                    for (l, layer) in t.layers.iter().enumerate() {
                        let (n_in, n_out) = (net.layers()[l], net.layers()[l + 1]);
                        assert_eq!(
                            (layer.z.len(), layer.dL_dW.len(), layer.dL_dAprev.len()),
                            (n_out, n_out, n_in)
                        );
                    }
                })
            }
        }
        6 | 7 => {
            let x = raw_input(net, input);
            let outputs = *net.layers().last().unwrap_or(&1);
            if op == 6 {
                net.forward(&x).map(|a| assert_eq!(a.len(), outputs))
            } else {
                net.probe(&x)
            }
            .map(|()| assert_eq!(net.to_state(), state))
        }
        8 => {
            let spec = input.spec();
            check_configure(net, &spec);
            return;
        }
        9 => {
            let size = index(input, MAX_GRID + 1);
            let thumb = index(input, MAX_THUMB + 1);
            let (x0, x1, y0, y1) = (
                input.number(),
                input.number(),
                input.number(),
                input.number(),
            );
            net.set_grid(size, thumb, (x0, x1), (y0, y1)).map(|()| {
                let neurons: usize = net.layers().iter().sum();
                assert_eq!(net.grid_pixels().len(), size * size * 4);
                assert_eq!(net.thumb_pixels().len(), thumb * thumb * 4 * neurons);
                assert!(
                    (2..=MAX_GRID).contains(&size) && (2..=size.min(MAX_THUMB)).contains(&thumb)
                );
            })
        }
        10 => {
            let range = (!input.rarely()).then(|| (input.number(), input.number()));
            net.set_output_range(range).map(|()| {
                assert_eq!(net.output_range_setting(), range);
                if let Some((lo, hi)) = range {
                    assert!(lo < hi && lo.abs() <= 1e6 && hi.abs() <= 1e6);
                }
            })
        }
        11 | 12 => {
            let n = if op == 12 {
                input.len_near(1024)
            } else {
                input.below(70)
            };
            let fill = input.byte();
            let rgba: Vec<u8> = (0..n).map(|i| fill.wrapping_add(i as u8)).collect();
            if op == 11 {
                net.set_class_palette(&rgba)
                    .map(|()| assert_eq!(net.class_palette(), &rgba[..]))
            } else {
                net.set_palette(&rgba).map(|()| assert_eq!(n, 1024))
            }
        }
        _ => {
            // Training (not a parser, but it gives the other calls moments and step counts).
            let steps = net.step_count();
            match net.step(1) {
                Ok(_) => {
                    assert_eq!(net.step_count(), steps + 1);
                    return;
                }
                Err(_) => {
                    assert_eq!(
                        parameters_snapshot(net),
                        format!("{}|{:?}", json(&state), net.data_sizes())
                    );
                    return;
                }
            }
        }
    };
    if let Err(e) = result {
        let roots: &[&str] = match op {
            0 => &["training"],
            1 => &["test"],
            2 | 3 => &["layer", "neuron", "input", "value"],
            4 | 5 => &["input", "target"],
            6 | 7 => &["input"],
            9 => &["grid", "size", "thumb", "x", "y"],
            10 => &["outputRange"],
            11 => &["classPalette"],
            _ => &["palette"],
        };
        check_error(&e, roots);
        assert_eq!(
            snapshot(net),
            before,
            "a rejected call (op {op}: {e}) changed the network"
        );
    }
}

// ---- target: csv -------------------------------------------------------------------------------

/// Options from the first byte (and, with its top bit, three column bytes): 0 is the default.
fn csv_options(input: &mut Input) -> Options {
    let b = input.byte();
    let mut o = Options {
        delimiter: [None, Some(b','), Some(b';'), Some(b'\t')][usize::from(b & 3)],
        header: [None, Some(true), Some(false), None][usize::from(b >> 2 & 3)],
        task: [
            None,
            Some(Task::Binary),
            Some(Task::Multiclass),
            Some(Task::Regression),
        ][usize::from(b >> 4 & 3)],
        comments: b & 64 == 0,
        ..Options::default()
    };
    if b & 128 != 0 {
        for c in &mut o.columns {
            let v = input.byte();
            *c = match v {
                0..=127 => Column::Index(usize::from(v % 6)),
                128..=191 => Column::Name(
                    ["x1", "x2", "label", "X", "y", "species", "", "a"][usize::from(v % 8)].into(),
                ),
                192..=223 => Column::Index(1_000_000),
                _ => Column::Name(input.text(&["x", "y"])),
            };
        }
    }
    o
}

/// The `csv` target: options from the first bytes, then any text (invalid UTF-8 replaced, as
/// a browser's file reader does).
pub fn csv_target(data: &[u8]) {
    let mut input = Input::new(data);
    let options = csv_options(&mut input);
    let text = String::from_utf8_lossy(input.rest());
    check_csv(&text, &options);
}

/// Checks one CSV file: a refusal names a field; a table holds only valid rows and targets,
/// reports its errors consistently, and reads back the same when written out again.
pub fn check_csv(text: &str, options: &Options) {
    let result = csv::parse(text, options);
    assert_eq!(
        result,
        csv::parse(text, options),
        "parse is not deterministic"
    );
    let t = match result {
        Err(e) => {
            check_error(&e, &["text", "label", "options"]);
            return;
        }
        Ok(t) => t,
    };
    let rows = t.rows();
    assert!(rows >= 1, "a table with no rows");
    assert_eq!((t.inputs.len(), t.lines.len()), (2 * rows, rows));
    assert!(
        t.inputs.iter().all(|v| v.is_finite() && v.abs() <= 1e6),
        "inputs out of range"
    );
    let lines = text.split(['\n', '\r']).count().max(1);
    assert!(
        t.lines.windows(2).all(|w| w[0] < w[1]) && t.lines.iter().all(|&l| l >= 1 && l <= lines)
    );
    assert!(rows + t.error_count <= lines);
    assert_eq!(t.errors.len(), t.error_count.min(csv::MAX_ERRORS));
    assert!(
        t.errors.windows(2).all(|w| w[0].line <= w[1].line),
        "errors out of order"
    );
    for e in &t.errors {
        assert!(["", "x1", "x2", "label"].contains(&e.field));
        let prefix = if e.field.is_empty() {
            format!("line {}: ", e.line)
        } else {
            format!("line {}: {}: ", e.line, e.field)
        };
        assert!(
            e.message.starts_with(&prefix) && e.message.len() > prefix.len(),
            "{e:?}"
        );
        assert!(e.line >= 1 && e.line <= lines && !t.lines.contains(&e.line));
    }
    assert!([b',', b';', b'\t'].contains(&t.delimiter));
    if let Some(d) = options.delimiter {
        assert_eq!(t.delimiter, d);
    }
    if let Some(h) = options.header {
        assert_eq!(t.header.is_some(), h);
    }
    if let Some(task) = options.task {
        assert_eq!(t.task, task);
    }
    match &t.header {
        None => assert_eq!(t.columns, ["x1", "x2", "label"]),
        Some(h) => {
            for (r, c) in options.columns.iter().enumerate() {
                match c {
                    Column::Index(k) => assert_eq!(Some(&t.columns[r]), h.get(*k)),
                    Column::Name(n) => assert!(t.columns[r].eq_ignore_ascii_case(n)),
                }
            }
        }
    }
    let numbered: Vec<String> = (0..t.classes).map(|c| c.to_string()).collect();
    let named = t.task != Task::Regression && t.class_names != numbered;
    match t.task {
        Task::Binary => assert_eq!(t.classes, 2),
        Task::Multiclass => assert!((2..=16).contains(&t.classes)),
        Task::Regression => assert!(t.classes == 0 && t.class_names.is_empty()),
    }
    assert_eq!(t.class_names.len(), t.classes);
    if named {
        assert!(
            t.class_names.windows(2).all(|w| w[0] < w[1]),
            "class names not sorted: {:?}",
            t.class_names
        );
        assert!(
            t.class_names
                .iter()
                .all(|n| !n.is_empty() && n.chars().count() <= 100)
        );
    }
    for &y in &t.targets {
        match t.task {
            Task::Binary => assert!(y == 0.0 || y == 1.0, "binary target {y}"),
            Task::Multiclass => assert!(
                y >= 0.0 && y.fract() == 0.0 && y < t.classes as f64,
                "class {y}"
            ),
            Task::Regression => assert!(y.is_finite() && y.abs() <= 1e6, "target {y}"),
        }
    }
    // Written out again (as a plain comma file with a header), it reads back the same rows.
    // Skipped where the labels are class names that all read as numbers (names only because
    // some other label, too long to be a class, was not a number).
    if named && t.class_names.iter().all(|n| csv::number(n).is_some()) {
        return;
    }
    check_written_back(&t);
}

fn check_written_back(t: &Table) {
    let mut out = String::from("x1,x2,label\n");
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let numbered: Vec<String> = (0..t.classes).map(|c| c.to_string()).collect();
    for (i, &y) in t.targets.iter().enumerate() {
        let label = if t.task != Task::Regression && t.class_names != numbered {
            quote(&t.class_names[y as usize])
        } else {
            format!("{y}")
        };
        out.push_str(&format!(
            "{},{},{label}\n",
            t.inputs[2 * i],
            t.inputs[2 * i + 1]
        ));
    }
    let options = Options {
        delimiter: Some(b','),
        header: Some(true),
        task: Some(t.task),
        ..Options::default()
    };
    let back =
        csv::parse(&out, &options).unwrap_or_else(|e| panic!("written back, refused: {e}\n{out}"));
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(&back.inputs),
        bits(&t.inputs),
        "inputs differ written back:\n{out}"
    );
    assert_eq!(
        bits(&back.targets),
        bits(&t.targets),
        "targets differ written back:\n{out}"
    );
    assert_eq!(
        (back.classes, &back.class_names),
        (t.classes, &t.class_names)
    );
    assert_eq!(back.error_count, 0, "{:?}", back.errors);
}

// ---- the native runner's mutator -----------------------------------------------------------------

/// SplitMix64: the native runner's random numbers, the same on every machine.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number from 0 to n - 1 (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// A new input from `base` (and `other`, for splicing): one to eight byte-level mutations,
/// as libFuzzer makes them, without its coverage feedback.
pub fn mutate(base: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = v.len();
        let at = rng.below(len + 1);
        match rng.below(10) {
            0 if len > 0 => v[at.min(len - 1)] = rng.next_u64() as u8,
            1 if len > 0 => v[at.min(len - 1)] ^= 1 << rng.below(8),
            2 => v.insert(at, rng.next_u64() as u8),
            3 if len > 0 => {
                let n = 1 + rng.below(8.min(len - at.min(len - 1)));
                v.drain(at.min(len - 1)..(at.min(len - 1) + n).min(len));
            }
            4 => {
                let word = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                v.splice(at..at, word.iter().copied());
            }
            5 if len > 0 => {
                // Repeat a piece of the input.
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                let piece = v[start..end].to_vec();
                for _ in 0..1 + rng.below(4) {
                    v.splice(at..at, piece.iter().copied());
                }
            }
            6 if !other.is_empty() => {
                // Splice: this input's start, the other's end.
                let from = rng.below(other.len());
                v.truncate(at);
                v.extend_from_slice(&other[from..]);
            }
            7 if len > 0 => {
                // An ASCII digit or sign changed, to reach numbers' edges.
                v[at.min(len - 1)] = b"0123456789-+.eE9"[rng.below(16)];
            }
            8 => {
                let edge = [0xc0u8 + rng.below(48) as u8];
                v.splice(at..at, edge);
            }
            _ => {
                if len > 0 {
                    v[at.min(len - 1)] = v[at.min(len - 1)].wrapping_add(1 + rng.below(4) as u8);
                }
            }
        }
        if v.len() > 4096 {
            v.truncate(4096);
        }
    }
    v
}
