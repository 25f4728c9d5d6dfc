"""The boundary between a `Brand` and the component's WIT bindings.

Only imported inside a component built by `componentize-py` (where the
`wit_world` bindings exist). A plugin's entry module does:

    from vitrine_brand.component import bidder
    from bakery import Bakery

    Bidder = bidder(Bakery)

`componentize-py` looks for the class `Bidder` in the entry module: it
implements the WIT export `vitrine:brand/bidder`.
"""

from __future__ import annotations

from typing import Type

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import catalog as wit_catalog
from wit_world.imports import logging as wit_logging
from wit_world.imports import types as wit

from . import host
from .brand import Brand, answer
from .model import (
    BidError,
    BudgetBand,
    DeliveryWindow,
    NeedKind,
    Offer,
    OfferKind,
    Quantity,
    Region,
    Request,
    Service,
    Unit,
)

_LEVELS = {
    "trace": wit_logging.Level.TRACE,
    "debug": wit_logging.Level.DEBUG,
    "info": wit_logging.Level.INFO,
    "warn": wit_logging.Level.WARN,
    "error": wit_logging.Level.ERROR,
}

host._use_host(wit_catalog.get, lambda level, message: wit_logging.log(_LEVELS[level], message))

_NEEDS = {
    wit.NeedKind.REPLENISHMENT: NeedKind.REPLENISHMENT,
    wit.NeedKind.SEASONAL: NeedKind.SEASONAL,
    wit.NeedKind.DESIRE: NeedKind.DESIRE,
}
_UNITS = {wit.Unit.PIECE: Unit.PIECE, wit.Unit.GRAM: Unit.GRAM, wit.Unit.MILLILITRE: Unit.MILLILITRE}
_UNITS_BACK = {v: k for k, v in _UNITS.items()}
_KINDS = {
    OfferKind.PURCHASE: wit.OfferKind.PURCHASE,
    OfferKind.SUBSCRIPTION: wit.OfferKind.SUBSCRIPTION,
    OfferKind.RENTAL: wit.OfferKind.RENTAL,
    OfferKind.REFURBISHED: wit.OfferKind.REFURBISHED,
    OfferKind.REPAIR_SERVICE: wit.OfferKind.REPAIR_SERVICE,
}
_ERRORS = {
    "unsupported-category": wit.BidError_UnsupportedCategory,
    "catalog": wit.BidError_Catalog,
    "unserviceable": wit.BidError_Unserviceable,
    "internal": wit.BidError_Internal,
}


def _request(r: wit.OfferRequest) -> Request:
    return Request(
        request_id=r.request_id,
        need=_NEEDS[r.need],
        category=r.category,
        quantity=Quantity(r.quantity.amount, _UNITS[r.quantity.unit]),
        delivery=DeliveryWindow(r.delivery.earliest_day, r.delivery.latest_day),
        currency=r.currency,
        region=None if r.region is None else Region(r.region.country, r.region.postal_prefix),
        budget=None if r.budget is None else BudgetBand(r.budget.min_minor, r.budget.max_minor),
        labels=list(r.labels),
        max_offers=r.max_offers,
    )


def _service(s: Service):
    v = s.value
    if s.kind == "delivery-slot":
        return wit.Service_DeliverySlot(wit.DeliverySlot(*v))
    if s.kind == "subscription":
        return wit.Service_Subscription(wit.Subscription(*v))
    cases = {
        "returnable-packaging": wit.Service_ReturnablePackaging,
        "take-back": wit.Service_TakeBack,
        "repair-months": wit.Service_RepairMonths,
        "warranty-months": wit.Service_WarrantyMonths,
        "rental-days": wit.Service_RentalDays,
        "loyalty-minor": wit.Service_LoyaltyMinor,
        "advice": wit.Service_Advice,
    }
    return cases[s.kind](v)


def _offer(o: Offer) -> wit.Offer:
    return wit.Offer(
        sku=o.sku,
        title=o.title,
        kind=_KINDS[o.kind],
        quantity=wit.Quantity(o.quantity.amount, _UNITS_BACK[o.quantity.unit]),
        price_minor=o.price_minor,
        currency=o.currency,
        delivery_days=o.delivery_days,
        services=[_service(s) for s in o.services],
        labels=list(o.labels),
        carbon_grams=o.carbon_grams,
        message=o.message,
    )


def _bid_error(e: BidError):
    if e.kind == "out-of-stock":
        return wit.BidError_OutOfStock()
    return _ERRORS.get(e.kind, wit.BidError_Internal)(e.detail)


def bidder(brand_class: Type[Brand]):
    """The class `componentize-py` exports as `vitrine:brand/bidder`, calling
    a fresh `brand_class()` (each call runs in a fresh instance anyway)."""

    class Bidder(exports.Bidder):
        def describe(self) -> wit.BrandInfo:
            info = brand_class().describe()
            return wit.BrandInfo(
                name=info.name,
                version=info.version,
                categories=list(info.categories),
                contact=info.contact,
            )

        def offers(self, request: wit.OfferRequest):
            try:
                return [_offer(o) for o in answer(brand_class(), _request(request))]
            except BidError as e:
                raise Err(_bid_error(e))

    return Bidder
