//! cargo fuzz target: `vitrine_testkit::fuzz::api_body`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrine_testkit::fuzz::api_body(data));
