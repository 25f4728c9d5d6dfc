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
    Unserviceable,
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


class _WarmUp(Brand):
    """The SDK's own made-up brand, answering with every builder."""

    categories = ("warm",)

    def offers(self, request: Request):
        return [
            request.offer("WARM-UP", "Warm-up offer")
            .with_kind(OfferKind.SUBSCRIPTION)
            .with_price(host._parse_number("warm.price", " 120 "))
            .with_quantity(Quantity(host._parse_number("warm.amount", "2"), Unit.PIECE))
            .with_delivery_days(1)
            .with_service(Service.delivery_slot(1, 9, 12))
            .with_service(Service.subscription(7))
            .with_service(Service.returnable_packaging(50))
            .with_service(Service.take_back(10))
            .with_service(Service.loyalty_minor(5))
            .with_service(Service.advice("warm-up"))
            .with_label("local")
            .with_carbon_grams(10)
            .with_message("warm-up")
        ]


class _Refusing(_WarmUp):
    def offers(self, request: Request):
        raise Unserviceable("warm-up")


def _warm_up() -> None:
    """Runs the SDK's own paths a few times and forgets the results: its
    made-up brand answers made-up requests through the same conversions as a
    call, and every error becomes the contract's variant. `componentize-py`
    snapshots the interpreter after importing the entry module, so what
    these paths need (modules imported on first use, the interpreter's
    specialised instructions) is in the snapshot every call's fresh
    instance starts from, instead of being made again in each. The brand's
    own code is never called here: what its module keeps stays as the
    module set it up, and no made-up value can end up in it. Nothing is
    asked of the host, which is not there yet."""
    for turn in range(4):
        for brand_class in (_WarmUp, _Refusing):
            for need in _NEEDS:
                request = wit.OfferRequest(
                    request_id="warm-up",
                    need=need,
                    category="warm/up" if turn % 2 == 0 else "other",
                    quantity=wit.Quantity(2, wit.Unit.PIECE),
                    delivery=wit.DeliveryWindow(1, 3),
                    region=wit.Region("FR", "69"),
                    budget=wit.BudgetBand(0, 100_000),
                    currency="EUR",
                    labels=["organic"],
                    max_offers=3,
                )
                try:
                    bidder(brand_class)().offers(request)
                except Err:
                    pass
        for kind in (*_ERRORS, "out-of-stock"):
            error = BidError("warm-up")
            error.kind = kind
            _bid_error(error)


_warm_up()
