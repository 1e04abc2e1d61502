"""Advisor console fixtures: an advisor signed in over the registry, a second client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devhost.host import DevHost
from shared.context import AppContext
from tests.support.advisor import ADVISOR, registry
from tests.support.client import Client
from tests.support.identity import login


@pytest.fixture
def advisor(ctx: AppContext, http: Client) -> Client:
    registry(ctx)
    http.headers["X-CSRF-Token"] = login(http, ctx, ADVISOR, roles=["Advisor"])
    return http


@pytest.fixture
def http_customer(devhost: DevHost) -> Iterator[Client]:
    """A second browser-like client on the same dev host (the customer beside the advisor)."""
    client = Client(devhost.base_url)
    try:
        yield client
    finally:
        client.close()
