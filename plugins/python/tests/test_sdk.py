"""The SDK's own rules, as every Python plugin gets them."""

import pytest

from vitrine_brand import (
    MAX_MESSAGE_CHARS,
    MAX_TITLE_CHARS,
    Brand,
    CatalogError,
    Service,
    UnsupportedCategory,
    answer,
    catalog,
    category_is_under,
    log,
    testing,
)


class Echo(Brand):
    categories = ("home/misc",)

    def offers(self, request):
        return [
            request.offer(f"S{i}", "é" * 500).with_price(100).with_message("😀" * 400)
            for i in range(10)
        ]


def test_texts_are_cut_by_characters_and_offers_by_max_offers():
    with testing.with_catalog({}):
        offers = answer(Echo(), testing.request("home/misc", max_offers=4))
    assert len(offers) == 4
    assert len(offers[0].title) == MAX_TITLE_CHARS
    assert len(offers[0].message) == MAX_MESSAGE_CHARS


def test_categories_match_whole_path_segments():
    assert category_is_under("home/misc/vases", "home/misc")
    assert category_is_under("home/misc", "home/misc/")
    assert not category_is_under("home/miscellany", "home/misc")
    with pytest.raises(UnsupportedCategory):
        answer(Echo(), testing.request("home/miscellany"))


def test_catalog_numbers_are_checked_and_missing_keys_named():
    with testing.with_catalog({"a": "12", "b": "-3", "c": "1.5", "f": "TRUE"}):
        assert catalog.number("a") == 12
        for key in ("b", "c"):
            with pytest.raises(CatalogError, match=key):
                catalog.number(key)
        with pytest.raises(CatalogError, match="missing catalog key `zz`"):
            catalog.require("zz")
        assert catalog.flag("f") and not catalog.flag("zz")


def test_logs_are_recorded_and_levels_checked():
    testing.take_logs()
    log.info("hello")
    log.warn("careful")
    assert testing.take_logs() == [("info", "hello"), ("warn", "careful")]
    with pytest.raises(ValueError):
        log.log("loud", "x")


def test_the_harness_refuses_what_the_host_would_refuse():
    with pytest.raises(testing.OfferRefused, match="sku.S0"):
        testing.run(Echo(), testing.request("home/misc"), {})


def test_services_build_the_contracts_variants():
    assert Service.delivery_slot(1, 7, 9).kind == "delivery-slot"
    assert Service.subscription(7).value == (7, True)
    assert Service.advice("water daily").value == "water daily"
