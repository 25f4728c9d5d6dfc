//! Whether an offer honours the request it answers. The sandbox already
//! refused answers that are too big to handle or whose numbers are out of
//! the contract's ranges (see `runtime::output` and [`check_ranges`]); this
//! is the contract's meaning: a positive price in the right currency, the
//! quantity that was asked for, a SKU the brand's catalog declares,
//! well-formed services, short texts. An offer that fails is dropped with
//! its reason and never scored.
//!
//! Texts are limited in characters (Unicode scalar values), never bytes:
//! the same unit in the WIT documentation, the SDK (which cuts texts at
//! these lengths when an offer is built) and here.

use serde::{Deserialize, Serialize};

use super::offer::{Offer, Service};
use super::request::{OfferRequest, is_currency_code, is_label};

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
/// Longest SKU, in bytes (a SKU is ASCII: letters, digits, `.`, `_`, `-`).
pub const MAX_SKU_BYTES: usize = 64;
/// Longest message or advice text, in characters.
pub const MAX_MESSAGE_CHARS: usize = 280;
/// Longest bid-error detail kept, in characters; the rest is cut.
pub const MAX_DETAIL_CHARS: usize = 200;
/// The largest amount of money anywhere in the contract, in minor units
/// (10,000,000.00 in a two-decimal currency): a price, a deposit, a credit,
/// a loyalty value. Sums of a few thousand such amounts stay far inside
/// `i64`, so nothing the platform adds up or stores can wrap.
pub const MAX_MONEY_MINOR: u64 = 1_000_000_000;
/// The largest amount of anything the platform accepts from outside (an
/// event, a reading, a purchase, a need), in its unit: a million pieces,
/// a tonne in grams, a thousand litres in millilitres.
pub const MAX_AMOUNT: u32 = 1_000_000;
/// The most days anything in an offer may be away: delivery, a delivery
/// slot, a subscription period.
pub const MAX_OFFER_DAYS: u16 = 366;
/// The most months of repair or warranty an offer may state.
pub const MAX_SERVICE_MONTHS: u16 = 120;
/// The most days of rental an offer may state.
pub const MAX_RENTAL_DAYS: u16 = 3_660;
/// Most labels per offer.
pub const MAX_LABELS: usize = 16;
/// An offer may deliver up to this many times the requested amount (rounding
/// up to whole packs); more is not what was asked for.
pub const MAX_QUANTITY_FACTOR: u32 = 2;

/// Why an offer was dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The SKU is empty, too long or not plain ASCII.
    #[error(
        "the sku is empty, longer than {MAX_SKU_BYTES} bytes or not made of letters, digits, '.', '_', '-'"
    )]
    BadSku,
    /// The SKU is not declared in the brand's catalog.
    #[error("the sku is not declared in the brand's catalog (a key `sku.<SKU>`)")]
    UndeclaredSku,
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

/// Whether `sku` is well formed: 1 to 64 ASCII letters, digits, `.`, `_`
/// or `-`.
pub fn is_sku(sku: &str) -> bool {
    !sku.is_empty()
        && sku.len() <= MAX_SKU_BYTES
        && sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Checks the numbers of an offer against the contract's ranges. An answer
/// with any number out of range is refused whole as `invalid-output` (the
/// plugin, or the catalog it read, is broken or hostile); the reason names
/// the field and the bound.
pub fn check_ranges(offer: &Offer) -> Result<(), String> {
    let money = |field: &str, value: u64| {
        if value > MAX_MONEY_MINOR {
            Err(format!(
                "{field} is {value} minor units; the contract allows at most {MAX_MONEY_MINOR}"
            ))
        } else {
            Ok(())
        }
    };
    let days = |field: &str, value: u16, max: u16| {
        if value > max {
            Err(format!(
                "{field} is {value}; the contract allows at most {max}"
            ))
        } else {
            Ok(())
        }
    };
    money("price_minor", offer.price_minor)?;
    days("delivery_days", offer.delivery_days, MAX_OFFER_DAYS)?;
    for service in &offer.services {
        match service {
            Service::DeliverySlot { day, .. } => days("delivery_slot.day", *day, MAX_OFFER_DAYS)?,
            Service::Subscription { period_days, .. } => {
                days("subscription.period_days", *period_days, MAX_OFFER_DAYS)?
            }
            Service::ReturnablePackaging { deposit_minor } => {
                money("returnable_packaging.deposit", *deposit_minor)?
            }
            Service::TakeBack { credit_minor } => money("take_back.credit", *credit_minor)?,
            Service::Loyalty { minor } => money("loyalty", *minor)?,
            Service::RepairMonths(m) => days("repair_months", *m, MAX_SERVICE_MONTHS)?,
            Service::WarrantyMonths(m) => days("warranty_months", *m, MAX_SERVICE_MONTHS)?,
            Service::RentalDays(d) => days("rental_days", *d, MAX_RENTAL_DAYS)?,
            Service::Advice(_) => {}
        }
    }
    Ok(())
}

/// Checks `offer` against `request`; `declared` says whether the brand's
/// catalog declares a SKU.
pub fn check_offer(
    request: &OfferRequest,
    offer: &Offer,
    declared: &dyn Fn(&str) -> bool,
) -> Result<(), OfferRejection> {
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
    if !is_sku(&offer.sku) {
        return Err(OfferRejection::BadSku);
    }
    if !declared(&offer.sku) {
        return Err(OfferRejection::UndeclaredSku);
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
    use crate::{DeliveryWindow, NeedKind, OfferKind, Quantity, Unit};

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

    fn check_offer(request: &OfferRequest, offer: &Offer) -> Result<(), OfferRejection> {
        super::check_offer(request, offer, &|sku| sku == "YOG")
    }

    #[test]
    fn a_well_formed_offer_passes() {
        assert_eq!(check_offer(&request(), &offer()), Ok(()));
    }

    #[test]
    fn a_sku_the_catalog_does_not_declare_is_refused_so_it_cannot_carry_data() {
        let smuggled = Offer {
            sku: "FR-69-organic-local".into(),
            ..offer()
        };
        assert_eq!(
            check_offer(&request(), &smuggled),
            Err(OfferRejection::UndeclaredSku)
        );
        let odd = Offer {
            sku: "YOG\n".into(),
            ..offer()
        };
        assert_eq!(check_offer(&request(), &odd), Err(OfferRejection::BadSku));
    }

    #[test]
    fn numbers_out_of_the_contract_ranges_are_named() {
        let huge = Offer {
            services: vec![Service::TakeBack {
                credit_minor: u64::MAX,
            }],
            ..offer()
        };
        assert!(
            check_ranges(&huge)
                .unwrap_err()
                .contains("take_back.credit")
        );
        let far = Offer {
            delivery_days: 5_000,
            ..offer()
        };
        assert!(check_ranges(&far).unwrap_err().contains("delivery_days"));
        assert_eq!(check_ranges(&offer()), Ok(()));
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
