//! {{title}}: a Vitrine brand plugin.
//!
//! Catalog keys (prices in minor units): `item.price`, `delivery.days`, and
//! `sku.<SKU>` for every SKU offered.

use vitrine_sdk::{BidError, Brand, Offer, Request, Service, catalog, export_brand};

/// The brand.
pub struct Plugin;

impl Brand for Plugin {
    const CATEGORIES: &'static [&'static str] = &["{{category}}"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        let days: u16 = catalog::number("delivery.days")?;
        let days = days.max(request.delivery.earliest_day);
        let pieces = u64::from(request.quantity.amount.max(1));
        Ok(vec![
            request
                .offer("ITEM", "{{title}}: our first offer")
                .price_minor(pieces * catalog::minor("item.price")?)
                .delivery_days(days)
                .service(Service::DeliverySlot {
                    day: days,
                    start_hour: 9,
                    end_hour: 12,
                }),
        ])
    }
}

export_brand!(Plugin);

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_sdk::Quantity;
    use vitrine_sdk::testing::with_catalog;

    const CATALOG: &[(&str, &str)] = &[
        ("item.price", "450"),
        ("delivery.days", "1"),
        ("sku.ITEM", "Item"),
    ];

    fn request(amount: u32) -> Request {
        Request::new("{{category}}", Quantity::pieces(amount))
    }

    #[test]
    fn two_pieces_cost_twice_the_catalog_price() {
        let offers = with_catalog(CATALOG, || Plugin::offers(&request(2))).unwrap();
        assert_eq!(offers[0].price_minor, 900);
    }
}
