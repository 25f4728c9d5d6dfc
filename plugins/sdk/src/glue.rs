//! The plumbing between the WIT bindings and the contract's types
//! (`vitrine-types`). Not part of the
//! public API: [`export_brand!`](crate::export_brand) expands to calls into
//! this module.

#![allow(missing_docs)]

pub use wit_bindgen;

/// The generated bindings for `vitrine:brand@0.1.0`, world `brand`.
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/v0.1",
        world: "brand",
        pub_export_macro: true,
        export_macro_name: "__vitrine_export_bindings",
        default_bindings_module: "::vitrine_sdk::__private::bindings",
        runtime_path: "::vitrine_sdk::__private::wit_bindgen::rt",
    });
}

use crate::Brand;
use crate::offer::Package;
use bindings::vitrine::brand::types as wit;
use vitrine_types::{
    BidError, BudgetBand, DeliveryWindow, NeedKind, Offer, OfferKind, OfferRequest, Quantity,
    Region, Service, Unit,
};

pub use bindings::exports::vitrine::brand::bidder::Guest;

/// `describe`, as exported to the host.
pub fn describe<B: Brand>(package: Package) -> wit::BrandInfo {
    let info = B::describe(package);
    wit::BrandInfo {
        name: info.name,
        version: info.version,
        categories: info.categories,
        contact: info.contact,
    }
}

/// `offers`, as exported to the host: refuses categories the brand does not
/// serve, calls the brand, and keeps at most `max-offers` offers.
pub fn offers<B: Brand>(request: wit::OfferRequest) -> Result<Vec<wit::Offer>, wit::BidError> {
    let request = request_from_wit(request);
    if !B::serves(&request.category) {
        return Err(bid_error_to_wit(BidError::UnsupportedCategory(
            request.category,
        )));
    }
    let mut offers = B::offers(&request).map_err(bid_error_to_wit)?;
    offers.truncate(usize::from(request.max_offers));
    Ok(offers.into_iter().map(offer_to_wit).collect())
}

fn request_from_wit(r: wit::OfferRequest) -> OfferRequest {
    OfferRequest {
        request_id: r.request_id,
        need: match r.need {
            wit::NeedKind::Replenishment => NeedKind::Replenishment,
            wit::NeedKind::Seasonal => NeedKind::Seasonal,
            wit::NeedKind::Desire => NeedKind::Desire,
        },
        category: r.category,
        quantity: quantity_from_wit(r.quantity),
        delivery: DeliveryWindow {
            earliest_day: r.delivery.earliest_day,
            latest_day: r.delivery.latest_day,
        },
        region: r.region.map(|g| Region {
            country: g.country,
            postal_prefix: g.postal_prefix,
        }),
        budget: r.budget.map(|b| BudgetBand {
            min_minor: b.min_minor,
            max_minor: b.max_minor,
        }),
        currency: r.currency,
        labels: r.labels,
        max_offers: r.max_offers,
    }
}

fn quantity_from_wit(q: wit::Quantity) -> Quantity {
    Quantity {
        amount: q.amount,
        unit: match q.unit {
            wit::Unit::Piece => Unit::Piece,
            wit::Unit::Gram => Unit::Gram,
            wit::Unit::Millilitre => Unit::Millilitre,
        },
    }
}

fn quantity_to_wit(q: Quantity) -> wit::Quantity {
    wit::Quantity {
        amount: q.amount,
        unit: match q.unit {
            Unit::Piece => wit::Unit::Piece,
            Unit::Gram => wit::Unit::Gram,
            Unit::Millilitre => wit::Unit::Millilitre,
        },
    }
}

fn offer_to_wit(o: Offer) -> wit::Offer {
    wit::Offer {
        sku: o.sku,
        title: crate::offer::cut(o.title, crate::offer::MAX_TITLE_CHARS),
        kind: match o.kind {
            OfferKind::Purchase => wit::OfferKind::Purchase,
            OfferKind::Subscription => wit::OfferKind::Subscription,
            OfferKind::Rental => wit::OfferKind::Rental,
            OfferKind::Refurbished => wit::OfferKind::Refurbished,
            OfferKind::RepairService => wit::OfferKind::RepairService,
        },
        quantity: quantity_to_wit(o.quantity),
        price_minor: o.price_minor,
        currency: o.currency,
        delivery_days: o.delivery_days,
        services: o.services.into_iter().map(service_to_wit).collect(),
        labels: o.labels,
        carbon_grams: o.carbon_grams,
        message: o
            .message
            .map(|m| crate::offer::cut(m, crate::offer::MAX_MESSAGE_CHARS)),
    }
}

fn service_to_wit(s: Service) -> wit::Service {
    match s {
        Service::DeliverySlot {
            day,
            start_hour,
            end_hour,
        } => wit::Service::DeliverySlot(wit::DeliverySlot {
            day,
            start_hour,
            end_hour,
        }),
        Service::Subscription {
            period_days,
            cancel_anytime,
        } => wit::Service::Subscription(wit::Subscription {
            period_days,
            cancel_anytime,
        }),
        Service::ReturnablePackaging { deposit_minor } => {
            wit::Service::ReturnablePackaging(deposit_minor)
        }
        Service::TakeBack { credit_minor } => wit::Service::TakeBack(credit_minor),
        Service::RepairMonths(m) => wit::Service::RepairMonths(m),
        Service::WarrantyMonths(m) => wit::Service::WarrantyMonths(m),
        Service::RentalDays(d) => wit::Service::RentalDays(d),
        Service::Loyalty { minor } => wit::Service::LoyaltyMinor(minor),
        Service::Advice(text) => {
            wit::Service::Advice(crate::offer::cut(text, crate::offer::MAX_MESSAGE_CHARS))
        }
    }
}

fn bid_error_to_wit(e: BidError) -> wit::BidError {
    match e {
        BidError::UnsupportedCategory(c) => wit::BidError::UnsupportedCategory(c),
        BidError::OutOfStock => wit::BidError::OutOfStock,
        BidError::Catalog(m) => wit::BidError::Catalog(m),
        BidError::Unserviceable(m) => wit::BidError::Unserviceable(m),
        BidError::Internal(m) => wit::BidError::Internal(m),
    }
}
