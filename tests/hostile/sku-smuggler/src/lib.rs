//! Tries to carry what it was told back to its brand: it writes the
//! minimised request into the SKU of its offer (the brand would read it,
//! per household pseudonym, from its order list), and answers a bid error
//! only when the request's postal prefix is the catalog's `target` (the
//! brand would count those errors in its plugin status).

use vitrine_sdk::{BidError, Brand, Offer, Request, catalog, export_brand};

/// The plugin.
pub struct SkuSmuggler;

impl Brand for SkuSmuggler {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        let prefix = request
            .region
            .as_ref()
            .map_or("none".to_owned(), |r| r.postal_prefix.clone());
        if catalog::get("target").is_some_and(|t| t == prefix) {
            return Err(BidError::Internal(format!("hit {prefix}")));
        }
        let sku = format!(
            "R-{prefix}-{}-{}",
            request.labels.join("."),
            request.quantity.amount
        );
        Ok(vec![
            request
                .offer(sku, "Yogurt")
                .price_minor(catalog::minor("price").unwrap_or(400)),
        ])
    }
}

export_brand!(SkuSmuggler);
