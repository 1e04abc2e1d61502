"""Signing in and out: the same path for an Entra login and a local dev session.

A first login of an invited person (matching tid + oid) turns their invited grants
active; everything is audited.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from shared.domain.audit import AuditEvent
from shared.domain.identity import GrantStatus, Principal
from shared.domain.sessions import Session
from shared.services.ports import Audit, Grants, Sessions
from shared.settings import Settings


def sign_in(
    principal: Principal,
    language: str,
    *,
    sessions: Sessions,
    grants: Grants,
    audit: Audit,
    now: datetime,
    client: str,
    method: str,
) -> Session:
    """Create the session after the identity was proven; activate invited grants and note the
    sign-in on each grant the person holds (the advisor's "last sign-in")."""
    for grant in grants.for_person(principal.tid, principal.oid):
        if grant.status is GrantStatus.REVOKED:
            continue
        if grant.status is GrantStatus.INVITED:
            grants.put(replace(grant, status=GrantStatus.ACTIVE, activated_at=now))
            audit.append(
                AuditEvent(
                    action="grant.activated",
                    at=now,
                    actor=principal.actor,
                    client=client,
                    target=grant.grant_id,
                    customer_number=grant.customer_number,
                )
            )
        grants.signed_in(grant, now)
    session = sessions.create(principal, language, now)
    audit.append(
        AuditEvent(
            action="login",
            at=now,
            actor=principal.actor,
            client=client,
            details={"method": method, "roles": list(principal.roles)},
        )
    )
    return session


def sign_out(session: Session, *, sessions: Sessions, audit: Audit, now: datetime, client: str) -> None:
    sessions.delete(session.session_id)
    audit.append(AuditEvent(action="logout", at=now, actor=session.principal.actor, client=client))


def refuse_login(reason: str, *, audit: Audit, now: datetime, client: str, actor: str = "anonymous") -> None:
    """Record a refused login (never the token or the e-mail)."""
    audit.append(AuditEvent(action="login.refused", at=now, actor=actor, client=client, details={"reason": reason}))


def lifetimes(settings: Settings) -> tuple[timedelta, timedelta]:
    """(idle, absolute) from settings."""
    return timedelta(minutes=settings.session_idle_minutes), timedelta(hours=settings.session_absolute_hours)
