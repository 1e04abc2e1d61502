"""Local stand-in for the Entra directory and Graph's invitation endpoint (local mode only).

Each e-mail gets a stable object id — a UUIDv5 of the normalised address, the same on
every machine — and inviting someone records them in Table `devdirectory`. So the `oid`
the stand-in returns at invitation is exactly the one that person's dev session gets,
as with Graph and a real sign-in.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from azure.data.tables import TableClient, UpdateMode

from shared.domain.signin import normalise_email
from shared.settings import Settings

_NAMESPACE = uuid.UUID("6f1c2a52-9d0e-4f4b-9a57-3c1b1e0d7a11")
DEV_TENANT = "local-dev-tenant"
PARTITION = "invited"


def dev_tenant(settings: Settings) -> str:
    return settings.tenant_id or DEV_TENANT


def oid_for(email: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, normalise_email(email)))


class DevDirectory:
    def __init__(self, table: TableClient, settings: Settings, now: Any) -> None:
        self.table = table
        self.settings = settings
        self._now = now

    @property
    def tenant(self) -> str:
        return dev_tenant(self.settings)

    def invite(self, email: str, redirect_url: str, language: str, display_name: str = "") -> str:
        """Same shape as the Graph adapter's `invite`: returns the invited user's oid."""
        oid = oid_for(email)
        when: datetime = self._now()
        self.table.upsert_entity(
            {
                "PartitionKey": PARTITION,
                "RowKey": hashlib.sha256(normalise_email(email).encode()).hexdigest(),
                "oid": oid,
                "redirect_url": redirect_url,
                "language": language,
                "invited_at": when,
            },
            mode=UpdateMode.REPLACE,
        )
        return oid
