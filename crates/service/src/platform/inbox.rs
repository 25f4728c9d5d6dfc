//! The household's inbox: what needs its attention or its knowing, newest
//! first. An ask waiting for approval (with the time left before it
//! expires), an order a brand refused, a delivery that failed, an ask that
//! expired unanswered. Derived from the orders, so it is never out of step
//! with them; items about settled orders stay for `INBOX_DAYS`.

use serde::Serialize;

use super::{Platform, PlatformError};
use vitrine_core::mandate::{Order, OrderStatus};
use vitrine_types::time::Timestamp;

/// Days a refusal, a failed delivery or an expired ask stays in the inbox.
pub const INBOX_DAYS: i64 = 14;

/// What an inbox item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// An order waits for the household's approval.
    ApprovalNeeded,
    /// The brand refused the order (or did not answer); its need is being
    /// decided again.
    RefusedByBrand,
    /// The delivery failed; its need is being decided again.
    DeliveryFailed,
    /// An ask expired unanswered; its need was freed.
    AskExpired,
}

impl InboxKind {
    /// As written in the API (and a webhook event's `type`).
    pub fn as_str(self) -> &'static str {
        match self {
            InboxKind::ApprovalNeeded => "approval_needed",
            InboxKind::RefusedByBrand => "refused_by_brand",
            InboxKind::DeliveryFailed => "delivery_failed",
            InboxKind::AskExpired => "ask_expired",
        }
    }
}

/// One item of the inbox.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InboxItem {
    /// What it is about.
    pub kind: InboxKind,
    /// Since when.
    pub since: Timestamp,
    /// For an ask: when it expires if unanswered.
    pub expires_at: Option<Timestamp>,
    /// One sentence for the household.
    pub text: String,
    /// The order.
    pub order: Order,
}

fn item(order: Order, now: Timestamp) -> Option<InboxItem> {
    let since = order.history.last().map_or(order.created_at, |s| s.at);
    let recent = now.0 - since.0 <= INBOX_DAYS * 86_400;
    let (kind, text) = match order.status {
        OrderStatus::AwaitingApproval if order.ask_expires_at.is_none_or(|at| now < at) => (
            InboxKind::ApprovalNeeded,
            format!(
                "Approve {} from {} for {}?",
                order.category,
                order.brand,
                vitrine_core::explain::money(order.price_paid_minor)
            ),
        ),
        OrderStatus::Refused if recent => (
            InboxKind::RefusedByBrand,
            format!(
                "{} refused your order of {} ({}); it is being ordered elsewhere.",
                order.brand,
                order.category,
                order
                    .refusal
                    .as_ref()
                    .map_or("no reason given", |r| r.reason.words())
            ),
        ),
        OrderStatus::Failed if recent => (
            InboxKind::DeliveryFailed,
            format!(
                "The delivery of {} from {} failed; it is being ordered again.",
                order.category, order.brand
            ),
        ),
        OrderStatus::Expired if recent => (
            InboxKind::AskExpired,
            format!(
                "Nobody answered the ask for {} from {}; the need is free again.",
                order.category, order.brand
            ),
        ),
        _ => return None,
    };
    Some(InboxItem {
        kind,
        since,
        expires_at: (kind == InboxKind::ApprovalNeeded)
            .then_some(order.ask_expires_at)
            .flatten(),
        text,
        order,
    })
}

impl Platform {
    /// The household's inbox, newest first.
    pub async fn inbox(&self, id: &str) -> Result<Vec<InboxItem>, PlatformError> {
        let now = self.now();
        let mut items: Vec<InboxItem> = self
            .orders(id)
            .await?
            .into_iter()
            .filter_map(|o| item(o, now))
            .collect();
        items.sort_by_key(|item| std::cmp::Reverse(item.since));
        Ok(items)
    }
}
