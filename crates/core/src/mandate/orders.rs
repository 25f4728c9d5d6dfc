//! Orders and the budget ledger, kept together per household under one lock,
//! so that checking a mandate's budget and recording the order that spends it
//! are one step: concurrent decisions for one household can never overspend.
//!
//! Life of an order: `placed` (automatically, or after the household's
//! approval) → `final` once its cancel window has passed, when the brand is
//! told; then the brand drives it (`fulfilment`): `accepted` → `shipped` →
//! `delivered`, or `refused` / `failed`. An ask is `awaiting_approval` →
//! `placed` / `declined` / `expired` (nobody answered within the ask's
//! lifetime); a placed order can be `cancelled` inside its window. Each need
//! gets at most one live order; an expired ask, a refusal and a failed
//! delivery free the need, which is decided again.
//!
//! Every spending order counts against the budgets of every mandate that
//! covers its category, whether it was placed automatically or approved by
//! hand.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use super::fulfilment::{OrderStep, Refusal, Shipment};
use super::period::Period;
use super::rules::{Mandate, MandateContext, MandateDecision, MandateRule, evaluate};
use super::subscription::SubscriptionTerms;
use crate::household::HouseholdId;
use vitrine_types::time::{Day, Timestamp};
use vitrine_types::{NeedKind, Quantity};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for the household to approve or decline.
    AwaitingApproval,
    /// Placed; can be cancelled until its window closes.
    Placed,
    /// Its cancel window is over: the brand is told and must accept or
    /// refuse it by its `accept_by`. (Stored as `dispatched` before
    /// fulfilment was tracked; read as `final`.)
    #[serde(alias = "dispatched")]
    Final,
    /// The brand accepted it.
    Accepted,
    /// The brand refused it (or did not answer in time); its need is decided
    /// again without that brand.
    Refused,
    /// Handed to a carrier.
    Shipped,
    /// Delivered: the household's stock was raised by what arrived.
    Delivered,
    /// The delivery failed; its need is decided again.
    Failed,
    /// Declined by the household.
    Declined,
    /// Cancelled by the household inside the window.
    Cancelled,
    /// Asked, and not answered before the ask expired.
    Expired,
}

impl OrderStatus {
    /// Whether the order spends budget: placed, and every step after it
    /// but a refusal or a failure.
    pub fn spends(self) -> bool {
        matches!(
            self,
            OrderStatus::Placed
                | OrderStatus::Final
                | OrderStatus::Accepted
                | OrderStatus::Shipped
                | OrderStatus::Delivered
        )
    }

    /// Whether the order is on its way to the household: asked, placed,
    /// final, accepted or shipped (its category's stock is coming).
    pub fn in_flight(self) -> bool {
        matches!(
            self,
            OrderStatus::AwaitingApproval
                | OrderStatus::Placed
                | OrderStatus::Final
                | OrderStatus::Accepted
                | OrderStatus::Shipped
        )
    }

    /// The name used in JSON, the store and error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::AwaitingApproval => "awaiting_approval",
            OrderStatus::Placed => "placed",
            OrderStatus::Final => "final",
            OrderStatus::Accepted => "accepted",
            OrderStatus::Refused => "refused",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Failed => "failed",
            OrderStatus::Declined => "declined",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
        }
    }

    /// Whether the order still holds its need: every status but an expired
    /// ask, a refusal and a failed delivery.
    pub fn holds_need(self) -> bool {
        !matches!(
            self,
            OrderStatus::Expired | OrderStatus::Refused | OrderStatus::Failed
        )
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Order {
    /// Its identifier.
    pub id: String,
    /// The household.
    pub household: HouseholdId,
    /// The need it fulfils.
    pub need_id: String,
    /// The need's kind.
    pub need_kind: NeedKind,
    /// The category.
    pub category: String,
    /// The brand.
    pub brand: String,
    /// The brand's SKU.
    pub sku: String,
    /// How much was ordered (the offer's quantity; absent on orders stored
    /// before it was kept).
    #[serde(default)]
    pub quantity: Option<Quantity>,
    /// The price the brand offered, before its money claims.
    pub offer_price_minor: u64,
    /// The brand's money claims (credits, deposits, loyalty), settled:
    /// deducted from what it is paid.
    #[serde(default)]
    pub credits_minor: u64,
    /// The price the household pays (and the brand is paid), net of the
    /// credits.
    pub price_paid_minor: u64,
    /// The mandate that decided (the most specific covering the category),
    /// if any.
    pub mandate: Option<String>,
    /// Its status.
    pub status: OrderStatus,
    /// Whether the household approved it explicitly.
    pub approved_by_household: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// It can be cancelled until this instant.
    pub cancel_until: Timestamp,
    /// An ask expires at this instant if the household has not answered.
    #[serde(default)]
    pub ask_expires_at: Option<Timestamp>,
    /// The day it is expected to arrive.
    pub delivery_day: Day,
    /// Once final: the brand must accept or refuse it by this instant, or it
    /// counts as refused.
    #[serde(default)]
    pub accept_by: Option<Timestamp>,
    /// Every step of its life after creation, oldest first.
    #[serde(default)]
    pub history: Vec<OrderStep>,
    /// Why the brand refused it or the delivery failed.
    #[serde(default)]
    pub refusal: Option<Refusal>,
    /// The carrier and reference, once shipped.
    #[serde(default)]
    pub shipment: Option<Shipment>,
    /// What arrived, once delivered.
    #[serde(default)]
    pub delivered: Option<Quantity>,
    /// The household's fields released to the brand when the order became
    /// final (`delivery.name`, …), so that it can deliver; nothing before.
    #[serde(default)]
    pub released: Vec<String>,
    /// The terms, when the winning offer was a subscription: once final,
    /// the order starts one.
    #[serde(default)]
    pub subscription: Option<SubscriptionTerms>,
    /// The subscription this order is a delivery of.
    #[serde(default)]
    pub subscription_id: Option<String>,
}

/// What to order, from the decision.
#[derive(Debug, Clone)]
pub struct OrderRequest<'a> {
    /// The need.
    pub need_id: &'a str,
    /// Its kind.
    pub need_kind: NeedKind,
    /// Its category.
    pub category: &'a str,
    /// The winning brand, or `None` when nothing can be ordered.
    pub brand: Option<&'a str>,
    /// The winning SKU.
    pub sku: &'a str,
    /// The winning offer's quantity.
    pub quantity: Option<Quantity>,
    /// The offered price.
    pub offer_price_minor: u64,
    /// The winner's settled money claims.
    pub credits_minor: u64,
    /// The price to pay.
    pub price_paid_minor: u64,
    /// The reserve, when the price is above it (the household is asked).
    pub above_reserve: Option<u64>,
    /// The operator's default per-order cap for the category.
    pub default_order_cap_minor: u64,
    /// Days until delivery.
    pub delivery_days: u16,
    /// The winning offer's subscription terms, if it is one.
    pub subscription: Option<SubscriptionTerms>,
    /// The subscription this is a delivery of.
    pub subscription_id: Option<&'a str>,
}

/// The result of placing: the mandate's decision, its rule, and the order
/// (none when declined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Placement {
    /// What the mandate check decided.
    pub decision: MandateDecision,
    /// The rule that decided.
    pub rule: MandateRule,
    /// The order created, if any.
    pub order: Option<Order>,
}

/// Why an order operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum OrderError {
    /// The need already has an order.
    #[error("need {need_id} already has order {order_id}")]
    DuplicateNeed {
        /// The need.
        need_id: String,
        /// Its existing order.
        order_id: String,
    },
    /// No such order for this household.
    #[error("no order {0}")]
    NotFound(String),
    /// The operation does not apply in the order's status.
    #[error("order {order_id} is {status}; {operation} is not possible")]
    WrongStatus {
        /// The order.
        order_id: String,
        /// Its status.
        status: OrderStatus,
        /// What was attempted.
        operation: String,
    },
    /// The ask expired before the household answered.
    #[error("order {order_id} was an ask that expired at {at}")]
    Expired {
        /// The order.
        order_id: String,
        /// When it expired.
        at: Timestamp,
    },
    /// The cancel window has closed.
    #[error("order {order_id} could be cancelled until {until}")]
    TooLate {
        /// The order.
        order_id: String,
        /// When the window closed.
        until: Timestamp,
    },
}

/// Days a settled order (delivered, refused, failed, declined or cancelled)
/// stays in the in-memory book after it was created. The longest mandate
/// period is a calendar month, so no rule looks further back than 31 days;
/// after twice that the order only lives in the store, which the API reads.
/// Without this the book would grow by one order per decision for as long
/// as the service runs.
pub const SETTLED_ORDERS_KEPT_DAYS: i32 = 62;

#[derive(Default)]
struct Book {
    orders: Vec<Order>,
    by_need: HashMap<String, usize>,
    /// Brands of spending orders that left the book (a brand once bought
    /// from stays known).
    past_brands: HashSet<String>,
    /// Length at which the book is next pruned (twice what was kept at the
    /// last pruning, so that pruning costs O(1) per order on average).
    prune_at: usize,
}

impl Book {
    fn spent(&self, mandate: &Mandate, period: Period, today: Day) -> u64 {
        self.counted(mandate, period, today)
            .map(|o| o.price_paid_minor)
            .fold(0, u64::saturating_add)
    }

    fn count(&self, mandate: &Mandate, period: Period, today: Day) -> u32 {
        self.counted(mandate, period, today).count() as u32
    }

    /// Spending orders created in `today`'s period in categories `mandate`
    /// covers, however they were placed.
    fn counted<'a>(
        &'a self,
        mandate: &'a Mandate,
        period: Period,
        today: Day,
    ) -> impl Iterator<Item = &'a Order> + 'a {
        let (start, end) = period.bounds(today);
        self.orders.iter().filter(move |o| {
            let day = o.created_at.day();
            o.status.spends() && day >= start && day <= end && mandate.covers(&o.category)
        })
    }

    /// The live order of `need_id`, if any.
    fn live_order(&self, need_id: &str) -> Option<&Order> {
        self.by_need
            .get(need_id)
            .map(|&i| &self.orders[i])
            .filter(|o| o.status.holds_need())
    }

    fn reindex(&mut self) {
        self.by_need = self
            .orders
            .iter()
            .enumerate()
            .map(|(i, o)| (o.need_id.clone(), i))
            .collect();
    }

    fn knows_brand(&self, brand: &str) -> bool {
        self.past_brands.contains(brand)
            || self
                .orders
                .iter()
                .any(|o| o.brand == brand && o.status.spends())
    }

    fn push(&mut self, order: Order, today: Day) {
        let index = self.orders.len();
        self.by_need.insert(order.need_id.clone(), index);
        self.orders.push(order);
        if self.orders.len() >= self.prune_at {
            self.prune(today);
        }
    }

    /// Drops settled orders created more than `SETTLED_ORDERS_KEPT_DAYS`
    /// before `today`.
    fn prune(&mut self, today: Day) {
        let oldest_kept = today.plus(-SETTLED_ORDERS_KEPT_DAYS);
        let settled = |o: &Order| match o.status {
            OrderStatus::Delivered
            | OrderStatus::Refused
            | OrderStatus::Failed
            | OrderStatus::Declined
            | OrderStatus::Cancelled
            | OrderStatus::Expired => true,
            OrderStatus::AwaitingApproval
            | OrderStatus::Placed
            | OrderStatus::Final
            | OrderStatus::Accepted
            | OrderStatus::Shipped => false,
        };
        let before = self.orders.len();
        let mut leaving = Vec::new();
        self.orders.retain(|o| {
            let keep = !(settled(o) && o.created_at.day() < oldest_kept);
            if !keep && o.status.spends() {
                leaving.push(o.brand.clone());
            }
            keep
        });
        self.past_brands.extend(leaving);
        if self.orders.len() != before {
            self.reindex();
        }
        self.prune_at = (self.orders.len() * 2).max(64);
    }
}

/// Every household's orders and ledger.
#[derive(Default)]
pub struct OrderBook {
    books: Mutex<HashMap<HouseholdId, Arc<Mutex<Book>>>>,
    /// How long a placed order can be cancelled, in hours. Default 24.
    cancel_window_hours: i64,
    /// How long an ask waits for the household, in hours. Default 48.
    ask_expiry_hours: i64,
}

impl OrderBook {
    /// An empty book with a cancel window of `cancel_window_hours` and asks
    /// that expire after `ask_expiry_hours`.
    pub fn new(cancel_window_hours: i64, ask_expiry_hours: i64) -> OrderBook {
        OrderBook {
            books: Mutex::new(HashMap::new()),
            cancel_window_hours,
            ask_expiry_hours,
        }
    }

    fn book(&self, household: &HouseholdId) -> Arc<Mutex<Book>> {
        lock(&self.books)
            .entry(household.clone())
            .or_default()
            .clone()
    }

    /// Checks the mandates and records the order, atomically for the
    /// household. `known_brands` are brands the household bought from
    /// outside Vitrine.
    pub fn place(
        &self,
        household: &HouseholdId,
        mandates: &[Mandate],
        known_brands: &[String],
        request: &OrderRequest<'_>,
        now: Timestamp,
    ) -> Result<Placement, OrderError> {
        let book = self.book(household);
        let mut book = lock(&book);
        if let Some(order) = book.live_order(request.need_id) {
            return Err(OrderError::DuplicateNeed {
                need_id: request.need_id.to_owned(),
                order_id: order.id.clone(),
            });
        }
        let today = now.day();
        let known_brand = request.brand.is_some_and(|brand| {
            known_brands.iter().any(|b| b == brand) || book.knows_brand(brand)
        });
        let spent = |mandate: &Mandate, period: Period| book.spent(mandate, period, today);
        let orders = |mandate: &Mandate, period: Period| book.count(mandate, period, today);
        let (decision, rule) = evaluate(
            mandates,
            &MandateContext {
                need_kind: request.need_kind,
                category: request.category,
                brand: request.brand,
                price_minor: request.price_paid_minor,
                above_reserve: request.above_reserve,
                default_order_cap_minor: request.default_order_cap_minor,
                now,
                known_brand,
                spent: &spent,
                orders: &orders,
            },
        );
        let status = match decision {
            MandateDecision::Ordered => OrderStatus::Placed,
            MandateDecision::AwaitingApproval => OrderStatus::AwaitingApproval,
            MandateDecision::Declined => {
                return Ok(Placement {
                    decision,
                    rule,
                    order: None,
                });
            }
        };
        let mandate = super::rules::covering(mandates, request.category).map(|m| m.id.clone());
        let order = Order {
            id: format!("ord-{}", vitrine_types::random_request_id()),
            household: household.clone(),
            need_id: request.need_id.to_owned(),
            need_kind: request.need_kind,
            category: request.category.to_owned(),
            brand: request.brand.unwrap_or_default().to_owned(),
            sku: request.sku.to_owned(),
            quantity: request.quantity,
            offer_price_minor: request.offer_price_minor,
            credits_minor: request.credits_minor,
            price_paid_minor: request.price_paid_minor,
            mandate,
            status,
            approved_by_household: false,
            created_at: now,
            cancel_until: now.plus_hours(self.cancel_window_hours),
            ask_expires_at: (status == OrderStatus::AwaitingApproval)
                .then(|| now.plus_hours(self.ask_expiry_hours)),
            delivery_day: today.plus(i32::from(request.delivery_days)),
            accept_by: None,
            history: vec![OrderStep {
                status,
                at: now,
                by: "platform".into(),
            }],
            refusal: None,
            shipment: None,
            delivered: None,
            released: Vec::new(),
            subscription: request.subscription,
            subscription_id: request.subscription_id.map(str::to_owned),
        };
        book.push(order.clone(), today);
        Ok(Placement {
            decision,
            rule,
            order: Some(order),
        })
    }

    fn update(
        &self,
        household: &HouseholdId,
        order_id: &str,
        f: impl FnOnce(&mut Order) -> Result<(), OrderError>,
    ) -> Result<Order, OrderError> {
        let book = self.book(household);
        let mut book = lock(&book);
        let order = book
            .orders
            .iter_mut()
            .find(|o| o.id == order_id)
            .ok_or_else(|| OrderError::NotFound(order_id.to_owned()))?;
        f(order)?;
        Ok(order.clone())
    }

    /// Puts back an order read from the store (at start-up); a later copy of
    /// the same order replaces the earlier one. Settled orders older than
    /// `SETTLED_ORDERS_KEPT_DAYS` before `today` are left out again.
    pub fn restore(&self, order: Order, today: Day) {
        let book = self.book(&order.household);
        let mut book = lock(&book);
        if let Some(index) = book.orders.iter().position(|o| o.id == order.id) {
            book.orders[index] = order;
        } else {
            book.push(order, today);
        }
    }

    /// Remembers that `household` bought from `brands` (at start-up: the
    /// store keeps every brand a household ever had a spending order from,
    /// while only recent orders are put back in the book), so a first
    /// order from them is not asked again.
    pub fn remember_brands(
        &self,
        household: &HouseholdId,
        brands: impl IntoIterator<Item = String>,
    ) {
        let book = self.book(household);
        lock(&book).past_brands.extend(brands);
    }

    /// Removes order `order_id` (its decision could not be stored, so it
    /// was never taken).
    pub fn discard(&self, household: &HouseholdId, order_id: &str) {
        let book = self.book(household);
        let mut book = lock(&book);
        if let Some(index) = book.orders.iter().position(|o| o.id == order_id) {
            book.orders.remove(index);
            book.reindex();
        }
    }

    /// Forgets a household's orders (after its erasure).
    pub fn forget(&self, household: &HouseholdId) {
        lock(&self.books).remove(household);
    }

    /// The household approves an order that was waiting; it is placed and
    /// its cancel window starts now. An explicit approval is not held to the
    /// mandate's limits (that is the point of asking), but its spending is
    /// recorded.
    pub fn approve(
        &self,
        household: &HouseholdId,
        order_id: &str,
        now: Timestamp,
    ) -> Result<Order, OrderError> {
        let window = self.cancel_window_hours;
        self.update(household, order_id, |o| {
            expect_status(o, OrderStatus::AwaitingApproval, "approve")?;
            expect_unexpired(o, now)?;
            o.status = OrderStatus::Placed;
            o.approved_by_household = true;
            o.cancel_until = now.plus_hours(window);
            o.history.push(OrderStep::household(o.status, now));
            Ok(())
        })
    }

    /// The household declines an order that was waiting.
    pub fn decline(
        &self,
        household: &HouseholdId,
        order_id: &str,
        now: Timestamp,
    ) -> Result<Order, OrderError> {
        self.update(household, order_id, |o| {
            expect_status(o, OrderStatus::AwaitingApproval, "decline")?;
            expect_unexpired(o, now)?;
            o.status = OrderStatus::Declined;
            o.history.push(OrderStep::household(o.status, now));
            Ok(())
        })
    }

    /// The books of `household` (with `None`, every household's).
    fn books_of(&self, household: Option<&HouseholdId>) -> Vec<Arc<Mutex<Book>>> {
        let books = lock(&self.books);
        match household {
            None => books.values().cloned().collect(),
            Some(h) => books.get(h).cloned().into_iter().collect(),
        }
    }

    /// Expires every ask whose lifetime has passed; their needs are free to
    /// be decided again.
    pub fn expire_due(&self, now: Timestamp) -> Vec<Order> {
        self.expire_due_in(None, now)
    }

    /// [`OrderBook::expire_due`] for one household (`None`: every one).
    pub fn expire_due_in(&self, household: Option<&HouseholdId>, now: Timestamp) -> Vec<Order> {
        let books = self.books_of(household);
        let mut expired = Vec::new();
        for book in books {
            for order in lock(&book).orders.iter_mut() {
                if order.status == OrderStatus::AwaitingApproval
                    && order.ask_expires_at.is_some_and(|at| now >= at)
                {
                    order.status = OrderStatus::Expired;
                    order.history.push(OrderStep::platform(order.status, now));
                    expired.push(order.clone());
                }
            }
        }
        expired
    }

    /// What is left of the budgets of the mandates covering `category` in
    /// `today`'s periods (the least of them), or `None` when no budget
    /// covers it. A snapshot: placing checks again, atomically.
    pub(crate) fn budget_left(
        &self,
        household: &HouseholdId,
        mandates: &[Mandate],
        category: &str,
        today: Day,
    ) -> Option<u64> {
        let book = self.book(household);
        let book = lock(&book);
        mandates
            .iter()
            .filter(|m| m.covers(category))
            .flat_map(|m| {
                m.budgets
                    .iter()
                    .map(|b| b.limit_minor.saturating_sub(book.spent(m, b.period, today)))
            })
            .min()
    }

    /// The household cancels a placed order inside its window; its spending
    /// leaves the ledger.
    pub fn cancel(
        &self,
        household: &HouseholdId,
        order_id: &str,
        now: Timestamp,
    ) -> Result<Order, OrderError> {
        self.update(household, order_id, |o| {
            expect_status(o, OrderStatus::Placed, "cancel")?;
            if now >= o.cancel_until {
                return Err(OrderError::TooLate {
                    order_id: o.id.clone(),
                    until: o.cancel_until,
                });
            }
            o.status = OrderStatus::Cancelled;
            o.history.push(OrderStep::household(o.status, now));
            Ok(())
        })
    }

    /// Makes final every placed order whose cancel window has closed: its
    /// brand must accept or refuse it within `accept_hours`.
    pub fn dispatch_due(&self, now: Timestamp, accept_hours: i64) -> Vec<Order> {
        self.dispatch_due_in(None, now, accept_hours)
    }

    /// [`OrderBook::dispatch_due`] for one household (`None`: every one).
    pub fn dispatch_due_in(
        &self,
        household: Option<&HouseholdId>,
        now: Timestamp,
        accept_hours: i64,
    ) -> Vec<Order> {
        let books = self.books_of(household);
        let mut dispatched = Vec::new();
        for book in books {
            for order in lock(&book).orders.iter_mut() {
                if order.status == OrderStatus::Placed && now >= order.cancel_until {
                    order.status = OrderStatus::Final;
                    order.accept_by = Some(now.plus_hours(accept_hours));
                    order.history.push(OrderStep::platform(order.status, now));
                    dispatched.push(order.clone());
                }
            }
        }
        dispatched
    }

    /// Final orders whose brand did not answer by their `accept_by`, as
    /// they are once refused for it (the book is unchanged: the caller
    /// stores them, then [`OrderBook::replace`]s them).
    pub fn unanswered_due(&self, now: Timestamp) -> Vec<Order> {
        self.unanswered_due_in(None, now)
    }

    /// [`OrderBook::unanswered_due`] for one household (`None`: every one).
    pub fn unanswered_due_in(&self, household: Option<&HouseholdId>, now: Timestamp) -> Vec<Order> {
        let books = self.books_of(household);
        let mut due = Vec::new();
        for book in books {
            for order in lock(&book).orders.iter() {
                if order.status == OrderStatus::Final && order.accept_by.is_some_and(|at| now >= at)
                {
                    due.push(super::fulfilment::unanswered(order, now));
                }
            }
        }
        due
    }

    /// Brands whose order for `need_id` they refused or failed to deliver,
    /// each with what it did in words ("refused it (out of stock)"): the
    /// need is decided again without them, and the explanation says why.
    pub fn let_down(&self, household: &HouseholdId, need_id: &str) -> Vec<(String, String)> {
        let book = self.book(household);
        let book = lock(&book);
        book.orders
            .iter()
            .filter(|o| {
                o.need_id == need_id
                    && matches!(o.status, OrderStatus::Refused | OrderStatus::Failed)
            })
            .map(|o| {
                let why = o
                    .refusal
                    .as_ref()
                    .map_or("no reason given", |r| r.reason.words());
                let what = if o.status == OrderStatus::Failed {
                    "failed to deliver it"
                } else {
                    "refused it"
                };
                (o.brand.clone(), format!("{what} ({why})"))
            })
            .collect()
    }

    /// Asks for `need_id` that expired unanswered: (brand, when it
    /// expired), for the explanation of the need's next decision.
    pub fn expired_asks(&self, household: &HouseholdId, need_id: &str) -> Vec<(String, Timestamp)> {
        let book = self.book(household);
        let book = lock(&book);
        book.orders
            .iter()
            .filter(|o| o.need_id == need_id && o.status == OrderStatus::Expired)
            .map(|o| {
                let at = o.history.last().map_or(o.created_at, |s| s.at);
                (o.brand.clone(), at)
            })
            .collect()
    }

    /// The order `order_id` of `household`, as the book has it.
    pub fn order(&self, household: &HouseholdId, order_id: &str) -> Option<Order> {
        let book = self.book(household);
        let book = lock(&book);
        book.orders.iter().find(|o| o.id == order_id).cloned()
    }

    /// Puts `order` in the book in place of the order with its id (a
    /// change the store has committed). Returns false when the book does not
    /// hold it.
    pub fn replace(&self, order: Order) -> bool {
        let book = self.book(&order.household);
        let mut book = lock(&book);
        match book.orders.iter().position(|o| o.id == order.id) {
            Some(index) => {
                book.orders[index] = order;
                true
            }
            None => false,
        }
    }

    /// Categories with an order in flight: asked, placed, final, accepted
    /// or shipped (delivered stock is counted as a purchase instead).
    pub fn in_flight_categories(&self, household: &HouseholdId, _today: Day) -> Vec<String> {
        let book = self.book(household);
        let book = lock(&book);
        book.orders
            .iter()
            .filter(|o| o.status.in_flight())
            .map(|o| o.category.clone())
            .collect()
    }

    /// The live order already made for `need_id`, if any (an expired ask
    /// does not count).
    pub(crate) fn order_for_need(&self, household: &HouseholdId, need_id: &str) -> Option<String> {
        let book = self.book(household);
        let book = lock(&book);
        book.live_order(need_id).map(|o| o.id.clone())
    }

    /// The household's orders in the book, oldest first: every order but
    /// the settled ones older than `SETTLED_ORDERS_KEPT_DAYS` (the store
    /// has them all).
    pub fn orders(&self, household: &HouseholdId) -> Vec<Order> {
        lock(&self.book(household)).orders.clone()
    }

    /// What the household spent in the categories `mandate` covers in the
    /// `period` containing `day`.
    pub fn spent(
        &self,
        household: &HouseholdId,
        mandate: &Mandate,
        period: Period,
        day: Day,
    ) -> u64 {
        lock(&self.book(household)).spent(mandate, period, day)
    }
}

impl OrderStep {
    fn household(status: OrderStatus, at: Timestamp) -> OrderStep {
        OrderStep {
            status,
            at,
            by: "household".into(),
        }
    }

    fn platform(status: OrderStatus, at: Timestamp) -> OrderStep {
        OrderStep {
            status,
            at,
            by: "platform".into(),
        }
    }
}

fn expect_unexpired(order: &Order, now: Timestamp) -> Result<(), OrderError> {
    match order.ask_expires_at {
        Some(at) if now >= at => Err(OrderError::Expired {
            order_id: order.id.clone(),
            at,
        }),
        _ => Ok(()),
    }
}

fn expect_status(order: &Order, status: OrderStatus, operation: &str) -> Result<(), OrderError> {
    if order.status == status {
        Ok(())
    } else {
        Err(OrderError::WrongStatus {
            order_id: order.id.clone(),
            status: order.status,
            operation: operation.to_owned(),
        })
    }
}

/// Locks, recovering from a poisoned lock (a panic elsewhere must not make
/// every later order fail; the data is always left consistent between
/// statements).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mandate::fulfilment::{Fulfil, step};
    use crate::mandate::rules::Budget;

    fn request<'a>(need: &'a str, price: u64) -> OrderRequest<'a> {
        OrderRequest {
            need_id: need,
            need_kind: NeedKind::Replenishment,
            category: "food/dairy/yogurt",
            brand: Some("dairy"),
            sku: "YOG",
            quantity: None,
            offer_price_minor: price,
            credits_minor: 0,
            price_paid_minor: price,
            above_reserve: None,
            default_order_cap_minor: 10_000,
            delivery_days: 1,
            subscription: None,
            subscription_id: None,
        }
    }

    fn mandate() -> Mandate {
        Mandate {
            budgets: vec![Budget {
                period: Period::Week,
                limit_minor: 1_000,
            }],
            new_brand_asks: false,
            ..Mandate::new("dairy", &["food/dairy"])
        }
    }

    const NOW: Timestamp = Timestamp(20_000 * 86_400 + 10 * 3_600);

    #[test]
    fn settled_orders_leave_the_book_after_the_kept_days_and_their_brand_stays_known() {
        let book = OrderBook::new(24, 48);
        let h = HouseholdId("h".into());
        let mut generous = mandate();
        generous.budgets[0].limit_minor = u64::MAX / 4;
        generous.new_brand_asks = true;
        // Bought once from dairy long ago (approved, as a new brand asks),
        // final, accepted and delivered.
        let first = book
            .place(&h, &[generous.clone()], &[], &request("n0", 100), NOW)
            .unwrap();
        book.approve(&h, &first.order.unwrap().id, NOW).unwrap();
        let dispatched = book.dispatch_due(NOW.plus_hours(25), 24);
        assert_eq!(dispatched.len(), 1);
        let later = NOW.plus_hours(26);
        let accepted = step(&dispatched[0], "dairy", &Fulfil::Accept, later).unwrap();
        let delivered = step(&accepted, "dairy", &Fulfil::Deliver(None), later).unwrap();
        assert!(book.replace(delivered));
        // A cancelled order and one still waiting, as old.
        let cancelled = book
            .place(
                &h,
                &[generous.clone()],
                &["dairy".into()],
                &request("n1", 100),
                NOW,
            )
            .unwrap();
        book.cancel(&h, &cancelled.order.unwrap().id, NOW).unwrap();
        let mut asks = generous.clone();
        asks.budgets[0].limit_minor = 1;
        let waiting = book
            .place(&h, &[asks], &[], &request("n2", 100), NOW)
            .unwrap();
        assert_eq!(waiting.decision, MandateDecision::AwaitingApproval);
        // Months later, enough orders to prune.
        let later = Timestamp(NOW.0 + 86_400 * i64::from(SETTLED_ORDERS_KEPT_DAYS + 1));
        for n in 0..100 {
            let need = format!("m{n}");
            let farm = OrderRequest {
                brand: Some("farm"),
                ..request(&need, 1)
            };
            book.place(&h, &[generous.clone()], &[], &farm, later)
                .unwrap();
        }
        let kept = book.orders(&h);
        assert_eq!(
            kept.len(),
            101,
            "the two settled ones left, the waiting one stayed"
        );
        assert!(kept.iter().any(|o| o.need_id == "n2"));
        assert!(!kept.iter().any(|o| o.need_id == "n0" || o.need_id == "n1"));
        // The brand bought from is still known: no asking again.
        let known = book
            .place(&h, &[generous], &[], &request("m-last", 1), later)
            .unwrap();
        assert_eq!(known.decision, MandateDecision::Ordered);
        // Lookups by need still find the right orders after the pruning.
        assert_eq!(
            book.order_for_need(&h, "m50"),
            kept.iter()
                .find(|o| o.need_id == "m50")
                .map(|o| o.id.clone())
        );
    }

    #[test]
    fn one_need_gets_one_order() {
        let book = OrderBook::new(24, 48);
        let h = HouseholdId("h".into());
        book.place(&h, &[mandate()], &[], &request("n1", 300), NOW)
            .unwrap();
        let again = book.place(&h, &[mandate()], &[], &request("n1", 300), NOW);
        assert!(matches!(again, Err(OrderError::DuplicateNeed { .. })));
    }

    #[test]
    fn cancel_inside_the_window_frees_the_budget_and_not_after() {
        let book = OrderBook::new(24, 48);
        let h = HouseholdId("h".into());
        let placed = book
            .place(&h, &[mandate()], &[], &request("n1", 800), NOW)
            .unwrap();
        let order = placed.order.unwrap();
        assert_eq!(book.spent(&h, &mandate(), Period::Week, NOW.day()), 800);
        let over = book
            .place(&h, &[mandate()], &[], &request("n2", 300), NOW)
            .unwrap();
        assert_eq!(over.decision, MandateDecision::AwaitingApproval);
        book.cancel(&h, &order.id, NOW.plus_hours(23)).unwrap();
        assert_eq!(book.spent(&h, &mandate(), Period::Week, NOW.day()), 0);
        let placed = book
            .place(&h, &[mandate()], &[], &request("n3", 300), NOW)
            .unwrap();
        let late = book.cancel(&h, &placed.order.unwrap().id, NOW.plus_hours(25));
        assert!(matches!(late, Err(OrderError::TooLate { .. })));
    }

    #[test]
    fn approval_places_and_decline_closes_a_waiting_order() {
        let book = OrderBook::new(24, 48);
        let h = HouseholdId("h".into());
        let mut strict = mandate();
        strict.new_brand_asks = true;
        let waiting = book
            .place(&h, &[strict.clone()], &[], &request("n1", 300), NOW)
            .unwrap();
        assert_eq!(waiting.decision, MandateDecision::AwaitingApproval);
        let order = book.approve(&h, &waiting.order.unwrap().id, NOW).unwrap();
        assert_eq!(
            (order.status, order.approved_by_household),
            (OrderStatus::Placed, true)
        );
        assert!(matches!(
            book.approve(&h, &order.id, NOW),
            Err(OrderError::WrongStatus { .. })
        ));
        // The brand is now known: the next order is automatic.
        let next = book
            .place(&h, &[strict], &[], &request("n2", 300), NOW)
            .unwrap();
        assert_eq!(next.decision, MandateDecision::Ordered);
        assert_eq!(book.dispatch_due(NOW.plus_hours(30), 24).len(), 2);
        // Final orders stay in flight until their brand delivers them.
        assert!(!book.in_flight_categories(&h, NOW.day().plus(5)).is_empty());
    }

    #[test]
    fn an_order_the_household_approved_counts_against_every_covering_budget() {
        let book = OrderBook::new(24, 48);
        let h = HouseholdId("h".into());
        let food = Mandate {
            budgets: vec![Budget {
                period: Period::Week,
                limit_minor: 1_000,
            }],
            new_brand_asks: true,
            ..Mandate::new("food", &["food"])
        };
        let dairy = Mandate {
            new_brand_asks: true,
            ..mandate()
        };
        let mandates = [food.clone(), dairy];
        // A new brand asks; the household approves by hand.
        let asked = book
            .place(&h, &mandates, &[], &request("n1", 700), NOW)
            .unwrap();
        assert_eq!(asked.decision, MandateDecision::AwaitingApproval);
        book.approve(&h, &asked.order.unwrap().id, NOW).unwrap();
        assert_eq!(book.spent(&h, &food, Period::Week, NOW.day()), 700);
        assert_eq!(book.spent(&h, &mandate(), Period::Week, NOW.day()), 700);
        assert_eq!(
            book.budget_left(&h, &mandates, "food/dairy/yogurt", NOW.day()),
            Some(300)
        );
        // 400 more fits the dairy mandate's own budget only if the food
        // budget also holds: it does not.
        let over = book
            .place(&h, &mandates, &["dairy".into()], &request("n2", 400), NOW)
            .unwrap();
        assert!(matches!(
            over.rule,
            MandateRule::OverBudget { ref mandate, .. } if mandate == "food" || mandate == "dairy"
        ));
    }

    #[test]
    fn an_ask_expires_frees_its_need_and_can_no_longer_be_approved() {
        let book = OrderBook::new(24, 48);
        let h = HouseholdId("h".into());
        let mut strict = mandate();
        strict.new_brand_asks = true;
        let asked = book
            .place(&h, &[strict.clone()], &[], &request("n1", 300), NOW)
            .unwrap();
        let order = asked.order.unwrap();
        assert_eq!(order.ask_expires_at, Some(NOW.plus_hours(48)));
        assert!(book.expire_due(NOW.plus_hours(47)).is_empty());
        assert!(matches!(
            book.approve(&h, &order.id, NOW.plus_hours(49)),
            Err(OrderError::Expired { .. })
        ));
        let expired = book.expire_due(NOW.plus_hours(48));
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].status, OrderStatus::Expired);
        assert_eq!(book.order_for_need(&h, "n1"), None, "the need is free");
        let again = book
            .place(&h, &[strict], &[], &request("n1", 300), NOW.plus_hours(49))
            .unwrap();
        assert!(again.order.is_some());
    }
}
