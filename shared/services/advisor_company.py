"""The advisor's company at a glance and proof of delivery (SPEC 5).

Both read narrow, keyed ranges only: the company's registry row, its grant partition, one
page per line of the document index, a prefix listing of quarantine, and for deliveries one
document's (or one company's) partition of the link log — never the audit log.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from shared.domain.companies import Company, valid_customer_number
from shared.domain.documents import DocumentRecord
from shared.domain.eligibility import approval_state
from shared.domain.identity import Grant
from shared.domain.issued_links import IssuedLink
from shared.domain.timestamps import utc_iso, utc_iso_or_none
from shared.services.advisor import grant_view

DOCUMENTS_PER_LINE = 10
MAX_CSV_DAYS = 366


class CompanyNotFound(Exception):
    """No company in the registry under this customer number."""


class DocumentNotFound(Exception):
    """No listed document with this id (never filed, withdrawn or deleted by retention)."""


class Registry(Protocol):
    def get(self, customer_number: str) -> Company | None: ...


class CompanyGrants(Protocol):
    def for_company(self, customer_number: str) -> list[Grant]: ...


class Index(Protocol):
    def find(self, doc_id: str) -> DocumentRecord | None: ...
    def list_documents(
        self, customer_number: str, lines: Iterable[str], *, limit: int = 50
    ) -> tuple[list[DocumentRecord], str | None]: ...


class Waiting(Protocol):
    def for_company(self, customer_number: str) -> list[Any]: ...


class Deliveries(Protocol):
    def for_document(self, customer_number: str, doc_id: str) -> list[IssuedLink]: ...
    def for_company(self, customer_number: str, start: date, end: date) -> Iterator[IssuedLink]: ...


@dataclass(frozen=True)
class CompanyPorts:
    companies: Registry
    grants: CompanyGrants
    index: Index
    quarantine: Waiting
    deliveries: Deliveries
    threshold_chf: int


def document_view(record: DocumentRecord) -> dict[str, Any]:
    return {
        "id": record.doc_id,
        "line": record.line,
        "doc_type": record.doc_type,
        "title": record.title,
        "reference": record.reference,
        "doc_date": record.doc_date.isoformat(),
        "published_at": utc_iso(record.published_at),
        "deletes_at": utc_iso(record.deletes_at),
    }


def company_at_a_glance(ports: CompanyPorts, customer_number: str) -> dict[str, Any]:
    """Round trips: registry 1, grants 1, one page per line on the contract, quarantine 1 —
    the reads after the registry run side by side."""
    company = ports.companies.get(customer_number) if valid_customer_number(customer_number) else None
    if company is None:
        raise CompanyNotFound(customer_number)
    with ThreadPoolExecutor(max_workers=2 + len(company.lines)) as pool:
        grants = pool.submit(ports.grants.for_company, customer_number)
        waiting = pool.submit(ports.quarantine.for_company, customer_number)
        pages = {
            line: pool.submit(ports.index.list_documents, customer_number, [line], limit=DOCUMENTS_PER_LINE)
            for line in company.lines
        }
        documents = {line: page.result() for line, page in pages.items()}
        people = sorted(grants.result(), key=lambda g: (g.status.value == "revoked", g.email))
        quarantined = waiting.result()
    return {
        "customer_number": company.customer_number,
        "name": company.name,
        "enrolled": company.enrolled,
        "lines": list(company.lines),
        "premium_volume_chf": company.premium_total,
        "threshold_chf": ports.threshold_chf,
        "approval": approval_state(company, ports.threshold_chf),
        "domains": list(company.domains),
        "people": [grant_view(g) for g in people],
        "documents": {
            line: {"items": [document_view(r) for r in items], "more": more is not None}
            for line, (items, more) in documents.items()
        },
        "quarantine": [
            {
                "name": q.original_name,
                "reason": q.reason,
                "detail": q.detail,
                "quarantined_at": q.quarantined_at or utc_iso(q.last_modified),
                "size": q.size,
            }
            for q in quarantined
        ],
    }


def delivery_view(link: IssuedLink) -> dict[str, Any]:
    return {
        "kind": link.kind,
        "at": utc_iso(link.issued_at),
        "email": link.actor_email,
        "link_expires_at": utc_iso_or_none(link.expires_at),
    }


def document_deliveries(ports: CompanyPorts, doc_id: str) -> dict[str, Any]:
    """Proof of delivery: one point read of the index and one partition read of the link log."""
    record = ports.index.find(doc_id)
    if record is None:
        raise DocumentNotFound(doc_id)
    return {
        "document": {**document_view(record), "customer_number": record.customer_number},
        "deliveries": [delivery_view(x) for x in ports.deliveries.for_document(record.customer_number, doc_id)],
    }


CSV_HEADER = ("issued_at_utc", "document_id", "line", "doc_type", "kind", "email")


def _cell(value: str) -> str:
    """A spreadsheet must not run what a cell says (CSV injection): text never starts a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def deliveries_csv(ports: CompanyPorts, customer_number: str, start: date, end: date) -> str:
    """One company's deliveries from `start` to `end` inclusive, oldest first, as CSV."""
    if ports.companies.get(customer_number) is None:
        raise CompanyNotFound(customer_number)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for link in ports.deliveries.for_company(customer_number, start, end):
        row = (utc_iso(link.issued_at), link.doc_id, link.line, link.doc_type, link.kind, link.actor_email)
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
