"""`python -m cli documents reindex BLOB…`: put a filed document back into the index;
`python -m cli documents rewrite-index`: write the whole index again after a layout change.

For a document deleted by mistake (a withdrawal, a person in the Azure portal) and restored
within soft delete with `az storage blob undelete` (docs/operations.md). Filing wrote the key
facts onto the blob's metadata (shared/services/filing.py `_blob_metadata`), so the index
record is rebuilt from the blob alone; its retention date is counted from the original
publication, so a document past it is refused (the next sweep would delete it again).
Facts the blob does not carry (title, reference, case number, insured person, language) come
back empty: the portal then shows the document type's name as the title.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from azure.core.exceptions import ResourceNotFoundError

from cli.context import cli_context
from shared.context import AppContext
from shared.domain.audit import AuditEvent
from shared.domain.documents import DocumentRecord
from shared.domain.incoming import content_sha256

REQUIRED = ("doc_id", "customer_number", "line", "doc_type", "doc_date", "published_at")


class NotReindexable(ValueError):
    """The blob cannot (or must not) go back into the index; the message says why."""


def record_from_blob(name: str, metadata: dict[str, str], content: bytes, retention_days: int) -> DocumentRecord:
    missing = [key for key in REQUIRED if not metadata.get(key)]
    if missing:
        raise NotReindexable(f"{name}: not a filed document (metadata lacks {', '.join(missing)})")
    try:
        published_at = datetime.fromisoformat(metadata["published_at"])
        doc_date = date.fromisoformat(metadata["doc_date"])
    except ValueError as exc:
        raise NotReindexable(f"{name}: unreadable date in metadata ({exc})") from exc
    return DocumentRecord(
        doc_id=metadata["doc_id"],
        customer_number=metadata["customer_number"],
        line=metadata["line"],
        doc_type=metadata["doc_type"],
        doc_date=doc_date,
        reference=metadata.get("reference", ""),
        title=metadata.get("title", ""),
        case_number=metadata.get("case_number", ""),
        insured_person=metadata.get("insured_person", ""),
        language=metadata.get("language", ""),
        size=len(content),
        published_at=published_at,
        deletes_at=published_at + timedelta(days=retention_days),
        blob_name=name,
        content_sha256=content_sha256(content),
        source_name="",
    )


def reindex(ctx: AppContext, names: list[str], actor: str, out: TextIO) -> int:
    """Index each named `documents` blob; returns 1 if any was refused."""
    index = ctx.document_index
    container = ctx.storage.container("documents")
    now = ctx.clock.now()
    failed = 0
    for name in names:
        blob = container.get_blob_client(name)
        try:
            metadata = dict(blob.get_blob_properties().metadata or {})
            record = record_from_blob(name, metadata, blob.download_blob().readall(), ctx.settings.retention_days)
            if record.deletes_at <= now:
                raise NotReindexable(f"{name}: past its retention date {record.deletes_at.date()}; left out")
        except ResourceNotFoundError:
            out.write(f"{name}: no such blob in documents (undelete it first)\n")
            failed += 1
            continue
        except NotReindexable as exc:
            out.write(f"{exc}\n")
            failed += 1
            continue
        if index.get(record.customer_number, record.doc_id) is not None:
            out.write(f"{name}: already in the index\n")
            continue
        index.put(record)
        ctx.audit_log.append(AuditEvent(
            action="document.reindexed",
            at=now,
            actor=actor,
            target=record.doc_id,
            customer_number=record.customer_number,
            details={"line": record.line},
        ))
        out.write(f"{name}: indexed as {record.doc_id} (deleted on {record.deletes_at.date()})\n")
    return 1 if failed else 0


def rewrite_index(ctx: AppContext, actor: str, out: TextIO) -> int:
    """Every indexed document written again in the current layout, old-layout rows removed."""
    rewritten, removed = ctx.document_index.rewrite_all()
    ctx.audit_log.append(AuditEvent(
        action="index.rewritten", at=ctx.clock.now(), actor=actor, target="index",
        details={"documents": str(rewritten), "old_rows_removed": str(removed)},
    ))
    out.write(f"{rewritten} documents written again, {removed} rows of the old layout removed\n")
    return 0


def _rewrite(args: argparse.Namespace) -> int:
    return rewrite_index(cli_context(), f"operator:{args.operator}", sys.stdout)


def _reindex(args: argparse.Namespace) -> int:
    return reindex(cli_context(), args.names, f"operator:{args.operator}", sys.stdout)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("documents", help="filed documents: put a restored one back into the index")
    sub = parser.add_subparsers(dest="action", required=True)
    idx = sub.add_parser("reindex", help="index documents/ blobs again from their metadata (after undelete)")
    idx.add_argument("names", nargs="+", help="blob names in documents, e.g. 100001/LAA/2026/<doc_id>.pdf")
    idx.add_argument("--operator", required=True, help="who does this, for the audit log (e.g. your e-mail)")
    idx.set_defaults(handler=_reindex)
    rewrite = sub.add_parser(
        "rewrite-index", help="write every indexed document again in the current index layout (after a layout change)"
    )
    rewrite.add_argument("--operator", required=True, help="who does this, for the audit log (e.g. your e-mail)")
    rewrite.set_defaults(handler=_rewrite)
