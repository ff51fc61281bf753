//! cargo-fuzz target `calls`: the checks are `backprop_viz_fuzz::calls` (fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    backprop_viz_fuzz::timed("calls", backprop_viz_fuzz::calls, data)
});
