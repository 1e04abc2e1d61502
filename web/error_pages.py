"""Friendly error pages for browsers (SPEC 5 "Errors"): a request that accepts `text/html`
gets a page in its language for 401, 403, 404, 405, 413, 422, 429 and 500, with the way
back, the insurer's contact and, for 429, how long to wait; API callers keep problem+json.

`endpoint()` (through `web.http.answer_for`, the one error table's answer) calls
`error_page` with every problem it answers. `render_error_page` makes a page from plain
facts (status, language, wait, who is signed in), so any error path can use it;
`error_page` reads those facts from a request.
"""

from __future__ import annotations

import logging
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import azure.functions as func

from shared import context
from shared.adapters.rendering.formatting import LOCALES
from shared.adapters.rendering.templates import render
from shared.domain.languages import choose_language
from web.problems import HttpProblem, TooManyRequests

if TYPE_CHECKING:
    from shared.domain.sessions import Session
    from shared.settings import Settings

log = logging.getLogger("portal.web")

TEMPLATE = "errors/page.html"

# Statuses without a page of their own read like the closest one (400/409/415: the request
# could not be used as sent; 503: try again later).
PAGES = (401, 403, 404, 405, 413, 422, 429, 500)
_LIKE = {400: 422, 409: 422, 415: 422, 503: 500}


@dataclass(frozen=True)
class SignedIn:
    """Who the page speaks to, when a session exists (shown with a sign-out button)."""

    name: str
    email: str
    csrf_token: str


def page_for(status: int) -> int:
    if status in PAGES:
        return status
    return _LIKE.get(status, 500 if status >= 500 else 422)


def wait_text(seconds: int, lang: str) -> str:
    """`5 Minuten`, `1 heure`: the wait in words, rounded the way people say it."""
    from babel.dates import format_timedelta  # at the first error page, not at import (cold start)

    return format_timedelta(timedelta(seconds=max(1, seconds)), threshold=1.0, locale=LOCALES.get(lang, "de_CH"))


def render_error_page(
    status: int,
    lang: str,
    settings: Settings,
    *,
    retry_after: int | None = None,
    signed_in: SignedIn | None = None,
    path: str = "/",
) -> str:
    """The page's HTML; `path` is where the language links lead (the same address, GET)."""
    return render(
        TEMPLATE,
        lang,
        page=page_for(status),
        status=status,
        wait=wait_text(retry_after, lang) if retry_after else "",
        signed_in=signed_in,
        page_title="",
        insurer_name=settings.insurer_name,
        contact_email=settings.contact_email,
        contact_phone=settings.contact_phone,
        lang_url=lambda code: f"{path}?lang={code}",
    )


def wants_page(req: func.HttpRequest) -> bool:
    """A browser navigating (Accept names text/html), not a script asking for JSON."""
    return "text/html" in (req.headers.get("accept") or "").lower()


def _session(req: func.HttpRequest) -> Session | None:
    # Looked up here: only a page for a signed-in browser needs the session (web.http imports
    # this module at the first error, and web.auth_http imports web.http).
    from web.auth_http import current_session

    try:
        return current_session(req)
    except Exception:  # noqa: BLE001 - the page must render even when storage does not answer
        log.warning("error page: session lookup failed")
        return None


def error_page(req: func.HttpRequest, problem: HttpProblem) -> func.HttpResponse | None:
    """The page for a browser, or None to answer problem+json (an API caller, or a page that
    could not be rendered: an error never hides the error)."""
    if not wants_page(req):
        return None
    try:
        return _page(req, problem)
    except Exception:  # fall back to problem+json rather than fail twice
        log.exception("error page for %s failed", problem.status)
        return None


def _page(req: func.HttpRequest, problem: HttpProblem) -> func.HttpResponse:
    ctx = context.current()
    session = None if problem.status == 401 else _session(req)
    lang = choose_language(
        req.params.get("lang"), req.headers.get("accept-language"), session.language if session else None
    )
    signed_in = (
        SignedIn(session.principal.name, session.principal.email, session.csrf_token) if session else None
    )
    retry = problem.retry_after if isinstance(problem, TooManyRequests) else None
    body = render_error_page(
        problem.status, lang, ctx.settings, retry_after=retry, signed_in=signed_in,
        path=(urllib.parse.urlsplit(req.url).path or "/") if req.method.upper() == "GET" else "/portal",
    )
    return func.HttpResponse(
        body,
        status_code=problem.status,
        headers={"Cache-Control": "no-store", **problem.headers},
        mimetype="text/html",
        charset="utf-8",
    )
