"""Notification choices: `GET/PUT /api/me/preferences`, the `/portal/settings` page, and the
one-click unsubscribe a mail links to (RFC 8058; works without a session).

No GET changes state: the unsubscribe link opens a page that asks for confirmation with a
POST, and a mail client's one-click POST (`List-Unsubscribe=One-Click`) does the same.
"""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

import azure.functions as func

from shared import context
from shared.adapters.rendering.templates import render
from shared.domain.languages import choose_language
from web.auth_http import current_session, require_session
from web.http import endpoint, html_response, json_response, read_form, read_json, redirect

if TYPE_CHECKING:
    from shared.domain.sessions import Session

# The notification rules and the unsubscribe tokens are imported by the handler that first needs
# them, not when the app registers its functions (cold start, SPEC 7).

bp = func.Blueprint()


def _person(session: Session) -> str:
    from shared.domain.notifications import person_key

    return person_key(session.principal.tid, session.principal.oid)


def _lang(req: func.HttpRequest, session: Session | None = None) -> str:
    stored = session.language if session else None
    return choose_language(req.params.get("lang"), req.headers.get("accept-language"), stored)


def _url(path: str, **params: str) -> str:
    return f"{path}?{urllib.parse.urlencode(params)}"


@bp.route(route="api/me/preferences", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET", "PUT")
def preferences_api(req: func.HttpRequest) -> func.HttpResponse:
    from shared.domain.notifications import Preferences, parse_preferences

    ctx = context.current()
    session = require_session(req)  # PUT: CSRF header and same origin too
    store = ctx.preference_store
    current = store.get(_person(session))
    if req.method.upper() == "GET":
        return json_response(current.to_json())
    chosen = parse_preferences(read_json(req, 4096), current)
    chosen = Preferences(chosen.new_documents, chosen.expiry_reminders, current.language or session.language)
    store.put(_person(session), chosen)
    return json_response(chosen.to_json())


@bp.route(route="portal/settings", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET", "POST")
def settings_page(req: func.HttpRequest) -> func.HttpResponse:
    from shared.domain.notifications import Frequency, Preferences, parse_preferences

    ctx = context.current()
    session = current_session(req)
    lang = _lang(req, session)
    if session is None:
        return redirect(_url("/api/auth/login", lang=lang))
    store = ctx.preference_store
    person = _person(session)
    if req.method.upper() == "POST":
        session = require_session(req)  # the CSRF field and same origin
        form = read_form(req, 4096)
        raw = (form.get("new_documents") or [""])[-1]
        body = {"new_documents": raw, "expiry_reminders": (form.get("expiry_reminders") or [""])[-1] == "on"}
        chosen = parse_preferences(body, store.get(person))
        # Mails go out in the language the person used when choosing.
        store.put(person, Preferences(chosen.new_documents, chosen.expiry_reminders, lang))
        return redirect(_url("/portal/settings", lang=lang, saved="1"))
    page = render(
        "portal/settings.html",
        lang,
        page_title="",
        insurer_name=ctx.settings.insurer_name,
        lang_url=lambda code: _url("/portal/settings", lang=code),
        user_name=session.principal.name,
        csrf_token=session.csrf_token,
        prefs=store.get(person),
        frequencies=[f.value for f in Frequency],
        saved=req.params.get("saved") == "1",
        portal_url=_url("/portal", lang=lang),
        warning_days=ctx.settings.expiry_warning_days,
    )
    return html_response(page)


@bp.route(route="api/notifications/unsubscribe", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET", "POST")
def unsubscribe(req: func.HttpRequest) -> func.HttpResponse:
    """GET shows what the link will switch off and asks to confirm; POST switches it off."""
    from shared.adapters.identity.unsubscribe_tokens import read_token

    ctx = context.current()
    lang = _lang(req)
    token = req.params.get("token") or ""
    if req.method.upper() == "POST" and not token:
        token = (read_form(req, 4096).get("token") or [""])[-1]
    found = read_token(ctx.unsubscribe_key, token)
    common = {
        "page_title": "",
        "insurer_name": ctx.settings.insurer_name,
        "lang_url": lambda code: _url("/api/notifications/unsubscribe", token=token, lang=code),
        "portal_url": _url("/portal", lang=lang),
        "settings_url": _url("/portal/settings", lang=lang),
    }
    if found is None:
        page = render("notifications/unsubscribe.html", lang, outcome="invalid", choice="", **common)
        return html_response(page, 400)
    person, choice = found
    if req.method.upper() == "GET":
        page = render(
            "notifications/unsubscribe.html", lang, outcome="confirm", choice=choice.value, token=token, **common
        )
        return html_response(page)
    store = ctx.preference_store
    store.put(person, store.get(person).without(choice))
    return html_response(render("notifications/unsubscribe.html", lang, outcome="done", choice=choice.value, **common))
