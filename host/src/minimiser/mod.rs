//! The minimiser: turns a need into what one brand may see. Quantities are
//! bucketed, dates become whole days from today, the region is coarsened to
//! a country and a postal prefix, the budget becomes a band, and the request
//! id is random per brand and per request. A preference label is passed only
//! if the operator's policy allows labels for that brand, the household
//! consented, and at least k households shared that same label set recently;
//! otherwise the least-valued labels are dropped until a set passes, or all
//! are. No identifier, raw event or context signal is ever copied.

mod k_anonymity;
mod policy;

use serde::{Deserialize, Serialize};

pub use k_anonymity::KAnonymity;
pub use policy::SharingPolicy;

use crate::household::{DataField, Household};
use crate::model::{
    BudgetBand, DeliveryWindow, OfferRequest, Quantity, Region, Unit, random_request_id,
};
use crate::needs::Need;
use crate::time::Timestamp;

/// Minimiser settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MinimiserConfig {
    /// Households that must share a label set before it is passed. Default 50.
    pub k: usize,
    /// The window for counting them, in days. Default 30.
    pub k_window_days: i32,
    /// Characters of the postal code kept. Default 2.
    pub postal_prefix_len: usize,
    /// Offers asked of each brand. Default 3.
    pub max_offers: u8,
}

impl Default for MinimiserConfig {
    fn default() -> Self {
        MinimiserConfig {
            k: 50,
            k_window_days: 30,
            postal_prefix_len: 2,
            max_offers: 3,
        }
    }
}

/// A field that was not shared, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "why")]
pub enum Withheld {
    /// The household did not consent.
    NoConsent {
        /// The field.
        field: DataField,
    },
    /// The operator's policy does not give this field to this brand.
    Policy {
        /// The field.
        field: DataField,
    },
    /// Too few households shared the label set; it was generalised.
    Generalised {
        /// The household's labels.
        wanted: Vec<String>,
        /// What was passed instead (possibly nothing).
        shared: Vec<String>,
        /// Households that had shared the full set.
        households: usize,
        /// The k required.
        k: usize,
    },
    /// The household has no data for the field (no location, too few
    /// purchases for a budget).
    NoData {
        /// The field.
        field: DataField,
    },
}

/// One brand's request and an account of what was shared and withheld.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Minimised {
    /// Exactly what the plugin receives.
    pub request: OfferRequest,
    /// Fields present in the request beyond the need itself.
    pub shared: Vec<DataField>,
    /// Fields withheld, with the reason.
    pub withheld: Vec<Withheld>,
}

/// Rounds an amount up to a coarse bucket so that quantities do not
/// fingerprint a household.
pub fn bucket(quantity: Quantity) -> Quantity {
    const PIECES: [u32; 14] = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 30, 36, 48];
    const VOLUMES: [u32; 12] = [
        100, 250, 500, 750, 1_000, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000, 7_500,
    ];
    let ladder: &[u32] = match quantity.unit {
        Unit::Piece => &PIECES,
        Unit::Gram | Unit::Millilitre => &VOLUMES,
    };
    let top = *ladder.last().expect("non-empty");
    let amount = ladder
        .iter()
        .copied()
        .find(|b| *b >= quantity.amount)
        .unwrap_or_else(|| {
            // Beyond the ladder: round up to a multiple of its last step.
            quantity.amount.div_ceil(top) * top
        });
    Quantity {
        amount,
        unit: quantity.unit,
    }
}

/// A band around the household's usual price for this much, from its
/// purchases (at least two), rounded to 50 minor units.
fn budget_band(household: &Household, need: &Need, quantity: Quantity) -> Option<BudgetBand> {
    let mut unit_prices: Vec<f64> = household
        .purchases
        .iter()
        .filter(|p| p.category == need.category && p.unit == quantity.unit && p.amount > 0)
        .map(|p| p.price_minor as f64 / f64::from(p.amount))
        .collect();
    if unit_prices.len() < 2 {
        return None;
    }
    unit_prices.sort_by(f64::total_cmp);
    let usual = unit_prices[unit_prices.len() / 2] * f64::from(quantity.amount);
    let round = |x: f64| ((x / 50.0).round() * 50.0).max(50.0) as u64;
    Some(BudgetBand {
        min_minor: round(usual * 0.75),
        max_minor: round(usual * 1.25).max(round(usual * 0.75)),
    })
}

/// What `brand` may see of `need`.
pub fn minimise(
    need: &Need,
    household: &Household,
    brand: &str,
    policy: &SharingPolicy,
    registry: &KAnonymity,
    config: &MinimiserConfig,
    now: Timestamp,
) -> Minimised {
    let today = now.day();
    let mut shared = Vec::new();
    let mut withheld = Vec::new();
    let mut gate = |field: DataField| -> bool {
        if !household.consents.allows(field) {
            withheld.push(Withheld::NoConsent { field });
            false
        } else if !policy.allows(brand, field) {
            withheld.push(Withheld::Policy { field });
            false
        } else {
            true
        }
    };

    let quantity = bucket(need.quantity);
    let region_allowed = gate(DataField::Region);
    let budget_allowed = gate(DataField::Budget);
    let labels_allowed = gate(DataField::Labels);
    let region = if region_allowed {
        household.location.as_ref().map(|l| Region {
            country: l.country.to_ascii_uppercase(),
            postal_prefix: l
                .postal_code
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(config.postal_prefix_len.min(3))
                .collect(),
        })
    } else {
        None
    };
    let budget = if budget_allowed {
        budget_band(household, need, quantity)
    } else {
        None
    };
    for (allowed, present, field) in [
        (region_allowed, region.is_some(), DataField::Region),
        (budget_allowed, budget.is_some(), DataField::Budget),
    ] {
        if present {
            shared.push(field);
        } else if allowed {
            withheld.push(Withheld::NoData { field });
        }
    }

    let mut labels = Vec::new();
    if labels_allowed {
        let wanted: Vec<String> = household
            .preferences
            .liked_labels()
            .into_iter()
            .take(16)
            .collect();
        if !wanted.is_empty() {
            // The household asks to share its set and each generalisation of
            // it (its best-valued labels first).
            for n in 1..=wanted.len() {
                registry.observe(&household.id, &wanted[..n], today);
            }
            let passing = (1..=wanted.len())
                .rev()
                .find(|n| registry.allows(&wanted[..*n], today))
                .unwrap_or(0);
            labels = wanted[..passing].to_vec();
            if passing < wanted.len() {
                withheld.push(Withheld::Generalised {
                    households: registry.count(&wanted, today),
                    k: registry.k(),
                    wanted,
                    shared: labels.clone(),
                });
            }
            if !labels.is_empty() {
                shared.push(DataField::Labels);
            }
        }
    }

    let days = |d: crate::time::Day| d.since(today).clamp(0, i32::from(u16::MAX)) as u16;
    let earliest = days(need.earliest_day);
    let request = OfferRequest {
        request_id: random_request_id(),
        need: need.kind,
        category: need.category.clone(),
        quantity,
        delivery: DeliveryWindow {
            earliest_day: earliest,
            latest_day: days(need.latest_day).max(earliest),
        },
        region,
        budget,
        currency: household.currency.clone(),
        labels,
        max_offers: config.max_offers,
    };
    Minimised {
        request,
        shared,
        withheld,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::{Location, Purchase};
    use crate::model::NeedKind;
    use crate::needs::NeedReason;
    use crate::time::Day;

    fn need() -> Need {
        Need {
            id: "n".into(),
            household: crate::household::HouseholdId("secret-household-42".into()),
            kind: NeedKind::Replenishment,
            category: "food/dairy/yogurt".into(),
            quantity: Quantity {
                amount: 13,
                unit: Unit::Piece,
            },
            earliest_day: Day(100),
            latest_day: Day(103),
            raised_at: Timestamp::at(Day(100), 21),
            reason: NeedReason::Seasonal {
                rule: "r".into(),
                description: "d".into(),
                child: None,
                event_day: Day(103),
            },
        }
    }

    fn household() -> Household {
        let mut h = Household::new("secret-household-42", "EUR");
        h.location = Some(Location {
            country: "fr".into(),
            postal_code: "69007".into(),
        });
        h.preferences.labels.insert("organic".into(), 60);
        h.preferences.labels.insert("local".into(), 30);
        for price in [300, 320, 340] {
            h.purchases.push(Purchase {
                category: "food/dairy/yogurt".into(),
                amount: 8,
                unit: Unit::Piece,
                price_minor: price,
                brand: None,
                at: Timestamp(0),
            });
        }
        h
    }

    #[test]
    fn quantities_are_bucketed_up() {
        assert_eq!(
            bucket(Quantity {
                amount: 13,
                unit: Unit::Piece
            })
            .amount,
            16
        );
        assert_eq!(
            bucket(Quantity {
                amount: 2_100,
                unit: Unit::Millilitre
            })
            .amount,
            2_500
        );
        assert_eq!(
            bucket(Quantity {
                amount: 9_000,
                unit: Unit::Gram
            })
            .amount,
            15_000
        );
    }

    #[test]
    fn nothing_is_shared_without_consent() {
        let registry = KAnonymity::new(1, 30);
        let m = minimise(
            &need(),
            &household(),
            "b",
            &SharingPolicy::default(),
            &registry,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        assert!(
            m.request.region.is_none() && m.request.budget.is_none() && m.request.labels.is_empty()
        );
        assert!(m.shared.is_empty());
        assert_eq!(m.withheld.len(), 3);
        assert_eq!(
            m.request.delivery,
            DeliveryWindow {
                earliest_day: 0,
                latest_day: 3
            }
        );
        assert_eq!(m.request.quantity.amount, 16);
    }

    #[test]
    fn with_consent_the_region_is_coarse_and_the_budget_a_band() {
        let mut h = household();
        h.consents = crate::household::Consents::all();
        let registry = KAnonymity::new(1, 30);
        let m = minimise(
            &need(),
            &h,
            "b",
            &SharingPolicy::default(),
            &registry,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        let region = m.request.region.clone().unwrap();
        assert_eq!(
            (region.country.as_str(), region.postal_prefix.as_str()),
            ("FR", "69")
        );
        let band = m.request.budget.unwrap();
        assert!(band.min_minor < 640 && band.max_minor > 640, "{band:?}");
        assert_eq!(band.min_minor % 50, 0);
        assert_eq!(m.request.labels, ["organic", "local"]);
        assert_eq!(m.request.validate(), Ok(()));
    }

    #[test]
    fn labels_below_k_are_generalised_or_dropped() {
        let mut h = household();
        h.consents = crate::household::Consents::all();
        let registry = KAnonymity::new(2, 30);
        let day = need().raised_at.day();
        // One other household shares only "organic".
        registry.observe(
            &crate::household::HouseholdId("other".into()),
            &["organic".to_owned()],
            day,
        );
        let m = minimise(
            &need(),
            &h,
            "b",
            &SharingPolicy::default(),
            &registry,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        assert_eq!(m.request.labels, ["organic"]);
        assert!(
            m.withheld.iter().any(
                |w| matches!(w, Withheld::Generalised { shared, .. } if shared == &["organic"])
            )
        );
        let lonely = KAnonymity::new(5, 30);
        let m = minimise(
            &need(),
            &h,
            "b",
            &SharingPolicy::default(),
            &lonely,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        assert!(m.request.labels.is_empty());
    }

    #[test]
    fn the_policy_can_withhold_a_field_from_one_brand() {
        let mut h = household();
        h.consents = crate::household::Consents::all();
        let mut policy = SharingPolicy::default();
        policy
            .per_brand
            .insert("nosy".into(), [DataField::Labels].into_iter().collect());
        let registry = KAnonymity::new(1, 30);
        let m = minimise(
            &need(),
            &h,
            "nosy",
            &policy,
            &registry,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        assert!(m.request.region.is_none());
        assert!(m.withheld.contains(&Withheld::Policy {
            field: DataField::Region
        }));
        let mut bad = SharingPolicy::default();
        bad.default_fields.insert(DataField::ContextSignals);
        assert!(bad.validate().is_err());
        assert!(!bad.allows("any", DataField::ContextSignals));
    }
}
