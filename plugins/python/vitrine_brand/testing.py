"""Test a brand's logic with `pytest`, without wasm and without a host.

    from vitrine_brand import testing

    def test_a_loaf_is_offered():
        offers = testing.run(Bakery(), testing.request("food/bakery/bread"),
                             catalog={"loaf.price": "320", "sku.LOAF": "Loaf"})
        assert offers[0].price_minor == 320

`run` applies what the SDK applies inside a component (the category check,
`max_offers`, texts cut to the platform's limits) and then checks each offer
as the host will (SKU declared in the catalog, currency, positive price), so
a plugin that passes here is not refused for its shape on the platform.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Tuple, Union

from . import host
from .brand import Brand, answer
from .model import (
    BudgetBand,
    DeliveryWindow,
    NeedKind,
    Offer,
    Quantity,
    Region,
    Request,
    Unit,
)


class OfferRefused(AssertionError):
    """An offer the host would refuse, and why."""


def request(
    category: str,
    amount: int = 1,
    unit: Union[Unit, str] = Unit.PIECE,
    need: Union[NeedKind, str] = NeedKind.REPLENISHMENT,
    earliest_day: int = 0,
    latest_day: int = 3,
    currency: str = "EUR",
    region: Optional[Tuple[str, str]] = None,
    budget: Optional[Tuple[int, int]] = None,
    labels: Optional[List[str]] = None,
    max_offers: int = 3,
) -> Request:
    """A request as the host would send it, with everyday defaults."""
    return Request(
        request_id="test-request",
        need=NeedKind(need) if isinstance(need, str) else need,
        category=category,
        quantity=Quantity(amount, Unit(unit) if isinstance(unit, str) else unit),
        delivery=DeliveryWindow(earliest_day, latest_day),
        currency=currency,
        region=None if region is None else Region(*region),
        budget=None if budget is None else BudgetBand(*budget),
        labels=list(labels or []),
        max_offers=max_offers,
    )


def load_request(path: Union[str, Path]) -> Request:
    """A request from a JSON file in the format `vitrine plugin run` reads."""
    data = json.loads(Path(path).read_text())
    q = data["quantity"]
    d = data["delivery"]
    region = data.get("region")
    budget = data.get("budget")
    return request(
        data["category"],
        amount=q["amount"],
        unit=q["unit"],
        need=data.get("need", "replenishment"),
        earliest_day=d["earliest_day"],
        latest_day=d["latest_day"],
        currency=data.get("currency", "EUR"),
        region=None if not region else (region["country"], region["postal_prefix"]),
        budget=None if not budget else (budget["min_minor"], budget["max_minor"]),
        labels=data.get("labels", []),
        max_offers=data.get("max_offers", 3),
    )


def load_catalog(path: Union[str, Path]) -> Dict[str, str]:
    """A catalog from a JSON file, values as the host gives them (strings)."""
    data = json.loads(Path(path).read_text())
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}


@contextmanager
def with_catalog(entries: Mapping[str, str]) -> Iterator[None]:
    """Install `entries` as the catalog for the duration of a `with` block."""
    previous = dict(host._test_catalog)
    host._test_catalog.clear()
    host._test_catalog.update({k: str(v) for k, v in entries.items()})
    try:
        yield
    finally:
        host._test_catalog.clear()
        host._test_catalog.update(previous)


def take_logs() -> List[Tuple[str, str]]:
    """The log entries recorded since the last call, as (level, message)."""
    logs = list(host._test_logs)
    host._test_logs.clear()
    return logs


def check_offer(req: Request, offer: Offer, entries: Mapping[str, str]) -> None:
    """Raise `OfferRefused` if the host would refuse `offer` for `req`."""
    if f"sku.{offer.sku}" not in entries:
        raise OfferRefused(f"SKU {offer.sku!r} is not declared in the catalog (key sku.{offer.sku})")
    if offer.currency != req.currency:
        raise OfferRefused(f"currency {offer.currency} differs from the request's {req.currency}")
    if offer.price_minor <= 0:
        raise OfferRefused(f"price {offer.price_minor} must be positive")
    if offer.quantity.unit != req.quantity.unit:
        raise OfferRefused(f"unit {offer.quantity.unit.value} differs from the request's")
    if not offer.title.strip():
        raise OfferRefused("the title is empty")


def run(brand: Brand, req: Request, catalog: Optional[Mapping[str, str]] = None) -> List[Offer]:
    """The offers `brand` answers to `req` with `catalog`, after the SDK's
    rules, each checked as the host will. Raises the brand's `BidError`."""
    entries = {k: str(v) for k, v in (catalog or {}).items()}
    with with_catalog(entries):
        offers = answer(brand, req)
    for offer in offers:
        check_offer(req, offer, entries)
    return offers
