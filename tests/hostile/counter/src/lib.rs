//! Counts its calls in a global and bids with the count in its SKU. With a
//! fresh instance per call it must always see 1.

use std::sync::atomic::{AtomicU32, Ordering};

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

static CALLS: AtomicU32 = AtomicU32::new(0);

/// The plugin.
pub struct Counter;

impl Brand for Counter {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        let calls = CALLS.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(vec![
            request
                .offer(format!("CALL-{calls}"), "Call counter")
                .price_minor(100),
        ])
    }
}

export_brand!(Counter);
