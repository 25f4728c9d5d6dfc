//! Compiled plugins are cached on disk by component hash and engine
//! fingerprint, so a restart maps machine code instead of recompiling; a
//! damaged cache file is discarded, never trusted. The node that compiles
//! a plugin shares its artifact through the store, so a node with an empty
//! cache maps it too.

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
fn an_accepted_plugin_loads_from_its_artifact_by_hash_without_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let dairy = Sample::named("dairy").unwrap();
    let first = Runtime::with_cache(Limits::default(), dir.path()).unwrap();
    let compiled = dairy.load(&first).unwrap();

    // A restart knows the hash and size from the store: no bytes.
    let second = Runtime::with_cache(Limits::default(), dir.path()).unwrap();
    let plugin = second
        .load_cached(
            compiled.sha256(),
            dairy.wasm.len(),
            dairy.catalog(&second).unwrap(),
        )
        .expect("the artifact is cached")
        .unwrap();
    assert!(plugin.compile_stats().cached);
    assert_eq!(plugin.sha256(), compiled.sha256());
    assert_eq!(plugin.size_bytes(), dairy.wasm.len());
    assert_eq!(plugin.info(), compiled.info());
    assert_eq!(plugin.call(&dairy.request()).outcome.unwrap().len(), 2);

    // Nothing cached under that hash, or no cache at all: the caller must
    // load the bytes.
    let unknown = "0".repeat(64);
    let catalog = dairy.catalog(&second).unwrap();
    assert!(second.load_cached(&unknown, 10, catalog.clone()).is_none());
    let uncached = Runtime::new(Limits::default()).unwrap();
    assert!(
        uncached
            .load_cached(compiled.sha256(), dairy.wasm.len(), catalog)
            .is_none()
    );
}

#[test]
fn a_size_limit_lowered_since_the_upload_holds_when_loading_by_hash() {
    let dir = tempfile::tempdir().unwrap();
    let dairy = Sample::named("dairy").unwrap();
    let first = Runtime::with_cache(Limits::default(), dir.path()).unwrap();
    let compiled = dairy.load(&first).unwrap();
    let smaller = Runtime::with_cache(
        Limits {
            component_bytes: dairy.wasm.len() - 1,
            ..Limits::default()
        },
        dir.path(),
    )
    .unwrap();
    let error = smaller
        .load_cached(
            compiled.sha256(),
            dairy.wasm.len(),
            dairy.catalog(&smaller).unwrap(),
        )
        .expect("refused, not missing")
        .unwrap_err();
    assert_eq!(error.code(), "too_large", "{error}");
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

/// The compiled plugins of the platform behind `s`: whether each came
/// from an artifact (true) or was compiled (false), by brand.
fn mapped(s: &vitrine_testkit::service::Service) -> Vec<(String, bool)> {
    let mut all: Vec<(String, bool)> = s
        .platform
        .engine()
        .bidders()
        .into_iter()
        .map(|e| (e.brand.clone(), e.bidder.plugin.compile_stats().cached))
        .collect();
    all.sort();
    all
}

/// A new household of `s` asks for milk: the decision is made and a brand
/// wins it.
async fn a_brand_wins(s: &vitrine_testkit::service::Service, household: &str) {
    let (status, decision, _) = s
        .call(
            "POST",
            &format!("/v1/households/{household}/decisions"),
            Some(&s.family(household).await),
            vitrine_testkit::service::json_body(&vitrine_testkit::service::milk_need(
                household, "need-1",
            )),
        )
        .await;
    assert_eq!(status, axum::http::StatusCode::CREATED, "{decision}");
    assert!(
        decision["explanation"]["winner"]["brand"].is_string(),
        "{decision}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_with_an_empty_artifact_directory_maps_what_another_node_compiled() {
    use vitrine_testkit::service::service_configured;
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let at = |i: usize| {
        let path = dirs[i].path().to_owned();
        move |c: &mut vitrine_service::platform::PlatformConfig| c.artifact_dir = Some(path.clone())
    };
    // Node 1 receives the uploads and compiles them, once.
    let s = service_configured(&at(0)).await;
    s.sample_brand("dairy").await;
    s.sample_brand("farm-coop").await;
    // Node 2 has never seen a plugin: it maps both from the store.
    let s = s.restart(&at(1)).await;
    assert_eq!(
        mapped(&s),
        [("dairy".to_owned(), true), ("farm-coop".to_owned(), true)]
    );
    assert_eq!(s.platform.runtime().cache().unwrap().len(), 2);
    // The mapped plugins bid.
    a_brand_wins(&s, "fam").await;

    // A damaged artifact in the store is discarded, compiled again, and
    // replaced: the next empty node maps it again.
    let db = s.dir.path().join("vitrine.db");
    s.platform.close().await;
    {
        use sqlx::ConnectOptions as _;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&db)
            .connect()
            .await
            .unwrap();
        sqlx::query("UPDATE artifacts SET bytes = x'00010203'")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let s = s.restart(&at(2)).await;
    assert_eq!(
        mapped(&s),
        [("dairy".to_owned(), false), ("farm-coop".to_owned(), false)],
        "damaged artifacts are never run: compiled again"
    );
    let s = s.restart(&at(3)).await;
    assert_eq!(
        mapped(&s),
        [("dairy".to_owned(), true), ("farm-coop".to_owned(), true)]
    );

    // A damaged file in a node's own cache directory (the store's copy is
    // sound): discarded at restart, the component read from the store and
    // compiled again; the brand keeps bidding.
    // (Replaced, not overwritten in place: the closing node still maps
    // them, and a mapped file truncated under it would fault, as it would
    // under any process that maps files.)
    s.platform.close().await;
    for entry in std::fs::read_dir(dirs[3].path()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, b"not an artifact").unwrap();
    }
    let s = s.restart(&at(3)).await;
    assert_eq!(
        mapped(&s),
        [("dairy".to_owned(), false), ("farm-coop".to_owned(), false)],
        "damaged cache files are never run: compiled again from the stored bytes"
    );
    a_brand_wins(&s, "fam2").await;
}
