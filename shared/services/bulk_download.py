"""Bulk download: several of the caller's documents as one ZIP, read from blob storage
chunk by chunk so memory holds one chunk and the archive's bookkeeping, not the documents.

Limits (count and total bytes, settings) are checked on the index's sizes before any blob
is read; every document is audited and recorded per document before the archive leaves.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.domain.audit import AuditEvent
from shared.domain.documents import DocumentRecord
from shared.services.documents import (
    DOC_ID,
    DocumentIndex,
    InvalidInput,
    PortalError,
    resolve_scope,
)
from shared.services.links import (
    Audit,
    Caller,
    DownloadMarker,
    LinkRecorder,
    Nameable,
    TypeName,
    file_name,
    mark_downloaded,
    received,
)


class TooManyDocuments(PortalError):
    """More documents asked for than one archive may hold."""


class ArchiveTooLarge(PortalError):
    """The documents together exceed the archive's byte limit."""


class UnknownDocuments(PortalError):
    """Some ids are not documents of this company in the caller's lines (missing or foreign)."""

    def __init__(self, ids: Sequence[str]) -> None:
        super().__init__(f"{len(ids)} unknown document(s)")
        self.ids = list(ids)


@dataclass(frozen=True)
class ZipLimits:
    max_documents: int
    max_bytes: int


@dataclass(frozen=True)
class ZipPorts:
    index: DocumentIndex
    audit: Audit
    links: LinkRecorder
    read_blob: Callable[[str], Iterable[bytes]]  # blob name -> its content in chunks
    type_name: TypeName  # the document type's name in a language (the catalogs)
    states: DownloadMarker | None = None


def parse_ids(raw: Any, limits: ZipLimits) -> list[str]:
    """A non-empty list of document ids, de-duplicated in the order given."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput({"ids": "required"})
    if not all(isinstance(x, str) for x in raw):
        raise InvalidInput({"ids": "invalid"})
    ids = list(dict.fromkeys(raw))
    if len(ids) > limits.max_documents:
        raise TooManyDocuments(f"at most {limits.max_documents} documents per archive")
    return ids


def plan(
    ports: ZipPorts, caller: Caller, company: str | None, ids: list[str], limits: ZipLimits
) -> list[DocumentRecord]:
    """The records to pack, or a typed refusal; nothing is read or audited yet."""
    scope = resolve_scope(caller.grants, company)
    records: list[DocumentRecord] = []
    unknown: list[str] = []
    for doc_id in ids:
        record = ports.index.get(scope.customer_number, doc_id) if DOC_ID.fullmatch(doc_id) else None
        if record is None or record.customer_number != scope.customer_number or record.line not in scope.lines:
            unknown.append(doc_id)
        else:
            records.append(record)
    if unknown:
        raise UnknownDocuments(unknown)
    if sum(int(r.size or 0) for r in records) > limits.max_bytes:
        raise ArchiveTooLarge(f"at most {limits.max_bytes} bytes per archive")
    return records


def audit_all(ports: ZipPorts, caller: Caller, records: Sequence[DocumentRecord], now: datetime) -> None:
    for record in records:
        ports.audit.append(
            AuditEvent(
                action="zip.document",
                at=now,
                actor=caller.principal.actor,
                client=caller.client,
                target=record.doc_id,
                customer_number=record.customer_number,
                details={"line": record.line, "documents_in_archive": len(records)},
            )
        )
        ports.links.record(received(record, "zip", now, None, caller))
    mark_downloaded(ports.states, caller, records, now, "zip")


class _Sink:
    """A write-only, unseekable file for zipfile; the generator drains it after each write."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


class Packable(Nameable, Protocol):
    """What the archive needs of a document besides its name."""

    @property
    def size(self) -> int: ...
    @property
    def blob_name(self) -> str: ...


def unique_names(records: Sequence[Packable], lang: str, type_name: TypeName) -> list[str]:
    """Readable names; a second document with the same name gets ` (2)` before `.pdf`."""
    seen: dict[str, int] = {}
    names = []
    for record in records:
        name = file_name(record, lang, type_name)
        count = seen.get(name, 0) + 1
        seen[name] = count
        names.append(name if count == 1 else f"{name[:-4]} ({count}).pdf")
    return names


def stream_zip(ports: ZipPorts, records: Sequence[Packable], lang: str, when: datetime) -> Iterator[bytes]:
    """Yield the archive in pieces as the blobs are read (data descriptors, no seeking)."""
    sink = _Sink()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:  # type: ignore[call-overload]
        for record, name in zip(records, unique_names(records, lang, ports.type_name), strict=True):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = int(record.size or 0)  # lets zipfile choose ZIP64 up front
            with archive.open(info, mode="w", force_zip64=info.file_size > 0x7FFFFFFF) as entry:
                for chunk in ports.read_blob(record.blob_name):
                    entry.write(chunk)
                    if sink.parts:
                        yield sink.drain()
            yield sink.drain()
    yield sink.drain()
