"""The document index in Table storage: list, search, point read and expiry, none of which scans.

Layout (every key is built from validated, key-safe parts — never from user text):

| table      | PartitionKey              | RowKey                        | read                         |
| ---------- | ------------------------- | ----------------------------- | ---------------------------- |
| docindex   | `{customer}`              | `{LINE}-{sortkey}`            | list one line, newest first  |
| docindex   | `{customer}`              | `~l-{sortkey}`                | list of several lines: one range |
| docsearch  | `{customer}`              | `{bucket}-{sortkey}`          | search, one bucket = range   |
| docsearch  | `{customer}`              | `~p-{inverted published_at}-{doc_id}` | published since: one range |
| docids     | first char of doc_id      | `{doc_id}`                    | get / find: one point read   |
| docexpiry  | `{yyyymmdd}` of deletes_at| `{customer}-{doc_id}`         | expired: day partitions ≤ now|

`sortkey` = inverted doc_date, inverted published_at, doc_id: ascending RowKey order is
the portal's order (doc_date newest first, then published_at newest first), so a page is
a range read and the cursor is the last sortkey returned. Each entity carries the whole
record, so a page needs no second lookup. A document's search entities share one
partition and are written in one batch transaction. See docs/index-design.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableTransactionError, UpdateMode

from shared.adapters.storage.index_reads import (
    READ_MAX,
    Demand,
    chunked,
    key_range,
    line_filter,
    merge,
    page_of,
    submit,
    type_filter,
)
from shared.adapters.storage.index_rows import (
    CURSOR,
    DOC_ID,
    LISTED,
    MAX_EXAMINED,
    MAX_LIMIT,
    SEARCH_FIRST,
    InvalidIndexKey,
    check_keys,
    listed_key,
    recent_key,
    record_fields,
    record_of,
    record_words,
    sortkey,
    timestamp_text,
    validate_read,
)
from shared.domain.companies import valid_customer_number
from shared.domain.documents import DocumentRecord
from shared.domain.lines import ALLOWED
from shared.domain.search import bucket, buckets, plan_search

__all__ = ["CURSOR", "MAX_LIMIT", "DocumentIndex", "InvalidIndexKey"]


def _numbered(word: str | None) -> bool:
    return word is not None and any(c.isdigit() for c in word)


class DocumentIndex:
    """Reads and writes of the index; every write is an upsert or a tolerant delete, so it can repeat."""

    def __init__(self, lists: TableClient, search: TableClient, ids: TableClient, expiry: TableClient) -> None:
        self.lists = lists
        self.search_table = search
        self.ids = ids
        self.expiry = expiry

    # ---- entities of one document -------------------------------------------------

    def _entities(self, record: DocumentRecord) -> dict[str, list[dict[str, Any]]]:
        check_keys(record)
        key = sortkey(record)
        fields = record_fields(record)
        found = record_words(record)
        joined = " ".join(found)
        return {
            "expiry": [{
                "PartitionKey": record.deletes_at.astimezone(UTC).strftime("%Y%m%d"),
                "RowKey": f"{record.customer_number}-{record.doc_id}",
                **fields,
            }],
            # One partition per company: the line's list and the list of every line (a page of
            # several lines is one range read), written together in one transaction.
            "list": [
                {"PartitionKey": record.customer_number, "RowKey": f"{record.line}-{key}", "words": joined, **fields},
                {"PartitionKey": record.customer_number, "RowKey": listed_key(record), "words": joined, **fields},
            ],
            "search": [
                *({"PartitionKey": record.customer_number, "RowKey": f"{b}-{key}", "words": joined, **fields}
                  for b in buckets(found)),
                # the company's documents by publication time (the portal's "new" counts)
                {"PartitionKey": record.customer_number, "RowKey": recent_key(record), **fields},
            ],
            # 32 partitions by the id's first base32 character: point reads by id alone, and
            # put_many can still batch (a partition per doc_id could not).
            "id": [{"PartitionKey": record.doc_id[0], "RowKey": record.doc_id, **fields}],
        }

    def _tables(self) -> dict[str, TableClient]:
        return {"expiry": self.expiry, "list": self.lists, "search": self.search_table, "id": self.ids}

    def put(self, record: DocumentRecord) -> None:
        """Write every entity of a document. Order matters: expiry first (retention can always
        find what exists), the id entity last (a document is visible to links only when complete)."""
        self.put_many([record])

    def put_many(self, records: Sequence[DocumentRecord]) -> None:
        """Index many documents with as few batch transactions as the partitions allow (seeding, bench)."""
        built = [self._entities(r) for r in records]
        for kind, table in self._tables().items():
            groups: dict[str, list[dict[str, Any]]] = {}
            for entities in built:
                for entity in entities[kind]:
                    groups.setdefault(entity["PartitionKey"], []).append(entity)
            for group in groups.values():
                submit(table, [("upsert", e, {"mode": UpdateMode.REPLACE}) for e in group])

    def delete(self, record: DocumentRecord) -> None:
        """Remove every entity of a document; safe to repeat and to resume after a crash
        (the reverse of put: the id entity first, the expiry entity last)."""
        self._delete_kinds(record, ("id", "search", "list", "expiry"))

    def unlist(self, record: DocumentRecord) -> None:
        """Retention step 1: remove what makes a document visible (id, search, list), keep its
        expiry entity so a rerun after a crash still finds it. Safe to repeat."""
        self._delete_kinds(record, ("id", "search", "list"))

    def forget(self, record: DocumentRecord) -> None:
        """Retention's last step: remove the expiry entity once the blob is gone. Safe to repeat."""
        self._delete_kinds(record, ("expiry",))

    def _delete_kinds(self, record: DocumentRecord, kinds: Sequence[str]) -> None:
        entities = self._entities(record)
        for kind in kinds:
            table = self._tables()[kind]
            items = entities[kind]
            try:
                submit(table, [("delete", e) for e in items])
            except (TableTransactionError, ResourceNotFoundError):
                for e in items:  # some were gone already: a batch fails as a whole, so go one by one
                    with contextlib.suppress(ResourceNotFoundError):
                        table.delete_entity(e["PartitionKey"], e["RowKey"])

    # ---- reads ---------------------------------------------------------------------

    def get(self, customer_number: str, doc_id: str) -> DocumentRecord | None:
        if not valid_customer_number(customer_number) or not DOC_ID.fullmatch(doc_id):
            return None
        found = self.find(doc_id)
        return found if found is not None and found.customer_number == customer_number else None

    def find(self, doc_id: str) -> DocumentRecord | None:
        """A document by id alone (the advisor's withdraw knows no company); one point read."""
        if not DOC_ID.fullmatch(doc_id):
            return None
        try:
            return record_of(self.ids.get_entity(doc_id[0], doc_id))
        except ResourceNotFoundError:
            return None

    def list_documents(
        self,
        customer_number: str,
        lines: Iterable[str],
        doc_type: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> tuple[list[DocumentRecord], str | None]:
        """One page of a company's documents of the given lines, doc_date newest first: one
        range read, of the line's own list or of the company's list of every line."""
        wanted, limit = validate_read(customer_number, lines, cursor, limit)
        types = [doc_type] if doc_type else None
        stream = self._lines_stream(customer_number, wanted, types, date_from, date_to, cursor, limit + 1)
        return page_of(stream, limit, lambda _e: True, None)

    def search(
        self,
        customer_number: str,
        lines: Iterable[str],
        query_words_: Iterable[str],
        doc_type: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> tuple[list[DocumentRecord], str | None]:
        """Documents where every query word starts a word of the title, reference, case number,
        insured person or the type's name in de/fr/it/en; same order and paging as the list.

        Which read answers it is planned in shared/domain/search.py (`plan_search`); a driver
        that names a type also reads that type's list entries, merged in order.
        """
        wanted, limit = validate_read(customer_number, lines, cursor, limit)
        plan = plan_search(query_words_, {t for line in wanted for t in ALLOWED[line]}, doc_type)
        if not plan.words:
            return self.list_documents(customer_number, wanted, doc_type, date_from, date_to, limit, cursor)
        streams: list[Iterator[tuple[str, Any]]]
        # Read sizes adapt to the match rate (Demand). One word: its bucket mostly matches, a
        # small first read fills a page. More words, or a number (references and case numbers
        # are sequential: a four-character bucket holds a thousand of them and one matches):
        # what the driver reads is filtered, and each further read is a round trip (on Azurite
        # a scan of the table), so the first read takes what one request can answer.
        demand = Demand(limit + 1)
        first = SEARCH_FIRST if len(plan.words) == 1 and not _numbered(plan.driver) else READ_MAX
        if plan.driver is not None:
            streams = [
                self._search_stream(
                    customer_number, plan.driver, wanted, doc_type, date_from, date_to, cursor, first, demand
                )
            ]
            named = list(plan.driver_types)
            if named:  # the type's documents, whatever their words: one range of the company's list
                streams.append(
                    self._lines_stream(customer_number, wanted, named, date_from, date_to, cursor, first, demand)
                )
        else:
            # Only short words: no range holds them, so read the list newest first and check.
            types = [doc_type] if doc_type else None
            streams = [self._lines_stream(customer_number, wanted, types, date_from, date_to, cursor, first, demand)]

        def accept(entity: Any) -> bool:
            return plan.accepts(entity["doc_type"], (entity.get("words") or "").split())

        return page_of(merge(streams) if len(streams) > 1 else streams[0], limit, accept, MAX_EXAMINED, demand)

    def rewrite_all(self, chunk: int = 200) -> tuple[int, int]:
        """Write every indexed document's entities again from its id entity (the whole record),
        then remove `docindex` rows of the layout before issue 14 (a partition per company and
        line, `{customer}-{LINE}`): what an environment indexed before a layout change needs.
        Every write is an upsert and every delete tolerant, so it can run again. Returns
        (documents rewritten, old rows removed)."""
        rewritten = 0
        batch: list[DocumentRecord] = []
        for entity in self.ids.query_entities("PartitionKey ge @lo", parameters={"lo": ""}, results_per_page=1000):
            batch.append(record_of(entity))
            if len(batch) >= chunk:
                self.put_many(batch)
                rewritten, batch = rewritten + len(batch), []
        if batch:
            self.put_many(batch)
            rewritten += len(batch)
        removed = 0
        rows = self.lists.query_entities(
            "PartitionKey ge @lo", parameters={"lo": ""}, select=["PartitionKey", "RowKey"]
        )
        for row in rows:
            if "-" in str(row["PartitionKey"]):  # the new layout's partitions are customer numbers alone
                with contextlib.suppress(ResourceNotFoundError):
                    self.lists.delete_entity(row["PartitionKey"], row["RowKey"])
                removed += 1
        return rewritten, removed

    def expired(self, now: datetime, limit: int = 100) -> list[DocumentRecord]:
        """Documents whose deletion time has passed: reads only the day partitions up to today."""
        found: list[DocumentRecord] = []
        for record in self.iter_expired(now, page=limit):
            found.append(record)
            if len(found) >= limit:
                break
        return found

    def iter_expired(self, now: datetime, page: int = 1000) -> Iterator[DocumentRecord]:
        """Every document whose deletion time has passed, streamed page by page (retention dry run)."""
        day = now.astimezone(UTC).strftime("%Y%m%d")
        query = self.expiry.query_entities(
            "PartitionKey le @day and deletes_at le @now",
            parameters={"day": day, "now": timestamp_text(now)},
            results_per_page=max(1, min(page, 1000)),
        )
        for entity in query:
            yield record_of(entity)

    # ---- streams -------------------------------------------------------------------

    def _lines_stream(
        self,
        customer_number: str,
        lines: list[str],
        doc_types: list[str] | None,
        date_from: date | None,
        date_to: date | None,
        cursor: str | None,
        page: int,
        demand: Demand | None = None,
    ) -> Iterator[tuple[str, Any]]:
        """One line: its own range of the company's partition. Several: the company's list of
        every line, the lines not asked for filtered out by the service (one request either way)."""
        clauses = ["PartitionKey eq @pk"]
        params: dict[str, Any] = {"pk": customer_number}
        head = f"{lines[0]}-" if len(lines) == 1 else LISTED
        key_range(clauses, params, head, date_from, date_to, cursor)
        if len(lines) > 1:
            line_filter(clauses, params, lines)
        type_filter(clauses, params, doc_types)
        return chunked(self.lists, clauses, params, page, len(head), demand)

    def _search_stream(
        self,
        customer_number: str,
        word: str,
        lines: list[str],
        doc_type: str | None,
        date_from: date | None,
        date_to: date | None,
        cursor: str | None,
        first: int = SEARCH_FIRST,
        demand: Demand | None = None,
    ) -> Iterator[tuple[str, Any]]:
        head = bucket(word) + "-"
        clauses = ["PartitionKey eq @pk"]
        params: dict[str, Any] = {"pk": customer_number}
        key_range(clauses, params, head, date_from, date_to, cursor)
        line_filter(clauses, params, lines)
        type_filter(clauses, params, [doc_type] if doc_type else None)
        return chunked(self.search_table, clauses, params, first, len(head), demand)
