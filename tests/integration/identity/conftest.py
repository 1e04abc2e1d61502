"""Fixtures for identity tests: the HTTPS Entra/Graph stand-in, settings pointing at it, and an
HTTP session that trusts the test CA (handed to the app through the context's memo key)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import trustme

from shared import context
from shared.context import AppContext
from shared.settings import Settings
from tests.integration.identity.fakes import CLIENT_ID, CLIENT_SECRET, TENANT, FakeEntraGraph, started


@pytest.fixture(scope="session")
def test_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_bundle(test_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    test_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def entra(test_ca: trustme.CA) -> Iterator[FakeEntraGraph]:
    yield from started(test_ca)


@pytest.fixture
def trusted_http(ca_bundle: Path) -> Iterator[requests.Session]:
    session = requests.Session()
    session.verify = str(ca_bundle)
    session.trust_env = False
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def entra_settings(settings: Settings, entra: FakeEntraGraph) -> Settings:
    return settings.with_overrides(
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authority_host=entra.base,
        graph_base_url=entra.graph_url,
        mail_sender="portal@versicherer.ch",
    )


@pytest.fixture
def sleeps() -> list[float]:
    """What the Graph client would have slept: recorded, never waited."""
    return []


@pytest.fixture
def entra_ctx(
    ctx: AppContext, entra_settings: Settings, trusted_http: requests.Session, sleeps: list[float]
) -> AppContext:
    """A context on the Entra/Graph stand-in (same storage, same clock), installed in place of `ctx`."""
    switched = AppContext(
        settings=entra_settings,
        clock=ctx.clock,
        storage=ctx.storage,
        identity_http=trusted_http,
        sleep=sleeps.append,
    )
    context.install(switched)
    return switched
