"""Fixtures for identity tests: the HTTPS Entra/Graph stand-in, the managed identity endpoint
stand-in (in the environment, as App Service sets it), settings pointing at them, and an HTTP
session that trusts the test CA."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import trustme

from shared import context
from shared.adapters.identity.managed_identity import TOKEN_EXCHANGE_SCOPE
from shared.context import AppContext
from shared.settings import Settings
from tests.integration.identity import managed_identity_fake
from tests.integration.identity.fakes import CLIENT_ID, TENANT, FakeEntraGraph, started
from tests.integration.identity.managed_identity_fake import IDENTITY_HEADER, FakeManagedIdentity

EXCHANGE_RESOURCE = TOKEN_EXCHANGE_SCOPE.removesuffix("/.default")


@pytest.fixture(scope="session")
def test_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_bundle(test_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    test_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def managed_identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeManagedIdentity]:
    """The App Service identity endpoint, found by the real azure-identity code through the
    environment variables the platform sets."""
    for name in ("IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for fake in managed_identity_fake.started():
        monkeypatch.setenv("IDENTITY_ENDPOINT", fake.endpoint)
        monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_HEADER)
        yield fake


@pytest.fixture
def entra(test_ca: trustme.CA, managed_identity: FakeManagedIdentity) -> Iterator[FakeEntraGraph]:
    """Entra, whose app registration trusts the managed identity (federated identity credential)."""
    for fake in started(test_ca):
        fake.trusted_assertions = functools.partial(managed_identity.tokens_for, EXCHANGE_RESOURCE)
        fake.trusted_graph_tokens = functools.partial(managed_identity.tokens_for, fake.base)
        yield fake


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
