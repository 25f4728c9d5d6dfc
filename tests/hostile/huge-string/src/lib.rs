//! Returns one offer whose title is 10 MB long. It bypasses the SDK (which
//! cuts titles to the contract's 120 characters) and answers through the
//! raw bindings, as a hostile plugin would.

use vitrine_sdk::__private::Guest;
use vitrine_sdk::__private::bindings::vitrine::brand::types::{
    BidError, BrandInfo, Offer, OfferKind, OfferRequest,
};

/// The plugin.
pub struct HugeString;

impl Guest for HugeString {
    fn describe() -> BrandInfo {
        BrandInfo {
            name: "Huge string".into(),
            version: "0.0.1".into(),
            categories: vec!["food".into()],
            contact: "huge@hostile.example".into(),
        }
    }

    fn offers(request: OfferRequest) -> Result<Vec<Offer>, BidError> {
        Ok(vec![Offer {
            sku: "HUGE".into(),
            title: "x".repeat(10 * 1024 * 1024),
            kind: OfferKind::Purchase,
            quantity: request.quantity,
            price_minor: 100,
            currency: request.currency.clone(),
            delivery_days: 0,
            services: Vec::new(),
            labels: Vec::new(),
            carbon_grams: None,
            message: None,
        }])
    }
}

#[cfg(target_family = "wasm")]
vitrine_sdk::__private::bindings::__vitrine_export_bindings!(
    HugeString with_types_in vitrine_sdk::__private::bindings
);
