//! Replays the fuzz corpus (`tests/fuzz/corpus/<target>/`) through the fuzz
//! targets' bodies (`vitrine_testkit::fuzz`), so every input the fuzzer kept —
//! and every crash it found, added there once fixed — runs in the ordinary
//! test suite, without cargo fuzz.

use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} has no corpus", dir.display());
    for file in files {
        let data = std::fs::read(&file).unwrap();
        let outcome = std::panic::catch_unwind(|| body(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", file.display());
    }
}

#[test]
fn request_json_corpus_replays_cleanly() {
    replay("request_json", vitrine_testkit::fuzz::request_json);
}

#[test]
fn offer_json_corpus_replays_cleanly() {
    replay("offer_json", vitrine_testkit::fuzz::offer_json);
}

#[test]
fn plugin_answer_corpus_replays_cleanly() {
    replay("plugin_answer", vitrine_testkit::fuzz::plugin_answer);
}

#[test]
fn api_body_corpus_replays_cleanly() {
    replay("api_body", vitrine_testkit::fuzz::api_body);
}
