"""The customer page `/portal`: server-rendered, works without JavaScript (tabs and filters
are links and GET forms, a download is a redirect to its short-lived link, the bulk
download a form post); shared/static/portal.js only adds keyboard comfort."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable

import azure.functions as func

from functions.documents import link_for, zip_response
from shared import context
from shared.adapters.rendering import formatting
from shared.adapters.rendering.i18n import type_name
from shared.adapters.rendering.templates import render
from shared.domain.languages import choose_language
from web.auth_http import current_session, require_session
from web.http import csp_allowing_forms_to, endpoint, html_response, read_form, redirect
from web.portal_http import caller_for

# The page's use cases (the view, the new/downloaded marks) are imported by its first request,
# not when the app registers its functions (cold start, SPEC 7).

bp = func.Blueprint()

KEPT_PARAMS = ("company", "line", "q", "type", "from", "to", "cursor")


def _url(path: str, **params: str | None) -> str:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v})
    return f"{path}?{query}" if query else path


def _lang_url(req: func.HttpRequest) -> Callable[[str], str]:
    kept = {k: req.params.get(k) for k in KEPT_PARAMS}
    return lambda code: _url("/portal", **{**kept, "lang": code})


def _login(lang: str) -> func.HttpResponse:
    return redirect(_url("/api/auth/login", lang=lang))


@bp.route(route="portal", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def portal_page(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services.documents import CompanyNotGranted, NoGrant
    from shared.services.personal_state import marks_for
    from shared.services.portal_view import build_view

    ctx = context.current()
    session = current_session(req)
    stored = session.language if session else None
    lang = choose_language(req.params.get("lang"), req.headers.get("accept-language"), stored)
    if session is None:
        return _login(lang)
    caller = caller_for(req, ctx, session)
    common = {
        "page_title": "",
        "insurer_name": ctx.settings.insurer_name,
        "lang_url": _lang_url(req),
        "user_name": session.principal.name,
        "user_email": session.principal.email,
        "csrf_token": session.csrf_token,
        "contact_email": ctx.settings.contact_email,
        "contact_phone": ctx.settings.contact_phone,
    }
    companies = ctx.company_store

    def company_name(number: str) -> str:
        company = companies.get(number)
        return company.name if company else number

    try:
        view = build_view(
            ctx.document_index, caller, dict(req.params), ctx.clock.now(),
            ctx.settings.expiry_warning_days, company_name, type_name,
        )
    except NoGrant:
        return html_response(render("portal/no_access.html", caller.language, reason="no_grant", **common), 403)
    except CompanyNotGranted:
        return html_response(render("portal/no_access.html", caller.language, reason="not_found", **common), 404)
    params = {"company": view.scope.customer_number, "line": view.line, "lang": caller.language}
    who = caller.principal
    marks = marks_for(
        ctx.doc_state_store, ctx.recent_documents, who.tid, who.oid,
        view.scope.customer_number, view.scope.lines, ctx.clock.now(), ctx.settings.new_days,
    )
    body = render(
        "portal/page.html",
        caller.language,
        view=view,
        marks=marks,
        settings_url=_url("/portal/settings", lang=caller.language),
        warning_days=ctx.settings.expiry_warning_days,
        retention_days=ctx.settings.retention_days,
        fmt_size=lambda value: formatting.size(int(value or 0), caller.language),
        tab_url=lambda line: _url("/portal", company=view.scope.customer_number, line=line, lang=caller.language)
        + "#list",
        next_url=_url("/portal", **params, **view.filters, cursor=view.next_cursor) if view.next_cursor else "",
        first_url=_url("/portal", **params, **view.filters),
        reset_url=_url("/portal", **params),
        download_url=lambda doc_id: _url(
            f"/portal/download/{doc_id}", company=view.scope.customer_number, lang=caller.language
        ),
        view_url=lambda doc_id: _url(
            f"/portal/download/{doc_id}", company=view.scope.customer_number, lang=caller.language,
            disposition="inline",
        ),
        search_all_url=_url("/portal", **{**params, "line": "all"}, **view.filters),
        notice=req.params.get("notice", ""),
        **common,
    )
    return html_response(body, headers={"Content-Security-Policy": csp_allowing_forms_to(ctx.storage.blob_service.url)})


@bp.route(route="portal/download/{doc_id}", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def portal_download(req: func.HttpRequest) -> func.HttpResponse:
    """The row's download and view buttons (a POST with the CSRF field: issuing a link is
    audited, so no GET does it): issue the SAS, then redirect to it. `?disposition=inline`
    opens it in the browser's viewer (the button targets a new tab)."""
    from shared.services.links import Prefetched

    ctx = context.current()
    document = Prefetched(ctx.document_index, req.route_params.get("doc_id", ""))  # beside the session read
    session = require_session(req)
    link = link_for(req, ctx, caller_for(req, ctx, session), prefetched=document)
    return redirect(link.url, status=303, headers={"Cache-Control": "no-store"})


@bp.route(route="portal/zip", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def portal_zip(req: func.HttpRequest) -> func.HttpResponse:
    """The page's bulk download form (CSRF field checked by require_session)."""
    ctx = context.current()
    session = require_session(req)
    form = read_form(req, 64 * 1024)
    caller = caller_for(req, ctx, session)
    company = (form.get("company") or [""])[-1] or None
    if not form.get("ids"):  # the button without JavaScript: back to the same page, with a message
        kept = {k: (form.get(k) or [""])[-1] for k in KEPT_PARAMS if k != "cursor"}
        return redirect(_url("/portal", **kept, lang=caller.language, notice="none_selected") + "#notice")
    return zip_response(ctx, caller, session.session_id, company, form.get("ids") or [])
