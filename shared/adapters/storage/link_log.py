"""Which links and ZIP downloads were issued for each document (Table `doclinks`), and which
documents each person has downloaded or opened.

The audit log answers "what happened on day X"; a withdrawal and the advisor's proof of
delivery need the opposite view, "who received document Y", and the advisor's CSV "what did
company C receive from day X to Y" — so each issue is also written here, twice in the
company's partition. The person's new/downloaded state (SPEC 2) lives in the same partition,
so all three rows go in one entity-group transaction (one round trip, all rows or none):

| PartitionKey   | RowKey                                   | read                                   |
| -------------- | ---------------------------------------- | -------------------------------------- |
| `c-{customer}` | `t{issued_at:%Y%m%dT%H%M%S%f}_{r}`       | a company's deliveries for a date      |
|                |                                          | range: one RowKey range read (CSV)     |
| `c-{customer}` | `d{doc_id}_{issued_at:%Y%m%dT%H%M%S%f}_{r}` | one document's deliveries (withdraw, |
|                |                                          | proof of delivery): one range read     |
| `c-{customer}` | `s{tid}_{oid}_{doc_id}`                  | the person's downloads in the company: |
|                |                                          | one range read (doc_state.py)          |
| `c-{customer}` | `e{deletes_at:%Y%m%d}_{tid}_{oid}_{doc_id}` | who downloaded the documents deleted |
|                |                                          | on a day: one range read per company,  |
|                |                                          | once per run (the expiry reminder)     |

The `s` and `e` rows are upserted: `downloaded_at` is the person's LAST download or view of
the document, which the list shows as "downloaded on". The `e` row is the same fact keyed by
the document's deletion day, so the daily run reads who already holds the documents it would
remind about in one range per company instead of one read per person and company (SPEC 7: a
digest ≤ 2 round trips per person notified). Both carry `downloaded_at` and the document's
`deletes_at` and never `issued_at`, so the retention rules tell the kinds apart by property:
`issued_before` finds issue records only, `gone_before` state rows only. A link costs one
write here for all four rows (SPEC 7: a link ≤ 4 round trips); a ZIP one transaction per 25
documents of a company instead of one per document.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.companies import valid_customer_number
from shared.domain.issued_links import IssuedLink
from shared.domain.notifications import person_key

# Document ids are lowercase base32 (SPEC 4); nothing else may become a partition key.
_DOC_ID = re.compile(r"[a-z2-7]{16,64}", re.ASCII)
# A transaction holds at most 100 operations (Azure refuses more; Azurite answers garbage,
# docs/index-design.md) and a link's four rows always go in the same one: 25 links.
LINKS_PER_TRANSACTION = 25

Operation = tuple[Any, ...]


class LinkLogKeyError(ValueError):
    """A document id that cannot be a Table key."""


def _partition(doc_id: str) -> str:
    if not _DOC_ID.fullmatch(doc_id):
        raise LinkLogKeyError("invalid document id")
    return doc_id


def company_partition(customer_number: str) -> str:
    if not valid_customer_number(customer_number):
        raise LinkLogKeyError("invalid customer number")
    return f"c-{customer_number}"


def state_prefix(person: str) -> str:
    """RowKey prefix of one person's download state in a company's partition; `person` is
    `person_key(tid, oid)`, whose parts never hold "_", so one person's prefix never covers
    another's rows."""
    return f"s{person}_"


def prefix_end(head: str) -> str:
    """The RowKey right after every key starting with `head`, which ends in "_" ("`" follows it)."""
    return head[:-1] + "`"


def reminder_prefix(day: date) -> str:
    """RowKey prefix of the state rows of the documents deleted on this UTC day."""
    return f"e{day:%Y%m%d}_"


def _person_of(actor: str) -> str | None:
    """The person key of an actor named "tid/oid" (as the audit names people), else None."""
    tid, _, oid = actor.partition("/")
    try:
        return person_key(tid, oid)
    except ValueError:
        return None


def _operations(link: IssuedLink) -> tuple[list[Operation], str | None]:
    """The link's time and document rows (created) and the person's state rows (upserted, so
    `downloaded_at` becomes this issue): by person, and by the document's deletion day; with
    the person's state RowKey, if it has one (the day row repeats exactly when it does)."""
    # Time first so a range reads in issue order; the suffix keeps two issues in the same
    # microsecond apart.
    stamp = f"{link.issued_at:%Y%m%dT%H%M%S%f}_{secrets.token_hex(4)}"
    pk = company_partition(link.customer_number)
    entity: dict[str, Any] = {
        "PartitionKey": pk,
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
    ops: list[Operation] = [("create", entity), ("create", {**entity, "RowKey": f"d{link.doc_id}_{stamp}"})]
    person = _person_of(link.actor)
    if person is None:
        return ops, None
    # No `issued_at` here: `issued_before` must not take a state row for an issue record.
    state: dict[str, Any] = {
        "PartitionKey": pk,
        "RowKey": f"{state_prefix(person)}{link.doc_id}",
        "doc_id": link.doc_id,
        "customer_number": link.customer_number,
        "line": link.line,
        "downloaded_at": link.issued_at,
        "kind": link.kind,
    }
    ops.append(("upsert", state, {"mode": UpdateMode.MERGE}))
    if link.deletes_at is not None:
        state["deletes_at"] = link.deletes_at
        day = reminder_prefix(link.deletes_at.astimezone(UTC).date())
        reminder = {**state, "RowKey": f"{day}{person}_{link.doc_id}", "person": person}
        ops.append(("upsert", reminder, {"mode": UpdateMode.MERGE}))
    return ops, state["RowKey"]


@dataclass
class _Batch:
    operations: list[Operation] = field(default_factory=list)
    state_rows: set[str] = field(default_factory=set)
    links: int = 0

    def takes(self, state_row: str | None) -> bool:
        return self.links < LINKS_PER_TRANSACTION and state_row not in self.state_rows


def transactions(links: Iterable[IssuedLink]) -> list[list[Operation]]:
    """Per company partition, in the order given: at most 25 links per transaction, and a new
    transaction where a state row would repeat (Azure refuses an entity twice in one batch;
    the later upsert then lands after the earlier one, so the last download wins)."""
    open_: dict[str, _Batch] = {}
    full: list[list[Operation]] = []
    for link in links:
        ops, state_row = _operations(link)
        pk = ops[0][1]["PartitionKey"]
        batch = open_.get(pk)
        if batch is None or not batch.takes(state_row):
            if batch is not None:
                full.append(batch.operations)
            batch = open_[pk] = _Batch()
        batch.operations.extend(ops)
        batch.links += 1
        if state_row is not None:
            batch.state_rows.add(state_row)
    return full + [batch.operations for batch in open_.values()]


class LinkLog:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def record(self, link: IssuedLink) -> None:
        """One issue: its two records and the person's download state, one round trip."""
        self.record_many([link])

    def record_many(self, links: Iterable[IssuedLink]) -> None:
        """Several issues (a ZIP's documents): one transaction per company and 25 links, so a
        ZIP's round trips here do not grow with each document. Every key is checked before
        anything is written."""
        for operations in transactions(links):
            self.table.submit_transaction(operations)

    def for_company(self, customer_number: str, start: date, end: date) -> Iterator[IssuedLink]:
        """A company's deliveries from `start` to `end` (UTC days, inclusive), oldest first."""
        if not valid_customer_number(customer_number):
            return
        entities = self.table.query_entities(
            "PartitionKey eq @pk and RowKey ge @start and RowKey lt @end",
            parameters={
                "pk": company_partition(customer_number),
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
            pk, head = company_partition(customer_number), f"d{_partition(doc_id)}_"
        except LinkLogKeyError:
            return []
        entities = self.table.query_entities(
            "PartitionKey eq @pk and RowKey gt @lo and RowKey lt @hi",
            parameters={"pk": pk, "lo": head, "hi": prefix_end(head)},
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
