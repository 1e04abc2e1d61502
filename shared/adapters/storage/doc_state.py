"""Per person, which documents they downloaded or opened, and when: the read side of the
state rows the link log writes (Table `doclinks`, shared/adapters/storage/link_log.py).

| PartitionKey   | RowKey                    | read                                          |
| -------------- | ------------------------- | --------------------------------------------- |
| `c-{customer}` | `s{tid}_{oid}_{doc_id}`   | one range read per company (a list page: one) |
| `c-{customer}` | `e{yyyymmdd}_{tid}_{oid}_{doc_id}` | by deletion day: one range read per company |

The rows sit in the company's partition beside the link records, so issuing a link writes
both in one transaction (SPEC 7: a link ≤ 4 round trips). A document is "new" for a person
until that person downloads or opens it; someone else's download writes another row. Each
download overwrites the row: `downloaded_at` is the LAST download or view ("downloaded on",
SPEC 2). Rows carry the document's `deletes_at`, so retention drops them with the document;
a person whose access has ended loses theirs company by company (`delete_person`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableTransactionError

from shared.adapters.storage.link_log import company_partition, prefix_end, reminder_prefix, state_prefix
from shared.domain.companies import valid_customer_number
from shared.domain.notifications import person_key

_BATCH = 100  # operations per transaction


class DocStateStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def downloaded(self, tid: str, oid: str, customer_numbers: Iterable[str]) -> dict[str, datetime]:
        """doc_id → last download, for the person's documents of these companies: one range read
        per company (the portal asks for one company; the digest reads by deletion day instead)."""
        try:
            person = person_key(tid, oid)
        except ValueError:
            return {}
        found: dict[str, datetime] = {}
        for number in sorted({c for c in customer_numbers if valid_customer_number(c)}):
            for entity in self._rows(number, person, ["doc_id", "downloaded_at"]):
                if isinstance(entity.get("downloaded_at"), datetime):
                    found[entity["doc_id"]] = entity["downloaded_at"]
        return found

    def downloaded_before_deletion(self, customer_numbers: Iterable[str], day: date) -> set[tuple[str, str]]:
        """(person, doc_id) for every download of a document deleted on this UTC day, in these
        companies: one range read per company, for everybody at once (the expiry reminder)."""
        head = reminder_prefix(day)
        found: set[tuple[str, str]] = set()
        for number in sorted({c for c in customer_numbers if valid_customer_number(c)}):
            entities = self.table.query_entities(
                "PartitionKey eq @pk and RowKey gt @lo and RowKey lt @hi",
                parameters={"pk": company_partition(number), "lo": head, "hi": prefix_end(head)},
                select=["person", "doc_id"],
                results_per_page=1000,
            )
            found.update((str(e.get("person")), str(e.get("doc_id"))) for e in entities)
        return found

    def gone_before(self, cutoff: datetime) -> Iterator[str]:
        """Keys of marks whose document is deleted by `cutoff` (retention removed it, or will
        have by the end of this sweep): the mark has no purpose left. A filtered read of the
        table, once a day, like the other minimisation rules; only state rows carry
        `deletes_at`. One key per mark, `{partition}/{day row}/{person row}`: the day row goes
        first, so a sweep interrupted in between finds the person row again."""
        entities = self.table.query_entities(
            "deletes_at lt @cutoff", parameters={"cutoff": cutoff}, select=["PartitionKey", "RowKey", "deletes_at"]
        )
        for entity in entities:
            row, deletes_at = str(entity["RowKey"]), entity.get("deletes_at")
            if row.startswith("s") and isinstance(deletes_at, datetime):
                day = reminder_prefix(deletes_at.astimezone(UTC).date())
                yield f"{entity['PartitionKey']}/{day}{row[1:]}/{row}"  # "/" never occurs in these keys

    def delete_key(self, key: str) -> None:
        """Every row a key names (a mark's day row, then its person row); safe to repeat."""
        partition, *rows = key.split("/")
        for row in rows:
            with contextlib.suppress(ResourceNotFoundError):
                self.table.delete_entity(partition, row)

    def delete_person(self, person: str, customer_numbers: Iterable[str]) -> int:
        """Every row of one person (their access has ended) in these companies: one range read
        per company, then the rows in batches (one by one where a batch meets a row that is
        already gone)."""
        removed = 0
        for number in sorted({c for c in customer_numbers if valid_customer_number(c)}):
            keys = [(e["PartitionKey"], e["RowKey"]) for e in self._rows(number, person, [])]
            keys += [(e["PartitionKey"], e["RowKey"]) for e in self._reminder_rows(number, person)]
            for start in range(0, len(keys), _BATCH):
                self._delete_all(keys[start : start + _BATCH])
            removed += len(keys)
        return removed

    def _rows(self, customer_number: str, person: str, select: list[str]) -> Iterable[Any]:
        head = state_prefix(person)
        return self.table.query_entities(
            "PartitionKey eq @pk and RowKey gt @lo and RowKey lt @hi",
            parameters={"pk": company_partition(customer_number), "lo": head, "hi": prefix_end(head)},
            select=["PartitionKey", "RowKey", *select],
            results_per_page=1000,
        )

    def _reminder_rows(self, customer_number: str, person: str) -> Iterable[Any]:
        """The person's rows by deletion day: the day comes first in their key, so the person is
        a filter over the company's `e` range (the daily minimisation, not a request path)."""
        return self.table.query_entities(
            "PartitionKey eq @pk and RowKey gt @lo and RowKey lt @hi and person eq @person",
            parameters={"pk": company_partition(customer_number), "lo": "e", "hi": "f", "person": person},
            select=["PartitionKey", "RowKey"],
            results_per_page=1000,
        )

    def _delete_all(self, keys: list[tuple[str, str]]) -> None:
        try:
            self.table.submit_transaction([("delete", {"PartitionKey": pk, "RowKey": rk}) for pk, rk in keys])
        except TableTransactionError:
            for pk, rk in keys:
                self.delete_key(f"{pk}/{rk}")
