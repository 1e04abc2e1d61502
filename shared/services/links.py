"""Issuing a download link: one read-only, short-lived SAS for one document the caller may
see, named readably in the caller's language — and recorded twice, in the audit log (what
happened; people named by tid/oid only, as everywhere in the audit) and in the per-document
link log (who received this document, with their address, for the advisor's withdrawal). The
link log's write also marks the document downloaded for the caller (SPEC 2 "new and
downloaded", showing the last download), in the same transaction: a link costs the session,
the document's read and two writes side by side (SPEC 7: ≤ 4 round trips)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from shared.domain.audit import AuditEvent
from shared.domain.documents import DocumentRecord
from shared.domain.filenames import content_disposition, download_name
from shared.domain.identity import Grant, Principal
from shared.domain.issued_links import IssuedLink, SignedLink
from shared.domain.lines import local_code
from shared.domain.timestamps import utc_iso
from shared.services.documents import DOC_ID, DocumentIndex, find_visible
from shared.services.ports import Audit

# The link starts a minute in the past: a client clock slightly behind would otherwise
# see "not yet valid".
CLOCK_SKEW = timedelta(minutes=1)
MAX_TTL_SECONDS = 600
PDF = "application/pdf"
# The audit append and the link-log write (with the person's downloaded mark) do not depend on
# each other: written side by side, a link waits for one write's round trip instead of two
# (issue 14: link time).
_TRACES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="link-trace")


class Signer(Protocol):
    def sign(
        self,
        container: str,
        blob_name: str,
        *,
        starts_at: datetime,
        expires_at: datetime,
        content_type: str,
        content_disposition: str,
    ) -> SignedLink:
        """A read-only SAS URL for one blob, valid from `starts_at` to `expires_at`."""
        ...


class LinkRecorder(Protocol):
    """The link log: who received which document, and — in the same write — the receiver's own
    new/downloaded state of it (SPEC 2)."""

    def record(self, link: IssuedLink) -> None: ...

    def record_many(self, links: Iterable[IssuedLink]) -> None: ...


# (doc_type, lang) -> the glossary's name of the type in that language.
TypeName = Callable[[str, str], str]


@dataclass(frozen=True)
class Caller:
    """Who asks, from where, in which language; the server decides all of it."""

    principal: Principal
    grants: tuple[Grant, ...]
    language: str
    client: str


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: datetime
    doc_id: str


@dataclass(frozen=True)
class LinkPorts:
    index: DocumentIndex
    signer: Signer
    audit: Audit
    links: LinkRecorder
    container: str  # the `documents` container's real name (prefix included)
    type_name: TypeName  # the document type's name in a language (the catalogs)


def received(record: DocumentRecord, kind: str, now: datetime, expires: datetime | None, caller: Caller) -> IssuedLink:
    return IssuedLink(
        doc_id=record.doc_id,
        kind=kind,
        issued_at=now,
        expires_at=expires,
        actor=caller.principal.actor,
        actor_email=caller.principal.email,
        client=caller.client,
        customer_number=record.customer_number,
        line=record.line,
        doc_type=record.doc_type,
        deletes_at=record.deletes_at,
    )


class Nameable(Protocol):
    """What a download's file name is made of (a DocumentRecord has it)."""

    @property
    def line(self) -> str: ...
    @property
    def doc_type(self) -> str: ...
    @property
    def doc_date(self) -> date: ...
    @property
    def reference(self) -> str: ...


def file_name(record: Nameable, lang: str, type_name: TypeName) -> str:
    """The reader's own line code and type name (the glossary), the date and the reference."""
    return download_name(
        local_code(record.line, lang), type_name(record.doc_type, lang), record.doc_date.isoformat(), record.reference
    )


class _Finder(Protocol):
    def find(self, doc_id: str) -> DocumentRecord | None: ...


class Prefetched:
    """The document's id entity, read while the caller's session is still being read: a link
    then waits for one of the two reads instead of both in turn (issue 14: link time). Nothing
    of it is used, nor anything answered, before the caller is known; `get` then checks the
    company like the index does."""

    def __init__(self, index: _Finder, doc_id: str) -> None:
        self.doc_id = doc_id
        self._future: Future[DocumentRecord | None] | None = (
            _TRACES.submit(index.find, doc_id) if DOC_ID.fullmatch(doc_id) else None
        )

    def get(self, customer_number: str, doc_id: str) -> DocumentRecord | None:
        record = self._future.result() if self._future is not None and doc_id == self.doc_id else None
        return record if record is not None and record.customer_number == customer_number else None


def issue_link(
    ports: LinkPorts,
    caller: Caller,
    doc_id: str,
    now: datetime,
    ttl_seconds: int,
    company: str | None = None,
    inline: bool = False,
    prefetched: Prefetched | None = None,
) -> Link:
    """Sign, then audit and record (side by side): a link is never handed out without its
    trace. `inline` opens the PDF in the browser's viewer and is audited (and recorded) as a view."""
    index = prefetched if prefetched is not None and prefetched.doc_id == doc_id else ports.index
    record = find_visible(index, caller.grants, doc_id, company, now=now)
    ttl = timedelta(seconds=max(1, min(ttl_seconds, MAX_TTL_SECONDS)))
    expires = now + ttl
    signed = ports.signer.sign(
        ports.container,
        record.blob_name,
        starts_at=now - CLOCK_SKEW,
        expires_at=expires,
        content_type=PDF,
        content_disposition=content_disposition(file_name(record, caller.language, ports.type_name), inline=inline),
    )
    event = AuditEvent(
        action="view.issued" if inline else "link.issued",
        at=now,
        actor=caller.principal.actor,
        client=caller.client,
        target=record.doc_id,
        customer_number=record.customer_number,
        details={"line": record.line, "expires_at": utc_iso(expires)},
    )
    kind = "view" if inline else "link"
    audited = _TRACES.submit(ports.audit.append, event)
    try:
        ports.links.record(received(record, kind, now, expires, caller))
    finally:
        audited.result()  # both written (or the request fails) before the link leaves
    return Link(url=signed.url, expires_at=expires, doc_id=record.doc_id)
