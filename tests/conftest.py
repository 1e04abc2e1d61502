"""Shared fixtures: one real Azurite per test session; each test gets its own storage prefix."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devhost.host import DevHost
from shared import context
from shared.adapters.storage.clients import Storage, connect
from shared.clock import MutableClock
from shared.context import AppContext
from shared.settings import Settings
from tests.support.azurite import Azurite, start_azurite
from tests.support.client import Client, fresh_app

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    instance = start_azurite()
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
def settings(azurite: Azurite) -> Settings:
    prefix = "t" + uuid.uuid4().hex[:10]
    return Settings(
        storage_connection=azurite.connection_string,
        storage_prefix=prefix,
        local_mode=True,
        base_url="http://127.0.0.1:7071",
    )


@pytest.fixture
def storage(settings: Settings) -> Storage:
    store = connect(settings)
    store.ensure()
    return store


@pytest.fixture
def ctx(settings: Settings, clock: MutableClock, storage: Storage) -> Iterator[AppContext]:
    """The app's context for this test, installed as the one handlers see."""
    app_ctx = AppContext(settings=settings, clock=clock, storage=storage)
    context.install(app_ctx)
    try:
        yield app_ctx
    finally:
        context.install(None)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


@pytest.fixture
def devhost(ctx: AppContext) -> Iterator[DevHost]:
    """The real dev host on a free loopback port, serving this test's context (no background services)."""
    dev = DevHost(fresh_app(), port=0, watch_blobs=False, run_timers=False).start()
    try:
        yield dev
    finally:
        dev.stop()


@pytest.fixture
def http(devhost: DevHost) -> Iterator[Client]:
    """A requests session bound to the dev host's base URL (keeps cookies like a browser)."""
    client = Client(devhost.base_url)
    try:
        yield client
    finally:
        client.close()
