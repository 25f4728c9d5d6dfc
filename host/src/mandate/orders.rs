//! Orders and the budget ledger, kept together per household under one lock,
//! so that checking a mandate's budget and recording the order that spends it
//! are one step: concurrent decisions for one household can never overspend.
//!
//! Life of an order: `placed` (automatically, or after the household's
//! approval) → `dispatched` once its cancel window has passed; or
//! `awaiting_approval` → `placed` / `declined`; a placed order can be
//! `cancelled` inside its window. Each need gets at most one order.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::rules::{Mandate, MandateContext, MandateDecision, MandateRule, evaluate};
use crate::household::HouseholdId;
use crate::model::NeedKind;
use crate::time::{Day, Timestamp};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for the household to approve or decline.
    AwaitingApproval,
    /// Placed; can be cancelled until its window closes.
    Placed,
    /// On its way; can no longer be cancelled.
    Dispatched,
    /// Declined by the household.
    Declined,
    /// Cancelled by the household inside the window.
    Cancelled,
}

impl OrderStatus {
    /// Whether the order spends budget (placed or dispatched).
    pub fn spends(self) -> bool {
        matches!(self, OrderStatus::Placed | OrderStatus::Dispatched)
    }
}

/// One order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The price the brand offered.
    pub offer_price_minor: u64,
    /// The price the household pays.
    pub price_paid_minor: u64,
    /// The mandate it counts against, if it was within one.
    pub mandate: Option<String>,
    /// Its status.
    pub status: OrderStatus,
    /// Whether the household approved it explicitly.
    pub approved_by_household: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// It can be cancelled until this instant.
    pub cancel_until: Timestamp,
    /// The day it is expected to arrive.
    pub delivery_day: Day,
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
    /// The offered price.
    pub offer_price_minor: u64,
    /// The price to pay.
    pub price_paid_minor: u64,
    /// Days until delivery.
    pub delivery_days: u16,
}

/// The result of placing: the mandate's decision, its rule, and the order
/// (none when declined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[error("order {order_id} is {status:?}; {operation} is not possible")]
    WrongStatus {
        /// The order.
        order_id: String,
        /// Its status.
        status: OrderStatus,
        /// What was attempted.
        operation: String,
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

/// Days a settled order (dispatched and delivered, declined or cancelled)
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
    fn spent(&self, mandate: &str, period: Period, today: Day) -> u64 {
        self.counted(mandate, period, today)
            .map(|o| o.price_paid_minor)
            .sum()
    }

    fn count(&self, mandate: &str, period: Period, today: Day) -> u32 {
        self.counted(mandate, period, today).count() as u32
    }

    fn counted<'a>(
        &'a self,
        mandate: &'a str,
        period: Period,
        today: Day,
    ) -> impl Iterator<Item = &'a Order> + 'a {
        let (start, end) = period.bounds(today);
        self.orders.iter().filter(move |o| {
            let day = o.created_at.day();
            o.status.spends() && day >= start && day <= end && o.mandate.as_deref() == Some(mandate)
        })
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

    /// Drops settled orders created more than [`SETTLED_ORDERS_KEPT_DAYS`]
    /// before `today`.
    fn prune(&mut self, today: Day) {
        let oldest_kept = today.plus(-SETTLED_ORDERS_KEPT_DAYS);
        let settled = |o: &Order| match o.status {
            OrderStatus::Dispatched => o.delivery_day < today,
            OrderStatus::Declined | OrderStatus::Cancelled => true,
            OrderStatus::AwaitingApproval | OrderStatus::Placed => false,
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
            self.by_need = self
                .orders
                .iter()
                .enumerate()
                .map(|(i, o)| (o.need_id.clone(), i))
                .collect();
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
}

impl OrderBook {
    /// An empty book with a cancel window of `cancel_window_hours`.
    pub fn new(cancel_window_hours: i64) -> OrderBook {
        OrderBook {
            books: Mutex::new(HashMap::new()),
            cancel_window_hours,
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
        if let Some(&index) = book.by_need.get(request.need_id) {
            return Err(OrderError::DuplicateNeed {
                need_id: request.need_id.to_owned(),
                order_id: book.orders[index].id.clone(),
            });
        }
        let today = now.day();
        let known_brand = request.brand.is_some_and(|brand| {
            known_brands.iter().any(|b| b == brand) || book.knows_brand(brand)
        });
        let spent = |mandate: &str, period: Period| book.spent(mandate, period, today);
        let orders = |mandate: &str, period: Period| book.count(mandate, period, today);
        let (decision, rule) = evaluate(
            mandates,
            &MandateContext {
                need_kind: request.need_kind,
                category: request.category,
                brand: request.brand,
                price_minor: request.price_paid_minor,
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
        let mandate = match &rule {
            MandateRule::Within { mandate } => Some(mandate.clone()),
            _ => None,
        };
        let order = Order {
            id: format!("ord-{}", crate::model::random_request_id()),
            household: household.clone(),
            need_id: request.need_id.to_owned(),
            need_kind: request.need_kind,
            category: request.category.to_owned(),
            brand: request.brand.unwrap_or_default().to_owned(),
            sku: request.sku.to_owned(),
            offer_price_minor: request.offer_price_minor,
            price_paid_minor: request.price_paid_minor,
            mandate,
            status,
            approved_by_household: false,
            created_at: now,
            cancel_until: now.plus_hours(self.cancel_window_hours),
            delivery_day: today.plus(i32::from(request.delivery_days)),
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
    /// [`SETTLED_ORDERS_KEPT_DAYS`] before `today` are left out again.
    pub fn restore(&self, order: Order, today: Day) {
        let book = self.book(&order.household);
        let mut book = lock(&book);
        if let Some(&index) = book.by_need.get(&order.need_id) {
            book.orders[index] = order;
        } else {
            book.push(order, today);
        }
    }

    /// Removes the order made for `need_id` (its decision could not be
    /// stored, so it was never taken).
    pub fn discard(&self, household: &HouseholdId, need_id: &str) {
        let book = self.book(household);
        let mut book = lock(&book);
        if let Some(index) = book.by_need.remove(need_id) {
            book.orders.remove(index);
            for i in book.by_need.values_mut() {
                if *i > index {
                    *i -= 1;
                }
            }
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
            o.status = OrderStatus::Placed;
            o.approved_by_household = true;
            o.cancel_until = now.plus_hours(window);
            Ok(())
        })
    }

    /// The household declines an order that was waiting.
    pub fn decline(&self, household: &HouseholdId, order_id: &str) -> Result<Order, OrderError> {
        self.update(household, order_id, |o| {
            expect_status(o, OrderStatus::AwaitingApproval, "decline")?;
            o.status = OrderStatus::Declined;
            Ok(())
        })
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
            Ok(())
        })
    }

    /// Dispatches every placed order whose cancel window has closed.
    pub fn dispatch_due(&self, now: Timestamp) -> Vec<Order> {
        let books: Vec<_> = lock(&self.books).values().cloned().collect();
        let mut dispatched = Vec::new();
        for book in books {
            for order in lock(&book).orders.iter_mut() {
                if order.status == OrderStatus::Placed && now >= order.cancel_until {
                    order.status = OrderStatus::Dispatched;
                    dispatched.push(order.clone());
                }
            }
        }
        dispatched
    }

    /// Categories with an order in flight on `today`: awaiting approval,
    /// placed, or dispatched and not yet delivered.
    pub fn in_flight_categories(&self, household: &HouseholdId, today: Day) -> Vec<String> {
        let book = self.book(household);
        let book = lock(&book);
        book.orders
            .iter()
            .filter(|o| match o.status {
                OrderStatus::AwaitingApproval | OrderStatus::Placed => true,
                OrderStatus::Dispatched => o.delivery_day > today,
                OrderStatus::Declined | OrderStatus::Cancelled => false,
            })
            .map(|o| o.category.clone())
            .collect()
    }

    /// The order already made for `need_id`, if any.
    pub fn order_for_need(&self, household: &HouseholdId, need_id: &str) -> Option<String> {
        let book = self.book(household);
        let book = lock(&book);
        book.by_need
            .get(need_id)
            .map(|&i| book.orders[i].id.clone())
    }

    /// The household's orders in the book, oldest first: every order but
    /// the settled ones older than [`SETTLED_ORDERS_KEPT_DAYS`] (the store
    /// has them all).
    pub fn orders(&self, household: &HouseholdId) -> Vec<Order> {
        lock(&self.book(household)).orders.clone()
    }

    /// What the household spent under `mandate` in the `period` containing
    /// `day`.
    pub fn spent(&self, household: &HouseholdId, mandate: &str, period: Period, day: Day) -> u64 {
        lock(&self.book(household)).spent(mandate, period, day)
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
    use crate::mandate::rules::Budget;

    fn request<'a>(need: &'a str, price: u64) -> OrderRequest<'a> {
        OrderRequest {
            need_id: need,
            need_kind: NeedKind::Replenishment,
            category: "food/dairy/yogurt",
            brand: Some("dairy"),
            sku: "YOG",
            offer_price_minor: price,
            price_paid_minor: price,
            delivery_days: 1,
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
        let book = OrderBook::new(24);
        let h = HouseholdId("h".into());
        let mut generous = mandate();
        generous.budgets[0].limit_minor = u64::MAX / 4;
        generous.new_brand_asks = true;
        // Bought once from dairy long ago (approved, as a new brand asks),
        // dispatched and delivered.
        let first = book
            .place(&h, &[generous.clone()], &[], &request("n0", 100), NOW)
            .unwrap();
        book.approve(&h, &first.order.unwrap().id, NOW).unwrap();
        assert_eq!(book.dispatch_due(NOW.plus_hours(25)).len(), 1);
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
        asks.budgets[0].limit_minor = 0;
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
        let book = OrderBook::new(24);
        let h = HouseholdId("h".into());
        book.place(&h, &[mandate()], &[], &request("n1", 300), NOW)
            .unwrap();
        let again = book.place(&h, &[mandate()], &[], &request("n1", 300), NOW);
        assert!(matches!(again, Err(OrderError::DuplicateNeed { .. })));
    }

    #[test]
    fn cancel_inside_the_window_frees_the_budget_and_not_after() {
        let book = OrderBook::new(24);
        let h = HouseholdId("h".into());
        let placed = book
            .place(&h, &[mandate()], &[], &request("n1", 800), NOW)
            .unwrap();
        let order = placed.order.unwrap();
        assert_eq!(book.spent(&h, "dairy", Period::Week, NOW.day()), 800);
        let over = book
            .place(&h, &[mandate()], &[], &request("n2", 300), NOW)
            .unwrap();
        assert_eq!(over.decision, MandateDecision::AwaitingApproval);
        book.cancel(&h, &order.id, NOW.plus_hours(23)).unwrap();
        assert_eq!(book.spent(&h, "dairy", Period::Week, NOW.day()), 0);
        let placed = book
            .place(&h, &[mandate()], &[], &request("n3", 300), NOW)
            .unwrap();
        let late = book.cancel(&h, &placed.order.unwrap().id, NOW.plus_hours(25));
        assert!(matches!(late, Err(OrderError::TooLate { .. })));
    }

    #[test]
    fn approval_places_and_decline_closes_a_waiting_order() {
        let book = OrderBook::new(24);
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
        assert_eq!(book.dispatch_due(NOW.plus_hours(30)).len(), 2);
        assert!(book.in_flight_categories(&h, NOW.day().plus(5)).is_empty());
    }
}
