//! Loops forever when asked for offers. Fuel would stop it after 11 M
//! instructions; the epoch deadline stops it first when fuel is plentiful.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct Looper;

impl Brand for Looper {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        let mut counter: u64 = 0;
        loop {
            counter = std::hint::black_box(counter.wrapping_add(1));
        }
    }
}

export_brand!(Looper);
