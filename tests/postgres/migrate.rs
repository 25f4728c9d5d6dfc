//! `vitrine migrate`'s copy: a single node's SQLite installation copied
//! into PostgreSQL serves the same households, orders, plugins and audit
//! chain, and goes on deciding.

use vitrine_core::needs::Need;
use vitrine_service::platform::{Clock, NeedRef};
use vitrine_store::Store;
use vitrine_store::copy::CopyError;
use vitrine_store::tokens::Principal;
use vitrine_testkit::postgres::Schema;
use vitrine_testkit::service::{TestBackend, milk_need, open_node, service_on, today};
use vitrine_types::time::Timestamp;

fn need(id: &str) -> Need {
    serde_json::from_value(milk_need("fam", id)["need"].clone()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_installation_copied_into_postgres_serves_the_same_and_goes_on() {
    // A single node on SQLite, with a brand, a household, decisions.
    let s = service_on(TestBackend::Sqlite, None, &|_| {}).await;
    s.sample_brand("dairy").await;
    let token = s.family("fam").await;
    let me = Principal::Household("fam".into());
    for i in 0..3 {
        s.platform
            .decide(
                "fam",
                NeedRef::Need(Box::new(need(&format!("need-{i}")))),
                &me,
            )
            .await
            .unwrap();
    }
    let orders = s.platform.orders("fam").await.unwrap();
    let decisions = s.platform.decisions("fam", 100).await.unwrap();
    let entries = s.platform.store().verify_audit().await.unwrap().unwrap();

    let Some(schema) = Schema::create().await else {
        return; // VITRINE_TEST_POSTGRES=off, and said so
    };
    let to = Store::connect(&schema.location()).await.unwrap();
    let report = s.platform.store().copy_into(&to).await.unwrap();
    assert_eq!(report.audit_entries, entries);
    assert!(
        report
            .rows
            .iter()
            .any(|(t, n)| *t == "orders" && *n == orders.len() as u64)
    );
    // Into a database that is no longer empty: refused, nothing written.
    assert!(matches!(
        s.platform.store().copy_into(&to).await,
        Err(CopyError::NotEmpty(_, _))
    ));
    to.close().await;

    // A node on the copy serves what the single node served.
    let dir = tempfile::tempdir().unwrap();
    let node = open_node(
        &schema.location(),
        dir.path(),
        Clock::manual(Timestamp::at(today(), 21)),
    )
    .await;
    assert_eq!(node.orders("fam").await.unwrap(), orders);
    assert_eq!(node.decisions("fam", 100).await.unwrap(), decisions);
    assert_eq!(node.engine().bidders().len(), 1, "the dairy is served");
    assert!(node.store().ledger_mismatches().await.unwrap().is_empty());
    // The same tokens work, and the chain goes on from the copied head.
    assert_eq!(node.principal(&token).await.unwrap(), Some(me.clone()));
    let next = node
        .decide("fam", NeedRef::Need(Box::new(need("need-after"))), &me)
        .await
        .unwrap();
    assert_eq!(next.need.id, "need-after");
    assert_eq!(
        node.store().verify_audit().await.unwrap().unwrap(),
        entries + 1
    );
}
