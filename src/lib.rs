//! backprop-viz: the seed's backpropagation (sigmoid output, binary cross-entropy,
//! dL/dZ = A - y) for a fully connected network, with every partial derivative exposed.
//!
//! The core modules are plain Rust and are tested natively with `cargo test`; [`wasm`] is
//! the one thin module that touches JavaScript.

pub mod activation;
pub mod config;
pub mod csv;
pub mod dataset;
pub mod fmath;
pub mod kernel;
pub mod loss;
pub mod network;
pub mod optimizer;
pub mod raster;
pub mod rng;
pub mod wasm;

pub use activation::Activation;
pub use config::{Error, Result, Settings, Spec};
pub use dataset::{DatasetKind, Feature};
pub use loss::Loss;
pub use network::Network;
pub use optimizer::{Optimizer, Regularization};
