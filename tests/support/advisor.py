"""Advisor helpers: a registry of three companies and requests written through the store."""

from __future__ import annotations

import uuid
from datetime import timedelta

from shared.context import AppContext
from shared.domain.access_request import AccessRequest, Status
from shared.domain.companies import Company

ADVISOR = "berater@versicherer.ch"


def registry(ctx: AppContext) -> None:
    companies = ctx.company_store
    premiums = {"IJM": 700_000, "LAA": 500_000}
    companies.put(Company("100001", "Muster AG", ("IJM", "LAA", "LAAC"), premiums, ("muster-ag.ch",), enrolled=True))
    companies.put(Company("100002", "Beispiel GmbH", ("LAA", "LAAC"), {"LAA": 400_000}, ("beispiel-gmbh.ch",)))
    companies.put(Company("100003", "Esempio SA", ("IJM",), {"IJM": 120_000}, ("esempio-sa.ch",)))


def make_request(
    ctx: AppContext,
    first: str = "Anna",
    last: str = "Muster",
    email: str = "anna.muster@muster-ag.ch",
    customer_number: str = "100001",
    company_name: str = "Muster AG",
    lines: tuple[str, ...] = ("IJM", "LAA"),
    status: str = Status.PENDING,
    minutes_ago: int = 0,
    language: str = "de",
) -> str:
    created = ctx.clock.now() - timedelta(minutes=minutes_ago)
    req = AccessRequest(
        request_id=uuid.uuid4().hex,
        status=status,
        company_name=company_name,
        customer_number=customer_number,
        first_name=first,
        last_name=last,
        email=email,
        phone="",
        lines=lines,
        language=language,
        consent_version="2026-11",
        created_at=created,
        verified_at=None if status == Status.UNVERIFIED else created + timedelta(minutes=1),
    )
    return ctx.access_request_store.save(req).request_id
