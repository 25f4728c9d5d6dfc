"""The contract's types (`wit/v0.1/types.wit`) as plain Python values.

They do not depend on the generated bindings, so a brand's logic runs and is
tested with `pytest` on any Python; `vitrine_brand.component` converts them
at the component boundary. Field names are the WIT names in snake_case.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import List, Optional

#: Most characters in an offer's title; the SDK cuts longer ones.
MAX_TITLE_CHARS = 120
#: Most characters in an offer's message; the SDK cuts longer ones.
MAX_MESSAGE_CHARS = 280

class NeedKind(Enum):
    """Why the household needs something."""

    REPLENISHMENT = "replenishment"
    SEASONAL = "seasonal"
    DESIRE = "desire"

class Unit(Enum):
    """The unit of a quantity."""

    PIECE = "piece"
    GRAM = "gram"
    MILLILITRE = "millilitre"

class OfferKind(Enum):
    """What kind of deal an offer is."""

    PURCHASE = "purchase"
    SUBSCRIPTION = "subscription"
    RENTAL = "rental"
    REFURBISHED = "refurbished"
    REPAIR_SERVICE = "repair-service"

@dataclass(frozen=True)
class Quantity:
    """An amount in a unit (`8 piece`, `500 gram`)."""

    amount: int
    unit: Unit

@dataclass(frozen=True)
class DeliveryWindow:
    """Days from today within which the household needs delivery."""

    earliest_day: int
    latest_day: int

@dataclass(frozen=True)
class Region:
    """A coarse location: a country and a short postal prefix."""

    country: str
    postal_prefix: str

@dataclass(frozen=True)
class BudgetBand:
    """What the household usually spends on this category, in minor units."""

    min_minor: int
    max_minor: int

@dataclass(frozen=True)
class Service:
    """One service around an offer: build it with the class methods."""

    kind: str
    value: object = None

    @classmethod
    def delivery_slot(cls, day: int, start_hour: int, end_hour: int) -> "Service":
        """Delivery on `day` (days from today) between two hours."""
        return cls("delivery-slot", (day, start_hour, end_hour))

    @classmethod
    def subscription(cls, period_days: int, cancel_anytime: bool = True) -> "Service":
        """A delivery every `period_days` days."""
        return cls("subscription", (period_days, cancel_anytime))

    @classmethod
    def returnable_packaging(cls, deposit_minor: int) -> "Service":
        """Packaging taken back against a deposit (minor units)."""
        return cls("returnable-packaging", deposit_minor)

    @classmethod
    def take_back(cls, credit_minor: int) -> "Service":
        """The old item taken back for a credit (minor units)."""
        return cls("take-back", credit_minor)

    @classmethod
    def repair_months(cls, months: int) -> "Service":
        """Free repairs for `months` months."""
        return cls("repair-months", months)

    @classmethod
    def warranty_months(cls, months: int) -> "Service":
        """A warranty of `months` months."""
        return cls("warranty-months", months)

    @classmethod
    def rental_days(cls, days: int) -> "Service":
        """A rental of `days` days."""
        return cls("rental-days", days)

    @classmethod
    def loyalty_minor(cls, credit_minor: int) -> "Service":
        """Loyalty credit on a later order (minor units)."""
        return cls("loyalty-minor", credit_minor)

    @classmethod
    def advice(cls, text: str) -> "Service":
        """A line of advice."""
        return cls("advice", text)

@dataclass
class Offer:
    """One offer: a product plus the services around it.

    Build it with `request.offer(sku, title)` and the chained setters, which
    fill the request's quantity and currency.
    """

    sku: str
    title: str
    quantity: Quantity
    currency: str
    kind: OfferKind = OfferKind.PURCHASE
    price_minor: int = 0
    delivery_days: int = 0
    services: List[Service] = field(default_factory=list)
    labels: List[str] = field(default_factory=list)
    carbon_grams: Optional[int] = None
    message: Optional[str] = None

    def with_kind(self, kind: OfferKind) -> "Offer":
        self.kind = kind
        return self

    def with_price(self, price_minor: int) -> "Offer":
        """The total price for the offer's quantity, in minor units."""
        self.price_minor = price_minor
        return self

    def with_quantity(self, quantity: Quantity) -> "Offer":
        self.quantity = quantity
        return self

    def with_delivery_days(self, days: int) -> "Offer":
        self.delivery_days = days
        return self

    def with_service(self, service: Service) -> "Offer":
        self.services.append(service)
        return self

    def with_label(self, label: str) -> "Offer":
        self.labels.append(label)
        return self

    def with_carbon_grams(self, grams: int) -> "Offer":
        self.carbon_grams = grams
        return self

    def with_message(self, message: str) -> "Offer":
        """A short note to the household (plain text, cut to 280 characters)."""
        self.message = message
        return self

    def cut_texts(self) -> "Offer":
        """This offer with its title and message cut to the platform's limits."""
        return replace(
            self,
            title=self.title[:MAX_TITLE_CHARS],
            message=None if self.message is None else self.message[:MAX_MESSAGE_CHARS],
        )

@dataclass(frozen=True)
class Request:
    """A minimised need: never a household identifier, never raw data."""

    request_id: str
    need: NeedKind
    category: str
    quantity: Quantity
    delivery: DeliveryWindow
    currency: str
    region: Optional[Region] = None
    budget: Optional[BudgetBand] = None
    labels: List[str] = field(default_factory=list)
    max_offers: int = 3

    def offer(self, sku: str, title: str) -> Offer:
        """An offer for this request's quantity and currency."""
        return Offer(sku=sku, title=title, quantity=self.quantity, currency=self.currency)

class BidError(Exception):
    """Why a brand does not bid; raise one from `offers`."""

    kind = "internal"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail

class UnsupportedCategory(BidError):
    """The brand does not serve the category."""

    kind = "unsupported-category"

class OutOfStock(BidError):
    """Nothing to offer right now."""

    kind = "out-of-stock"

class CatalogError(BidError):
    """The brand's catalog is missing a key or holds a bad value."""

    kind = "catalog"

class Unserviceable(BidError):
    """The request cannot be served (unit, region, window)."""

    kind = "unserviceable"

class Internal(BidError):
    """Anything else."""

    kind = "internal"

@dataclass(frozen=True)
class BrandInfo:
    """What a plugin says about itself at load."""

    name: str
    version: str
    categories: List[str]
    contact: str


def category_is_under(category: str, prefix: str) -> bool:
    """Whether `category` is `prefix` or lies below it (whole path segments)."""
    prefix = prefix.rstrip("/")
    if not category.startswith(prefix):
        return False
    rest = category[len(prefix):]
    return rest == "" or rest.startswith("/")
