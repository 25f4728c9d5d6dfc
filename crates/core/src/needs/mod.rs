//! The needs engine: from a household's private events, calendar and (with
//! consent) context signals, predict what it will need.
//!
//! - [`replenishment`]: consumption rate (SES or TSB), stock-out projection
//!   from the last inventory reading, lead time and safety margin.
//! - [`seasonal`]: calendar rules as data.
//! - [`desire`]: context rules, opt-in only, with a cool-down and a cap.
//! - [`synthetic`]: households generated with known rates, to measure the
//!   accuracy of the stock-out predictions.

pub mod desire;
pub(crate) mod forecast;
mod need;
pub mod pantry;
pub mod replenishment;
pub mod seasonal;
pub mod shelf_life;
pub mod synthetic;
pub mod worlds;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use desire::{DesireLimits, DesireRules};
pub use forecast::{RateEstimate, RateMethod};
pub use need::{Need, NeedReason, need_id};
pub use replenishment::{NoNeed, ReplenishmentConfig};
pub use seasonal::SeasonalRules;

use crate::household::Household;
use vitrine_types::time::Timestamp;

/// What the engine must remember between evaluations of one household.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NeedHistory {
    /// Categories with an order in flight.
    pub in_flight: BTreeSet<String>,
    /// Seasonal rules already raised (`rule:child:year`).
    pub seasonal_keys: BTreeSet<String>,
    /// When desire needs were raised.
    pub desire_times: Vec<Timestamp>,
}

impl NeedHistory {
    /// Remembers a raised need.
    pub fn record(&mut self, need: &Need) {
        match &need.reason {
            NeedReason::Seasonal { rule, .. } => {
                self.seasonal_keys.insert(rule.clone());
            }
            NeedReason::Desire { .. } => self.desire_times.push(need.raised_at),
            NeedReason::Replenishment { .. } => {}
        }
    }
}

/// The needs engine's configuration and rules.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedsEngine {
    /// Replenishment parameters.
    pub replenishment: ReplenishmentConfig,
    /// Calendar rules.
    pub seasonal: SeasonalRules,
    /// Context rules.
    pub desire: DesireRules,
    /// Desire limits.
    pub desire_limits: DesireLimits,
}

impl Default for NeedsEngine {
    fn default() -> Self {
        NeedsEngine {
            replenishment: ReplenishmentConfig::default(),
            seasonal: SeasonalRules::defaults(),
            desire: DesireRules::defaults(),
            desire_limits: DesireLimits::default(),
        }
    }
}

impl NeedsEngine {
    /// Every need due for `household` at `now`, given `history`. Needs
    /// returned are not yet recorded in `history` (the caller records the
    /// ones it acts on).
    pub fn evaluate(
        &self,
        household: &Household,
        now: Timestamp,
        history: &NeedHistory,
    ) -> Vec<Need> {
        let mut needs = Vec::new();
        for (category, _) in replenishment::tracked_categories(household) {
            let in_flight = history.in_flight.contains(&category);
            if let Ok(need) =
                replenishment::evaluate(household, &category, &self.replenishment, now, in_flight)
            {
                needs.push(need);
            }
        }
        needs.extend(
            self.seasonal
                .evaluate(household, now, &|key| history.seasonal_keys.contains(key))
                .into_iter()
                .filter(|n| !history.in_flight.contains(&n.category)),
        );
        needs.extend(self.desire.evaluate(
            household,
            now,
            &self.desire_limits,
            &history.desire_times,
        ));
        needs
    }
}
