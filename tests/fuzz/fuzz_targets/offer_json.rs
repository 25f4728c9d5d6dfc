//! cargo fuzz target: `vitrine_testkit::fuzz::offer_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrine_testkit::fuzz::offer_json(data));
