"""Fixtures for retention: documents stored the way filing leaves them (blob, then the
index's own put), and adapters wrapped to fail at one step — never a patch of the service."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from shared.context import AppContext
from shared.domain.documents import DocumentRecord
from shared.domain.incoming import IncomingName, content_sha256, doc_id, document_blob_name

_counter = itertools.count(1)


def store_document(
    ctx: AppContext,
    customer_number: str = "100001",
    line: str = "LAA",
    published_at: datetime | None = None,
    deletes_at: datetime | None = None,
    doc_type: str = "benefit_statement",
) -> DocumentRecord:
    """One document: its PDF bytes in `documents`, then every index entity via put()."""
    n = next(_counter)
    reference = f"R{n}"
    parsed = IncomingName(customer_number, line, doc_type, date(2026, 1, 1 + n % 28), reference)
    data = b"%PDF-1.4\n% retention test " + str(n).encode() + b"\n%%EOF\n"
    digest = content_sha256(data)
    document_id = doc_id(parsed, digest)
    blob_name = document_blob_name(parsed, document_id)
    ctx.storage.container("documents").upload_blob(blob_name, data, overwrite=True)
    published = published_at or ctx.clock.now()
    record = DocumentRecord(
        doc_id=document_id, customer_number=customer_number, line=line, doc_type=doc_type,
        doc_date=parsed.doc_date, reference=reference, title=f"Abrechnung {n}", case_number="",
        insured_person="", language="de", size=len(data), published_at=published,
        deletes_at=deletes_at or published + timedelta(days=ctx.settings.retention_days),
        blob_name=blob_name, content_sha256=digest,
        source_name=f"{customer_number}/{line}/{doc_type}/{parsed.doc_date}_{reference}.pdf",
    )
    ctx.document_index.put(record)
    return record


@pytest.fixture
def make(ctx: AppContext) -> Callable[..., DocumentRecord]:
    def make(**kwargs: Any) -> DocumentRecord:
        return store_document(ctx, **kwargs)

    return make
