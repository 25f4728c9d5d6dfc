//! cargo fuzz target: `vitrine_tests::fuzz::api_body`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vitrine_tests::fuzz::api_body(data));
