//! Subscriptions on the platform (see `vitrine_core::mandate::subscription`):
//! started when the brand accepts the order that won a subscription offer;
//! each delivery ordered by the needs cycle its lead time ahead, through
//! the order book (so the mandate's budgets hold it as any order); skipped,
//! paused, resumed, re-timed or stopped by the household; ended at the
//! mandate's renewal point, or when the brand refuses or fails a delivery
//! (the household is never left uncovered: its category is auctioned
//! again). The store holds them; nothing is kept in memory.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Platform, PlatformError};
use vitrine_core::household::HouseholdId;
use vitrine_core::mandate::subscription::{
    DEFAULT_RENEWAL_DAYS, Due, Subscription, SubscriptionAction, SubscriptionError,
    SubscriptionStatus, SubscriptionStep,
};
use vitrine_core::mandate::{MandateDecision, Order, OrderRequest, OrderStatus};
use vitrine_core::needs::replenishment::consumption_rate;
use vitrine_store::Tx;
use vitrine_store::tokens::Principal;
use vitrine_types::NeedKind;
use vitrine_types::time::{Day, Timestamp};

/// A subscription as its brand sees it: the household under the brand's
/// pseudonym, the terms and the schedule, nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BrandSubscription {
    /// The subscription.
    pub id: String,
    /// The household, as this brand's pseudonym.
    pub household_pseudonym: String,
    /// The category.
    pub category: String,
    /// The SKU.
    pub sku: String,
    /// Each delivery's quantity.
    pub quantity: Option<vitrine_types::Quantity>,
    /// What the household pays per delivery.
    pub price_paid_minor: u64,
    /// Days between deliveries now.
    pub period_days: u16,
    /// Where it is.
    pub status: SubscriptionStatus,
    /// The next delivery's day.
    pub next_delivery: Day,
    /// When it ends and the category is auctioned again.
    pub renew_on: Day,
}

fn subscription_error(e: SubscriptionError) -> PlatformError {
    match e {
        SubscriptionError::Period(_) => {
            PlatformError::invalid_field("invalid_field", "period_days", e.to_string())
        }
        SubscriptionError::LockedIn { .. } => PlatformError::conflict("locked_in", e.to_string()),
        SubscriptionError::WrongStatus { .. } => {
            PlatformError::conflict("wrong_status", e.to_string())
        }
    }
}

/// Ends `subscription` because its brand let a delivery down.
fn let_down(subscription: &Subscription, order: &Order, now: Timestamp) -> Subscription {
    let what = if order.status == OrderStatus::Failed {
        "failed"
    } else {
        "refused"
    };
    subscription.moved_by_platform(
        SubscriptionStatus::Ended,
        format!(
            "{} {what} the delivery {}; the category is auctioned again",
            order.brand, order.id
        ),
        now,
    )
}

impl Platform {
    /// `household`'s subscriptions, newest first.
    pub async fn subscriptions(&self, household: &str) -> Result<Vec<Subscription>, PlatformError> {
        self.household(household)?;
        Ok(self.store.subscriptions(household).await?)
    }

    /// `brand`'s subscriptions, households under its pseudonyms.
    pub async fn brand_subscriptions(
        &self,
        brand: &str,
    ) -> Result<Vec<BrandSubscription>, PlatformError> {
        self.require_brand(brand).await?;
        let pseudonyms = self.engine.reports().pseudonyms();
        Ok(self
            .store
            .brand_subscriptions(brand)
            .await?
            .into_iter()
            .map(|s| BrandSubscription {
                household_pseudonym: pseudonyms.pseudonym(brand, &HouseholdId(s.household.clone())),
                id: s.id,
                category: s.category,
                sku: s.sku,
                quantity: s.quantity,
                price_paid_minor: s.price_paid_minor,
                period_days: s.period_days,
                status: s.status,
                next_delivery: s.next_delivery,
                renew_on: s.renew_on,
            })
            .collect())
    }

    /// The household acts on its subscription `id`. Skipping when the next
    /// delivery is already ordered cancels that order (inside its window).
    pub async fn subscription_action(
        &self,
        household: &str,
        id: &str,
        action: SubscriptionAction,
        actor: &Principal,
    ) -> Result<Subscription, PlatformError> {
        let _writes = self.household_writes.lock().await;
        let _lock = self.lock_household(household).await?;
        let h = self.household(household)?;
        let now = self.now();
        let current = self
            .store
            .subscriptions(household)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| PlatformError::NotFound(format!("subscription {id}")))?;
        let book = self.engine.orders();
        let pending = book.orders(&h.id).into_iter().find(|o| {
            o.subscription_id.as_deref() == Some(id)
                && o.status == OrderStatus::Placed
                && now < o.cancel_until
        });
        let (next, cancelled) = match (action, pending) {
            (SubscriptionAction::Skip, Some(order))
                if current.status == SubscriptionStatus::Active =>
            {
                let mut next = current.clone();
                next.history.push(SubscriptionStep {
                    what: "skipped".into(),
                    at: now,
                    by: "household".into(),
                    note: Some(format!(
                        "no delivery on {}: order {} cancelled",
                        order.delivery_day, order.id
                    )),
                });
                let mut cancelled = order.clone();
                cancelled.status = OrderStatus::Cancelled;
                cancelled
                    .history
                    .push(vitrine_core::mandate::fulfilment::OrderStep {
                        status: OrderStatus::Cancelled,
                        at: now,
                        by: "household".into(),
                    });
                (next, Some(cancelled))
            }
            _ => (current.act(action, now).map_err(subscription_error)?, None),
        };
        let mut tx = self.store.begin().await?;
        tx.upsert_subscription(&next, now).await?;
        if let Some(order) = &cancelled {
            tx.upsert_order(order, true, now).await?;
        }
        tx.audit(
            now,
            &self.actor(actor),
            &format!(
                "subscription.{}",
                next.history.last().map_or("changed", |s| s.what.as_str())
            ),
            &self.audit_name(&h.id),
            &json!({"subscription": next.id, "cancelled": cancelled.as_ref().map(|o| &o.id)}),
        )
        .await?;
        tx.commit().await?;
        if let Some(order) = cancelled {
            book.replace(order);
        }
        Ok(next)
    }

    /// Starts the subscription `order` won, when the brand has just
    /// accepted it; ends the subscription whose delivery `order` was, when
    /// the brand refused or failed it. Written in the caller's transaction.
    pub(crate) async fn follow_subscription(
        &self,
        tx: &mut Tx,
        order: &Order,
        now: Timestamp,
    ) -> Result<(), PlatformError> {
        match order.status {
            OrderStatus::Accepted if order.subscription_id.is_none() => {
                let household = self.household(&order.household.0)?;
                let renewal = order
                    .mandate
                    .as_ref()
                    .and_then(|m| household.mandates.iter().find(|x| &x.id == m))
                    .and_then(|m| m.subscription_renewal_days)
                    .unwrap_or(DEFAULT_RENEWAL_DAYS);
                if let Some(started) = Subscription::start(order, renewal, now) {
                    tx.upsert_subscription(&started, now).await?;
                }
            }
            OrderStatus::Refused | OrderStatus::Failed => {
                let Some(id) = &order.subscription_id else {
                    return Ok(());
                };
                if let Some(current) = self
                    .store
                    .subscriptions(&order.household.0)
                    .await?
                    .into_iter()
                    .find(|s| &s.id == id && s.status.covers())
                {
                    tx.upsert_subscription(&let_down(&current, order, now), now)
                        .await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The needs cycle's part for subscriptions: each live subscription at
    /// its renewal point ends; each with a delivery due gets its period
    /// fitted to consumption and the delivery's order made (placed, or
    /// asked when the mandate's budget or caps say so; a mandate that no
    /// longer allows it pauses the subscription). Returns the orders made.
    pub async fn run_subscriptions(&self) -> Result<usize, PlatformError> {
        let live = self.store.live_subscriptions().await?;
        self.run_subscriptions_of(live, true).await
    }

    /// [`Platform::run_subscriptions`] for `live` (one household's, in a
    /// shared cycle, whose caller holds the household writes' lock: then
    /// `take_writes` is false).
    pub(crate) async fn run_subscriptions_of(
        &self,
        live: Vec<Subscription>,
        take_writes: bool,
    ) -> Result<usize, PlatformError> {
        let now = self.now();
        let today = now.day();
        let mut made = 0;
        for current in live {
            let due = current.due(today);
            if due == Due::Nothing {
                continue;
            }
            let Ok(household) = self.household(&current.household) else {
                continue;
            };
            let _writes = if take_writes {
                Some(self.household_writes.lock().await)
            } else {
                None
            };
            if due == Due::Renewal {
                let ended = current.renewed(now);
                let mut tx = self.store.begin().await?;
                tx.upsert_subscription(&ended, now).await?;
                tx.audit(
                    now,
                    "system",
                    "subscription.ended",
                    &self.audit_name(&household.id),
                    &json!({"subscription": ended.id, "why": "renewal"}),
                )
                .await?;
                tx.commit().await?;
                continue;
            }
            // The period follows consumption (unless the household set it).
            let fitted = current
                .quantity
                .and_then(|q| consumption_rate(&household, &current.category, q.unit, now))
                .and_then(|rate| current.adjusted(rate, now))
                .unwrap_or_else(|| current.clone());
            let Due::Delivery(day) = fitted.due(today) else {
                // Re-timed past today's horizon: store the new period only.
                let mut tx = self.store.begin().await?;
                tx.upsert_subscription(&fitted, now).await?;
                tx.commit().await?;
                continue;
            };
            let need_id = format!("{}.{}", fitted.id, fitted.deliveries_ordered + 1);
            let bounds = self.engine.bounds();
            let order_cap = bounds.for_category(&fitted.category).order_cap_minor;
            let placement = self.engine.orders().place(
                &household.id,
                &household.mandates,
                std::slice::from_ref(&fitted.brand),
                &OrderRequest {
                    need_id: &need_id,
                    need_kind: NeedKind::Replenishment,
                    category: &fitted.category,
                    brand: Some(&fitted.brand),
                    sku: &fitted.sku,
                    quantity: fitted.quantity,
                    offer_price_minor: fitted.offer_price_minor,
                    credits_minor: fitted.credits_minor,
                    price_paid_minor: fitted.price_paid_minor,
                    above_reserve: None,
                    default_order_cap_minor: order_cap,
                    delivery_days: u16::try_from(day.since(today).max(0)).unwrap_or(u16::MAX),
                    subscription: Some(fitted.terms),
                    subscription_id: Some(&fitted.id),
                },
                now,
            );
            let placement = match placement {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(subscription = %fitted.id, error = %e, "a subscription delivery could not be ordered");
                    continue;
                }
            };
            let next = match (&placement.decision, &placement.order) {
                (MandateDecision::Declined, _) | (_, None) => fitted.moved_by_platform(
                    SubscriptionStatus::Paused,
                    format!(
                        "the mandate no longer allows this delivery ({})",
                        placement.rule
                    ),
                    now,
                ),
                (_, Some(order)) => fitted.delivery_ordered(day, &order.id, now),
            };
            let stored = async {
                let mut tx = self.store.begin().await?;
                if let Some(order) = &placement.order {
                    tx.upsert_order(order, false, now).await?;
                }
                tx.upsert_subscription(&next, now).await?;
                tx.audit(
                    now,
                    "system",
                    "subscription.delivery",
                    &self.audit_name(&household.id),
                    &json!({
                        "subscription": next.id,
                        "order": placement.order.as_ref().map(|o| &o.id),
                        "decision": placement.decision,
                    }),
                )
                .await?;
                tx.commit().await
            }
            .await;
            match (stored, &placement.order) {
                (Ok(()), Some(_)) => made += 1,
                (Ok(()), None) => {}
                (Err(e), order) => {
                    // Not stored, not taken: the order leaves the book.
                    if let Some(order) = order {
                        self.engine.orders().discard(&household.id, &order.id);
                    }
                    return Err(e.into());
                }
            }
        }
        Ok(made)
    }

    /// Categories `household`'s subscriptions cover now (active or paused):
    /// the needs engine raises no need for them.
    pub(crate) async fn subscribed_categories(
        &self,
        household: &str,
    ) -> Result<Vec<String>, PlatformError> {
        Ok(self
            .store
            .subscriptions(household)
            .await?
            .into_iter()
            .filter(|s| s.status.covers())
            .map(|s| s.category)
            .collect())
    }
}

/// `POST /v1/households/{h}/subscriptions/{id}/period`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPeriod {
    /// Days between deliveries, 1 to 365.
    #[schemars(range(min = 1, max = 365))]
    pub period_days: u16,
}
