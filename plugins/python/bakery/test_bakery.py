"""The bakery's logic, under pytest, without wasm."""

from pathlib import Path

import pytest

from vitrine_brand import CatalogError, NeedKind, Unserviceable, UnsupportedCategory, testing

from bakery import Bakery

HERE = Path(__file__).parent
CATALOG = testing.load_catalog(HERE / "catalog.json")


def test_two_loaves_cost_twice_the_catalog_price_with_a_morning_slot():
    offers = testing.run(Bakery(), testing.request("food/bakery/bread", amount=2), CATALOG)
    assert [o.sku for o in offers] == ["LOAF-SOURDOUGH"]
    assert offers[0].price_minor == 680
    assert offers[0].services[0].kind == "delivery-slot"
    assert "organic" in offers[0].labels


def test_a_desire_for_a_treat_gets_one_pastry_and_a_short_note():
    req = testing.request("food/treats/chocolate", need=NeedKind.DESIRE)
    offers = testing.run(Bakery(), req, CATALOG)
    assert offers[0].sku == "PAIN-CHOC"
    assert offers[0].price_minor == 130
    assert offers[0].message


def test_bread_by_weight_is_unserviceable():
    with pytest.raises(Unserviceable):
        testing.run(Bakery(), testing.request("food/bakery/bread", amount=500, unit="gram"), CATALOG)


def test_a_category_outside_the_bakery_is_refused_by_the_sdk():
    with pytest.raises(UnsupportedCategory):
        testing.run(Bakery(), testing.request("clothing/shoes"), CATALOG)


def test_a_missing_price_is_a_catalog_error_naming_the_key():
    catalog = {k: v for k, v in CATALOG.items() if k != "loaf.price"}
    with pytest.raises(CatalogError, match="loaf.price"):
        testing.run(Bakery(), testing.request("food/bakery/bread"), catalog)


def test_the_example_request_of_the_repository_gets_a_bid():
    req = testing.load_request(HERE.parent.parent.parent / "examples/requests/bread.json")
    assert testing.run(Bakery(), req, CATALOG)


