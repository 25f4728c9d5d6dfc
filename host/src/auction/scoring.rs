//! The score of an offer for one household, in money (minor units):
//!
//! score = value of services + value of labels + brand affinity
//!         − delay penalty − carbon cost − price sensitivity × price
//!
//! Only the best service of each kind counts (sixteen "advice" entries are
//! worth one), and repair or warranty months count up to 36.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::household::Preferences;
use crate::model::{Offer, OfferRequest, Service, ServiceKind};

/// The score and every term that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreBreakdown {
    /// Value of each service kind counted.
    pub services: BTreeMap<ServiceKind, i64>,
    /// Value of each label counted.
    pub labels: BTreeMap<String, i64>,
    /// Brand affinity.
    pub affinity: i64,
    /// Penalty for delivery later than the earliest acceptable day.
    pub delay_penalty: i64,
    /// Cost of the carbon footprint.
    pub carbon_cost: i64,
    /// Sum of the value terms (services + labels + affinity − penalties).
    pub value: i64,
    /// The offered price.
    pub price_minor: u64,
    /// The household's price sensitivity.
    pub price_weight: f64,
    /// value − price_weight × price.
    pub score: f64,
}

/// The value the household places on `service` for this request.
pub fn service_value(service: &Service, prefs: &Preferences, request: &OfferRequest) -> i64 {
    let v = &prefs.services;
    let percent = |amount: u64, pct: u8| (amount as i64).saturating_mul(i64::from(pct)) / 100;
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
        Service::TakeBack { credit_minor } => v
            .take_back
            .saturating_add(percent(*credit_minor, v.take_back_credit_percent)),
        Service::RepairMonths(m) => i64::from((*m).min(36)) * v.repair_per_month,
        Service::WarrantyMonths(m) => i64::from((*m).min(36)) * v.warranty_per_month,
        Service::RentalDays(_) => v.rental,
        Service::Loyalty { minor } => percent(*minor, v.loyalty_percent),
        Service::Advice(_) => v.advice,
    }
}

/// Scores `offer` from `brand` for the household with `prefs`.
pub fn score(
    offer: &Offer,
    brand: &str,
    prefs: &Preferences,
    request: &OfferRequest,
) -> ScoreBreakdown {
    let mut services: BTreeMap<ServiceKind, i64> = BTreeMap::new();
    for service in &offer.services {
        let value = service_value(service, prefs, request);
        services
            .entry(service.kind())
            .and_modify(|best| *best = (*best).max(value))
            .or_insert(value);
    }
    let mut labels = BTreeMap::new();
    for label in &offer.labels {
        if let Some(value) = prefs.labels.get(label) {
            labels.insert(label.clone(), *value);
        }
    }
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
    let delay_penalty = prefs.delay_penalty_per_day * (late + 2 * very_late);
    let carbon_cost = offer
        .carbon_grams
        .map_or(0, |g| i64::from(g) * prefs.carbon_cost_per_kg / 1_000);
    let value = services.values().sum::<i64>() + labels.values().sum::<i64>() + affinity
        - delay_penalty
        - carbon_cost;
    ScoreBreakdown {
        services,
        labels,
        affinity,
        delay_penalty,
        carbon_cost,
        value,
        price_minor: offer.price_minor,
        price_weight: prefs.price_sensitivity,
        score: value as f64 - prefs.price_sensitivity * offer.price_minor as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeliveryWindow, NeedKind, OfferKind, Quantity, Unit};

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
        let s = score(&o, "dairy", &prefs, &request());
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
            score(&spam, "b", &prefs, &request()).value,
            prefs.services.advice
        );
        let long = offer(vec![Service::WarrantyMonths(600)], &[], 0, 100);
        assert_eq!(
            score(&long, "b", &prefs, &request()).value,
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
        assert!(score(&locked, "b", &prefs, &request()).value < 0);
    }
}
