//! Declares a category that is not a taxonomy path, trying to be asked for
//! everything.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct BadDescription;

impl Brand for BadDescription {
    const CATEGORIES: &'static [&'static str] = &["*"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        Ok(Vec::new())
    }
}

export_brand!(BadDescription);
