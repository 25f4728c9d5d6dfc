//! Why a brand did not win, in the spirit of OpenRTB's loss reason codes.
//! Every brand asked gets exactly one reason (or is the winner).

use serde::{Deserialize, Serialize};

use vitrine_types::OfferRejection;

/// Why a brand did not win.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum LossReason {
    /// The plugin answered with no offer (or its own bid error).
    NoBid {
        /// The plugin's bid error, if it gave one.
        detail: Option<String>,
    },
    /// The plugin did not answer before its deadline.
    Timeout,
    /// The plugin failed (trap, out of fuel, memory, denied, invalid output).
    PluginFailed {
        /// The error's code.
        error: String,
    },
    /// Every offer broke the contract; each is listed with its reason.
    InvalidOffers {
        /// SKU and reason of each offer dropped.
        rejected: Vec<(String, OfferRejection)>,
    },
    /// The household blocks this brand.
    Blocked,
    /// No offer carried a label the household requires.
    MissingRequiredLabel {
        /// The label.
        label: String,
    },
    /// Every offer was above the household's budget cap.
    OverBudget {
        /// The cheapest price offered.
        cheapest_minor: u64,
        /// The cap.
        cap_minor: u64,
    },
    /// Another brand's offer could be ordered automatically and this
    /// brand's could not (the mandate's brands, caps or budgets).
    NotEligible {
        /// Why, in words.
        why: String,
    },
    /// Another brand's offer scored higher.
    Outbid {
        /// This brand's best score.
        score: f64,
        /// The winner's score.
        winning_score: f64,
    },
}

impl LossReason {
    /// A short stable code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            LossReason::NoBid { .. } => "no_bid",
            LossReason::Timeout => "timeout",
            LossReason::PluginFailed { .. } => "plugin_failed",
            LossReason::InvalidOffers { .. } => "invalid",
            LossReason::Blocked => "blocked",
            LossReason::MissingRequiredLabel { .. } => "missing_required_label",
            LossReason::OverBudget { .. } => "over_budget",
            LossReason::Outbid { .. } => "outbid",
            LossReason::NotEligible { .. } => "not_eligible",
        }
    }

    /// Every code, for reports.
    pub(crate) const CODES: [&'static str; 9] = [
        "no_bid",
        "timeout",
        "plugin_failed",
        "invalid",
        "blocked",
        "missing_required_label",
        "over_budget",
        "outbid",
        "not_eligible",
    ];
}
