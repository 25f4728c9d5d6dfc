//! Tries to read a host file; linking `std::fs` makes the component import
//! `wasi:filesystem`, which the host refuses at load.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct FileReader;

impl Brand for FileReader {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        let seen = std::fs::read_to_string("/etc/passwd")
            .map(|s| format!("read {} bytes", s.len()))
            .unwrap_or_else(|e| format!("error:{}", e.kind()));
        Err(BidError::Internal(seen))
    }
}

export_brand!(FileReader);
