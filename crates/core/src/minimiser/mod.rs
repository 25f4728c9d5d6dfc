//! The minimiser: turns a need into what one brand may see. Quantities are
//! bucketed, dates become whole days from today, the region is coarsened to
//! a country and a postal prefix, the budget becomes a band, and the request
//! id is random per brand and per request. A field is passed only if the
//! operator's policy allows it for that brand and the household consented;
//! and the combination passed (category, region, budget band, labels) must
//! have been asked for by at least k households recently, or it is
//! generalised step by step (budget band, then labels, then postal prefix,
//! then region) until one passes. A desire is passed as an ordinary need,
//! and a child's school level is cut from the category, unless the
//! household consented to share them. No identifier, raw event or context
//! signal is ever copied.

mod k_anonymity;
mod policy;

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

pub use k_anonymity::KAnonymity;
pub use policy::SharingPolicy;

use crate::household::{DataField, Household};
use crate::needs::Need;
use vitrine_types::time::Timestamp;
use vitrine_types::{
    BudgetBand, DeliveryWindow, MAX_REQUEST_LABELS, NeedKind, OfferRequest, Quantity, Region, Unit,
    random_request_id,
};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Too few households shared the same combination of fields (region,
    /// budget band, labels, with the category): it was generalised.
    Generalised {
        /// The household's labels.
        wanted: Vec<String>,
        /// The labels passed instead (possibly none).
        shared: Vec<String>,
        /// Households that had asked to share the full combination.
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Minimised {
    /// Exactly what the plugin receives.
    pub request: OfferRequest,
    /// Fields present in the request beyond the need itself.
    pub shared: Vec<DataField>,
    /// Fields withheld, with the reason.
    pub withheld: Vec<Withheld>,
    /// The combinations of fields this household asked to share (the
    /// k-anonymity keys of every step of its generalisation), to record in
    /// the registry once the decision is stored.
    #[serde(default, skip_serializing)]
    pub observed: Vec<String>,
}

/// Most a volume or weight may be rounded down to the bucket below, as a
/// share of it: a household short of a tenth of what it asked for is served
/// better than one sent half as much again (5,013 ml is asked as 5 L, not
/// 7.5 L). Pieces always round up: a household is never a yogurt short.
pub const ROUND_DOWN_SHARE: f64 = 0.10;

/// Rounds an amount to a coarse bucket so that quantities do not
/// fingerprint a household: up, unless it is a volume or weight and the
/// bucket below is within [`ROUND_DOWN_SHARE`] of it.
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
    let below = (quantity.amount >= top)
        .then(|| quantity.amount / top * top)
        .or_else(|| ladder.iter().copied().rev().find(|b| *b <= quantity.amount))
        .filter(|b| {
            quantity.unit != Unit::Piece
                && f64::from(quantity.amount - b) <= f64::from(quantity.amount) * ROUND_DOWN_SHARE
        });
    let amount = below.unwrap_or_else(|| {
        ladder
            .iter()
            .copied()
            .find(|b| *b >= quantity.amount)
            .unwrap_or_else(|| {
                // Beyond the ladder: round up to a multiple of its last step,
                // or down to the largest one near `u32::MAX` (never wrapping;
                // needs that large are refused before they get here).
                quantity
                    .amount
                    .div_ceil(top)
                    .checked_mul(top)
                    .unwrap_or(u32::MAX / top * top)
            })
    });
    Quantity {
        amount,
        unit: quantity.unit,
    }
}

/// A band around the household's usual price for this much, from its
/// purchases (at least two), rounded to 50 minor units.
fn budget_band(usual: Option<u64>) -> Option<BudgetBand> {
    let usual = usual? as f64;
    let round = |x: f64| ((x / 50.0).round() * 50.0).max(50.0) as u64;
    Some(BudgetBand {
        min_minor: round(usual * 0.75),
        max_minor: round(usual * 1.25).max(round(usual * 0.75)),
    })
}

/// One step of generalisation: what would be shared with the category.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    region: Option<Region>,
    budget: Option<BudgetBand>,
    labels: Vec<String>,
}

impl Shape {
    /// The k-anonymity key of this combination, for `category`.
    fn key(&self, category: &str) -> String {
        let region = self.region.as_ref().map_or("-".to_owned(), |r| {
            format!("{}/{}", r.country, r.postal_prefix)
        });
        let budget = self.budget.map_or("-".to_owned(), |b| {
            format!("{}-{}", b.min_minor, b.max_minor)
        });
        format!(
            "{category}|{region}|{budget}|{}",
            KAnonymity::key(&self.labels)
        )
    }

    fn is_bare(&self) -> bool {
        self.region.is_none() && self.budget.is_none() && self.labels.is_empty()
    }
}

/// The ladder of generalisations of `full`, most specific first: the
/// budget band goes first (its numbers are the most telling), then the
/// least-valued labels one by one, then the postal prefix (country only),
/// then the region. The last step shares nothing but the need itself.
fn ladder(full: &Shape) -> Vec<Shape> {
    let mut steps = vec![full.clone()];
    let mut shape = full.clone();
    if shape.budget.take().is_some() {
        steps.push(shape.clone());
    }
    while shape.labels.pop().is_some() {
        steps.push(shape.clone());
    }
    if let Some(region) = &mut shape.region
        && !region.postal_prefix.is_empty()
    {
        region.postal_prefix.clear();
        steps.push(shape.clone());
    }
    if shape.region.take().is_some() {
        steps.push(shape.clone());
    }
    steps
}

/// What `brand` may see of `need`. The registry is only read: the
/// combinations this household asked to share are returned in
/// [`Minimised::observed`], to be recorded once the decision is stored.
/// (To minimise one need for many brands, build a [`Minimiser`] once.)
pub fn minimise(
    need: &Need,
    household: &Household,
    brand: &str,
    policy: &SharingPolicy,
    registry: &KAnonymity,
    config: &MinimiserConfig,
    now: Timestamp,
) -> Minimised {
    Minimiser::new(need, household, registry, config, now).for_brand(brand, policy)
}

/// One need of one household, minimised for each brand in turn: what does
/// not depend on the brand (the household's pseudonym in the k-anonymity
/// registry, its usual price, the registry's answer for each combination)
/// is worked out once per decision rather than once per brand.
pub struct Minimiser<'a> {
    need: &'a Need,
    household: &'a Household,
    registry: &'a KAnonymity,
    config: &'a MinimiserConfig,
    now: Timestamp,
    hash: k_anonymity::HouseholdHash,
    usual: Option<u64>,
    /// The generalisation of each combination asked for so far.
    generalised: Mutex<Vec<(Shape, String, Arc<Generalised>)>>,
}

/// How one combination was generalised for k-anonymity.
#[derive(Debug)]
struct Generalised {
    /// What is shared.
    shape: Shape,
    /// Households that asked to share the full combination, when it had to
    /// be generalised.
    households: Option<usize>,
    /// The keys of every step, to record once the decision is stored.
    observed: Vec<String>,
}

impl<'a> Minimiser<'a> {
    /// Prepares to minimise `need` of `household` at `now`.
    pub fn new(
        need: &'a Need,
        household: &'a Household,
        registry: &'a KAnonymity,
        config: &'a MinimiserConfig,
        now: Timestamp,
    ) -> Self {
        Minimiser {
            need,
            household,
            registry,
            config,
            now,
            hash: registry.household_hash(&household.id),
            usual: household.usual_price(&need.category, bucket(need.quantity)),
            generalised: Mutex::default(),
        }
    }

    /// The most specific step of `full`'s generalisation (with `category`)
    /// that at least k households asked to share within the window; worked
    /// out once per decision for each combination the brands' policies let
    /// through (usually one).
    fn generalise(&self, full: &Shape, category: &str) -> Arc<Generalised> {
        let mut done = self.generalised.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, _, answer)) = done.iter().find(|(s, c, _)| s == full && c == category) {
            return answer.clone();
        }
        let today = self.now.day();
        let steps = ladder(full);
        let chosen = steps
            .iter()
            .position(|step| {
                step.is_bare()
                    || self
                        .registry
                        .allows_with(&step.key(category), &self.hash, today)
            })
            .unwrap_or(steps.len() - 1);
        let answer = Arc::new(Generalised {
            shape: steps[chosen].clone(),
            households: (chosen > 0).then(|| {
                self.registry
                    .count_with(&steps[0].key(category), &self.hash, today)
            }),
            observed: steps
                .iter()
                .filter(|s| !s.is_bare())
                .map(|s| s.key(category))
                .collect(),
        });
        done.push((full.clone(), category.to_owned(), answer.clone()));
        answer
    }

    /// What `brand` may see of the need under `policy`.
    pub(crate) fn for_brand(&self, brand: &str, policy: &SharingPolicy) -> Minimised {
        let (need, household, registry, config, now) = (
            self.need,
            self.household,
            self.registry,
            self.config,
            self.now,
        );
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

        // A desire is shown to brands as an ordinary need of its category, and
        // a child's school level is left out of the category, unless the
        // household consented to share them.
        let need_kind = if need.kind == NeedKind::Desire && !gate(DataField::DesireKind) {
            NeedKind::Replenishment
        } else {
            need.kind
        };
        let category = match &need.coarse_category {
            Some(coarse) if !gate(DataField::SchoolLevel) => coarse.clone(),
            _ => need.category.clone(),
        };
        if need.kind == NeedKind::Desire && need_kind == NeedKind::Desire {
            shared.push(DataField::DesireKind);
        }
        if need.coarse_category.is_some() && category == need.category {
            shared.push(DataField::SchoolLevel);
        }

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
            budget_band(self.usual)
        } else {
            None
        };
        for (allowed, present, field) in [
            (region_allowed, region.is_some(), DataField::Region),
            (budget_allowed, budget.is_some(), DataField::Budget),
        ] {
            if allowed && !present {
                withheld.push(Withheld::NoData { field });
            }
        }
        let labels: Vec<String> = if labels_allowed {
            household
                .preferences
                .liked_labels()
                .into_iter()
                .take(MAX_REQUEST_LABELS)
                .collect()
        } else {
            Vec::new()
        };

        // k-anonymity over everything shared together: the most specific
        // combination that at least k households (this one included) asked to
        // share within the window.
        let full = Shape {
            region,
            budget,
            labels,
        };
        let generalised = self.generalise(&full, &category);
        let shape = generalised.shape.clone();
        if let Some(households) = generalised.households {
            withheld.push(Withheld::Generalised {
                wanted: full.labels.clone(),
                shared: shape.labels.clone(),
                households,
                k: registry.k(),
            });
        }
        for (present, field) in [
            (shape.region.is_some(), DataField::Region),
            (shape.budget.is_some(), DataField::Budget),
            (!shape.labels.is_empty(), DataField::Labels),
        ] {
            if present {
                shared.push(field);
            }
        }
        let observed = generalised.observed.clone();

        let days =
            |d: vitrine_types::time::Day| d.since(today).clamp(0, i32::from(u16::MAX)) as u16;
        let earliest = days(need.earliest_day);
        let request = OfferRequest {
            request_id: random_request_id(),
            need: need_kind,
            category,
            quantity,
            delivery: DeliveryWindow {
                earliest_day: earliest,
                latest_day: days(need.latest_day).max(earliest),
            },
            region: shape.region,
            budget: shape.budget,
            currency: household.currency.clone(),
            labels: shape.labels,
            max_offers: config.max_offers,
        };
        Minimised {
            request,
            shared,
            withheld,
            observed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::{Location, Purchase};
    use crate::needs::NeedReason;
    use vitrine_types::NeedKind;
    use vitrine_types::time::Day;

    fn need() -> Need {
        Need {
            id: "n".into(),
            household: crate::household::HouseholdId("secret-household-42".into()),
            kind: NeedKind::Replenishment,
            category: "food/dairy/yogurt".into(),
            coarse_category: None,
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
    fn quantities_are_bucketed_up_unless_a_volume_is_within_a_tenth_of_the_bucket_below() {
        let b = |amount, unit| bucket(Quantity { amount, unit }).amount;
        // Pieces always up: never a yogurt short.
        assert_eq!(b(13, Unit::Piece), 16);
        assert_eq!(b(5, Unit::Piece), 6);
        // Volumes and weights: up, unless the bucket below is within 10%.
        assert_eq!(b(5_013, Unit::Millilitre), 5_000);
        assert_eq!(b(2_100, Unit::Millilitre), 2_000);
        assert_eq!(b(2_300, Unit::Millilitre), 2_500);
        assert_eq!(b(90, Unit::Gram), 100);
        assert_eq!(b(9_000, Unit::Gram), 15_000);
        assert_eq!(b(15_500, Unit::Gram), 15_000);
        assert_eq!(b(u32::MAX, Unit::Gram) % 7_500, 0);
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
    fn everything_shared_together_must_be_k_anonymous_or_it_is_generalised() {
        let mut h = household();
        h.consents = crate::household::Consents::all();
        let registry = KAnonymity::new(2, 30);
        let day = need().raised_at.day();
        // One other household asked to share only the region and "organic"
        // with this category.
        let other = registry.household_hash(&crate::household::HouseholdId("other".into()));
        registry.observe("food/dairy/yogurt|FR/69|-|organic", &other, day);
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
        assert!(m.request.budget.is_none(), "the budget band went first");
        assert_eq!(m.request.region.as_ref().unwrap().postal_prefix, "69");
        assert!(
            m.withheld.iter().any(
                |w| matches!(w, Withheld::Generalised { shared, .. } if shared == &["organic"])
            )
        );
        assert!(
            m.observed
                .contains(&"food/dairy/yogurt|FR/69|-|organic".to_owned())
        );
        // Alone, nothing but the need itself is shared: not even the region.
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
        assert!(m.request.labels.is_empty() && m.request.region.is_none());
        assert!(m.request.budget.is_none());
    }

    #[test]
    fn a_desire_and_a_school_level_reach_brands_only_with_consent() {
        let mut h = household();
        let registry = KAnonymity::new(1, 30);
        let desire = Need {
            kind: NeedKind::Desire,
            ..need()
        };
        let m = minimise(
            &desire,
            &h,
            "b",
            &SharingPolicy::default(),
            &registry,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        assert_eq!(m.request.need, NeedKind::Replenishment);
        assert!(m.withheld.contains(&Withheld::NoConsent {
            field: DataField::DesireKind
        }));
        let kit = Need {
            category: "school/supplies/primary".into(),
            coarse_category: Some("school/supplies".into()),
            ..need()
        };
        let m = minimise(
            &kit,
            &h,
            "b",
            &SharingPolicy::default(),
            &registry,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        assert_eq!(m.request.category, "school/supplies");
        h.consents.grant(DataField::SchoolLevel);
        h.consents.grant(DataField::DesireKind);
        let m = minimise(
            &kit,
            &h,
            "b",
            &SharingPolicy::default(),
            &registry,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        assert_eq!(m.request.category, "school/supplies/primary");
        assert!(m.shared.contains(&DataField::SchoolLevel));
        let m = minimise(
            &desire,
            &h,
            "b",
            &SharingPolicy::default(),
            &registry,
            &MinimiserConfig::default(),
            need().raised_at,
        );
        assert_eq!(m.request.need, NeedKind::Desire);
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
