"""Ending a company's digital service from operations (`python -m cli companies end-service N`).

The same use case as the advisor console's end-service: the company is no longer enrolled
(new documents are quarantined `not_enrolled`), every grant is revoked, and it is audited
with the actor `system/cli`.
"""

from __future__ import annotations

import sys
from typing import Any

from cli.context import cli_context
from shared.domain.identity import Principal
from shared.services.onboarding import NotFoundError

OPERATOR = Principal(tid="system", oid="cli", email="", name="operations CLI")


def end_service(customer_number: str) -> int:
    ctx = cli_context()
    onboarding = ctx.onboarding(client="cli")
    try:
        revoked = onboarding.end_service(OPERATOR, customer_number)
    except NotFoundError:
        print(f"unknown company {customer_number!r}", file=sys.stderr)
        return 1
    print(f"{customer_number}: digital service ended, {len(revoked)} grant(s) revoked")
    return 0


def register(subparsers: Any) -> None:
    """No commands of its own: `companies end-service` calls `end_service`."""
