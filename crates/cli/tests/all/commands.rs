//! The `vitrine` binary as a brand uses it: `samples --export`, then
//! `plugin check` and `plugin run` on the exported files.

use std::path::{Path, PathBuf};

use crate::{json, vitrine};

fn exported() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let out = vitrine(&["samples", "--export", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, path)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn check_accepts_every_sample_with_a_summary() {
    let (_dir, path) = exported();
    for name in [
        "dairy",
        "school-supplies",
        "footwear",
        "farm-coop",
        "bike-rental",
    ] {
        let wasm = path.join(format!("{name}.wasm"));
        let catalog = path.join(format!("{name}.catalog.json"));
        let out = vitrine(&["plugin", "check", s(&wasm), "--catalog", s(&catalog)]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("vitrine:brand@0.1.0"), "{text}");
        assert!(
            text.contains("fuel"),
            "the summary lists the limits: {text}"
        );
    }
}

#[test]
fn check_refuses_a_non_component_with_exit_1_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.wasm");
    std::fs::write(&junk, b"definitely not wasm").unwrap();
    let out = vitrine(&["plugin", "check", s(&junk)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a WebAssembly binary"));

    let module = dir.path().join("module.wasm");
    std::fs::write(&module, b"\0asm\x01\0\0\0").unwrap();
    let out = vitrine(&["plugin", "check", s(&module), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let body = json(&out);
    assert_eq!(body["error"]["error"], "core_module");
    assert!(body["message"].as_str().unwrap().contains("wasm32-wasip2"));
}

#[test]
fn check_of_a_missing_file_exits_2() {
    let out = vitrine(&["plugin", "check", "/nonexistent/plugin.wasm"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn run_prints_offers_fuel_memory_and_time() {
    let (_dir, path) = exported();
    let out = vitrine(&[
        "plugin",
        "run",
        s(&path.join("dairy.wasm")),
        "--request",
        s(&examples().join("requests/yogurt.json")),
        "--catalog",
        s(&examples().join("catalogs/dairy.json")),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let body = json(&out);
    assert_eq!(body["status"], "offers");
    assert_eq!(body["offers"].as_array().unwrap().len(), 2);
    assert_eq!(body["offers"][0]["price_minor"], 440);
    assert!(body["fuel_used"].as_u64().unwrap() > 0);
    assert!(body["peak_memory_bytes"].as_u64().unwrap() > 0);
    assert!(body["wall_time_us"].as_u64().is_some());
    assert_eq!(body["rejected"].as_array().unwrap().len(), 0);
}

#[test]
fn run_of_an_unrelated_request_prints_the_typed_error_and_exits_1() {
    let (_dir, path) = exported();
    let out = vitrine(&[
        "plugin",
        "run",
        s(&path.join("dairy.wasm")),
        "--request",
        s(&examples().join("requests/unrelated.json")),
        "--catalog",
        s(&examples().join("catalogs/dairy.json")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let body = json(&out);
    assert_eq!(body["status"], "error");
    assert_eq!(body["error"]["error"], "plugin_error");
    assert_eq!(body["error"]["code"], "unsupported_category");
}

#[test]
fn run_with_a_malformed_request_exits_2_with_a_json_error() {
    let (dir, path) = exported();
    let request = dir.path().join("bad.json");
    std::fs::write(
        &request,
        br#"{"need": "replenishment", "category": "food/dairy/yogurt", "curency": "EUR"}"#,
    )
    .unwrap();
    let out = vitrine(&[
        "plugin",
        "run",
        s(&path.join("dairy.wasm")),
        "--request",
        s(&request),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let body = json(&out);
    assert_eq!(body["error"]["error"], "invalid_request");
    assert!(body["message"].as_str().unwrap().contains("bad.json"));
}

#[test]
fn run_with_a_nested_catalog_exits_2_naming_the_key() {
    let (dir, path) = exported();
    let catalog = dir.path().join("nested.json");
    std::fs::write(&catalog, br#"{"prices": {"yogurt": 55}}"#).unwrap();
    let out = vitrine(&[
        "plugin",
        "run",
        s(&path.join("dairy.wasm")),
        "--request",
        s(&examples().join("requests/yogurt.json")),
        "--catalog",
        s(&catalog),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let body = json(&out);
    assert_eq!(body["error"]["error"], "invalid_catalog");
    assert!(body["message"].as_str().unwrap().contains("prices"));
}

#[test]
fn every_example_request_is_answered_by_some_sample() {
    let (_dir, path) = exported();
    let pairs = [
        ("dairy", "yogurt"),
        ("dairy", "milk"),
        ("farm-coop", "milk"),
        ("farm-coop", "bread"),
        ("school-supplies", "school-kit"),
        ("footwear", "shoes"),
        ("bike-rental", "bike"),
    ];
    for (sample, request) in pairs {
        let out = vitrine(&[
            "plugin",
            "run",
            s(&path.join(format!("{sample}.wasm"))),
            "--request",
            s(&examples().join(format!("requests/{request}.json"))),
            "--catalog",
            s(&examples().join(format!("catalogs/{sample}.json"))),
        ]);
        assert!(
            out.status.success(),
            "{sample} on {request}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn audit_verify_passes_an_intact_log_and_names_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = vitrine_store::Store::open(&db).await.unwrap();
        for i in 0..4 {
            let mut tx = store.begin().await.unwrap();
            tx.audit(
                vitrine_types::time::Timestamp(i),
                "operator",
                "test",
                "s",
                &serde_json::json!({"i": i}),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        store.close().await;
    });
    let out = vitrine(&["audit", "verify", "--db", s(&db)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 audit entries"));
    rt.block_on(async {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&db)
            .connect()
            .await
            .unwrap();
        for stmt in [
            "DROP TRIGGER audit_no_update",
            "UPDATE audit SET detail = '{\"i\":99}' WHERE seq = 3",
        ] {
            sqlx::query(stmt).execute(&mut conn).await.unwrap();
        }
    });
    let out = vitrine(&["audit", "verify", "--db", s(&db)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("audit entry 3"), "{text}");
    let missing = vitrine(&["audit", "verify", "--db", "/nonexistent/v.db"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn the_cold_start_benchmark_starts_this_binary_with_every_version_live() {
    let report = vitrine_bench::cold_start_bench(crate::exe(), 3, 1).expect("the benchmark runs");
    assert_eq!(report.versions, 3);
    assert_eq!(report.warm_ms.len(), 1);
    assert!(report.cold_ms > 0.0);
    assert!(report.warm_resident_bytes > 1 << 20);
}

#[test]
fn migrate_refuses_a_missing_source_the_same_database_and_an_unknown_scheme_with_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let out = vitrine(&[
        "migrate",
        "--from",
        s(&missing),
        "--to",
        "postgres://postgres@127.0.0.1:5432/test",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    assert!(!missing.exists(), "nothing was created");

    let db = dir.path().join("v.db");
    std::fs::write(&db, b"").unwrap();
    let out = vitrine(&["migrate", "--from", s(&db), "--to", s(&db)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the same database"));

    for bad in ["mysql://u@h/v", "", "sqlite:"] {
        let out = vitrine(&["migrate", "--from", s(&db), "--to", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("unsupported database") || stderr.contains("empty"),
            "{bad:?}: {stderr}"
        );
    }
}

#[test]
fn serve_names_an_unreachable_postgres_without_its_password_and_exits_1() {
    let out = std::process::Command::new(crate::exe())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            "postgres://vitrine:s3cret@127.0.0.1:1/nothing",
        ])
        .env(
            "VITRINE_OPERATOR_TOKEN",
            "integration-test-operator-token-0001",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(
        stderr.contains("postgres://vitrine:***@127.0.0.1:1/"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}
