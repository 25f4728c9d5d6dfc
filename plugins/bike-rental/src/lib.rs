//! # Sample brand: use, not own — children's bikes rented by the season
//!
//! Shows: a rental instead of a purchase (`OfferKind::Rental` with the rental
//! length as a service), maintenance included as a repair service, swapping
//! for a bigger size as take-back, and a price that depends on the season's
//! length.
//!
//! Catalog keys: `bike.season-days`, `bike.season-price` (minor units),
//! `bike.fleet-available`, `delivery.days`.

use vitrine_sdk::{
    BidError, Brand, Offer, OfferKind, Request, Service, Unit, catalog, export_brand,
};

/// The rental brand.
pub struct BikeRental;

impl Brand for BikeRental {
    const CATEGORIES: &'static [&'static str] = &["sports/bikes"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        if request.quantity.unit != Unit::Piece {
            return Err(BidError::Unserviceable(
                "bikes are counted per child".into(),
            ));
        }
        let bikes = request.quantity.amount.max(1);
        let available: u32 = catalog::number("bike.fleet-available")?;
        if available < bikes {
            return Err(BidError::OutOfStock);
        }
        let season_days: u16 = catalog::number("bike.season-days")?;
        let months = season_days.div_ceil(30);
        Ok(vec![
            request
                .offer("BIKE-KID-SEASON", "Children's bike, rented for the season")
                .kind(OfferKind::Rental)
                .price_minor(u64::from(bikes) * catalog::minor("bike.season-price")?)
                .delivery_days(catalog::number("delivery.days")?)
                .service(Service::RentalDays(season_days))
                .service(Service::RepairMonths(months))
                .service(Service::TakeBack { credit_minor: 0 })
                .label("circular")
                .carbon_grams(1_500 * bikes)
                .message("Outgrown it? We swap it for the next size up."),
        ])
    }
}

export_brand!(BikeRental);

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_sdk::Quantity;
    use vitrine_sdk::testing::with_catalog;

    const CATALOG: &[(&str, &str)] = &[
        ("bike.season-days", "90"),
        ("bike.season-price", "3900"),
        ("bike.fleet-available", "4"),
        ("delivery.days", "2"),
    ];

    #[test]
    fn a_bike_is_rented_for_the_season_with_maintenance() {
        let request = Request::new("sports/bikes/children", Quantity::pieces(1));
        let offers = with_catalog(CATALOG, || BikeRental::offers(&request)).unwrap();
        assert_eq!(offers[0].kind, OfferKind::Rental);
        assert!(offers[0].services.contains(&Service::RentalDays(90)));
        assert!(offers[0].services.contains(&Service::RepairMonths(3)));
    }

    #[test]
    fn more_bikes_than_the_fleet_is_out_of_stock() {
        let request = Request::new("sports/bikes/children", Quantity::pieces(5));
        let result = with_catalog(CATALOG, || BikeRental::offers(&request));
        assert_eq!(result, Err(BidError::OutOfStock));
    }
}
