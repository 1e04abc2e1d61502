"""Helpers of the filing tests (used by their conftest fixtures and by the tests themselves)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from fpdf import FPDF

from shared.context import AppContext
from shared.domain.documents import DocumentRecord


def make_pdf(text: str = "Leistungsabrechnung") -> bytes:
    """A small real PDF (fpdf2), parseable by pypdf."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def record(
    n: int,
    *,
    customer: str = "100001",
    line: str = "LAA",
    doc_type: str = "benefit_statement",
    doc_date: date = date(2026, 1, 15),
    title: str = "",
    insured: str = "",
    published: datetime = datetime(2026, 2, 1, 8, 0, tzinfo=UTC),
    retention_days: int = 365,
) -> DocumentRecord:
    """A record with a deterministic doc_id (32 base32 characters)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    doc_id = "".join(alphabet[(n >> (5 * i)) % 32] for i in range(32))
    return DocumentRecord(
        doc_id=doc_id,
        customer_number=customer,
        line=line,
        doc_type=doc_type,
        doc_date=doc_date,
        reference=f"C-{n:06d}",
        title=title,
        case_number=f"S{n}",
        insured_person=insured,
        language="de",
        size=1000 + n,
        published_at=published,
        deletes_at=published + timedelta(days=retention_days),
        blob_name=f"{customer}/{line}/{doc_date.year}/{doc_id}.pdf",
        content_sha256="0" * 64,
        source_name=f"{customer}/{line}/{doc_type}/{doc_date}_C-{n:06d}.pdf",
    )


def drop(ctx: AppContext, name: str, content: bytes, metadata: dict[str, str] | None = None) -> None:
    """Put a blob into `incoming` the way the document generator does (no event follows)."""
    ctx.storage.container("incoming").upload_blob(name, content, overwrite=True, metadata=metadata or {})


def blob_names(ctx: AppContext, container: str) -> list[str]:
    return sorted(b.name for b in ctx.storage.container(container).list_blobs())
