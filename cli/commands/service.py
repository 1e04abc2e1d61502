"""Ending a company's digital service from operations (`python -m cli companies end-service N`).

The same use case as the advisor console's end-service: the company is no longer enrolled
(new documents are quarantined `not_enrolled`), every grant is revoked, and it is audited
with the actor `system/cli`.
"""

from __future__ import annotations

import sys
from typing import Any

from cli.context import cli_context
from shared.adapters.storage.audit import audit_log
from shared.adapters.storage.companies import company_store
from shared.adapters.storage.grants import grant_store, new_grant_id
from shared.adapters.storage.outbox import outbox_store
from shared.domain.identity import Principal
from shared.services.onboarding import NotFoundError, Onboarding

OPERATOR = Principal(tid="system", oid="cli", email="", name="operations CLI")


class _NoInvitations:
    """Ending a service never invites anyone."""

    tenant = ""

    def invite(self, email: str, redirect_url: str, language: str, display_name: str = "") -> str:
        raise RuntimeError("the CLI does not invite")


def _no_mail(name: str, lang: str, context: dict[str, Any]) -> tuple[str, str, str]:
    raise RuntimeError("the CLI does not send mail")


def end_service(customer_number: str) -> int:
    ctx = cli_context()
    onboarding = Onboarding(
        requests=None,
        companies=company_store(ctx),
        grants=grant_store(ctx),
        inviter=_NoInvitations(),
        outbox=outbox_store(ctx),
        audit=audit_log(ctx),
        render_mail=_no_mail,
        portal_url=ctx.settings.base_url,
        now=ctx.clock.now(),
        new_grant_id=new_grant_id,
        client="cli",
    )
    try:
        revoked = onboarding.end_service(OPERATOR, customer_number)
    except NotFoundError:
        print(f"unknown company {customer_number!r}", file=sys.stderr)
        return 1
    print(f"{customer_number}: digital service ended, {len(revoked)} grant(s) revoked")
    return 0


def register(subparsers: Any) -> None:
    """No commands of its own: `companies end-service` calls `end_service`."""
