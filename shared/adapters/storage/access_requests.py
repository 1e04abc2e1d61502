"""Access requests and their one-time verification tokens in Table storage.

`accessrequests`: partition `request`, row key = request id (random hex). Every state change
is a conditional write on the ETag, so an advisor's approval and a late verification can
never overwrite each other. `verifytokens`: partition `verify`, row key = SHA-256 of the
token — the token itself is only ever in the applicant's mail.

The advisor's list reads a copy of each request kept for it in the same table:

| PartitionKey      | RowKey                                  | read                              |
| ----------------- | --------------------------------------- | --------------------------------- |
| `request`         | request id                              | the request (authoritative)       |
| `list-{status}`   | `{inverted created_at ms:013}-{id}`     | one status, newest first: a page  |
|                   |                                         | is one range read, the cursor the |
|                   |                                         | last RowKey; `words` serves `q`   |

A listing copy is written after the request itself (the request decides; a crash in between
leaves the list one step behind and the next save repairs it) and removed from the other
statuses' partitions.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.access_request import (
    MAX_LIST_PAGE,
    OPEN_STATUSES,
    AccessRequest,
    StaleAccessRequest,
    Status,
    dedupe_key,
    valid_list_cursor,
)
from shared.domain.search import index_words, matches, query_words

__all__ = [
    "AccessRequest",
    "AccessRequestStore",
    "StaleAccessRequest",
    "VerifyToken",
    "VerifyTokenStore",
    "new_request_id",
]

REQUEST: Final = "request"
VERIFY: Final = "verify"
_ID = re.compile(r"[0-9a-f]{32}", re.ASCII)
_HASH = re.compile(r"[0-9a-f]{64}", re.ASCII)
_MAX_MS: Final = 10**13 - 1
LIST_STATUSES: Final = tuple(s.value for s in Status)
_SCAN_PAGE: Final = 1000  # a search reads the status partition in pages this large


def list_key(req: AccessRequest) -> str:
    """Ascending RowKey order is newest first."""
    return f"{_MAX_MS - int(req.created_at.timestamp() * 1000):013d}-{req.request_id}"


def search_words(req: AccessRequest) -> list[str]:
    """What `q` finds a request by: name, e-mail (whole and in parts), company, customer number."""
    texts = [req.first_name, req.last_name, req.company_name, req.customer_number, req.email]
    return [*index_words(texts), req.email.casefold()]


def new_request_id() -> str:
    return uuid.uuid4().hex


class AccessRequestStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def get(self, request_id: str) -> AccessRequest | None:
        if not _ID.fullmatch(request_id):
            return None
        try:
            return _from_entity(self.table.get_entity(REQUEST, request_id))
        except ResourceNotFoundError:
            return None

    def list_by_status(self, status: str) -> list[AccessRequest]:
        """Oldest first, as an advisor works through them."""
        entities = self.table.query_entities(
            "PartitionKey eq @pk and status eq @status", parameters={"pk": REQUEST, "status": str(status)}
        )
        return sorted((_from_entity(e) for e in entities), key=lambda r: r.created_at)

    def all(self) -> Iterator[AccessRequest]:
        for entity in self.table.query_entities("PartitionKey eq @pk", parameters={"pk": REQUEST}):
            yield _from_entity(entity)

    def find_open(self, email: str, customer_number: str) -> AccessRequest | None:
        """An unverified or pending request of the same person for the same company."""
        entities = self.table.query_entities(
            "PartitionKey eq @pk and dedupe eq @dedupe",
            parameters={"pk": REQUEST, "dedupe": dedupe_key(email, customer_number)},
        )
        for entity in entities:
            found = _from_entity(entity)
            if found.status in OPEN_STATUSES:
                return found
        return None

    def save(self, req: AccessRequest, etag: str | None = None) -> AccessRequest:
        """Insert a new request (no ETag) or replace it only if unchanged since read (ETag).

        Raises StaleAccessRequest when the condition fails; returns the request with its new ETag.
        """
        condition = etag if etag is not None else req.etag
        if not _ID.fullmatch(req.request_id):
            raise ValueError("invalid request id")
        try:
            if condition:
                meta = self.table.update_entity(
                    _to_entity(req),
                    mode=UpdateMode.REPLACE,
                    etag=condition,
                    match_condition=MatchConditions.IfNotModified,
                )
            else:
                meta = self.table.create_entity(_to_entity(req))
        except (ResourceModifiedError, ResourceExistsError, ResourceNotFoundError) as exc:
            raise StaleAccessRequest(req.request_id) from exc
        self._list(req)
        return replace(req, etag=meta.get("etag", ""))

    def _list(self, req: AccessRequest) -> None:
        """The listing copy under the request's status, and none under the others."""
        key = list_key(req)
        entity = {**_to_entity(req), "PartitionKey": f"list-{req.status}", "RowKey": key}
        entity["request_id"] = req.request_id
        entity["words"] = " ".join(search_words(req))
        self.table.upsert_entity(entity, mode=UpdateMode.REPLACE)
        for status in LIST_STATUSES:
            if status != str(req.status):
                try:
                    self.table.delete_entity(f"list-{status}", key)
                except ResourceNotFoundError:
                    continue

    def page(
        self, status: str, q: str = "", limit: int = 25, cursor: str | None = None
    ) -> tuple[list[AccessRequest], str | None]:
        """One page of a status, newest first; `q`: every word a prefix of a searched word.

        Without `q` one range read (`limit + 1` entities); with `q` the partition is read on
        from the cursor until the page is full.
        """
        if status not in LIST_STATUSES:
            raise ValueError("unknown status")
        if cursor is not None and not valid_list_cursor(cursor):
            raise ValueError("invalid cursor")
        limit = max(1, min(limit, MAX_LIST_PAGE))
        wanted = query_words(q)
        flt = "PartitionKey eq @pk" + (" and RowKey gt @after" if cursor else "")
        params: dict[str, Any] = {"pk": f"list-{status}", **({"after": cursor} if cursor else {})}
        per_page = _SCAN_PAGE if wanted else limit + 1
        found: list[tuple[str, AccessRequest]] = []
        for entity in self.table.query_entities(flt, parameters=params, results_per_page=per_page):
            if wanted and not matches(wanted, (entity.get("words") or "").split()):
                continue
            found.append((entity["RowKey"], _from_entity(entity)))
            if len(found) > limit:
                break
        more = len(found) > limit
        items = found[:limit]
        return [r for _k, r in items], (items[-1][0] if more and items else None)

    def count(self, status: str) -> int:
        """How many requests have this status (keys only; one read per 1,000)."""
        if status not in LIST_STATUSES:
            raise ValueError("unknown status")
        entities = self.table.query_entities(
            "PartitionKey eq @pk", parameters={"pk": f"list-{status}"}, select=["RowKey"], results_per_page=1000
        )
        return sum(1 for _ in entities)

    def delete(self, request_id: str) -> None:
        if _ID.fullmatch(request_id):
            found = self.get(request_id)
            if found is not None:
                for status in LIST_STATUSES:
                    try:
                        self.table.delete_entity(f"list-{status}", list_key(found))
                    except ResourceNotFoundError:
                        continue
            try:
                self.table.delete_entity(REQUEST, request_id)
            except ResourceNotFoundError:
                return


@dataclass(frozen=True)
class VerifyToken:
    token_hash: str
    request_id: str
    expires_at: datetime
    used_at: datetime | None = None
    etag: str = field(default="", compare=False, repr=False)


class VerifyTokenStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def put(self, token_hash: str, request_id: str, expires_at: datetime) -> None:
        if not _HASH.fullmatch(token_hash):
            raise ValueError("invalid token hash")
        self.table.create_entity(
            {"PartitionKey": VERIFY, "RowKey": token_hash, "request_id": request_id, "expires_at": expires_at}
        )

    def get(self, token_hash: str) -> VerifyToken | None:
        if not _HASH.fullmatch(token_hash):
            return None
        try:
            entity = self.table.get_entity(VERIFY, token_hash)
        except ResourceNotFoundError:
            return None
        return VerifyToken(
            token_hash=token_hash,
            request_id=entity.get("request_id", ""),
            expires_at=entity["expires_at"],
            used_at=entity.get("used_at"),
            etag=entity.metadata.get("etag") or "",
        )

    def mark_used(self, token: VerifyToken, when: datetime) -> bool:
        """One conditional write: True for the one caller that used it, False for any other."""
        try:
            self.table.update_entity(
                {
                    "PartitionKey": VERIFY,
                    "RowKey": token.token_hash,
                    "request_id": token.request_id,
                    "expires_at": token.expires_at,
                    "used_at": when,
                },
                mode=UpdateMode.REPLACE,
                etag=token.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            return False
        return True

    def expired_before(self, when: datetime) -> Iterator[VerifyToken]:
        """Tokens past their expiry, for the retention sweep."""
        entities = self.table.query_entities(
            "PartitionKey eq @pk and expires_at lt @when", parameters={"pk": VERIFY, "when": when}
        )
        for entity in entities:
            yield VerifyToken(
                entity["RowKey"], entity.get("request_id", ""), entity["expires_at"], entity.get("used_at")
            )

    def delete(self, token_hash: str) -> None:
        if _HASH.fullmatch(token_hash):
            try:
                self.table.delete_entity(VERIFY, token_hash)
            except ResourceNotFoundError:
                return


def _to_entity(req: AccessRequest) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": REQUEST,
        "RowKey": req.request_id,
        "status": str(req.status),
        "company_name": req.company_name,
        "customer_number": req.customer_number,
        "first_name": req.first_name,
        "last_name": req.last_name,
        "email": req.email,
        "phone": req.phone,
        "lines": ",".join(req.lines),
        "language": req.language,
        "consent_version": req.consent_version,
        "created_at": req.created_at,
        "decided_by": req.decided_by,
        "decided_by_name": req.decided_by_name,
        "reason": req.reason,
        "dedupe": dedupe_key(req.email, req.customer_number),
    }
    if req.verified_at is not None:
        entity["verified_at"] = req.verified_at
    if req.decided_at is not None:
        entity["decided_at"] = req.decided_at
    return entity


def _from_entity(entity: Any) -> AccessRequest:
    return AccessRequest(
        request_id=entity.get("request_id") or entity["RowKey"],
        status=entity.get("status", Status.UNVERIFIED),
        company_name=entity.get("company_name", ""),
        customer_number=entity.get("customer_number", ""),
        first_name=entity.get("first_name", ""),
        last_name=entity.get("last_name", ""),
        email=entity.get("email", ""),
        phone=entity.get("phone", ""),
        lines=tuple(x for x in (entity.get("lines") or "").split(",") if x),
        language=entity.get("language", "de"),
        consent_version=entity.get("consent_version", ""),
        created_at=entity["created_at"],
        verified_at=entity.get("verified_at"),
        decided_at=entity.get("decided_at"),
        decided_by=entity.get("decided_by", ""),
        decided_by_name=entity.get("decided_by_name", ""),
        reason=entity.get("reason", ""),
        etag=entity.metadata.get("etag", ""),
    )
