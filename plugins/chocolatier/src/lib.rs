//! # Sample brand: a chocolatier answering small wants
//!
//! Shows: bidding on a *desire* need (the platform always asks the household
//! before ordering one, so the offer should be small and easy to refuse),
//! staying inside the household's budget band when it is shared, a label the
//! household may have asked for (`fair-trade`), and same-day delivery.
//!
//! Catalog keys (all prices in minor units): `bar.price` (one bar),
//! `box.price` (a tasting box of six), `delivery.days`.

use vitrine_sdk::{
    BidError, Brand, NeedKind, Offer, Request, Service, Unit, catalog, export_brand,
};

/// The chocolatier.
pub struct Chocolatier;

impl Brand for Chocolatier {
    const CATEGORIES: &'static [&'static str] = &["food/treats"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        if request.quantity.unit != Unit::Piece {
            return Err(BidError::Unserviceable(
                "chocolate is sold by the piece".into(),
            ));
        }
        let pieces = request.quantity.amount.max(1);
        let delivery: u16 = catalog::number("delivery.days")?;
        let bar = request
            .offer("BAR-DARK-70", "Dark chocolate 70%, fair-trade cocoa")
            .price_minor(u64::from(pieces) * catalog::minor("bar.price")?)
            .delivery_days(delivery)
            .service(Service::DeliverySlot {
                day: delivery,
                start_hour: 19,
                end_hour: 21,
            })
            .label("fair-trade")
            .label("organic")
            .carbon_grams(60 * pieces);
        let bar = if request.need == NeedKind::Desire {
            bar.message("Just one bar, no subscription. Say no and we will not ask again today.")
        } else {
            bar
        };
        let mut offers = vec![bar];
        // A tasting box only when the household's usual spend leaves room.
        let box_price = catalog::minor("box.price")?;
        let fits = request
            .budget
            .is_none_or(|band| box_price <= band.max_minor);
        if request.need != NeedKind::Desire && fits {
            offers.push(
                request
                    .offer("BOX-TASTING-6", "Tasting box: six single-origin bars")
                    .price_minor(box_price)
                    .delivery_days(delivery)
                    .label("fair-trade")
                    .carbon_grams(300),
            );
        }
        Ok(offers)
    }
}

export_brand!(Chocolatier);

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_sdk::testing::with_catalog;
    use vitrine_sdk::{BudgetBand, Quantity};

    const CATALOG: &[(&str, &str)] = &[
        ("bar.price", "290"),
        ("box.price", "1490"),
        ("delivery.days", "0"),
    ];

    #[test]
    fn a_desire_gets_one_small_bar_and_no_upsell() {
        let mut request = Request::new("food/treats/chocolate", Quantity::pieces(1));
        request.need = NeedKind::Desire;
        let offers = with_catalog(CATALOG, || Chocolatier::offers(&request)).unwrap();
        assert_eq!(offers.len(), 1);
        assert_eq!(offers[0].price_minor, 290);
        assert!(offers[0].message.is_some());
    }

    #[test]
    fn the_tasting_box_is_offered_only_inside_the_budget_band() {
        let mut request = Request::new("food/treats/chocolate", Quantity::pieces(2));
        let offers = with_catalog(CATALOG, || Chocolatier::offers(&request)).unwrap();
        assert_eq!(offers.len(), 2);
        request.budget = Some(BudgetBand {
            min_minor: 200,
            max_minor: 1000,
        });
        let offers = with_catalog(CATALOG, || Chocolatier::offers(&request)).unwrap();
        assert_eq!(offers.len(), 1);
    }

    #[test]
    fn grams_are_refused_with_a_reason() {
        let request = Request::new("food/treats/chocolate", Quantity::grams(500));
        let result = with_catalog(CATALOG, || Chocolatier::offers(&request));
        assert!(matches!(result, Err(BidError::Unserviceable(_))));
    }
}
