//! What a brand answers: offers made of a product plus services (built with
//! [`OfferRequest::offer`](crate::OfferRequest::offer) and the setters of
//! [`Offer`]), the errors that explain why it cannot bid, and its
//! self-description.

use serde::{Deserialize, Serialize};

use super::request::Quantity;

/// What kind of deal an offer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// A one-off sale.
    Purchase,
    /// A recurring delivery.
    Subscription,
    /// Use, then give back.
    Rental,
    /// A restored second-hand good.
    Refurbished,
    /// A service on a good the household owns.
    RepairService,
}

/// A service attached to an offer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Service {
    /// A committed delivery appointment.
    DeliverySlot {
        /// Day of delivery from today.
        day: u16,
        /// Start hour (0-23).
        start_hour: u8,
        /// End hour (1-24), after the start.
        end_hour: u8,
    },
    /// Recurring delivery terms.
    Subscription {
        /// Days between deliveries.
        period_days: u16,
        /// Whether it can be cancelled any time without fee.
        cancel_anytime: bool,
    },
    /// Returnable packaging with its deposit in minor units.
    ReturnablePackaging {
        /// Deposit refunded on return.
        deposit_minor: u64,
    },
    /// Take-back of the product (or last year's) with a credit.
    TakeBack {
        /// Buy-back credit in minor units.
        credit_minor: u64,
    },
    /// Free repairs for this many months.
    RepairMonths(u16),
    /// Warranty for this many months.
    WarrantyMonths(u16),
    /// Rental length in days.
    RentalDays(u16),
    /// Loyalty value in minor units.
    Loyalty {
        /// Value in minor units.
        minor: u64,
    },
    /// Personal advice, described briefly.
    Advice(String),
}

impl Service {
    /// The kind of service, used to look up how much a household values it.
    pub fn kind(&self) -> ServiceKind {
        match self {
            Service::DeliverySlot { .. } => ServiceKind::DeliverySlot,
            Service::Subscription { .. } => ServiceKind::Subscription,
            Service::ReturnablePackaging { .. } => ServiceKind::ReturnablePackaging,
            Service::TakeBack { .. } => ServiceKind::TakeBack,
            Service::RepairMonths(_) => ServiceKind::Repair,
            Service::WarrantyMonths(_) => ServiceKind::Warranty,
            Service::RentalDays(_) => ServiceKind::Rental,
            Service::Loyalty { .. } => ServiceKind::Loyalty,
            Service::Advice(_) => ServiceKind::Advice,
        }
    }
}

/// The kinds of [`Service`], without their parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// [`Service::DeliverySlot`].
    DeliverySlot,
    /// [`Service::Subscription`].
    Subscription,
    /// [`Service::ReturnablePackaging`].
    ReturnablePackaging,
    /// [`Service::TakeBack`].
    TakeBack,
    /// [`Service::RepairMonths`].
    Repair,
    /// [`Service::WarrantyMonths`].
    Warranty,
    /// [`Service::RentalDays`].
    Rental,
    /// [`Service::Loyalty`].
    Loyalty,
    /// [`Service::Advice`].
    Advice,
}

/// One offer from one brand. Build it with
/// [`OfferRequest::offer`](crate::OfferRequest::offer) and the chained
/// setters below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// The brand's own stock-keeping unit; it must be declared in the
    /// brand's catalog (a key `sku.<SKU>`), or the offer is dropped.
    pub sku: String,
    /// A short human-readable title: at most
    /// [`MAX_TITLE_CHARS`](crate::MAX_TITLE_CHARS) characters. Plain text:
    /// line breaks and control characters are removed by the platform.
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
    #[serde(default)]
    pub services: Vec<Service>,
    /// Labels the product carries (`organic`, `local`, `refill`, ...).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Estimated carbon footprint in grams.
    #[serde(default)]
    pub carbon_grams: Option<u32>,
    /// A short message from the brand to the household: at most
    /// [`MAX_MESSAGE_CHARS`](crate::MAX_MESSAGE_CHARS) characters.
    #[serde(default)]
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

    /// Sets the deal kind.
    pub fn kind(mut self, kind: OfferKind) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the total price in minor units.
    pub fn price_minor(mut self, price: u64) -> Self {
        self.price_minor = price;
        self
    }

    /// Sets the quantity delivered.
    pub fn quantity(mut self, quantity: Quantity) -> Self {
        self.quantity = quantity;
        self
    }

    /// Sets the days until the earliest possible delivery.
    pub fn delivery_days(mut self, days: u16) -> Self {
        self.delivery_days = days;
        self
    }

    /// Adds a service.
    pub fn service(mut self, service: Service) -> Self {
        self.services.push(service);
        self
    }

    /// Adds a label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.labels.push(label.into());
        self
    }

    /// Sets the carbon footprint in grams.
    pub fn carbon_grams(mut self, grams: u32) -> Self {
        self.carbon_grams = Some(grams);
        self
    }

    /// Sets the message to the household.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// A plugin's own reason for not bidding (the WIT `bid-error`). Having
/// nothing to offer is not an error: a plugin returns an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "code", content = "detail")]
pub enum BidError {
    /// The category is not served by this plugin.
    #[error("category not served: {0}")]
    UnsupportedCategory(String),
    /// Nothing in stock.
    #[error("out of stock")]
    OutOfStock,
    /// A catalog key is missing or malformed.
    #[error("catalog problem: {0}")]
    Catalog(String),
    /// The request cannot be served (unit, region, ...).
    #[error("unserviceable: {0}")]
    Unserviceable(String),
    /// Any other failure inside the plugin.
    #[error("internal plugin error: {0}")]
    Internal(String),
}

/// What a plugin says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BrandInfo {
    /// Display name.
    pub name: String,
    /// The plugin's own version.
    pub version: String,
    /// Category prefixes served.
    pub categories: Vec<String>,
    /// How to reach the brand.
    pub contact: String,
}
