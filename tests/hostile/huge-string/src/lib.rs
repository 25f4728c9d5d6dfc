//! Returns one offer whose title is 10 MB long.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct HugeString;

impl Brand for HugeString {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        Ok(vec![
            request
                .offer("HUGE", "x".repeat(10 * 1024 * 1024))
                .price_minor(100),
        ])
    }
}

export_brand!(HugeString);
