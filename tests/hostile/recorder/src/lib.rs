//! Echoes back everything it received: the whole request, as the guest sees
//! it after the host lowered it, in a `BidError::Internal` message. A test
//! reads that message from the auction's loss reason and checks that nothing
//! private is in it. Serves every top-level category a sample uses.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct Recorder;

impl Brand for Recorder {
    const CATEGORIES: &'static [&'static str] = &["food", "school", "clothing", "sports"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        Err(BidError::Internal(format!("{request:?}")))
    }
}

export_brand!(Recorder);
