//! The JavaScript API: a thin `#[wasm_bindgen]` layer over [`crate::network::Network`].
//!
//! Structured values that cross rarely (configs, states, traces, gradients) go through
//! serde-wasm-bindgen. What the front end reads every frame (weights, gradients,
//! activations, heatmap pixels) stays in wasm memory: JavaScript gets a pointer and a
//! length and builds a typed-array view (see `www/engine.js`), so nothing is copied.
//! Every method validates its arguments and returns a JS `Error` naming the field; none
//! can panic, because a panic would poison the whole wasm instance.

use crate::config::{self, SPEC_KEYS, Spec};
use crate::csv;
use crate::dataset::{self, DatasetKind, Points, Task};
use crate::network;
use crate::raster;
use crate::rng::Rng;
use js_sys::{Array, Float64Array, JsString, Object, Reflect, Uint8Array, Uint8ClampedArray};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

fn js_error(e: config::Error) -> JsError {
    JsError::new(&e.to_string())
}

const GRID_KEYS: &[&str] = &[
    "size",
    "thumb",
    "xMin",
    "xMax",
    "yMin",
    "yMax",
    "outputRange",
];
const CSV_KEYS: &[&str] = &[
    "delimiter",
    "header",
    "task",
    "columns",
    "comments",
    "trainRatio",
    "seed",
];
const STATE_OPTION_KEYS: &[&str] = &["moments"];
/// The keys of a state's `moments`.
const MOMENT_KEYS: &[&str] = &[
    "optimizer",
    "updates",
    "mWeights",
    "mBiases",
    "vWeights",
    "vBiases",
];
const DATASET_KEYS: &[&str] = &["name", "count", "noise", "trainRatio", "seed"];

/// Deserializes a JS object, refusing keys outside `allowed` (serde-wasm-bindgen reads only
/// the fields it knows, so a misspelt key would otherwise be ignored silently) and
/// prefixing any error with the path of the offending field.
fn from_js<T: for<'de> Deserialize<'de>>(
    what: &str,
    value: JsValue,
    allowed: &[&str],
) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return from_js(what, Object::new().into(), allowed);
    }
    if !value.is_object() || Array::is_array(&value) {
        return Err(JsError::new(&format!(
            "{what}: must be an object, got {}",
            describe(&value)
        )));
    }
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(JsError::new(&format!(
                "{what}: unknown field \"{key}\"; allowed: {}",
                allowed.join(", ")
            )));
        }
        // Check each field's JS type first: serde-wasm-bindgen's own messages for a wrong
        // type speak Rust ("expected f64") or, for a string where an array belongs, only
        // pass on a JS TypeError.
        let v = Reflect::get(&value, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
        let kind = field_kind(what, &key);
        let ok = v.is_undefined()
            || v.is_null()
            || match kind {
                "an array" => Array::is_array(&v),
                "a string" => v.is_string(),
                "an object" => v.is_object() && !Array::is_array(&v),
                "true or false" => v.as_bool().is_some(),
                _ => v.as_f64().is_some(),
            };
        if !ok {
            return Err(JsError::new(&format!(
                "{}: must be {kind}, got {}",
                field_path(what, &key),
                describe(&v)
            )));
        }
        // The one nested object: its keys are checked here for the same reason.
        if kind == "an object" && v.is_object() {
            for inner in Object::keys(v.unchecked_ref::<Object>()).iter() {
                let inner = inner.as_string().unwrap_or_default();
                if !MOMENT_KEYS.contains(&inner.as_str()) {
                    return Err(JsError::new(&format!(
                        "{}: unknown field \"{inner}\"; allowed: {}",
                        field_path(what, &key),
                        MOMENT_KEYS.join(", ")
                    )));
                }
            }
        }
    }
    let de = serde_wasm_bindgen::Deserializer::from(value);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let inner = humanize(inner.strip_prefix("Error: ").unwrap_or(&inner));
        if path == "." || path.is_empty() {
            JsError::new(&format!("{what}: {inner}"))
        } else {
            JsError::new(&format!("{}: {inner}", field_path(what, &path)))
        }
    })
}

/// How a message names a field: a config's, state's or settings' fields by themselves
/// (`learningRate`), a grid's or dataset's under its name (`grid.size`, `dataset.count`).
fn field_path(what: &str, path: &str) -> String {
    match what {
        "config" | "state" | "settings" => path.to_string(),
        _ => format!("{what}.{path}"),
    }
}

/// The JS type of a config, state, grid or dataset field (`toState`'s options: `what` is
/// "options").
fn field_kind(what: &str, key: &str) -> &'static str {
    match key {
        "moments" if what == "options" => "true or false",
        "layers" | "features" | "weights" | "biases" | "outputRange" => "an array",
        "hidden" | "output" | "loss" | "optimizer" | "regularization" | "name" => "a string",
        "moments" => "an object",
        _ => "a number",
    }
}

/// Rewrites serde's "invalid type: string \"4\", expected f64" (an item inside an array
/// field) in JS terms: "must be a number, got the string \"4\"".
fn humanize(inner: &str) -> String {
    let Some((got, expected)) = inner
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    else {
        if inner.contains("TypeError") {
            return "must be an array here (of numbers, or of arrays of numbers)".into();
        }
        return inner.to_string();
    };
    let expected = match expected {
        "f64" => "a number",
        "a sequence" => "an array",
        other => other,
    };
    let got = if got.starts_with("JsValue(Object") {
        "an object".to_string()
    } else if got.starts_with("JsValue(") {
        "a value of another type".to_string()
    } else if let Some(s) = got.strip_prefix("string ") {
        format!("the string {s}")
    } else if got == "unit value" {
        "null".to_string()
    } else if let Some(n) = got
        .strip_prefix("floating point ")
        .or_else(|| got.strip_prefix("integer "))
    {
        let n = n.trim_matches('`');
        match n.parse::<f64>() {
            Ok(v) => format!("the number {}", config::js_number(v)),
            Err(_) => format!("the number {n}"),
        }
    } else {
        got.replace('`', "")
    };
    format!("must be {expected}, got {got}")
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| JsError::new(&e.to_string()))
}

/// A short description of a JS value for error messages: its type, never its content.
fn describe(value: &JsValue) -> String {
    if value.is_undefined() {
        "undefined".into()
    } else if value.is_null() {
        "null".into()
    } else if Array::is_array(value) {
        "an array".into()
    } else if let Some(n) = value.as_f64() {
        format!("the number {}", config::js_number(n))
    } else if value.is_string() {
        "a string".into()
    } else if value.is_object() {
        "an object".into()
    } else {
        value
            .js_typeof()
            .as_string()
            .unwrap_or_else(|| "a value".into())
    }
}

/// Reads a flat list of numbers: a Float64Array, or an array of numbers.
fn numbers(field: &str, value: &JsValue) -> Result<Vec<f64>, JsError> {
    if let Some(f) = value.dyn_ref::<Float64Array>() {
        return Ok(f.to_vec());
    }
    if let Some(n) = value.as_f64() {
        return Ok(vec![n]);
    }
    let array = value.dyn_ref::<Array>().ok_or_else(|| {
        JsError::new(&format!(
            "{field}: must be an array of numbers, got {}",
            describe(value)
        ))
    })?;
    let mut out = Vec::with_capacity(array.length() as usize);
    for (i, v) in array.iter().enumerate() {
        out.push(v.as_f64().ok_or_else(|| {
            JsError::new(&format!(
                "{field}[{i}]: must be a number, got {}",
                describe(&v)
            ))
        })?);
    }
    Ok(out)
}

/// Reads rows of numbers, row-major: a flat Float64Array; an array of rows (arrays or
/// Float64Arrays) of exactly `width` numbers each; or, where `flat_numbers_ok`, a flat
/// array of numbers. Rows are checked one by one, so `[[1, 2, 3], [4]]` is refused
/// rather than flattened into two rows of two.
fn rows(
    field: &str,
    value: &JsValue,
    width: usize,
    what: &str,
    flat_numbers_ok: bool,
) -> Result<Vec<f64>, JsError> {
    if let Some(f) = value.dyn_ref::<Float64Array>() {
        return Ok(f.to_vec());
    }
    let array = value.dyn_ref::<Array>().ok_or_else(|| {
        JsError::new(&format!(
            "{field}: must be an array of input vectors or a flat Float64Array (row-major), got {}",
            describe(value)
        ))
    })?;
    // A flat list holds only numbers, a list of rows only rows; the first item decides.
    let flat = flat_numbers_ok && array.length() > 0 && array.get(0).as_f64().is_some();
    let mut out = Vec::new();
    for (i, row) in array.iter().enumerate() {
        let item = format!("{field}[{i}]");
        if flat {
            let n = row.as_f64().ok_or_else(|| {
                JsError::new(&format!(
                    "{item}: must be a number like the items before it (a flat list), got {}",
                    describe(&row)
                ))
            })?;
            out.push(n);
        } else if Array::is_array(&row) || row.is_instance_of::<Float64Array>() {
            let r = numbers(&item, &row)?;
            if r.len() != width {
                return Err(JsError::new(&format!(
                    "{item}: must have {width} number(s){what}, got {}",
                    r.len()
                )));
            }
            out.extend(r);
        } else {
            let either = if flat_numbers_ok { "a number, or " } else { "" };
            return Err(JsError::new(&format!(
                "{item}: must be {either}an array of {width} number(s){what}, got {}",
                describe(&row)
            )));
        }
    }
    Ok(out)
}

/// Reads a byte-array argument: a Uint8Array (or Uint8ClampedArray) of at most `max` bytes,
/// its length checked before anything is copied. (wasm-bindgen's conversion of a `&[u8]`
/// argument took any array-like, a string as zeros, and allocated whatever its `length`
/// said: `setPalette({ length: 3e9 })` trapped in the allocator.)
fn byte_array(field: &str, value: &JsValue, max: usize, allowed: &str) -> Result<Vec<u8>, JsError> {
    let len = if let Some(a) = value.dyn_ref::<Uint8Array>() {
        a.length()
    } else if let Some(a) = value.dyn_ref::<Uint8ClampedArray>() {
        a.length()
    } else {
        return Err(JsError::new(&format!(
            "{field}: must be a Uint8Array of {allowed}, got {}",
            describe(value)
        )));
    };
    if len as usize > max {
        return Err(JsError::new(&format!(
            "{field}: must hold {allowed}, got {len} bytes"
        )));
    }
    Ok(Uint8Array::new(value).to_vec())
}

/// Checks a count-like argument and converts it.
fn whole(field: &str, v: f64, lo: usize, hi: usize) -> Result<usize, JsError> {
    config::whole(field, v, lo, hi).map_err(js_error)
}

/// A fully connected network that trains by the seed's backpropagation.
#[wasm_bindgen]
pub struct Network {
    inner: network::Network,
}

impl Network {
    /// `setPalette` from Rust: 256 RGBA colours (1024 bytes), low to high.
    pub fn set_palette(&mut self, rgba: &[u8]) -> Result<(), JsError> {
        self.inner.set_palette(rgba).map_err(js_error)
    }

    /// `setClassPalette` from Rust: 1 to 16 RGBA colours.
    pub fn set_class_palette(&mut self, rgba: &[u8]) -> Result<(), JsError> {
        self.inner.set_class_palette(rgba).map_err(js_error)
    }

    /// Reads `inputs` (rows of raw inputs) and `targets` (one number per output, per example)
    /// for `setTrainingData` or `setTestData`.
    fn read_data(
        &self,
        name: &str,
        inputs: &JsValue,
        targets: &JsValue,
    ) -> Result<(Vec<f64>, Vec<f64>), JsError> {
        let d = self.inner.raw_input_size();
        let what = if self.inner.features().is_some() {
            " (x1, x2)"
        } else {
            ""
        };
        let x = rows(&format!("{name}.inputs"), inputs, d, what, d == 1)?;
        let outputs = self.inner.layers().last().copied().unwrap_or(1);
        let y = rows(
            &format!("{name}.targets"),
            targets,
            outputs,
            ", one per output",
            true,
        )?;
        Ok((x, y))
    }
}

#[wasm_bindgen]
impl Network {
    /// `new Network(config)`: builds and initialises a network (Xavier or He, seeded).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Network, JsError> {
        let spec: Spec = from_js("config", config, SPEC_KEYS)?;
        Ok(Network {
            inner: network::Network::new(&spec).map_err(js_error)?,
        })
    }

    /// `Network.fromState(state)`: rebuilds a network from `toState()`'s output.
    #[wasm_bindgen(js_name = fromState)]
    pub fn from_state(state: JsValue) -> Result<Network, JsError> {
        if state.is_undefined() || state.is_null() {
            return Err(JsError::new(
                "state: must be an object with layers, weights and biases, got nothing",
            ));
        }
        let spec: Spec = from_js("state", state, SPEC_KEYS)?;
        Ok(Network {
            inner: network::Network::from_state(&spec).map_err(js_error)?,
        })
    }

    /// The full state: `layers`, `hidden`, `output`, `loss`, `weights`, `biases`, the
    /// training settings, `stepCount` and (momentum, adam) the optimizer's `moments`.
    /// `Network.fromState(net.toState())` is the same network. `toState({ moments: false })`
    /// leaves the moments out (a smaller state; the restored optimizer starts fresh).
    #[wasm_bindgen(js_name = toState)]
    pub fn to_state(&self, options: JsValue) -> Result<JsValue, JsError> {
        let o: StateOptions = from_js("options", options, STATE_OPTION_KEYS)?;
        to_js(&self.inner.to_state_with(o.moments.unwrap_or(true)))
    }

    /// Changes training settings in place (`learningRate`, `batchSize`, `optimizer`,
    /// `regularization`, `regularizationRate`), keeping the weights.
    pub fn configure(&mut self, settings: JsValue) -> Result<(), JsError> {
        let spec: Spec = from_js("settings", settings, SPEC_KEYS)?;
        self.inner.configure(&spec).map_err(js_error)
    }

    /// Replaces the training set. `inputs`: an array of input vectors, or a flat
    /// Float64Array, row-major (x1, x2 per example when the network computes features).
    /// `targets`: one number per example and output.
    #[wasm_bindgen(js_name = setTrainingData)]
    pub fn set_training_data(&mut self, inputs: JsValue, targets: JsValue) -> Result<(), JsError> {
        let (x, y) = self.read_data("training", &inputs, &targets)?;
        self.inner.set_training_data(&x, &y).map_err(js_error)
    }

    /// Replaces the test set, like `setTrainingData`.
    #[wasm_bindgen(js_name = setTestData)]
    pub fn set_test_data(&mut self, inputs: JsValue, targets: JsValue) -> Result<(), JsError> {
        let (x, y) = self.read_data("test", &inputs, &targets)?;
        self.inner.set_test_data(&x, &y).map_err(js_error)
    }

    /// Performs `n` (default 1) mini-batch updates; returns the last batch's mean loss.
    /// Throws, keeping the last finite weights, if an update would diverge.
    pub fn step(&mut self, n: Option<f64>) -> Result<f64, JsError> {
        let n = whole("n", n.unwrap_or(1.0), 1, 1_000_000)?;
        self.inner.step(n as u32).map_err(js_error)
    }

    /// Computes the next mini-batch's loss and gradients without updating; see `applyStep`.
    #[wasm_bindgen(js_name = prepareStep)]
    pub fn prepare_step(&mut self) -> Result<f64, JsError> {
        self.inner.prepare_step().map_err(js_error)
    }

    /// Computes one example's loss and gradients without updating; see `applyStep`.
    #[wasm_bindgen(js_name = prepareExample)]
    pub fn prepare_example(&mut self, input: JsValue, target: JsValue) -> Result<f64, JsError> {
        let x = numbers("input", &input)?;
        let y = numbers("target", &target)?;
        self.inner.prepare_example(&x, &y).map_err(js_error)
    }

    /// Applies the prepared gradients: W <- W - learningRate * mean(dL/dW), likewise b.
    #[wasm_bindgen(js_name = applyStep)]
    pub fn apply_step(&mut self) -> Result<(), JsError> {
        self.inner.apply_step().map_err(js_error)
    }

    /// `{ dL_dW: [layer][out][in], dL_db: [layer][out] }`: the batch-mean gradients of the
    /// loss that the last update used.
    pub fn gradients(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.gradients())
    }

    /// The seed's chain rule for one example, without updating anything:
    /// `{ input, target, loss, layers: [{ z, a, dL_dA, dA_dZ, dL_dZ, dL_dW, dL_db, dL_dAprev }] }`.
    /// `target` is a number, or an array with one number per output.
    pub fn trace(&self, input: JsValue, target: JsValue) -> Result<JsValue, JsError> {
        let x = numbers("input", &input)?;
        let y = numbers("target", &target)?;
        to_js(&self.inner.trace(&x, &y).map_err(js_error)?)
    }

    /// The network's output A for one input.
    pub fn forward(&mut self, input: JsValue) -> Result<Vec<f64>, JsError> {
        let x = numbers("input", &input)?;
        self.inner.forward(&x).map_err(js_error)
    }

    /// Runs one input forward, keeping every neuron's Z and A for the `activationsPtr` and
    /// `preactivationsPtr` views.
    pub fn probe(&mut self, input: JsValue) -> Result<(), JsError> {
        // The hot path (once a frame): a reused Float64Array, copied onto the stack, so
        // nothing is allocated on either side of the boundary.
        if let Some(f) = input.dyn_ref::<Float64Array>() {
            let n = f.length() as usize;
            if n <= config::MAX_INPUTS {
                let mut x = [0.0; config::MAX_INPUTS];
                f.copy_to(&mut x[..n]);
                return self.inner.probe(&x[..n]).map_err(js_error);
            }
        }
        let x = numbers("input", &input)?;
        self.inner.probe(&x).map_err(js_error)
    }

    /// `{ trainLoss, testLoss, trainAccuracy, testAccuracy }` over the whole data sets
    /// (NaN for an empty set).
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        let m = self.inner.evaluate();
        let o = Object::new();
        for (k, v) in [
            ("trainLoss", m.train_loss),
            ("testLoss", m.test_loss),
            ("trainAccuracy", m.train_accuracy),
            ("testAccuracy", m.test_accuracy),
        ] {
            Reflect::set(&o, &k.into(), &v.into())
                .map_err(|_| JsError::new("evaluate: could not build the result"))?;
        }
        Ok(o.into())
    }

    /// Like `evaluate`, but only writes the four numbers into the `metricsPtr` view.
    #[wasm_bindgen(js_name = refreshMetrics)]
    pub fn refresh_metrics(&mut self) {
        self.inner.evaluate();
    }

    /// Sets W[layer][out][in]; `layer` counts weight layers from 0 (the first hidden layer).
    #[wasm_bindgen(js_name = setWeight)]
    pub fn set_weight(
        &mut self,
        layer: f64,
        out: f64,
        input: f64,
        value: f64,
    ) -> Result<(), JsError> {
        let depth = self.inner.depth();
        let l = whole("layer", layer, 0, depth - 1)?;
        let j = whole(
            "neuron",
            out,
            0,
            config::MAX_NEURONS.max(config::MAX_OUTPUTS),
        )?;
        let k = whole("input", input, 0, config::MAX_NEURONS)?;
        self.inner.set_weight(l, j, k, value).map_err(js_error)
    }

    /// Sets b[layer][out].
    #[wasm_bindgen(js_name = setBias)]
    pub fn set_bias(&mut self, layer: f64, out: f64, value: f64) -> Result<(), JsError> {
        let depth = self.inner.depth();
        let l = whole("layer", layer, 0, depth - 1)?;
        let j = whole(
            "neuron",
            out,
            0,
            config::MAX_NEURONS.max(config::MAX_OUTPUTS),
        )?;
        self.inner.set_bias(l, j, value).map_err(js_error)
    }

    /// Sets the heatmap colour scale: a Uint8Array of 256 RGBA colours, low to high.
    #[wasm_bindgen(js_name = setPalette)]
    pub fn set_palette_js(&mut self, rgba: JsValue) -> Result<(), JsError> {
        let rgba = byte_array("palette", &rgba, 1024, "256 RGBA colours (1024 bytes)")?;
        self.set_palette(&rgba)
    }

    /// Sets up the heatmap: `{ size = 200, thumb = 32, xMin = -6, xMax = 6, yMin = -6, yMax = 6,
    /// outputRange }`. `outputRange: [lo, hi]` is the span of output values the palette
    /// covers (regression); absent or null, the default centred on the class threshold.
    /// Views of the pixel buffers must be rebuilt afterwards.
    #[wasm_bindgen(js_name = setGrid)]
    pub fn set_grid(&mut self, options: JsValue) -> Result<(), JsError> {
        let o: GridOptions = from_js("grid", options, GRID_KEYS)?;
        let size = whole("grid.size", o.size.unwrap_or(200.0), 2, network::MAX_GRID)?;
        let thumb = whole("grid.thumb", o.thumb.unwrap_or(32.0), 2, network::MAX_THUMB)?;
        let x = (o.x_min.unwrap_or(-6.0), o.x_max.unwrap_or(6.0));
        let y = (o.y_min.unwrap_or(-6.0), o.y_max.unwrap_or(6.0));
        let range = match o.output_range.as_deref() {
            None => None,
            Some(&[lo, hi]) => Some((lo, hi)),
            Some(r) => {
                return Err(JsError::new(&format!(
                    "grid.outputRange: must be [lo, hi], two numbers, got {} numbers",
                    r.len()
                )));
            }
        };
        // A rejected call changes nothing: the range is put back if the grid is refused.
        let previous = self.inner.output_range_setting();
        self.inner
            .set_output_range(range)
            .map_err(|e| JsError::new(&format!("grid.{e}")))?;
        if let Err(e) = self.inner.set_grid(size, thumb, x, y) {
            // `previous` was accepted before, so it is accepted again.
            let _ = self.inner.set_output_range(previous);
            return Err(js_error(e));
        }
        Ok(())
    }

    /// Sets the class colours of softmax heatmaps: a Uint8Array of 1 to 16 RGBA colours
    /// (4 to 64 bytes); class j takes colour j modulo their number.
    #[wasm_bindgen(js_name = setClassPalette)]
    pub fn set_class_palette_js(&mut self, rgba: JsValue) -> Result<(), JsError> {
        let rgba = byte_array(
            "classPalette",
            &rgba,
            4 * network::MAX_CLASS_COLOURS,
            "1 to 16 RGBA colours (4 to 64 bytes, a multiple of 4)",
        )?;
        self.set_class_palette(&rgba)
    }

    /// The output values the heatmap's palette spans, `[lo, hi]`: `setGrid`'s `outputRange`,
    /// else `[2 * threshold - 1, 1]`; `[0, 1]` for softmax.
    #[wasm_bindgen(getter, js_name = outputRange)]
    pub fn output_range(&self) -> Vec<f64> {
        let (lo, hi) = self.inner.output_range();
        vec![lo, hi]
    }

    /// Evaluates the output heatmap and every neuron's thumbnail into the pixel buffers.
    #[wasm_bindgen(js_name = renderGrid)]
    pub fn render_grid(&mut self) -> Result<(), JsError> {
        self.inner.render_grid().map_err(js_error)
    }

    /// [inputs, ...hidden, outputs].
    #[wasm_bindgen(getter)]
    pub fn layers(&self) -> Vec<u32> {
        self.inner.layers().iter().map(|&n| n as u32).collect()
    }

    /// Numbers per raw input: 2 (x1, x2) when the network computes features, else `layers[0]`.
    #[wasm_bindgen(getter, js_name = inputSize)]
    pub fn input_size(&self) -> u32 {
        self.inner.raw_input_size() as u32
    }

    /// Completed updates since the network was built.
    #[wasm_bindgen(getter, js_name = stepCount)]
    pub fn step_count(&self) -> f64 {
        self.inner.step_count() as f64
    }

    /// The mean loss of the last prepared batch.
    #[wasm_bindgen(getter, js_name = lastLoss)]
    pub fn last_loss(&self) -> f64 {
        self.inner.last_loss()
    }

    /// The output value separating class 0 from class 1 (0 for tanh, else 0.5).
    #[wasm_bindgen(getter)]
    pub fn threshold(&self) -> f64 {
        self.inner.threshold()
    }

    /// Training examples held.
    #[wasm_bindgen(getter, js_name = trainSize)]
    pub fn train_size(&self) -> u32 {
        self.inner.data_sizes().0 as u32
    }

    /// Test examples held.
    #[wasm_bindgen(getter, js_name = testSize)]
    pub fn test_size(&self) -> u32 {
        self.inner.data_sizes().1 as u32
    }

    /// Number of neurons, inputs included (the length of the activation views).
    #[wasm_bindgen(js_name = neuronCount)]
    pub fn neuron_count(&self) -> usize {
        self.inner.probe_a().len()
    }
}

/// Generates, for each engine buffer, `<name>Ptr()` (its address in wasm memory) and
/// `<name>Len()` (its length in elements), from which `www/engine.js` builds typed-array views.
///
/// The addresses stay valid until the network is freed (the grid buffers until the next
/// setGrid); a view must be rebuilt whenever wasm memory grows, because growth detaches the
/// old ArrayBuffer and its views then silently read as empty.
macro_rules! buffer_views {
    ($($doc:literal $ptr:ident $len:ident => $buffer:ident;)*) => {
        #[wasm_bindgen]
        #[allow(non_snake_case)]
        impl Network {
            $(
                #[doc = concat!("Address of ", $doc, ".")]
                pub fn $ptr(&self) -> usize {
                    self.inner.$buffer().as_ptr() as usize
                }
                #[doc = concat!("Number of elements in ", $doc, ".")]
                pub fn $len(&self) -> usize {
                    self.inner.$buffer().len()
                }
            )*
        }
    };
}

buffer_views! {
    "the weights (f64), layer after layer, each [out][in] row-major" weightsPtr weightsLen => weights_buffer;
    "the biases (f64), layer after layer" biasesPtr biasesLen => biases_buffer;
    "the last update's mean dL/dW (f64), laid out like the weights" weightGradientsPtr weightGradientsLen => weight_gradients_buffer;
    "the last update's mean dL/db (f64), laid out like the biases" biasGradientsPtr biasGradientsLen => bias_gradients_buffer;
    "every neuron's A from the last probe (f64), inputs first" activationsPtr activationsLen => probe_a;
    "every neuron's Z from the last probe (f64), inputs first" preactivationsPtr preactivationsLen => probe_z;
    "[trainLoss, testLoss, trainAccuracy, testAccuracy] (f64) from the last refreshMetrics" metricsPtr metricsLen => metrics_buffer;
    "the last prepared batch's training-set indices (u32; none after prepareExample)" batchPtr batchLen => batch_buffer;
    "the heatmap's RGBA pixels (u8), size x size, top row first (empty before setGrid)" gridPixelsPtr gridPixelsLen => grid_pixels;
    "the heatmap's output values (f32), size x size: output 0's A, or softmax's largest probability" gridValuesPtr gridValuesLen => grid_values;
    "the heatmap's arg-max class per pixel (u8), size x size (softmax; zeros otherwise)" gridClassesPtr gridClassesLen => grid_classes;
    "each input's largest magnitude on the thumbnail grid (f32), which scales its thumbnail" inputScalesPtr inputScalesLen => input_scales;
    "the thumbnail atlas (u8 RGBA): one thumb x thumb tile per neuron, inputs first, stacked vertically" thumbPixelsPtr thumbPixelsLen => thumb_pixels;
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct GridOptions {
    size: Option<f64>,
    thumb: Option<f64>,
    x_min: Option<f64>,
    x_max: Option<f64>,
    y_min: Option<f64>,
    y_max: Option<f64>,
    output_range: Option<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateOptions {
    moments: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DatasetOptions {
    name: Option<String>,
    count: Option<f64>,
    noise: Option<f64>,
    train_ratio: Option<f64>,
    seed: Option<f64>,
}

/// `dataset({ name = "circle", count = 500, noise = 0, trainRatio = 50, seed = 1 })`:
/// seeded 2-D points with 0/1 labels, split into
/// `{ train: { inputs, targets }, test: { inputs, targets } }` of flat Float64Arrays
/// (inputs row-major x1, x2), ready for `setTrainingData` and `setTestData`.
/// `noise` is a percentage from 0 to 50, `trainRatio` the training percentage from 10 to 90.
#[wasm_bindgen]
pub fn dataset(options: JsValue) -> Result<JsValue, JsError> {
    let o: DatasetOptions = from_js("dataset", options, DATASET_KEYS)?;
    let name = o.name.unwrap_or_else(|| "circle".into());
    let kind = DatasetKind::parse(&name).ok_or_else(|| {
        let allowed: Vec<String> = DatasetKind::ALL
            .iter()
            .map(|d| format!("\"{}\"", d.name()))
            .collect();
        JsError::new(&format!(
            "dataset.name: unknown value \"{name}\"; allowed: {}",
            allowed.join(", ")
        ))
    })?;
    let count = whole(
        "dataset.count",
        o.count.unwrap_or(500.0),
        2,
        dataset::MAX_COUNT,
    )?;
    let noise = o.noise.unwrap_or(0.0);
    if !(noise.is_finite() && (0.0..=50.0).contains(&noise)) {
        return Err(JsError::new(&format!(
            "dataset.noise: must be a percentage from 0 to 50, got {}",
            config::js_number(noise)
        )));
    }
    let ratio = o.train_ratio.unwrap_or(50.0);
    if !(ratio.is_finite() && (10.0..=90.0).contains(&ratio)) {
        return Err(JsError::new(&format!(
            "dataset.trainRatio: must be a percentage from 10 to 90, got {}",
            config::js_number(ratio)
        )));
    }
    let seed = whole("dataset.seed", o.seed.unwrap_or(1.0), 0, u32::MAX as usize)?;
    let split = dataset::generate(kind, count, noise, ratio, seed as u64);
    let names: Vec<String> = (0..split.classes).map(|c| c.to_string()).collect();
    let out = data_result(
        "dataset",
        split.task,
        split.classes,
        &names,
        &split.train,
        &split.test,
    )?;
    if split.task == Task::Regression {
        // The Playground's colour domain for its regression sets.
        set(
            &out,
            "outputRange",
            &Float64Array::from(&[-1.0, 1.0][..]),
            "dataset",
        )?;
    }
    Ok(out.into())
}

/// Sets `o[key] = value`, or fails with a message naming `what`.
fn set(o: &Object, key: &str, value: &JsValue, what: &str) -> Result<(), JsError> {
    Reflect::set(o, &key.into(), value)
        .map(|_| ())
        .map_err(|_| JsError::new(&format!("{what}: could not build the result")))
}

/// The shape `dataset()` and `parseCsv()` share: `{ task, classes, classNames, train, test }`,
/// each part `{ inputs, targets, labels? }`, with one-hot `targets` for multiclass.
fn data_result(
    what: &str,
    task: Task,
    classes: usize,
    class_names: &[String],
    train: &Points,
    test: &Points,
) -> Result<Object, JsError> {
    let part = |p: &Points| -> Result<JsValue, JsError> {
        let o = Object::new();
        set(&o, "inputs", &Float64Array::from(&p.inputs[..]), what)?;
        let targets = if task == Task::Multiclass {
            dataset::one_hot(&p.targets, classes)
        } else {
            p.targets.clone()
        };
        set(&o, "targets", &Float64Array::from(&targets[..]), what)?;
        if task != Task::Regression {
            let labels: Vec<u8> = p.targets.iter().map(|&c| c as u8).collect();
            set(&o, "labels", &Uint8Array::from(&labels[..]), what)?;
        }
        Ok(o.into())
    };
    let out = Object::new();
    set(&out, "task", &task.name().into(), what)?;
    set(&out, "classes", &(classes as f64).into(), what)?;
    let names: Array = class_names.iter().map(|n| JsValue::from_str(n)).collect();
    set(&out, "classNames", &names, what)?;
    set(&out, "train", &part(train)?, what)?;
    set(&out, "test", &part(test)?, what)?;
    Ok(out)
}

/// `oneHot(labels, classes)`: a Float64Array of `labels.length * classes` numbers, row i
/// having a 1 at `labels[i]` and 0 elsewhere, for `setTrainingData` with a softmax output.
/// `labels`: class indices, whole numbers from 0 to `classes - 1` (an array, Uint8Array or
/// Float64Array); `classes`: 2 to 16.
#[wasm_bindgen(js_name = oneHot)]
pub fn one_hot(labels: JsValue, classes: f64) -> Result<Float64Array, JsError> {
    let k = whole("classes", classes, 2, config::MAX_OUTPUTS)?;
    let labels: Vec<f64> = if let Some(u) = labels.dyn_ref::<Uint8Array>() {
        u.to_vec().into_iter().map(f64::from).collect()
    } else {
        numbers("labels", &labels)?
    };
    if labels.len() > network::MAX_EXAMPLES {
        return Err(JsError::new(&format!(
            "labels: may hold at most {} labels, got {}",
            network::MAX_EXAMPLES,
            labels.len()
        )));
    }
    for (i, &c) in labels.iter().enumerate() {
        whole(&format!("labels[{i}]"), c, 0, k - 1)?;
    }
    Ok(Float64Array::from(&dataset::one_hot(&labels, k)[..]))
}

/// `defaultClassPalette()`: the default class colours (Okabe-Ito), a Uint8Array of 16 RGBA
/// colours, for legends that match the heatmap.
#[wasm_bindgen(js_name = defaultClassPalette)]
pub fn default_class_palette() -> Uint8Array {
    Uint8Array::from(&network::default_class_palette()[..])
}

/// Reads `parseCsv`'s options object (see there).
fn csv_options(value: &JsValue) -> Result<(csv::Options, f64, u32), JsError> {
    let mut o = csv::Options::default();
    let (mut ratio, mut seed) = (50.0, 1u32);
    if value.is_undefined() || value.is_null() {
        return Ok((o, ratio, seed));
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(JsError::new(&format!(
            "options: must be an object, got {}",
            describe(value)
        )));
    }
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !CSV_KEYS.contains(&key.as_str()) {
            return Err(JsError::new(&format!(
                "options: unknown field \"{key}\"; allowed: {}",
                CSV_KEYS.join(", ")
            )));
        }
        let v = Reflect::get(value, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() || v.is_null() {
            continue;
        }
        let field = format!("options.{key}");
        let bad = |allowed: &str| {
            JsError::new(&format!(
                "{field}: must be {allowed}, got {}",
                match v.as_string() {
                    Some(s) if s.chars().count() <= 20 => format!("\"{s}\""),
                    _ => describe(&v),
                }
            ))
        };
        match key.as_str() {
            "delimiter" => {
                o.delimiter = match v.as_string().as_deref() {
                    Some("auto") => None,
                    Some(",") => Some(b','),
                    Some(";") => Some(b';'),
                    Some("\t") => Some(b'\t'),
                    _ => return Err(bad(r#""auto", ",", ";" or "\t""#)),
                }
            }
            "header" => {
                o.header = match (v.as_bool(), v.as_string().as_deref()) {
                    (Some(b), _) => Some(b),
                    (_, Some("auto")) => None,
                    _ => return Err(bad(r#"true, false or "auto""#)),
                }
            }
            "task" => {
                o.task = match v.as_string().as_deref() {
                    Some("auto") => None,
                    Some(t) if Task::parse(t).is_some() => Task::parse(t),
                    _ => return Err(bad(r#""auto", "binary", "multiclass" or "regression""#)),
                }
            }
            "comments" => o.comments = v.as_bool().ok_or_else(|| bad("true or false"))?,
            "trainRatio" => {
                let r = v
                    .as_f64()
                    .ok_or_else(|| bad("a percentage from 10 to 90"))?;
                if !(r.is_finite() && (10.0..=90.0).contains(&r)) {
                    return Err(JsError::new(&format!(
                        "{field}: must be a percentage from 10 to 90, got {}",
                        config::js_number(r)
                    )));
                }
                ratio = r;
            }
            "seed" => {
                let n = v.as_f64().ok_or_else(|| bad("a whole number"))?;
                seed = whole(&field, n, 0, u32::MAX as usize)? as u32;
            }
            _ => {
                // "columns": [x1, x2, label], each a column index or a header name.
                let list = v
                    .dyn_ref::<Array>()
                    .filter(|a| a.length() == 3)
                    .ok_or_else(|| bad("an array of 3 columns [x1, x2, label], each an index from 0 or a header name"))?;
                for (r, c) in list.iter().enumerate() {
                    let item = format!("{field}[{r}]");
                    o.columns[r] = if let Some(n) = c.as_f64() {
                        csv::Column::Index(whole(&item, n, 0, 1_000_000)?)
                    } else if let Some(name) = c.as_string().filter(|s| !s.is_empty()) {
                        csv::Column::Name(name)
                    } else {
                        return Err(JsError::new(&format!(
                            "{item}: must be a column index (a whole number from 0) or a header name, got {}",
                            describe(&c)
                        )));
                    };
                }
            }
        }
    }
    Ok((o, ratio, seed))
}

/// `parseCsv(text, options)`: reads a CSV file of (x1, x2, label) rows into the shape
/// `dataset()` returns, split into training and test sets, plus what the reader found:
/// `{ task, classes, classNames, outputRange?, train, test, rows, errors, errorCount,
/// header, columns, delimiter, bounds }` (see docs/API.md). Rows that cannot be read are
/// skipped and listed in `errors` (the first 20, by line); a file that cannot be used at
/// all throws.
#[wasm_bindgen(js_name = parseCsv)]
pub fn parse_csv(text: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let (opts, ratio, seed) = csv_options(&options)?;
    let js = text.dyn_ref::<JsString>().ok_or_else(|| {
        JsError::new(&format!(
            "text: must be a string (the file's contents), got {}",
            describe(&text)
        ))
    })?;
    // A UTF-8 file has at least as many bytes as its UTF-16 string has code units, so an
    // oversized file is refused before it is copied into wasm memory.
    let units = js.length() as usize;
    if units > csv::MAX_BYTES {
        return Err(JsError::new(&format!(
            "text: has {units} characters; a data file may have at most {} bytes (16 MiB)",
            csv::MAX_BYTES
        )));
    }
    let text: String = js.into();
    let table = csv::parse(&text, &opts).map_err(js_error)?;
    let mut all = Points::default();
    for (i, &y) in table.targets.iter().enumerate() {
        all.push(table.inputs[2 * i], table.inputs[2 * i + 1], y);
    }
    let mut rng = Rng::new(u64::from(seed) ^ 0xc5f0_0000_0000_0000);
    let (train, test) = dataset::split(&all, ratio, &mut rng);
    let out = data_result(
        "parseCsv",
        table.task,
        table.classes,
        &table.class_names,
        &train,
        &test,
    )?;
    let what = "parseCsv";
    if table.task == Task::Regression {
        let (lo, hi) = table
            .targets
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &y| {
                (lo.min(y), hi.max(y))
            });
        let (lo, hi) = if lo < hi {
            (lo, hi)
        } else {
            (lo - 1.0, hi + 1.0)
        };
        set(
            &out,
            "outputRange",
            &Float64Array::from(&[lo, hi][..]),
            what,
        )?;
    }
    set(&out, "rows", &(table.rows() as f64).into(), what)?;
    let errors: Array = Array::new();
    for e in &table.errors {
        let o = Object::new();
        set(&o, "line", &(e.line as f64).into(), what)?;
        set(&o, "field", &e.field.into(), what)?;
        set(&o, "message", &e.message.as_str().into(), what)?;
        errors.push(&o);
    }
    set(&out, "errors", &errors, what)?;
    set(&out, "errorCount", &(table.error_count as f64).into(), what)?;
    let header: JsValue = match &table.header {
        Some(h) => h
            .iter()
            .map(|n| JsValue::from_str(n))
            .collect::<Array>()
            .into(),
        None => JsValue::NULL,
    };
    set(&out, "header", &header, what)?;
    let columns: Array = table.columns.iter().map(|n| JsValue::from_str(n)).collect();
    set(&out, "columns", &columns, what)?;
    let delimiter = (table.delimiter as char).to_string();
    set(&out, "delimiter", &delimiter.into(), what)?;
    let mut b = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in table.inputs.chunks_exact(2) {
        b = [
            b[0].min(p[0]),
            b[1].max(p[0]),
            b[2].min(p[1]),
            b[3].max(p[1]),
        ];
    }
    let bounds = Object::new();
    for (k, v) in ["xMin", "xMax", "yMin", "yMax"].iter().zip(b) {
        set(&bounds, k, &v.into(), what)?;
    }
    set(&out, "bounds", &bounds, what)?;
    Ok(out.into())
}

/// The diagram's edge rasteriser ([`crate::raster`]): `www/diagram.js` writes its edges as
/// records into a buffer in wasm memory, `draw` turns them into RGBA pixels in wasm memory,
/// and the diagram puts those on its canvas (one `putImageData`), instead of a few hundred
/// `stroke()` calls that a canvas without a GPU rasterises at about 57 ns a pixel.
#[wasm_bindgen]
pub struct EdgeRaster {
    inner: raster::Raster,
    records: Vec<f32>,
}

impl Default for EdgeRaster {
    fn default() -> Self {
        EdgeRaster::new()
    }
}

#[wasm_bindgen]
impl EdgeRaster {
    #[wasm_bindgen(constructor)]
    pub fn new() -> EdgeRaster {
        EdgeRaster {
            inner: raster::Raster::new(),
            records: Vec::new(),
        }
    }

    /// Sets the buffer's size in device pixels, and clears it.
    pub fn resize(&mut self, width: f64, height: f64) -> Result<(), JsError> {
        let w = whole("width", width, 0, raster::MAX_SIDE)?;
        let h = whole("height", height, 0, raster::MAX_SIDE)?;
        self.inner.resize(w, h).map_err(js_error)
    }

    /// Makes room for `count` records of `RECORD` f32s and returns the address of the first.
    /// The address changes when the room grows, and wasm memory may grow with it.
    #[wasm_bindgen(js_name = recordsPtr)]
    pub fn records_ptr(&mut self, count: f64) -> Result<usize, JsError> {
        let n = whole("count", count, 0, 1_000_000)? * raster::RECORD;
        if self.records.len() < n {
            self.records.resize(n, 0.0);
        }
        Ok(self.records.as_ptr() as usize)
    }

    /// f32s per record.
    #[wasm_bindgen(getter, js_name = recordLength)]
    pub fn record_length(&self) -> usize {
        raster::RECORD
    }

    /// Clears the pixels and draws the first `count` records, coordinates times `scale`.
    pub fn draw(&mut self, count: f64, scale: f64) -> Result<(), JsError> {
        let room = self.records.len() / raster::RECORD;
        let n = whole("count", count, 0, room)?;
        self.inner
            .draw(&self.records[..n * raster::RECORD], scale as f32);
        Ok(())
    }

    #[wasm_bindgen(getter)]
    pub fn width(&self) -> usize {
        self.inner.width()
    }

    #[wasm_bindgen(getter)]
    pub fn height(&self) -> usize {
        self.inner.height()
    }

    /// Address of the straight RGBA pixels (u8), width x height, top row first.
    #[wasm_bindgen(js_name = pixelsPtr)]
    pub fn pixels_ptr(&self) -> usize {
        self.inner.pixels().as_ptr() as usize
    }

    /// Number of bytes in the pixels.
    #[wasm_bindgen(js_name = pixelsLen)]
    pub fn pixels_len(&self) -> usize {
        self.inner.pixels().len() * 4
    }
}

/// The wasm module's memory, for building typed-array views from the `...Ptr` methods.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}
