//! One automated purchase decision, end to end: the eligible brands get the
//! need minimised for each of them, their plugins bid in the sandbox, the
//! auction scores and prices the offers for this household, the mandates
//! decide (order, ask, decline) atomically with the budget ledger, brands
//! are told what they may know, and the household gets an explanation.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

use crate::auction::{
    AuctionConfig, AuctionResult, AuctionTerms, Bidder, BoundsPolicy, Entrant, PriceLimits,
    run_auction,
};
use crate::explain::{Explanation, explain};
use crate::household::{Household, HouseholdError, HouseholdId};
use crate::mandate::subscription::SubscriptionTerms;
use crate::mandate::{MandateDecision, OrderBook, OrderError, OrderRequest, Placement, covering};
use crate::minimiser::{KAnonymity, Minimised, Minimiser, MinimiserConfig, SharingPolicy};
use crate::needs::Need;
use crate::reports::{BrandReports, PrivacyConfig, Pseudonymiser};
use vitrine_types::time::{Day, Timestamp};

/// Settings of the decision core.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecisionConfig {
    /// What brands may see.
    pub minimiser: MinimiserConfig,
    /// Deadlines, price rule, tie-break seed.
    pub auction: AuctionConfig,
    /// Hours a placed order can be cancelled. Default 24.
    pub cancel_window_hours: i64,
    /// Hours an ask waits for the household before it expires and frees its
    /// need. Default 48: two evenings to answer.
    #[serde(default = "default_ask_expiry_hours")]
    pub ask_expiry_hours: i64,
    /// Hours a brand has to accept or refuse a final order before it counts
    /// as refused and its need is decided again. Default 24
    /// (`mandate::fulfilment::DEFAULT_ACCEPT_HOURS`).
    #[serde(default = "default_accept_hours")]
    pub accept_hours: i64,
    /// Brand reports.
    pub privacy: PrivacyConfig,
}

impl Default for DecisionConfig {
    fn default() -> Self {
        DecisionConfig {
            minimiser: MinimiserConfig::default(),
            auction: AuctionConfig::default(),
            cancel_window_hours: 24,
            ask_expiry_hours: default_ask_expiry_hours(),
            accept_hours: default_accept_hours(),
            privacy: PrivacyConfig::default(),
        }
    }
}

fn default_ask_expiry_hours() -> i64 {
    48
}

fn default_accept_hours() -> i64 {
    crate::mandate::fulfilment::DEFAULT_ACCEPT_HOURS
}

/// One decision, as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    /// Identifier.
    pub id: String,
    /// The household.
    pub household: HouseholdId,
    /// The day it was taken.
    pub day: Day,
    /// When.
    pub at: Timestamp,
    /// The need.
    pub need: Need,
    /// What each brand was sent.
    pub requests: Vec<(String, Minimised)>,
    /// The auction.
    pub auction: AuctionResult,
    /// The mandate's outcome and the order, if any.
    pub placement: Placement,
    /// The explanation.
    pub explanation: Explanation,
}

impl Decision {
    /// The mandate's outcome.
    pub fn outcome(&self) -> MandateDecision {
        self.placement.decision
    }
}

/// Why a decision could not be taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecisionError {
    /// The household's data is malformed.
    #[error("household: {0}")]
    Household(#[from] HouseholdError),
    /// The need belongs to another household.
    #[error("need {need} is not household {household}'s")]
    ForeignNeed {
        /// The need.
        need: String,
        /// The household.
        household: String,
    },
    /// The need itself is malformed.
    #[error("need {need}: {why}")]
    InvalidNeed {
        /// The need.
        need: String,
        /// What is wrong.
        why: String,
    },
    /// The need was already decided into an order.
    #[error("{0}")]
    Order(#[from] OrderError),
}

/// Checks what a need must be before any brand is asked about it.
fn check_need(need: &Need) -> Result<(), DecisionError> {
    let days_in_range = [need.earliest_day, need.latest_day, need.raised_at.day()]
        .into_iter()
        .chain(match &need.reason {
            crate::needs::NeedReason::Replenishment {
                last_reading_day,
                stockout_day,
                ..
            } => vec![*last_reading_day, *stockout_day],
            crate::needs::NeedReason::Seasonal { event_day, .. } => vec![*event_day],
            crate::needs::NeedReason::Desire { .. } => Vec::new(),
        })
        .all(Day::in_range);
    let why = if need.id.is_empty() || need.id.len() > 128 {
        Some("the id must be 1 to 128 characters".to_owned())
    } else if !vitrine_types::is_category_path(&need.category) {
        Some(format!("{:?} is not a taxonomy path", need.category))
    } else if need.coarse_category.as_ref().is_some_and(|c| {
        !vitrine_types::category_is_under(&need.category, c) || *c == need.category
    }) {
        Some("the coarse category must be a strict prefix of the category".to_owned())
    } else if need.quantity.amount == 0 || need.quantity.amount > vitrine_types::MAX_AMOUNT {
        Some(format!(
            "the quantity must be 1 to {}",
            vitrine_types::MAX_AMOUNT
        ))
    } else if need.latest_day < need.earliest_day {
        Some("the latest delivery day is before the earliest".to_owned())
    } else if !days_in_range || !need.raised_at.in_range() {
        Some("every day and instant must be between 2000-01-01 and 2100-01-01".to_owned())
    } else {
        None
    };
    match why {
        Some(why) => Err(DecisionError::InvalidNeed {
            need: need.id.clone(),
            why,
        }),
        None => Ok(()),
    }
}

/// The decision core: registered brands, policy, k-anonymity, orders and
/// ledger, brand reports.
pub struct DecisionEngine<B> {
    bidders: RwLock<Vec<Entrant<B>>>,
    policy: RwLock<Arc<SharingPolicy>>,
    bounds: RwLock<Arc<BoundsPolicy>>,
    registry: KAnonymity,
    orders: OrderBook,
    reports: BrandReports,
    config: DecisionConfig,
}

impl<B: Bidder> DecisionEngine<B> {
    /// An engine with no brands, the default policy, and `config`.
    pub fn new(config: DecisionConfig, pseudonyms: Pseudonymiser) -> DecisionEngine<B> {
        DecisionEngine::with_k_salt(config, pseudonyms, rand::random())
    }

    /// Same, with the k-anonymity registry's persisted salt (so that the
    /// sightings kept in the store still match their households).
    pub fn with_k_salt(
        config: DecisionConfig,
        pseudonyms: Pseudonymiser,
        k_salt: [u8; 16],
    ) -> DecisionEngine<B> {
        DecisionEngine {
            bidders: RwLock::new(Vec::new()),
            policy: RwLock::default(),
            bounds: RwLock::default(),
            registry: KAnonymity::with_salt(
                config.minimiser.k,
                config.minimiser.k_window_days,
                k_salt,
            ),
            orders: OrderBook::new(config.cancel_window_hours, config.ask_expiry_hours),
            reports: BrandReports::new(pseudonyms, config.privacy),
            config,
        }
    }

    /// Registers (or replaces) `brand`'s bidder.
    pub fn register(&self, brand: &str, bidder: B) {
        let mut bidders = self.bidders.write().unwrap_or_else(|p| p.into_inner());
        bidders.retain(|b| b.brand != brand);
        bidders.push(Entrant {
            brand: brand.to_owned(),
            bidder,
        });
        bidders.sort_by(|a, b| a.brand.cmp(&b.brand));
    }

    /// Removes `brand` from future auctions.
    pub fn unregister(&self, brand: &str) {
        let mut bidders = self.bidders.write().unwrap_or_else(|p| p.into_inner());
        bidders.retain(|b| b.brand != brand);
    }

    /// The registered brands, by id.
    pub fn bidders(&self) -> Vec<Entrant<B>> {
        self.bidders
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Replaces the data-sharing policy (refused if it would share context
    /// signals).
    pub fn set_policy(&self, policy: SharingPolicy) -> Result<(), String> {
        policy.validate()?;
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(policy);
        Ok(())
    }

    /// The data-sharing policy.
    pub fn policy(&self) -> Arc<SharingPolicy> {
        self.policy
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Replaces the operator's bounds (refused if they cannot work).
    pub fn set_bounds(&self, bounds: BoundsPolicy) -> Result<(), String> {
        bounds.validate()?;
        *self.bounds.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(bounds);
        Ok(())
    }

    /// The operator's bounds on caps, reserves and claims, per category.
    pub fn bounds(&self) -> Arc<BoundsPolicy> {
        self.bounds
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The k-anonymity registry.
    pub fn k_anonymity(&self) -> &KAnonymity {
        &self.registry
    }

    /// Dispatches every placed order whose cancel window has closed and
    /// tells each winning brand (for simulations without a store; the
    /// platform stores the change before telling).
    pub fn dispatch_due(&self, now: Timestamp) -> Vec<crate::mandate::Order> {
        let dispatched = self.orders.dispatch_due(now, self.config.accept_hours);
        for order in &dispatched {
            self.reports.notify_final(order, now.day());
        }
        dispatched
    }

    /// The orders and ledger.
    pub fn orders(&self) -> &OrderBook {
        &self.orders
    }

    /// Brand reports and notices.
    pub fn reports(&self) -> &BrandReports {
        &self.reports
    }

    /// The configuration.
    pub fn config(&self) -> &DecisionConfig {
        &self.config
    }

    /// Takes the decision for `need` at `now` and applies its effects at
    /// once (no store behind it: simulations, tests, benchmarks).
    pub async fn decide(
        &self,
        household: &Household,
        need: &Need,
        now: Timestamp,
    ) -> Result<Decision, DecisionError> {
        Ok(self
            .decide_attempt(household, need, now, 1)
            .await?
            .confirm())
    }

    /// Takes the decision for `need` at `now`, its `attempt`th (a need
    /// whose auction found no offer, or whose ask expired, is decided
    /// again). The order it places is held in the book by the returned
    /// [`Pending`]: [`Pending::confirm`] once the decision is stored, or
    /// drop it (an error, a panic) and the order leaves the book.
    pub async fn decide_attempt(
        &self,
        household: &Household,
        need: &Need,
        now: Timestamp,
        attempt: u32,
    ) -> Result<Pending<'_>, DecisionError> {
        household.validate()?;
        check_need(need)?;
        if need.household != household.id {
            return Err(DecisionError::ForeignNeed {
                need: need.id.clone(),
                household: household.id.0.clone(),
            });
        }
        // Checked again, atomically, when the order is placed; this spares
        // the brands an auction that could not lead to an order.
        if let Some(order_id) = self.orders.order_for_need(&household.id, &need.id) {
            return Err(OrderError::DuplicateNeed {
                need_id: need.id.clone(),
                order_id,
            }
            .into());
        }
        let policy = self.policy();
        let bounds = self.bounds();
        let category_bounds = bounds.for_category(&need.category);
        let mandate = covering(&household.mandates, &need.category);
        // The household's blocked brands, and the covering mandate's, are
        // never called: they would lose anyway, and must not even see the
        // request. Nor are brands that refused this need's order or failed
        // to deliver it: the need goes to the next eligible offer.
        let let_down = self.orders.let_down(&household.id, &need.id);
        let blocked: BTreeSet<String> = household
            .preferences
            .blocked_brands
            .iter()
            .chain(mandate.iter().flat_map(|m| m.blocked_brands.iter()))
            .cloned()
            .chain(let_down.iter().map(|(brand, _)| brand.clone()))
            .collect();
        let quantity = crate::minimiser::bucket(need.quantity);
        let terms = AuctionTerms {
            limits: PriceLimits::resolve(
                category_bounds,
                quantity,
                household.preferences.budget_cap(&need.category),
                mandate.and_then(|m| m.per_order_cap_minor),
                self.orders.budget_left(
                    &household.id,
                    &household.mandates,
                    &need.category,
                    now.day(),
                ),
                household.usual_price(&need.category, quantity),
            ),
            allowed_brands: mandate.and_then(|m| m.allowed_brands.clone()),
        };
        let eligible: Vec<Entrant<B>> = self
            .bidders()
            .into_iter()
            .filter(|b| b.bidder.serves(&need.category))
            .collect();
        let minimiser =
            Minimiser::new(need, household, &self.registry, &self.config.minimiser, now);
        let requests: Vec<(String, Minimised)> = eligible
            .iter()
            .map(|b| (b.brand.clone(), minimiser.for_brand(&b.brand, &policy)))
            .collect();
        let bids = eligible
            .into_iter()
            .zip(&requests)
            .map(|(bidder, (_, m))| (bidder, m.request.clone()))
            .collect();
        let auction = run_auction(
            bids,
            &household.preferences,
            &blocked,
            &terms,
            &self.config.auction,
        )
        .await;
        // What each brand was actually sent (blocked brands are not called).
        let requests: Vec<(String, Minimised)> = requests
            .into_iter()
            .filter(|(brand, _)| !blocked.contains(brand))
            .collect();

        let winner = auction.winner();
        let settlement = auction.settlement.as_ref();
        let known_brands: Vec<String> = household
            .purchases
            .iter()
            .filter_map(|p| p.brand.clone())
            .collect();
        let placement = self.orders.place(
            &household.id,
            &household.mandates,
            &known_brands,
            &OrderRequest {
                need_id: &need.id,
                need_kind: need.kind,
                category: &need.category,
                brand: winner.map(|w| w.brand.as_str()),
                sku: winner.map_or("", |w| w.offer.sku.as_str()),
                quantity: winner.map(|w| w.offer.quantity),
                offer_price_minor: settlement.map_or(0, |s| s.offer_price_minor),
                credits_minor: settlement.map_or(0, |s| s.credits_minor),
                price_paid_minor: settlement.map_or(0, |s| s.price_paid_minor),
                above_reserve: settlement
                    .filter(|s| s.above_reserve)
                    .and_then(|s| s.reserve_minor),
                default_order_cap_minor: category_bounds.order_cap_minor,
                delivery_days: winner.map_or(0, |w| w.offer.delivery_days),
                subscription: winner.and_then(|w| subscription_terms(&w.offer)),
                subscription_id: None,
            },
            now,
        )?;
        let guard = OrderGuard {
            book: &self.orders,
            household: household.id.clone(),
            order: placement.order.as_ref().map(|o| o.id.clone()),
        };
        let mut explanation = explain(
            need,
            &requests,
            &auction,
            placement.decision,
            &placement.rule,
            &household.currency,
        );
        explanation.let_down(let_down);
        explanation.expired_asks(&self.orders.expired_asks(&household.id, &need.id));
        let suffix = need.id.trim_start_matches("need-");
        let id = if attempt <= 1 {
            format!("dec-{suffix}")
        } else {
            format!("dec-{suffix}-{attempt}")
        };
        Ok(Pending {
            registry: &self.registry,
            guard,
            decision: Decision {
                id,
                household: household.id.clone(),
                day: now.day(),
                at: now,
                need: need.clone(),
                requests,
                auction,
                placement,
                explanation,
            },
        })
    }
}

/// A decision taken but not yet applied: its order is in the book, and
/// leaves it unless the decision is confirmed (see
/// [`DecisionEngine::decide_attempt`]).
pub struct Pending<'a> {
    registry: &'a KAnonymity,
    guard: OrderGuard<'a>,
    /// The decision.
    pub decision: Decision,
}

impl Pending<'_> {
    /// The k-anonymity sightings this decision adds (combination,
    /// household hash, day) that the registry does not have yet: what the
    /// store must keep.
    pub fn k_sightings(&self) -> Vec<(String, String, Day)> {
        let d = &self.decision;
        let registry = self.registry;
        let hash = registry.household_hash(&d.household);
        let mut keys: Vec<&String> = d.requests.iter().flat_map(|(_, m)| &m.observed).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|key| registry.is_news(key, &hash, d.day))
            .map(|key| (key.clone(), hash.clone(), d.day))
            .collect()
    }

    /// Applies the decision's remaining effect (the k-anonymity sightings)
    /// and keeps its order: call once the decision is stored. (Brands'
    /// reports are counted from stored decisions when they are issued.)
    pub fn confirm(mut self) -> Decision {
        self.guard.order = None;
        let d = &self.decision;
        let registry = self.registry;
        let hash = registry.household_hash(&d.household);
        for (_, minimised) in &d.requests {
            for key in &minimised.observed {
                registry.observe(key, &hash, d.day);
            }
        }
        self.decision
    }
}

/// Takes an order out of the book again unless disarmed: whatever stops a
/// decision between placing its order and storing it (an error, a panic)
/// leaves no order, and no budget spent, behind.
struct OrderGuard<'a> {
    book: &'a OrderBook,
    household: HouseholdId,
    order: Option<String>,
}

impl Drop for OrderGuard<'_> {
    fn drop(&mut self) {
        if let Some(order) = self.order.take() {
            self.book.discard(&self.household, &order);
        }
    }
}

/// The subscription terms of `offer`, if it is a subscription (its kind, or
/// a subscription service).
fn subscription_terms(offer: &vitrine_types::Offer) -> Option<SubscriptionTerms> {
    offer.services.iter().find_map(|s| match s {
        vitrine_types::Service::Subscription {
            period_days,
            cancel_anytime,
        } => Some(SubscriptionTerms {
            period_days: *period_days,
            cancel_anytime: *cancel_anytime,
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::needs::NeedReason;
    use crate::testing::ScriptedBidder;
    use vitrine_types::{NeedKind, Quantity, Unit};

    fn need(household: &Household) -> Need {
        Need {
            id: "need-1".into(),
            household: household.id.clone(),
            kind: NeedKind::Seasonal,
            category: "school/supplies/primary".into(),
            coarse_category: None,
            quantity: Quantity {
                amount: 1,
                unit: Unit::Piece,
            },
            earliest_day: Day(20_610),
            latest_day: Day(20_612),
            raised_at: Timestamp::at(Day(20_610), 9),
            reason: NeedReason::Seasonal {
                rule: "back-to-school".into(),
                description: "test".into(),
                child: None,
                event_day: Day(20_620),
            },
        }
    }

    #[test]
    fn malformed_needs_and_foreign_needs_are_refused_before_any_brand_is_asked() {
        futures_executor::block_on(refused_before_any_brand_is_asked());
    }

    async fn refused_before_any_brand_is_asked() {
        let engine: DecisionEngine<ScriptedBidder> =
            DecisionEngine::new(DecisionConfig::default(), Pseudonymiser::new([0; 32]));
        let household = Household::new("h", "EUR");
        let now = Timestamp::at(Day(20_610), 9);
        let mut bad = need(&household);
        bad.category = "Not A Path".into();
        assert!(matches!(
            engine.decide(&household, &bad, now).await,
            Err(DecisionError::InvalidNeed { .. })
        ));
        let mut bad = need(&household);
        bad.quantity.amount = 0;
        assert!(matches!(
            engine.decide(&household, &bad, now).await,
            Err(DecisionError::InvalidNeed { .. })
        ));
        let mut bad = need(&household);
        bad.latest_day = Day(20_609);
        assert!(matches!(
            engine.decide(&household, &bad, now).await,
            Err(DecisionError::InvalidNeed { .. })
        ));
        let mut foreign = need(&household);
        foreign.household = HouseholdId("other".into());
        assert!(matches!(
            engine.decide(&household, &foreign, now).await,
            Err(DecisionError::ForeignNeed { .. })
        ));
        let mut broken = household.clone();
        broken.currency = "euro".into();
        assert!(matches!(
            engine.decide(&broken, &need(&household), now).await,
            Err(DecisionError::Household(_))
        ));
        // A well-formed need with no brand registered: decided, nothing ordered.
        let decision = engine
            .decide(&household, &need(&household), now)
            .await
            .unwrap();
        assert!(decision.auction.winner().is_none());
        assert_eq!(decision.outcome(), MandateDecision::Declined);
    }
}
