//! cargo-fuzz target `csv`: the checks are `backprop_viz_fuzz::csv_target` (fuzz/src/lib.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    backprop_viz_fuzz::timed("csv", backprop_viz_fuzz::csv_target, data)
});
