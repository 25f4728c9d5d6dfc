//! Crash safety: `vitrine serve` is killed with SIGKILL during a burst of
//! decisions, restarted on the same database, and checked: every decision
//! that was acknowledged is there, every need has at most one order, the
//! ledger adds up to the orders, and the audit chain verifies. The kill
//! comes after a different number of acknowledged decisions in each round,
//! drawn from a fixed seed.
//!
//! `cargo test -p vitrine --test all crash_safety` runs 3 rounds; the loop
//! `VITRINE_CRASH_ROUNDS=20 VITRINE_CRASH_SEED=7 cargo test -p vitrine
//! --test all crash_safety` runs more, at other points (docs/SECURITY.md).

use std::collections::{BTreeMap, HashSet};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use vitrine_sim::samples::Sample;
use vitrine_sim::scenario::{demo_start, family};
use vitrine_store::Store;
use vitrine_testkit::server::{Server, TOKEN, call};
use vitrine_types::time::Timestamp;

const HOUSEHOLDS: usize = 4;
const CONNECTIONS: usize = 6;

/// Brands and households, over HTTP as an operator would; the households'
/// tokens.
async fn populate(base: &str, client: &reqwest::Client) -> Vec<(String, String)> {
    use reqwest::Method;
    for name in ["dairy", "farm-coop"] {
        let (status, body) = call(
            client,
            Method::POST,
            format!("{base}/v1/brands"),
            TOKEN,
            Some(json!({"id": name, "name": name})),
        )
        .await
        .unwrap();
        assert_eq!(status, 201, "{body}");
        let sample = Sample::named(name).unwrap();
        let response = client
            .post(format!("{base}/v1/brands/{name}/plugins?enable=true"))
            .bearer_auth(TOKEN)
            .body(sample.wasm.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let version: Value = response.json().await.unwrap();
        let catalog: Value = serde_json::from_str(sample.catalog_json).unwrap();
        let (status, body) = call(
            client,
            Method::PUT,
            format!(
                "{base}/v1/brands/{name}/plugins/{}/catalog",
                version["version"]
            ),
            TOKEN,
            Some(catalog),
        )
        .await
        .unwrap();
        assert_eq!(status, 200, "{body}");
    }
    let mut households = Vec::new();
    for i in 0..HOUSEHOLDS {
        let id = format!("house-{i}");
        let mut resident = family(&id, i as u64 + 1);
        resident.warm_up(demo_start(), 7);
        let (status, body) = call(
            client,
            Method::POST,
            format!("{base}/v1/households"),
            TOKEN,
            Some(serde_json::to_value(&resident.household).unwrap()),
        )
        .await
        .unwrap();
        assert_eq!(status, 201, "{body}");
        let token = body["token"].as_str().unwrap().to_owned();
        // No mandate: every order is asked, none placed. With one, orders
        // are placed and booked in the ledger; half the households each.
        if i % 2 == 0 {
            let (status, _) = call(
                client,
                Method::PUT,
                format!("{base}/v1/households/{id}/mandates"),
                &token,
                Some(json!([])),
            )
            .await
            .unwrap();
            assert_eq!(status, 200);
        }
        households.push((id, token));
    }
    households
}

fn need(household: &str, id: &str) -> Value {
    let now = Timestamp::now();
    let day = now.day().0;
    json!({"need": {
        "id": id,
        "household": household,
        "kind": "seasonal",
        "category": "food/dairy/milk",
        "quantity": {"amount": 1000, "unit": "millilitre"},
        "earliest_day": day + 1,
        "latest_day": day + 5,
        "raised_at": now.0,
        "reason": {"kind": "seasonal", "rule": "crash-test", "description": "a crash test need", "child": null, "event_day": day + 2}
    }})
}

/// One round: a burst of decisions, SIGKILL after `kill_after`
/// acknowledged ones, restart, checks. Returns how many were acknowledged
/// before the kill landed.
async fn round(kill_after: usize, round_no: usize) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vitrine.db");
    let mut server = Server::start(crate::exe(), &db, &[]);
    let client = reqwest::Client::new();
    let households = Arc::new(populate(&server.base, &client).await);

    // The burst: CONNECTIONS closed loops, each deciding fresh needs until
    // the server stops answering. Acknowledged = a 201 received.
    let acked = Arc::new(std::sync::Mutex::new(Vec::<(String, String, String)>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut loops = Vec::new();
    for lane in 0..CONNECTIONS {
        let (client, base) = (client.clone(), server.base.clone());
        let (households, acked, count) = (households.clone(), acked.clone(), count.clone());
        loops.push(tokio::spawn(async move {
            for i in 0.. {
                let (household, token) = &households[(lane + i) % households.len()];
                let need_id = format!("need-{round_no}-{lane}-{i}");
                let sent = call(
                    &client,
                    reqwest::Method::POST,
                    format!("{base}/v1/households/{household}/decisions"),
                    token,
                    Some(need(household, &need_id)),
                )
                .await;
                match sent {
                    Ok((201, decision)) => {
                        let id = decision["id"].as_str().unwrap().to_owned();
                        acked.lock().unwrap().push((household.clone(), id, need_id));
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok((status, body)) => panic!("decision refused: {status} {body}"),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    while count.load(Ordering::SeqCst) < kill_after {
        tokio::time::sleep(std::time::Duration::from_micros(200)).await;
    }
    server.kill();
    for l in loops {
        l.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= kill_after);

    // Restart on the same database: everything acknowledged is there.
    let server = Server::start(crate::exe(), &db, &[]);
    let tokens: BTreeMap<&str, &str> = households
        .iter()
        .map(|(h, t)| (h.as_str(), t.as_str()))
        .collect();
    for (household, decision, need_id) in &acked {
        let (status, body) = call(
            &client,
            reqwest::Method::GET,
            format!(
                "{}/v1/households/{household}/decisions/{decision}",
                server.base
            ),
            tokens[household.as_str()],
            None,
        )
        .await
        .unwrap();
        assert_eq!(status, 200, "acknowledged decision {decision} lost: {body}");
        assert_eq!(body["need"]["id"], need_id.as_str());
    }
    // No need has two orders.
    for (household, token) in households.iter() {
        let (status, orders) = call(
            &client,
            reqwest::Method::GET,
            format!("{}/v1/households/{household}/orders", server.base),
            token,
            None,
        )
        .await
        .unwrap();
        assert_eq!(status, 200);
        let mut needs = HashSet::new();
        for order in orders.as_array().unwrap() {
            let need = order["need_id"].as_str().unwrap().to_owned();
            assert!(needs.insert(need.clone()), "need {need} has two orders");
        }
    }
    drop(server);

    // The ledger adds up to the orders, and the audit chain verifies.
    let store = Store::open(&db).await.unwrap();
    assert_eq!(
        store.ledger_mismatches().await.unwrap(),
        Vec::<String>::new()
    );
    store.close().await;
    let verify = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(["audit", "verify", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "audit chain broken after the crash: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    acked.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_burst_loses_no_acknowledged_decision() {
    let rounds: usize = std::env::var("VITRINE_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("VITRINE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    for round_no in 0..rounds {
        let kill_after = rng.random_range(1..120);
        let acked = round(kill_after, round_no).await;
        eprintln!(
            "round {round_no}: killed after {kill_after} acknowledged ({acked} in all), all present"
        );
    }
}
