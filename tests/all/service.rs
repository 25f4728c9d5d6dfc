//! The service on a real socket and across restarts.

use std::sync::Arc;

use crate::kit::{OPERATOR, milk_need, open_platform, today};
use reqwest::StatusCode;
use serde_json::{Value, json};
use vitrine_service::api::{ApiConfig, serve};
use vitrine_service::platform::{Clock, NeedRef};
use vitrine_sim::samples::Sample;
use vitrine_sim::scenario::{demo_start, family};
use vitrine_store::tokens::Principal;
use vitrine_types::time::Timestamp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_a_plugin_is_uploaded_events_posted_and_a_decision_taken() {
    let dir = tempfile::tempdir().unwrap();
    let platform = open_platform(dir.path(), Clock::manual(Timestamp::at(today(), 21))).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        platform.clone(),
        listener,
        ApiConfig::default(),
        None,
        async {
            let _ = stopped.await;
        },
    ));
    let http = reqwest::Client::new();
    let post = |path: &str, token: &str| http.post(format!("{base}{path}")).bearer_auth(token);

    let brand: Value = post("/v1/brands", OPERATOR)
        .json(&json!({"id": "dairy", "name": "Laiterie"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let brand_token = brand["token"].as_str().unwrap().to_owned();
    let sample = Sample::named("dairy").unwrap();
    let uploaded = post("/v1/brands/dairy/plugins?enable=true", OPERATOR)
        .header("content-type", "application/wasm")
        .body(sample.wasm.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    // The brand sets its own prices.
    let catalog = http
        .put(format!("{base}/v1/brands/dairy/plugins/1/catalog"))
        .bearer_auth(&brand_token)
        .header("content-type", "application/json")
        .body(sample.catalog_json)
        .send()
        .await
        .unwrap();
    assert_eq!(catalog.status(), StatusCode::OK);

    let mut resident = family("fam", 3);
    resident.warm_up(demo_start(), 14);
    let created = post("/v1/households", OPERATOR)
        .json(&resident.household)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let household_token = created.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let events = json!({"consumption": [{"category": "food/dairy/milk", "amount": 500, "unit": "millilitre", "at": Timestamp::at(today(), 19).0}]});
    let posted = post("/v1/households/fam/events", &household_token)
        .json(&events)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::OK);
    let decided = post("/v1/households/fam/decisions", &household_token)
        .json(&milk_need("fam", "need-e2e"))
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), StatusCode::CREATED);
    let decision: Value = decided.json().await.unwrap();
    assert_eq!(decision["auction"]["scored"][0]["brand"], "dairy");
    assert!(decision["explanation"]["text"].is_string() || decision["explanation"].is_object());
    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(
        http.get(format!("{base}/healthz")).send().await.is_err(),
        "stopped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_everything_is_there_and_the_audit_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(Timestamp::at(today(), 21));
    let (orders, decisions, brand_orders, entries) = {
        let platform = open_platform(dir.path(), clock.clone()).await;
        for name in ["dairy", "farm-coop"] {
            let sample = Sample::named(name).unwrap();
            platform.create_brand(name, name).await.unwrap();
            platform
                .upload_plugin(
                    name,
                    vitrine_service::platform::Upload {
                        wasm: sample.wasm,
                        catalog_json: Some(sample.catalog_json),
                        enable: true,
                    },
                )
                .await
                .unwrap();
        }
        let mut resident = family("fam", 5);
        resident.warm_up(demo_start(), 14);
        platform.create_household(resident.household).await.unwrap();
        let me = Principal::Household("fam".into());
        for i in 0..3 {
            let need: vitrine_core::needs::Need =
                serde_json::from_value(milk_need("fam", &format!("need-{i}"))["need"].clone())
                    .unwrap();
            platform
                .decide("fam", NeedRef::Need(Box::new(need)), &me)
                .await
                .unwrap();
        }
        let orders = platform.orders("fam").await.unwrap();
        let decisions = platform.decisions("fam", 100).await.unwrap();
        let brand_orders = platform.brand_orders("dairy").await.unwrap();
        let entries = platform.store().verify_audit().await.unwrap().unwrap();
        platform.close().await;
        (orders, decisions, brand_orders, entries)
    };
    assert!(!orders.is_empty());
    let platform = open_platform(dir.path(), clock).await;
    assert_eq!(
        platform.engine().bidders().len(),
        2,
        "both plugins live again"
    );
    assert_eq!(platform.orders("fam").await.unwrap(), orders);
    assert_eq!(platform.decisions("fam", 100).await.unwrap(), decisions);
    assert_eq!(platform.brand_orders("dairy").await.unwrap(), brand_orders);
    assert_eq!(platform.store().verify_audit().await.unwrap(), Ok(entries));
    assert!(
        platform
            .store()
            .ledger_mismatches()
            .await
            .unwrap()
            .is_empty()
    );
    // The restored order book still refuses a second order for a need.
    let need: vitrine_core::needs::Need =
        serde_json::from_value(milk_need("fam", "need-0")["need"].clone()).unwrap();
    let again = platform
        .decide(
            "fam",
            NeedRef::Need(Box::new(need)),
            &Principal::Household("fam".into()),
        )
        .await;
    assert!(
        again.is_err(),
        "need-0 was already decided before the restart"
    );
    // The plugins came from the artifact cache: nothing was recompiled.
    let cache = platform.runtime().cache().expect("a cache");
    assert!(cache.len() >= 2);
    let _ = Arc::clone(&platform);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_decisions_are_all_stored_once_with_ledger_and_audit_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let platform = open_platform(dir.path(), Clock::manual(Timestamp::at(today(), 21))).await;
    let sample = Sample::named("dairy").unwrap();
    platform.create_brand("dairy", "dairy").await.unwrap();
    platform
        .upload_plugin(
            "dairy",
            vitrine_service::platform::Upload {
                wasm: sample.wasm,
                catalog_json: Some(sample.catalog_json),
                enable: true,
            },
        )
        .await
        .unwrap();
    for h in 0..4 {
        let mut resident = family(&format!("fam-{h}"), h);
        resident.warm_up(demo_start(), 14);
        platform.create_household(resident.household).await.unwrap();
    }
    let need = |h: usize, n: usize| -> vitrine_core::needs::Need {
        serde_json::from_value(milk_need(&format!("fam-{h}"), &format!("need-{n}"))["need"].clone())
            .unwrap()
    };
    let mut tasks = Vec::new();
    for n in 0..40 {
        let platform = platform.clone();
        let need = need(n % 4, n);
        tasks.push(tokio::spawn(async move {
            let who = Principal::Household(need.household.0.clone());
            platform
                .decide(
                    &need.household.0.clone(),
                    NeedRef::Need(Box::new(need)),
                    &who,
                )
                .await
        }));
    }
    // The same need eight times at once: one decision.
    for _ in 0..8 {
        let platform = platform.clone();
        let need = need(0, 1_000);
        tasks.push(tokio::spawn(async move {
            platform
                .decide(
                    "fam-0",
                    NeedRef::Need(Box::new(need)),
                    &Principal::Household("fam-0".into()),
                )
                .await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        ok += usize::from(task.await.unwrap().is_ok());
    }
    assert_eq!(ok, 41);
    let mut stored = 0;
    for h in 0..4 {
        let decisions = platform
            .decisions(&format!("fam-{h}"), 1_000)
            .await
            .unwrap();
        let mut needs: Vec<_> = decisions.iter().map(|d| d.need.id.clone()).collect();
        needs.sort();
        needs.dedup();
        assert_eq!(needs.len(), decisions.len(), "a need decided twice");
        stored += decisions.len();
    }
    assert_eq!(stored, 41, "every acknowledged decision is stored");
    assert!(
        platform
            .store()
            .ledger_mismatches()
            .await
            .unwrap()
            .is_empty()
    );
    let entries = platform.store().verify_audit().await.unwrap().unwrap();
    assert!(entries >= 41);
}
