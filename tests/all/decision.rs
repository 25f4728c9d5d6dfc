//! The automated purchase decision end to end: simulated households, the
//! needs engine, the minimiser, the auction over real sample plugins, the
//! mandates with the ledger, explanations and what brands learn.

use std::collections::BTreeSet;
use std::sync::Arc;
use vitrine_service::platform::PluginBidder;

use vitrine_core::auction::LossReason;
use vitrine_core::decision::DecisionError;
use vitrine_core::household::{DataField, Household};
use vitrine_core::mandate::{
    Budget, Mandate, MandateDecision, MandateRule, OrderError, OrderStatus, Period,
};
use vitrine_core::needs::Need;
use vitrine_sim::scenario::{demo_start, family, opted_in, student};
use vitrine_testkit::{
    engine, engine_with_samples, hostile, load_hostile, needs_at, runtime, runtime_with_deadline,
};
use vitrine_types::NeedKind;
use vitrine_types::time::{Day, Timestamp};

/// A family after two weeks of life, living on from the start day until
/// the evening the needs engine raises a replenishment need that `wanted`
/// accepts; returns the household, those needs, and that evening.
fn family_needs_where(wanted: impl Fn(&Need) -> bool) -> (Household, Vec<Need>, Timestamp) {
    let mut resident = family("family-test", 11);
    resident.warm_up(demo_start(), 14);
    let mut day = demo_start();
    loop {
        resident.live(day);
        let now = Timestamp::at(day, 21);
        let needs: Vec<Need> = needs_at(&resident.household, now)
            .into_iter()
            .filter(|n| n.kind == NeedKind::Replenishment && wanted(n))
            .collect();
        if !needs.is_empty() {
            return (resident.household, needs, now);
        }
        day = day.plus(1);
        assert!(
            day.since(demo_start()) < 28,
            "a family of four runs short within four weeks"
        );
    }
}

fn family_with_needs() -> (Household, Vec<Need>, Timestamp) {
    family_needs_where(|_| true)
}

/// `n` distinct needs cloned from `need` (same category, distinct ids).
fn copies(need: &Need, n: usize) -> Vec<Need> {
    (0..n)
        .map(|i| Need {
            id: format!("{}-{i}", need.id),
            ..need.clone()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn family_needs_become_explained_decisions_with_a_winner_a_price_and_a_mandate_outcome() {
    let runtime = runtime();
    let engine = engine_with_samples(&runtime, 1);
    let (household, needs, now) = family_with_needs();
    for need in &needs {
        let decision = engine
            .decide(&household, need, now)
            .await
            .expect("decision");
        let winner = decision
            .auction
            .winner()
            .expect("a sample brand serves every family need");
        let settlement = decision.auction.settlement.as_ref().unwrap();
        assert!(settlement.price_paid_minor >= settlement.offer_price_minor);
        assert_eq!(settlement.offer_price_minor, winner.offer.price_minor);
        // First order from a brand the family never bought from: asked.
        assert_eq!(
            decision.outcome(),
            MandateDecision::AwaitingApproval,
            "{:?}",
            decision.placement.rule
        );
        assert!(
            matches!(decision.placement.rule, MandateRule::NewBrand { .. }),
            "{:?}",
            decision.placement.rule
        );
        let order = decision
            .placement
            .order
            .as_ref()
            .expect("an order awaits approval");
        assert_eq!(order.status, OrderStatus::AwaitingApproval);
        assert_eq!(order.brand, winner.brand);
        let text = &decision.explanation.text;
        assert!(text.contains(&need.category), "{text}");
        assert!(text.contains(&winner.brand), "{text}");
        assert!(decision.explanation.winner.is_some());
        assert!(decision.explanation.price.is_some());
        // Every brand asked appears in the explanation's shared fields.
        assert_eq!(decision.explanation.shared.len(), decision.requests.len());
        // Structured form round-trips.
        let json = serde_json::to_string(&decision.explanation).unwrap();
        let back: vitrine_core::explain::Explanation = serde_json::from_str(&json).unwrap();
        assert_eq!(back, decision.explanation);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn milk_goes_to_the_better_scoring_brand_and_the_runner_up_is_told_it_was_outbid() {
    let runtime = runtime();
    let engine = engine_with_samples(&runtime, 1);
    let (household, needs, now) = family_needs_where(|n| n.category == "food/dairy/milk");
    let milk = &needs[0];
    let decision = engine.decide(&household, milk, now).await.unwrap();
    let brands: BTreeSet<&str> = decision
        .auction
        .bidders
        .iter()
        .map(|b| b.brand.as_str())
        .collect();
    assert_eq!(
        brands,
        BTreeSet::from(["dairy", "farm-coop"]),
        "only brands declaring milk are asked"
    );
    let winner = decision.auction.winner().unwrap();
    let runner_up = decision
        .auction
        .runner_up()
        .expect("two brands bid on milk");
    assert_ne!(winner.brand, runner_up.brand);
    assert!(winner.breakdown.score >= runner_up.breakdown.score);
    let loser = decision
        .auction
        .bidders
        .iter()
        .find(|b| b.brand == runner_up.brand)
        .unwrap();
    assert!(
        matches!(loser.loss, Some(LossReason::Outbid { .. })),
        "{:?}",
        loser.loss
    );
    let price = decision.explanation.price.as_ref().unwrap();
    assert_eq!(price.runner_up_score, Some(runner_up.breakdown.score));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exact_request_a_plugin_receives_carries_no_identifier_event_signal_or_unconsented_field()
 {
    let runtime = runtime();
    let engine = engine(1);
    engine.register(
        "recorder",
        PluginBidder::new(load_hostile(&runtime, hostile::RECORDER)),
    );
    engine.register(
        "recorder-2",
        PluginBidder::new(load_hostile(&runtime, hostile::RECORDER)),
    );
    let mut resident = opted_in("couple-secret-id-4711", 3);
    // Region shared; budget and labels not consented; signals consented
    // (they must still never leave the household).
    resident.household.consents.withdraw(DataField::Labels);
    resident.household.consents.withdraw(DataField::Budget);
    resident
        .household
        .preferences
        .labels
        .insert("vegan".into(), 90);
    resident
        .household
        .calendar
        .children
        .push(vitrine_core::household::Child {
            id: "child-named-zoe".into(),
            school_level: vitrine_core::household::SchoolLevel::Primary,
        });
    resident.warm_up(demo_start(), 14);
    // 4 August 2026 is a Tuesday: stressful evening, desire at 22:00.
    let tuesday = Day::from_ymd(2026, 8, 4).unwrap();
    for d in 0..=tuesday.since(demo_start()) {
        resident.live(demo_start().plus(d));
    }
    let household = resident.household;
    let now = Timestamp::at(tuesday, 22);
    let needs = needs_at(&household, now);
    assert!(
        needs.iter().any(|n| n.kind == NeedKind::Desire),
        "the stressful evening raises a desire"
    );
    let mut ids = BTreeSet::new();
    for need in &needs {
        let decision = engine.decide(&household, need, now).await.unwrap();
        for (brand, minimised) in &decision.requests {
            let received = decision
                .auction
                .bidders
                .iter()
                .find(|b| &b.brand == brand)
                .and_then(|b| match &b.loss {
                    Some(LossReason::NoBid { detail: Some(d) }) => Some(d.clone()),
                    _ => None,
                })
                .expect("the recorder echoes its request");
            // What the plugin saw is what the decision recorded as sent.
            assert!(
                received.contains(&minimised.request.request_id),
                "{received}"
            );
            assert!(received.contains(&need.category), "{received}");
            assert!(received.contains("r=FR/69 "), "{received}");
            assert!(
                ids.insert(minimised.request.request_id.clone()),
                "request ids are never reused"
            );
            let forbidden: Vec<String> = [
                household.id.0.clone(),
                "secret".into(),
                "4711".into(),
                "69001".into(),
                "child-named-zoe".into(),
                "stress".into(),
                "Stress".into(),
                "vegan".into(),
                "fair-trade".into(),
                "Desire".into(),
                need.id.clone(),
            ]
            .into_iter()
            .chain(household.events.iter().map(|e| e.at.0.to_string()))
            .chain(household.signals.iter().map(|s| s.at.0.to_string()))
            .collect();
            // The random request id is checked above; a secret that only
            // appears inside its hex digits (say "4711") is chance, not a leak.
            let without_id = received.replace(&minimised.request.request_id, "<request id>");
            assert!(
                without_id.contains(" b=- ") && without_id.contains(" l= "),
                "{received}"
            );
            for secret in &forbidden {
                assert!(
                    !without_id.contains(secret.as_str()),
                    "{secret:?} reached a plugin: {received}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_reach_brands_only_with_consent_and_k_households_sharing_them() {
    let runtime = runtime();
    let (household, needs, now) = family_with_needs();
    let need = &needs[0];
    // k = 3: the family alone is not enough, the label is dropped.
    let strict = engine(3);
    strict.register(
        "recorder",
        PluginBidder::new(load_hostile(&runtime, hostile::RECORDER)),
    );
    let decision = strict.decide(&household, need, now).await.unwrap();
    let sent = &decision.requests[0].1;
    assert!(sent.request.labels.is_empty());
    assert!(
        sent.withheld
            .iter()
            .any(|w| matches!(w, vitrine_core::minimiser::Withheld::Generalised { .. })),
        "{:?}",
        sent.withheld
    );
    // Two more households with the same liked labels: now three share them.
    for other in ["family-b", "family-c"] {
        let mut h = household.clone();
        h.id = vitrine_core::household::HouseholdId(other.into());
        let mut n = need.clone();
        n.household = h.id.clone();
        n.id = format!("{}-{other}", need.id);
        strict.decide(&h, &n, now).await.unwrap();
    }
    let mut again = need.clone();
    again.id = format!("{}-again", need.id);
    let decision = strict.decide(&household, &again, now).await.unwrap();
    assert!(
        !decision.requests[0].1.request.labels.is_empty(),
        "{:?}",
        decision.requests[0].1.withheld
    );
    // Without consent, never, whatever k.
    let mut private = household.clone();
    private.consents.withdraw(DataField::Labels);
    let mut third = need.clone();
    third.id = format!("{}-third", need.id);
    let decision = strict.decide(&private, &third, now).await.unwrap();
    assert!(decision.requests[0].1.request.labels.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_decisions_for_one_household_never_exceed_its_weekly_budget() {
    let runtime = runtime();
    let engine = Arc::new(engine_with_samples(&runtime, 1));
    let (mut household, needs, now) = family_with_needs();
    // The price of one order, learnt on a separate engine; the budget holds
    // three and a half of them.
    let probe = engine_with_samples(&runtime, 1)
        .decide(&household, &needs[0], now)
        .await
        .unwrap();
    let price = probe.auction.settlement.as_ref().unwrap().price_paid_minor;
    let limit = price * 7 / 2;
    let mut mandate = Mandate::new("groceries", &["food"]);
    mandate.new_brand_asks = false;
    mandate.budgets = vec![Budget {
        period: Period::Week,
        limit_minor: limit,
    }];
    household.mandates = vec![mandate];
    let household = Arc::new(household);
    let tasks: Vec<_> = copies(&needs[0], 40)
        .into_iter()
        .map(|need| {
            let engine = engine.clone();
            let household = household.clone();
            tokio::spawn(async move { engine.decide(&household, &need, now).await })
        })
        .collect();
    let mut ordered = 0;
    let mut over_budget = 0;
    for task in tasks {
        let decision = task.await.unwrap().unwrap();
        match decision.outcome() {
            MandateDecision::Ordered => ordered += 1,
            _ => {
                assert!(
                    matches!(decision.placement.rule, MandateRule::OverBudget { .. }),
                    "{:?}",
                    decision.placement.rule
                );
                over_budget += 1;
            }
        }
    }
    let orders = engine.orders().orders(&household.id);
    let spent: u64 = orders
        .iter()
        .filter(|o| o.status.spends())
        .map(|o| o.price_paid_minor)
        .sum();
    assert!(spent <= limit, "spent {spent} of {limit}");
    assert_eq!(
        spent,
        engine.orders().spent(
            &household.id,
            &household.mandates[0],
            Period::Week,
            now.day()
        )
    );
    assert!(
        ordered >= 1 && over_budget >= 1,
        "ordered {ordered}, over budget {over_budget}"
    );
    assert_eq!(orders.iter().filter(|o| o.status.spends()).count(), ordered);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_need_never_gets_two_orders_even_when_decided_concurrently() {
    let runtime = runtime();
    let engine = Arc::new(engine_with_samples(&runtime, 1));
    let (household, needs, now) = family_with_needs();
    let household = Arc::new(household);
    let need = needs[0].clone();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (engine, household, need) = (engine.clone(), household.clone(), need.clone());
            tokio::spawn(async move { engine.decide(&household, &need, now).await })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(DecisionError::Order(OrderError::DuplicateNeed { need_id, .. })) => {
                assert_eq!(need_id, need.id)
            }
            Err(other) => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(engine.orders().orders(&household.id).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_awaiting_approval_can_be_approved_then_cancelled_inside_the_window_only() {
    let runtime = runtime();
    let engine = engine_with_samples(&runtime, 1);
    let (household, needs, now) = family_with_needs();
    let first = engine.decide(&household, &needs[0], now).await.unwrap();
    let order = first.placement.order.unwrap();
    assert_eq!(order.status, OrderStatus::AwaitingApproval);
    let approved = engine
        .orders()
        .approve(&household.id, &order.id, now.plus_hours(1))
        .unwrap();
    assert_eq!(approved.status, OrderStatus::Placed);
    assert!(approved.approved_by_household);
    // Approving twice is refused with the status.
    assert!(matches!(
        engine
            .orders()
            .approve(&household.id, &order.id, now.plus_hours(2)),
        Err(OrderError::WrongStatus { .. })
    ));
    let cancelled = engine
        .orders()
        .cancel(&household.id, &order.id, now.plus_hours(10))
        .unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);

    // Another need: approve, then try to cancel after the 24 h window.
    let mut second_need = needs[0].clone();
    second_need.id = format!("{}-b", second_need.id);
    let second = engine.decide(&household, &second_need, now).await.unwrap();
    let order = second.placement.order.unwrap();
    engine
        .orders()
        .approve(&household.id, &order.id, now)
        .unwrap();
    assert!(matches!(
        engine
            .orders()
            .cancel(&household.id, &order.id, now.plus_hours(25)),
        Err(OrderError::TooLate { .. })
    ));
    assert_eq!(
        engine.orders().dispatch_due(now.plus_hours(25), 24).len(),
        1
    );

    // On a fresh engine (the brand is new again, so it asks): declined;
    // another household cannot touch it.
    let engine = engine_with_samples(&runtime, 1);
    let third = engine.decide(&household, &needs[0], now).await.unwrap();
    let order = third.placement.order.unwrap();
    let stranger = vitrine_core::household::HouseholdId("someone-else".into());
    assert!(matches!(
        engine.orders().decline(&stranger, &order.id, now),
        Err(OrderError::NotFound(_))
    ));
    assert_eq!(
        engine
            .orders()
            .decline(&household.id, &order.id, now)
            .unwrap()
            .status,
        OrderStatus::Declined
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_brand_that_did_not_win_gets_a_loss_reason() {
    let runtime = runtime();
    let short = runtime_with_deadline(std::time::Duration::from_millis(20));
    let engine = engine_with_samples(&runtime, 1);
    engine.register(
        "looper",
        PluginBidder::new(load_hostile(&short, hostile::LOOPER)),
    );
    engine.register(
        "panicker",
        PluginBidder::new(load_hostile(&runtime, hostile::PANICKER)),
    );
    engine.register(
        "invalid",
        PluginBidder::new(load_hostile(&runtime, hostile::INVALID_VALUES)),
    );
    engine.register(
        "recorder",
        PluginBidder::new(load_hostile(&runtime, hostile::RECORDER)),
    );
    engine.register(
        "blocked-dairy",
        PluginBidder::new(
            vitrine_sim::samples::Sample::named("dairy")
                .unwrap()
                .load(&runtime)
                .unwrap(),
        ),
    );
    engine.register(
        "pricey-dairy",
        PluginBidder::new(
            vitrine_sim::samples::Sample::named("dairy")
                .unwrap()
                .load(&runtime)
                .unwrap(),
        ),
    );
    let (mut household, needs, now) = family_needs_where(|n| n.category.starts_with("food/dairy"));
    let need = &needs[0];
    household
        .preferences
        .blocked_brands
        .insert("blocked-dairy".into());
    let decision = engine.decide(&household, need, now).await.unwrap();
    let winner = decision.auction.winner().unwrap().brand.clone();
    for outcome in &decision.auction.bidders {
        if outcome.brand == winner {
            assert!(outcome.loss.is_none());
            continue;
        }
        let loss = outcome
            .loss
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no loss reason", outcome.brand));
        let expected = match outcome.brand.as_str() {
            "looper" => matches!(loss, LossReason::Timeout | LossReason::PluginFailed { .. }),
            "panicker" => matches!(loss, LossReason::PluginFailed { error } if error == "trap"),
            "invalid" => {
                matches!(loss, LossReason::InvalidOffers { rejected } if !rejected.is_empty())
            }
            "recorder" => matches!(loss, LossReason::NoBid { detail: Some(_) }),
            "blocked-dairy" => matches!(loss, LossReason::Blocked),
            _ => matches!(loss, LossReason::Outbid { .. }),
        };
        assert!(expected, "{}: {loss:?}", outcome.brand);
        assert!(
            decision
                .explanation
                .losses
                .iter()
                .any(|(b, _)| b == &outcome.brand)
        );
    }
    // A budget cap below every offer: every brand over budget, nothing ordered.
    household.preferences.blocked_brands.clear();
    household.preferences.budget_caps.insert("food".into(), 1);
    let mut capped = need.clone();
    capped.id = format!("{}-capped", need.id);
    let decision = engine.decide(&household, &capped, now).await.unwrap();
    assert!(decision.auction.winner().is_none());
    assert_eq!(decision.outcome(), MandateDecision::Declined);
    assert!(decision.placement.order.is_none());
    assert!(
        decision
            .auction
            .bidders
            .iter()
            .any(|b| matches!(b.loss, Some(LossReason::OverBudget { cap_minor: 1, .. }))),
        "{:?}",
        decision.auction.bidders
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desire_is_always_asked_even_under_a_generous_mandate() {
    let runtime = runtime();
    let engine = engine_with_samples(&runtime, 1);
    let mut resident = opted_in("couple", 5);
    let mut mandate = Mandate::new("everything", &["food"]);
    mandate.new_brand_asks = false;
    resident.household.mandates = vec![mandate];
    let thursday = Day::from_ymd(2026, 8, 6).unwrap();
    for d in 0..=thursday.since(demo_start()) {
        resident.live(demo_start().plus(d));
    }
    let now = Timestamp::at(thursday, 22);
    let desire = needs_at(&resident.household, now)
        .into_iter()
        .find(|n| n.kind == NeedKind::Desire)
        .expect("stressful Thursday evening");
    assert_eq!(desire.category, "food/treats/chocolate");
    let decision = engine
        .decide(&resident.household, &desire, now)
        .await
        .unwrap();
    assert_eq!(decision.auction.winner().unwrap().brand, "chocolatier");
    assert_eq!(decision.outcome(), MandateDecision::AwaitingApproval);
    assert_eq!(decision.placement.rule, MandateRule::DesireAlwaysAsks);
    // The brand is told nothing of an ask, and the request never said
    // "desire" (the household did not consent to share it).
    assert!(engine.reports().notices("chocolatier").is_empty());
    for (_, minimised) in &decision.requests {
        assert_eq!(minimised.request.need, NeedKind::Replenishment);
    }
    // Declined by the household: never a notice either.
    let order = decision.placement.order.unwrap();
    engine
        .orders()
        .decline(&resident.household.id, &order.id, now)
        .unwrap();
    assert!(
        engine
            .orders()
            .dispatch_due(now.plus_hours(100), 24)
            .is_empty()
    );
    assert!(engine.reports().notices("chocolatier").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brands_learn_a_stable_pseudonym_unlinkable_across_brands_and_only_noisy_counts() {
    let runtime = runtime();
    let engine = engine_with_samples(&runtime, 1);
    let mut resident = student("student-x", 2);
    resident.warm_up(demo_start(), 14);
    let mut day = demo_start();
    let mut decided = 0;
    let mut auctions = Vec::new();
    while day.since(demo_start()) < 21 {
        resident.live(day);
        let now = Timestamp::at(day, 21);
        // Orders placed yesterday are final now: their brands are told.
        engine.dispatch_due(now);
        for need in needs_at(&resident.household, now) {
            if let Ok(decision) = engine.decide(&resident.household, &need, now).await {
                auctions.push(decision.auction.clone());
                if let Some(order) = &decision.placement.order {
                    resident.deliver(
                        &need.category,
                        order_quantity(&decision),
                        unit(&decision),
                        order.price_paid_minor,
                        &order.brand,
                        now,
                    );
                }
                decided += 1;
            }
        }
        day = day.plus(1);
    }
    assert!(
        decided >= 2,
        "a student runs out of milk or bread in three weeks"
    );
    let by_brand: Vec<(String, Vec<String>)> = ["dairy", "farm-coop"]
        .iter()
        .map(|b| {
            (
                b.to_string(),
                engine
                    .reports()
                    .notices(b)
                    .into_iter()
                    .map(|n| n.household_pseudonym)
                    .collect(),
            )
        })
        .collect();
    let mut all = BTreeSet::new();
    for (brand, pseudonyms) in &by_brand {
        let distinct: BTreeSet<_> = pseudonyms.iter().collect();
        assert!(distinct.len() <= 1, "{brand} sees one stable pseudonym");
        all.extend(distinct.into_iter().cloned());
        assert!(!pseudonyms.iter().any(|p| p.contains("student")));
    }
    let winners = by_brand.iter().filter(|(_, p)| !p.is_empty()).count();
    assert_eq!(
        all.len(),
        winners,
        "two brands never see the same pseudonym"
    );
    assert!(winners >= 1, "a final order was notified");
    // Reports are noisy counts, each cell suppressed under the threshold.
    let id = resident.household.id.clone();
    let tally = engine
        .reports()
        .tally("farm-coop", auctions.iter().map(|a| (&id, a)));
    let report = engine
        .reports()
        .release("farm-coop", day, &tally, 1.0)
        .unwrap();
    assert!(
        report
            .cells
            .values()
            .all(|c| c.is_none_or(|v| v >= report.suppressed_below))
    );
}

fn order_quantity(decision: &vitrine_core::decision::Decision) -> u32 {
    decision
        .auction
        .winner()
        .map_or(0, |w| w.offer.quantity.amount)
}

fn unit(decision: &vitrine_core::decision::Decision) -> vitrine_types::Unit {
    decision
        .auction
        .winner()
        .map_or(vitrine_types::Unit::Piece, |w| w.offer.quantity.unit)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_the_household_blocks_is_never_sent_the_request() {
    let runtime = runtime();
    let engine = engine_with_samples(&runtime, 1);
    engine.register(
        "recorder",
        PluginBidder::new(load_hostile(&runtime, hostile::RECORDER)),
    );
    let (mut household, needs, now) = family_with_needs();
    household
        .preferences
        .blocked_brands
        .insert("recorder".into());
    let decision = engine.decide(&household, &needs[0], now).await.unwrap();
    let recorder = decision
        .auction
        .bidders
        .iter()
        .find(|b| b.brand == "recorder")
        .expect("the blocked brand is accounted for");
    assert_eq!(recorder.loss, Some(LossReason::Blocked));
    assert_eq!(recorder.call, vitrine_core::auction::NOT_CALLED);
    assert_eq!(recorder.fuel_used, 0, "its plugin never ran");
    assert!(
        decision
            .requests
            .iter()
            .all(|(brand, _)| brand != "recorder")
    );
    assert!(
        decision
            .explanation
            .shared
            .iter()
            .all(|s| s.brand != "recorder")
    );
    assert!(
        decision.auction.winner().is_some(),
        "the other brands still bid"
    );
}
