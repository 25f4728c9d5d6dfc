//! `vitrine demo`: a month in the life of three households, decided by the
//! real decision core over the embedded sample plugins.
//!
//! A family with two children (yogurt, milk, bread, back to school), a
//! student, and a couple who opted in to context signals live day by day
//! (`scenario`). Every evening at 21:00 the needs engine runs for each; every
//! need goes to the decision engine; the households answer what they are
//! asked the next morning (the family and the student approve, the couple
//! approves a treat on Tuesdays and declines it otherwise); orders become
//! final when their cancel window closes, the winning brand accepts them
//! and delivers them on their delivery day, and the delivery refills the
//! fridge. Deterministic for a given seed.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Serialize;

use std::sync::Arc;

use crate::samples::SAMPLES;
use crate::scenario::{Resident, demo_households, demo_start};
use vitrine_core::decision::{Decision, DecisionConfig};
use vitrine_core::explain::Explanation;
use vitrine_core::mandate::fulfilment::Fulfil;
use vitrine_core::mandate::{MandateDecision, OrderStatus};
use vitrine_core::reports::BrandReport;
use vitrine_service::platform::household::OrderAction;
use vitrine_service::platform::{Clock, NeedRef, Platform, PlatformConfig, Upload};
use vitrine_store::tokens::Principal;
use vitrine_types::time::{Day, Timestamp};
use vitrine_types::{NeedKind, Quantity};

/// The demo's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DemoConfig {
    /// Seed of the households' lives (and of the tie-breaker and noise).
    pub seed: u64,
    /// Days simulated. Default 30.
    pub days: i32,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig { seed: 1, days: 30 }
    }
}

/// One decision, as the demo reports it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoDecision {
    /// The household.
    pub household: String,
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// `replenishment`, `seasonal` or `desire`.
    pub need_kind: NeedKind,
    /// The category.
    pub category: String,
    /// How much was needed.
    pub quantity: Quantity,
    /// Why, in words.
    pub reason: String,
    /// Brands asked.
    pub brands_asked: usize,
    /// Offers that were scored.
    pub offers_scored: usize,
    /// The winning brand.
    pub winner_brand: Option<String>,
    /// What it offered, net of the money it claimed (credits, deposits,
    /// loyalty, which the platform settles), minor units.
    pub offer_price: Option<u64>,
    /// What the household pays, minor units.
    pub price_paid: Option<u64>,
    /// The runner-up (best offer of another brand).
    pub runner_up_brand: Option<String>,
    /// The price rule.
    pub price_rule: Option<String>,
    /// `ordered`, `awaiting_approval` or `declined`.
    pub mandate_outcome: MandateDecision,
    /// What the household answered when asked (`approved`, `declined`).
    pub household_answer: Option<String>,
    /// The full explanation.
    pub explanation: Explanation,
}

/// One brand at the end of the month.
#[derive(Debug, Clone, Serialize)]
pub struct DemoBrand {
    /// The brand.
    pub brand: String,
    /// Orders it was notified of (it sees pseudonyms only).
    pub win_notices: usize,
    /// Distinct households it saw, by pseudonym.
    pub pseudonyms_seen: usize,
    /// Its differentially private report for each day it was asked.
    pub daily_reports: Vec<BrandReport>,
}

/// The whole month.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    /// The settings.
    pub config: DemoConfig,
    /// The first day.
    pub start: String,
    /// Every decision, in order.
    pub decisions: Vec<DemoDecision>,
    /// Every brand's view.
    pub brands: Vec<DemoBrand>,
    /// Spent per household, minor units (orders that spend: placed, final, accepted, shipped, delivered).
    pub spent: BTreeMap<String, u64>,
}

/// What a household answers when asked: the couple approves a treat only on
/// Tuesdays; everything else is approved.
fn answers_yes(household: &str, kind: NeedKind, day: Day) -> bool {
    let tuesday = day.date().weekday() == chrono::Weekday::Tue;
    !(kind == NeedKind::Desire && household.starts_with("couple") && !tuesday)
}

struct Pending {
    category: String,
    quantity: Quantity,
    price_paid: u64,
    brand: String,
}

/// A finished demo: its report, and the platform it ran on (with the
/// temporary database it lives in) for `--serve`.
pub struct DemoRun {
    /// What happened.
    pub report: DemoReport,
    /// The platform, its clock at the end of the month.
    pub platform: Arc<Platform>,
    /// Each household's token (for the API afterwards).
    pub household_tokens: BTreeMap<String, String>,
    /// Each brand's token.
    pub brand_tokens: BTreeMap<String, String>,
    /// The temporary directory holding the database; removed when dropped.
    pub dir: tempfile::TempDir,
}

/// Runs the month and returns its report.
#[cfg(test)]
async fn run_demo(config: DemoConfig) -> anyhow::Result<DemoReport> {
    let run = run_demo_platform(config).await?;
    run.platform.close().await;
    Ok(run.report)
}

/// Runs the month on a platform over a temporary database: the sample
/// brands are created and their plugins uploaded as an operator would, the
/// households created, and every need evaluated, decided, approved or
/// declined through the same methods the HTTP API calls.
pub async fn run_demo_platform(config: DemoConfig) -> anyhow::Result<DemoRun> {
    anyhow::ensure!((1..=366).contains(&config.days), "days must be 1 to 366");
    let dir = tempfile::tempdir()?;
    let mut decision_config = DecisionConfig::default();
    decision_config.auction.seed = config.seed;
    // Three households can never make 50 share a label set: the demo lowers
    // k so that labels are seen to travel (documented in its output).
    decision_config.minimiser.k = 2;
    let start = demo_start();
    let clock = Clock::manual(Timestamp::at(start, 0));
    let platform = Arc::new(
        Platform::open(
            PlatformConfig {
                db: dir.path().join("vitrine.db"),
                decision: decision_config,
                ..PlatformConfig::default()
            },
            clock.clone(),
        )
        .await?,
    );
    let operator = Principal::Operator;
    let mut brand_tokens = BTreeMap::new();
    for sample in SAMPLES {
        let created = platform.create_brand(sample.name, sample.name).await?;
        brand_tokens.insert(sample.name.to_owned(), created.token);
        platform
            .upload_plugin(
                sample.name,
                Upload {
                    wasm: sample.wasm,
                    catalog_json: Some(sample.catalog_json),
                    enable: true,
                },
            )
            .await?;
    }
    let mut residents: Vec<Resident> = demo_households(config.seed);
    let mut household_tokens = BTreeMap::new();
    for resident in &mut residents {
        resident.warm_up(start, 14);
        let created = platform
            .create_household(resident.household.clone())
            .await?;
        household_tokens.insert(resident.household.id.0.clone(), created.token);
    }
    let mut pending: BTreeMap<String, Pending> = BTreeMap::new();
    let mut decisions: Vec<DemoDecision> = Vec::new();
    // What each household's devices have already posted.
    let mut synced: Vec<(usize, usize, usize)> = residents
        .iter()
        .map(|r| {
            (
                r.household.events.len(),
                r.household.inventory.len(),
                r.household.purchases.len(),
            )
        })
        .collect();
    let mut asked: Vec<(usize, String, usize)> = Vec::new(); // (household, order, decision)

    for offset in 0..config.days {
        let day = start.plus(offset);
        clock.set(Timestamp::at(day, 8));
        // Answers to yesterday's questions.
        for (h, order_id, index) in asked.drain(..) {
            let id = residents[h].household.id.0.clone();
            let kind = decisions[index].need_kind;
            let yes = answers_yes(&id, kind, day);
            let action = if yes {
                OrderAction::Approve
            } else {
                OrderAction::Decline
            };
            let as_household = Principal::Household(id.clone());
            if platform
                .order_action(&id, &order_id, action, &as_household)
                .await
                .is_ok()
            {
                decisions[index].household_answer =
                    Some(if yes { "approved" } else { "declined" }.into());
            }
        }
        platform.dispatch_due().await?;
        // The brands' backends: each accepts its final orders, and delivers
        // them on their delivery day (or, if approved late, the day they
        // become final). A delivery raises the household's stock on the
        // platform; the household's own model of its fridge gets it too.
        clock.set(Timestamp::at(day, 10));
        for (h, resident) in residents.iter_mut().enumerate() {
            for order in platform.orders(&resident.household.id.0).await? {
                let as_brand = Principal::Brand(order.brand.clone());
                let mut status = order.status;
                if status == OrderStatus::Final {
                    status = platform
                        .fulfil(&order.brand, &order.id, Fulfil::Accept, &as_brand)
                        .await?
                        .status;
                }
                if status == OrderStatus::Accepted
                    && order.delivery_day <= day
                    && let Some(p) = pending.remove(&order.id)
                {
                    platform
                        .fulfil(&order.brand, &order.id, Fulfil::Deliver(None), &as_brand)
                        .await?;
                    resident.deliver(
                        &p.category,
                        p.quantity.amount,
                        p.quantity.unit,
                        p.price_paid,
                        &p.brand,
                        Timestamp::at(day, 10),
                    );
                    // The platform recorded this purchase at the delivery.
                    synced[h].2 = resident.household.purchases.len();
                }
            }
        }
        clock.set(Timestamp::at(day, 21));
        for (h, resident) in residents.iter_mut().enumerate() {
            resident.live(day);
            let id = resident.household.id.0.clone();
            // The household's devices post the day's events (only what is
            // new), and its context signals.
            let as_household = Principal::Household(id.clone());
            let local = &resident.household;
            let (events, inventory, purchases) = synced[h];
            platform
                .add_events(
                    &id,
                    &as_household,
                    vitrine_store::households::NewEvents {
                        consumption: &local.events[events..],
                        inventory: &local.inventory[inventory..],
                        purchases: &local.purchases[purchases..],
                    },
                )
                .await?;
            synced[h] = (
                local.events.len(),
                local.inventory.len(),
                local.purchases.len(),
            );
            let signals = local.signals.clone();
            platform
                .update_household(&id, &as_household, "household.signals_synced", |h| {
                    h.signals = signals;
                    Ok(())
                })
                .await?;
            for need in platform.evaluate_needs(&id, &operator).await? {
                let decision = match platform
                    .decide(&id, NeedRef::NeedId(need.id.clone()), &operator)
                    .await
                {
                    Ok(decision) => decision,
                    Err(e) => anyhow::bail!("deciding {}: {e}", need.id),
                };
                if let (Some(order), Some(winner)) =
                    (&decision.placement.order, decision.auction.winner())
                {
                    pending.insert(
                        order.id.clone(),
                        Pending {
                            category: need.category.clone(),
                            quantity: winner.offer.quantity,
                            price_paid: order.price_paid_minor,
                            brand: order.brand.clone(),
                        },
                    );
                    if order.status == OrderStatus::AwaitingApproval {
                        asked.push((h, order.id.clone(), decisions.len()));
                    }
                }
                decisions.push(summarise(&decision));
            }
        }
    }

    // Reports are issued for days that have ended.
    clock.set(Timestamp::at(start.plus(config.days), 8));
    let mut brands = Vec::new();
    for bidder in platform.engine().bidders() {
        let notices = platform.engine().reports().notices(&bidder.brand);
        let mut pseudonyms: Vec<&String> = notices.iter().map(|n| &n.household_pseudonym).collect();
        pseudonyms.sort();
        pseudonyms.dedup();
        let mut daily_reports = Vec::new();
        for offset in 0..config.days {
            let day = start.plus(offset);
            let asked_that_day = decisions.iter().any(|d| {
                d.day == day.date().to_string()
                    && d.explanation.shared.iter().any(|s| s.brand == bidder.brand)
            });
            if asked_that_day {
                daily_reports.push(platform.brand_report(&bidder.brand, day).await?);
            }
        }
        brands.push(DemoBrand {
            brand: bidder.brand.clone(),
            win_notices: notices.len(),
            pseudonyms_seen: pseudonyms.len(),
            daily_reports,
        });
    }
    let mut spent = BTreeMap::new();
    for r in &residents {
        let total = platform
            .orders(&r.household.id.0)
            .await?
            .iter()
            .filter(|o| o.status.spends())
            .map(|o| o.price_paid_minor)
            .sum();
        spent.insert(r.household.id.0.clone(), total);
    }
    Ok(DemoRun {
        report: DemoReport {
            config,
            start: start.date().to_string(),
            decisions,
            brands,
            spent,
        },
        platform,
        household_tokens,
        brand_tokens,
        dir,
    })
}

fn summarise(decision: &Decision) -> DemoDecision {
    let settlement = decision.auction.settlement.as_ref();
    DemoDecision {
        household: decision.household.0.clone(),
        day: decision.day.date().to_string(),
        need_kind: decision.need.kind,
        category: decision.need.category.clone(),
        quantity: decision.need.quantity,
        reason: decision.need.reason.summary(),
        brands_asked: decision.requests.len(),
        offers_scored: decision.auction.scored.len(),
        winner_brand: decision.auction.winner().map(|w| w.brand.clone()),
        offer_price: settlement.map(|s| s.net_offer_minor()),
        price_paid: settlement.map(|s| s.price_paid_minor),
        runner_up_brand: decision.auction.runner_up().map(|r| r.brand.clone()),
        price_rule: settlement.map(|s| s.rule.as_str().to_owned()),
        mandate_outcome: decision.outcome(),
        household_answer: None,
        explanation: decision.explanation.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_month_has_every_need_kind_and_mandate_outcome_and_is_reproducible() {
        let config = DemoConfig { seed: 3, days: 30 };
        let report = run_demo(config).await.unwrap();
        let kinds: Vec<NeedKind> = report.decisions.iter().map(|d| d.need_kind).collect();
        for kind in [
            NeedKind::Replenishment,
            NeedKind::Seasonal,
            NeedKind::Desire,
        ] {
            assert!(kinds.contains(&kind), "{kind:?} missing");
        }
        let outcomes: Vec<MandateDecision> =
            report.decisions.iter().map(|d| d.mandate_outcome).collect();
        assert!(outcomes.contains(&MandateDecision::Ordered));
        assert!(outcomes.contains(&MandateDecision::AwaitingApproval));
        for d in &report.decisions {
            if d.need_kind == NeedKind::Desire {
                assert_ne!(
                    d.mandate_outcome,
                    MandateDecision::Ordered,
                    "a desire is never ordered automatically"
                );
            }
            if let (Some(offer), Some(paid)) = (d.offer_price, d.price_paid) {
                assert!(paid >= offer);
            }
        }
        let again = run_demo(config).await.unwrap();
        assert_eq!(
            serde_json::to_value(&report.decisions).unwrap(),
            serde_json::to_value(&again.decisions).unwrap()
        );
    }

    #[tokio::test]
    async fn a_month_of_no_days_or_over_a_year_is_refused() {
        for days in [0, -3, 367] {
            let err = run_demo(DemoConfig { seed: 1, days }).await.unwrap_err();
            assert!(err.to_string().contains("days must be 1 to 366"), "{err}");
        }
    }
}
