//! The API against schemathesis (property-based testing from the OpenAPI
//! document): `vitrine serve` with a brand and a household, then one bounded
//! run per role (operator, brand, household). Every status the server
//! answers must be listed in the document, every answer must conform to the
//! schema and content type the document gives, no answer may be a server error,
//! and the server must still be healthy at the end.
//!
//! Needs `schemathesis` (`pip install -r requirements-dev.txt`, pinned). In
//! CI (`CI` set) a missing schemathesis fails the test; elsewhere it is
//! skipped with a message. `VITRINE_SCHEMATHESIS_SECS` sets each run's
//! time (default 30 s).

use std::process::Command;

use serde_json::json;
use vitrine_sim::samples::Sample;
use vitrine_sim::scenario::{demo_start, family};
use vitrine_testkit::server::{Server, TOKEN, call};

fn schemathesis() -> Option<String> {
    let exe = std::env::var("VITRINE_SCHEMATHESIS").unwrap_or_else(|_| "st".into());
    let found = Command::new(&exe)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(exe);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "schemathesis is not installed: `pip install -r requirements-dev.txt` (CI installs it)"
    );
    eprintln!("skipped: schemathesis is not installed (`pip install -r requirements-dev.txt`)");
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_undocumented_status() {
    let Some(st) = schemathesis() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        crate::exe(),
        dir.path().join("v.db"),
        &["--rate-per-token", "0"],
    );
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let post = |path: &str, body: serde_json::Value| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            call(&client, reqwest::Method::POST, url, TOKEN, Some(body))
                .await
                .unwrap()
        }
    };
    let (status, brand) = post("/v1/brands", json!({"id": "dairy", "name": "Dairy"})).await;
    assert_eq!(status, 201, "{brand}");
    let sample = Sample::named("dairy").unwrap();
    let uploaded = client
        .post(format!("{base}/v1/brands/dairy/plugins?enable=true"))
        .bearer_auth(TOKEN)
        .body(sample.wasm.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status().as_u16(), 201);
    let mut resident = family("fam", 1);
    resident.warm_up(demo_start(), 7);
    let (status, household) = post(
        "/v1/households",
        serde_json::to_value(&resident.household).unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{household}");
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        "[parameters]\n\"path.brand\" = \"dairy\"\n\"path.household\" = \"fam\"\n\"path.version\" = \"1\"\n",
    )
    .unwrap();
    let seconds = std::env::var("VITRINE_SCHEMATHESIS_SECS").unwrap_or_else(|_| "30".into());
    let tokens = [
        ("operator", TOKEN.to_owned()),
        ("brand", brand["token"].as_str().unwrap().to_owned()),
        ("household", household["token"].as_str().unwrap().to_owned()),
    ];
    for (role, token) in tokens {
        let out = Command::new(&st)
            // Its cache of crashes goes in the temporary directory, not the
            // work tree.
            .current_dir(dir.path())
            .arg("--config-file")
            .arg(&config)
            .args([
                "--no-color",
                "run",
                &format!("{base}/v1/openapi.json"),
                "--checks",
                "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance",
                "--max-time",
                &seconds,
                "--exclude-path",
                "/v1/tokens/rotate",
                "-H",
                &format!("Authorization: Bearer {token}"),
            ])
            .output()
            .expect("schemathesis runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "schemathesis as {role}:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let health = client.get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(health.status().as_u16(), 200, "after the {role} run");
    }
    drop(server);
}
