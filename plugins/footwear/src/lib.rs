//! # Sample brand: children's shoes, new with repairs or refurbished
//!
//! Shows: two kinds of offer for one need (a new pair with a repair service
//! and a warranty, or a refurbished pair that is cheaper and lower-carbon),
//! and a no-bid when the budget band is below what the brand can do.
//!
//! Catalog keys: `shoes.new-price`, `shoes.refurbished-price` (minor units),
//! `shoes.repair-months`, `shoes.warranty-months`, `shoes.refurbished-stock`,
//! `delivery.days`.

use vitrine_sdk::{
    BidError, Brand, Offer, OfferKind, Request, Service, Unit, catalog, export_brand,
};

/// The footwear brand.
pub struct Footwear;

impl Brand for Footwear {
    const CATEGORIES: &'static [&'static str] = &["clothing/shoes"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        if request.quantity.unit != Unit::Piece {
            return Err(BidError::Unserviceable("shoes are counted in pairs".into()));
        }
        let pairs = request.quantity.amount.max(1);
        let delivery: u16 = catalog::number("delivery.days")?;
        let new_price = u64::from(pairs) * catalog::minor("shoes.new-price")?;
        let refurbished_price = u64::from(pairs) * catalog::minor("shoes.refurbished-price")?;
        let stock: u32 = catalog::number("shoes.refurbished-stock")?;

        // Nothing we sell fits a budget band entirely below our cheapest pair.
        if let Some(budget) = request.budget
            && budget.max_minor < refurbished_price.min(new_price)
        {
            return Ok(Vec::new());
        }

        let mut offers = vec![
            request
                .offer("SHOE-NEW", "New leather school shoes")
                .price_minor(new_price)
                .delivery_days(delivery)
                .service(Service::RepairMonths(catalog::number(
                    "shoes.repair-months",
                )?))
                .service(Service::WarrantyMonths(catalog::number(
                    "shoes.warranty-months",
                )?))
                .service(Service::Advice("Free size check by video call".into()))
                .carbon_grams(9_000 * pairs),
        ];
        if stock >= pairs {
            offers.push(
                request
                    .offer("SHOE-REFURB", "Refurbished leather school shoes")
                    .kind(OfferKind::Refurbished)
                    .price_minor(refurbished_price)
                    .delivery_days(delivery + 1)
                    .service(Service::WarrantyMonths(6))
                    .label("refurbished")
                    .carbon_grams(2_000 * pairs)
                    .message("Resoled and cleaned in our workshop."),
            );
        }
        Ok(offers)
    }
}

export_brand!(Footwear);

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_sdk::testing::with_catalog;
    use vitrine_sdk::{BudgetBand, Quantity};

    const CATALOG: &[(&str, &str)] = &[
        ("shoes.new-price", "5900"),
        ("shoes.refurbished-price", "3400"),
        ("shoes.repair-months", "12"),
        ("shoes.warranty-months", "24"),
        ("shoes.refurbished-stock", "3"),
        ("delivery.days", "3"),
    ];

    #[test]
    fn new_and_refurbished_pairs_are_offered() {
        let request = Request::new("clothing/shoes/children", Quantity::pieces(1));
        let offers = with_catalog(CATALOG, || Footwear::offers(&request)).unwrap();
        assert_eq!(offers.len(), 2);
        assert_eq!(offers[1].kind, OfferKind::Refurbished);
    }

    #[test]
    fn a_budget_below_the_cheapest_pair_is_a_no_bid() {
        let mut request = Request::new("clothing/shoes/children", Quantity::pieces(1));
        request.budget = Some(BudgetBand {
            min_minor: 1000,
            max_minor: 2000,
        });
        let offers = with_catalog(CATALOG, || Footwear::offers(&request)).unwrap();
        assert!(offers.is_empty());
    }
}
