"""Who is calling and what they may see. Authorization keys on (tid, oid), never on e-mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

ADVISOR_ROLE = "Advisor"


@dataclass(frozen=True)
class Principal:
    """A validated identity: from an ID token checked by the app, or a local dev session."""

    tid: str
    oid: str
    email: str
    name: str
    roles: tuple[str, ...] = ()

    @property
    def is_advisor(self) -> bool:
        return ADVISOR_ROLE in self.roles

    @property
    def actor(self) -> str:
        """How the audit log names this person."""
        return f"{self.tid}/{self.oid}"


class GrantStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    REVOKED = "revoked"


class GrantKind(StrEnum):
    CUSTOMER = "customer"
    THIRD_PARTY = "third_party"


@dataclass(frozen=True)
class Grant:
    """One person's access to some lines of one company."""

    grant_id: str
    tid: str
    oid: str
    email: str
    customer_number: str
    lines: tuple[str, ...]
    kind: GrantKind
    status: GrantStatus
    created_at: datetime
    activated_at: datetime | None = None
    revoked_at: datetime | None = None
    request_id: str = ""
    created_by: str = ""
    created_by_name: str = ""  # the approving advisor as people read it
    last_signin_at: datetime | None = None  # kept on the company's copy only (the advisor's view)


def companies_of(grants: Iterable[Grant]) -> dict[str, tuple[str, ...]]:
    """customer number → union of granted lines, in canonical order of first appearance."""
    result: dict[str, list[str]] = {}
    for grant in grants:
        lines = result.setdefault(grant.customer_number, [])
        for line in grant.lines:
            if line not in lines:
                lines.append(line)
    return {k: tuple(v) for k, v in result.items()}
