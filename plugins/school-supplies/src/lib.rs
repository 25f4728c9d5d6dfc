//! # Sample brand: back-to-school kits with buy-back of last year's kit
//!
//! Shows: a seasonal need, a kit priced per school level (the level is the
//! last segment of the category, such as `school/supplies/primary`), a
//! take-back service that credits last year's kit, advice (the kit is checked
//! against the school's list) and a delivery slot before the start of term.
//!
//! Catalog keys: `kit.<level>.price` and `kit.<level>.buy-back` in minor units
//! for each level sold (`primary`, `middle`, `high`), `delivery.days`.

use vitrine_sdk::{
    BidError, Brand, NeedKind, Offer, Request, Service, Unit, catalog, export_brand,
};

/// The school-supplies brand.
pub struct SchoolSupplies;

impl Brand for SchoolSupplies {
    const CATEGORIES: &'static [&'static str] = &["school/supplies"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        if request.quantity.unit != Unit::Piece {
            return Err(BidError::Unserviceable("kits are counted per child".into()));
        }
        let level = request
            .category
            .strip_prefix("school/supplies/")
            .unwrap_or("primary");
        // A level we do not stock is a no-bid, not an error.
        let Ok(price) = catalog::minor(&format!("kit.{level}.price")) else {
            return Ok(Vec::new());
        };
        let buy_back = catalog::minor(&format!("kit.{level}.buy-back")).unwrap_or(0);
        let kits = request.quantity.amount.max(1);
        let delivery: u16 = catalog::number("delivery.days")?;
        let mut offer = request
            .offer(
                format!("KIT-{}", level.to_uppercase()),
                format!("Complete {level} school kit"),
            )
            .price_minor(u64::from(kits) * price)
            .delivery_days(delivery)
            .service(Service::TakeBack {
                credit_minor: u64::from(kits) * buy_back,
            })
            .service(Service::Advice(
                "Checked against your school's published list".into(),
            ))
            .service(Service::DeliverySlot {
                day: delivery.max(request.delivery.earliest_day),
                start_hour: 17,
                end_hour: 20,
            })
            .label("recycled")
            .carbon_grams(2_500 * kits);
        if request.need == NeedKind::Seasonal {
            offer = offer.message("We collect last year's kit when we deliver this one.");
        }
        Ok(vec![offer])
    }
}

export_brand!(SchoolSupplies);

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_sdk::Quantity;
    use vitrine_sdk::testing::with_catalog;

    const CATALOG: &[(&str, &str)] = &[
        ("kit.primary.price", "4490"),
        ("kit.primary.buy-back", "600"),
        ("delivery.days", "2"),
    ];

    #[test]
    fn kit_credits_last_years_kit() {
        let request = Request::new("school/supplies/primary", Quantity::pieces(2));
        let offers = with_catalog(CATALOG, || SchoolSupplies::offers(&request)).unwrap();
        assert_eq!(offers[0].price_minor, 2 * 4490);
        assert!(
            offers[0]
                .services
                .contains(&Service::TakeBack { credit_minor: 1200 })
        );
    }

    #[test]
    fn a_level_not_stocked_is_a_no_bid() {
        let request = Request::new("school/supplies/university", Quantity::pieces(1));
        let offers = with_catalog(CATALOG, || SchoolSupplies::offers(&request)).unwrap();
        assert!(offers.is_empty());
    }
}
