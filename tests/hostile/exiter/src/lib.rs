//! Calls `exit(3)`: a plugin may not end the host process.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct Exiter;

impl Brand for Exiter {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        std::process::exit(3)
    }
}

export_brand!(Exiter);
