"""The component's entry module: `componentize-py` exports its `Bidder`."""

from vitrine_brand.component import bidder

from bakery import Bakery

Bidder = bidder(Bakery)
