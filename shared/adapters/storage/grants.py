"""Grants in Table `grants`, keyed by the person's (tid, oid) — never by e-mail.

Each grant is written twice: under the person (`p_<tid>_<oid>`, what authorization
reads) and under the company (`c_<customer_number>`, what advisors list). The grant id
starts with the customer number, so `get(grant_id)` is one point read. Writes go to the
person's copy first: a revocation stops access before anything else happens, and a
repeated write repairs a half-done one.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.companies import valid_customer_number
from shared.domain.identity import Grant, GrantKind, GrantStatus

# tid and oid are GUIDs in Entra; the local directory uses the same shape. Anything else
# is refused before it can become a Table key.
_ID = re.compile(r"[A-Za-z0-9-]{1,64}", re.ASCII)
_GRANT_ID = re.compile(r"([0-9]{4,12})-([a-z0-9]{16})", re.ASCII)


class GrantKeyError(ValueError):
    """A tid, oid, customer number or grant id that cannot be a Table key."""


def new_grant_id(customer_number: str, request_id: str = "") -> str:
    """A random id; for an approval derived from the request id, so that the grant of one
    request can only ever be one entity (a repeated write is the same grant)."""
    if not valid_customer_number(customer_number):
        raise GrantKeyError("invalid customer number")
    if request_id:
        return f"{customer_number}-{hashlib.sha256(request_id.encode()).hexdigest()[:16]}"
    return f"{customer_number}-{secrets.token_hex(8)}"


def valid_grant_id(value: str) -> bool:
    return bool(_GRANT_ID.fullmatch(value))


def _person_key(tid: str, oid: str) -> str:
    if not (_ID.fullmatch(tid) and _ID.fullmatch(oid)):
        raise GrantKeyError("invalid tid or oid")
    return f"p_{tid}_{oid}"


def _company_key(customer_number: str) -> str:
    if not valid_customer_number(customer_number):
        raise GrantKeyError("invalid customer number")
    return f"c_{customer_number}"


class GrantStore:
    def __init__(self, table: TableClient, on_change: Callable[[str, str], None] | None = None) -> None:
        """`on_change(tid, oid)` runs after each write of a person's grant: sessions keep the
        person's active grants and must drop them (a revocation takes effect at once)."""
        self.table = table
        self.on_change = on_change

    def put(self, grant: Grant) -> None:
        """Insert or replace both copies (person first; see the module docstring)."""
        if not valid_grant_id(grant.grant_id) or not grant.grant_id.startswith(grant.customer_number + "-"):
            raise GrantKeyError("grant id does not match its company")
        entity = _to_entity(grant)
        self.table.upsert_entity(
            {**entity, "PartitionKey": _person_key(grant.tid, grant.oid)}, mode=UpdateMode.REPLACE
        )
        self.table.upsert_entity(
            {**entity, "PartitionKey": _company_key(grant.customer_number)}, mode=UpdateMode.REPLACE
        )
        if self.on_change is not None:
            self.on_change(grant.tid, grant.oid)

    def signed_in(self, grant: Grant, when: datetime) -> None:
        """Note the person's sign-in on the company's copy (what the advisor's company page reads);
        one merge, and nothing if the grant is gone meanwhile."""
        try:
            self.table.update_entity(
                {
                    "PartitionKey": _company_key(grant.customer_number),
                    "RowKey": grant.grant_id,
                    "last_signin_at": when,
                },
                mode=UpdateMode.MERGE,
            )
        except ResourceNotFoundError:
            return

    def get(self, grant_id: str) -> Grant | None:
        match = _GRANT_ID.fullmatch(grant_id)
        if not match:
            return None
        try:
            entity = self.table.get_entity(_company_key(match.group(1)), grant_id)
        except ResourceNotFoundError:
            return None
        return _from_entity(entity)

    def for_person(self, tid: str, oid: str) -> list[Grant]:
        """Every grant of this person, whatever its status."""
        try:
            pk = _person_key(tid, oid)
        except GrantKeyError:
            return []
        return self._query(pk)

    def active_for(self, tid: str, oid: str) -> list[Grant]:
        """The grants that authorize this person now."""
        return [g for g in self.for_person(tid, oid) if g.status is GrantStatus.ACTIVE]

    def for_company(self, customer_number: str) -> list[Grant]:
        try:
            pk = _company_key(customer_number)
        except GrantKeyError:
            return []
        return self._query(pk)

    def active_people(self) -> list[Grant]:
        """Every active grant, read from the person copies (`p_…`): the notification run's list
        of who may see what, one query per run that grows with grants, not documents."""
        entities = self.table.query_entities(
            "PartitionKey ge @lo and PartitionKey lt @hi and status eq @status",
            parameters={"lo": "p_", "hi": "p`", "status": GrantStatus.ACTIVE.value},
        )
        return [_from_entity(e) for e in entities]

    def revoked_before(self, cutoff: datetime) -> list[Grant]:
        """Grants revoked before `cutoff`, each once (retention's data minimisation; a scan of
        the revoked ones only, and the table is small)."""
        entities = self.table.query_entities(
            "status eq @status and revoked_at lt @cutoff",
            parameters={"status": GrantStatus.REVOKED.value, "cutoff": cutoff},
        )
        found = {g.grant_id: g for g in (_from_entity(e) for e in entities)}
        return sorted(found.values(), key=lambda g: g.grant_id)

    def delete(self, grant: Grant) -> None:
        """Remove both copies (company copy first, so a half-done delete is still found through
        the person copy by `revoked_before`); safe to repeat."""
        for partition in (_company_key(grant.customer_number), _person_key(grant.tid, grant.oid)):
            try:
                self.table.delete_entity(partition, grant.grant_id)
            except ResourceNotFoundError:
                continue

    def _query(self, partition: str) -> list[Grant]:
        entities = self.table.query_entities("PartitionKey eq @pk", parameters={"pk": partition})
        grants = [_from_entity(e) for e in entities]
        return sorted(grants, key=lambda g: (g.created_at, g.grant_id))


def _to_entity(grant: Grant) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "RowKey": grant.grant_id,
        "tid": grant.tid,
        "oid": grant.oid,
        "email": grant.email,
        "customer_number": grant.customer_number,
        "lines": ",".join(grant.lines),
        "kind": grant.kind.value,
        "status": grant.status.value,
        "created_at": grant.created_at,
        "request_id": grant.request_id,
        "created_by": grant.created_by,
        "created_by_name": grant.created_by_name,
    }
    if grant.activated_at is not None:
        entity["activated_at"] = grant.activated_at
    if grant.revoked_at is not None:
        entity["revoked_at"] = grant.revoked_at
    if grant.last_signin_at is not None:
        entity["last_signin_at"] = grant.last_signin_at
    return entity


def _dt(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


def _from_entity(entity: Any) -> Grant:
    return Grant(
        grant_id=entity["RowKey"],
        tid=entity["tid"],
        oid=entity["oid"],
        email=entity.get("email", ""),
        customer_number=entity["customer_number"],
        lines=tuple(x for x in (entity.get("lines") or "").split(",") if x),
        kind=GrantKind(entity.get("kind", GrantKind.CUSTOMER.value)),
        status=GrantStatus(entity.get("status", GrantStatus.INVITED.value)),
        created_at=entity["created_at"],
        activated_at=_dt(entity.get("activated_at")),
        revoked_at=_dt(entity.get("revoked_at")),
        request_id=entity.get("request_id", ""),
        created_by=entity.get("created_by", ""),
        created_by_name=entity.get("created_by_name", ""),
        last_signin_at=_dt(entity.get("last_signin_at")),
    )
