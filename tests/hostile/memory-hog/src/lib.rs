//! Allocates 1 MiB chunks, touching one byte per 64 KiB page, until the
//! allocator fails.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct MemoryHog;

impl Brand for MemoryHog {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            let mut chunk = vec![0u8; 1 << 20];
            for page in chunk.chunks_mut(64 << 10) {
                page[0] = 0xAB;
            }
            hoard.push(std::hint::black_box(chunk));
        }
    }
}

export_brand!(MemoryHog);
