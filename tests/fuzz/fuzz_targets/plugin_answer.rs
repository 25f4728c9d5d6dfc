//! cargo fuzz target: `vitrine_testkit::fuzz::plugin_answer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrine_testkit::fuzz::plugin_answer(data));
