"""Concurrent and repeated approvals of one request on Azurite: exactly one grant and one
invitation, and the second advisor learns who approved it and when."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.storage.grants import new_grant_id
from shared.clock import MutableClock
from shared.context import AppContext
from shared.domain.access_request import Status
from shared.domain.companies import Company
from shared.domain.identity import Principal
from shared.services.onboarding import APPROVAL_LEASE, NotPending, Onboarding
from tests.integration.identity.test_advisor_api import seed
from tests.support.client import Client
from tests.support.identity import login
from web.errors import problem_for

FIRST = Principal("tenant", "oid-first", "first@versicherer.ch", "Erika Erste", ("Advisor",))
SECOND = Principal("tenant", "oid-second", "second@versicherer.ch", "Zora Zweite", ("Advisor",))


class CountingInviter:
    """The local directory, counting invitations; `during` runs inside the first one (the
    moment another advisor's click arrives while Graph is still answering)."""

    def __init__(self, ctx: AppContext, during: Any = None) -> None:
        self.real, self.during, self.calls = ctx.dev_directory, during, 0

    @property
    def tenant(self) -> str:
        return str(self.real.tenant)

    def invite(self, email: str, redirect_url: str, language: str, display_name: str = "") -> str:
        self.calls += 1
        if self.during is not None and self.calls == 1:
            self.during()
        return str(self.real.invite(email, redirect_url, language, display_name))


def onboarding(ctx: AppContext, inviter: Any) -> Onboarding:
    """The composition root's use case as of now, with a counting inviter in place of its own."""
    return replace(ctx.onboarding("203.0.113.7"), inviter=inviter)


def welcome_mails(ctx: AppContext) -> int:
    return sum(1 for m in ctx.outbox_store.pending(100) if m.kind == "welcome")


def test_a_second_click_while_the_first_is_inviting_gets_409_with_who_and_when(ctx: AppContext) -> None:
    """GIVEN advisor 1's approval waiting for the invitation WHEN advisor 2 approves the same
    request THEN advisor 2 is refused (who approved it, when) and there is one grant, one
    invitation and one welcome mail (before: both ran to the end, two grants)."""
    request_id = seed(ctx)
    second: list[Exception] = []

    def second_click() -> None:
        try:
            onboarding(ctx, inviter).approve(SECOND, request_id, None)
        except NotPending as exc:
            second.append(exc)

    inviter = CountingInviter(ctx, during=second_click)
    grant = onboarding(ctx, inviter).approve(FIRST, request_id, None)
    assert inviter.calls == 1
    assert len(second) == 1 and isinstance(second[0], NotPending)
    problem = problem_for(second[0])
    assert problem is not None
    assert problem.status == 409 and problem.extensions["code"] == "already_approved"
    assert problem.extensions["approved_by"] == "Erika Erste"
    assert problem.extensions["approved_at"].startswith(ctx.clock.now().date().isoformat())
    grants = [g for g in ctx.grant_store.for_company("100001") if g.request_id == request_id]
    assert [g.grant_id for g in grants] == [grant.grant_id]
    assert welcome_mails(ctx) == 1


def test_an_interrupted_approval_is_finished_once_with_the_same_grant_id(ctx: AppContext, clock: MutableClock) -> None:
    """GIVEN an approval that died after its claim (approved, no grant) WHEN it is approved again
    within the lease THEN 409 (it may still be running); after the lease THEN it is finished,
    with the grant id derived from the request, and a third click finds nothing to do."""
    request_id = seed(ctx)
    store = ctx.access_request_store
    req = store.get(request_id)
    assert req is not None
    store.save(replace(req, status=Status.APPROVED, decided_at=clock.now(), decided_by=FIRST.actor))
    with pytest.raises(NotPending):
        onboarding(ctx, CountingInviter(ctx)).approve(SECOND, request_id, None)
    clock.advance(APPROVAL_LEASE + timedelta(seconds=1))
    grant = onboarding(ctx, CountingInviter(ctx)).approve(SECOND, request_id, None)
    assert grant.grant_id == new_grant_id("100001", request_id)
    with pytest.raises(NotPending):
        onboarding(ctx, CountingInviter(ctx)).approve(FIRST, request_id, None)
    assert len([g for g in ctx.grant_store.for_company("100001") if g.request_id == request_id]) == 1


@pytest.fixture
def advisor(ctx: AppContext, http: Client) -> Client:
    http.headers["X-CSRF-Token"] = login(http, ctx, "berater@versicherer.ch", roles=["Advisor"])
    return http


def test_the_second_approval_over_http_says_who_and_when(ctx: AppContext, advisor: Client) -> None:
    request_id = seed(ctx)
    assert advisor.post(f"/api/advisor/requests/{request_id}/approve").status_code == 200
    again = advisor.post(f"/api/advisor/requests/{request_id}/approve")
    assert again.status_code == 409 and again.headers["Content-Type"].startswith("application/problem+json")
    body = again.json()
    assert body["code"] == "already_approved" and body["approved_by"]
    assert body["approved_at"].startswith(ctx.clock.now().date().isoformat())


def test_approve_refuses_lines_off_the_contract(ctx: AppContext, advisor: Client) -> None:
    """GIVEN a request asking for LAAC, which company 100009's contract lacks WHEN approved as
    asked THEN 422 `not_on_contract` for `lines` and the request stays pending."""
    request_id = seed(ctx)
    store = ctx.access_request_store
    req = store.get(request_id)
    assert req is not None
    ctx.company_store.put(Company("100009", "Beispiel GmbH", ("IJM",), {"IJM": 900_000}, ("beispiel.ch",), "", True))
    store.save(replace(req, customer_number="100009", lines=("IJM", "LAAC")))
    resp = advisor.post(f"/api/advisor/requests/{request_id}/approve")
    assert resp.status_code == 422 and resp.json()["errors"] == {"lines": "not_on_contract"}
    assert store.get(request_id).status == Status.PENDING  # type: ignore[union-attr]
