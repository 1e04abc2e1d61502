"""Which links and ZIP downloads were issued for each document (Table `doclinks`).

The audit log answers "what happened on day X"; a withdrawal and the advisor's proof of
delivery need the opposite view, "who received document Y", in one partition read — so
each issue is also written here:

| PartitionKey        | RowKey                          | read                                  |
| ------------------- | ------------------------------- | ------------------------------------- |
| `{doc_id}`          | `{issued_at:%Y%m%dT%H%M%S%f}_{r}` | one document's deliveries (withdraw,  |
|                     |                                 | proof of delivery)                    |
| `c-{customer}`      | the same RowKey                 | a company's deliveries for a date     |
|                     |                                 | range: one RowKey range read (CSV)    |
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


class LinkLog:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def record(self, link: IssuedLink) -> None:
        # Time first so a partition reads in issue order; the suffix keeps two issues in
        # the same microsecond apart.
        row = f"{link.issued_at:%Y%m%dT%H%M%S%f}_{secrets.token_hex(4)}"
        entity: dict[str, Any] = {
            "PartitionKey": _partition(link.doc_id),
            "RowKey": row,
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
        self.table.create_entity(entity)
        if valid_customer_number(link.customer_number):
            self.table.create_entity({**entity, "PartitionKey": f"c-{link.customer_number}", "doc_id": link.doc_id})

    def for_company(self, customer_number: str, start: date, end: date) -> Iterator[IssuedLink]:
        """A company's deliveries from `start` to `end` (UTC days, inclusive), oldest first."""
        if not valid_customer_number(customer_number):
            return
        entities = self.table.query_entities(
            "PartitionKey eq @pk and RowKey ge @start and RowKey lt @end",
            parameters={
                "pk": f"c-{customer_number}",
                "start": f"{start:%Y%m%d}",
                "end": f"{end + timedelta(days=1):%Y%m%d}",
            },
            results_per_page=1000,
        )
        for entity in entities:
            yield _from_entity(entity)

    def for_document(self, doc_id: str) -> list[IssuedLink]:
        try:
            pk = _partition(doc_id)
        except LinkLogKeyError:
            return []
        entities = self.table.query_entities("PartitionKey eq @pk", parameters={"pk": pk})
        return sorted((_from_entity(e) for e in entities), key=lambda x: x.issued_at)


    def issued_before(self, cutoff: datetime) -> Iterator[str]:
        """Keys of records issued before `cutoff`: their documents are gone by then (retention).

        One key per issue, `{doc_id}/{row}/{customer}`: the company copy goes with it.
        """
        entities = self.table.query_entities(
            "issued_at lt @cutoff",
            parameters={"cutoff": cutoff},
            select=["PartitionKey", "RowKey", "customer_number"],
        )
        for entity in entities:
            if entity["PartitionKey"].startswith("c-"):
                continue  # removed with its document's record
            # "/" never occurs in these keys or in a customer number
            yield f"{entity['PartitionKey']}/{entity['RowKey']}/{entity.get('customer_number') or ''}"

    def delete_key(self, key: str) -> None:
        """The company copy first: a sweep interrupted in between finds the record again."""
        partition, row, customer_number = ([*key.split("/"), ""])[:3]
        if valid_customer_number(customer_number):
            with contextlib.suppress(ResourceNotFoundError):
                self.table.delete_entity(f"c-{customer_number}", row)
        with contextlib.suppress(ResourceNotFoundError):
            self.table.delete_entity(partition, row)


def _from_entity(entity: Any) -> IssuedLink:
    expires = entity.get("expires_at")
    return IssuedLink(
        doc_id=entity.get("doc_id") or entity["PartitionKey"],
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
