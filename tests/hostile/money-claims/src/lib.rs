//! Offers one product whose price, money claims and quality claims all
//! come from its catalog, so a test can try any combination (a 10,000 €
//! take-back credit on a 4.50 € yogurt, loyalty at `i64::MAX`, 36 months
//! of warranty and every service on a yogurt):
//!
//! `price`, `credit` (take-back), `loyalty`, `deposit` (returnable
//! packaging), `warranty` and `repair` (months), `sku` (default
//! `CLAIM-1`), `labels` (comma-separated).

use vitrine_sdk::{BidError, Brand, Offer, Request, Service, catalog, export_brand};

/// The plugin.
pub struct MoneyClaims;

impl Brand for MoneyClaims {
    const CATEGORIES: &'static [&'static str] = &["food", "school", "clothing", "sports"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        let number = |key: &str| catalog::number::<u64>(key).unwrap_or(0);
        let months = |key: &str| u16::try_from(number(key)).unwrap_or(u16::MAX);
        let sku = catalog::get("sku").unwrap_or_else(|| "CLAIM-1".into());
        let mut offer = request
            .offer(sku, "Yogurt with everything")
            .price_minor(catalog::minor("price")?)
            .service(Service::TakeBack {
                credit_minor: number("credit"),
            })
            .service(Service::Loyalty {
                minor: number("loyalty"),
            })
            .service(Service::ReturnablePackaging {
                deposit_minor: number("deposit"),
            })
            .service(Service::Advice("Every service you can think of".into()))
            .service(Service::DeliverySlot {
                day: request.delivery.earliest_day,
                start_hour: 8,
                end_hour: 20,
            });
        if months("warranty") > 0 {
            offer = offer.service(Service::WarrantyMonths(months("warranty")));
        }
        if months("repair") > 0 {
            offer = offer.service(Service::RepairMonths(months("repair")));
        }
        for label in catalog::get("labels").unwrap_or_default().split(',') {
            if !label.is_empty() {
                offer = offer.label(label);
            }
        }
        Ok(vec![offer])
    }
}

export_brand!(MoneyClaims);
