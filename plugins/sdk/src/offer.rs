//! What a brand answers: offers made of a product plus services, and the
//! errors that explain why it cannot bid.

use crate::request::Quantity;

/// The longest title the platform accepts, in characters (Unicode scalar
/// values, whatever their size in bytes). The SDK cuts longer titles when
/// it hands the offer over, so a long title never fails a call.
pub const MAX_TITLE_CHARS: usize = 120;
/// The longest message or advice text, in characters; cut likewise.
pub const MAX_MESSAGE_CHARS: usize = 280;

/// `text` cut to its first `max` characters.
pub(crate) fn cut(mut text: String, max: usize) -> String {
    if let Some((end, _)) = text.char_indices().nth(max) {
        text.truncate(end);
    }
    text
}

/// What kind of deal an offer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferKind {
    /// A one-off sale.
    Purchase,
    /// A recurring delivery.
    Subscription,
    /// The household uses the good and gives it back.
    Rental,
    /// A second-hand good restored by the brand.
    Refurbished,
    /// A service performed on a good the household already owns.
    RepairService,
}

/// A service attached to an offer. The household values each kind in money,
/// so services are how a brand competes beyond price.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Service {
    /// A committed delivery appointment.
    DeliverySlot {
        /// Day of delivery, counted from today.
        day: u16,
        /// Start hour (0-23).
        start_hour: u8,
        /// End hour (1-24), after `start_hour`.
        end_hour: u8,
    },
    /// Recurring delivery terms.
    Subscription {
        /// Days between deliveries.
        period_days: u16,
        /// Whether the household may cancel at any time without fee.
        cancel_anytime: bool,
    },
    /// Packaging the brand collects and reuses.
    ReturnablePackaging {
        /// Deposit in minor units, refunded on return (0 when none).
        deposit_minor: u64,
    },
    /// The brand takes the product (or last year's one) back.
    TakeBack {
        /// Buy-back credit in minor units (0 when none).
        credit_minor: u64,
    },
    /// Free repairs for this many months.
    RepairMonths(u16),
    /// Warranty for this many months.
    WarrantyMonths(u16),
    /// The good is rented for this many days.
    RentalDays(u16),
    /// Loyalty value granted with the order, in minor units.
    Loyalty {
        /// Value in minor units.
        minor: u64,
    },
    /// Personal advice (sizing, recipes, usage), described briefly.
    Advice(String),
}

/// One offer. Build it with [`Request::offer`](crate::Request::offer) and the
/// chained setters below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The brand's own stock-keeping unit.
    pub sku: String,
    /// A short human-readable title: at most [`MAX_TITLE_CHARS`]
    /// characters (cut when the offer is handed over). Plain text: line
    /// breaks and control characters are removed by the platform.
    pub title: String,
    /// Purchase, subscription, rental, ...
    pub kind: OfferKind,
    /// What is delivered.
    pub quantity: Quantity,
    /// Total price in minor units; the platform rejects 0.
    pub price_minor: u64,
    /// ISO 4217 code; must equal the request's currency.
    pub currency: String,
    /// Days until the earliest possible delivery.
    pub delivery_days: u16,
    /// Services included in the price.
    pub services: Vec<Service>,
    /// Labels the product carries (`organic`, `local`, `refill`, ...).
    pub labels: Vec<String>,
    /// Estimated carbon footprint in grams.
    pub carbon_grams: Option<u32>,
    /// A short message from the brand to the household: at most
    /// [`MAX_MESSAGE_CHARS`] characters (cut when the offer is handed over).
    pub message: Option<String>,
}

impl Offer {
    /// A one-off purchase of `quantity`, priced 0 until [`Offer::price_minor`]
    /// is called, deliverable today, with no services or labels.
    pub fn new(
        sku: impl Into<String>,
        title: impl Into<String>,
        quantity: Quantity,
        currency: &str,
    ) -> Self {
        Offer {
            sku: sku.into(),
            title: title.into(),
            kind: OfferKind::Purchase,
            quantity,
            price_minor: 0,
            currency: currency.to_owned(),
            delivery_days: 0,
            services: Vec::new(),
            labels: Vec::new(),
            carbon_grams: None,
            message: None,
        }
    }

    /// Set the deal kind.
    pub fn kind(mut self, kind: OfferKind) -> Self {
        self.kind = kind;
        self
    }

    /// Set the total price in minor units.
    pub fn price_minor(mut self, price: u64) -> Self {
        self.price_minor = price;
        self
    }

    /// Set the quantity delivered.
    pub fn quantity(mut self, quantity: Quantity) -> Self {
        self.quantity = quantity;
        self
    }

    /// Set the days until the earliest possible delivery.
    pub fn delivery_days(mut self, days: u16) -> Self {
        self.delivery_days = days;
        self
    }

    /// Add a service.
    pub fn service(mut self, service: Service) -> Self {
        self.services.push(service);
        self
    }

    /// Add a label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.labels.push(label.into());
        self
    }

    /// Set the carbon footprint in grams.
    pub fn carbon_grams(mut self, grams: u32) -> Self {
        self.carbon_grams = Some(grams);
        self
    }

    /// Set the message to the household.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// Why a plugin cannot bid. Having nothing to offer is not an error: return
/// an empty list instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BidError {
    /// The request is for a category this plugin does not serve.
    UnsupportedCategory(String),
    /// The plugin serves the category but has nothing in stock.
    OutOfStock,
    /// A catalog key is missing or malformed; the payload says which.
    Catalog(String),
    /// The request is well formed but cannot be served (unit, region, ...).
    Unserviceable(String),
    /// Any other failure.
    Internal(String),
}

impl std::fmt::Display for BidError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BidError::UnsupportedCategory(c) => write!(f, "category {c} is not served"),
            BidError::OutOfStock => f.write_str("out of stock"),
            BidError::Catalog(m) => write!(f, "catalog: {m}"),
            BidError::Unserviceable(m) => write!(f, "unserviceable: {m}"),
            BidError::Internal(m) => write!(f, "internal: {m}"),
        }
    }
}

impl std::error::Error for BidError {}

/// What a plugin says about itself; the host reads it once at load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandInfo {
    /// The brand's display name.
    pub name: String,
    /// The plugin's version.
    pub version: String,
    /// Category prefixes served.
    pub categories: Vec<String>,
    /// Where the operator can reach the brand.
    pub contact: String,
}

/// Facts about the plugin's own crate, captured by
/// [`export_brand!`](crate::export_brand) where it is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// `CARGO_PKG_NAME` of the plugin crate.
    pub name: &'static str,
    /// `CARGO_PKG_VERSION` of the plugin crate.
    pub version: &'static str,
    /// `CARGO_PKG_AUTHORS` of the plugin crate (may be empty).
    pub authors: &'static str,
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn texts_are_cut_by_characters_at_the_platforms_limits() {
        let long = "😀".repeat(300);
        assert_eq!(cut(long.clone(), MAX_MESSAGE_CHARS).chars().count(), 280);
        assert_eq!(cut("short".into(), MAX_TITLE_CHARS), "short");
        let t = cut("é".repeat(121), MAX_TITLE_CHARS);
        assert_eq!(t.chars().count(), 120);
    }
}
