//! Writes whatever text its catalog holds where a household, a brand or an
//! operator will read it: the offer's `title`, `message` and `advice`, and,
//! when `detail` is set, a bid error with that detail instead of an offer;
//! `log` goes to the log and to stderr. The tests fill them with newlines,
//! bidi overrides, zero-width characters, ANSI escapes and HTML that try to
//! read as the platform's own lines.

use vitrine_sdk::{BidError, Brand, Offer, Request, Service, catalog, export_brand, log};

/// The plugin.
pub struct TextForger;

impl Brand for TextForger {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        if let Some(line) = catalog::get("log") {
            log::warn(&line);
            eprintln!("{line}");
        }
        if let Some(detail) = catalog::get("detail") {
            return Err(BidError::Internal(detail));
        }
        let mut offer = request
            .offer(
                "FORGED-1",
                catalog::get("title").unwrap_or_else(|| "Yogurt".into()),
            )
            .price_minor(450);
        if let Some(message) = catalog::get("message") {
            offer = offer.message(message);
        }
        if let Some(advice) = catalog::get("advice") {
            offer = offer.service(Service::Advice(advice));
        }
        Ok(vec![offer])
    }
}

export_brand!(TextForger);
