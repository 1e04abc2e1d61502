"""Withdrawing a misfiled document: the advisor takes it off the portal (blob and index)
and learns who already received it, since links issued before cannot be called back —
deleting the blob is what makes them dead.

Withdrawn stays withdrawn (SPEC 2): the filing claim is marked first, so filing quarantines
the same content as `withdrawn` from then on, and a copy still waiting in `incoming` (a
filing that crashed before its last step) is deleted with the document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from shared.domain.audit import AuditEvent
from shared.domain.companies import valid_customer_number
from shared.domain.documents import DocumentRecord
from shared.domain.identity import Principal
from shared.domain.issued_links import IssuedLink
from shared.services.documents import DOC_ID, DocumentNotFound, InvalidInput
from shared.services.links import Audit

MAX_REASON = 500


class WithdrawIndex(Protocol):
    def get(self, customer_number: str, doc_id: str) -> DocumentRecord | None: ...
    def delete(self, record: DocumentRecord) -> None: ...


class IssuedLinks(Protocol):
    def for_document(self, customer_number: str, doc_id: str) -> list[IssuedLink]: ...


@dataclass(frozen=True)
class WithdrawalPorts:
    index: WithdrawIndex
    delete_blob: Callable[[str], None]
    audit: Audit
    links: IssuedLinks
    # Marks the document's filing claim withdrawn (record, now), before anything is deleted.
    end_claim: Callable[[DocumentRecord, datetime], None]
    # Deletes the same content still waiting in `incoming` under the record's source name.
    discard_incoming: Callable[[DocumentRecord], bool]
    # Finds a document by id alone when the advisor did not name the company.
    locate: Callable[[str], DocumentRecord | None] | None = None


@dataclass(frozen=True)
class WithdrawalRequest:
    reason: str
    customer_number: str | None = None


@dataclass(frozen=True)
class WithdrawalResult:
    doc_id: str
    customer_number: str
    line: str
    links: list[IssuedLink] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "withdrawn",
            "id": self.doc_id,
            "customer_number": self.customer_number,
            "line": self.line,
            "links": [link.to_json() for link in self.links],
        }


def parse_request(body: dict[str, Any]) -> WithdrawalRequest:
    errors: dict[str, str] = {}
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = "required"
    elif len(reason.strip()) > MAX_REASON:
        errors["reason"] = "too_long"
    company = body.get("customer_number")
    if company is not None and (not isinstance(company, str) or not valid_customer_number(company)):
        errors["customer_number"] = "invalid"
    if errors:
        raise InvalidInput(errors)
    return WithdrawalRequest(str(reason).strip(), company)


def withdraw(
    ports: WithdrawalPorts,
    advisor: Principal,
    doc_id: str,
    request: WithdrawalRequest,
    now: datetime,
    client: str,
) -> WithdrawalResult:
    """Claim marked first (nothing can file it again), then the blob, then the index entry: a
    crash in between leaves an index entry whose blob is gone (a link to it fails), never a
    listed-but-hidden blob; repeating finishes. Then the incoming copy, if one waits."""
    if not DOC_ID.fullmatch(doc_id):
        raise DocumentNotFound(doc_id)
    if request.customer_number:
        record = ports.index.get(request.customer_number, doc_id)
    elif ports.locate is not None:
        record = ports.locate(doc_id)
    else:
        raise InvalidInput({"customer_number": "required"})
    if record is None:
        raise DocumentNotFound(doc_id)
    ports.end_claim(record, now)
    ports.delete_blob(record.blob_name)
    ports.index.delete(record)
    incoming_copy = ports.discard_incoming(record)
    issued = ports.links.for_document(record.customer_number, record.doc_id)
    ports.audit.append(
        AuditEvent(
            action="document.withdrawn",
            at=now,
            actor=advisor.actor,
            client=client,
            target=record.doc_id,
            customer_number=record.customer_number,
            details={
                "line": record.line,
                "reason": request.reason,
                "links_issued": len(issued),
                "incoming_copy_deleted": incoming_copy,
            },
        )
    )
    return WithdrawalResult(record.doc_id, record.customer_number, record.line, issued)
