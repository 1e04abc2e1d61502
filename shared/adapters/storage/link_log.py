"""Which links and ZIP downloads were issued for each document (Table `doclinks`).

The audit log answers "what happened on day X"; a withdrawal and the advisor's proof of
delivery need the opposite view, "who received document Y", and the advisor's CSV "what did
company C receive from day X to Y" — so each issue is also written here, twice in the
company's partition, as one entity-group transaction (one round trip, both rows or none):

| PartitionKey   | RowKey                                   | read                                   |
| -------------- | ---------------------------------------- | -------------------------------------- |
| `c-{customer}` | `t{issued_at:%Y%m%dT%H%M%S%f}_{r}`       | a company's deliveries for a date      |
|                |                                          | range: one RowKey range read (CSV)     |
| `c-{customer}` | `d{doc_id}_{issued_at:%Y%m%dT%H%M%S%f}_{r}` | one document's deliveries (withdraw, |
|                |                                          | proof of delivery): one range read     |

A link costs one write here instead of two (SPEC 7: a link ≤ 4 round trips).
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient

from shared.domain.companies import valid_customer_number
from shared.domain.issued_links import IssuedLink

# Document ids are lowercase base32 (SPEC 4); nothing else may become a partition key.
_DOC_ID = re.compile(r"[a-z2-7]{16,64}", re.ASCII)


class LinkLogKeyError(ValueError):
    """A document id that cannot be a Table key."""


def _partition(doc_id: str) -> str:
    if not _DOC_ID.fullmatch(doc_id):
        raise LinkLogKeyError("invalid document id")
    return doc_id


def _company(customer_number: str) -> str:
    if not valid_customer_number(customer_number):
        raise LinkLogKeyError("invalid customer number")
    return f"c-{customer_number}"


class LinkLog:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def record(self, link: IssuedLink) -> None:
        # Time first so a range reads in issue order; the suffix keeps two issues in the same
        # microsecond apart.
        stamp = f"{link.issued_at:%Y%m%dT%H%M%S%f}_{secrets.token_hex(4)}"
        entity: dict[str, Any] = {
            "PartitionKey": _company(link.customer_number),
            "RowKey": f"t{stamp}",
            "doc_id": _partition(link.doc_id),
            "kind": link.kind,
            "issued_at": link.issued_at,
            "actor": link.actor,
            "actor_email": link.actor_email,
            "client": link.client,
            "customer_number": link.customer_number,
        }
        if link.expires_at is not None:
            entity["expires_at"] = link.expires_at
        if link.line:
            entity["line"], entity["doc_type"] = link.line, link.doc_type
        self.table.submit_transaction(
            [("create", entity), ("create", {**entity, "RowKey": f"d{link.doc_id}_{stamp}"})]
        )

    def for_company(self, customer_number: str, start: date, end: date) -> Iterator[IssuedLink]:
        """A company's deliveries from `start` to `end` (UTC days, inclusive), oldest first."""
        if not valid_customer_number(customer_number):
            return
        entities = self.table.query_entities(
            "PartitionKey eq @pk and RowKey ge @start and RowKey lt @end",
            parameters={
                "pk": _company(customer_number),
                "start": f"t{start:%Y%m%d}",
                "end": f"t{end + timedelta(days=1):%Y%m%d}",
            },
            results_per_page=1000,
        )
        for entity in entities:
            yield _from_entity(entity)

    def for_document(self, customer_number: str, doc_id: str) -> list[IssuedLink]:
        """Who received this document of this company, oldest first."""
        try:
            pk, head = _company(customer_number), f"d{_partition(doc_id)}_"
        except LinkLogKeyError:
            return []
        entities = self.table.query_entities(
            "PartitionKey eq @pk and RowKey gt @lo and RowKey lt @hi",
            parameters={"pk": pk, "lo": head, "hi": head[:-1] + "`"},  # "`" follows "_"
        )
        return sorted((_from_entity(e) for e in entities), key=lambda x: x.issued_at)

    def issued_before(self, cutoff: datetime) -> Iterator[str]:
        """Keys of records issued before `cutoff`: their documents are gone by then (retention).

        One key per issue, `{partition}/{document row}/{time row}`: both rows go together.
        """
        entities = self.table.query_entities(
            "issued_at lt @cutoff",
            parameters={"cutoff": cutoff},
            select=["PartitionKey", "RowKey", "doc_id"],
        )
        for entity in entities:
            row = str(entity["RowKey"])
            if not row.startswith("t"):
                continue  # removed with its time row
            # "/" never occurs in these keys
            yield f"{entity['PartitionKey']}/d{entity.get('doc_id') or ''}_{row[1:]}/{row}"

    def delete_key(self, key: str) -> None:
        """Both rows of one issue, the document's row first: a sweep interrupted in between finds
        the time row again. Safe to repeat."""
        partition, *rows = key.split("/")
        for row in rows:
            with contextlib.suppress(ResourceNotFoundError):
                self.table.delete_entity(partition, row)


def _from_entity(entity: Any) -> IssuedLink:
    expires = entity.get("expires_at")
    return IssuedLink(
        doc_id=entity.get("doc_id", ""),
        kind=entity.get("kind", "link"),
        issued_at=entity["issued_at"],
        expires_at=expires if isinstance(expires, datetime) else None,
        actor=entity.get("actor", ""),
        actor_email=entity.get("actor_email", ""),
        client=entity.get("client", ""),
        customer_number=entity.get("customer_number", ""),
        line=entity.get("line", ""),
        doc_type=entity.get("doc_type", ""),
    )
