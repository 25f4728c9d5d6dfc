"""`Brand`: what a plugin implements, and the rules the SDK applies around it."""

from __future__ import annotations

from typing import ClassVar, List, Sequence

from . import host
from .model import BrandInfo, Offer, Request, UnsupportedCategory, category_is_under


class Brand:
    """A brand: the categories it serves and how it answers a request.

    Subclass it, set `categories` (taxonomy paths such as `food/bread`) and
    implement `offers`. `name`, `version` and `contact` describe the plugin;
    the catalog keys `brand.name` and `brand.contact` override them.
    """

    categories: ClassVar[Sequence[str]] = ()
    name: ClassVar[str] = ""
    version: ClassVar[str] = "0.1.0"
    contact: ClassVar[str] = ""

    def offers(self, request: Request) -> List[Offer]:
        """Answer one request: a list of offers (empty: no bid), or raise a
        `BidError` saying why not."""
        raise NotImplementedError("a Brand implements offers(request)")

    def serves(self, category: str) -> bool:
        """Whether this brand serves `category`: by default, whether it lies
        under one of `categories`."""
        return any(category_is_under(category, prefix) for prefix in self.categories)

    def describe(self) -> BrandInfo:
        """What the plugin says about itself when it is loaded."""
        return BrandInfo(
            name=host.get("brand.name") or self.name or type(self).__name__,
            version=self.version,
            categories=list(self.categories),
            contact=host.get("brand.contact") or self.contact,
        )


def answer(brand: Brand, request: Request) -> List[Offer]:
    """What the host receives for `request`: the category checked, the
    brand's offers cut to `request.max_offers` and their texts to the
    platform's limits. Raises the brand's `BidError`."""
    if not brand.serves(request.category):
        raise UnsupportedCategory(request.category)
    offers = brand.offers(request)
    if offers is None:
        return []
    return [offer.cut_texts() for offer in list(offers)[: request.max_offers]]
