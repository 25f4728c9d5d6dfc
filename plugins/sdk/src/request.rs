//! What the platform asks a brand: one minimised need.

use crate::offer::Offer;

/// Why the platform is asking for offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NeedKind {
    /// A recurring need predicted from consumption (the yogurt runs out).
    Replenishment,
    /// A calendar need (back-to-school kit, winter clothing).
    Seasonal,
    /// A want inferred from context; the platform always asks the household
    /// before ordering it.
    Desire,
}

/// The unit a quantity is counted in (base units only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Countable items (jars, pairs, kits, bikes).
    Piece,
    /// Mass in grams.
    Gram,
    /// Volume in millilitres.
    Millilitre,
}

/// An amount of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    /// How many units.
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: Unit,
}

impl Quantity {
    /// `n` countable items.
    pub const fn pieces(n: u32) -> Self {
        Quantity {
            amount: n,
            unit: Unit::Piece,
        }
    }

    /// `n` grams.
    pub const fn grams(n: u32) -> Self {
        Quantity {
            amount: n,
            unit: Unit::Gram,
        }
    }

    /// `n` millilitres.
    pub const fn millilitres(n: u32) -> Self {
        Quantity {
            amount: n,
            unit: Unit::Millilitre,
        }
    }
}

/// When the household needs delivery, in whole days from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeliveryWindow {
    /// The earliest acceptable day (0 = today).
    pub earliest_day: u16,
    /// The latest acceptable day.
    pub latest_day: u16,
}

/// A coarse location: a country and a short postal prefix, never an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region {
    /// ISO 3166-1 alpha-2 country code, such as `FR`.
    pub country: String,
    /// The first characters of the postal code, such as `75`.
    pub postal_prefix: String,
}

/// The price band the household is expected to accept, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BudgetBand {
    /// Lower bound, inclusive.
    pub min_minor: u64,
    /// Upper bound, inclusive.
    pub max_minor: u64,
}

/// One need, minimised. This is everything a plugin learns about a
/// household: no identifier, no raw event, no context signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Random per request and per brand; it links to nothing.
    pub id: String,
    /// Why the need was raised.
    pub need: NeedKind,
    /// A taxonomy path such as `food/dairy/yogurt`.
    pub category: String,
    /// How much is needed (bucketed by the platform).
    pub quantity: Quantity,
    /// When delivery is wanted.
    pub delivery: DeliveryWindow,
    /// Where, coarsely, when the household allows it.
    pub region: Option<Region>,
    /// How much the household usually spends on this, as a band.
    pub budget: Option<BudgetBand>,
    /// ISO 4217 code every offer must be priced in.
    pub currency: String,
    /// Preference labels shared with the household's consent.
    pub labels: Vec<String>,
    /// The most offers the platform will consider; the SDK drops extras.
    pub max_offers: u8,
}

impl Request {
    /// A request for `quantity` of `category` with neutral defaults: a
    /// replenishment, delivery within a week, in EUR, up to three offers.
    /// Useful in a plugin's own unit tests.
    pub fn new(category: impl Into<String>, quantity: Quantity) -> Self {
        Request {
            id: "test-request".to_owned(),
            need: NeedKind::Replenishment,
            category: category.into(),
            quantity,
            delivery: DeliveryWindow {
                earliest_day: 0,
                latest_day: 7,
            },
            region: None,
            budget: None,
            currency: "EUR".to_owned(),
            labels: Vec::new(),
            max_offers: 3,
        }
    }

    /// Whether the household shared the preference label `label`.
    pub fn wants(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l == label)
    }

    /// Whether the request's category is `prefix` or lies below it in the
    /// taxonomy (`food/dairy` covers `food/dairy/yogurt`, not
    /// `food/dairy-free`).
    pub fn is_under(&self, prefix: &str) -> bool {
        category_is_under(&self.category, prefix)
    }

    /// Start an offer for this request: the currency and quantity are taken
    /// from the request; set the price and the rest with the builder methods.
    pub fn offer(&self, sku: impl Into<String>, title: impl Into<String>) -> Offer {
        Offer::new(sku, title, self.quantity, &self.currency)
    }
}

/// Whether `category` is `prefix` or lies below it (path segments, not
/// characters, are compared).
pub fn category_is_under(category: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    match category.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_prefix_matches_whole_segments_only() {
        assert!(category_is_under("food/dairy/yogurt", "food/dairy"));
        assert!(category_is_under("food/dairy", "food/dairy"));
        assert!(category_is_under("food/dairy", "food/dairy/"));
        assert!(!category_is_under("food/dairy-free", "food/dairy"));
        assert!(!category_is_under("food", "food/dairy"));
    }

    #[test]
    fn offer_inherits_currency_and_quantity_from_request() {
        let request = Request::new("food/dairy/yogurt", Quantity::pieces(8));
        let offer = request.offer("YOG-8", "Yogurt x8").price_minor(520);
        assert_eq!(offer.currency, "EUR");
        assert_eq!(offer.quantity, Quantity::pieces(8));
        assert_eq!(offer.price_minor, 520);
    }
}
