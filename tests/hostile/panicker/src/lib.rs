//! Panics with a recognisable message; the host must recover it from stderr.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct Panicker;

impl Brand for Panicker {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        panic!(
            "the yogurt machine is broken (asked for {})",
            request.category
        );
    }
}

export_brand!(Panicker);
