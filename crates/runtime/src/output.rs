//! Size limits on a plugin's answer, checked on the raw bindings before
//! anything is converted: an answer that breaks them is refused whole
//! (`invalid-output`). Whether each offer makes sense is checked later, per
//! offer, by `model::check_offer`.

use super::contract::v0_1::{AnswerShape, WitOffer};
use super::limits::Limits;

/// Bytes counted for each offer record besides its strings (numbers, enums,
/// options), so that many empty offers still add up.
const OFFER_OVERHEAD_BYTES: usize = 64;
/// Bytes counted per service besides its text.
const SERVICE_OVERHEAD_BYTES: usize = 16;

/// Checks an answer against the output limits and the request's
/// `max_offers`. The error says which limit was broken.
pub(crate) fn check_answer(
    limits: &Limits,
    max_offers: u8,
    offers: &[WitOffer],
) -> Result<(), String> {
    let allowed = usize::from(max_offers.min(limits.max_offers));
    if offers.len() > allowed {
        return Err(format!(
            "{} offers; at most {allowed} are accepted for this request",
            offers.len()
        ));
    }
    let shape = AnswerShape { offers };
    let mut total = offers.len() * OFFER_OVERHEAD_BYTES;
    for (services, labels) in shape.per_offer_counts() {
        if services > limits.services_per_offer {
            return Err(format!(
                "an offer has {services} services; the limit is {}",
                limits.services_per_offer
            ));
        }
        if labels > limits.labels_per_offer {
            return Err(format!(
                "an offer has {labels} labels; the limit is {}",
                limits.labels_per_offer
            ));
        }
        total += services * SERVICE_OVERHEAD_BYTES;
    }
    for text in shape.strings() {
        if text.len() > limits.string_bytes {
            return Err(format!(
                "a string of {} bytes; the limit is {}",
                text.len(),
                limits.string_bytes
            ));
        }
        total += text.len();
    }
    if total > limits.output_bytes {
        return Err(format!(
            "the answer is {total} bytes; the limit is {}",
            limits.output_bytes
        ));
    }
    Ok(())
}

/// The size of a request as the plugin receives it, counted the same way.
pub(crate) fn request_bytes(request: &vitrine_types::OfferRequest) -> usize {
    OFFER_OVERHEAD_BYTES
        + request.request_id.len()
        + request.category.len()
        + request.currency.len()
        + request
            .region
            .as_ref()
            .map_or(0, |r| r.country.len() + r.postal_prefix.len())
        + request.labels.iter().map(String::len).sum::<usize>()
}
