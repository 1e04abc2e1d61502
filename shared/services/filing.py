"""Filing a document dropped into `incoming` (SPEC 4): check, claim, copy, index, then delete.

The order of writes is what makes a crash harmless:
1. checks (no writes) → a refusal is copied to quarantine, then the incoming blob deleted;
2. claim (one conditional write) → fixes doc_id's `published_at` once, keeps duplicates out;
3. copy into `documents` → 4. index entities (the id entity last: "complete") → 5. incoming deleted.
A crash after any step leaves the incoming blob in place, and every step repeats safely,
so the host's retry or the refile timer completes the work; nothing is filed twice
because doc_id is derived from the name and the content.

The claim also remembers the document's end: content an advisor withdrew is quarantined as
`withdrawn`, content whose retention is over as `expired` (never filed again with its old
`published_at`), however it arrives again (refile timer, redelivered event, same bytes).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from shared.clock import Clock
from shared.domain.claims import Claim, ClaimBusy, ClaimEnded, content_expired
from shared.domain.documents import DocumentRecord
from shared.domain.filing import Candidate, run_checks
from shared.domain.incoming import (
    BlobChanged,
    CopyPending,
    IncomingBlob,
    content_sha256,
    decode_metadata,
    doc_id,
    document_blob_name,
)
from shared.domain.refusals import Reason, Refused
from shared.services.ports import CompanyLookup

log = logging.getLogger(__name__)


class IncomingPort(Protocol):
    def info(self, name: str) -> IncomingBlob | None: ...
    def read(self, blob: IncomingBlob) -> bytes: ...
    def delete(self, blob: IncomingBlob) -> bool: ...
    def waiting(self) -> Iterator[IncomingBlob]: ...


class DocumentsPort(Protocol):
    def store(self, blob_name: str, blob: IncomingBlob, metadata: dict[str, str]) -> None: ...


class QuarantinePort(Protocol):
    def put(self, blob: IncomingBlob, reason: Reason, detail: str, when: datetime) -> str: ...


class IndexPort(Protocol):
    def put(self, record: DocumentRecord) -> None: ...
    def get(self, customer_number: str, doc_id: str) -> DocumentRecord | None: ...


class ClaimsPort(Protocol):
    def claim(self, customer_number: str, doc_id: str, owner: str, now: datetime) -> Claim: ...
    def release(self, claim: Claim) -> None: ...


class Outcome(StrEnum):
    FILED = "filed"
    DUPLICATE = "duplicate"  # this content was filed before: the incoming copy is just removed
    QUARANTINED = "quarantined"
    IN_PROGRESS = "in_progress"  # another attempt holds the claim, or a copy is still running
    GONE = "gone"  # nothing in incoming under that name (already handled)
    CHANGED = "changed"  # replaced while being handled: the new version gets its own turn


@dataclass(frozen=True)
class FilingResult:
    outcome: Outcome
    name: str
    doc_id: str | None = None
    reason: Reason | None = None
    trail: tuple[str, ...] = ()


@dataclass
class RefileReport:
    examined: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: int = 0


def name_hash(name: str) -> str:
    """What logs carry instead of a blob name (which holds a customer and a case number)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


@dataclass
class FilingService:
    incoming: IncomingPort
    documents: DocumentsPort
    quarantine: QuarantinePort
    index: IndexPort
    claims: ClaimsPort
    companies: CompanyLookup
    clock: Clock
    pdf_readable: Callable[[bytes], bool]
    max_bytes: int
    retention_days: int
    refile_min_age_seconds: int = 180

    def file(self, name: str) -> FilingResult:
        """File one incoming blob by name; safe to call any number of times, concurrently too."""
        if _dot_segments(name):
            # Storage normalises `.`/`..` segments away, so no blob can carry such a name: nothing to read.
            log.warning("filing skipped a name with dot segments: name=%s", name_hash(name))
            return self._done(FilingResult(Outcome.GONE, name))
        blob = self.incoming.info(name)
        if blob is None:
            return self._done(FilingResult(Outcome.GONE, name))
        candidate = Candidate(
            name=name,
            size=blob.size,
            max_bytes=self.max_bytes,
            read=lambda: self.incoming.read(blob),
            find_company=self.companies.get,
            pdf_readable=self.pdf_readable,
        )
        try:
            run_checks(candidate)
        except Refused as refusal:
            return self._quarantine(blob, refusal)
        except BlobChanged:
            return self._done(FilingResult(Outcome.CHANGED, name))
        return self._file_accepted(blob, candidate)

    def _quarantine(self, blob: IncomingBlob, refusal: Refused) -> FilingResult:
        try:
            self.quarantine.put(blob, refusal.reason, refusal.detail, self.clock.now())
        except BlobChanged:
            return self._done(FilingResult(Outcome.CHANGED, blob.name))
        except CopyPending:
            return self._done(FilingResult(Outcome.IN_PROGRESS, blob.name, trail=("checked",)))
        self.incoming.delete(blob)  # only now: the quarantined copy is durable
        return self._done(
            FilingResult(Outcome.QUARANTINED, blob.name, reason=refusal.reason, trail=("checked", "quarantined"))
        )

    def _file_accepted(self, blob: IncomingBlob, candidate: Candidate) -> FilingResult:
        assert candidate.parsed is not None and candidate.content is not None  # the checks filled them
        parsed, content = candidate.parsed, candidate.content
        digest = content_sha256(content)
        document_id = doc_id(parsed, digest)
        owner = uuid.uuid4().hex
        now = self.clock.now()
        try:
            claim = self.claims.claim(parsed.customer_number, document_id, owner, now)
        except ClaimEnded:
            return self._quarantine(blob, Refused(Reason.WITHDRAWN, "an advisor withdrew this document"))
        except ClaimBusy:
            if self.index.get(parsed.customer_number, document_id) is not None:
                return self._duplicate(blob, document_id)
            return self._done(FilingResult(Outcome.IN_PROGRESS, blob.name, document_id, trail=("checked",)))
        if not claim.fresh and content_expired(claim, self.retention_days, now):
            self.claims.release(claim)
            detail = f"filed {claim.published_at:%Y-%m-%d}; its retention period is over"
            return self._quarantine(blob, Refused(Reason.EXPIRED, detail))
        if not claim.fresh and self.index.get(parsed.customer_number, document_id) is not None:
            return self._duplicate(blob, document_id)  # filed before: only the incoming copy is left
        trail = ["checked", "claimed"]
        meta = decode_metadata(blob.metadata)
        record = DocumentRecord(
            doc_id=document_id,
            customer_number=parsed.customer_number,
            line=parsed.line,
            doc_type=parsed.doc_type,
            doc_date=parsed.doc_date,
            reference=parsed.reference,
            title=meta.get("title", ""),
            case_number=meta.get("case_number", ""),
            insured_person=meta.get("insured_person", ""),
            language=meta.get("language", ""),
            size=len(content),
            published_at=claim.published_at,
            deletes_at=claim.published_at + timedelta(days=self.retention_days),
            blob_name=document_blob_name(parsed, document_id),
            content_sha256=digest,
            source_name=blob.name,
        )
        try:
            self.documents.store(record.blob_name, blob, _blob_metadata(record))
            trail.append("copied")
            self.index.put(record)
            trail.append("indexed")
        except (BlobChanged, CopyPending) as exc:
            self.claims.release(claim)
            outcome = Outcome.CHANGED if isinstance(exc, BlobChanged) else Outcome.IN_PROGRESS
            return self._done(FilingResult(outcome, blob.name, document_id, trail=tuple(trail)))
        except Exception:
            self.claims.release(claim)  # let the host's retry go ahead at once
            log.exception("filing failed after %s: name=%s", trail[-1], name_hash(blob.name))
            raise
        if self.incoming.delete(blob):
            trail.append("deleted")
        return self._done(FilingResult(Outcome.FILED, blob.name, document_id, trail=tuple(trail)))

    def _duplicate(self, blob: IncomingBlob, document_id: str) -> FilingResult:
        self.incoming.delete(blob)
        return self._done(FilingResult(Outcome.DUPLICATE, blob.name, document_id, trail=("checked", "deleted")))

    def refile(self) -> RefileReport:
        """File what waits in `incoming` longer than the minimum age (events can be missed)."""
        report = RefileReport()
        cutoff = self.clock.now() - timedelta(seconds=self.refile_min_age_seconds)
        for blob in list(self.incoming.waiting()):
            if blob.last_modified > cutoff:
                continue
            report.examined += 1
            try:
                report.outcomes[self.file(blob.name).outcome.value] += 1
            except Exception:  # one bad blob must not stop the sweep; it stays for the next run
                report.errors += 1
                log.exception("refile failed: name=%s", name_hash(blob.name))
        return report

    def _done(self, result: FilingResult) -> FilingResult:
        log.info(
            "filing %s: name=%s doc_id=%s reason=%s",
            result.outcome.value, name_hash(result.name), result.doc_id, result.reason.value if result.reason else "",
        )
        return result


def _dot_segments(name: str) -> bool:
    return any(part in {".", ".."} for part in name.replace("\\", "/").split("/"))


def _blob_metadata(record: DocumentRecord) -> dict[str, str]:
    """Key facts on the blob itself, so a document can be re-indexed from `documents` alone."""
    return {
        "doc_id": record.doc_id,
        "customer_number": record.customer_number,
        "line": record.line,
        "doc_type": record.doc_type,
        "doc_date": record.doc_date.isoformat(),
        "published_at": record.published_at.isoformat(),
    }
