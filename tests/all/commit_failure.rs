//! A decision's effects are applied only once it is stored: when the store
//! refuses the commit (injected here with a trigger that aborts every insert
//! of a decision), nothing of it remains, in memory or on disk, and the need
//! can be decided again once the store accepts writes.

use axum::http::StatusCode;
use vitrine_core::household::HouseholdId;
use vitrine_testkit::service::{json_body, milk_need, service};

/// Everything a decision changes, read back.
#[derive(Debug, PartialEq)]
struct Effects {
    orders_in_memory: usize,
    k_sightings: usize,
    notices: usize,
    orders: serde_json::Value,
    decisions: serde_json::Value,
    ledger: serde_json::Value,
}

async fn effects(s: &vitrine_testkit::service::Service, token: &str) -> Effects {
    let engine = s.platform.engine();
    let (_, orders, _) = s
        .call("GET", "/v1/households/fam/orders", Some(token), None)
        .await;
    let (_, decisions, _) = s
        .call("GET", "/v1/households/fam/decisions", Some(token), None)
        .await;
    let (_, export, _) = s.call("GET", "/v1/households/fam", Some(token), None).await;
    Effects {
        orders_in_memory: engine.orders().orders(&HouseholdId("fam".into())).len(),
        k_sightings: engine.k_anonymity().sightings(),
        notices: engine.reports().notices("dairy").len(),
        orders,
        decisions,
        ledger: export["ledger"].clone(),
    }
}

async fn sql(s: &vitrine_testkit::service::Service, statement: &str) {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(s.dir.path().join("vitrine.db"))
        .connect()
        .await
        .expect("the database opens beside the platform");
    sqlx::query(statement)
        .execute(&mut conn)
        .await
        .expect("the statement runs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_whose_commit_fails_leaves_no_order_no_budget_spent_no_sighting_no_report() {
    let s = service().await;
    let fam = s.family("fam").await;
    let _dairy = s.sample_brand("dairy").await;
    let need = milk_need("fam", "need-commit");
    let before = effects(&s, &fam).await;

    sql(
        &s,
        "CREATE TRIGGER injected_failure BEFORE INSERT ON decisions \
         BEGIN SELECT RAISE(ABORT, 'injected commit failure'); END",
    )
    .await;
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&need),
        )
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(
        effects(&s, &fam).await,
        before,
        "nothing of the decision remains"
    );

    // Once the store accepts writes, the same need is decided, and its
    // effects are all there.
    sql(&s, "DROP TRIGGER injected_failure").await;
    let (status, decided, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&need),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decided}");
    let after = effects(&s, &fam).await;
    assert_eq!(after.decisions.as_array().map(Vec::len), Some(1));
    if decided["placement"]["order"].is_object() {
        assert_eq!(after.orders_in_memory, 1);
        assert_eq!(after.orders.as_array().map(Vec::len), Some(1));
    }
    assert!(
        after.k_sightings > before.k_sightings,
        "the sightings are kept"
    );
}
