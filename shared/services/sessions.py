"""Signing in and out: the same path for an Entra login and a local dev session.

A first login of an invited person (matching tid + oid) turns their invited grants
active; everything is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from shared.domain.audit import AuditEvent
from shared.domain.identity import Grant, GrantStatus, Principal
from shared.domain.rate_limit import count_is_logged
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
    sign-in on each grant the person holds (the advisor's "last sign-in"). The session keeps
    the active grants (see Session.grants)."""
    active: list[Grant] = []
    for grant in grants.for_person(principal.tid, principal.oid):
        if grant.status is GrantStatus.REVOKED:
            continue
        if grant.status is GrantStatus.ACTIVE:
            active.append(grant)
        if grant.status is GrantStatus.INVITED:
            activated = replace(grant, status=GrantStatus.ACTIVE, activated_at=now)
            grants.put(activated)
            active.append(activated)
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
    session = sessions.create(principal, language, now, active)
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


def keep_alive(session: Session, now: datetime, *, sessions: Sessions, grants: Grants) -> Session:
    """At most once a minute (TOUCH_INTERVAL): record the request as the last seen and read
    the person's active grants again, kept with the session for the requests of the next
    minute. Any write of one of their grants drops them sooner (GrantStore's on_change)."""
    if not session.needs_touch(now):
        return session
    p = session.principal
    return sessions.touch(session, now, grants.active_for(p.tid, p.oid))


def active_grants(session: Session, grants: Grants) -> tuple[Grant, ...]:
    """The caller's active grants: those kept with the session, else read (one round trip)."""
    if session.grants is not None:
        return session.grants
    p = session.principal
    return tuple(grants.active_for(p.tid, p.oid))


def sign_out(session: Session, *, sessions: Sessions, audit: Audit, now: datetime, client: str) -> None:
    sessions.delete(session.session_id)
    audit.append(AuditEvent(action="logout", at=now, actor=session.principal.actor, client=client))


# Refusals from one client per hour written one by one; after that only every power of ten.
REFUSALS_LOGGED_INDIVIDUALLY = 10


def refuse_login(
    reason: str,
    *,
    audit: Audit,
    now: datetime,
    client: str,
    counted: Callable[[str], int] | None = None,
    actor: str = "anonymous",
) -> None:
    """Record a refused login (never the token or the e-mail).

    Anyone can cause a refusal without a session, so refusals are counted per client network
    (`counted` returns this client's count in the current window) and only the first few and
    then every power of ten are written, each with the count: a flood of callbacks costs the
    audit log a handful of records, and so can never crowd out other people's events.
    """
    count = counted(client) if counted is not None else 1
    if not count_is_logged(count, REFUSALS_LOGGED_INDIVIDUALLY):
        return
    details: dict[str, object] = {"reason": reason}
    if count > REFUSALS_LOGGED_INDIVIDUALLY:
        details["count"] = count
    audit.append(AuditEvent(action="login.refused", at=now, actor=actor, client=client, details=details))


def lifetimes(settings: Settings) -> tuple[timedelta, timedelta]:
    """(idle, absolute) from settings."""
    return timedelta(minutes=settings.session_idle_minutes), timedelta(hours=settings.session_absolute_hours)
