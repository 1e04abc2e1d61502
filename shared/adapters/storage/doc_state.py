"""Per person, which documents they downloaded or opened, and when (Table `docstate`).

| PartitionKey       | RowKey                    | read                                        |
| ------------------ | ------------------------- | ------------------------------------------- |
| `{tid}_{oid}`      | `{customer}-{doc_id}`     | a company's range: one read per list page   |

A document is "new" for a person until that person downloads or opens it; someone else's
download does not touch this partition. The first download is kept (insert-if-absent): a
second one costs the same single round trip and changes nothing. Entities carry
`deletes_at`, so retention can drop them together with the document and a read can skip
what is gone.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableClient, TableTransactionError

from shared.domain.companies import valid_customer_number
from shared.domain.notifications import person_key

_DOC_ID = re.compile(r"[a-z2-7]{32}", re.ASCII)


class DocStateStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def mark(self, tid: str, oid: str, records: Sequence[Any], at: datetime, kind: str) -> None:
        """Record a download/view of these documents by this person; safe to repeat."""
        pk = person_key(tid, oid)
        entities = [
            {
                "PartitionKey": pk,
                "RowKey": f"{r.customer_number}-{r.doc_id}",
                "doc_id": r.doc_id,
                "customer_number": r.customer_number,
                "line": r.line,
                "downloaded_at": at,
                "kind": kind,
                "deletes_at": r.deletes_at,
            }
            for r in records
            if valid_customer_number(r.customer_number) and _DOC_ID.fullmatch(r.doc_id)
        ]
        if len(entities) == 1:
            with contextlib.suppress(ResourceExistsError):  # downloaded before: the first time stays
                self.table.create_entity(entities[0])
            return
        for start in range(0, len(entities), 100):
            chunk = entities[start : start + 100]
            try:
                self.table.submit_transaction([("create", e) for e in chunk])
            except TableTransactionError:
                # Some were downloaded before: the batch fails as a whole, so go one by one.
                for entity in chunk:
                    try:
                        self.table.create_entity(entity)
                    except ResourceExistsError:
                        continue

    def downloaded(self, tid: str, oid: str, customer_numbers: Iterable[str]) -> dict[str, datetime]:
        """doc_id → first download, for the person's documents of these companies: one range read
        per company (the portal asks for one company, the digest for all of a person's)."""
        try:
            pk = person_key(tid, oid)
        except ValueError:
            return {}
        wanted = sorted({c for c in customer_numbers if valid_customer_number(c)})
        if not wanted:
            return {}
        params: dict[str, Any] = {"pk": pk, "lo": f"{wanted[0]}-", "hi": f"{wanted[-1]}."}
        entities = self.table.query_entities(
            "PartitionKey eq @pk and RowKey ge @lo and RowKey lt @hi",
            parameters=params,
            select=["RowKey", "doc_id", "customer_number", "downloaded_at"],
            results_per_page=1000,
        )
        keep = set(wanted)
        return {e["doc_id"]: e["downloaded_at"] for e in entities if e.get("customer_number") in keep}

    def gone_before(self, cutoff: datetime) -> Iterator[str]:
        """Keys of rows whose document is deleted by `cutoff` (retention removed it, or will
        have by the end of this sweep): the marker has no purpose left. A filtered read of
        the table, once a day, like the other minimisation rules."""
        entities = self.table.query_entities(
            "deletes_at lt @cutoff", parameters={"cutoff": cutoff}, select=["PartitionKey", "RowKey"]
        )
        for entity in entities:
            yield f"{entity['PartitionKey']}/{entity['RowKey']}"  # "/" never occurs in these keys

    def delete_key(self, key: str) -> None:
        partition, _, row = key.partition("/")
        with contextlib.suppress(ResourceNotFoundError):
            self.table.delete_entity(partition, row)

    def delete_person(self, person: str) -> int:
        """Every row of one person (their access has ended): one partition read, then deletes."""
        entities = self.table.query_entities(
            "PartitionKey eq @pk", parameters={"pk": person}, select=["PartitionKey", "RowKey"]
        )
        keys = [f"{e['PartitionKey']}/{e['RowKey']}" for e in entities]
        for key in keys:
            self.delete_key(key)
        return len(keys)
