"""Fixtures for the filing tests: real Azurite storage, the real index and sample PDFs."""

from __future__ import annotations

import pytest

from shared.adapters.storage.companies import CompanyStore
from shared.adapters.storage.filing_blobs import IncomingBlobs
from shared.adapters.storage.index import DocumentIndex
from shared.context import AppContext
from shared.domain.companies import Company
from shared.services.filing import FilingService


@pytest.fixture
def index(ctx: AppContext) -> DocumentIndex:
    return ctx.document_index


@pytest.fixture
def companies(ctx: AppContext) -> CompanyStore:
    """The registry with an enrolled company (all lines) and a known but not enrolled one."""
    store = ctx.company_store
    store.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), {"IJM": 500_000}, ("muster-ag.ch",), "", True))
    store.put(Company("100003", "Esempio SA", ("IJM",), {"IJM": 120_000}, (), "", False))
    return store


@pytest.fixture
def service(ctx: AppContext, companies: CompanyStore) -> FilingService:
    return ctx.filing_service


@pytest.fixture
def incoming(ctx: AppContext) -> IncomingBlobs:
    return ctx.incoming_blobs


