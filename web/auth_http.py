"""Who is calling, for HTTP handlers: the session behind the cookie, CSRF, the Advisor role.

The contract other handlers code against:
- `current_session(req)` → the live Session or None (expired sessions are ended here);
- `require_session(req)` → Session, else 401; for unsafe methods it also runs
  `require_csrf`, so no state change can ride on a cookie alone;
- `require_csrf(req, session)` → 403 unless the CSRF token (header `X-CSRF-Token` or form
  field `csrf_token`) matches and the request is same-origin (`Origin`, else
  `Sec-Fetch-Site`; a request carrying neither is refused);
- `require_advisor(req)` → Session with the role `Advisor`, else 401/403; 401
  `reauthentication-required` once the role is older than 10 minutes (a new sign-in renews
  it from Entra, so a role removed there stops working within that time);
- `advisor_recheck_due(session)` → the advisor's pages send the browser to sign in again;
- `refuse_cross_site(req)` → 403 for a GET that records something when another site started it.
"""

from __future__ import annotations

import hmac
import urllib.parse
from typing import TYPE_CHECKING

import azure.functions as func

from shared import context
from web.http import cookies, media_type, read_form
from web.problems import Forbidden, ReauthenticationRequired, Unauthorized
from web.session_cookie import cookie_name

if TYPE_CHECKING:
    # Annotations only: a Session comes from the store, whose request imports the domain module.
    from shared.domain.sessions import Session

__all__ = [
    "advisor_recheck_due",
    "current_session",
    "refuse_cross_site",
    "require_advisor",
    "require_csrf",
    "require_session",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_id_from(req: func.HttpRequest) -> str:
    return cookies(req).get(cookie_name(context.current().settings), "")


def current_session(req: func.HttpRequest) -> Session | None:
    ctx = context.current()
    session_id = session_id_from(req)
    if not session_id:
        return None
    # The session use case is imported by the first request that carries a cookie (SPEC 7).
    from shared.services.sessions import keep_alive, lifetimes

    store = ctx.session_store
    session = store.get(session_id)
    if session is None:
        return None
    now = ctx.clock.now()
    idle, absolute = lifetimes(ctx.settings)
    if session.expired(now, idle, absolute):
        store.delete(session_id)
        return None
    return keep_alive(session, now, sessions=store, grants=ctx.grant_store)


def require_session(req: func.HttpRequest) -> Session:
    session = current_session(req)
    if session is None:
        raise Unauthorized("Please sign in.")
    if req.method.upper() not in SAFE_METHODS:
        require_csrf(req, session)
    return session


def advisor_recheck_due(session: Session) -> bool:
    """An advisor whose role was proven more than 10 minutes ago (domain ROLE_RECHECK)."""
    return session.principal.is_advisor and not session.roles_current(context.current().clock.now())


def require_advisor(req: func.HttpRequest) -> Session:
    session = require_session(req)
    if not session.principal.is_advisor:
        raise Forbidden("This needs the Advisor role.")
    if advisor_recheck_due(session):
        raise ReauthenticationRequired(
            "The Advisor role is checked again every 10 minutes: reload the page to sign in again."
        )
    return session


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def same_origin(req: func.HttpRequest) -> bool:
    """The request comes from our own pages: `Origin` is ours, else `Sec-Fetch-Site` says so."""
    origin = (req.headers.get("origin") or "").strip().lower()
    # Our pages send `Referrer-Policy: no-referrer`, under which browsers send `Origin: null`
    # on every POST, same-origin ones included: then Sec-Fetch-Site decides.
    if origin and origin != "null":
        allowed = {_origin(req.url), _origin(context.current().settings.base_url)} - {""}
        return origin in allowed
    site = (req.headers.get("sec-fetch-site") or "").strip().lower()
    return site == "same-origin"


def _presented_token(req: func.HttpRequest) -> str:
    header = req.headers.get("x-csrf-token")
    if header:
        return header.strip()
    if media_type(req) == "application/x-www-form-urlencoded":
        values = read_form(req).get("csrf_token") or [""]
        return values[-1].strip()
    return ""


def refuse_cross_site(req: func.HttpRequest) -> None:
    """For a GET that records something (the JSON API's link): a link on another site can make
    the browser send it with the session cookie (SameSite=Lax admits top-level navigations), and
    browsers say so in `Sec-Fetch-Site`. Our pages' fetches say `same-origin`; a typed address
    says `none`; clients that are not browsers send no such header."""
    site = (req.headers.get("sec-fetch-site") or "").strip().lower()
    if site in ("cross-site", "same-site"):
        raise Forbidden("This address issues links only to the portal's own pages.")


def require_csrf(req: func.HttpRequest, session: Session) -> None:
    if not same_origin(req):
        raise Forbidden("Cross-origin requests are refused.")
    presented = _presented_token(req)
    if not presented or not hmac.compare_digest(presented.encode(), session.csrf_token.encode()):
        raise Forbidden("The CSRF token is missing or wrong; reload the page.")
