"""Wiring shared by the real login (functions/auth.py) and the dev session (functions/dev.py):
the stores from the context, the sign-in use case, and the session cookie."""

from __future__ import annotations

from datetime import timedelta

import azure.functions as func

from shared import context
from shared.domain.identity import Principal
from shared.domain.rate_limit import RateLimit, network_key
from shared.domain.sessions import Session
from shared.services import sessions as sessions_service
from web.http import client_address, cookies
from web.session_cookie import cookie_name, session_cookie


def start_session(req: func.HttpRequest, principal: Principal, language: str, method: str) -> tuple[Session, str]:
    """Sign in and return the session with its Set-Cookie value (Max-Age = absolute limit)."""
    ctx = context.current()
    # A sign-in always gets a fresh session id; one the browser still held is ended.
    previous = cookies(req).get(cookie_name(ctx.settings), "")
    if previous and ctx.session_store.get(previous) is not None:
        ctx.session_store.delete(previous)
    session = sessions_service.sign_in(
        principal,
        language,
        sessions=ctx.session_store,
        grants=ctx.grant_store,
        audit=ctx.audit_log,
        now=ctx.clock.now(),
        client=client_address(req, ctx.settings),
        method=method,
    )
    max_age = ctx.settings.session_absolute_hours * 3600
    return session, session_cookie(ctx.settings, session.session_id, max_age=max_age)


# Refused sign-ins counted per client network and hour (see sessions_service.refuse_login).
REFUSAL_COUNT = RateLimit("audit.login_refused", 1, timedelta(hours=1))


def refuse(req: func.HttpRequest, reason: str) -> None:
    ctx = context.current()
    sessions_service.refuse_login(
        reason,
        audit=ctx.audit_log,
        now=ctx.clock.now(),
        client=client_address(req, ctx.settings),
        counted=lambda client: ctx.rate_limiter.count(REFUSAL_COUNT, network_key(client)),
    )


def end_session(req: func.HttpRequest, session: Session) -> str:
    """End the session; return the Set-Cookie value that clears the cookie."""
    ctx = context.current()
    sessions_service.sign_out(
        session,
        sessions=ctx.session_store,
        audit=ctx.audit_log,
        now=ctx.clock.now(),
        client=client_address(req, ctx.settings),
    )
    return session_cookie(ctx.settings, "", max_age=0)
