"""The index's reads and batched writes on Table storage: key ranges read in chunks sized by
what the page still needs, several range reads merged in sortkey order, and batches of up to
100 operations."""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from azure.core.exceptions import ServiceRequestError, ServiceResponseError
from azure.data.tables import TableClient, UpdateMode

from shared.adapters.storage.index_rows import PAGE_FIELDS, inverted_day, record_of
from shared.domain.documents import DocumentRecord
from shared.domain.lines import LINES

READ_MAX = 1000  # what Table storage answers at most per request


class Demand:
    """What a page still needs, shared by the range reads and the page they fill (page_of).

    A read asks for as many entities as the match rate seen so far says will fill the page,
    so a selective search takes one large read instead of several growing ones (each read is a
    round trip), and a page that fills early does not read a thousand entities it drops."""

    def __init__(self, wanted: int) -> None:
        self.wanted = wanted  # items the page keeps, plus one to know there is a next page
        self.examined = 0
        self.accepted = 0

    def next_size(self, last: int) -> int:
        missing = max(1, self.wanted - self.accepted)
        rate = (self.accepted + 1) / (self.examined + 2)  # never 0: a range without a match yet
        estimate = math.ceil(1.25 * missing / rate)
        return max(1, min(READ_MAX, max(estimate, 2 * last)))


def chunked(
    table: TableClient,
    clauses: list[str],
    params: dict[str, Any],
    first: int,
    head_len: int,
    demand: Demand | None = None,
    select: tuple[str, ...] | None = PAGE_FIELDS,
) -> Iterator[tuple[str, Any]]:
    """Read a RowKey range in chunks: `first` entities first (a page of 50 needs ~51), then as
    many as `demand` says the page still needs (else 4-fold more each time), up to 1000. Each
    chunk restarts after the last RowKey seen, so it needs no continuation token. Yields
    (sortkey, entity)."""
    query_filter = " and ".join(clauses)
    size = max(1, min(first, READ_MAX))
    params = dict(params)
    while True:
        pages = table.query_entities(
            query_filter, parameters=params, results_per_page=size, select=list(select) if select else None
        ).by_page()
        page = list(next(pages, []))
        for entity in page:
            yield entity["RowKey"][head_len:], entity
        if not page or getattr(pages, "continuation_token", None) is None:
            return
        params["after"] = page[-1]["RowKey"]
        size = demand.next_size(size) if demand is not None else min(size * 4, READ_MAX)


def key_range(
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
        params["lo"] = f"{head}{inverted_day(date_to):07d}"
        clauses.append("RowKey ge @lo")
    if date_from is not None:
        params["hi"] = f"{head}{inverted_day(date_from) + 1:07d}"
    elif head:
        params["hi"] = head[:-1] + "."  # "." sorts right after "-": the end of this prefix
    if "hi" in params:
        clauses.append("RowKey lt @hi")


def type_filter(clauses: list[str], params: dict[str, Any], doc_types: list[str] | None) -> None:
    if doc_types:
        clauses.append("( " + " or ".join(f"doc_type eq @t{i}" for i in range(len(doc_types))) + " )")
        params.update({f"t{i}": t for i, t in enumerate(doc_types)})


def line_filter(clauses: list[str], params: dict[str, Any], lines: list[str]) -> None:
    """Only the lines asked for, when that is not every line (a range of the company's rows)."""
    if set(lines) != set(LINES):
        clauses.append("( " + " or ".join(f"line eq @l{i}" for i in range(len(lines))) + " )")
        params.update({f"l{i}": line for i, line in enumerate(lines)})


_READS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="index-read")
_END: Any = object()


def started(streams: list[Iterator[tuple[str, Any]]]) -> list[Iterator[tuple[str, Any]]]:
    """Run every stream's first read at once (independent range reads: one per line, say);
    the rest is read lazily, on the caller's thread, only as far as the page needs."""
    if len(streams) < 2:
        return streams
    firsts = list(_READS.map(lambda stream: next(stream, _END), streams))
    return [
        iter(()) if first is _END else itertools.chain([first], stream)
        for first, stream in zip(firsts, streams, strict=True)
    ]


def merge(streams: list[Iterator[tuple[str, Any]]]) -> Iterator[tuple[str, Any]]:
    """Merge streams already in sortkey order; a document read twice is yielded once."""
    last = None
    for key, entity in heapq.merge(*started(streams), key=lambda item: item[0]):
        if key != last:
            last = key
            yield key, entity


def page_of(
    merged: Iterator[tuple[str, Any]],
    limit: int,
    accept: Any,
    max_examined: int | None,
    demand: Demand | None = None,
) -> tuple[list[DocumentRecord], str | None]:
    items: list[DocumentRecord] = []
    last_key: str | None = None
    for examined, (key, entity) in enumerate(merged, start=1):
        if demand is not None:
            demand.examined = examined
        if accept(entity):
            if len(items) == limit:
                return items, last_key  # there is at least one more: the page ends at the last item kept
            items.append(record_of(entity))
            last_key = key
            if demand is not None:
                demand.accepted = len(items)
        if max_examined is not None and examined >= max_examined:
            return items, key  # stop reading; the caller continues from here
    return items, None


def submit(table: TableClient, operations: list[Any]) -> None:
    for start in range(0, len(operations), 100):
        chunk = operations[start : start + 100]
        if len(chunk) == 1:
            op = chunk[0]
            if op[0] == "delete":
                table.delete_entity(op[1]["PartitionKey"], op[1]["RowKey"])
            else:
                table.upsert_entity(op[1], mode=UpdateMode.REPLACE)
        else:
            transaction(table, chunk)


def transaction(table: TableClient, operations: list[Any], attempts: int = 3) -> None:
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
