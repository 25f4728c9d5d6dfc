//! Fulfilment: what the winning brand does with a final order. The brand
//! accepts or refuses it, ships it with a carrier reference, and marks it
//! delivered (or failed); each step is timestamped on the order. The
//! transitions are pure: [`step`] computes the order after an action
//! without touching the book, so the platform stores the change first and
//! puts it in the book only once the store has committed it.
//!
//! ```text
//! placed ─(cancel window over)→ final ─accept→ accepted ─ship→ shipped ─deliver→ delivered
//!                                  │               │              └──fail→ failed
//!                                  │               └─deliver→ delivered (hand-delivered, no carrier)
//!                                  └─refuse (or no answer by accept_by)→ refused
//! ```
//!
//! A refused or failed order no longer spends budget nor holds its need:
//! the need is decided again without the brand that let it down.

use serde::{Deserialize, Serialize};

use super::orders::{Order, OrderError, OrderStatus};
use vitrine_types::Quantity;
use vitrine_types::time::Timestamp;

/// Hours a brand has to accept or refuse a final order before it counts
/// as refused (`no_answer`). A day: a brand's backend polls its orders far
/// more often, and a household should not wait longer to hear its order
/// will not come.
pub const DEFAULT_ACCEPT_HOURS: i64 = 24;

/// Longest carrier name and reference, in characters.
pub const MAX_SHIPMENT_TEXT: usize = 128;

/// Longest free-text message of a refusal or failure, in characters.
pub const MAX_NOTE_TEXT: usize = 280;

/// Why a brand refused an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// The item is out of stock.
    OutOfStock,
    /// It cannot be delivered within the order's window.
    CannotDeliverInWindow,
    /// It cannot be delivered to the household's area.
    CannotDeliverToArea,
    /// The brand did not answer before the acceptance deadline.
    NoAnswer,
    /// Another reason, given in the message.
    Other,
}

impl RefusalReason {
    /// In words, for the household.
    pub fn words(self) -> &'static str {
        match self {
            RefusalReason::OutOfStock => "out of stock",
            RefusalReason::CannotDeliverInWindow => "cannot deliver in the window",
            RefusalReason::CannotDeliverToArea => "cannot deliver to the area",
            RefusalReason::NoAnswer => "no answer",
            RefusalReason::Other => "another reason",
        }
    }
}

/// A refusal or a failed delivery, as the household reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Refusal {
    /// Why.
    pub reason: RefusalReason,
    /// The brand's words, if any (plain text, at most 280 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// How an order travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shipment {
    /// The carrier's name.
    #[schemars(length(min = 1, max = 128))]
    pub carrier: String,
    /// The carrier's tracking reference.
    #[schemars(length(min = 1, max = 128))]
    pub reference: String,
}

/// One step of an order's life: its new status, when, and who moved it
/// (`household`, `brand` or `platform`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrderStep {
    /// The status the order entered.
    pub status: OrderStatus,
    /// When.
    pub at: Timestamp,
    /// Who: `household`, `brand` or `platform`.
    pub by: String,
}

/// What a brand does with one of its orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fulfil {
    /// It will deliver the order.
    Accept,
    /// It will not.
    Refuse(Refusal),
    /// It handed the order to a carrier.
    Ship(Shipment),
    /// It was delivered; `amount` of the ordered unit (all of it when
    /// `None`). More than was ordered is refused.
    Deliver(Option<u32>),
    /// The delivery failed.
    Fail(Refusal),
}

impl Fulfil {
    /// The action's name, as in the API's paths and the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Fulfil::Accept => "accept",
            Fulfil::Refuse(_) => "refuse",
            Fulfil::Ship(_) => "ship",
            Fulfil::Deliver(_) => "deliver",
            Fulfil::Fail(_) => "fail",
        }
    }
}

/// Why a fulfilment action was refused (beyond the order's status).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FulfilError {
    /// The order's status does not allow it.
    #[error(transparent)]
    Order(#[from] OrderError),
    /// A field is out of its range.
    #[error("{field}: {why}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        why: String,
    },
}

/// The order after `brand` does `action` at `now`; the order itself is
/// left alone. An order of another brand is not found (a brand cannot learn
/// another's order ids exist).
pub fn step(
    order: &Order,
    brand: &str,
    action: &Fulfil,
    now: Timestamp,
) -> Result<Order, FulfilError> {
    if order.brand != brand {
        return Err(OrderError::NotFound(order.id.clone()).into());
    }
    let wrong = |operation: &str| -> FulfilError {
        OrderError::WrongStatus {
            order_id: order.id.clone(),
            status: order.status,
            operation: operation.to_owned(),
        }
        .into()
    };
    let mut next = order.clone();
    let status = match (action, order.status) {
        (Fulfil::Accept, OrderStatus::Final) => OrderStatus::Accepted,
        (Fulfil::Refuse(refusal), OrderStatus::Final) => {
            next.refusal = Some(checked_note(refusal)?);
            OrderStatus::Refused
        }
        (Fulfil::Ship(shipment), OrderStatus::Accepted) => {
            for (field, text) in [
                ("carrier", &shipment.carrier),
                ("reference", &shipment.reference),
            ] {
                check_text(field, text, MAX_SHIPMENT_TEXT)?;
                if text.trim().is_empty() {
                    return Err(FulfilError::Invalid {
                        field,
                        why: "must not be empty".into(),
                    });
                }
            }
            next.shipment = Some(shipment.clone());
            OrderStatus::Shipped
        }
        (Fulfil::Deliver(amount), OrderStatus::Accepted | OrderStatus::Shipped) => {
            let ordered = order.quantity.map(|q| q.amount);
            let delivered = match (amount, ordered) {
                (Some(a), Some(o)) if *a > o => {
                    return Err(FulfilError::Invalid {
                        field: "amount",
                        why: format!("{a} delivered is more than the {o} ordered"),
                    });
                }
                (Some(0), _) => {
                    return Err(FulfilError::Invalid {
                        field: "amount",
                        why: "a delivery of nothing is a failed delivery".into(),
                    });
                }
                (Some(a), _) => Some(*a),
                (None, o) => o,
            };
            next.delivered = match (delivered, order.quantity) {
                (Some(amount), Some(q)) => Some(Quantity {
                    amount,
                    unit: q.unit,
                }),
                _ => None,
            };
            OrderStatus::Delivered
        }
        (Fulfil::Fail(refusal), OrderStatus::Accepted | OrderStatus::Shipped) => {
            next.refusal = Some(checked_note(refusal)?);
            OrderStatus::Failed
        }
        (action, _) => return Err(wrong(action.name())),
    };
    next.status = status;
    next.history.push(OrderStep {
        status,
        at: now,
        by: "brand".into(),
    });
    Ok(next)
}

/// The order refused by the platform for its brand: no answer by its
/// acceptance deadline.
pub fn unanswered(order: &Order, now: Timestamp) -> Order {
    let mut next = order.clone();
    next.status = OrderStatus::Refused;
    next.refusal = Some(Refusal {
        reason: RefusalReason::NoAnswer,
        message: None,
    });
    next.history.push(OrderStep {
        status: OrderStatus::Refused,
        at: now,
        by: "platform".into(),
    });
    next
}

fn checked_note(refusal: &Refusal) -> Result<Refusal, FulfilError> {
    if let Some(message) = &refusal.message {
        check_text("message", message, MAX_NOTE_TEXT)?;
    }
    Ok(refusal.clone())
}

fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), FulfilError> {
    if text.chars().count() > max {
        return Err(FulfilError::Invalid {
            field,
            why: format!("at most {max} characters"),
        });
    }
    if text.chars().any(char::is_control) {
        return Err(FulfilError::Invalid {
            field,
            why: "no control characters".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::HouseholdId;
    use vitrine_types::time::Day;
    use vitrine_types::{NeedKind, Unit};

    fn order(status: OrderStatus) -> Order {
        Order {
            id: "ord-1".into(),
            household: HouseholdId("h".into()),
            need_id: "n".into(),
            need_kind: NeedKind::Replenishment,
            category: "food/dairy/milk".into(),
            brand: "dairy".into(),
            sku: "MILK".into(),
            quantity: Some(Quantity {
                amount: 4,
                unit: Unit::Piece,
            }),
            offer_price_minor: 400,
            credits_minor: 0,
            price_paid_minor: 400,
            mandate: None,
            status,
            approved_by_household: false,
            created_at: Timestamp(1_800_000_000),
            cancel_until: Timestamp(1_800_086_400),
            ask_expires_at: None,
            delivery_day: Day(20_835),
            accept_by: None,
            history: Vec::new(),
            refusal: None,
            shipment: None,
            delivered: None,
            released: Vec::new(),
            subscription: None,
            subscription_id: None,
        }
    }

    const NOW: Timestamp = Timestamp(1_800_100_000);

    #[test]
    fn a_final_order_goes_accepted_shipped_delivered_with_each_step_timestamped() {
        let o = order(OrderStatus::Final);
        let o = step(&o, "dairy", &Fulfil::Accept, NOW).unwrap();
        let ship = Fulfil::Ship(Shipment {
            carrier: "La Poste".into(),
            reference: "6A123".into(),
        });
        let o = step(&o, "dairy", &ship, NOW.plus_hours(1)).unwrap();
        let o = step(&o, "dairy", &Fulfil::Deliver(None), NOW.plus_hours(30)).unwrap();
        assert_eq!(o.status, OrderStatus::Delivered);
        assert_eq!(o.delivered.unwrap().amount, 4);
        let steps: Vec<_> = o.history.iter().map(|s| (s.status, s.at)).collect();
        assert_eq!(
            steps,
            vec![
                (OrderStatus::Accepted, NOW),
                (OrderStatus::Shipped, NOW.plus_hours(1)),
                (OrderStatus::Delivered, NOW.plus_hours(30)),
            ]
        );
    }

    #[test]
    fn another_brands_order_is_not_found_and_an_order_not_yet_final_cannot_be_accepted() {
        let o = order(OrderStatus::Final);
        assert!(matches!(
            step(&o, "farm", &Fulfil::Accept, NOW),
            Err(FulfilError::Order(OrderError::NotFound(_)))
        ));
        for status in [
            OrderStatus::AwaitingApproval,
            OrderStatus::Placed,
            OrderStatus::Cancelled,
            OrderStatus::Delivered,
        ] {
            assert!(matches!(
                step(&order(status), "dairy", &Fulfil::Accept, NOW),
                Err(FulfilError::Order(OrderError::WrongStatus { .. }))
            ));
        }
        // Shipping before accepting, delivering before accepting.
        assert!(step(&o, "dairy", &Fulfil::Deliver(None), NOW).is_err());
    }

    #[test]
    fn a_delivery_of_more_than_was_ordered_or_of_nothing_is_refused() {
        let o = order(OrderStatus::Accepted);
        for amount in [5, u32::MAX, 0] {
            assert!(matches!(
                step(&o, "dairy", &Fulfil::Deliver(Some(amount)), NOW),
                Err(FulfilError::Invalid {
                    field: "amount",
                    ..
                })
            ));
        }
        let partial = step(&o, "dairy", &Fulfil::Deliver(Some(3)), NOW).unwrap();
        assert_eq!(partial.delivered.unwrap().amount, 3);
    }

    #[test]
    fn a_refusal_frees_the_need_and_the_budget_and_keeps_the_brands_words() {
        let o = order(OrderStatus::Final);
        let refused = step(
            &o,
            "dairy",
            &Fulfil::Refuse(Refusal {
                reason: RefusalReason::OutOfStock,
                message: Some("no milk until Monday".into()),
            }),
            NOW,
        )
        .unwrap();
        assert_eq!(refused.status, OrderStatus::Refused);
        assert!(!refused.status.spends());
        assert!(!refused.status.holds_need());
        let long = Refusal {
            reason: RefusalReason::Other,
            message: Some("x".repeat(MAX_NOTE_TEXT + 1)),
        };
        assert!(step(&o, "dairy", &Fulfil::Refuse(long), NOW).is_err());
        let unanswered = unanswered(&o, NOW);
        assert_eq!(unanswered.refusal.unwrap().reason, RefusalReason::NoAnswer);
    }
}
