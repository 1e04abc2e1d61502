"""Wiring shared by the real login (functions/auth.py) and the dev session (functions/dev.py):
the stores from the context, the sign-in use case, and the session cookie.

The use case and the domain's session and rate-limit rules are imported at the first sign-in,
sign-out or refusal, not when the app registers its functions (cold start, SPEC 7)."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import TYPE_CHECKING

import azure.functions as func

from shared import context
from web.http import client_address, cookies
from web.session_cookie import cookie_name, session_cookie

if TYPE_CHECKING:
    from shared.domain.identity import Principal
    from shared.domain.rate_limit import RateLimit
    from shared.domain.sessions import Session


def start_session(req: func.HttpRequest, principal: Principal, language: str, method: str) -> tuple[Session, str]:
    """Sign in and return the session with its Set-Cookie value (Max-Age = absolute limit)."""
    from shared.services import sessions as sessions_service

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


@functools.cache
def refusal_count() -> RateLimit:
    """Refused sign-ins counted per client network and hour (see sessions_service.refuse_login)."""
    from shared.domain.rate_limit import RateLimit

    return RateLimit("audit.login_refused", 1, timedelta(hours=1))


def refuse(req: func.HttpRequest, reason: str) -> None:
    from shared.domain.rate_limit import network_key
    from shared.services import sessions as sessions_service

    ctx = context.current()
    sessions_service.refuse_login(
        reason,
        audit=ctx.audit_log,
        now=ctx.clock.now(),
        client=client_address(req, ctx.settings),
        counted=lambda client: ctx.rate_limiter.count(refusal_count(), network_key(client)),
    )


def end_session(req: func.HttpRequest, session: Session) -> str:
    """End the session; return the Set-Cookie value that clears the cookie."""
    from shared.services import sessions as sessions_service

    ctx = context.current()
    sessions_service.sign_out(
        session,
        sessions=ctx.session_store,
        audit=ctx.audit_log,
        now=ctx.clock.now(),
        client=client_address(req, ctx.settings),
    )
    return session_cookie(ctx.settings, "", max_age=0)
