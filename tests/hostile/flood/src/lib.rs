//! Bypasses the SDK (which would truncate to `max-offers`) and returns
//! 100,000 offers through the raw bindings.

use vitrine_sdk::__private::Guest;
use vitrine_sdk::__private::bindings::vitrine::brand::types::{
    BidError, BrandInfo, Offer, OfferKind, OfferRequest,
};

/// The plugin.
pub struct Flood;

impl Guest for Flood {
    fn describe() -> BrandInfo {
        BrandInfo {
            name: "Flood".into(),
            version: "0.0.1".into(),
            categories: vec!["food".into()],
            contact: "flood@hostile.example".into(),
        }
    }

    fn offers(request: OfferRequest) -> Result<Vec<Offer>, BidError> {
        Ok((0..100_000)
            .map(|i| Offer {
                sku: format!("F{i}"),
                title: "Flood".into(),
                kind: OfferKind::Purchase,
                quantity: request.quantity,
                price_minor: 1,
                currency: request.currency.clone(),
                delivery_days: 0,
                services: Vec::new(),
                labels: Vec::new(),
                carbon_grams: None,
                message: None,
            })
            .collect())
    }
}

#[cfg(target_family = "wasm")]
vitrine_sdk::__private::bindings::__vitrine_export_bindings!(
    Flood with_types_in vitrine_sdk::__private::bindings
);
