//! # vitrine-types
//!
//! The Vitrine contract's data, defined once for the host and the brand SDK:
//! what the platform asks a brand ([`OfferRequest`]), what the brand answers
//! ([`Offer`], [`Service`], [`BidError`], [`BrandInfo`]), why asking
//! produced nothing ([`CallError`]), and the contract's ranges and rules
//! ([`check_offer`], [`check_ranges`], the `MAX_*` constants). The WIT
//! contract in `wit/` is the boundary; these are the Rust values on either
//! side of it (the runtime converts them to and from each contract version
//! it serves, the SDK to and from the bindings a plugin is built with).
//!
//! By default the crate is light enough for plugins (`wasm32-wasip2`): serde
//! and thiserror only. A host turns on `host` (or its parts): `schema`
//! (JSON Schemas, for the HTTP API), `time` (instants and calendar days) and
//! `text` (normalising plugin text).

mod call;
mod limits;
mod offer;
mod request;
#[cfg(feature = "text")]
pub mod text;
#[cfg(feature = "time")]
pub mod time;
mod validation;

pub use call::CallError;
pub use limits::PluginLimits;
pub use offer::{BidError, BrandInfo, Offer, OfferKind, Service, ServiceKind};
#[cfg(feature = "random")]
pub use request::random_request_id;
pub use request::{
    BudgetBand, DeliveryWindow, MAX_REQUEST_LABELS, NeedKind, OfferRequest, Quantity, Region,
    RequestError, Unit, category_is_under, is_category_path, is_currency_code, is_label,
};
pub use validation::{
    MAX_AMOUNT, MAX_DETAIL_CHARS, MAX_LABELS, MAX_MESSAGE_CHARS, MAX_MONEY_MINOR, MAX_OFFER_DAYS,
    MAX_QUANTITY_FACTOR, MAX_RENTAL_DAYS, MAX_SERVICE_MONTHS, MAX_SKU_BYTES, MAX_TITLE_CHARS,
    OfferRejection, check_offer, check_ranges, is_sku,
};
