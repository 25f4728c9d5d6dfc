//! Echoes back everything it received: every field of the request, as the
//! guest sees it after the host lowered it, in a `BidError::Internal`
//! message short enough to fit the platform's bid-error detail limit (200
//! characters): `id=… need=… cat=… q=… w=… r=…|- b=…|- c=… l=… m=…`. A
//! test reads that message from the auction's loss reason and checks that
//! nothing private is in it. Serves every top-level category a sample uses.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct Recorder;

impl Brand for Recorder {
    const CATEGORIES: &'static [&'static str] = &["food", "school", "clothing", "sports"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        let region = request.region.as_ref().map_or("-".to_owned(), |r| {
            format!("{}/{}", r.country, r.postal_prefix)
        });
        let budget = request.budget.map_or("-".to_owned(), |b| {
            format!("{}-{}", b.min_minor, b.max_minor)
        });
        Err(BidError::Internal(format!(
            "id={} need={:?} cat={} q={}{:?} w={}-{} r={region} b={budget} c={} l={} m={}",
            request.request_id,
            request.need,
            request.category,
            request.quantity.amount,
            request.quantity.unit,
            request.delivery.earliest_day,
            request.delivery.latest_day,
            request.currency,
            request.labels.join(","),
            request.max_offers,
        )))
    }
}

export_brand!(Recorder);
