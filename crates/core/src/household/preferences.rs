//! The household's private preferences: how much each service and label is
//! worth to it, in money, which brands it likes or refuses, and how much it
//! minds waiting. They drive the score of every offer and are never sent to
//! a brand.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// What each kind of service is worth to the household, in minor units.
/// Values may be negative (a subscription that cannot be cancelled is a
/// cost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceValues {
    /// A committed delivery slot.
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub delivery_slot: i64,
    /// A subscription that can be cancelled any time.
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub subscription_cancel_anytime: i64,
    /// A subscription that cannot be cancelled any time.
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub subscription_lock_in: i64,
    /// Returnable packaging (on top of the deposit, which is refunded).
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub returnable_packaging: i64,
    /// Take-back of the product, on top of the buy-back credit.
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub take_back: i64,
    /// Percent of a take-back credit counted as value (100 = cash).
    pub take_back_credit_percent: u8,
    /// Each month of free repairs (counted up to 36 months).
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub repair_per_month: i64,
    /// Each month of warranty (counted up to 36 months).
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub warranty_per_month: i64,
    /// Renting instead of owning.
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub rental: i64,
    /// Percent of loyalty face value counted as value.
    pub loyalty_percent: u8,
    /// Personal advice.
    #[schemars(range(min = -(vitrine_types::MAX_MONEY_MINOR as i64), max = vitrine_types::MAX_MONEY_MINOR))]
    pub advice: i64,
}

impl Default for ServiceValues {
    fn default() -> Self {
        ServiceValues {
            delivery_slot: 50,
            subscription_cancel_anytime: 30,
            subscription_lock_in: -200,
            returnable_packaging: 20,
            take_back: 50,
            take_back_credit_percent: 100,
            repair_per_month: 15,
            warranty_per_month: 10,
            rental: 0,
            loyalty_percent: 50,
            advice: 20,
        }
    }
}

/// The household's preferences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Preferences {
    /// How much money matters against value: score = value − sensitivity ×
    /// price. 1.0 is neutral; above 1 the household is thriftier. Between
    /// 0.1 and 10.
    #[schemars(range(min = 0.1, max = 10.0))]
    pub price_sensitivity: f64,
    /// Value of each service kind.
    pub services: ServiceValues,
    /// Value of each label, in minor units (`organic` → 40).
    pub labels: BTreeMap<String, i64>,
    /// Labels an offer must carry to be considered at all.
    pub required_labels: BTreeSet<String>,
    /// Brands whose offers are never considered.
    pub blocked_brands: BTreeSet<String>,
    /// Extra value of an offer from a brand the household likes, in minor
    /// units.
    pub brand_affinity: BTreeMap<String, i64>,
    /// Cost of each day of waiting beyond the earliest acceptable day, in
    /// minor units; days past the latest acceptable day count triple.
    #[schemars(range(min = 0, max = vitrine_types::MAX_MONEY_MINOR))]
    pub delay_penalty_per_day: i64,
    /// Cost of each kilogram of CO2e, in minor units (0 = indifferent).
    #[schemars(range(min = 0, max = vitrine_types::MAX_MONEY_MINOR))]
    pub carbon_cost_per_kg: i64,
    /// The most the household will ever pay for one order in a category
    /// (prefix → minor units); dearer offers are not considered.
    pub budget_caps: BTreeMap<String, u64>,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            price_sensitivity: 1.0,
            services: ServiceValues::default(),
            labels: BTreeMap::new(),
            required_labels: BTreeSet::new(),
            blocked_brands: BTreeSet::new(),
            brand_affinity: BTreeMap::new(),
            delay_penalty_per_day: 30,
            carbon_cost_per_kg: 0,
            budget_caps: BTreeMap::new(),
        }
    }
}

impl Preferences {
    /// The budget cap for `category`: the most specific prefix's.
    pub(crate) fn budget_cap(&self, category: &str) -> Option<u64> {
        self.budget_caps
            .iter()
            .filter(|(prefix, _)| vitrine_types::category_is_under(category, prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, cap)| *cap)
    }

    /// The labels the household values positively, best first, ties by name.
    pub(crate) fn liked_labels(&self) -> Vec<String> {
        let mut liked: Vec<(&String, &i64)> = self.labels.iter().filter(|(_, v)| **v > 0).collect();
        liked.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        liked.into_iter().map(|(label, _)| label.clone()).collect()
    }
}
