"""The plugin's logic under pytest, without wasm."""

from pathlib import Path

from vitrine_brand import testing

from {{module}} import Plugin

HERE = Path(__file__).parent
CATALOG = testing.load_catalog(HERE / "catalog.json")


def test_two_pieces_cost_twice_the_catalog_price():
    offers = testing.run(Plugin(), testing.request("{{category}}", amount=2), CATALOG)
    assert offers[0].price_minor == 2 * int(CATALOG["item.price"])


def test_the_example_request_gets_a_bid():
    assert testing.run(Plugin(), testing.load_request(HERE / "request.json"), CATALOG)
