//! Bindings for `vitrine:brand@0.1.0` (the frozen folder `wit/v0.1`) and the
//! conversions between its types and the host's model. A later contract
//! version gets its own file beside this one; the model stays the same.

#![allow(missing_docs)]

mod generated {
    wasmtime::component::bindgen!({
        path: "../../wit/v0.1",
        world: "brand",
    });
}

pub use generated::vitrine::brand::catalog::{Host as CatalogHost, add_to_linker as add_catalog};
pub use generated::vitrine::brand::logging::{
    Host as LoggingHost, Level, add_to_linker as add_logging,
};
pub use generated::vitrine::brand::types::{Host as TypesHost, add_to_linker as add_types};
pub use generated::{Brand, BrandPre};

use generated::vitrine::brand::types as wit;
use vitrine_types::{self as model, text};

/// The package version these bindings were generated for.
pub(crate) const VERSION: &str = "0.1.0";
/// The export every plugin of this version provides.
pub(crate) const BIDDER_EXPORT: &str = "vitrine:brand/bidder@0.1.0";

pub fn request_to_wit(r: &model::OfferRequest) -> wit::OfferRequest {
    wit::OfferRequest {
        request_id: r.request_id.clone(),
        need: match r.need {
            model::NeedKind::Replenishment => wit::NeedKind::Replenishment,
            model::NeedKind::Seasonal => wit::NeedKind::Seasonal,
            model::NeedKind::Desire => wit::NeedKind::Desire,
        },
        category: r.category.clone(),
        quantity: quantity_to_wit(r.quantity),
        delivery: wit::DeliveryWindow {
            earliest_day: r.delivery.earliest_day,
            latest_day: r.delivery.latest_day,
        },
        region: r.region.as_ref().map(|g| wit::Region {
            country: g.country.clone(),
            postal_prefix: g.postal_prefix.clone(),
        }),
        budget: r.budget.map(|b| wit::BudgetBand {
            min_minor: b.min_minor,
            max_minor: b.max_minor,
        }),
        currency: r.currency.clone(),
        labels: r.labels.clone(),
        max_offers: r.max_offers,
    }
}

fn quantity_to_wit(q: model::Quantity) -> wit::Quantity {
    wit::Quantity {
        amount: q.amount,
        unit: match q.unit {
            model::Unit::Piece => wit::Unit::Piece,
            model::Unit::Gram => wit::Unit::Gram,
            model::Unit::Millilitre => wit::Unit::Millilitre,
        },
    }
}

fn quantity_from_wit(q: wit::Quantity) -> model::Quantity {
    model::Quantity {
        amount: q.amount,
        unit: match q.unit {
            wit::Unit::Piece => model::Unit::Piece,
            wit::Unit::Gram => model::Unit::Gram,
            wit::Unit::Millilitre => model::Unit::Millilitre,
        },
    }
}

/// An offer in the host's terms, every text normalised (see `model::text`):
/// nothing a plugin wrote is kept with control or format characters.
pub fn offer_from_wit(o: wit::Offer) -> model::Offer {
    model::Offer {
        sku: o.sku,
        title: text::normalise_owned(o.title),
        kind: match o.kind {
            wit::OfferKind::Purchase => model::OfferKind::Purchase,
            wit::OfferKind::Subscription => model::OfferKind::Subscription,
            wit::OfferKind::Rental => model::OfferKind::Rental,
            wit::OfferKind::Refurbished => model::OfferKind::Refurbished,
            wit::OfferKind::RepairService => model::OfferKind::RepairService,
        },
        quantity: quantity_from_wit(o.quantity),
        price_minor: o.price_minor,
        currency: o.currency,
        delivery_days: o.delivery_days,
        services: o.services.into_iter().map(service_from_wit).collect(),
        labels: o.labels,
        carbon_grams: o.carbon_grams,
        message: o.message.map(text::normalise_owned),
    }
}

fn service_from_wit(s: wit::Service) -> model::Service {
    match s {
        wit::Service::DeliverySlot(slot) => model::Service::DeliverySlot {
            day: slot.day,
            start_hour: slot.start_hour,
            end_hour: slot.end_hour,
        },
        wit::Service::Subscription(sub) => model::Service::Subscription {
            period_days: sub.period_days,
            cancel_anytime: sub.cancel_anytime,
        },
        wit::Service::ReturnablePackaging(deposit_minor) => {
            model::Service::ReturnablePackaging { deposit_minor }
        }
        wit::Service::TakeBack(credit_minor) => model::Service::TakeBack { credit_minor },
        wit::Service::RepairMonths(m) => model::Service::RepairMonths(m),
        wit::Service::WarrantyMonths(m) => model::Service::WarrantyMonths(m),
        wit::Service::RentalDays(d) => model::Service::RentalDays(d),
        wit::Service::LoyaltyMinor(minor) => model::Service::Loyalty { minor },
        wit::Service::Advice(advice) => model::Service::Advice(text::normalise_owned(advice)),
    }
}

/// A bid error in the host's terms, its detail normalised and cut to
/// `model::MAX_DETAIL_CHARS` characters.
pub fn bid_error_from_wit(e: wit::BidError) -> model::BidError {
    let detail = |m: String| {
        let clean = text::normalise_owned(m);
        text::truncate_chars(&clean, model::MAX_DETAIL_CHARS).to_owned()
    };
    match e {
        wit::BidError::UnsupportedCategory(c) => model::BidError::UnsupportedCategory(detail(c)),
        wit::BidError::OutOfStock => model::BidError::OutOfStock,
        wit::BidError::Catalog(m) => model::BidError::Catalog(detail(m)),
        wit::BidError::Unserviceable(m) => model::BidError::Unserviceable(detail(m)),
        wit::BidError::Internal(m) => model::BidError::Internal(detail(m)),
    }
}

/// A plugin's self-description, its texts normalised.
pub(crate) fn brand_info_from_wit(i: wit::BrandInfo) -> model::BrandInfo {
    model::BrandInfo {
        name: text::normalise(&i.name),
        version: text::normalise(&i.version),
        categories: i.categories,
        contact: text::normalise(&i.contact),
    }
}

/// Sizes of a raw answer, measured before anything is copied into the model,
/// so that oversized output is refused without converting it.
pub(crate) struct AnswerShape<'a> {
    pub offers: &'a [wit::Offer],
}

impl AnswerShape<'_> {
    /// Every string of every offer, for the size checks.
    pub fn strings(&self) -> impl Iterator<Item = &str> {
        self.offers.iter().flat_map(|o| {
            [o.sku.as_str(), o.title.as_str(), o.currency.as_str()]
                .into_iter()
                .chain(o.message.as_deref())
                .chain(o.labels.iter().map(String::as_str))
                .chain(o.services.iter().filter_map(|s| match s {
                    wit::Service::Advice(text) => Some(text.as_str()),
                    _ => None,
                }))
        })
    }

    /// Services and labels per offer.
    pub(crate) fn per_offer_counts(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.offers
            .iter()
            .map(|o| (o.services.len(), o.labels.len()))
    }
}

pub(crate) type WitOffer = wit::Offer;
