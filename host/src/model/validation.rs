//! Whether an offer honours the request it answers. The sandbox already
//! refused answers that are too big to handle (see `runtime::output`); this is
//! the contract's meaning: a positive price in the right currency, the
//! quantity that was asked for, well-formed services, short texts. An offer
//! that fails is dropped with its reason and never scored.

use serde::{Deserialize, Serialize};

use super::offer::{Offer, Service};
use super::request::{OfferRequest, is_currency_code, is_label};

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
/// Longest SKU, in bytes.
pub const MAX_SKU_BYTES: usize = 64;
/// Longest message or advice text, in characters.
pub const MAX_MESSAGE_CHARS: usize = 280;
/// Most labels per offer.
pub const MAX_LABELS: usize = 16;
/// An offer may deliver up to this many times the requested amount (rounding
/// up to whole packs); more is not what was asked for.
pub const MAX_QUANTITY_FACTOR: u32 = 2;

/// Why an offer was dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum OfferRejection {
    /// The price is zero.
    #[error("the price is zero")]
    ZeroPrice,
    /// The currency is not the request's.
    #[error("priced in {got:?}, the request asked for {expected}")]
    CurrencyMismatch {
        /// The request's currency.
        expected: String,
        /// The offer's currency.
        got: String,
    },
    /// The quantity's unit differs from the request's.
    #[error("quantity in {got:?}, the request asked for {expected:?}")]
    UnitMismatch {
        /// The request's unit.
        expected: super::request::Unit,
        /// The offer's unit.
        got: super::request::Unit,
    },
    /// The amount is below what was asked or far above it.
    #[error("quantity {got} is outside {min}..={max}")]
    QuantityOutOfRange {
        /// Smallest acceptable amount.
        min: u32,
        /// Largest acceptable amount.
        max: u32,
        /// The offer's amount.
        got: u32,
    },
    /// The SKU is empty or too long.
    #[error("the sku is empty or longer than {MAX_SKU_BYTES} bytes")]
    BadSku,
    /// The title is empty or too long.
    #[error("the title is empty or longer than {MAX_TITLE_CHARS} characters")]
    BadTitle,
    /// The message is too long.
    #[error("the message is longer than {MAX_MESSAGE_CHARS} characters")]
    MessageTooLong,
    /// A label is malformed, or there are too many.
    #[error("label {0:?} is malformed (lower-case words joined by '-') or there are too many")]
    BadLabel(String),
    /// A service is malformed.
    #[error("service is malformed: {0}")]
    BadService(String),
}

/// Checks `offer` against `request`.
pub fn check_offer(request: &OfferRequest, offer: &Offer) -> Result<(), OfferRejection> {
    if offer.price_minor == 0 {
        return Err(OfferRejection::ZeroPrice);
    }
    if offer.currency != request.currency || !is_currency_code(&offer.currency) {
        return Err(OfferRejection::CurrencyMismatch {
            expected: request.currency.clone(),
            got: offer.currency.clone(),
        });
    }
    if offer.quantity.unit != request.quantity.unit {
        return Err(OfferRejection::UnitMismatch {
            expected: request.quantity.unit,
            got: offer.quantity.unit,
        });
    }
    let min = request.quantity.amount;
    let max = min.saturating_mul(MAX_QUANTITY_FACTOR).max(1);
    if offer.quantity.amount < min || offer.quantity.amount > max {
        return Err(OfferRejection::QuantityOutOfRange {
            min,
            max,
            got: offer.quantity.amount,
        });
    }
    if offer.sku.is_empty() || offer.sku.len() > MAX_SKU_BYTES {
        return Err(OfferRejection::BadSku);
    }
    if offer.title.trim().is_empty() || offer.title.chars().count() > MAX_TITLE_CHARS {
        return Err(OfferRejection::BadTitle);
    }
    if offer
        .message
        .as_ref()
        .is_some_and(|m| m.chars().count() > MAX_MESSAGE_CHARS)
    {
        return Err(OfferRejection::MessageTooLong);
    }
    if offer.labels.len() > MAX_LABELS {
        return Err(OfferRejection::BadLabel(format!(
            "{} labels",
            offer.labels.len()
        )));
    }
    if let Some(bad) = offer.labels.iter().find(|l| !is_label(l)) {
        return Err(OfferRejection::BadLabel(bad.clone()));
    }
    offer.services.iter().try_for_each(check_service)
}

fn check_service(service: &Service) -> Result<(), OfferRejection> {
    let bad = |why: &str| Err(OfferRejection::BadService(why.to_owned()));
    match service {
        Service::DeliverySlot {
            start_hour,
            end_hour,
            ..
        } if *start_hour > 23 || *end_hour > 24 || end_hour <= start_hour => {
            bad("delivery slot hours must satisfy 0 <= start < end <= 24")
        }
        Service::Subscription { period_days: 0, .. } => bad("subscription period of 0 days"),
        Service::RentalDays(0) => bad("rental of 0 days"),
        Service::RepairMonths(0) | Service::WarrantyMonths(0) => bad("0 months"),
        Service::Advice(text) if text.trim().is_empty() => bad("empty advice"),
        Service::Advice(text) if text.chars().count() > MAX_MESSAGE_CHARS => {
            bad("advice longer than 280 characters")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeliveryWindow, NeedKind, OfferKind, Quantity, Unit};

    fn request() -> OfferRequest {
        OfferRequest {
            request_id: "r".into(),
            need: NeedKind::Replenishment,
            category: "food/dairy/yogurt".into(),
            quantity: Quantity {
                amount: 8,
                unit: Unit::Piece,
            },
            delivery: DeliveryWindow {
                earliest_day: 0,
                latest_day: 3,
            },
            region: None,
            budget: None,
            currency: "EUR".into(),
            labels: vec![],
            max_offers: 3,
        }
    }

    fn offer() -> Offer {
        Offer {
            sku: "YOG".into(),
            title: "Yogurt".into(),
            kind: OfferKind::Purchase,
            quantity: Quantity {
                amount: 8,
                unit: Unit::Piece,
            },
            price_minor: 400,
            currency: "EUR".into(),
            delivery_days: 1,
            services: vec![],
            labels: vec!["organic".into()],
            carbon_grams: None,
            message: None,
        }
    }

    #[test]
    fn a_well_formed_offer_passes() {
        assert_eq!(check_offer(&request(), &offer()), Ok(()));
    }

    #[test]
    fn zero_price_wrong_currency_and_wrong_unit_are_rejected() {
        let o = Offer {
            price_minor: 0,
            ..offer()
        };
        assert_eq!(check_offer(&request(), &o), Err(OfferRejection::ZeroPrice));
        let o = Offer {
            currency: "XBT".into(),
            ..offer()
        };
        assert!(matches!(
            check_offer(&request(), &o),
            Err(OfferRejection::CurrencyMismatch { .. })
        ));
        let o = Offer {
            quantity: Quantity {
                amount: 8,
                unit: Unit::Gram,
            },
            ..offer()
        };
        assert!(matches!(
            check_offer(&request(), &o),
            Err(OfferRejection::UnitMismatch { .. })
        ));
    }

    #[test]
    fn too_little_or_far_too_much_is_rejected() {
        for amount in [7, 17] {
            let o = Offer {
                quantity: Quantity {
                    amount,
                    unit: Unit::Piece,
                },
                ..offer()
            };
            assert!(matches!(
                check_offer(&request(), &o),
                Err(OfferRejection::QuantityOutOfRange { .. })
            ));
        }
    }

    #[test]
    fn malformed_services_and_labels_are_rejected() {
        let o = Offer {
            services: vec![Service::DeliverySlot {
                day: 1,
                start_hour: 20,
                end_hour: 18,
            }],
            ..offer()
        };
        assert!(matches!(
            check_offer(&request(), &o),
            Err(OfferRejection::BadService(_))
        ));
        let o = Offer {
            labels: vec!["Organic!".into()],
            ..offer()
        };
        assert!(matches!(
            check_offer(&request(), &o),
            Err(OfferRejection::BadLabel(_))
        ));
        let o = Offer {
            message: Some("x".repeat(281)),
            ..offer()
        };
        assert_eq!(
            check_offer(&request(), &o),
            Err(OfferRejection::MessageTooLong)
        );
    }
}
