//! The console in a real browser: this test prepares a world (a household
//! with an ask waiting, a subscription and an order history; another
//! household; a brand; the operator), serves the console on a socket, and
//! runs `tests/browser/console.test.mjs` (playwright-core driving Debian's
//! Chromium, axe-core on every page, screenshots at phone and desktop widths
//! into `target/console-screenshots/`).
//!
//! It needs Node.js 20+, `npm ci --prefix tests/browser` and Chromium
//! (`apt-get install chromium chromium-driver`; another binary with
//! `VITRINE_CHROMIUM`). Outside CI a missing one skips the test with what
//! to install; in CI (`CI` set) it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use serde_json::json;

use crate::kit::{OPERATOR, json_body, service, today};
use vitrine_service::api::ApiConfig;
use vitrine_types::time::Timestamp;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// Chromium and the browser tests' packages, or why they are missing.
fn tools() -> Result<PathBuf, String> {
    let chromium = std::env::var_os("VITRINE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!(
            "no Chromium at {} (apt-get install chromium chromium-driver, or set VITRINE_CHROMIUM)",
            chromium.display()
        ));
    }
    let modules = root().join("tests/browser/node_modules/playwright-core");
    if !modules.exists() {
        return Err("tests/browser has no node_modules (npm ci --prefix tests/browser)".into());
    }
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(chromium),
        _ => Err("no Node.js (20 or later) on the PATH".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_works_in_a_real_browser_and_every_page_passes_axe() {
    let chromium = match tools() {
        Ok(chromium) => chromium,
        Err(missing) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: the browser tests need {missing}");
            return;
        }
        Err(missing) => panic!("CI runs the browser tests: {missing}"),
    };
    let s = service().await;
    // fam subscribes to the dairy's yogurt (decided, approved, accepted).
    let (fam, dairy, _) = crate::subscriptions::subscribed(&s).await;
    let other = s.family("other").await;
    // An ask waiting: fam paused everything (its mandates expired), so
    // the next order, milk, is asked.
    let day = today().plus(2);
    s.clock.set(Timestamp::at(day, 10));
    let now = s.platform.now();
    s.platform
        .update_household(
            "fam",
            &vitrine_store::tokens::Principal::Household("fam".into()),
            "household.paused",
            |h| {
                for m in &mut h.mandates {
                    m.expires = Some(now);
                }
                Ok(())
            },
        )
        .await
        .unwrap();
    let need = json!({"need": {
        "id": "need-milk", "household": "fam", "kind": "seasonal",
        "category": "food/dairy/milk",
        "quantity": {"amount": 1000, "unit": "millilitre"},
        "earliest_day": day.0 + 1, "latest_day": day.0 + 5,
        "raised_at": Timestamp::at(day, 10).0,
        "reason": {"kind": "seasonal", "rule": "test", "description": "a test need", "child": null, "event_day": day.0 + 2}
    }});
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&need),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    assert_eq!(
        decision["placement"]["decision"], "awaiting_approval",
        "the world needs an ask: {decision}"
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(vitrine_service::api::serve(
        s.platform.clone(),
        listener,
        ApiConfig::default(),
        None,
        async {
            let _ = stopped.await;
        },
    ));
    let plugin = s.dir.path().join("dairy-next.wasm");
    std::fs::write(
        &plugin,
        vitrine_sim::samples::Sample::named("dairy").unwrap().wasm,
    )
    .unwrap();
    let shots = root().join("target/console-screenshots");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "console.test.mjs"])
            .current_dir(root().join("tests/browser"))
            .env("VITRINE_URL", format!("http://{addr}"))
            .env("VITRINE_HOUSEHOLD_TOKEN", &fam)
            .env("VITRINE_OTHER_HOUSEHOLD_TOKEN", &other)
            .env("VITRINE_BRAND_TOKEN", &dairy)
            .env("VITRINE_OPERATOR_TOKEN", OPERATOR)
            .env("VITRINE_PLUGIN_PATH", &plugin)
            .env("VITRINE_SCREENSHOTS", &shots)
            .env("VITRINE_CHROMIUM", &chromium)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let _ = stop.send(());
    let _ = server.await;
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the browser tests failed:\n{report}"
    );
    // Every scenario ran (none skipped or filtered away).
    assert!(
        report.contains("pass 4") && report.contains("fail 0"),
        "{report}"
    );
}
