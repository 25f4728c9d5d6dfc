"""The two things a plugin may ask of the host: its catalog and a log.

Inside a component they call the WIT imports `vitrine:brand/catalog` and
`vitrine:brand/logging`; anywhere else (under `pytest`) they read the
catalog and record the log of `vitrine_brand.testing`.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

from .model import CatalogError

#: Log levels, as the host names them.
LEVELS = ("trace", "debug", "info", "warn", "error")

_test_catalog: Dict[str, str] = {}
_test_logs: List[Tuple[str, str]] = []


def _local_get(key: str) -> Optional[str]:
    return _test_catalog.get(key)


def _local_log(level: str, message: str) -> None:
    _test_logs.append((level, message))


_get: Callable[[str], Optional[str]] = _local_get
_log: Callable[[str, str], None] = _local_log


def _use_host(get: Callable[[str], Optional[str]], log: Callable[[str, str], None]) -> None:
    """Route catalog reads and logs to the host (called by `component`)."""
    global _get, _log
    _get, _log = get, log


def get(key: str) -> Optional[str]:
    """The catalog value under `key`, or None when the key is absent."""
    return _get(key)


def require(key: str) -> str:
    """The catalog value under `key`; a missing key is a `CatalogError`."""
    value = _get(key)
    if value is None:
        raise CatalogError(f"missing catalog key `{key}`")
    return value


def number(key: str) -> int:
    """The catalog value under `key` as a non-negative whole number."""
    return _parse_number(key, require(key))


def _parse_number(key: str, value: str) -> int:
    digits = value.strip()
    if not digits.isdigit():
        raise CatalogError(f"catalog key `{key}` is not a whole number: {digits!r}")
    return int(digits)


def minor(key: str) -> int:
    """A price in minor units (cents) from the catalog."""
    return number(key)


def flag(key: str) -> bool:
    """Whether the catalog value under `key` is `true` (absent: False)."""
    return (_get(key) or "").strip().lower() == "true"


def log(level: str, message: str) -> None:
    """Record one log entry (`trace`, `debug`, `info`, `warn` or `error`).

    The host keeps a bounded number of entries per call and drops the rest.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown log level {level!r}; use one of {LEVELS}")
    _log(level, message)


def debug(message: str) -> None:
    """A `debug` entry."""
    log("debug", message)


def info(message: str) -> None:
    """An `info` entry."""
    log("info", message)


def warn(message: str) -> None:
    """A `warn` entry."""
    log("warn", message)


def error(message: str) -> None:
    """An `error` entry."""
    log("error", message)
