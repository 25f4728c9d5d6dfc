//! Compiled plugins are cached on disk by component hash and engine
//! fingerprint, so a restart maps machine code instead of recompiling; a
//! damaged cache file is discarded, never trusted.

use vitrine_runtime::{Limits, Runtime};
use vitrine_sim::samples::Sample;

#[test]
fn a_second_runtime_loads_plugins_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let dairy = Sample::named("dairy").unwrap();

    let first = Runtime::with_cache(Limits::default(), dir.path()).unwrap();
    let plugin = dairy.load(&first).unwrap();
    let cache = first.cache().unwrap();
    assert_eq!(cache.len(), 1);
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let name = file.file_name().into_string().unwrap();
    assert!(name.starts_with(plugin.sha256()), "{name}");
    assert!(name.ends_with(".cwasm"), "{name}");

    let second = Runtime::with_cache(Limits::default(), dir.path()).unwrap();
    let again = dairy.load(&second).unwrap();
    assert_eq!(
        second.cache().unwrap().len(),
        1,
        "no second artifact was written"
    );
    assert_eq!(again.call(&dairy.request()).outcome.unwrap().len(), 2);
}

#[test]
fn a_corrupt_cached_artifact_is_discarded_and_recompiled() {
    let dir = tempfile::tempdir().unwrap();
    let dairy = Sample::named("dairy").unwrap();
    let first = Runtime::with_cache(Limits::default(), dir.path()).unwrap();
    dairy.load(&first).unwrap();
    let path = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&path, b"not an artifact").unwrap();

    let second = Runtime::with_cache(Limits::default(), dir.path()).unwrap();
    let plugin = dairy.load(&second).unwrap();
    assert!(plugin.call(&dairy.request()).outcome.is_ok());
    let rewritten = std::fs::read(&path).unwrap();
    assert!(
        rewritten.len() > 1_000,
        "the artifact was compiled and cached again"
    );
}

#[test]
fn limits_that_do_not_change_code_share_the_artifact_but_still_apply() {
    let dir = tempfile::tempdir().unwrap();
    let dairy = Sample::named("dairy").unwrap();
    let default = Runtime::with_cache(Limits::default(), dir.path()).unwrap();
    dairy.load(&default).unwrap();
    // Memory and fuel limits are enforced at run time, not compiled in, so
    // wasmtime's compatibility hash (part of the file name) is unchanged.
    let tight = Runtime::with_cache(
        Limits {
            fuel: 1_000,
            ..Limits::default()
        },
        dir.path(),
    )
    .unwrap();
    assert_eq!(
        vitrine_runtime::engine_fingerprint(default.engine()),
        vitrine_runtime::engine_fingerprint(tight.engine())
    );
    let error = dairy.load(&tight).unwrap_err();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // The cached code runs under the new runtime's own fuel budget: even
    // `describe` does not fit in 1,000 instructions.
    assert!(error.to_string().contains("ran out of fuel"), "{error}");
}
