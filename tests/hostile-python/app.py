"""A hostile plugin in Python, written against the raw bindings (as an
attacker would, without the SDK's limits). The request's category picks the
attack, so one component (one 18 MB compilation) tries them all:

- `hostile/loop`: loops forever.
- `hostile/memory`: allocates until memory runs out.
- `hostile/file`: tries to read /etc/passwd and to list the root directory.
- `hostile/socket`: tries to open a TCP connection and to resolve a name.
- `hostile/huge`: answers one offer with a 10 MB title.
- `hostile/flood`: answers 100,000 offers.

What a file or socket attempt saw is returned as the error's detail
(`internal`), so a test can check it failed.
"""

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import types


def _offer(request, title):
    return types.Offer(
        sku="X",
        title=title,
        kind=types.OfferKind.PURCHASE,
        quantity=request.quantity,
        price_minor=100,
        currency=request.currency,
        delivery_days=0,
        services=[],
        labels=[],
        carbon_grams=None,
        message=None,
    )


def _attempt(what, action):
    try:
        result = action()
        return f"{what}: succeeded ({result!r:.40})"
    except BaseException as e:  # noqa: BLE001 - reporting whatever happened
        return f"{what}: error:{type(e).__name__}"


class Bidder(exports.Bidder):
    def describe(self):
        return types.BrandInfo(
            name="hostile-python", version="0.1.0", categories=["hostile"], contact="attacker@example.com"
        )

    def offers(self, request):
        attack = request.category.removeprefix("hostile/")
        if attack == "loop":
            n = 0
            while True:
                n += 1
        if attack == "memory":
            hoard = []
            while True:
                hoard.append(bytearray(1 << 20))
        if attack == "file":
            import os

            seen = [
                _attempt("read", lambda: open("/etc/passwd").read()),
                _attempt("list", lambda: os.listdir("/")),
                _attempt("write", lambda: open("/tmp/x", "w").write("x")),
            ]
            raise Err(types.BidError_Internal("; ".join(seen)))
        if attack == "socket":
            # CPython's `socket` module is not in componentize-py's build
            # (importing it fails); the attempts still go as far as they can.
            seen = [
                _attempt(
                    "connect",
                    lambda: __import__("socket").create_connection(("127.0.0.1", 5432), timeout=1),
                ),
                _attempt("resolve", lambda: __import__("socket").getaddrinfo("example.com", 80)),
            ]
            raise Err(types.BidError_Internal("; ".join(seen)))
        if attack == "huge":
            return [_offer(request, "x" * (10 << 20))]
        if attack == "flood":
            return [_offer(request, "flood") for _ in range(100_000)]
        raise Err(types.BidError_UnsupportedCategory(request.category))
