//! Subscriptions: a winning subscription offer becomes a standing order.
//! Once the order that won it is final, the subscription sends a delivery
//! every period at the settled price (each delivery an order of its own,
//! made `lead_days` before it is due, checked against the mandate's budgets
//! like any order and fulfilled by the brand like any order) and covers the
//! category's needs instead of auctioning them again. The household can
//! skip the next delivery, pause, resume, change the period, or stop. The
//! period follows the household's consumption within bounds (half to twice
//! the period won) unless the household set it. At the renewal point its
//! mandate sets (`subscription_renewal_days`) the subscription ends and the
//! category is auctioned again.
//!
//! The transitions are pure, as fulfilment's are: [`Subscription::act`]
//! returns the subscription after an action, and the platform stores it.

use serde::{Deserialize, Serialize};

use super::orders::Order;
use vitrine_types::Quantity;
use vitrine_types::time::{Day, Timestamp};

/// Renewal point when the mandate sets none: a quarter.
pub const DEFAULT_RENEWAL_DAYS: u16 = 90;
/// Shortest and longest period a household may set, in days.
pub const PERIOD_DAYS: std::ops::RangeInclusive<u16> = 1..=365;

/// A subscription offer's terms, kept on the order it won.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubscriptionTerms {
    /// Days between deliveries.
    pub period_days: u16,
    /// Whether it can be stopped any time (if not, only at renewal).
    pub cancel_anytime: bool,
}

/// Where a subscription is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Deliveries are made.
    Active,
    /// No deliveries until resumed; the category stays covered.
    Paused,
    /// Stopped by the household; the category is auctioned again.
    Stopped,
    /// Reached its renewal point; the category is auctioned again.
    Ended,
}

impl SubscriptionStatus {
    /// As written in the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::Paused => "paused",
            SubscriptionStatus::Stopped => "stopped",
            SubscriptionStatus::Ended => "ended",
        }
    }

    /// Whether it still covers its category's needs.
    pub fn covers(self) -> bool {
        matches!(
            self,
            SubscriptionStatus::Active | SubscriptionStatus::Paused
        )
    }
}

/// One change in a subscription's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubscriptionStep {
    /// What happened (`started`, `delivery_ordered`, `skipped`, `paused`,
    /// `resumed`, `period_set`, `period_adjusted`, `stopped`, `ended`).
    pub what: String,
    /// When.
    pub at: Timestamp,
    /// Who: `household`, `platform`.
    pub by: String,
    /// Details in words, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A standing order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Subscription {
    /// Its identifier.
    pub id: String,
    /// The household.
    pub household: String,
    /// The brand.
    pub brand: String,
    /// The category it covers.
    pub category: String,
    /// The brand's SKU.
    pub sku: String,
    /// What each delivery brings.
    pub quantity: Option<Quantity>,
    /// The price offered per delivery, before the brand's money claims.
    pub offer_price_minor: u64,
    /// The money claims settled per delivery.
    pub credits_minor: u64,
    /// What the household pays per delivery, as settled at the auction.
    pub price_paid_minor: u64,
    /// The terms won.
    pub terms: SubscriptionTerms,
    /// Days between deliveries now.
    pub period_days: u16,
    /// Whether the household set the period (it is then no longer adjusted
    /// to consumption).
    pub period_set_by_household: bool,
    /// The mandate that allowed it.
    pub mandate: Option<String>,
    /// Where it is.
    pub status: SubscriptionStatus,
    /// The order that won it.
    pub first_order: String,
    /// When it started (the first order became final).
    pub started_at: Timestamp,
    /// The next delivery's day.
    pub next_delivery: Day,
    /// Days before a delivery its order is made (the offer's delivery
    /// time).
    pub lead_days: u16,
    /// The day it ends and the category is auctioned again.
    pub renew_on: Day,
    /// Delivery orders made.
    pub deliveries_ordered: u32,
    /// Every change, oldest first.
    pub history: Vec<SubscriptionStep>,
}

/// What the household does to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionAction {
    /// Skip the next delivery not yet ordered.
    Skip,
    /// Stop deliveries until resumed.
    Pause,
    /// Deliveries again, the next one no sooner than its lead time.
    Resume,
    /// Deliver every `n` days.
    SetPeriod(u16),
    /// End it.
    Stop,
}

impl SubscriptionAction {
    /// As the history writes it.
    fn what(self) -> &'static str {
        match self {
            SubscriptionAction::Skip => "skipped",
            SubscriptionAction::Pause => "paused",
            SubscriptionAction::Resume => "resumed",
            SubscriptionAction::SetPeriod(_) => "period_set",
            SubscriptionAction::Stop => "stopped",
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscriptionError {
    /// Not in a status the action applies to.
    #[error("subscription {id} is {status}; {action} is not possible")]
    WrongStatus {
        /// The subscription.
        id: String,
        /// Its status.
        status: &'static str,
        /// The action.
        action: &'static str,
    },
    /// It cannot be stopped before its renewal point (the offer was not
    /// cancel-any-time).
    #[error("subscription {id} cannot be stopped before {renew_on} (its terms bind until renewal)")]
    LockedIn {
        /// The subscription.
        id: String,
        /// When it can end.
        renew_on: Day,
    },
    /// A period outside 1 to 365 days.
    #[error("a period must be 1 to 365 days, not {0}")]
    Period(u16),
}

/// What a subscription needs now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Nothing.
    Nothing,
    /// The order for the delivery on this day is to be made.
    Delivery(Day),
    /// The renewal point is reached: it ends.
    Renewal,
}

impl Subscription {
    /// The subscription `order` starts, if it won a subscription offer and
    /// is not itself a delivery of one: the first delivery is the order's,
    /// the next one a period after it. It ends `renewal_days` after `now`.
    pub fn start(order: &Order, renewal_days: u16, now: Timestamp) -> Option<Subscription> {
        let terms = order.subscription?;
        if order.subscription_id.is_some() {
            return None;
        }
        let lead_days = u16::try_from(order.delivery_day.since(order.created_at.day()).max(0))
            .unwrap_or(u16::MAX);
        Some(Subscription {
            id: format!("sub-{}", order.id.trim_start_matches("ord-")),
            household: order.household.0.clone(),
            brand: order.brand.clone(),
            category: order.category.clone(),
            sku: order.sku.clone(),
            quantity: order.quantity,
            offer_price_minor: order.offer_price_minor,
            credits_minor: order.credits_minor,
            price_paid_minor: order.price_paid_minor,
            terms,
            period_days: terms.period_days.max(1),
            period_set_by_household: false,
            mandate: order.mandate.clone(),
            status: SubscriptionStatus::Active,
            first_order: order.id.clone(),
            started_at: now,
            next_delivery: order.delivery_day.plus(i32::from(terms.period_days.max(1))),
            lead_days,
            renew_on: now.day().plus(i32::from(renewal_days.max(1))),
            deliveries_ordered: 1,
            history: vec![SubscriptionStep {
                what: "started".into(),
                at: now,
                by: "platform".into(),
                note: Some(format!(
                    "every {} days at {}",
                    terms.period_days,
                    crate::explain::money(order.price_paid_minor)
                )),
            }],
        })
    }

    /// What is due on `today`.
    pub fn due(&self, today: Day) -> Due {
        if !self.status.covers() {
            return Due::Nothing;
        }
        if today >= self.renew_on {
            return Due::Renewal;
        }
        if self.status == SubscriptionStatus::Active
            && today >= self.next_delivery.plus(-i32::from(self.lead_days))
        {
            return Due::Delivery(
                self.next_delivery
                    .max(today.plus(i32::from(self.lead_days))),
            );
        }
        Due::Nothing
    }

    /// After the order for the delivery on `day` was made: the next one is
    /// a period later.
    pub fn delivery_ordered(&self, day: Day, order_id: &str, now: Timestamp) -> Subscription {
        let mut next = self.clone();
        next.next_delivery = day.plus(i32::from(self.period_days));
        next.deliveries_ordered += 1;
        next.history.push(SubscriptionStep {
            what: "delivery_ordered".into(),
            at: now,
            by: "platform".into(),
            note: Some(format!("{order_id} for {day}")),
        });
        next
    }

    /// At its renewal point: ended, so the category is auctioned again.
    pub fn renewed(&self, now: Timestamp) -> Subscription {
        self.moved_by_platform(
            SubscriptionStatus::Ended,
            "renewal point reached; the category is auctioned again".into(),
            now,
        )
    }

    /// The subscription put in `status` by the platform (not the
    /// household), with why in `note`; the history says the status
    /// (`ended`, `paused`). Ended when its brand lets a delivery down,
    /// paused when its mandate no longer allows a delivery.
    pub fn moved_by_platform(
        &self,
        status: SubscriptionStatus,
        note: String,
        now: Timestamp,
    ) -> Subscription {
        let mut next = self.clone();
        next.status = status;
        next.history.push(SubscriptionStep {
            what: status.as_str().to_owned(),
            at: now,
            by: "platform".into(),
            note: Some(note),
        });
        next
    }

    /// The period that fits consumption of `rate_per_day` (units of the
    /// quantity per day): a delivery lasts `amount / rate` days, kept
    /// within half to twice the period won. `None` when the household set
    /// the period, or the change would be under two days or a quarter of
    /// the period (noise in the estimate, not a new habit).
    pub fn adjusted(&self, rate_per_day: f64, now: Timestamp) -> Option<Subscription> {
        let amount = f64::from(self.quantity?.amount);
        if self.period_set_by_household || !rate_per_day.is_finite() || rate_per_day <= 0.0 {
            return None;
        }
        let won = f64::from(self.terms.period_days.max(1));
        let fits = (amount / rate_per_day)
            .round()
            .clamp((won / 2.0).ceil().max(1.0), won * 2.0);
        let fits = fits as u16;
        // Small moves are noise in the estimate, not a change of habit: the
        // period moves by at least two days and a quarter of itself.
        let moved = fits.abs_diff(self.period_days);
        if moved < 2 || u32::from(moved) * 4 < u32::from(self.period_days) {
            return None;
        }
        let mut next = self.clone();
        next.history.push(SubscriptionStep {
            what: "period_adjusted".into(),
            at: now,
            by: "platform".into(),
            note: Some(format!(
                "every {} days instead of {}: consumption is {rate_per_day:.2} a day",
                fits, self.period_days
            )),
        });
        // The next delivery moves with the period.
        next.next_delivery = self
            .next_delivery
            .plus(i32::from(fits) - i32::from(self.period_days))
            .max(now.day().plus(i32::from(self.lead_days)));
        next.period_days = fits;
        Some(next)
    }

    /// The subscription after the household's `action` at `now`.
    pub fn act(
        &self,
        action: SubscriptionAction,
        now: Timestamp,
    ) -> Result<Subscription, SubscriptionError> {
        let wrong = |name| SubscriptionError::WrongStatus {
            id: self.id.clone(),
            status: self.status.as_str(),
            action: name,
        };
        let mut next = self.clone();
        let mut note = None;
        match action {
            SubscriptionAction::Skip => {
                if self.status != SubscriptionStatus::Active {
                    return Err(wrong("skip"));
                }
                note = Some(format!("no delivery on {}", self.next_delivery));
                next.next_delivery = self.next_delivery.plus(i32::from(self.period_days));
            }
            SubscriptionAction::Pause => {
                if self.status != SubscriptionStatus::Active {
                    return Err(wrong("pause"));
                }
                next.status = SubscriptionStatus::Paused;
            }
            SubscriptionAction::Resume => {
                if self.status != SubscriptionStatus::Paused {
                    return Err(wrong("resume"));
                }
                next.status = SubscriptionStatus::Active;
                next.next_delivery = self
                    .next_delivery
                    .max(now.day().plus(i32::from(self.lead_days)));
            }
            SubscriptionAction::SetPeriod(days) => {
                if !PERIOD_DAYS.contains(&days) {
                    return Err(SubscriptionError::Period(days));
                }
                if !self.status.covers() {
                    return Err(wrong("set_period"));
                }
                note = Some(format!("every {days} days"));
                next.next_delivery = self
                    .next_delivery
                    .plus(i32::from(days) - i32::from(self.period_days))
                    .max(now.day().plus(i32::from(self.lead_days)));
                next.period_days = days;
                next.period_set_by_household = true;
            }
            SubscriptionAction::Stop => {
                if !self.status.covers() {
                    return Err(wrong("stop"));
                }
                if !self.terms.cancel_anytime && now.day() < self.renew_on {
                    return Err(SubscriptionError::LockedIn {
                        id: self.id.clone(),
                        renew_on: self.renew_on,
                    });
                }
                next.status = SubscriptionStatus::Stopped;
            }
        }
        next.history.push(SubscriptionStep {
            what: action.what().into(),
            at: now,
            by: "household".into(),
            note,
        });
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::HouseholdId;
    use crate::mandate::OrderStatus;
    use vitrine_types::{NeedKind, Unit};

    const NOW: Timestamp = Timestamp(1_767_268_800); // 2026-01-01 12:00 UTC

    fn won(terms: Option<SubscriptionTerms>) -> Order {
        Order {
            id: "ord-abc".into(),
            household: HouseholdId("fam".into()),
            need_id: "need-1".into(),
            need_kind: NeedKind::Replenishment,
            category: "food/dairy/yogurt".into(),
            brand: "dairy".into(),
            sku: "YOG-JAR-SUB".into(),
            quantity: Some(Quantity {
                amount: 7,
                unit: Unit::Piece,
            }),
            offer_price_minor: 400,
            credits_minor: 15,
            price_paid_minor: 385,
            mandate: Some("food".into()),
            status: OrderStatus::Final,
            approved_by_household: false,
            created_at: NOW,
            cancel_until: NOW.plus_hours(24),
            ask_expires_at: None,
            delivery_day: NOW.day().plus(2),
            accept_by: None,
            history: Vec::new(),
            refusal: None,
            shipment: None,
            delivered: None,
            released: Vec::new(),
            subscription: terms,
            subscription_id: None,
        }
    }

    fn weekly() -> Subscription {
        let terms = SubscriptionTerms {
            period_days: 7,
            cancel_anytime: true,
        };
        Subscription::start(&won(Some(terms)), 90, NOW).unwrap()
    }

    #[test]
    fn a_won_subscription_offer_starts_a_subscription_and_a_plain_order_does_not() {
        let s = weekly();
        assert_eq!(s.next_delivery, NOW.day().plus(9));
        assert_eq!(s.lead_days, 2);
        assert_eq!(s.price_paid_minor, 385);
        assert_eq!(s.renew_on, NOW.day().plus(90));
        assert!(Subscription::start(&won(None), 90, NOW).is_none());
        let mut delivery = won(Some(s.terms));
        delivery.subscription_id = Some(s.id.clone());
        assert!(
            Subscription::start(&delivery, 90, NOW).is_none(),
            "a delivery starts nothing"
        );
    }

    #[test]
    fn deliveries_fall_due_their_lead_time_ahead_and_then_every_period() {
        let s = weekly();
        assert_eq!(s.due(NOW.day().plus(6)), Due::Nothing);
        assert_eq!(s.due(NOW.day().plus(7)), Due::Delivery(NOW.day().plus(9)));
        let s = s.delivery_ordered(NOW.day().plus(9), "ord-2", NOW);
        assert_eq!(s.next_delivery, NOW.day().plus(16));
        assert_eq!(s.due(NOW.day().plus(8)), Due::Nothing);
        assert_eq!(s.due(NOW.day().plus(90)), Due::Renewal);
    }

    #[test]
    fn skip_pause_resume_and_stop_move_the_next_delivery_as_a_household_expects() {
        let s = weekly();
        let skipped = s.act(SubscriptionAction::Skip, NOW).unwrap();
        assert_eq!(skipped.next_delivery, s.next_delivery.plus(7));
        let paused = skipped.act(SubscriptionAction::Pause, NOW).unwrap();
        assert_eq!(paused.due(NOW.day().plus(30)), Due::Nothing);
        assert!(paused.act(SubscriptionAction::Skip, NOW).is_err());
        // Resumed a month later: the next delivery is no sooner than its lead time.
        let later = Timestamp(NOW.0 + 30 * 86_400);
        let resumed = paused.act(SubscriptionAction::Resume, later).unwrap();
        assert_eq!(resumed.next_delivery, later.day().plus(2));
        let stopped = resumed.act(SubscriptionAction::Stop, later).unwrap();
        assert!(!stopped.status.covers());
        assert!(stopped.act(SubscriptionAction::Resume, later).is_err());
        assert_eq!(
            stopped
                .history
                .iter()
                .map(|h| h.what.as_str())
                .collect::<Vec<_>>(),
            ["started", "skipped", "paused", "resumed", "stopped"]
        );
    }

    #[test]
    fn a_lock_in_subscription_stops_only_at_renewal() {
        let terms = SubscriptionTerms {
            period_days: 7,
            cancel_anytime: false,
        };
        let s = Subscription::start(&won(Some(terms)), 30, NOW).unwrap();
        assert!(matches!(
            s.act(SubscriptionAction::Stop, NOW),
            Err(SubscriptionError::LockedIn { .. })
        ));
        let at_renewal = Timestamp(NOW.0 + 30 * 86_400);
        assert!(s.act(SubscriptionAction::Stop, at_renewal).is_ok());
    }

    #[test]
    fn the_period_follows_consumption_within_half_to_twice_the_period_won() {
        let s = weekly();
        // 7 jars a week, eaten at 0.5 a day: a delivery lasts 14 days.
        let slower = s.adjusted(0.5, NOW).unwrap();
        assert_eq!(slower.period_days, 14);
        // At 0.1 a day it would last 70 days: capped at twice the period.
        assert_eq!(s.adjusted(0.1, NOW).unwrap().period_days, 14);
        // At 3 a day, 2 days; floored at half the period (4 days).
        assert_eq!(s.adjusted(3.0, NOW).unwrap().period_days, 4);
        assert!(s.adjusted(1.0, NOW).is_none(), "it already fits");
        // A day's difference is noise, not a new habit.
        assert!(s.adjusted(7.0 / 8.0, NOW).is_none());
        assert!(s.adjusted(f64::NAN, NOW).is_none());
        // Once the household sets the period, consumption no longer moves it.
        let set = s.act(SubscriptionAction::SetPeriod(10), NOW).unwrap();
        assert!(set.adjusted(0.5, NOW).is_none());
        assert!(matches!(
            s.act(SubscriptionAction::SetPeriod(0), NOW),
            Err(SubscriptionError::Period(0))
        ));
    }
}
