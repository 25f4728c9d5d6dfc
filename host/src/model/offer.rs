//! Offers as the host sees them once they have crossed the sandbox boundary,
//! plus the plugin's self-description and its own bid errors.

use serde::{Deserialize, Serialize};

use super::request::Quantity;

/// What kind of deal an offer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
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

/// One offer from one brand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// The brand's stock-keeping unit.
    pub sku: String,
    /// Short title.
    pub title: String,
    /// Deal kind.
    pub kind: OfferKind,
    /// What is delivered.
    pub quantity: Quantity,
    /// Total price in minor units.
    pub price_minor: u64,
    /// ISO 4217 code.
    pub currency: String,
    /// Days until the earliest delivery.
    pub delivery_days: u16,
    /// Services included.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Labels carried.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Carbon footprint in grams.
    #[serde(default)]
    pub carbon_grams: Option<u32>,
    /// Message to the household.
    #[serde(default)]
    pub message: Option<String>,
}

/// A plugin's own reason for not bidding (the WIT `bid-error`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
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
