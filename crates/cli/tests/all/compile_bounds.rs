//! Loading a component is bounded and never panics: a component built to
//! make the compiler work for minutes is refused within its CPU bound, one
//! that makes it allocate within its memory bound; `plugin check` reports
//! what compiling cost; every malformed component gets a typed error (JSON
//! with `--json`), and a component over a per-component limit is reported
//! as that limit. Through the `vitrine` binary, which compiles in its
//! bounded worker process.

use std::path::{Path, PathBuf};

use crate::{json, vitrine};
use std::time::{Duration, Instant};

use vitrine_testkit::compile_bomb;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn sample(dir: &Path) -> (PathBuf, PathBuf) {
    let out = vitrine(&["samples", "--export", s(dir)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir.join("dairy.wasm"), dir.join("dairy.catalog.json"))
}

#[test]
fn a_component_that_keeps_the_compiler_busy_is_refused_at_its_cpu_bound() {
    let dir = tempfile::tempdir().unwrap();
    // 2.5 s of compiling on this machine; the bound is 1 s.
    let bomb = write(
        dir.path(),
        "bomb.wasm",
        &compile_bomb::compile_bomb(300_000, 20_000),
    );
    let limits = write(dir.path(), "limits.json", br#"{"compile_cpu_secs": 1}"#);
    let started = Instant::now();
    let out = vitrine(&[
        "plugin",
        "check",
        "--json",
        "--limits",
        s(&limits),
        s(&bomb),
    ]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let body = json(&out);
    assert_eq!(body["error"]["error"], "compile_budget", "{body}");
    assert_eq!(body["error"]["resource"], "cpu", "{body}");
    assert!(
        elapsed < Duration::from_secs(20),
        "refused after {elapsed:?}: the bound, not the compiler, ended it"
    );
}

#[test]
fn a_component_that_makes_the_compiler_allocate_is_refused_at_its_memory_bound() {
    let dir = tempfile::tempdir().unwrap();
    // About 870 MB to compile; the bound is 192 MiB.
    let bomb = write(
        dir.path(),
        "bomb.wasm",
        &compile_bomb::compile_bomb(300_000, 20_000),
    );
    let limits = write(
        dir.path(),
        "limits.json",
        br#"{"compile_memory_bytes": 201326592, "compile_cpu_secs": 30}"#,
    );
    let out = vitrine(&[
        "plugin",
        "check",
        "--json",
        "--limits",
        s(&limits),
        s(&bomb),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let body = json(&out);
    assert_eq!(body["error"]["error"], "compile_budget", "{body}");
    assert_eq!(body["error"]["resource"], "memory", "{body}");
}

#[test]
fn check_reports_what_compiling_cost() {
    let dir = tempfile::tempdir().unwrap();
    let (wasm, catalog) = sample(dir.path());
    let out = vitrine(&[
        "plugin",
        "check",
        "--json",
        s(&wasm),
        "--catalog",
        s(&catalog),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body = json(&out);
    assert!(body["compile"]["cpu_ms"].is_u64(), "{body}");
    assert!(
        body["compile"]["peak_memory_bytes"].as_u64().unwrap() > 0,
        "{body}"
    );
    assert!(body["declared_skus"].as_u64().unwrap() > 0, "{body}");
    let text = vitrine(&["plugin", "check", s(&wasm), "--catalog", s(&catalog)]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("ms CPU"), "{text}");
}

#[test]
fn every_malformed_component_gets_a_typed_error_from_check_and_run_and_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (wasm, _) = sample(dir.path());
    let good = std::fs::read(&wasm).unwrap();
    let request = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/requests/yogurt.json");
    let broken: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("text", b"hello".to_vec()),
        ("core module", b"\0asm\x01\0\0\0".to_vec()),
        ("bad version", b"\0asm\x0e\0\x01\0".to_vec()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("header only", good[..8].to_vec()),
        ("garbage tail", [good.as_slice(), &[0xff; 64]].concat()),
        (
            "no export",
            wat::parse_str("(component (core module (func (export \"f\"))))").unwrap(),
        ),
        ("flipped", {
            let mut bytes = good.clone();
            let at = bytes.len() / 3;
            bytes[at] ^= 0xff;
            bytes[at + 1] ^= 0x55;
            bytes
        }),
    ];
    for (name, bytes) in broken {
        let path = write(dir.path(), "broken.wasm", &bytes);
        let check = vitrine(&["plugin", "check", "--json", s(&path)]);
        assert_eq!(check.status.code(), Some(1), "{name}: {check:?}");
        let body = json(&check);
        assert_eq!(body["ok"], false, "{name}");
        assert!(body["error"]["error"].is_string(), "{name}: {body}");
        assert!(body["message"].is_string(), "{name}: {body}");
        let run = vitrine(&["plugin", "run", s(&path), "--request", s(&request)]);
        assert_eq!(run.status.code(), Some(1), "{name}: {run:?}");
        assert!(json(&run)["error"]["error"].is_string(), "{name}");
        let text = vitrine(&["plugin", "check", s(&path)]);
        assert_eq!(text.status.code(), Some(1), "{name}");
        assert!(
            !String::from_utf8_lossy(&text.stderr).contains("panicked"),
            "{name}"
        );
    }
}

#[test]
fn a_component_over_a_per_component_limit_is_reported_as_that_limit() {
    let dir = tempfile::tempdir().unwrap();
    let (wasm, catalog) = sample(dir.path());
    let limits = write(
        dir.path(),
        "limits.json",
        br#"{"core_instances_per_component": 1}"#,
    );
    let out = vitrine(&[
        "plugin",
        "check",
        "--json",
        "--limits",
        s(&limits),
        s(&wasm),
        "--catalog",
        s(&catalog),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let body = json(&out);
    assert_eq!(body["error"]["error"], "limit_exceeded", "{body}");
    assert_eq!(body["error"]["limit"], "core_instances_per_component");
    assert_eq!(body["error"]["max"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_that_keeps_the_compiler_busy_is_refused_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "settings.json",
        br#"{"limits": {"compile_cpu_secs": 1}}"#,
    );
    let server = vitrine_testkit::server::Server::start(
        crate::exe(),
        dir.path().join("v.db"),
        &["--config", s(&config)],
    );
    let client = reqwest::Client::new();
    let (status, _) = vitrine_testkit::server::call(
        &client,
        reqwest::Method::POST,
        format!("{}/v1/brands", server.base),
        vitrine_testkit::server::TOKEN,
        Some(serde_json::json!({"id": "bomber", "name": "Bomber"})),
    )
    .await
    .unwrap();
    assert_eq!(status, 201);
    let started = Instant::now();
    let response = client
        .post(format!("{}/v1/brands/bomber/plugins", server.base))
        .bearer_auth(vitrine_testkit::server::TOKEN)
        .body(compile_bomb::compile_bomb(300_000, 20_000))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "compile_budget", "{body}");
    assert!(started.elapsed() < Duration::from_secs(20));
    let health = client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
}
