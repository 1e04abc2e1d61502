"""Server-side sessions in Table `sessions`, behind a cookie holding a random 256-bit id.

The table stores only the SHA-256 of the id, so a copy of the table cannot be replayed as
cookies. Cookie: `portal_session` locally; `__Host-portal_session` with Secure in Azure
(the prefix forbids Domain and pins Path=/); always HttpOnly and SameSite=Lax.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.identity import Principal
from shared.domain.sessions import Session

ROW = "session"


def new_secret() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def plausible_id(value: str) -> bool:
    """A cookie value we could have issued; anything else is not even looked up."""
    return len(value) == 43 and all(c.isalnum() or c in "-_" for c in value)


class SessionStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def create(self, principal: Principal, language: str, now: datetime) -> Session:
        session = Session(
            session_id=new_secret(),
            principal=principal,
            csrf_token=new_secret(),
            language=language,
            created_at=now,
            last_seen=now,
        )
        self.table.create_entity(_to_entity(session))
        return session

    def get(self, session_id: str) -> Session | None:
        if not plausible_id(session_id):
            return None
        try:
            entity = self.table.get_entity(_key(session_id), ROW)
        except ResourceNotFoundError:
            return None
        return _from_entity(session_id, entity)

    def touch(self, session: Session, now: datetime) -> Session:
        updated = Session(**{**session.__dict__, "last_seen": now})
        self.table.update_entity(
            {"PartitionKey": _key(session.session_id), "RowKey": ROW, "last_seen": now},
            mode=UpdateMode.MERGE,
        )
        return updated

    def delete(self, session_id: str) -> None:
        if plausible_id(session_id):
            self.table.delete_entity(_key(session_id), ROW)

    def expired_keys(self, idle_cutoff: datetime, absolute_cutoff: datetime) -> list[str]:
        """Stored keys (hashes) of sessions idle since before `idle_cutoff` or created before
        `absolute_cutoff`: no cookie can use them any more (retention's data minimisation)."""
        entities = self.table.query_entities(
            "last_seen lt @idle or created_at lt @absolute",
            parameters={"idle": idle_cutoff, "absolute": absolute_cutoff},
            select=["PartitionKey"],
        )
        return [e["PartitionKey"] for e in entities]

    def delete_key(self, key: str) -> None:
        """Delete by stored key (the hash); the sweep never sees the cookie value. Safe to repeat."""
        try:
            self.table.delete_entity(key, ROW)
        except ResourceNotFoundError:
            return


def _to_entity(session: Session) -> dict[str, Any]:
    p = session.principal
    return {
        "PartitionKey": _key(session.session_id),
        "RowKey": ROW,
        "tid": p.tid,
        "oid": p.oid,
        "email": p.email,
        "name": p.name,
        "roles": json.dumps(list(p.roles)),
        "csrf_token": session.csrf_token,
        "language": session.language,
        "created_at": session.created_at,
        "last_seen": session.last_seen,
    }


def _from_entity(session_id: str, entity: Any) -> Session:
    return Session(
        session_id=session_id,
        principal=Principal(
            tid=entity["tid"],
            oid=entity["oid"],
            email=entity.get("email", ""),
            name=entity.get("name", ""),
            roles=tuple(json.loads(entity.get("roles") or "[]")),
        ),
        csrf_token=entity["csrf_token"],
        language=entity.get("language", "de"),
        created_at=entity["created_at"],
        last_seen=entity["last_seen"],
    )
