//! cargo fuzz target: `vitrine_testkit::fuzz::request_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrine_testkit::fuzz::request_json(data));
