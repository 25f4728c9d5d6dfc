//! Panics in `describe`, so it can never be registered.

use vitrine_sdk::{BidError, Brand, BrandInfo, Offer, Package, Request, export_brand};

/// The plugin.
pub struct DescribePanics;

impl Brand for DescribePanics {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn describe(_package: Package) -> BrandInfo {
        panic!("no description today");
    }

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        Ok(Vec::new())
    }
}

export_brand!(DescribePanics);
