"""The ops CLI against Azure: the operator's own sign-in, and nothing created (the Bicep owns
every container and table; local-only tables never reach Azure). No network: clients are
built but never used, and the fake credential proves no token was ever asked for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.identity import DefaultAzureCredential

from cli import context as cli_ctx
from shared import context
from shared.adapters.storage.clients import LOCAL_ONLY_TABLES, TABLES
from shared.settings import SettingsError

ACCOUNT = "https://portalst0example.blob.core.windows.net/"


class RecordingCredential:
    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        raise AssertionError("the CLI must not reach storage while building its context")


@pytest.fixture
def azure_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AzureWebJobsStorage", raising=False)
    monkeypatch.setenv("PORTAL_STORAGE_ACCOUNT_URL", ACCOUNT)
    monkeypatch.setenv("PORTAL_LOCAL_MODE", "false")
    previous = context._current
    yield
    context.install(previous)


@pytest.mark.usefixtures("azure_env")
def test_azure_context_uses_the_operators_credential_and_creates_nothing() -> None:
    """GIVEN the account URL exported WHEN the CLI builds its context THEN its clients carry the
    operator's credential, point at the blob and table endpoints, and no request was made."""
    assert cli_ctx.targets_azure()
    credential = RecordingCredential()
    ctx = cli_ctx.azure_context(credential)
    assert ctx.storage.blob_service.credential is credential
    assert ctx.storage.blob_service.url.startswith("https://portalst0example.blob.")
    assert ctx.storage.table_service.url.startswith("https://portalst0example.table.")
    assert credential.scopes == []  # ensure() would have asked for a token
    assert context.current() is ctx


@pytest.mark.usefixtures("azure_env")
def test_cli_context_defaults_to_default_azure_credential() -> None:
    ctx = cli_ctx.cli_context()
    assert isinstance(ctx.storage.blob_service.credential, DefaultAzureCredential)


@pytest.mark.usefixtures("azure_env")
def test_local_mode_pointing_at_azure_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_LOCAL_MODE", "true")
    with pytest.raises(SettingsError, match="PORTAL_LOCAL_MODE"):
        cli_ctx.azure_context(RecordingCredential())


def test_connection_string_means_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_STORAGE_ACCOUNT_URL", ACCOUNT)
    monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")
    assert not cli_ctx.targets_azure()


def test_local_only_tables_are_the_dev_stand_ins() -> None:
    assert set(LOCAL_ONLY_TABLES) == {t for t in TABLES if t.startswith("dev")}
