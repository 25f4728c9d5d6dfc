//! The data that crosses the sandbox boundary, in the host's own terms:
//! requests sent to plugins, offers and errors they answer, and the contract's
//! rules for both. Independent of any WIT version.

mod offer;
mod request;
pub mod text;
mod validation;

pub use offer::{BidError, BrandInfo, Offer, OfferKind, Service, ServiceKind};
pub use request::{
    BudgetBand, DeliveryWindow, MAX_REQUEST_LABELS, NeedKind, OfferRequest, Quantity, Region,
    RequestError, Unit, category_is_under, is_category_path, is_currency_code, is_label,
    random_request_id,
};
pub use validation::{
    MAX_AMOUNT, MAX_DETAIL_CHARS, MAX_LABELS, MAX_MESSAGE_CHARS, MAX_MONEY_MINOR, MAX_OFFER_DAYS,
    MAX_QUANTITY_FACTOR, MAX_RENTAL_DAYS, MAX_SERVICE_MONTHS, MAX_SKU_BYTES, MAX_TITLE_CHARS,
    OfferRejection, check_offer, check_ranges, is_sku,
};
