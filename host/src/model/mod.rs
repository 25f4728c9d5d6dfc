//! The data that crosses the sandbox boundary, in the host's own terms:
//! requests sent to plugins, offers and errors they answer, and the contract's
//! rules for both. Independent of any WIT version.

mod offer;
mod request;
mod validation;

pub use offer::{BidError, BrandInfo, Offer, OfferKind, Service, ServiceKind};
pub use request::{
    BudgetBand, DeliveryWindow, MAX_REQUEST_LABELS, NeedKind, OfferRequest, Quantity, Region,
    RequestError, Unit, category_is_under, is_category_path, is_currency_code, is_label,
    random_request_id,
};
pub use validation::{
    MAX_LABELS, MAX_MESSAGE_CHARS, MAX_QUANTITY_FACTOR, MAX_SKU_BYTES, MAX_TITLE_CHARS,
    OfferRejection, check_offer,
};
