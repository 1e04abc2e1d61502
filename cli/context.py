"""How CLI commands reach storage: the same settings and context as the app.

Locally (Azurite) it reads `local.settings.json` when present, like the dev host, and creates
what is missing. Against Azure — `PORTAL_STORAGE_ACCOUNT_URL` set in the environment and no
`AzureWebJobsStorage` connection string — it signs in as the operator (`az login`, through
`DefaultAzureCredential`) and creates nothing: the Bicep owns every container and table, and
the local-only tables must never appear in Azure.
"""

from __future__ import annotations

import os
from pathlib import Path

from azure.core.credentials import TokenCredential

from devhost.local_settings import load_local_settings
from shared import context
from shared.context import AppContext
from shared.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def targets_azure() -> bool:
    """An operator points the CLI at Azure by exporting the account URL (docs/operations.md)."""
    connection = os.environ.get("AzureWebJobsStorage")  # noqa: SIM112 - the Functions host's own name
    return bool(os.environ.get("PORTAL_STORAGE_ACCOUNT_URL")) and not connection


def azure_context(credential: TokenCredential | None = None) -> AppContext:
    """Context on the deployed account with the operator's own identity; creates nothing."""
    settings = load_settings()
    if settings.local_mode:
        raise SettingsError("PORTAL_LOCAL_MODE is true but PORTAL_STORAGE_ACCOUNT_URL points at Azure")
    if credential is None:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    ctx = context.build(settings, credential=credential)
    context.install(ctx)
    return ctx


def cli_context() -> AppContext:
    if targets_azure():
        return azure_context()
    load_local_settings(ROOT / "local.settings.json")
    ctx = context.current()
    ctx.storage.ensure()
    return ctx
