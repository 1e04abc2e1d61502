"""Bulk download: several of the caller's documents as one ZIP, read from blob storage
chunk by chunk and written on (to a blob, shared/adapters/archives.py) as it is produced, so
memory holds a chunk or two and the archive's bookkeeping, never the documents or the archive.

Limits (count and total bytes, settings) are checked on the index's sizes before any blob
is read; every document is audited and recorded per document before the archive leaves —
one audit append and one link-log transaction per 25 documents (which also marks them
downloaded for the caller), whatever the archive holds.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.domain.audit import AuditEvent
from shared.domain.documents import DocumentGone, DocumentRecord
from shared.domain.filenames import archive_name, content_disposition
from shared.domain.retention import is_due
from shared.services.documents import (
    DOC_ID,
    DocumentIndex,
    InvalidInput,
    PortalError,
    resolve_scope,
)
from shared.services.links import (
    CLOCK_SKEW,
    MAX_TTL_SECONDS,
    Caller,
    Link,
    LinkRecorder,
    Nameable,
    Signer,
    TypeName,
    file_name,
    received,
)
from shared.services.ports import Audit, Leases


class TooManyDocuments(PortalError):
    """More documents asked for than one archive may hold."""


class ArchiveTooLarge(PortalError):
    """The documents together exceed the archive's byte limit."""


class UnknownDocuments(PortalError):
    """Some ids are not documents of this company in the caller's lines (missing or foreign)."""

    def __init__(self, ids: Sequence[str]) -> None:
        super().__init__(f"{len(ids)} unknown document(s)")
        self.ids = list(ids)


class ArchiveBusy(PortalError):
    """The session's previous archive is still being built: one at a time (429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("one archive at a time per session")
        self.retry_after = retry_after


class ArchiveStore(Protocol):
    """Where archives are built (container `downloads`), written as they are produced."""

    def write(self, blob_name: str, pieces: Iterable[bytes]) -> int: ...

    def delete(self, blob_name: str) -> None: ...


# One archive at a time per session; the lease outlives any build (the HTTP front end gives up
# after 230 s) and is given back as soon as the archive is stored.
ZIP_LEASE_FOR = timedelta(minutes=5)


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
    ports: ZipPorts, caller: Caller, company: str | None, ids: list[str], limits: ZipLimits, now: datetime
) -> list[DocumentRecord]:
    """The records to pack, or a typed refusal; nothing is read or audited yet. A document
    past its deletion time is unknown, as everywhere a customer reads (SPEC 2)."""
    scope = resolve_scope(caller.grants, company)
    records: list[DocumentRecord] = []
    unknown: list[str] = []
    for doc_id in ids:
        record = ports.index.get(scope.customer_number, doc_id) if DOC_ID.fullmatch(doc_id) else None
        if (
            record is None
            or record.customer_number != scope.customer_number
            or record.line not in scope.lines
            or is_due(record.deletes_at, now)
        ):
            unknown.append(doc_id)
        else:
            records.append(record)
    if unknown:
        raise UnknownDocuments(unknown)
    if sum(int(r.size or 0) for r in records) > limits.max_bytes:
        raise ArchiveTooLarge(f"at most {limits.max_bytes} bytes per archive")
    return records


def audit_all(ports: ZipPorts, caller: Caller, records: Sequence[DocumentRecord], now: datetime) -> None:
    """One audit append for the whole archive (a 200-document ZIP is one block of the log,
    not 200), then the per-document delivery records and the caller's downloaded marks,
    written together per company (a transaction per 25 documents, not one per document)."""
    ports.audit.append_many(
        [
            AuditEvent(
                action="zip.document",
                at=now,
                actor=caller.principal.actor,
                client=caller.client,
                target=record.doc_id,
                customer_number=record.customer_number,
                details={"line": record.line, "documents_in_archive": len(records)},
            )
            for record in records
        ]
    )
    ports.links.record_many([received(record, "zip", now, None, caller) for record in records])


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


def build_archive(
    ports: ZipPorts,
    leases: Leases,
    archives: ArchiveStore,
    caller: Caller,
    session_id: str,
    request: tuple[Any, Any],
    limits: ZipLimits,
    now: datetime,
) -> tuple[list[DocumentRecord], str]:
    """Plan within limits, audit every document, write the archive into storage as it is
    produced: the records and the archive's blob name. Memory holds a block, never the archive.

    `request` is (company, ids) as the caller sent them. One build per session at a time:
    a second one while the first holds the lease raises ArchiveBusy with the lease's rest.
    A document withdrawn or deleted while being packed raises DocumentGone; the partial
    archive goes.
    """
    gate, holder = f"zip:{session_id}", uuid.uuid4().hex
    if leases.acquire(gate, holder, now, ZIP_LEASE_FOR) is None:
        until = leases.held_until(gate) or now + ZIP_LEASE_FOR
        raise ArchiveBusy(int((until - now).total_seconds()) + 1)
    try:
        company, raw_ids = request
        if company is not None and not isinstance(company, str):
            raise InvalidInput({"company": "invalid"})
        ids = parse_ids(raw_ids, limits)
        records = plan(ports, caller, company or None, ids, limits, now)
        audit_all(ports, caller, records, now)
        blob_name = f"{hashlib.sha256(session_id.encode()).hexdigest()[:16]}/{holder}.zip"
        try:
            archives.write(blob_name, stream_zip(ports, records, caller.language, now))
        except DocumentGone:
            archives.delete(blob_name)
            raise
    finally:
        leases.release(gate, holder)
    return records, blob_name


def archive_link(
    signer: Signer, container: str, blob_name: str, records: Sequence[DocumentRecord], caller: Caller, now: datetime,
    ttl_seconds: int,
) -> Link:
    """A short-lived read-only link to a built archive, named for the company and the day."""
    name = archive_name(records[0].customer_number, now.date().isoformat(), caller.language)
    expires = now + timedelta(seconds=max(1, min(ttl_seconds, MAX_TTL_SECONDS)))
    signed = signer.sign(
        container,
        blob_name,
        starts_at=now - CLOCK_SKEW,
        expires_at=expires,
        content_type="application/zip",
        content_disposition=content_disposition(name),
    )
    return Link(url=signed.url, expires_at=expires, doc_id="")
