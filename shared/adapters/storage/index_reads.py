"""The index's reads and batched writes on Table storage: key ranges read in growing chunks,
several range reads merged in sortkey order, and batches of up to 100 operations."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from azure.core.exceptions import ServiceRequestError, ServiceResponseError
from azure.data.tables import TableClient, UpdateMode

from shared.adapters.storage.index_rows import inverted_day, record_of
from shared.domain.documents import DocumentRecord


def chunked(
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
    merged: Iterator[tuple[str, Any]], limit: int, accept: Any, max_examined: int | None
) -> tuple[list[DocumentRecord], str | None]:
    items: list[DocumentRecord] = []
    last_key: str | None = None
    for examined, (key, entity) in enumerate(merged, start=1):
        if accept(entity):
            if len(items) == limit:
                return items, last_key  # there is at least one more: the page ends at the last item kept
            items.append(record_of(entity))
            last_key = key
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
