//! # Sample brand: a local farm cooperative
//!
//! Shows: local sourcing checked against the coarse region (country and postal
//! prefix; the brand never learns more), low-carbon labels with a carbon
//! figure, a delivery slot, and a weekly basket subscription. Outside its
//! delivery area it makes no bid.
//!
//! Catalog keys: `area.country`, `area.postal-prefixes` (comma separated),
//! `bread.price` per loaf, `milk.litre-price`, `basket.price`, `delivery.days`.

use vitrine_sdk::{
    BidError, Brand, Offer, OfferKind, Quantity, Request, Service, Unit, catalog, export_brand,
};

/// The farm cooperative.
pub struct FarmCoop;

impl Brand for FarmCoop {
    const CATEGORIES: &'static [&'static str] =
        &["food/bakery/bread", "food/dairy/milk", "food/produce"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        if !delivers_to(request)? {
            return Ok(Vec::new());
        }
        let delivery: u16 = catalog::number("delivery.days")?;
        let slot = Service::DeliverySlot {
            day: delivery,
            start_hour: 18,
            end_hour: 20,
        };
        let offer = if request.is_under("food/bakery/bread") {
            expect_unit(request, Unit::Piece)?;
            let loaves = request.quantity.amount.max(1);
            request
                .offer("BREAD-SOURDOUGH", "Sourdough loaf from the village bakery")
                .price_minor(u64::from(loaves) * catalog::minor("bread.price")?)
                .carbon_grams(350 * loaves)
        } else if request.is_under("food/dairy/milk") {
            expect_unit(request, Unit::Millilitre)?;
            let litres = request.quantity.amount.div_ceil(1000).max(1);
            request
                .offer("MILK-FARM", "Raw milk from the cooperative's herd")
                .quantity(Quantity::millilitres(litres * 1000))
                .price_minor(u64::from(litres) * catalog::minor("milk.litre-price")?)
                .service(Service::ReturnablePackaging { deposit_minor: 50 })
                .carbon_grams(250 * litres)
        } else {
            request
                .offer("BASKET-WEEK", "Weekly basket of seasonal vegetables")
                .kind(OfferKind::Subscription)
                .price_minor(catalog::minor("basket.price")?)
                .service(Service::Subscription {
                    period_days: 7,
                    cancel_anytime: true,
                })
                .carbon_grams(1_200)
        };
        Ok(vec![
            offer
                .delivery_days(delivery)
                .service(slot)
                .label("local")
                .label("low-carbon")
                .label("organic")
                .message("Grown and baked within 40 km of you."),
        ])
    }
}

fn expect_unit(request: &Request, unit: Unit) -> Result<(), BidError> {
    if request.quantity.unit == unit {
        Ok(())
    } else {
        Err(BidError::Unserviceable(format!(
            "{} is not sold by {:?}",
            request.category, request.quantity.unit
        )))
    }
}

/// Whether the request's coarse region lies in the cooperative's area. A
/// request without a region gets no bid: local delivery cannot be promised.
fn delivers_to(request: &Request) -> Result<bool, BidError> {
    let Some(region) = &request.region else {
        return Ok(false);
    };
    let country = catalog::require("area.country")?;
    let prefixes = catalog::require("area.postal-prefixes")?;
    Ok(region.country == country
        && prefixes
            .split(',')
            .map(str::trim)
            .any(|p| !p.is_empty() && region.postal_prefix.starts_with(p)))
}

export_brand!(FarmCoop);

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_sdk::Region;
    use vitrine_sdk::testing::with_catalog;

    const CATALOG: &[(&str, &str)] = &[
        ("area.country", "FR"),
        ("area.postal-prefixes", "69, 38"),
        ("bread.price", "420"),
        ("milk.litre-price", "140"),
        ("basket.price", "2200"),
        ("delivery.days", "1"),
    ];

    fn in_area(category: &str, quantity: Quantity) -> Request {
        let mut request = Request::new(category, quantity);
        request.region = Some(Region {
            country: "FR".into(),
            postal_prefix: "690".into(),
        });
        request
    }

    #[test]
    fn bread_in_the_area_is_local_and_low_carbon() {
        let request = in_area("food/bakery/bread", Quantity::pieces(2));
        let offers = with_catalog(CATALOG, || FarmCoop::offers(&request)).unwrap();
        assert_eq!(offers[0].price_minor, 840);
        assert!(offers[0].labels.iter().any(|l| l == "local"));
    }

    #[test]
    fn outside_the_area_there_is_no_bid() {
        let mut request = in_area("food/bakery/bread", Quantity::pieces(2));
        request.region.as_mut().unwrap().postal_prefix = "750".into();
        let offers = with_catalog(CATALOG, || FarmCoop::offers(&request)).unwrap();
        assert!(offers.is_empty());
    }
}
