"""What every advisor page does first: the session, the language, the role check.

The language is `?lang=`, else the one the person signed in with, else Accept-Language: a
customer who opens an advisor address gets the refusal in their own language, with the way
back to their portal.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import azure.functions as func

from shared import context
from shared.adapters.rendering.i18n import type_name
from shared.adapters.rendering.templates import render
from shared.domain.languages import choose_language
from web.auth_http import advisor_recheck_due, current_session
from web.http import html_response, redirect

if TYPE_CHECKING:
    from shared.domain.sessions import Session

NOTHING = "\u2013"  # an en dash where a value is missing


@functools.cache
def swiss_time() -> Any:
    """Europe/Zurich, loaded at the first page that shows a time (zoneinfo and the tz data cost
    a new instance time at import: cold start, SPEC 7)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo("Europe/Zurich")
    except ZoneInfoNotFoundError:  # a system without tz data: UTC, and the page says so
        return UTC


def when(iso: str | None) -> str:
    """`2026-12-02T09:15:00Z` → `02.12.2026 10:15` (Swiss time, the same in every language)."""
    if not iso:
        return NOTHING
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(swiss_time())
    return f"{moment:%d.%m.%Y %H:%M}"


def day(iso: str | None) -> str:
    """`2026-12-02` → `02.12.2026`."""
    return f"{date.fromisoformat(iso[:10]):%d.%m.%Y}" if iso else NOTHING


def chf(amount: int | None) -> str:
    """`CHF 1'200'000` (GLOSSARY)."""
    return NOTHING if amount is None else "CHF " + f"{amount:,}".replace(",", "'")


@dataclass
class AdvisorPage:
    lang: str
    common: dict[str, Any] = field(default_factory=dict)
    session: Session | None = None
    response: func.HttpResponse | None = None


def page_preamble(req: func.HttpRequest, path: str, keep: Mapping[str, str] | None = None) -> AdvisorPage:
    """The page's language and common template values, or the answer instead of the page
    (sign-in redirect — also when an advisor's role is due for its re-check — or the 403 page
    for a session without the Advisor role)."""
    ctx = context.current()
    session = current_session(req)
    lang = choose_language(
        req.params.get("lang"),
        None if session and session.language else req.headers.get("accept-language"),
        session.language if session else None,
    )
    if session is None or advisor_recheck_due(session):
        # No session, or an advisor's role due for its 10-minute re-check: a new sign-in (silent
        # while the Entra session lasts) brings a token with the roles as they are now.
        return AdvisorPage(lang, response=redirect(f"/api/auth/login?lang={lang}", status=302))
    kept = dict(keep or {})

    def lang_url(code: str) -> str:
        return f"{path}?" + urllib.parse.urlencode({"lang": code, **kept})

    common: dict[str, Any] = {
        "page_title": "",
        "insurer_name": ctx.settings.insurer_name,
        "lang_url": lang_url,
        "csrf_token": session.csrf_token,
        "signed_in_as": session.principal.name or session.principal.email,
        "when": when,
        "day": day,
        "chf": chf,
        "type_name": type_name,
    }
    if not session.principal.is_advisor:
        body = render("advisor/forbidden.html", lang, **common)
        return AdvisorPage(lang, common, session, html_response(body, status=403))
    return AdvisorPage(lang, common, session)
