"""Vitrine's SDK for brand plugins written in Python.

A plugin is a `Brand` subclass: the categories it serves and `offers`, which
answers a minimised request with offers built by `request.offer(sku, title)`.
`catalog` reads the brand's own catalog, `log` writes diagnostics, and
`vitrine_brand.testing` runs the logic under `pytest`. `componentize-py`
turns it into a component (see `plugins/python/README.md`).
"""

from . import host as catalog
from . import host as log
from .brand import Brand, answer
from .model import (
    MAX_MESSAGE_CHARS,
    MAX_TITLE_CHARS,
    BidError,
    BrandInfo,
    BudgetBand,
    CatalogError,
    DeliveryWindow,
    Internal,
    NeedKind,
    Offer,
    OfferKind,
    OutOfStock,
    Quantity,
    Region,
    Request,
    Service,
    Unit,
    Unserviceable,
    UnsupportedCategory,
    category_is_under,
)

__all__ = [
    "MAX_MESSAGE_CHARS",
    "MAX_TITLE_CHARS",
    "BidError",
    "Brand",
    "BrandInfo",
    "BudgetBand",
    "CatalogError",
    "DeliveryWindow",
    "Internal",
    "NeedKind",
    "Offer",
    "OfferKind",
    "OutOfStock",
    "Quantity",
    "Region",
    "Request",
    "Service",
    "Unit",
    "Unserviceable",
    "UnsupportedCategory",
    "answer",
    "catalog",
    "category_is_under",
    "log",
]
