//! cargo-fuzz target `spec`: the checks are `backprop_viz_fuzz::spec` (fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    backprop_viz_fuzz::timed("spec", backprop_viz_fuzz::spec, data)
});
