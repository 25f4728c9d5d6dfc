//! Bypasses the SDK and answers, through the raw bindings, one offer whose
//! numbers come from its catalog as raw integers (any value of their WIT
//! type, wrapped): `price`, `quantity`, `credit`, `loyalty`, `deposit`,
//! `warranty`, `repair`, `rental`, `period`, `delivery`, `carbon`. The
//! tests try the edges (`u64::MAX`, `i64::MAX + 1`, `u32::MAX`,
//! `u16::MAX`).

use vitrine_sdk::__private::Guest;
use vitrine_sdk::__private::bindings::vitrine::brand::types::{
    BidError, BrandInfo, Offer, OfferKind, OfferRequest, Service, Subscription,
};

/// The plugin.
pub struct EdgeIntegers;

fn raw(key: &str, default: u64) -> u64 {
    vitrine_sdk::catalog::get(key)
        .and_then(|v| v.trim().parse::<u128>().ok())
        .map_or(default, |v| v as u64)
}

impl Guest for EdgeIntegers {
    fn describe() -> BrandInfo {
        BrandInfo {
            name: "Edge integers".into(),
            version: "0.0.1".into(),
            categories: vec!["food".into()],
            contact: "edge@hostile.example".into(),
        }
    }

    fn offers(request: OfferRequest) -> Result<Vec<Offer>, BidError> {
        let mut quantity = request.quantity;
        quantity.amount = raw("quantity", u64::from(quantity.amount)) as u32;
        Ok(vec![Offer {
            sku: "EDGE-1".into(),
            title: "Edge".into(),
            kind: OfferKind::Subscription,
            quantity,
            price_minor: raw("price", 450),
            currency: request.currency.clone(),
            delivery_days: raw("delivery", 1) as u16,
            services: vec![
                Service::TakeBack(raw("credit", 0)),
                Service::LoyaltyMinor(raw("loyalty", 0)),
                Service::ReturnablePackaging(raw("deposit", 0)),
                Service::WarrantyMonths(raw("warranty", 1) as u16),
                Service::RepairMonths(raw("repair", 1) as u16),
                Service::RentalDays(raw("rental", 1) as u16),
                Service::Subscription(Subscription {
                    period_days: raw("period", 7) as u16,
                    cancel_anytime: true,
                }),
            ],
            labels: Vec::new(),
            carbon_grams: Some(raw("carbon", 0) as u32),
            message: None,
        }])
    }
}

#[cfg(target_family = "wasm")]
vitrine_sdk::__private::bindings::__vitrine_export_bindings!(
    EdgeIntegers with_types_in vitrine_sdk::__private::bindings
);
