//! Plugins written in Python (componentize-py) and JavaScript
//! (componentize-js) run in the same sandbox and the same auction as Rust
//! ones: the samples bid, the three languages compete for one need, and the
//! hostile fixtures in each language are contained exactly like the Rust
//! ones. Outside CI, where a toolchain was missing at build time, these
//! tests say so and pass without running; in CI the build fails instead.

use std::time::Duration;

use vitrine_core::decision::DecisionConfig;
use vitrine_core::mandate::Mandate;
use vitrine_runtime::{CallError, Limits, LoadError, Runtime};
use vitrine_service::platform::PluginBidder;
use vitrine_sim::samples::{Sample, other_languages, other_languages_missing};
use vitrine_sim::scenario::{demo_start, opted_in};
use vitrine_testkit::{caching_runtime_with, hostile_interpreted, needs_at};
use vitrine_types::time::{Day, Timestamp};
use vitrine_types::{BidError, NeedKind, check_offer};

/// The samples in Python and JavaScript, or `None` (with the reason
/// printed) where their toolchains were not installed at build time.
fn samples() -> Option<Vec<Sample>> {
    if !other_languages_missing().is_empty() {
        eprintln!("skipped: {:?}", other_languages_missing());
        return None;
    }
    Some(other_languages())
}

fn built(wasm: Option<&'static [u8]>) -> Option<&'static [u8]> {
    if wasm.is_none() {
        eprintln!("skipped: {:?}", hostile_interpreted::MISSING);
    }
    wasm
}

/// Limits with time to spare: the test machine runs many tests at once,
/// and what is checked here is containment, not speed.
/// With fuel to spare, what stops each attack of a hostile interpreted
/// plugin is the memory cap, the deadline, or the cap on what the host
/// copies out. The attacks other than the loop get all the time they want
/// (on a loaded machine an interpreter takes seconds to build a 10 MB
/// string), so that they are seen stopped by their cap, not by the clock.
fn assert_contained_with_fuel_to_spare(wasm: &[u8]) {
    let fuel_to_spare = |deadline| {
        caching_runtime_with(Limits {
            fuel: u64::MAX / 2,
            deadline,
            ..Limits::default()
        })
    };
    let load = |runtime: &Runtime| {
        runtime
            .load(wasm, vitrine_runtime::Catalog::empty())
            .unwrap()
    };
    let call = |plugin: &vitrine_runtime::Plugin, attack: &str| {
        plugin
            .call(&vitrine_testkit::request(&format!("hostile/{attack}"), 1))
            .outcome
    };
    let hurried = load(&fuel_to_spare(Duration::from_secs(5)));
    assert_eq!(
        call(&hurried, "loop"),
        Err(CallError::Timeout { deadline_ms: 5_000 })
    );
    let unhurried = load(&fuel_to_spare(Duration::from_secs(300)));
    let memory = call(&unhurried, "memory");
    assert!(
        matches!(memory, Err(CallError::MemoryLimit { limit_bytes, .. }) if limit_bytes == 64 << 20),
        "{memory:?}"
    );
    let cap = format!("more than {} bytes", Limits::default().transfer_bytes);
    let too_much = |reason: &str| reason.contains(&cap);
    let huge = call(&unhurried, "huge");
    assert!(
        matches!(&huge, Err(CallError::InvalidOutput { reason }) if too_much(reason)),
        "{huge:?}"
    );
    // 100,000 offers: copied out, they pass the transfer cap; as JavaScript
    // objects they may fill the 64 MiB before the answer is handed over.
    let flood = call(&unhurried, "flood");
    assert!(
        matches!(&flood, Err(CallError::MemoryLimit { .. }))
            || matches!(&flood, Err(CallError::InvalidOutput { reason }) if too_much(reason)),
        "{flood:?}"
    );
}

fn patient(limits: Limits) -> Runtime {
    caching_runtime_with(Limits {
        deadline: Duration::from_secs(5),
        ..limits
    })
}

#[test]
fn the_python_and_javascript_samples_bid_valid_offers_on_their_example_requests() {
    let Some(samples) = samples() else { return };
    let runtime = patient(Limits::default());
    for sample in &samples {
        let plugin = sample
            .load(&runtime)
            .unwrap_or_else(|e| panic!("{}: {e}", sample.name));
        let request = sample.request();
        let report = plugin.call(&request);
        let offers = report
            .outcome
            .unwrap_or_else(|e| panic!("{}: {e:?}", sample.name));
        assert!(!offers.is_empty(), "{}", sample.name);
        for offer in &offers {
            assert_eq!(
                check_offer(&request, offer, &|sku| plugin.catalog().declares_sku(sku)),
                Ok(()),
                "{}",
                sample.name
            );
        }
        // Well inside the default budget: an interpreted bid is not a
        // heavy call.
        assert!(
            report.fuel_used < Limits::default().fuel / 2,
            "{}: {}",
            sample.name,
            report.fuel_used
        );
        assert!(report.peak_memory_bytes < 32 << 20, "{}", sample.name);
    }
}

#[test]
fn the_sdks_checks_hold_inside_the_component_too() {
    let Some(samples) = samples() else { return };
    let runtime = patient(Limits::default());
    for sample in &samples {
        let plugin = sample.load(&runtime).unwrap();
        // A category the brand does not serve is refused by the SDK.
        let mut request = sample.request();
        request.category = "clothing/shoes".into();
        let report = plugin.call(&request);
        assert_eq!(
            report.outcome,
            Err(CallError::PluginError(BidError::UnsupportedCategory(
                "clothing/shoes".into()
            ))),
            "{}",
            sample.name
        );
        // `max_offers` is honoured.
        let mut request = sample.request();
        request.max_offers = 1;
        assert_eq!(
            plugin.call(&request).outcome.unwrap().len(),
            1,
            "{}",
            sample.name
        );
        // A catalog without prices: a typed catalog error, not a trap.
        let bare = runtime
            .load(sample.wasm, runtime.parse_catalog(b"{}").unwrap())
            .unwrap();
        match bare.call(&sample.request()).outcome {
            Err(CallError::PluginError(BidError::Catalog(detail))) => {
                assert!(
                    detail.contains("missing catalog key"),
                    "{}: {detail}",
                    sample.name
                )
            }
            other => panic!("{}: expected a catalog error, got {other:?}", sample.name),
        }
    }
}

#[test]
fn componentize_pys_leftover_export_is_ignored_and_listed() {
    let Some(samples) = samples() else { return };
    let runtime = patient(Limits::default());
    let bakery = samples.iter().find(|s| s.name == "bakery").unwrap();
    let plugin = bakery.load(&runtime).unwrap();
    assert_eq!(plugin.ignored_exports(), ["exports".to_owned()]);
    assert!(plugin.denied_imports().is_empty());
}

#[test]
fn interpreted_plugins_are_refused_under_tighter_operator_limits_naming_the_limit() {
    let Some(samples) = samples() else { return };
    let bakery = samples.iter().find(|s| s.name == "bakery").unwrap();
    let small = Runtime::new(Limits {
        component_bytes: 8 << 20,
        ..Limits::default()
    })
    .unwrap();
    assert!(
        matches!(bakery.load(&small), Err(LoadError::TooLarge { .. })),
        "an 18 MB component over an 8 MiB limit"
    );
    let few = caching_runtime_with(Limits {
        core_instances_per_component: 8,
        ..Limits::default()
    });
    match bakery.load(&few) {
        Err(e) => assert!(
            e.to_string().contains("core_instances_per_component"),
            "{e}"
        ),
        Ok(_) => panic!("CPython has more than 8 core instances"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_python_and_javascript_plugins_compete_in_one_auction() {
    let Some(samples) = samples() else { return };
    let runtime = patient(Limits::default());
    let mut config = DecisionConfig::default();
    config.minimiser.k = 1;
    config.auction.per_brand = Duration::from_secs(5);
    config.auction.overall = Duration::from_secs(5);
    let engine = vitrine_core::decision::DecisionEngine::new(
        config,
        vitrine_core::reports::Pseudonymiser::new([7; 32]),
    );
    let chocolatier = Sample::named("chocolatier").unwrap();
    for sample in samples.iter().chain([chocolatier]) {
        engine.register(
            sample.name,
            PluginBidder::new(sample.load(&runtime).unwrap()),
        );
    }
    // A stressful Thursday evening: the couple who opted in to desires
    // wants something sweet, and three brands in three languages bid.
    let mut resident = opted_in("couple", 5);
    resident.household.mandates = vec![Mandate::new("everything", &["food", "home"])];
    let thursday = Day::from_ymd(2026, 8, 6).unwrap();
    for d in 0..=thursday.since(demo_start()) {
        resident.live(demo_start().plus(d));
    }
    let now = Timestamp::at(thursday, 22);
    let desire = needs_at(&resident.household, now)
        .into_iter()
        .find(|n| n.kind == NeedKind::Desire)
        .expect("stressful Thursday evening");
    let decision = engine
        .decide(&resident.household, &desire, now)
        .await
        .unwrap();
    let called: Vec<(&str, &str)> = decision
        .auction
        .bidders
        .iter()
        .map(|b| (b.brand.as_str(), b.call.as_str()))
        .collect();
    for brand in ["chocolatier", "bakery", "florist"] {
        assert!(
            called.contains(&(brand, "offers")),
            "{brand} should bid with offers: {called:?}"
        );
    }
    let winner = decision
        .auction
        .winner()
        .expect("a winner among three bids");
    assert!(["chocolatier", "bakery", "florist"].contains(&winner.brand.as_str()));
}

#[test]
fn hostile_python_is_contained_like_the_rust_fixtures() {
    let Some(wasm) = built(hostile_interpreted::HOSTILE_PYTHON) else {
        return;
    };
    // The default fuel, but time to spend it on a loaded test machine.
    let runtime = patient(Limits::default());
    let plugin = runtime
        .load(wasm, vitrine_runtime::Catalog::empty())
        .unwrap();
    let call =
        |attack: &str| plugin.call(&vitrine_testkit::request(&format!("hostile/{attack}"), 1));
    // A loop and a flood run out of fuel under the default budget.
    assert_eq!(call("loop").outcome_code(), "out_of_fuel");
    // Files: nothing to read, list or write (no preopened directory).
    match call("file").outcome {
        Err(CallError::PluginError(BidError::Internal(seen))) => {
            assert!(!seen.contains("succeeded"), "{seen}");
            assert_eq!(seen.matches("error:").count(), 3, "{seen}");
        }
        other => panic!("expected the plugin's report of failed attempts, got {other:?}"),
    }
    // Sockets: no connection, no name resolution.
    match call("socket").outcome {
        Err(CallError::PluginError(BidError::Internal(seen))) => {
            assert!(!seen.contains("succeeded"), "{seen}");
            assert_eq!(seen.matches("error:").count(), 2, "{seen}");
        }
        other => panic!("expected the plugin's report of failed attempts, got {other:?}"),
    }
    assert_contained_with_fuel_to_spare(wasm);
}

#[test]
fn hostile_javascript_is_contained_like_the_rust_fixtures() {
    let Some(wasm) = built(hostile_interpreted::HOSTILE_JS) else {
        return;
    };
    let runtime = patient(Limits::default());
    // A default StarlingMonkey build imports outgoing HTTP: linked, denied.
    let plugin = runtime
        .load(wasm, vitrine_runtime::Catalog::empty())
        .unwrap();
    assert!(
        plugin
            .denied_imports()
            .iter()
            .any(|i| i.starts_with("wasi:http/")),
        "{:?}",
        plugin.denied_imports()
    );
    let call =
        |attack: &str| plugin.call(&vitrine_testkit::request(&format!("hostile/{attack}"), 1));
    assert_eq!(call("loop").outcome_code(), "out_of_fuel");
    match call("fetch").outcome {
        Err(CallError::Denied { capability }) => {
            assert!(capability.contains("wasi:http"), "{capability}")
        }
        other => panic!("expected the network to be denied, got {other:?}"),
    }
    assert_contained_with_fuel_to_spare(wasm);
}
