//! cargo fuzz target: `vitrine_tests::fuzz::plugin_answer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrine_tests::fuzz::plugin_answer(data));
