//! The score of an offer for one household, in money (minor units):
//!
//! score = quality + brand affinity − delay penalty − carbon cost
//!         − price sensitivity × net price
//!
//! - **Net price** = the offered price − the money the offer claims
//!   (a take-back credit, a refundable deposit, loyalty value). Money claims
//!   are settled by the platform: deducted from what the brand is paid, so
//!   the household pays that much less. A claim therefore counts exactly as
//!   a price cut, costs the brand exactly what it claims, and can never
//!   count for more than the offer's price (a brand cannot pay a household
//!   to buy).
//! - **Quality** = the household's value of the services (the best of each
//!   kind counts, so sixteen "advice" entries are worth one; repair and
//!   warranty months count up to 36) and of the labels, each service kind
//!   capped by the operator's bound for the category, and the whole
//!   positive part capped by the auction's quality cap (a share of the
//!   category's reference price: see `bounds`). A negative value (a
//!   subscription that cannot be cancelled) always counts in full.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bounds::PriceLimits;
use crate::household::Preferences;
use vitrine_types::{Offer, OfferRequest, Service, ServiceKind};

/// The score and every term that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoreBreakdown {
    /// Value of each service kind counted (after its category cap).
    pub services: BTreeMap<ServiceKind, i64>,
    /// Value of each label counted.
    pub labels: BTreeMap<String, i64>,
    /// How much of the services' and labels' value the quality cap cut.
    #[serde(default)]
    pub quality_cut: i64,
    /// Brand affinity.
    pub affinity: i64,
    /// Penalty for delivery later than the earliest acceptable day.
    pub delay_penalty: i64,
    /// Cost of the carbon footprint.
    pub carbon_cost: i64,
    /// quality − quality cut + affinity − penalties.
    pub value: i64,
    /// The offered price.
    pub price_minor: u64,
    /// Money the offer claims, settled by the platform (at most the price).
    #[serde(default)]
    pub money_claims_minor: u64,
    /// The offered price less the money claims: what the household would
    /// pay at the offer's own price.
    #[serde(default)]
    pub net_price_minor: u64,
    /// The household's price sensitivity.
    pub price_weight: f64,
    /// value − price_weight × net price.
    pub score: f64,
}

/// The money `offer` claims (credits, deposits, loyalty), at most its price.
pub fn money_claims(offer: &Offer) -> u64 {
    offer
        .services
        .iter()
        .map(|s| match s {
            Service::ReturnablePackaging { deposit_minor } => *deposit_minor,
            Service::TakeBack { credit_minor } => *credit_minor,
            Service::Loyalty { minor } => *minor,
            _ => 0,
        })
        .fold(0u64, u64::saturating_add)
        .min(offer.price_minor)
}

/// The value the household places on `service` for this request, money
/// claims aside (they lower the net price instead).
pub fn service_value(service: &Service, prefs: &Preferences, request: &OfferRequest) -> i64 {
    let v = &prefs.services;
    match service {
        Service::DeliverySlot { day, .. } => {
            if *day <= request.delivery.latest_day {
                v.delivery_slot
            } else {
                0
            }
        }
        Service::Subscription { cancel_anytime, .. } => {
            if *cancel_anytime {
                v.subscription_cancel_anytime
            } else {
                v.subscription_lock_in
            }
        }
        Service::ReturnablePackaging { .. } => v.returnable_packaging,
        Service::TakeBack { .. } => v.take_back,
        Service::RepairMonths(m) => i64::from((*m).min(36)).saturating_mul(v.repair_per_month),
        Service::WarrantyMonths(m) => i64::from((*m).min(36)).saturating_mul(v.warranty_per_month),
        Service::RentalDays(_) => v.rental,
        Service::Loyalty { .. } => 0,
        Service::Advice(_) => v.advice,
    }
}

/// Scores `offer` from `brand` for the household with `prefs`, within
/// `limits` (the quality cap and the per-service caps).
pub fn score(
    offer: &Offer,
    brand: &str,
    prefs: &Preferences,
    request: &OfferRequest,
    limits: &PriceLimits,
) -> ScoreBreakdown {
    let mut services: BTreeMap<ServiceKind, i64> = BTreeMap::new();
    for service in &offer.services {
        let kind = service.kind();
        let mut value = service_value(service, prefs, request);
        if let Some(cap) = limits.service_caps.get(&kind) {
            value = value.min(*cap);
        }
        services
            .entry(kind)
            .and_modify(|best| *best = (*best).max(value))
            .or_insert(value);
    }
    let mut labels = BTreeMap::new();
    for label in &offer.labels {
        if let Some(value) = prefs.labels.get(label) {
            labels.insert(label.clone(), *value);
        }
    }
    let (gains, losses): (Vec<i64>, Vec<i64>) = services
        .values()
        .chain(labels.values())
        .partition(|v| **v > 0);
    let gain = gains.into_iter().fold(0i64, i64::saturating_add);
    let loss = losses.into_iter().fold(0i64, i64::saturating_add);
    let quality_cut = gain.saturating_sub(limits.quality_cap_minor.max(0)).max(0);
    let affinity = prefs.brand_affinity.get(brand).copied().unwrap_or(0);
    let late = i64::from(
        offer
            .delivery_days
            .saturating_sub(request.delivery.earliest_day),
    );
    let very_late = i64::from(
        offer
            .delivery_days
            .saturating_sub(request.delivery.latest_day),
    );
    let delay_penalty = prefs
        .delay_penalty_per_day
        .saturating_mul(late + 2 * very_late);
    let carbon_cost = offer.carbon_grams.map_or(0, |g| {
        i64::from(g).saturating_mul(prefs.carbon_cost_per_kg) / 1_000
    });
    let value = gain
        .saturating_sub(quality_cut)
        .saturating_add(loss)
        .saturating_add(affinity)
        .saturating_sub(delay_penalty)
        .saturating_sub(carbon_cost);
    let money_claims_minor = money_claims(offer);
    let net_price_minor = offer.price_minor - money_claims_minor;
    ScoreBreakdown {
        services,
        labels,
        quality_cut,
        affinity,
        delay_penalty,
        carbon_cost,
        value,
        price_minor: offer.price_minor,
        money_claims_minor,
        net_price_minor,
        price_weight: prefs.price_sensitivity,
        score: value as f64 - prefs.price_sensitivity * net_price_minor as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_types::{DeliveryWindow, NeedKind, OfferKind, Quantity, Unit};

    fn request() -> OfferRequest {
        OfferRequest {
            request_id: "r".into(),
            need: NeedKind::Replenishment,
            category: "food/dairy/yogurt".into(),
            quantity: Quantity {
                amount: 8,
                unit: Unit::Piece,
            },
            delivery: DeliveryWindow {
                earliest_day: 0,
                latest_day: 2,
            },
            region: None,
            budget: None,
            currency: "EUR".into(),
            labels: vec![],
            max_offers: 3,
        }
    }

    fn offer(services: Vec<Service>, labels: &[&str], delivery_days: u16, price: u64) -> Offer {
        Offer {
            sku: "s".into(),
            title: "t".into(),
            kind: OfferKind::Purchase,
            quantity: Quantity {
                amount: 8,
                unit: Unit::Piece,
            },
            price_minor: price,
            currency: "EUR".into(),
            delivery_days,
            services,
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            carbon_grams: Some(2_000),
            message: None,
        }
    }

    #[test]
    fn every_term_is_in_money_and_adds_up() {
        let mut prefs = Preferences::default();
        prefs.labels.insert("organic".into(), 40);
        prefs.brand_affinity.insert("dairy".into(), 25);
        prefs.carbon_cost_per_kg = 10;
        let o = offer(
            vec![
                Service::Subscription {
                    period_days: 7,
                    cancel_anytime: true,
                },
                Service::ReturnablePackaging { deposit_minor: 0 },
            ],
            &["organic", "unknown-label"],
            3,
            500,
        );
        let s = score(&o, "dairy", &prefs, &request(), &PriceLimits::unbounded());
        assert_eq!(s.services[&ServiceKind::Subscription], 30);
        assert_eq!(s.services[&ServiceKind::ReturnablePackaging], 20);
        assert_eq!(s.labels.len(), 1);
        // 3 days: 3 late, 1 beyond the window → 30 × (3 + 2).
        assert_eq!(s.delay_penalty, 150);
        assert_eq!(s.carbon_cost, 20);
        assert_eq!(s.value, 30 + 20 + 40 + 25 - 150 - 20);
        assert_eq!(s.score, s.value as f64 - 500.0);
    }

    #[test]
    fn repeated_services_count_once_and_months_are_capped() {
        let prefs = Preferences::default();
        let spam = offer(vec![Service::Advice("a".into()); 16], &[], 0, 100);
        assert_eq!(
            score(&spam, "b", &prefs, &request(), &PriceLimits::unbounded()).value,
            prefs.services.advice
        );
        let long = offer(vec![Service::WarrantyMonths(600)], &[], 0, 100);
        assert_eq!(
            score(&long, "b", &prefs, &request(), &PriceLimits::unbounded()).value,
            36 * prefs.services.warranty_per_month
        );
        let locked = offer(
            vec![Service::Subscription {
                period_days: 7,
                cancel_anytime: false,
            }],
            &[],
            0,
            100,
        );
        assert!(score(&locked, "b", &prefs, &request(), &PriceLimits::unbounded()).value < 0);
    }

    #[test]
    fn a_money_claim_is_a_price_cut_worth_at_most_the_price() {
        let prefs = Preferences::default();
        let limits = PriceLimits::unbounded();
        let plain = offer(vec![], &[], 0, 450);
        let credited = offer(
            vec![Service::TakeBack {
                credit_minor: 1_000_000,
            }],
            &[],
            0,
            450,
        );
        let s = score(&credited, "b", &prefs, &request(), &limits);
        assert_eq!(s.money_claims_minor, 450, "never more than the price");
        assert_eq!(s.net_price_minor, 0);
        // Only the take-back service itself (not its credit) adds quality.
        assert_eq!(s.value, prefs.services.take_back);
        let loyal = offer(vec![Service::Loyalty { minor: 50 }], &[], 0, 450);
        let s_loyal = score(&loyal, "b", &prefs, &request(), &limits);
        let s_plain = score(&plain, "b", &prefs, &request(), &limits);
        assert_eq!(s_loyal.score, s_plain.score + 50.0, "exactly 50 cheaper");
    }

    #[test]
    fn unverifiable_quality_is_bounded_by_the_category_caps_and_the_share() {
        let mut prefs = Preferences::default();
        prefs.labels.insert("organic".into(), 400);
        let every_service = offer(
            vec![
                Service::WarrantyMonths(36),
                Service::RepairMonths(36),
                Service::Advice("x".into()),
                Service::DeliverySlot {
                    day: 1,
                    start_hour: 8,
                    end_hour: 10,
                },
            ],
            &["organic"],
            0,
            500,
        );
        let mut limits = PriceLimits::unbounded();
        limits.quality_cap_minor = 132;
        limits.service_caps.insert(ServiceKind::Warranty, 0);
        let s = score(&every_service, "b", &prefs, &request(), &limits);
        assert_eq!(s.services[&ServiceKind::Warranty], 0);
        assert_eq!(s.value, 132, "capped at the share of the reference");
        assert!(s.quality_cut > 0);
    }
}
