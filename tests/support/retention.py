"""Helpers of the retention tests (used by their conftest fixtures and by the tests themselves)."""

from __future__ import annotations

from typing import Any

from shared.context import AppContext
from shared.domain.documents import DocumentRecord


def blob_exists(ctx: AppContext, record: DocumentRecord) -> bool:
    return bool(ctx.storage.container("documents").get_blob_client(record.blob_name).exists())


def listed(ctx: AppContext, record: DocumentRecord) -> bool:
    """Visible anywhere a reader looks: point read, or the company's list."""
    index = ctx.document_index
    if index.get(record.customer_number, record.doc_id) is not None:
        return True
    items, _ = index.list_documents(record.customer_number, [record.line], limit=200)
    return any(item.doc_id == record.doc_id for item in items)


def in_expiry(ctx: AppContext, record: DocumentRecord) -> bool:
    return any(r.doc_id == record.doc_id for r in ctx.document_index.iter_expired(record.deletes_at))


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the sweep catches it."""


class CrashingCall:
    """Wraps a real adapter: its `method` works for the first `passes` calls, then the process
    "dies" at that call (nothing of it done)."""

    def __init__(self, real: Any, method: str, passes: int = 0) -> None:
        self.real, self.method, self.passes = real, method, passes
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.real, name)
        if name != self.method:
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls > self.passes:
                raise Crash(f"died at {name}")
            return target(*args, **kwargs)

        return call
