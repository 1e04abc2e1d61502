"""The document index in Table storage: list, search, point read and expiry, none of which scans.

Layout (every key is built from validated, key-safe parts — never from user text):

| table      | PartitionKey              | RowKey                        | read                         |
| ---------- | ------------------------- | ----------------------------- | ---------------------------- |
| docindex   | `{customer}-{LINE}`       | `{sortkey}`                   | list one line, newest first  |
| docsearch  | `{customer}`              | `{bucket}-{sortkey}`          | search, one bucket = range   |
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
import heapq
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any, Final

from azure.core.exceptions import ResourceNotFoundError, ServiceRequestError, ServiceResponseError
from azure.data.tables import TableClient, TableTransactionError, UpdateMode

from shared.domain.companies import valid_customer_number
from shared.domain.documents import TYPE_NAMES, DocumentRecord
from shared.domain.lines import ALLOWED, LINES
from shared.domain.search import BUCKET, bucket, buckets, index_words, matches, query_words, words

_EPOCH_DAY: Final = date(9999, 12, 31)
_MAX_MS: Final = 10**13 - 1
_DOC_ID: Final = re.compile(r"[a-z2-7]{32}", re.ASCII)
CURSOR: Final = re.compile(r"[0-9]{7}-[0-9]{13}-[a-z2-7]{32}", re.ASCII)
MAX_LIMIT: Final = 200
SEARCH_FIRST: Final = 60  # first read of a search stream; later reads grow 4-fold up to 1000
MAX_EXAMINED: Final = 5000  # a search never reads more entities than this per call
_TS: Final = "%Y-%m-%dT%H:%M:%S.%fZ"


class IndexError_(ValueError):
    """A read was asked with arguments that cannot be keys (bad customer number, line, cursor)."""


def _inv_day(day: date) -> int:
    return (_EPOCH_DAY - day).days


def sortkey(record: DocumentRecord) -> str:
    ms = int(record.published_at.timestamp() * 1000)
    return f"{_inv_day(record.doc_date):07d}-{_MAX_MS - ms:013d}-{record.doc_id}"


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime(_TS)


def _parse_ts(value: str) -> datetime:
    return datetime.strptime(value, _TS).replace(tzinfo=UTC)


def record_words(record: DocumentRecord) -> list[str]:
    """What a document is found by, besides its type's names (matched at query time)."""
    return index_words([record.title, record.reference, record.case_number, record.insured_person])


def _fields(record: DocumentRecord) -> dict[str, Any]:
    return {
        "doc_id": record.doc_id,
        "customer_number": record.customer_number,
        "line": record.line,
        "doc_type": record.doc_type,
        "doc_date": record.doc_date.isoformat(),
        "reference": record.reference,
        "title": record.title,
        "case_number": record.case_number,
        "insured_person": record.insured_person,
        "language": record.language,
        "size": int(record.size),
        "published_at": _ts(record.published_at),
        "deletes_at": _ts(record.deletes_at),
        "blob_name": record.blob_name,
        "content_sha256": record.content_sha256,
        "source_name": record.source_name,
    }


def _record(entity: Any) -> DocumentRecord:
    return DocumentRecord(
        doc_id=entity["doc_id"],
        customer_number=entity["customer_number"],
        line=entity["line"],
        doc_type=entity["doc_type"],
        doc_date=date.fromisoformat(entity["doc_date"]),
        reference=entity.get("reference", ""),
        title=entity.get("title", ""),
        case_number=entity.get("case_number", ""),
        insured_person=entity.get("insured_person", ""),
        language=entity.get("language", ""),
        size=int(entity.get("size", 0)),
        published_at=_parse_ts(entity["published_at"]),
        deletes_at=_parse_ts(entity["deletes_at"]),
        blob_name=entity.get("blob_name", ""),
        content_sha256=entity.get("content_sha256", ""),
        source_name=entity.get("source_name", ""),
    )


def _check_keys(record: DocumentRecord) -> None:
    if not valid_customer_number(record.customer_number) or record.line not in LINES:
        raise IndexError_("record has an invalid customer number or line")
    if not _DOC_ID.fullmatch(record.doc_id):
        raise IndexError_("record has an invalid doc_id")


class DocumentIndex:
    """Reads and writes of the index; every write is an upsert or a tolerant delete, so it can repeat."""

    def __init__(self, lists: TableClient, search: TableClient, ids: TableClient, expiry: TableClient) -> None:
        self.lists = lists
        self.search_table = search
        self.ids = ids
        self.expiry = expiry

    # ---- entities of one document -------------------------------------------------

    def _entities(self, record: DocumentRecord) -> dict[str, list[dict[str, Any]]]:
        _check_keys(record)
        key = sortkey(record)
        fields = _fields(record)
        found = record_words(record)
        joined = " ".join(found)
        return {
            "expiry": [{
                "PartitionKey": record.deletes_at.astimezone(UTC).strftime("%Y%m%d"),
                "RowKey": f"{record.customer_number}-{record.doc_id}",
                **fields,
            }],
            "list": [
                {"PartitionKey": f"{record.customer_number}-{record.line}", "RowKey": key, "words": joined, **fields}
            ],
            "search": [
                {"PartitionKey": record.customer_number, "RowKey": f"{b}-{key}", "words": joined, **fields}
                for b in buckets(found)
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
                _submit(table, [("upsert", e, {"mode": UpdateMode.REPLACE}) for e in group])

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
                _submit(table, [("delete", e) for e in items])
            except (TableTransactionError, ResourceNotFoundError):
                for e in items:  # some were gone already: a batch fails as a whole, so go one by one
                    with contextlib.suppress(ResourceNotFoundError):
                        table.delete_entity(e["PartitionKey"], e["RowKey"])

    # ---- reads ---------------------------------------------------------------------

    def get(self, customer_number: str, doc_id: str) -> DocumentRecord | None:
        if not valid_customer_number(customer_number) or not _DOC_ID.fullmatch(doc_id):
            return None
        found = self.find(doc_id)
        return found if found is not None and found.customer_number == customer_number else None

    def find(self, doc_id: str) -> DocumentRecord | None:
        """A document by id alone (the advisor's withdraw knows no company); one point read."""
        if not _DOC_ID.fullmatch(doc_id):
            return None
        try:
            return _record(self.ids.get_entity(doc_id[0], doc_id))
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
        """One page of a company's documents of the given lines, doc_date newest first."""
        wanted, limit = _validate(customer_number, lines, cursor, limit)
        types = [doc_type] if doc_type else None
        streams = [
            self._list_stream(customer_number, line, types, date_from, date_to, cursor, limit + 1) for line in wanted
        ]
        return _page(_merge(streams), limit, lambda _e: True, None)

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

        One word drives the read (the longest one of at least BUCKET characters, preferring one
        that names no document type); the others are checked on the entities read. A driver
        that names a type also reads that type's list entries, merged in order. Without any
        word that long, the list itself is read newest first and checked.
        """
        wanted, limit = _validate(customer_number, lines, cursor, limit)
        qwords = query_words(" ".join(query_words_))
        if not qwords:
            return self.list_documents(customer_number, wanted, doc_type, date_from, date_to, limit, cursor)
        allowed = {t for line in wanted for t in ALLOWED[line]}
        type_hits = {w: {t for t in allowed if any(n.startswith(w) for n in _type_words(t))} for w in qwords}
        long_words = [w for w in qwords if len(w) >= BUCKET]
        plain = [w for w in long_words if not type_hits[w]]
        streams: list[Iterator[tuple[str, Any]]]
        if long_words:
            driver = max(plain or long_words, key=len)
            streams = [self._search_stream(customer_number, driver, wanted, doc_type, date_from, date_to, cursor)]
            narrowed = {doc_type} if doc_type else allowed
            driver_types = sorted(type_hits[driver] & narrowed)
            streams += [
                self._list_stream(customer_number, line, driver_types, date_from, date_to, cursor, SEARCH_FIRST)
                for line in wanted
                if driver_types and set(driver_types) & ALLOWED[line]
            ]
        else:
            # Only short words: no range holds them, so read the list newest first and check.
            types = [doc_type] if doc_type else None
            streams = [
                self._list_stream(customer_number, line, types, date_from, date_to, cursor, SEARCH_FIRST)
                for line in wanted
            ]

        def accept(entity: Any) -> bool:
            found = (entity.get("words") or "").split()
            return all(entity["doc_type"] in type_hits[w] or matches([w], found) for w in qwords)

        return _page(_merge(streams), limit, accept, MAX_EXAMINED)

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
            parameters={"day": day, "now": _ts(now)},
            results_per_page=max(1, min(page, 1000)),
        )
        for entity in query:
            yield _record(entity)

    # ---- streams -------------------------------------------------------------------

    def _list_stream(
        self,
        customer_number: str,
        line: str,
        doc_types: list[str] | None,
        date_from: date | None,
        date_to: date | None,
        cursor: str | None,
        page: int,
    ) -> Iterator[tuple[str, Any]]:
        clauses = ["PartitionKey eq @pk"]
        params: dict[str, Any] = {"pk": f"{customer_number}-{line}"}
        _range(clauses, params, "", date_from, date_to, cursor)
        _types(clauses, params, doc_types)
        return _chunked(self.lists, clauses, params, page, 0)

    def _search_stream(
        self,
        customer_number: str,
        word: str,
        lines: list[str],
        doc_type: str | None,
        date_from: date | None,
        date_to: date | None,
        cursor: str | None,
    ) -> Iterator[tuple[str, Any]]:
        head = bucket(word) + "-"
        clauses = ["PartitionKey eq @pk"]
        params: dict[str, Any] = {"pk": customer_number}
        _range(clauses, params, head, date_from, date_to, cursor)
        if len(lines) < len(LINES):
            clauses.append("( " + " or ".join(f"line eq @l{i}" for i in range(len(lines))) + " )")
            params.update({f"l{i}": line for i, line in enumerate(lines)})
        _types(clauses, params, [doc_type] if doc_type else None)
        return _chunked(self.search_table, clauses, params, SEARCH_FIRST, len(head))


def _chunked(
    table: TableClient, clauses: list[str], params: dict[str, Any], first: int, head_len: int
) -> Iterator[tuple[str, Any]]:
    """Read a RowKey range in growing chunks: small first (a page of 50 needs ~51 entities),
    larger while the caller keeps reading (a selective search). Each chunk restarts after the
    last RowKey seen, so it needs no continuation token. Yields (sortkey, entity)."""
    query_filter = " and ".join(clauses)
    size = max(1, min(first, 1000))
    params = dict(params)
    while True:
        pages = table.query_entities(query_filter, parameters=params, results_per_page=size).by_page()
        page = list(next(pages, []))
        for entity in page:
            yield entity["RowKey"][head_len:], entity
        if not page or getattr(pages, "continuation_token", None) is None:
            return
        params["after"] = page[-1]["RowKey"]
        size = min(size * 4, 1000)


def _type_words(doc_type: str) -> list[str]:
    return sorted({w for name in TYPE_NAMES[doc_type].values() for w in index_words([name])} | set(words(doc_type)))


def _range(
    clauses: list[str],
    params: dict[str, Any],
    head: str,
    date_from: date | None,
    date_to: date | None,
    cursor: str | None,
) -> None:
    """RowKey bounds for a key prefix: the cursor, the date window (inverted dates) and the prefix end."""
    params["after"] = head + (cursor or "")
    clauses.append("RowKey gt @after")
    if date_to is not None:
        params["lo"] = f"{head}{_inv_day(date_to):07d}"
        clauses.append("RowKey ge @lo")
    if date_from is not None:
        params["hi"] = f"{head}{_inv_day(date_from) + 1:07d}"
    elif head:
        params["hi"] = head[:-1] + "."  # "." sorts right after "-": the end of this prefix
    if "hi" in params:
        clauses.append("RowKey lt @hi")


def _types(clauses: list[str], params: dict[str, Any], doc_types: list[str] | None) -> None:
    if doc_types:
        clauses.append("( " + " or ".join(f"doc_type eq @t{i}" for i in range(len(doc_types))) + " )")
        params.update({f"t{i}": t for i, t in enumerate(doc_types)})


_READS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="index-read")
_END: Any = object()


def _started(streams: list[Iterator[tuple[str, Any]]]) -> list[Iterator[tuple[str, Any]]]:
    """Run every stream's first read at once (independent range reads: one per line, say);
    the rest is read lazily, on the caller's thread, only as far as the page needs."""
    if len(streams) < 2:
        return streams
    firsts = list(_READS.map(lambda stream: next(stream, _END), streams))
    return [
        iter(()) if first is _END else itertools.chain([first], stream)
        for first, stream in zip(firsts, streams, strict=True)
    ]


def _merge(streams: list[Iterator[tuple[str, Any]]]) -> Iterator[tuple[str, Any]]:
    """Merge streams already in sortkey order; a document read twice is yielded once."""
    last = None
    for key, entity in heapq.merge(*_started(streams), key=lambda item: item[0]):
        if key != last:
            last = key
            yield key, entity


def _page(
    merged: Iterator[tuple[str, Any]], limit: int, accept: Any, max_examined: int | None
) -> tuple[list[DocumentRecord], str | None]:
    items: list[DocumentRecord] = []
    last_key: str | None = None
    for examined, (key, entity) in enumerate(merged, start=1):
        if accept(entity):
            if len(items) == limit:
                return items, last_key  # there is at least one more: the page ends at the last item kept
            items.append(_record(entity))
            last_key = key
        if max_examined is not None and examined >= max_examined:
            return items, key  # stop reading; the caller continues from here
    return items, None


def _validate(customer_number: str, lines: Iterable[str], cursor: str | None, limit: int) -> tuple[list[str], int]:
    if not valid_customer_number(customer_number):
        raise IndexError_("invalid customer number")
    given = set(lines)
    wanted: list[str] = [line for line in LINES if line in given]
    if not wanted:
        raise IndexError_("no valid line given")
    if cursor is not None and not CURSOR.fullmatch(cursor):
        raise IndexError_("invalid cursor")
    return wanted, max(1, min(int(limit), MAX_LIMIT))


def _submit(table: TableClient, operations: list[Any]) -> None:
    for start in range(0, len(operations), 100):
        chunk = operations[start : start + 100]
        if len(chunk) == 1:
            op = chunk[0]
            if op[0] == "delete":
                table.delete_entity(op[1]["PartitionKey"], op[1]["RowKey"])
            else:
                table.upsert_entity(op[1], mode=UpdateMode.REPLACE)
        else:
            _transaction(table, chunk)


def _transaction(table: TableClient, operations: list[Any], attempts: int = 3) -> None:
    """Submit a batch, again when the connection broke: the SDK does not retry a POST whose answer
    was lost (a pooled connection the server closed after its keep-alive, say). Upserts repeat
    safely; a repeated delete batch fails as not-found, which delete() already handles."""
    for attempt in range(1, attempts + 1):
        try:
            table.submit_transaction(operations)
            return
        except (ServiceRequestError, ServiceResponseError):
            if attempt == attempts:
                raise


def document_index(ctx: Any) -> DocumentIndex:
    s = ctx.storage
    return ctx.memo(
        "document_index",
        lambda: DocumentIndex(s.table("docindex"), s.table("docsearch"), s.table("docids"), s.table("docexpiry")),
    )
