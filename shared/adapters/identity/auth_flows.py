"""Pending sign-ins: msal's auth code flow (state, nonce, PKCE verifier) kept server-side.

The browser holds only a random id in a short-lived cookie, which binds the callback to
the browser that started the login (no login CSRF); the record is used once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.data.tables import TableClient

from shared.adapters.storage.sessions import plausible_id
from shared.settings import Settings

FLOW_TTL = timedelta(minutes=10)
ROW = "flow"


def flow_cookie_name(settings: Settings) -> str:
    return "portal_auth" if settings.local_mode else "__Host-portal_auth"


def flow_cookie(settings: Settings, flow_id: str) -> str:
    """SameSite=None in Azure: Entra's form_post callback is a cross-site POST, which a Lax
    cookie would not accompany. Locally (plain HTTP, where browsers refuse None without
    Secure) it stays Lax; the local sign-in is the dev picker anyway."""
    same_site = "Lax" if settings.local_mode else "None"
    parts = [f"{flow_cookie_name(settings)}={flow_id}", "Path=/", "HttpOnly", f"SameSite={same_site}"]
    parts.append(f"Max-Age={int(FLOW_TTL.total_seconds())}")
    if not settings.local_mode:
        parts.append("Secure")
    return "; ".join(parts)


class FlowStore:
    """Lives in Table `sessions` beside the sessions (row key `flow`)."""

    def __init__(self, table: TableClient) -> None:
        self.table = table

    def save(self, flow: dict[str, Any], language: str, now: datetime) -> str:
        flow_id = secrets.token_urlsafe(32)
        self.table.create_entity(
            {
                "PartitionKey": hashlib.sha256(flow_id.encode()).hexdigest(),
                "RowKey": ROW,
                "flow": json.dumps(flow),
                "language": language,
                "created_at": now,
            }
        )
        return flow_id

    def take(self, flow_id: str, now: datetime) -> tuple[dict[str, Any], str] | None:
        """The flow and its language, removed so it can be used once; None if unknown or stale."""
        if not plausible_id(flow_id):
            return None
        key = hashlib.sha256(flow_id.encode()).hexdigest()
        try:
            entity = self.table.get_entity(key, ROW)
        except ResourceNotFoundError:
            return None
        try:
            self.table.delete_entity(
                key, ROW, etag=entity.metadata["etag"], match_condition=MatchConditions.IfNotModified
            )
        except HttpResponseError:  # someone else used it first: treat as unknown
            return None
        if now - entity["created_at"] > FLOW_TTL:
            return None
        return json.loads(entity["flow"]), str(entity.get("language", "de"))


    def abandoned_keys(self, now: datetime) -> list[str]:
        """Stored keys of sign-ins started more than FLOW_TTL ago and never finished."""
        entities = self.table.query_entities(
            "RowKey eq @row and created_at lt @cutoff",
            parameters={"row": ROW, "cutoff": now - FLOW_TTL},
            select=["PartitionKey"],
        )
        return [entity["PartitionKey"] for entity in entities]

    def delete_key(self, key: str) -> None:
        """Delete by stored key (the hash); safe to repeat."""
        try:
            self.table.delete_entity(key, ROW)
        except ResourceNotFoundError:
            return
