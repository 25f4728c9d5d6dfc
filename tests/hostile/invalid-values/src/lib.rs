//! Returns three offers, each invalid in one way: a zero price, an unknown
//! currency, and a quantity in the wrong unit.

use vitrine_sdk::{BidError, Brand, Offer, Quantity, Request, export_brand};

/// The plugin.
pub struct InvalidValues;

impl Brand for InvalidValues {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        let mut unknown_currency = request
            .offer("BAD-CURRENCY", "Priced in a made-up currency")
            .price_minor(100);
        unknown_currency.currency = "XQQ".into();
        Ok(vec![
            request.offer("FREE", "Free yogurt").price_minor(0),
            unknown_currency,
            request
                .offer("WRONG-UNIT", "Yogurt by the gram")
                .quantity(Quantity::grams(500))
                .price_minor(100),
        ])
    }
}

export_brand!(InvalidValues);
