//! Standing consent: mandates (what may be bought automatically), the budget
//! ledger and the orders, with approve, decline and cancel.

pub mod fulfilment;
mod orders;
mod period;
mod rules;
pub mod subscription;

pub use orders::{
    Order, OrderBook, OrderError, OrderRequest, OrderStatus, Placement, SETTLED_ORDERS_KEPT_DAYS,
};
pub use period::Period;
pub use rules::{
    Budget, Mandate, MandateContext, MandateDecision, MandateRule, Recurrence, covering, evaluate,
};
