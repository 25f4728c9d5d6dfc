//! A need: something the household will want soon, with why it was raised.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::forecast::RateMethod;
use crate::household::HouseholdId;
use vitrine_types::time::{Day, Timestamp};
use vitrine_types::{NeedKind, Quantity};

/// One predicted need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Need {
    /// Deterministic identifier (the same inputs raise the same id).
    #[schemars(length(min = 1, max = 128))]
    pub id: String,
    /// Whose need (never shared with brands).
    pub household: HouseholdId,
    /// Replenishment, seasonal or desire.
    pub kind: NeedKind,
    /// Taxonomy path.
    #[schemars(length(min = 1, max = 128))]
    pub category: String,
    /// The category without the detail a household may keep to itself (a
    /// child's school level: `school/supplies` for
    /// `school/supplies/primary`), sent to brands instead of `category`
    /// without the household's consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coarse_category: Option<String>,
    /// How much.
    pub quantity: Quantity,
    /// The first acceptable delivery day.
    pub earliest_day: Day,
    /// The last acceptable delivery day.
    pub latest_day: Day,
    /// When it was raised.
    pub raised_at: Timestamp,
    /// Why, with the numbers.
    pub reason: NeedReason,
}

/// Why a need was raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NeedReason {
    /// The projected stock-out falls inside lead time plus safety margin.
    Replenishment {
        /// The estimator used.
        method: RateMethod,
        /// Units used per day.
        rate_per_day: f64,
        /// Average days between days of use.
        average_interval_days: f64,
        /// Estimated stock now.
        stock_now: f64,
        /// The last inventory reading and its day.
        last_reading: u32,
        /// The day of that reading.
        last_reading_day: Day,
        /// Stock divided by rate.
        days_to_empty: f64,
        /// The projected stock-out day.
        stockout_day: Day,
        /// Delivery lead time counted.
        lead_time_days: u16,
        /// Safety margin counted.
        safety_days: u16,
        /// Days the quantity covers.
        horizon_days: u16,
        /// Days of history used.
        history_days: u32,
    },
    /// A calendar rule.
    Seasonal {
        /// The rule's id.
        rule: String,
        /// What the rule is for.
        description: String,
        /// The child it is for, when per child (a household-local label).
        child: Option<String>,
        /// The date the rule anticipates.
        event_day: Day,
    },
    /// A context rule (the household opted in to context signals).
    Desire {
        /// The rule's id.
        rule: String,
        /// What the rule is for.
        description: String,
        /// Readings that met the rule.
        readings: u32,
        /// Hours before another desire need may be raised.
        cooldown_hours: u32,
    },
}

impl NeedReason {
    /// A one-line human explanation.
    pub fn summary(&self) -> String {
        match self {
            NeedReason::Replenishment {
                method,
                rate_per_day,
                stock_now,
                days_to_empty,
                stockout_day,
                lead_time_days,
                safety_days,
                ..
            } => format!(
                "using {rate_per_day:.2}/day ({}), {stock_now:.0} left: empty in {days_to_empty:.1} days ({stockout_day}), within lead time {lead_time_days} + safety {safety_days} days",
                match method {
                    RateMethod::ExponentialSmoothing => "exponential smoothing",
                    RateMethod::Tsb => "TSB, intermittent use",
                }
            ),
            NeedReason::Seasonal {
                description,
                child,
                event_day,
                ..
            } => match child {
                Some(child) => format!("{description} ({child}, {event_day})"),
                None => format!("{description} ({event_day})"),
            },
            NeedReason::Desire {
                description,
                cooldown_hours,
                ..
            } => format!(
                "{description}; never ordered without asking, no other such need for {cooldown_hours} h"
            ),
        }
    }
}

/// A deterministic need id from its defining parts.
pub fn need_id(household: &HouseholdId, kind: NeedKind, category: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [household.0.as_str(), kind.as_str(), category, key] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    format!("need-{}", &hex::encode(hasher.finalize())[..16])
}
