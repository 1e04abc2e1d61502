"""Helpers of the devhost tests (used by their conftest fixtures and by the tests themselves)."""

from __future__ import annotations

from collections.abc import Callable

from devhost.host import DevHost

CONCURRENT = 4


# What the test app's blob function was given, by blob name (tests use unique names).
RECEIVED: dict[str, list[dict[str, object]]] = {}


HostFactory = Callable[..., DevHost]
