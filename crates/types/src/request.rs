//! The offer request: one minimised need, as handed to a brand plugin.
//!
//! One definition for the host and the SDK, independent of any WIT version:
//! the host's runtime converts it to and from each contract version it
//! serves, the SDK to and from the WIT bindings it is built with. It is also
//! the JSON format of `vitrine plugin run --request` (documented in
//! `docs/FORMATS.md`).

use serde::{Deserialize, Serialize};

/// Why the platform is asking for offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NeedKind {
    /// A recurring need predicted from consumption.
    Replenishment,
    /// A calendar need.
    Seasonal,
    /// A want inferred from context; never ordered without asking.
    Desire,
}

impl NeedKind {
    /// The name used in JSON and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            NeedKind::Replenishment => "replenishment",
            NeedKind::Seasonal => "seasonal",
            NeedKind::Desire => "desire",
        }
    }
}

/// The unit a quantity is counted in (base units only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Countable items.
    Piece,
    /// Mass in grams.
    Gram,
    /// Volume in millilitres.
    Millilitre,
}

/// An amount of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// How many units.
    #[cfg_attr(feature = "schema", schemars(range(max = crate::MAX_AMOUNT)))]
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: Unit,
}

/// When delivery is wanted, in whole days from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DeliveryWindow {
    /// Earliest acceptable day (0 = today).
    pub earliest_day: u16,
    /// Latest acceptable day.
    pub latest_day: u16,
}

/// A coarse location: country and postal prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// At most three leading characters of the postal code.
    pub postal_prefix: String,
}

/// A price band in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetBand {
    /// Lower bound, inclusive.
    pub min_minor: u64,
    /// Upper bound, inclusive.
    pub max_minor: u64,
}

/// One minimised need sent to one brand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OfferRequest {
    /// Random per request and per brand; it links to nothing. Optional in
    /// JSON: a random one is drawn when it is absent.
    #[serde(default = "default_request_id")]
    pub request_id: String,
    /// Why the need was raised.
    pub need: NeedKind,
    /// Taxonomy path such as `food/dairy/yogurt`.
    pub category: String,
    /// How much is needed.
    pub quantity: Quantity,
    /// When delivery is wanted.
    pub delivery: DeliveryWindow,
    /// Coarse location, if shared.
    #[serde(default)]
    pub region: Option<Region>,
    /// Budget band, if shared.
    #[serde(default)]
    pub budget: Option<BudgetBand>,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Preference labels shared with consent.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The most offers considered from this brand.
    #[serde(default = "default_max_offers")]
    pub max_offers: u8,
}

/// Why a request cannot be sent to plugins.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The category is not a taxonomy path.
    #[error("category {0:?} is not a taxonomy path (lower-case segments joined by '/')")]
    BadCategory(String),
    /// The currency is not an ISO 4217 code.
    #[error("currency {0:?} is not an ISO 4217 code")]
    BadCurrency(String),
    /// A label is malformed.
    #[error("label {0:?} is malformed (1-32 lower-case letters, digits, '-')")]
    BadLabel(String),
    /// Too many labels.
    #[error("{0} labels; at most {MAX_REQUEST_LABELS} are sent")]
    TooManyLabels(usize),
    /// The delivery window ends before it starts.
    #[error("delivery window ends (day {latest}) before it starts (day {earliest})")]
    BadDeliveryWindow {
        /// First day.
        earliest: u16,
        /// Last day.
        latest: u16,
    },
    /// The budget band is inverted.
    #[error("budget band min {min} is above max {max}")]
    BadBudget {
        /// Lower bound.
        min: u64,
        /// Upper bound.
        max: u64,
    },
    /// The region is not coarse (country code and a prefix of at most 3).
    #[error("region must be an ISO country code and a postal prefix of at most 3 characters")]
    BadRegion,
    /// The request id is empty or too long.
    #[error("request id must be 1 to 64 characters")]
    BadRequestId,
    /// Zero offers wanted.
    #[error("max_offers must be at least 1")]
    NoOffersWanted,
    /// Zero quantity.
    #[error("quantity must be positive")]
    ZeroQuantity,
}

/// Most labels a request carries.
pub const MAX_REQUEST_LABELS: usize = 16;

impl OfferRequest {
    /// Checks that the request is well formed and minimised (coarse region,
    /// short id, bounded labels) before it goes to any plugin.
    pub fn validate(&self) -> Result<(), RequestError> {
        if self.request_id.is_empty() || self.request_id.len() > 64 {
            return Err(RequestError::BadRequestId);
        }
        if !is_category_path(&self.category) {
            return Err(RequestError::BadCategory(self.category.clone()));
        }
        if !is_currency_code(&self.currency) {
            return Err(RequestError::BadCurrency(self.currency.clone()));
        }
        if self.quantity.amount == 0 {
            return Err(RequestError::ZeroQuantity);
        }
        if self.delivery.latest_day < self.delivery.earliest_day {
            return Err(RequestError::BadDeliveryWindow {
                earliest: self.delivery.earliest_day,
                latest: self.delivery.latest_day,
            });
        }
        if let Some(b) = self.budget
            && b.min_minor > b.max_minor
        {
            return Err(RequestError::BadBudget {
                min: b.min_minor,
                max: b.max_minor,
            });
        }
        if let Some(r) = &self.region {
            let country_ok =
                r.country.len() == 2 && r.country.bytes().all(|b| b.is_ascii_uppercase());
            let prefix_ok = r.postal_prefix.len() <= 3
                && r.postal_prefix.bytes().all(|b| b.is_ascii_alphanumeric());
            if !country_ok || !prefix_ok {
                return Err(RequestError::BadRegion);
            }
        }
        if self.labels.len() > MAX_REQUEST_LABELS {
            return Err(RequestError::TooManyLabels(self.labels.len()));
        }
        if let Some(bad) = self.labels.iter().find(|l| !is_label(l)) {
            return Err(RequestError::BadLabel(bad.clone()));
        }
        if self.max_offers == 0 {
            return Err(RequestError::NoOffersWanted);
        }
        Ok(())
    }
}

fn default_max_offers() -> u8 {
    3
}

fn default_request_id() -> String {
    #[cfg(feature = "random")]
    {
        random_request_id()
    }
    #[cfg(not(feature = "random"))]
    {
        String::new()
    }
}

/// A fresh request id: 128 bits from the operating system's random source,
/// hex encoded. Drawn independently for every request and every brand so
/// that ids link nothing.
#[cfg(feature = "random")]
pub fn random_request_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

impl OfferRequest {
    /// A request for `quantity` of `category` with neutral defaults: a
    /// replenishment, delivery within a week, in EUR, up to three offers,
    /// nothing else shared. Useful in a plugin's own unit tests.
    pub fn new(category: impl Into<String>, quantity: Quantity) -> Self {
        OfferRequest {
            request_id: "test-request".to_owned(),
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
            max_offers: default_max_offers(),
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

    /// Starts an offer for this request: the currency and quantity are
    /// taken from the request; set the price and the rest with the
    /// builder methods of [`Offer`](crate::Offer).
    pub fn offer(&self, sku: impl Into<String>, title: impl Into<String>) -> crate::Offer {
        crate::Offer::new(sku, title, self.quantity, &self.currency)
    }
}

/// Whether `category` is `prefix` or lies below it (whole path segments).
pub fn category_is_under(category: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    match category.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

/// Whether `path` is a well-formed taxonomy path: lower-case segments of
/// `a-z`, `0-9` and `-`, joined by `/`, at most 8 segments and 128 bytes.
pub fn is_category_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 128
        && path.split('/').count() <= 8
        && path.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Whether `label` is a well-formed label: 1 to 32 bytes of lower-case
/// `a-z`, `0-9` and `-`.
pub fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 32
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `code` looks like an ISO 4217 code (three upper-case letters).
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "random")]
    #[test]
    fn request_ids_are_random_and_128_bits() {
        let a = random_request_id();
        let b = random_request_id();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn category_prefix_matches_whole_segments_only() {
        assert!(category_is_under("food/dairy/yogurt", "food/dairy"));
        assert!(category_is_under("food/dairy", "food/dairy"));
        assert!(category_is_under("food/dairy", "food/dairy/"));
        assert!(!category_is_under("food/dairy-free", "food/dairy"));
        assert!(!category_is_under("food", "food/dairy"));
    }

    #[test]
    fn an_offer_inherits_currency_and_quantity_from_its_request() {
        let request = OfferRequest::new("food/dairy/yogurt", Quantity::pieces(8));
        let offer = request.offer("YOG-8", "Yogurt x8").price_minor(520);
        assert_eq!(offer.currency, "EUR");
        assert_eq!(offer.quantity, Quantity::pieces(8));
        assert_eq!(offer.price_minor, 520);
    }

    #[test]
    fn category_paths_are_lower_case_segments() {
        assert!(is_category_path("food/dairy/yogurt"));
        assert!(is_category_path("school/supplies/primary-2"));
        assert!(!is_category_path(""));
        assert!(!is_category_path("food//dairy"));
        assert!(!is_category_path("Food/Dairy"));
        assert!(!is_category_path("food/dairy/"));
        assert!(!is_category_path("*"));
    }

    #[test]
    fn request_json_rejects_unknown_fields_and_fills_defaults() {
        let json = r#"{"need":"seasonal","category":"school/supplies/primary",
            "quantity":{"amount":1,"unit":"piece"},
            "delivery":{"earliest_day":0,"latest_day":10},"currency":"EUR"}"#;
        let request: OfferRequest = serde_json::from_str(json).unwrap();
        assert_eq!(request.max_offers, 3);
        #[cfg(feature = "random")]
        assert_eq!(request.request_id.len(), 32, "a random one is drawn");
        let typo = json.replace("\"currency\"", "\"curency\"");
        assert!(serde_json::from_str::<OfferRequest>(&typo).is_err());
    }
}
