"""Wires the filing service to Azure storage for one context (handlers, CLI, benchmark)."""

from __future__ import annotations

from typing import Any

from shared.adapters.content.pdf import pdf_readable
from shared.adapters.storage.companies import company_store
from shared.adapters.storage.documents import DocumentBlobs
from shared.adapters.storage.filing_blobs import IncomingBlobs
from shared.adapters.storage.filing_claims import claim_store
from shared.adapters.storage.index import document_index
from shared.adapters.storage.quarantine import quarantine
from shared.services.filing import FilingService


def incoming_blobs(ctx: Any) -> IncomingBlobs:
    return ctx.memo("incoming_blobs", lambda: IncomingBlobs(ctx.storage.container("incoming")))


def filing_service(ctx: Any) -> FilingService:
    def build() -> FilingService:
        incoming = incoming_blobs(ctx)
        return FilingService(
            incoming=incoming,
            documents=DocumentBlobs(ctx.storage.container("documents"), incoming),
            quarantine=quarantine(ctx),
            index=document_index(ctx),
            claims=claim_store(ctx),
            companies=company_store(ctx),
            clock=ctx.clock,
            pdf_readable=pdf_readable,
            max_bytes=ctx.settings.max_document_bytes,
            retention_days=ctx.settings.retention_days,
            refile_min_age_seconds=ctx.settings.refile_min_age_seconds,
        )

    return ctx.memo("filing_service", build)
