//! # vitrine-testkit
//!
//! What Vitrine's tests share, written once: the hostile plugins (built from
//! `tests/hostile/` by `build.rs`), runtimes, requests and decision engines
//! ([`runtime`], [`request`], [`engine_with_samples`]), an in-process service
//! with its router ([`service`]), a `vitrine serve` child process
//! ([`server`]), and the bodies of the fuzz targets ([`fuzz`]).

use std::time::Duration;

use vitrine_core::decision::{DecisionConfig, DecisionEngine};
use vitrine_core::reports::Pseudonymiser;
use vitrine_runtime::{Catalog, Limits, Plugin, Runtime};
use vitrine_service::platform::PluginBidder;
use vitrine_sim::samples::SAMPLES;
use vitrine_types::{DeliveryWindow, NeedKind, OfferRequest, Quantity, Unit, random_request_id};

pub mod compile_bomb;
pub mod fuzz;
pub mod postgres;
pub mod server;
pub mod service;

/// The hostile plugins, one constant per crate in `tests/hostile/`.
pub mod hostile {
    include!(concat!(env!("OUT_DIR"), "/hostile.rs"));
}

/// The hostile plugins in Python and JavaScript (`None` where the
/// toolchain was missing at build time, never in CI), with `MISSING`.
pub mod hostile_interpreted {
    include!(concat!(env!("OUT_DIR"), "/hostile_interpreted.rs"));
}

/// A runtime with the production defaults and an artifact cache shared by
/// every test of this checkout (`target/test-artifacts`), for the Python
/// and JavaScript plugins: each takes about ten seconds to compile, once.
pub fn caching_runtime() -> Runtime {
    caching_runtime_with(Limits::default())
}

/// [`caching_runtime`] with `limits` (the cache is keyed by the engine's
/// settings, so different limits that change code do not share artifacts).
pub fn caching_runtime_with(limits: Limits) -> Runtime {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    Runtime::with_cache(limits, dir).expect("limits build a runtime")
}

/// The Python and JavaScript samples, or panics saying which toolchain is
/// missing (a test that needs them cannot pass without them).
pub fn other_language_samples() -> Vec<vitrine_sim::samples::Sample> {
    let samples = vitrine_sim::samples::other_languages();
    assert!(
        vitrine_sim::samples::other_languages_missing().is_empty(),
        "the Python and JavaScript samples were not built: {:?}",
        vitrine_sim::samples::other_languages_missing()
    );
    samples
}

/// A component exporting the bidder interface (empty) and importing the
/// interface `import`: what the contract check sees of a plugin asking for
/// an interface no plugin is served.
pub fn component_importing(import: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(component
             (import "{import}" (instance))
             (instance $bidder)
             (export "vitrine:brand/bidder@0.1.0" (instance $bidder)))"#
    ))
    .expect("valid component text")
}

/// A runtime with the production defaults.
pub fn runtime() -> Runtime {
    Runtime::new(Limits::default()).expect("default limits build a runtime")
}

/// The default limits with a deadline of a minute: for tests that assert
/// which other limit stops a plugin (fuel, memory, the stack, the transfer
/// cap), so that a loaded machine's clock never decides instead.
pub fn runtime_unhurried() -> Runtime {
    Runtime::new(Limits {
        deadline: Duration::from_secs(60),
        ..Limits::default()
    })
    .expect("limits build a runtime")
}

/// A runtime whose deadline is `deadline` (fuel raised so that the deadline,
/// not the fuel, is what stops a loop).
pub fn runtime_with_deadline(deadline: Duration) -> Runtime {
    Runtime::new(Limits {
        deadline,
        fuel: u64::MAX / 2,
        ..Limits::default()
    })
    .expect("limits build a runtime")
}

/// Loads a hostile plugin with an empty catalog.
pub fn load_hostile(runtime: &Runtime, wasm: &[u8]) -> Plugin {
    runtime
        .load(wasm, Catalog::empty())
        .expect("hostile plugin loads")
}

/// Every sample brand, loaded with its default catalog.
pub fn load_samples(runtime: &Runtime) -> Vec<(&'static str, Plugin)> {
    SAMPLES
        .iter()
        .map(|s| (s.name, s.load(runtime).expect("sample loads")))
        .collect()
}

/// A replenishment request for `amount` pieces of `category`, in EUR.
pub fn request(category: &str, amount: u32) -> OfferRequest {
    OfferRequest {
        request_id: random_request_id(),
        need: NeedKind::Replenishment,
        category: category.to_owned(),
        quantity: Quantity {
            amount,
            unit: Unit::Piece,
        },
        delivery: DeliveryWindow {
            earliest_day: 0,
            latest_day: 5,
        },
        region: None,
        budget: None,
        currency: "EUR".to_owned(),
        labels: Vec::new(),
        max_offers: 3,
    }
}

/// A decision engine with `k` for label k-anonymity, a fixed pseudonym
/// secret and every sample brand registered under its sample name.
pub fn engine_with_samples(runtime: &Runtime, k: usize) -> DecisionEngine<PluginBidder> {
    let engine = engine(k);
    for (name, plugin) in load_samples(runtime) {
        engine.register(name, PluginBidder::new(plugin));
    }
    engine
}

/// A decision engine with `k` for label k-anonymity, no brand registered.
pub fn engine(k: usize) -> DecisionEngine<PluginBidder> {
    let mut config = DecisionConfig::default();
    config.minimiser.k = k;
    DecisionEngine::new(config, Pseudonymiser::new([7; 32]))
}

/// The needs due for `household` at `now` with no history.
pub fn needs_at(
    household: &vitrine_core::household::Household,
    now: vitrine_types::time::Timestamp,
) -> Vec<vitrine_core::needs::Need> {
    vitrine_core::needs::NeedsEngine::default().evaluate(household, now, &Default::default())
}

/// Checks what several nodes left for household `id` in `store`: its ledger
/// spends at most `limit_minor` and no need was ordered twice.
pub async fn assert_budget_held_and_each_need_ordered_once(
    store: &vitrine_store::Store,
    id: &str,
    limit_minor: u64,
) {
    let spent: i64 = store
        .household_ledger(id)
        .await
        .expect("the ledger reads")
        .iter()
        .map(|l| l.amount_minor)
        .sum();
    assert!(
        u64::try_from(spent).expect("a ledger never goes negative") <= limit_minor,
        "{id} spent {spent} of {limit_minor}"
    );
    let orders = store.household_orders(id).await.expect("the orders read");
    let needs: std::collections::HashSet<&str> =
        orders.iter().map(|o| o.need_id.as_str()).collect();
    assert_eq!(needs.len(), orders.len(), "{id}: a need ordered twice");
}
