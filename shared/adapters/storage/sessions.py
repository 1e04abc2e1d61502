"""Server-side sessions in Table `sessions`, behind a cookie holding a random 256-bit id.

The table stores only the SHA-256 of the id, so a copy of the table cannot be replayed as
cookies. Cookie: `portal_session` locally; `__Host-portal_session` with Secure in Azure
(the prefix forbids Domain and pins Path=/); always HttpOnly and SameSite=Lax.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.identity import Grant, GrantKind, GrantStatus, Principal
from shared.domain.sessions import Session

ROW = "session"
# A string property holds at most 32,768 characters; a person with more grants than fit
# (hundreds of companies) has them read per request instead.
MAX_GRANTS_JSON = 30_000


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

    def create(
        self, principal: Principal, language: str, now: datetime, grants: Sequence[Grant] | None = None
    ) -> Session:
        """`grants`: the person's active grants as of now, kept with the session (see Session)."""
        session = Session(
            session_id=new_secret(),
            principal=principal,
            csrf_token=new_secret(),
            language=language,
            created_at=now,
            last_seen=now,
            grants=None if grants is None else tuple(grants),
        )
        meta = self.table.create_entity(_to_entity(session))
        return replace(session, version=str(meta.get("etag") or ""))

    def get(self, session_id: str) -> Session | None:
        if not plausible_id(session_id):
            return None
        try:
            entity = self.table.get_entity(_key(session_id), ROW)
        except ResourceNotFoundError:
            return None
        return _from_entity(session_id, entity)

    def touch(self, session: Session, now: datetime, grants: Sequence[Grant] | None = None) -> Session:
        """Record `now` as last seen, with the person's active grants read just now if given.

        Conditional on the version read: if the record changed since (a grant written, which
        drops the kept grants), the grants are not stored and the next request reads them."""
        entity: dict[str, Any] = {"PartitionKey": _key(session.session_id), "RowKey": ROW, "last_seen": now}
        fresh = None if grants is None else tuple(grants)
        if fresh is not None:
            entity["grants"] = _grants_json(fresh)
        try:
            if session.version:
                meta = self.table.update_entity(
                    entity, mode=UpdateMode.MERGE, etag=session.version, match_condition=MatchConditions.IfNotModified
                )
            else:
                meta = self.table.update_entity(entity, mode=UpdateMode.MERGE)
        except HttpResponseError as exc:
            if exc.status_code != 412:
                raise
            # Changed meanwhile: keep last_seen honest, never the grants read before the change.
            entity.pop("grants", None)
            meta = self.table.update_entity(entity, mode=UpdateMode.MERGE)
            return replace(session, last_seen=now, grants=fresh, version=str(meta.get("etag") or ""))
        return replace(session, last_seen=now, grants=fresh, version=str(meta.get("etag") or ""))

    def forget_grants(self, tid: str, oid: str) -> None:
        """Drop the grants kept with this person's sessions (one of their grants was written):
        their next request reads the grants again. A scan of the sessions table, which holds live
        sessions only; grants change far less often than anyone reads them."""
        entities = self.table.query_entities(
            "tid eq @tid and oid eq @oid", parameters={"tid": tid, "oid": oid}, select=["PartitionKey"]
        )
        for entity in list(entities):
            try:
                self.table.update_entity(
                    {"PartitionKey": entity["PartitionKey"], "RowKey": ROW, "grants": ""}, mode=UpdateMode.MERGE
                )
            except ResourceNotFoundError:
                continue

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
        "grants": "" if session.grants is None else _grants_json(session.grants),
    }


def _grants_json(grants: Sequence[Grant]) -> str:
    """The active grants, compactly ("" when they do not fit: then read per request)."""
    data = json.dumps(
        [
            {
                "id": g.grant_id,
                "cn": g.customer_number,
                "lines": list(g.lines),
                "kind": g.kind.value,
                "email": g.email,
                "created_at": g.created_at.isoformat(),
                "activated_at": g.activated_at.isoformat() if g.activated_at else None,
                "request_id": g.request_id,
                "created_by": g.created_by,
            }
            for g in grants
            if g.status is GrantStatus.ACTIVE
        ],
        separators=(",", ":"),
    )
    return data if len(data) <= MAX_GRANTS_JSON else ""


def _grants_from(raw: Any, principal: Principal) -> tuple[Grant, ...] | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return tuple(
            Grant(
                grant_id=g["id"],
                tid=principal.tid,
                oid=principal.oid,
                email=g.get("email", ""),
                customer_number=g["cn"],
                lines=tuple(g["lines"]),
                kind=GrantKind(g["kind"]),
                status=GrantStatus.ACTIVE,
                created_at=datetime.fromisoformat(g["created_at"]),
                activated_at=datetime.fromisoformat(g["activated_at"]) if g.get("activated_at") else None,
                request_id=g.get("request_id", ""),
                created_by=g.get("created_by", ""),
            )
            for g in json.loads(raw)
        )
    except (ValueError, KeyError, TypeError):
        return None  # unreadable: read the grants instead


def _from_entity(session_id: str, entity: Any) -> Session:
    principal = Principal(
        tid=entity["tid"],
        oid=entity["oid"],
        email=entity.get("email", ""),
        name=entity.get("name", ""),
        roles=tuple(json.loads(entity.get("roles") or "[]")),
    )
    return Session(
        session_id=session_id,
        principal=principal,
        csrf_token=entity["csrf_token"],
        language=entity.get("language", "de"),
        created_at=entity["created_at"],
        last_seen=entity["last_seen"],
        grants=_grants_from(entity.get("grants"), principal),
        version=str(entity.metadata.get("etag") or "") if hasattr(entity, "metadata") else "",
    )
