//! The operator's bounds on what a brand's claims can be worth, per
//! category, and the limits one auction runs under.
//!
//! An offer's score is its value to the household minus its price. Part of
//! that value rests on claims the platform cannot check (twelve months of
//! warranty on a yogurt, "repairs included", a label): left unbounded, a
//! brand could make its offer look as valuable as it likes and, under
//! second-score pricing, be paid for it. So:
//!
//! - money a brand claims (a take-back credit, a deposit refunded, loyalty
//!   value) is *settled*: it is deducted from what the brand is paid and
//!   the household pays that much less, so it counts exactly as a price cut
//!   and never more than the offer's price (see `scoring`);
//! - each unverifiable quality counts at most [`CategoryBounds::service_caps`]
//!   for its kind, and all of them together at most
//!   [`CategoryBounds::quality_share_percent`] of the category's reference
//!   price and at most [`CategoryBounds::quality_max_minor`]. The share is
//!   taken of a number no bidder controls, never of the offer's own price:
//!   a bound that grew with the ask would let a brand raise what it is paid
//!   by asking more, and second-score pricing would no longer make the
//!   true price a brand's best ask;
//! - every order has a cap (the household's, the covering mandate's, or
//!   the operator's default for the category: never "unlimited") and a
//!   reserve (the household's usual price for this much, or the operator's
//!   reference, plus [`CategoryBounds::reserve_percent`]): the winner is
//!   paid at most the reserve, and an offer above it is asked about, not
//!   placed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use vitrine_types::{MAX_MONEY_MINOR, Quantity, ServiceKind, category_is_under, is_category_path};

/// A reference price: `price_minor` for `amount` units of the need's unit
/// (`{"price_minor": 129, "amount": 1000}` is 1.29 a litre for millilitres).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The price of `amount` units, in minor units.
    pub price_minor: u64,
    /// How many units that price is for (at least 1).
    pub amount: u32,
}

impl Reference {
    /// The reference price of `quantity`, rounded up.
    pub(crate) fn price_of(&self, quantity: Quantity) -> u64 {
        let total = u128::from(self.price_minor) * u128::from(quantity.amount)
            / u128::from(self.amount.max(1));
        u64::try_from(total)
            .unwrap_or(u64::MAX)
            .min(MAX_MONEY_MINOR)
    }
}

/// The bounds of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CategoryBounds {
    /// The most one order may cost and be placed without asking when the
    /// covering mandate sets no per-order cap, in minor units. Default
    /// 100.00.
    pub order_cap_minor: u64,
    /// The operator's reference price, used when the household has too few
    /// purchases of its own in the category. Default none.
    pub reference: Option<Reference>,
    /// The reserve, as a percentage of the reference: the most a winner is
    /// paid (and above which the household is asked). Default 125.
    pub reserve_percent: u16,
    /// The most unverifiable qualities (services other than money, labels)
    /// add to an offer's value, as a percentage of the reference price,
    /// when there is one. Default 30.
    pub quality_share_percent: u8,
    /// The most unverifiable qualities add to an offer's value, in minor
    /// units, whatever the reference. Default 20.00 (3.00 for food).
    pub quality_max_minor: u64,
    /// The most each service kind may add to an offer's value, in minor
    /// units, whatever the household's own valuation (absent kinds: the
    /// household's valuation, within the share above). Set `warranty: 0`
    /// where a warranty means nothing (food).
    pub service_caps: BTreeMap<ServiceKind, i64>,
}

impl Default for CategoryBounds {
    fn default() -> Self {
        CategoryBounds {
            order_cap_minor: 10_000,
            reference: None,
            reserve_percent: 125,
            quality_share_percent: 30,
            quality_max_minor: 2_000,
            service_caps: BTreeMap::new(),
        }
    }
}

/// The operator's bounds: per category prefix, the most specific winning,
/// and a default for every other category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BoundsPolicy {
    /// Bounds for categories under each prefix.
    pub categories: BTreeMap<String, CategoryBounds>,
    /// Bounds for categories no prefix covers.
    pub default: CategoryBounds,
}

impl Default for BoundsPolicy {
    /// The platform's defaults: 100.00 per order and at most 20.00 of
    /// unverifiable quality anywhere; for `food`, 50.00 per order, at most
    /// 3.00 of quality, and no value at all for warranties, repairs, rental
    /// or take-back (they mean nothing on a yogurt; a brand claiming them
    /// gains nothing).
    fn default() -> Self {
        let food = CategoryBounds {
            order_cap_minor: 5_000,
            quality_max_minor: 300,
            service_caps: [
                (ServiceKind::Warranty, 0),
                (ServiceKind::Repair, 0),
                (ServiceKind::Rental, 0),
                (ServiceKind::TakeBack, 0),
            ]
            .into_iter()
            .collect(),
            ..CategoryBounds::default()
        };
        BoundsPolicy {
            categories: [("food".to_owned(), food)].into_iter().collect(),
            default: CategoryBounds::default(),
        }
    }
}

impl BoundsPolicy {
    /// The bounds that apply to `category`.
    pub fn for_category(&self, category: &str) -> &CategoryBounds {
        self.categories
            .iter()
            .filter(|(prefix, _)| category_is_under(category, prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or(&self.default, |(_, bounds)| bounds)
    }

    /// Refuses bounds that cannot work (a zero cap, amounts outside the
    /// contract's money range, a malformed prefix).
    pub fn validate(&self) -> Result<(), String> {
        for (prefix, bounds) in self
            .categories
            .iter()
            .map(|(p, b)| (p.as_str(), b))
            .chain([("default", &self.default)])
        {
            if prefix != "default" && !is_category_path(prefix) {
                return Err(format!("{prefix:?} is not a taxonomy path"));
            }
            if bounds.order_cap_minor == 0 || bounds.order_cap_minor > MAX_MONEY_MINOR {
                return Err(format!(
                    "{prefix}: order_cap_minor must be 1 to {MAX_MONEY_MINOR}"
                ));
            }
            if let Some(r) = bounds.reference
                && (r.price_minor == 0 || r.price_minor > MAX_MONEY_MINOR || r.amount == 0)
            {
                return Err(format!(
                    "{prefix}: a reference needs a price of 1 to {MAX_MONEY_MINOR} and an amount of at least 1"
                ));
            }
            if !(100..=1_000).contains(&bounds.reserve_percent) {
                return Err(format!("{prefix}: reserve_percent must be 100 to 1000"));
            }
            if bounds.quality_max_minor > MAX_MONEY_MINOR {
                return Err(format!(
                    "{prefix}: quality_max_minor must be at most {MAX_MONEY_MINOR}"
                ));
            }
            if bounds.quality_share_percent > 100 {
                return Err(format!("{prefix}: quality_share_percent must be 0 to 100"));
            }
            if let Some((kind, _)) = bounds
                .service_caps
                .iter()
                .find(|(_, cap)| !(0..=MAX_MONEY_MINOR as i64).contains(*cap))
            {
                return Err(format!(
                    "{prefix}: the cap of {kind:?} must be 0 to {MAX_MONEY_MINOR}"
                ));
            }
        }
        Ok(())
    }
}

/// The limits one auction runs under, resolved for one need of one
/// household (see `decision`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PriceLimits {
    /// The household's own cap for the category: offers whose net price is
    /// above it are never considered.
    pub hard_cap_minor: Option<u64>,
    /// The most an order may cost and be placed automatically: the lowest
    /// of the covering mandate's per-order cap (or the operator's default
    /// for the category), the household's cap, and what is left of the
    /// covering mandates' budgets. Offers above it can only be asked about,
    /// and the winner among those below is paid at most this.
    pub auto_cap_minor: u64,
    /// The reserve: the most a winner is paid; an offer whose net price is
    /// above it is asked about. `None` without a reference price.
    pub reserve_minor: Option<u64>,
    /// Where the reserve's reference came from.
    pub reference_source: Option<ReferenceSource>,
    /// The most unverifiable qualities add to an offer's value.
    pub quality_cap_minor: i64,
    /// The most each service kind adds.
    pub service_caps: BTreeMap<ServiceKind, i64>,
}

impl PriceLimits {
    /// Limits that bound nothing but the contract's money range (tests and
    /// benchmarks that exercise scoring alone).
    pub fn unbounded() -> PriceLimits {
        PriceLimits {
            hard_cap_minor: None,
            auto_cap_minor: MAX_MONEY_MINOR,
            reserve_minor: None,
            reference_source: None,
            quality_cap_minor: MAX_MONEY_MINOR as i64,
            service_caps: BTreeMap::new(),
        }
    }

    /// The limits for a need of `quantity` under `bounds`, with the
    /// household's `cap` for the category, the covering mandate's per-order
    /// `mandate_cap`, what is `left` of its budgets, and the household's own
    /// reference price for this quantity (`usual`), if it has one.
    pub fn resolve(
        bounds: &CategoryBounds,
        quantity: Quantity,
        cap: Option<u64>,
        mandate_cap: Option<u64>,
        left: Option<u64>,
        usual: Option<u64>,
    ) -> PriceLimits {
        let order_cap = mandate_cap.unwrap_or(bounds.order_cap_minor);
        let auto_cap_minor = [Some(order_cap), cap, left]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(order_cap)
            .min(MAX_MONEY_MINOR);
        let (reference, reference_source) = match (usual, bounds.reference) {
            (Some(usual), _) => (Some(usual), Some(ReferenceSource::History)),
            (None, Some(r)) => (Some(r.price_of(quantity)), Some(ReferenceSource::Operator)),
            (None, None) => (None, None),
        };
        let reserve_minor = reference.map(|r| {
            let reserve = u128::from(r) * u128::from(bounds.reserve_percent) / 100;
            u64::try_from(reserve)
                .unwrap_or(u64::MAX)
                .min(MAX_MONEY_MINOR)
        });
        let share = reference.map_or(u64::MAX, |r| {
            r.saturating_mul(u64::from(bounds.quality_share_percent)) / 100
        });
        let quality_cap_minor = share.min(bounds.quality_max_minor).min(MAX_MONEY_MINOR) as i64;
        PriceLimits {
            hard_cap_minor: cap,
            auto_cap_minor,
            reserve_minor,
            reference_source,
            quality_cap_minor,
            service_caps: bounds.service_caps.clone(),
        }
    }
}

/// Where a reference price came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceSource {
    /// The household's own purchases in the category (their median unit
    /// price).
    History,
    /// The operator's reference for the category.
    Operator,
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_types::Unit;

    #[test]
    fn the_most_specific_prefix_wins_and_the_default_covers_the_rest() {
        let mut policy = BoundsPolicy::default();
        policy.categories.insert(
            "food".into(),
            CategoryBounds {
                order_cap_minor: 5000,
                ..CategoryBounds::default()
            },
        );
        policy.categories.insert(
            "food/dairy".into(),
            CategoryBounds {
                order_cap_minor: 2000,
                ..CategoryBounds::default()
            },
        );
        assert_eq!(
            policy.for_category("food/dairy/yogurt").order_cap_minor,
            2000
        );
        assert_eq!(policy.for_category("food/bread").order_cap_minor, 5000);
        assert_eq!(policy.for_category("sports/bikes").order_cap_minor, 10_000);
        assert_eq!(policy.validate(), Ok(()));
    }

    #[test]
    fn a_mandate_without_a_per_order_cap_still_has_the_category_default() {
        let bounds = CategoryBounds::default();
        let q = Quantity {
            amount: 8,
            unit: Unit::Piece,
        };
        let limits = PriceLimits::resolve(&bounds, q, None, None, None, None);
        assert_eq!(limits.auto_cap_minor, 10_000);
        assert_eq!(limits.reserve_minor, None);
        assert_eq!(limits.quality_cap_minor, 2000, "the absolute bound");
        let limits =
            PriceLimits::resolve(&bounds, q, Some(4000), Some(6000), Some(2500), Some(440));
        assert_eq!(limits.auto_cap_minor, 2500, "what is left of the budget");
        assert_eq!(limits.reserve_minor, Some(550));
        assert_eq!(limits.quality_cap_minor, 132, "30% of the usual price");
    }

    #[test]
    fn references_scale_with_the_quantity_and_never_overflow() {
        let litre = Reference {
            price_minor: 129,
            amount: 1_000,
        };
        let q = |amount| Quantity {
            amount,
            unit: Unit::Millilitre,
        };
        assert_eq!(litre.price_of(q(2_000)), 258);
        let absurd = Reference {
            price_minor: MAX_MONEY_MINOR,
            amount: 1,
        };
        assert_eq!(absurd.price_of(q(u32::MAX)), MAX_MONEY_MINOR);
    }

    #[test]
    fn unusable_bounds_are_refused() {
        let mut policy = BoundsPolicy::default();
        policy.default.order_cap_minor = 0;
        assert!(policy.validate().is_err());
        let mut policy = BoundsPolicy::default();
        policy
            .default
            .service_caps
            .insert(ServiceKind::Warranty, -1);
        assert!(policy.validate().is_err());
        let mut policy = BoundsPolicy::default();
        policy
            .categories
            .insert("Food!".into(), CategoryBounds::default());
        assert!(policy.validate().is_err());
    }
}
