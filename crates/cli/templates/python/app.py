"""The component's entry module: componentize-py exports its `Bidder`."""

from vitrine_brand.component import bidder

from {{module}} import Plugin

Bidder = bidder(Plugin)
