//! # Sample brand: a dairy selling by subscription in returnable jars
//!
//! Shows: a subscription that can be cancelled any time, returnable packaging,
//! two offers for one request (subscribe or buy once), prices read from the
//! catalog, and a unit check (yogurt is counted in jars, milk in millilitres).
//!
//! Catalog keys (all prices in minor units): `yogurt.subscription-price` and
//! `yogurt.one-off-price` per jar, `yogurt.jar-deposit`, `milk.litre-price`,
//! `delivery.days`, `subscription.period-days`.

use vitrine_sdk::{
    BidError, Brand, Offer, OfferKind, Quantity, Request, Service, Unit, catalog, export_brand,
};

/// The dairy brand.
pub struct Dairy;

impl Brand for Dairy {
    const CATEGORIES: &'static [&'static str] = &["food/dairy/yogurt", "food/dairy/milk"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        if request.is_under("food/dairy/yogurt") {
            yogurt(request)
        } else {
            milk(request)
        }
    }
}

fn yogurt(request: &Request) -> Result<Vec<Offer>, BidError> {
    if request.quantity.unit != Unit::Piece {
        return Err(BidError::Unserviceable("yogurt is sold by the jar".into()));
    }
    let jars = u64::from(request.quantity.amount.max(1));
    let delivery = catalog::number("delivery.days")?;
    let period = catalog::number("subscription.period-days")?;
    let subscription = request
        .offer(
            "YOG-JAR-SUB",
            "Organic yogurt, weekly, in returnable glass jars",
        )
        .kind(OfferKind::Subscription)
        .price_minor(jars * catalog::minor("yogurt.subscription-price")?)
        .delivery_days(delivery)
        .service(Service::Subscription {
            period_days: period,
            cancel_anytime: true,
        })
        .service(Service::ReturnablePackaging {
            deposit_minor: catalog::minor("yogurt.jar-deposit")?,
        })
        .label("organic")
        .label("refill")
        .carbon_grams(90 * request.quantity.amount)
        .message("Jars collected at your next delivery; skip or stop any week.");
    let one_off = request
        .offer("YOG-JAR-1", "Organic yogurt in glass jars")
        .price_minor(jars * catalog::minor("yogurt.one-off-price")?)
        .delivery_days(delivery)
        .service(Service::ReturnablePackaging {
            deposit_minor: catalog::minor("yogurt.jar-deposit")?,
        })
        .label("organic")
        .carbon_grams(110 * request.quantity.amount);
    Ok(vec![subscription, one_off])
}

fn milk(request: &Request) -> Result<Vec<Offer>, BidError> {
    if request.quantity.unit != Unit::Millilitre {
        return Err(BidError::Unserviceable("milk is sold by volume".into()));
    }
    // Sold by the litre bottle: round the need up to whole litres.
    let litres = request.quantity.amount.div_ceil(1000).max(1);
    Ok(vec![
        request
            .offer("MILK-1L", "Whole milk, returnable litre bottles")
            .quantity(Quantity::millilitres(litres * 1000))
            .price_minor(u64::from(litres) * catalog::minor("milk.litre-price")?)
            .delivery_days(catalog::number("delivery.days")?)
            .service(Service::ReturnablePackaging { deposit_minor: 0 })
            .label("refill")
            .carbon_grams(400 * litres),
    ])
}

export_brand!(Dairy);

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_sdk::testing::with_catalog;

    const CATALOG: &[(&str, &str)] = &[
        ("yogurt.subscription-price", "55"),
        ("yogurt.one-off-price", "62"),
        ("yogurt.jar-deposit", "0"),
        ("milk.litre-price", "129"),
        ("delivery.days", "1"),
        ("subscription.period-days", "7"),
    ];

    #[test]
    fn yogurt_is_offered_by_subscription_and_once() {
        let request = Request::new("food/dairy/yogurt", Quantity::pieces(8));
        let offers = with_catalog(CATALOG, || Dairy::offers(&request)).unwrap();
        assert_eq!(offers.len(), 2);
        assert_eq!(offers[0].kind, OfferKind::Subscription);
        assert_eq!(offers[0].price_minor, 8 * 55);
        assert_eq!(offers[1].price_minor, 8 * 62);
    }

    #[test]
    fn milk_is_rounded_up_to_whole_litres() {
        let request = Request::new("food/dairy/milk", Quantity::millilitres(2500));
        let offers = with_catalog(CATALOG, || Dairy::offers(&request)).unwrap();
        assert_eq!(offers[0].quantity, Quantity::millilitres(3000));
        assert_eq!(offers[0].price_minor, 3 * 129);
    }

    #[test]
    fn a_missing_price_is_a_catalog_error() {
        let request = Request::new("food/dairy/yogurt", Quantity::pieces(8));
        let result = with_catalog(&[], || Dairy::offers(&request));
        assert!(matches!(result, Err(BidError::Catalog(_))));
    }
}
