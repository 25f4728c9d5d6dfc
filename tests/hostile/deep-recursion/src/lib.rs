//! Recurses without end; each frame keeps a buffer alive so the recursion
//! cannot be turned into a loop.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct DeepRecursion;

#[inline(never)]
#[allow(unconditional_recursion)]
fn descend(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth; 16]);
    descend(depth + 1).wrapping_add(frame[depth as usize % 16])
}

impl Brand for DeepRecursion {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        let depth = descend(std::hint::black_box(0));
        Err(BidError::Internal(format!("reached {depth}")))
    }
}

export_brand!(DeepRecursion);
