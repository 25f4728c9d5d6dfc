//! Two nodes (two platforms in this process) on one PostgreSQL schema:
//! budgets hold across them, a household created or changed on one is
//! served by the other, plugin changes reach the other, the needs cycle
//! does each household once, and the audit log stays one chain.
//! (`crates/cli/tests/all/nodes.rs` does the same with `vitrine serve`
//! processes, one of them killed.)

use std::sync::Arc;

use vitrine_core::household::HouseholdId;
use vitrine_core::mandate::{Budget, Mandate, MandateDecision, Period};
use vitrine_core::needs::Need;
use vitrine_service::platform::{Clock, NeedRef, Platform, Upload};
use vitrine_sim::samples::Sample;
use vitrine_sim::scenario::{demo_start, family};
use vitrine_store::tokens::Principal;
use vitrine_testkit::postgres::Schema;
use vitrine_testkit::service::{milk_need, open_node, today};
use vitrine_types::time::Timestamp;

/// Two nodes on one fresh schema, sharing one clock; `None` when
/// `VITRINE_TEST_POSTGRES=off` (and said so).
async fn two_nodes() -> Option<(Schema, tempfile::TempDir, Arc<Platform>, Arc<Platform>)> {
    let schema = Schema::create().await?;
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(Timestamp::at(today(), 21));
    let a = open_node(&schema.location(), &dir.path().join("a"), clock.clone()).await;
    let b = open_node(&schema.location(), &dir.path().join("b"), clock).await;
    Some((schema, dir, a, b))
}

/// Creates `brand` on `node` with its sample plugin live.
async fn upload(node: &Platform, brand: &str) {
    node.create_brand(brand, brand).await.unwrap();
    new_version(node, brand).await;
}

/// Uploads `brand`'s sample plugin again, as its next version, live.
async fn new_version(node: &Platform, brand: &str) {
    let sample = Sample::named(brand).unwrap();
    node.upload_plugin(
        brand,
        Upload {
            wasm: sample.wasm,
            catalog_json: Some(sample.catalog_json),
            enable: true,
        },
    )
    .await
    .unwrap();
}

fn need(household: &str, id: &str) -> Need {
    serde_json::from_value(milk_need(household, id)["need"].clone()).unwrap()
}

fn brands(node: &Platform) -> Vec<String> {
    let mut brands: Vec<String> = node
        .engine()
        .bidders()
        .into_iter()
        .map(|b| b.brand)
        .collect();
    brands.sort();
    brands
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn decisions_on_two_nodes_never_exceed_a_budget_nor_order_a_need_twice_and_both_count_every_household()
 {
    let Some((_schema, _dir, a, b)) = two_nodes().await else {
        return;
    };
    upload(&a, "dairy").await;
    assert_eq!(b.sync_plugins().await.unwrap(), 1, "b serves the dairy");
    let mut resident = family("fam", 3);
    resident.warm_up(demo_start(), 14);
    a.create_household(resident.household).await.unwrap();
    let me = Principal::Household("fam".into());
    let mandate = |limit: Option<u64>| {
        let mut mandate = Mandate::new("groceries", &["food"]);
        mandate.new_brand_asks = false;
        mandate.budgets = limit
            .map(|limit_minor| {
                vec![Budget {
                    period: Period::Week,
                    limit_minor,
                }]
            })
            .unwrap_or_default();
        mandate
    };
    // On a, a mandate without a budget, and the price of one order.
    a.update_household("fam", &me, "household.mandates_set", |h| {
        h.mandates = vec![mandate(None)];
        Ok(())
    })
    .await
    .unwrap();
    let probe = a
        .decide("fam", NeedRef::Need(Box::new(need("fam", "probe"))), &me)
        .await
        .unwrap();
    assert_eq!(probe.outcome(), MandateDecision::Ordered);
    let price = probe.placement.order.as_ref().unwrap().price_paid_minor;
    // On b, a weekly budget: what the probe spent and three and a half
    // more. Node a must see it, and each node the other's orders.
    let limit = price + price * 7 / 2;
    b.update_household("fam", &me, "household.mandates_set", |h| {
        h.mandates = vec![mandate(Some(limit))];
        Ok(())
    })
    .await
    .unwrap();
    // Twenty needs, each sent to both nodes at once.
    let mut tasks = Vec::new();
    for i in 0..20 {
        for node in [&a, &b] {
            let node = Arc::clone(node);
            let me = me.clone();
            tasks.push(tokio::spawn(async move {
                node.decide(
                    "fam",
                    NeedRef::Need(Box::new(need("fam", &format!("need-{i}")))),
                    &me,
                )
                .await
            }));
        }
    }
    let mut ordered = 0;
    let mut duplicates = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(d) if d.outcome() == MandateDecision::Ordered => ordered += 1,
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.code(), "duplicate_need", "{e}");
                duplicates += 1;
            }
        }
    }
    assert_eq!(duplicates, 20, "each need is decided by one node only");
    assert_eq!(ordered, 3, "three orders fit in the budget");
    vitrine_testkit::assert_budget_held_and_each_need_ordered_once(a.store(), "fam", limit).await;
    assert!(a.store().ledger_mismatches().await.unwrap().is_empty());
    assert!(a.store().verify_audit().await.unwrap().is_ok());
    // Each node counts, for k-anonymity, only the households it decided
    // for: a second household decided for on a only...
    let mut other = family("other", 9);
    other.warm_up(demo_start(), 14);
    a.create_household(other.household).await.unwrap();
    a.decide(
        "other",
        NeedRef::Need(Box::new(need("other", "n"))),
        &Principal::Household("other".into()),
    )
    .await
    .unwrap();
    assert!(b.engine().k_anonymity().sightings() < a.engine().k_anonymity().sightings());
    // ...is counted by b after a sync (at start and every cycle).
    let stored = a
        .store()
        .k_sightings_since(vitrine_types::time::Day(0))
        .await
        .unwrap()
        .len();
    assert!(stored > 0, "the decisions recorded k-anonymity sightings");
    a.sync_k_anonymity().await.unwrap();
    b.sync_k_anonymity().await.unwrap();
    assert_eq!(a.engine().k_anonymity().sightings(), stored);
    assert_eq!(
        b.engine().k_anonymity().sightings(),
        stored,
        "both nodes agree"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_created_or_changed_on_one_node_is_served_by_the_other() {
    let Some((_schema, _dir, a, b)) = two_nodes().await else {
        return;
    };
    let mut resident = family("fam", 4);
    resident.warm_up(demo_start(), 14);
    a.create_household(resident.household).await.unwrap();
    assert!(b.household("fam").is_err(), "b started before it existed");
    b.sync_household("fam").await.unwrap();
    assert_eq!(b.household("fam").unwrap().id, HouseholdId("fam".into()));
    let me = Principal::Household("fam".into());
    a.update_household("fam", &me, "household.mandates_set", |h| {
        h.mandates.clear();
        Ok(())
    })
    .await
    .unwrap();
    b.sync_household("fam").await.unwrap();
    assert!(b.household("fam").unwrap().mandates.is_empty());
    a.erase("fam", &me).await.unwrap();
    b.sync_household("fam").await.unwrap();
    assert!(b.household("fam").is_err(), "erased on a, gone from b");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_change_on_one_node_is_served_by_the_other_without_compiling() {
    let Some((_schema, _dir, a, b)) = two_nodes().await else {
        return;
    };
    upload(&a, "dairy").await;
    assert_eq!(brands(&b), Vec::<String>::new());
    assert_eq!(b.sync_plugins().await.unwrap(), 1);
    assert_eq!(brands(&b), ["dairy"]);
    assert_eq!(b.sync_plugins().await.unwrap(), 0, "nothing changed since");
    // B never compiled it: the artifact came from the store.
    assert!(
        b.engine()
            .bidders()
            .iter()
            .all(|e| e.bidder.plugin.compile_stats().cached),
        "b compiled nothing"
    );
    // A second version on b, then a rollback on a: b serves version 1.
    new_version(&b, "dairy").await;
    a.sync_plugins().await.unwrap();
    let rolled = a.rollback("dairy").await.unwrap();
    assert_eq!(rolled.version, 1);
    b.sync_plugins().await.unwrap();
    let held = b
        .store()
        .enabled_revisions()
        .await
        .unwrap()
        .into_iter()
        .map(|(brand, version, _)| (brand, version))
        .collect::<Vec<_>>();
    assert_eq!(held, [("dairy".to_owned(), 1)]);
    // Disabled on b: a stops serving it.
    b.disable_plugin("dairy").await.unwrap();
    assert_eq!(a.sync_plugins().await.unwrap(), 1);
    assert_eq!(brands(&a), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_needs_cycle_on_two_nodes_does_each_household_once() {
    let Some((_schema, _dir, a, b)) = two_nodes().await else {
        return;
    };
    upload(&a, "dairy").await;
    b.sync_plugins().await.unwrap();
    for h in 0..6 {
        let mut resident = family(&format!("fam-{h}"), h);
        resident.warm_up(demo_start(), 14);
        a.create_household(resident.household).await.unwrap();
    }
    let (on_a, on_b) = tokio::join!(
        {
            let a = a.clone();
            async move { a.run_cycle().await.unwrap() }
        },
        {
            let b = b.clone();
            async move { b.run_cycle().await.unwrap() }
        }
    );
    // Every household was done once, by one node or the other.
    let run = a.now().0;
    let done = a.store().work_done("needs-cycle", run).await.unwrap();
    assert_eq!(done.len(), 6, "{done:?}");
    let mut decided: Vec<(String, String)> = on_a
        .iter()
        .chain(&on_b)
        .map(|d| (d.household.0.clone(), d.need.id.clone()))
        .collect();
    let total = decided.len();
    decided.sort();
    decided.dedup();
    assert_eq!(decided.len(), total, "no need decided twice");
    assert!(total > 0, "the cycle decided something");
    assert!(a.store().verify_audit().await.unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn households_a_dead_node_claimed_in_the_needs_cycle_are_taken_over_once_its_lease_ends() {
    let Some((_schema, _dir, a, _b)) = two_nodes().await else {
        return;
    };
    upload(&a, "dairy").await;
    let mut ids = Vec::new();
    for h in 0..3 {
        let id = format!("fam-{h}");
        let mut resident = family(&id, h);
        resident.warm_up(demo_start(), 14);
        a.create_household(resident.household).await.unwrap();
        ids.push(id);
    }
    // A node lists the run, claims every household for a second, and dies.
    let run = a.now().0;
    a.store().add_work("needs-cycle", run, &ids).await.unwrap();
    let now = Timestamp::now();
    let lease = vitrine_store::work::Lease {
        node: "node-dead",
        now,
        until: Timestamp(now.0 + 1),
    };
    let claimed = a
        .store()
        .claim_work("needs-cycle", run, lease, 10)
        .await
        .unwrap();
    assert_eq!(claimed, ids);
    // A live node's cycle waits for the lease to run out, then does them.
    let taken = a.run_cycle().await.unwrap();
    assert!(!taken.is_empty(), "the households' needs were decided");
    let done = a.store().work_done("needs-cycle", run).await.unwrap();
    assert_eq!(done.len(), 3, "{done:?}");
    assert!(
        done.iter().all(|(_, node)| node != "node-dead"),
        "taken over: {done:?}"
    );
    assert_eq!(a.store().work_left("needs-cycle", run).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_one_node_suspended_is_suspended_on_the_other_until_the_same_moment() {
    let Some((_schema, _dir, a, b)) = two_nodes().await else {
        return;
    };
    upload(&a, "dairy").await;
    b.sync_plugins().await.unwrap();
    let on = |node: &Platform| {
        node.engine()
            .bidders()
            .into_iter()
            .find(|e| e.brand == "dairy")
            .unwrap()
            .bidder
            .plugin
    };
    // Node a's breaker opened (as after failing calls in a row there).
    on(&a).suspend_for(std::time::Duration::from_secs(60), 5);
    assert!(!on(&b).health_status().suspended);
    assert_eq!(a.sync_suspensions().await.unwrap(), 0, "a records it");
    assert_eq!(b.sync_suspensions().await.unwrap(), 1, "b takes it");
    let there = on(&b).health_status();
    assert!(there.suspended);
    assert_eq!(there.failures_in_a_row, 5);
    assert!(
        (55_000..=60_000).contains(&there.retry_in_ms),
        "until the same moment: {there:?}"
    );
    // b's auctions leave the dairy out as suspended.
    let mut resident = family("fam", 2);
    resident.warm_up(demo_start(), 14);
    b.create_household(resident.household).await.unwrap();
    let decision = b
        .decide(
            "fam",
            NeedRef::Need(Box::new(need("fam", "n1"))),
            &Principal::Household("fam".into()),
        )
        .await
        .unwrap();
    assert!(
        decision.auction.winner().is_none(),
        "{:?}",
        decision.auction
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_started_cold_on_a_database_with_plugins_decides_without_compiling() {
    let Some((schema, dir, a, _b)) = two_nodes().await else {
        return;
    };
    for brand in ["dairy", "farm-coop", "chocolatier"] {
        upload(&a, brand).await;
    }
    let mut resident = family("fam", 6);
    resident.warm_up(demo_start(), 14);
    a.create_household(resident.household).await.unwrap();
    // A new machine: an empty artifact directory.
    let cold = open_node(
        &schema.location(),
        &dir.path().join("cold"),
        Clock::manual(Timestamp::at(today(), 21)),
    )
    .await;
    let live = cold.engine().bidders();
    assert_eq!(live.len(), 3);
    assert!(
        live.iter().all(|e| e.bidder.plugin.compile_stats().cached),
        "every plugin came compiled from the store"
    );
    let decision = cold
        .decide(
            "fam",
            NeedRef::Need(Box::new(need("fam", "first"))),
            &Principal::Household("fam".into()),
        )
        .await
        .unwrap();
    assert!(
        decision.auction.winner().is_some(),
        "{:?}",
        decision.auction
    );
}
