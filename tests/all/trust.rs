//! Trustworthy decisions, tried as an attacker would, with the hostile
//! fixtures of `tests/hostile` fed many inputs of each kind: money claims
//! and quality claims cannot set what a household pays; plugin text cannot
//! speak for the platform; a SKU cannot carry data; host work is charged to
//! the plugin; integers at the edges of their types are refused; a
//! well-behaved plugin is not suspended for sharing a machine with a heavy
//! one.

use std::sync::Arc;
use std::time::Duration;
use vitrine_service::platform::PluginBidder;

use vitrine_core::auction::LossReason;
use vitrine_core::decision::{Decision, DecisionEngine};
use vitrine_core::household::{Household, Purchase};
use vitrine_core::mandate::{Mandate, MandateDecision};
use vitrine_core::needs::{Need, NeedReason};
use vitrine_runtime::{CallError, Catalog, FanOutCall, Limits, Plugin, Runtime, fan_out};
use vitrine_sim::samples::Sample;
use vitrine_testkit::{engine, hostile, request, runtime};
use vitrine_types::time::{Day, Timestamp};
use vitrine_types::{NeedKind, Quantity, Unit, text};

const NOW: Timestamp = Timestamp(20_660 * 86_400 + 9 * 3_600);

fn catalog(runtime: &Runtime, pairs: &[(&str, &str)]) -> Catalog {
    Catalog::from_pairs(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        runtime.limits().catalog_bytes,
    )
    .expect("a valid catalog")
}

fn hostile_with(runtime: &Runtime, wasm: &[u8], pairs: &[(&str, &str)]) -> Plugin {
    runtime
        .load(wasm, catalog(runtime, pairs))
        .expect("the fixture loads")
}

/// A household that buys yogurt from `brands` automatically, with a
/// yogurt history (its usual price: 0.55 a jar) when `history` is set.
fn household(history: bool, brands: &[&str]) -> Household {
    let mut h = Household::new("trusting-household", "EUR");
    let mut mandate = Mandate::new("groceries", &["food"]);
    mandate.new_brand_asks = false;
    h.mandates = vec![mandate];
    if history {
        for (day, price) in [(20_600, 440), (20_610, 440), (20_620, 450)] {
            h.purchases.push(Purchase {
                category: "food/dairy/yogurt".into(),
                amount: 8,
                unit: Unit::Piece,
                price_minor: price,
                brand: brands.first().map(|b| (*b).to_owned()),
                at: Timestamp(day * 86_400),
            });
        }
    }
    h
}

fn yogurt_need(household: &Household, n: usize) -> Need {
    Need {
        id: format!("need-yogurt-{n}"),
        household: household.id.clone(),
        kind: NeedKind::Replenishment,
        category: "food/dairy/yogurt".into(),
        coarse_category: None,
        quantity: Quantity {
            amount: 8,
            unit: Unit::Piece,
        },
        earliest_day: NOW.day(),
        latest_day: NOW.day().plus(3),
        raised_at: NOW,
        reason: NeedReason::Seasonal {
            rule: "test".into(),
            description: "a test need".into(),
            child: None,
            event_day: NOW.day(),
        },
    }
}

/// An engine with the dairy sample (which asks 0.55 a jar: 4.40 for 8)
/// and the money-claims fixture with `claims` in its catalog.
fn engine_with_claims(runtime: &Runtime, claims: &[(&str, &str)]) -> DecisionEngine<PluginBidder> {
    let engine = engine(1);
    let dairy = Sample::named("dairy").unwrap();
    engine.register("dairy", PluginBidder::new(dairy.load(runtime).unwrap()));
    let mut pairs = vec![("sku.CLAIM-1", "the claimed yogurt")];
    pairs.extend_from_slice(claims);
    engine.register(
        "claimer",
        PluginBidder::new(hostile_with(runtime, hostile::MONEY_CLAIMS, &pairs)),
    );
    engine
}

/// Every bound the household relies on, for one decision: never above the
/// cap, never above the reserve unless asked, never below the ask, and
/// never more above the winner's own net price than its score's margin.
fn assert_bounded(decision: &Decision) {
    let Some(settlement) = &decision.auction.settlement else {
        return;
    };
    let limits = decision.auction.limits.as_ref().expect("limits recorded");
    let winner = decision.auction.winner().unwrap();
    let paid = settlement.price_paid_minor;
    let net_ask = winner.breakdown.net_price_minor;
    assert!(paid >= net_ask, "paid {paid} < ask {net_ask}");
    if decision.outcome() == MandateDecision::Ordered {
        assert!(
            paid <= limits.auto_cap_minor,
            "ordered at {paid}, above the cap {}",
            limits.auto_cap_minor
        );
        if let Some(reserve) = limits.reserve_minor {
            assert!(
                paid <= reserve,
                "ordered at {paid}, above the reserve {reserve}"
            );
        }
    }
    if let Some(runner_up) = decision.auction.runner_up() {
        let w = winner.breakdown.price_weight;
        let advantage = (winner.breakdown.score - runner_up.breakdown.score) / w;
        assert!(
            paid as f64 <= net_ask as f64 + advantage.max(0.0) + 1.0,
            "paid {paid} > ask {net_ask} + settled advantage {advantage}"
        );
    }
    let quality: i64 = winner
        .breakdown
        .services
        .values()
        .chain(winner.breakdown.labels.values())
        .filter(|v| **v > 0)
        .sum::<i64>()
        - winner.breakdown.quality_cut;
    assert!(
        quality <= limits.quality_cap_minor,
        "quality {quality} over its bound {}",
        limits.quality_cap_minor
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claimed_credit_never_raises_the_price_above_the_cap_nor_the_ask_plus_the_settled_advantage()
 {
    let runtime = runtime();
    // Credits, deposits and loyalty from nothing to the contract's largest
    // amount, on a 4.50 yogurt and on a 10.00 one; with and without a
    // purchase history (a reserve).
    for history in [false, true] {
        for price in ["450", "1000", "1"] {
            for credit in ["0", "50", "450", "1000000", "1000000000"] {
                for loyalty in ["0", "1000000000"] {
                    let engine = engine_with_claims(
                        &runtime,
                        &[
                            ("price", price),
                            ("credit", credit),
                            ("loyalty", loyalty),
                            ("deposit", credit),
                        ],
                    );
                    let h = household(history, &["dairy", "claimer"]);
                    let decision = engine.decide(&h, &yogurt_need(&h, 0), NOW).await.unwrap();
                    assert_bounded(&decision);
                    if let Some(order) = &decision.placement.order {
                        assert!(
                            order.price_paid_minor <= 5_000,
                            "the food cap: {}",
                            order.price_paid_minor
                        );
                        assert!(order.credits_minor <= order.offer_price_minor);
                    }
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_thousand_euro_take_back_credit_on_a_yogurt_is_a_free_yogurt_not_a_ten_thousand_euro_order()
 {
    let runtime = runtime();
    let engine = engine_with_claims(&runtime, &[("price", "450"), ("credit", "1000000")]);
    let h = household(true, &["dairy", "claimer"]);
    let decision = engine.decide(&h, &yogurt_need(&h, 1), NOW).await.unwrap();
    let winner = decision.auction.winner().unwrap();
    assert_eq!(winner.brand, "claimer");
    assert_eq!(
        winner.breakdown.money_claims_minor, 450,
        "at most the price"
    );
    assert_eq!(winner.breakdown.net_price_minor, 0);
    let settlement = decision.auction.settlement.as_ref().unwrap();
    // Paid what makes it as good as the runner-up, within the reserve: a
    // few euros, never thousands.
    assert!(settlement.price_paid_minor <= 550, "{settlement:?}");
    assert_bounded(&decision);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_from_a_catalog_changed_to_extreme_values_are_invalid_output_and_set_no_price() {
    let runtime = runtime();
    for (key, value) in [
        ("credit", "9223372036854775807"),
        ("loyalty", "9223372036854775807"),
        ("deposit", "18446744073709551615"),
        ("price", "9223372036854775807"),
    ] {
        let engine = engine_with_claims(&runtime, &[("price", "1"), (key, value)]);
        let h = household(false, &["dairy", "claimer"]);
        let decision = engine.decide(&h, &yogurt_need(&h, 2), NOW).await.unwrap();
        let claimer = decision
            .auction
            .bidders
            .iter()
            .find(|b| b.brand == "claimer")
            .unwrap();
        assert_eq!(claimer.call, "invalid_output", "{key}={value}");
        assert_eq!(decision.auction.winner().unwrap().brand, "dairy");
        assert_bounded(&decision);
        if let Some(order) = &decision.placement.order {
            assert!(
                order.price_paid_minor < 1_000,
                "{key}: {}",
                order.price_paid_minor
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unverifiable_quality_claims_are_worth_at_most_the_category_bounds() {
    let runtime = runtime();
    for (warranty, labels) in [("36", ""), ("600", "organic,local,low-carbon"), ("1", "")] {
        let engine = engine_with_claims(
            &runtime,
            &[
                ("price", "500"),
                ("warranty", warranty),
                ("repair", warranty),
                ("labels", labels),
            ],
        );
        let mut h = household(false, &["dairy", "claimer"]);
        for label in ["organic", "local", "low-carbon"] {
            h.preferences.labels.insert(label.into(), 500);
        }
        let decision = engine.decide(&h, &yogurt_need(&h, 3), NOW).await.unwrap();
        assert_bounded(&decision);
        let limits = decision.auction.limits.clone().unwrap();
        assert!(limits.quality_cap_minor <= 300, "food's bound");
        if let Some(order) = &decision.placement.order {
            // The runner-up asks 4.40: at most the food bound more.
            assert!(
                order.price_paid_minor <= 440 + 300,
                "{}",
                order.price_paid_minor
            );
        }
    }
}

/// Strings that try to read as the platform's own words, or to hide,
/// reorder or colour text.
const FORGERIES: &[&str] = &[
    "Yogurt\nDecision: declined — no acceptable offer.",
    "Yogurt\r\nWinner: someone else — at 0.01 EUR",
    "\u{202E}tsrif\u{202C} \u{200B}free\u{2066}yogurt\u{2069}",
    "\u{1b}[31mURGENT\u{1b}[0m approve now",
    "<script>alert('x')</script><b>Vitrine recommends</b>",
    "Yogurt\u{2028}Price: 0.00 EUR\u{2029}Decision: ordered automatically",
    "\u{feff}\u{200d}\u{85}Need: nothing\u{9b}",
];

fn is_platform_line(line: &str) -> bool {
    [
        "Need: ",
        "Shared with ",
        "No brand serves",
        "Winner: ",
        "Runner-up: ",
        "No acceptable offer.",
        "Price: ",
        "Limits: ",
        "Decision: ",
    ]
    .iter()
    .any(|prefix| line.starts_with(prefix))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugin_text_can_never_make_a_line_that_reads_as_the_platforms() {
    let runtime = runtime();
    for forged in FORGERIES {
        for key in ["title", "message", "advice", "detail"] {
            let engine = engine(1);
            let dairy = Sample::named("dairy").unwrap();
            engine.register("dairy", PluginBidder::new(dairy.load(&runtime).unwrap()));
            engine.register(
                "forger",
                PluginBidder::new(hostile_with(
                    &runtime,
                    hostile::TEXT_FORGER,
                    &[("sku.FORGED-1", "forged"), (key, forged), ("log", forged)],
                )),
            );
            let h = household(true, &["dairy", "forger"]);
            let decision = engine.decide(&h, &yogurt_need(&h, 4), NOW).await.unwrap();
            let text = &decision.explanation.text;
            for line in text.lines() {
                assert!(is_platform_line(line), "{key}: a forged line: {line:?}");
                assert!(
                    line.chars().all(|c| !c.is_control()),
                    "{key}: a control character in {line:?}"
                );
            }
            assert_eq!(
                text.lines().filter(|l| l.starts_with("Decision: ")).count(),
                1,
                "{text}"
            );
            let json = serde_json::to_string(&decision).unwrap();
            for bad in [
                '\u{202E}', '\u{200B}', '\u{1b}', '\u{2028}', '\u{feff}', '\u{9b}',
            ] {
                assert!(!json.contains(bad), "{key}: {bad:?} was stored");
            }
            for offer in &decision.auction.scored {
                assert!(text::is_normal(&offer.offer.title));
                assert!(offer.offer.message.as_deref().is_none_or(text::is_normal));
            }
            for bidder in &decision.auction.bidders {
                if let Some(LossReason::NoBid { detail: Some(d) }) = &bidder.loss {
                    assert!(text::is_normal(d) && text::chars(d) <= 200, "{d:?}");
                }
            }
        }
    }
}

#[test]
fn a_plugins_log_lines_and_errors_are_normalised_before_anyone_reads_them() {
    let runtime = runtime();
    for forged in FORGERIES {
        let plugin = hostile_with(
            &runtime,
            hostile::TEXT_FORGER,
            &[("detail", &forged.repeat(50)), ("log", forged)],
        );
        let report = plugin.call(&request("food/dairy/yogurt", 8));
        for entry in &report.log.entries {
            assert!(text::is_normal(&entry.message), "{:?}", entry.message);
        }
        match report.outcome {
            Err(CallError::PluginError(e)) => {
                let detail = e.to_string();
                assert!(!detail.chars().any(char::is_control), "{detail:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sku_the_catalog_does_not_declare_never_reaches_an_order_or_the_brand() {
    let runtime = runtime();
    let engine = engine(1);
    engine.register(
        "smuggler",
        PluginBidder::new(hostile_with(
            &runtime,
            hostile::SKU_SMUGGLER,
            &[("price", "300")],
        )),
    );
    let h = household(false, &["smuggler"]);
    let decision = engine.decide(&h, &yogurt_need(&h, 5), NOW).await.unwrap();
    assert!(decision.placement.order.is_none());
    let smuggler = &decision.auction.bidders[0];
    match &smuggler.loss {
        Some(LossReason::InvalidOffers { rejected }) => {
            assert!(
                rejected
                    .iter()
                    .all(|(_, why)| matches!(why, vitrine_types::OfferRejection::UndeclaredSku)),
                "{rejected:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_way_of_making_the_host_copy_is_charged_to_fuel_until_it_runs_out() {
    let runtime = vitrine_testkit::runtime_unhurried();
    let payload = "p".repeat(500 << 10);
    for (mode, bytes) in [
        ("log", "131000"),
        ("log", "1"),
        ("catalog", "0"),
        ("stdout", "65536"),
        ("stderr", "4096"),
    ] {
        let plugin = hostile_with(
            &runtime,
            hostile::HOST_BURNER,
            &[("mode", mode), ("bytes", bytes), ("payload", &payload)],
        );
        let report = plugin.call(&request("food/dairy/yogurt", 1));
        // Out of fuel, deterministically: before, copying for it was free
        // and it ran to the wall-clock deadline.
        assert!(
            matches!(report.outcome, Err(CallError::OutOfFuel { .. })),
            "{mode}/{bytes}: {:?}",
            report.outcome
        );
        assert!(report.host_fuel > 0, "{mode}: host work was charged");
        // The documented bound: the budget, plus the one crossing that ran
        // over it (at most a transfer or the whole catalog, and its fee).
        let limits = runtime.limits();
        let one_crossing = limits.transfer_bytes.max(limits.catalog_bytes) as u64
            + vitrine_runtime::metering::FUEL_PER_CROSSING;
        assert!(
            report.host_fuel <= limits.fuel + one_crossing,
            "{mode}: {} charged",
            report.host_fuel
        );
    }
}

#[test]
fn host_work_is_charged_even_when_an_epoch_tick_lands_inside_an_import() {
    // With a tick every 20 µs, epoch callbacks keep landing inside the
    // plugin's allocator while an import's result is being lowered, after
    // the import counted its bytes: the charge must still stick (it is made
    // when the import returns, not in the nested runtime call).
    let runtime = Runtime::new(Limits {
        epoch_tick: Duration::from_micros(20),
        deadline: Duration::from_secs(2),
        ..Limits::default()
    })
    .unwrap();
    let payload = "p".repeat(500 << 10);
    let plugin = hostile_with(
        &runtime,
        hostile::HOST_BURNER,
        &[("mode", "catalog"), ("bytes", "0"), ("payload", &payload)],
    );
    let limits = runtime.limits();
    // The one crossing that runs over: the key and the payload, and its fee.
    let one_crossing = (payload.len() + 16) as u64 + vitrine_runtime::metering::FUEL_PER_CROSSING;
    for _ in 0..5 {
        let report = plugin.call(&request("food/dairy/yogurt", 1));
        assert!(
            matches!(report.outcome, Err(CallError::OutOfFuel { .. })),
            "{:?}",
            report.outcome
        );
        // Every tick is a crossing too; each fee is at most FUEL_PER_CROSSING.
        let ticks = (report.wall_time.as_micros() / 20 + 2) as u64;
        assert!(
            report.host_fuel
                <= limits.fuel
                    + one_crossing
                    + ticks * vitrine_runtime::metering::FUEL_PER_CROSSING,
            "{} charged in {:?}",
            report.host_fuel,
            report.wall_time
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_behaved_plugin_sharing_a_loaded_machine_with_a_heavy_one_is_never_suspended() {
    // A short deadline and 48 auctions at once on two cores: calls are
    // starved of CPU and some time out. The dairy's must not count against
    // it; the looper's own failures suspend it.
    let runtime = Runtime::new(Limits {
        deadline: Duration::from_millis(5),
        ..Limits::default()
    })
    .unwrap();
    let dairy = Sample::named("dairy").unwrap();
    let honest = dairy.load(&runtime).unwrap();
    let looper = hostile_with(&runtime, hostile::LOOPER, &[]);
    let burner = hostile_with(&runtime, hostile::HOST_BURNER, &[("bytes", "131000")]);
    let runtime = Arc::new(runtime);
    for _ in 0..4 {
        let mut rounds = Vec::new();
        for _ in 0..48 {
            let calls = vec![
                FanOutCall {
                    plugin: honest.clone(),
                    request: dairy.request(),
                },
                FanOutCall {
                    plugin: looper.clone(),
                    request: request("food/dairy/yogurt", 1),
                },
                FanOutCall {
                    plugin: burner.clone(),
                    request: request("food/dairy/yogurt", 1),
                },
            ];
            let deadlines = runtime.default_deadlines();
            rounds.push(tokio::spawn(fan_out(calls, deadlines)));
        }
        for round in rounds {
            round.await.unwrap();
        }
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        !honest.health_status().suspended,
        "{:?}",
        honest.health_status()
    );
    assert!(looper.health_status().suspended || looper.health_status().failures_in_a_row > 0);
    assert!(burner.health_status().suspended || burner.health_status().failures_in_a_row > 0);
}

#[test]
fn a_plugin_that_works_through_its_deadline_is_charged_its_cpu_time_a_quick_one_its_wall_time() {
    // The CPU clock is read only by calls that outlive a tick (see
    // `runtime::clock`): a looper's timeout carries the CPU it burned, enough
    // to be blamed; a quick call reports no more than its wall time.
    let runtime = Runtime::new(Limits {
        deadline: Duration::from_millis(40),
        fuel: 1 << 40,
        ..Limits::default()
    })
    .unwrap();
    let looper = hostile_with(&runtime, hostile::LOOPER, &[]);
    let report = looper.call(&request("food/dairy/yogurt", 1));
    assert!(matches!(report.outcome, Err(CallError::Timeout { .. })));
    assert!(
        report.cpu_time >= Duration::from_millis(10),
        "a looper that ran 40 ms reports {:?} of CPU",
        report.cpu_time
    );
    assert!(report.cpu_time <= report.wall_time + Duration::from_millis(2));
    let dairy = Sample::named("dairy").unwrap();
    let honest = dairy.load(&runtime).unwrap();
    let report = honest.call(&dairy.request());
    assert!(report.outcome.is_ok());
    assert!(report.cpu_time <= report.wall_time);
}

#[test]
fn integers_at_the_edges_of_their_types_are_invalid_output_naming_the_field() {
    let runtime = runtime();
    let u64_max = u64::MAX.to_string();
    let i64_over = (i64::MAX as u64 + 1).to_string();
    let u16_max = u16::MAX.to_string();
    for (key, value, field) in [
        ("price", u64_max.as_str(), "price_minor"),
        ("price", i64_over.as_str(), "price_minor"),
        ("credit", u64_max.as_str(), "take_back"),
        ("loyalty", i64_over.as_str(), "loyalty"),
        ("deposit", "1000000001", "returnable_packaging"),
        ("delivery", u16_max.as_str(), "delivery_days"),
        ("warranty", u16_max.as_str(), "warranty_months"),
        ("repair", "121", "repair_months"),
        ("rental", u16_max.as_str(), "rental_days"),
        ("period", u16_max.as_str(), "period_days"),
    ] {
        let plugin = hostile_with(&runtime, hostile::EDGE_INTEGERS, &[(key, value)]);
        let report = plugin.call(&request("food/dairy/yogurt", 8));
        match &report.outcome {
            Err(CallError::InvalidOutput { reason }) => {
                assert!(reason.contains(field), "{key}={value}: {reason}");
            }
            other => panic!("{key}={value}: {other:?}"),
        }
    }
    // Within the ranges, the same fixture answers.
    let plugin = hostile_with(&runtime, hostile::EDGE_INTEGERS, &[("price", "1000000000")]);
    assert!(
        plugin
            .call(&request("food/dairy/yogurt", 8))
            .outcome
            .is_ok()
    );
    // A quantity of u32::MAX is a wrong quantity, not a wrapped one.
    let plugin = hostile_with(
        &runtime,
        hostile::EDGE_INTEGERS,
        &[("quantity", &u32::MAX.to_string()), ("sku.EDGE-1", "x")],
    );
    let offers = plugin
        .call(&request("food/dairy/yogurt", 8))
        .outcome
        .unwrap();
    let rejection =
        vitrine_types::check_offer(&request("food/dairy/yogurt", 8), &offers[0], &|_| true);
    assert!(matches!(
        rejection,
        Err(vitrine_types::OfferRejection::QuantityOutOfRange { .. })
    ));
}

#[test]
fn a_need_of_the_largest_quantity_is_bucketed_without_wrapping() {
    use vitrine_core::minimiser::ROUND_DOWN_SHARE;
    for amount in [u32::MAX, u32::MAX - 1, 7_501, 1_000_000] {
        let q = vitrine_core::minimiser::bucket(Quantity {
            amount,
            unit: Unit::Millilitre,
        });
        // Up to the next bucket, or down to one within a tenth (a volume
        // just above a bucket): never wrapped to something small.
        assert!(
            f64::from(q.amount) >= f64::from(amount) * (1.0 - ROUND_DOWN_SHARE),
            "{amount} → {}",
            q.amount
        );
        assert_eq!(q.amount % 7_500, 0, "{amount} → {}", q.amount);
    }
    let _ = Day(0);
}

#[test]
fn texts_are_limited_in_characters_so_280_four_byte_characters_are_a_valid_message() {
    let runtime = runtime();
    let emoji = "😀".repeat(280);
    let title = "é".repeat(120);
    let plugin = hostile_with(
        &runtime,
        hostile::TEXT_FORGER,
        &[
            ("sku.FORGED-1", "x"),
            ("message", &emoji),
            ("title", &title),
            ("advice", &emoji),
        ],
    );
    let request = request("food/dairy/yogurt", 1);
    let offers = plugin.call(&request).outcome.expect("a valid answer");
    assert_eq!(text::chars(offers[0].message.as_deref().unwrap()), 280);
    assert_eq!(
        vitrine_types::check_offer(&request, &offers[0], &|s| plugin.catalog().declares_sku(s)),
        Ok(())
    );
    // One character more, and the SDK cuts it (the contract's unit is the
    // character, in the SDK as in the host).
    let longer = "😀".repeat(281);
    let plugin = hostile_with(
        &runtime,
        hostile::TEXT_FORGER,
        &[("sku.FORGED-1", "x"), ("message", &longer)],
    );
    let offers = plugin.call(&request).outcome.expect("cut, not refused");
    assert_eq!(text::chars(offers[0].message.as_deref().unwrap()), 280);
}
