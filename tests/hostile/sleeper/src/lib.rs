//! Tries to sleep for ten seconds: waiting happens in the host, out of reach
//! of the epoch deadline, so the host must refuse it.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct Sleeper;

impl Brand for Sleeper {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        std::thread::sleep(std::time::Duration::from_secs(10));
        Ok(Vec::new())
    }
}

export_brand!(Sleeper);
