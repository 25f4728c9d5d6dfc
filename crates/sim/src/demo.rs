//! `vitrine demo`: a month in the life of three households, decided by the
//! real decision core over the embedded sample plugins.
//!
//! A family with two children (yogurt, milk, bread, back to school), a
//! student, and a couple who opted in to context signals live day by day
//! (`scenario`). Every evening at 21:00 the needs engine runs for each; every
//! need goes to the decision engine; the households answer what they are
//! asked the next morning (the family and the student approve, the couple
//! approves a treat on Tuesdays and declines it otherwise, but leaves its
//! first ask unanswered until it expires); orders become final when their
//! cancel window closes, the winning brand accepts them (the first final
//! order that had a runner-up is refused as out of stock, and its need goes
//! to the runner-up) and delivers them on their delivery day, and the
//! delivery refills the fridge. A won subscription starts standing
//! deliveries; the family skips one and later pauses it. The family's
//! webhook receiver (a local server) is told of every inbox item, signed.
//! Deterministic for a given seed (the webhook's signatures excepted: they
//! carry the time of sending).

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Serialize;

use std::sync::Arc;

use crate::samples::{SAMPLES, other_languages, other_languages_missing};
use crate::scenario::{Resident, demo_households, demo_start};
use vitrine_core::decision::{Decision, DecisionConfig};
use vitrine_core::explain::Explanation;
use vitrine_core::mandate::fulfilment::{Fulfil, Refusal, RefusalReason};
use vitrine_core::mandate::subscription::{Subscription, SubscriptionAction, SubscriptionStatus};
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

/// One order at the end of the month, with its fulfilment.
#[derive(Debug, Clone, Serialize)]
pub struct DemoOrder {
    /// The household.
    pub household: String,
    /// The order.
    pub id: String,
    /// The brand.
    pub brand: String,
    /// The category.
    pub category: String,
    /// How much.
    pub quantity: Option<Quantity>,
    /// What the household pays, minor units.
    pub price_paid: u64,
    /// Where it ended.
    pub status: OrderStatus,
    /// Every step: status, when, by whom.
    pub history: Vec<vitrine_core::mandate::fulfilment::OrderStep>,
    /// Why the brand refused it, or the delivery failed.
    pub refusal: Option<Refusal>,
    /// What arrived.
    pub delivered: Option<Quantity>,
    /// The subscription it is a delivery of.
    pub subscription: Option<String>,
}

/// The family's webhook receiver, at the end of the month.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoWebhook {
    /// Where it listened.
    pub url: String,
    /// Requests it received.
    pub received: usize,
    /// Of which the signature verified.
    pub verified: usize,
    /// The kinds of item it was told of, with how many.
    pub kinds: BTreeMap<String, usize>,
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
    /// Every order, with its fulfilment states.
    pub orders: Vec<DemoOrder>,
    /// Every subscription, with its history.
    pub subscriptions: Vec<Subscription>,
    /// The family's webhook.
    pub webhook: DemoWebhook,
}

/// What a household answers when asked: the couple approves a treat only on
/// Tuesdays; everything else is approved.
fn answers_yes(household: &str, kind: NeedKind, day: Day) -> bool {
    let tuesday = day.date().weekday() == chrono::Weekday::Tue;
    !(kind == NeedKind::Desire && household.starts_with("couple") && !tuesday)
}

/// The family's receiver: a local HTTP server that checks each request's
/// signature with the secret the platform gave when the webhook was set.
struct Receiver {
    url: String,
    secret: Arc<std::sync::Mutex<String>>,
    seen: Arc<std::sync::Mutex<DemoWebhook>>,
}

async fn receiver() -> anyhow::Result<Receiver> {
    use axum::http::{HeaderMap, StatusCode};
    use vitrine_service::platform::webhook;
    let secret = Arc::new(std::sync::Mutex::new(String::new()));
    let seen = Arc::new(std::sync::Mutex::new(DemoWebhook::default()));
    let app = axum::Router::new().route(
        "/vitrine",
        axum::routing::post({
            let (secret, seen) = (secret.clone(), seen.clone());
            move |headers: HeaderMap, body: axum::body::Bytes| {
                let (secret, seen) = (secret.clone(), seen.clone());
                async move {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs() as i64);
                    let signature = headers
                        .get(webhook::SIGNATURE_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    let key = secret.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    let ok = webhook::verify(
                        &key,
                        signature,
                        &body,
                        now,
                        webhook::SIGNATURE_TOLERANCE_SECS,
                    )
                    .is_ok();
                    let kind = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["type"].as_str().map(str::to_owned))
                        .unwrap_or_default();
                    let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                    seen.received += 1;
                    if ok {
                        seen.verified += 1;
                        *seen.kinds.entry(kind).or_default() += 1;
                        StatusCode::NO_CONTENT
                    } else {
                        StatusCode::UNAUTHORIZED
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/vitrine", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Receiver { url, secret, seen })
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
                db: dir.path().join("vitrine.db").into(),
                artifact_dir: demo_artifacts(),
                decision: decision_config,
                // The family's receiver listens on this machine.
                webhooks: vitrine_service::platform::webhook::WebhookPolicy {
                    allow_private_addresses: true,
                    allow_http: true,
                },
                ..PlatformConfig::default()
            },
            clock.clone(),
        )
        .await?,
    );
    let operator = Principal::Operator;
    let mut brand_tokens = BTreeMap::new();
    // The Python and JavaScript samples bid beside the Rust ones (each
    // compiles for about ten seconds the first time: see `demo_artifacts`).
    for missing in other_languages_missing() {
        eprintln!("warning: {missing}");
    }
    for sample in SAMPLES.iter().chain(&other_languages()) {
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
    let family = residents[0].household.id.0.clone();
    let hook = receiver().await?;
    let set = platform
        .set_webhook(&family, &hook.url, &Principal::Household(family.clone()))
        .await?;
    *hook.secret.lock().unwrap_or_else(|p| p.into_inner()) = set.secret;
    let mut decisions: Vec<DemoDecision> = Vec::new();
    // The first final order that had a runner-up is refused by its brand.
    let mut refused_one = false;
    let mut runner_up_of: BTreeMap<String, String> = BTreeMap::new();
    // The couple leaves its first ask unanswered.
    let mut ignored_one = false;
    // The family skips a subscription delivery, then pauses it a week on.
    let mut skipped_on: Option<Day> = None;
    let mut paused = false;
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
        for (h, order_id, index) in std::mem::take(&mut asked) {
            let id = residents[h].household.id.0.clone();
            if id.starts_with("couple") && !ignored_one {
                // Away that week: the ask waits, then expires (its need is
                // free again, and the inbox says so).
                ignored_one = true;
                decisions[index].household_answer = Some("left unanswered".into());
                continue;
            }
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
        platform.refuse_unanswered().await?;
        platform.run_subscriptions().await?;
        // The brands' backends: each accepts its final orders (one refuses
        // the first that had a runner-up, as out of stock), and delivers
        // them on their delivery day (or, if approved late, the day they
        // become final). A delivery raises the household's stock on the
        // platform; the household's own model of its fridge gets it too.
        clock.set(Timestamp::at(day, 10));
        for (h, resident) in residents.iter_mut().enumerate() {
            for order in platform.orders(&resident.household.id.0).await? {
                let as_brand = Principal::Brand(order.brand.clone());
                let mut status = order.status;
                if status == OrderStatus::Final {
                    let action = if !refused_one && runner_up_of.contains_key(&order.id) {
                        refused_one = true;
                        Fulfil::Refuse(Refusal {
                            reason: RefusalReason::OutOfStock,
                            message: Some("none left this week".into()),
                        })
                    } else {
                        Fulfil::Accept
                    };
                    status = platform
                        .fulfil(&order.brand, &order.id, action, &as_brand)
                        .await?
                        .status;
                }
                if status == OrderStatus::Accepted
                    && order.delivery_day <= day
                    && let Some(quantity) = order.quantity
                {
                    platform
                        .fulfil(&order.brand, &order.id, Fulfil::Deliver(None), &as_brand)
                        .await?;
                    resident.deliver(
                        &order.category,
                        quantity.amount,
                        quantity.unit,
                        order.price_paid_minor,
                        &order.brand,
                        Timestamp::at(day, 10),
                    );
                    // The platform recorded this purchase at the delivery.
                    synced[h].2 = resident.household.purchases.len();
                }
            }
        }
        // The family steers its subscription: it skips the next delivery
        // once one has been ordered, and pauses a week later.
        let as_family = Principal::Household(family.clone());
        for sub in platform.subscriptions(&family).await? {
            if sub.status != SubscriptionStatus::Active {
                continue;
            }
            let action = match skipped_on {
                None if sub.deliveries_ordered >= 2 => {
                    skipped_on = Some(day);
                    SubscriptionAction::Skip
                }
                Some(on) if !paused && day.since(on) >= 7 => {
                    paused = true;
                    SubscriptionAction::Pause
                }
                _ => continue,
            };
            platform
                .subscription_action(&family, &sub.id, action, &as_family)
                .await?;
        }
        platform.deliver_webhooks().await?;
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
            platform.evaluate_needs(&id, &operator).await?;
            // Every open need: the new ones, and those a refusal, a failed
            // delivery or an expired ask freed.
            let open: Vec<_> = platform
                .needs(&id)
                .await?
                .into_iter()
                .filter(|view| view.open)
                .collect();
            for view in open {
                let need = view.need;
                let decision = match platform
                    .decide(&id, NeedRef::NeedId(need.id.clone()), &operator)
                    .await
                {
                    Ok(decision) => decision,
                    Err(e) => anyhow::bail!("deciding {}: {e}", need.id),
                };
                if let Some(order) = &decision.placement.order {
                    if let Some(runner) = decision.auction.runner_up() {
                        runner_up_of.insert(order.id.clone(), runner.brand.clone());
                    }
                    if order.status == OrderStatus::AwaitingApproval {
                        asked.push((h, order.id.clone(), decisions.len()));
                    }
                }
                decisions.push(summarise(&decision));
            }
            // The evening's asks reach the family's receiver.
            platform.deliver_webhooks().await?;
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
    // The last inbox items reach the receiver.
    platform.deliver_webhooks().await?;
    let mut orders = Vec::new();
    let mut subscriptions = Vec::new();
    for r in &residents {
        let id = &r.household.id.0;
        for o in platform.orders(id).await? {
            orders.push(DemoOrder {
                household: id.clone(),
                id: o.id,
                brand: o.brand,
                category: o.category,
                quantity: o.quantity,
                price_paid: o.price_paid_minor,
                status: o.status,
                history: o.history,
                refusal: o.refusal,
                delivered: o.delivered,
                subscription: o.subscription_id,
            });
        }
        subscriptions.extend(platform.subscriptions(id).await?);
    }
    let mut webhook = hook.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    webhook.url = hook.url.clone();
    Ok(DemoRun {
        report: DemoReport {
            config,
            start: start.date().to_string(),
            decisions,
            brands,
            spent,
            orders,
            subscriptions,
            webhook,
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

/// Where the demo keeps compiled plugins between runs: the user's cache
/// (`$XDG_CACHE_HOME/vitrine/demo-artifacts`, else `~/.cache/...`), made
/// private to the user, since loading an artifact runs its machine code.
/// Without one, every run compiles the samples again (the Python and
/// JavaScript ones take about ten seconds each).
fn demo_artifacts() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cache")))?;
    let dir = base.join("vitrine").join("demo-artifacts");
    std::fs::create_dir_all(&dir).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).ok()?;
    }
    Some(dir)
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_month_tells_the_whole_purchase_loop() {
        let report = run_demo(DemoConfig::default()).await.unwrap();
        let with = |status: OrderStatus| {
            report
                .orders
                .iter()
                .filter(move |o| o.status == status)
                .collect::<Vec<_>>()
        };
        // Deliveries refill the pantry by what arrived.
        let delivered = with(OrderStatus::Delivered);
        assert!(delivered.len() >= 10, "{}", delivered.len());
        assert!(delivered.iter().all(|o| o.delivered.is_some()));
        // One brand refuses, and another brand serves the need.
        let refused = with(OrderStatus::Refused);
        assert_eq!(refused.len(), 1);
        let r = refused[0];
        assert!(
            report.orders.iter().any(|o| o.household == r.household
                && o.category == r.category
                && o.brand != r.brand
                && o.status.spends()),
            "the runner-up serves {}'s {}",
            r.household,
            r.category
        );
        // An ask expires.
        assert_eq!(with(OrderStatus::Expired).len(), 1);
        // A subscription started, skipped and paused.
        let family = report
            .subscriptions
            .iter()
            .find(|s| s.household.starts_with("family"))
            .expect("the family subscribes");
        let steps: Vec<&str> = family.history.iter().map(|h| h.what.as_str()).collect();
        for step in ["started", "skipped", "paused"] {
            assert!(steps.contains(&step), "{steps:?}");
        }
        assert_eq!(family.status, SubscriptionStatus::Paused);
        // The receiver got signed inbox items, every signature valid.
        assert!(report.webhook.verified >= 1, "{:?}", report.webhook);
        assert_eq!(report.webhook.received, report.webhook.verified);
    }

    #[tokio::test]
    async fn a_month_of_no_days_or_over_a_year_is_refused() {
        for days in [0, -3, 367] {
            let err = run_demo(DemoConfig { seed: 1, days }).await.unwrap_err();
            assert!(err.to_string().contains("days must be 1 to 366"), "{err}");
        }
    }
}
