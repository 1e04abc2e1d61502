"""Sign-in with Entra ID (code flow + PKCE + MFA claim), sign-out (portal and Entra session),
the signed-out page, and `GET /api/me`."""

from __future__ import annotations

import logging
import urllib.parse
from typing import TYPE_CHECKING

import azure.functions as func

from functions.signin_flow import end_session, refuse, start_session
from shared import context
from shared.adapters.rendering.templates import render
from shared.domain.languages import choose_language
from web.auth_http import require_session
from web.http import cookies, endpoint, html_response, json_response, media_type, read_form, redirect
from web.problems import ServiceUnavailable

if TYPE_CHECKING:
    from shared.domain.identity import Principal

# Entra's flow, the ID-token checks and the identity rules are imported by the handler that
# first needs them, not at registration (cold start, SPEC 7).

bp = func.Blueprint()
log = logging.getLogger("portal.auth")

SIGNED_OUT_PATH = "/api/auth/signed-out"


def _landing(principal: Principal, lang: str) -> str:
    return f"{'/advisor' if principal.is_advisor else '/portal'}?lang={lang}"


def _page(template: str, lang: str, status: int, **extra: object) -> func.HttpResponse:
    ctx = context.current()
    values: dict[str, object] = {
        "page_title": "",
        "insurer_name": ctx.settings.insurer_name,
        "lang_url": lambda code: "/api/auth/login?" + urllib.parse.urlencode({"lang": code}),
        **extra,
    }
    body = render(template, lang, **values)
    return html_response(body, status=status)


@bp.route(route="api/auth/login", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def login(req: func.HttpRequest) -> func.HttpResponse:
    from shared.adapters.identity.auth_flows import flow_cookie
    from shared.adapters.identity.entra import SignInFailed, configured

    ctx = context.current()
    lang = choose_language(req.params.get("lang"), req.headers.get("accept-language"))
    if not configured(ctx.settings):
        if ctx.settings.local_mode:
            return redirect(f"/api/dev/login?lang={lang}")
        raise ServiceUnavailable("Sign-in is not configured.")
    redirect_uri = ctx.settings.base_url.rstrip("/") + "/api/auth/callback"
    try:
        flow = ctx.entra_client.start_sign_in(redirect_uri)
    except SignInFailed as exc:
        log.warning("sign-in could not start: %s", exc.code)
        raise ServiceUnavailable("Sign-in is not available right now.") from exc
    flow_id = ctx.flow_store.save(flow, lang, ctx.clock.now())
    return redirect(str(flow["auth_uri"]), status=302, headers={"Set-Cookie": flow_cookie(ctx.settings, flow_id)})


def _auth_response(req: func.HttpRequest) -> dict[str, str]:
    """Entra posts the result (response_mode=form_post); a GET with a query is read the same way."""
    if req.method.upper() == "POST":
        if media_type(req) != "application/x-www-form-urlencoded":
            return {}
        return {k: v[-1] for k, v in read_form(req).items() if v}
    return dict(req.params)


@bp.route(route="api/auth/callback", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET", "POST")
def callback(req: func.HttpRequest) -> func.HttpResponse:
    """No CSRF token here by design: Entra's cross-site POST is bound to this browser by the
    one-time flow cookie and msal's state, nonce and PKCE verifier."""
    from shared.adapters.identity.auth_flows import flow_cookie_name
    from shared.adapters.identity.entra import SignInFailed
    from shared.adapters.identity.tokens import TokenError, principal_claims
    from shared.domain.identity import Principal

    ctx = context.current()
    lang = choose_language(req.params.get("lang"), req.headers.get("accept-language"))
    taken = ctx.flow_store.take(cookies(req).get(flow_cookie_name(ctx.settings), ""), ctx.clock.now())
    if taken is None:
        refuse(req, "no_pending_sign_in")
        return _page("auth/refused.html", lang, 400, reason="stale")
    flow, lang = taken
    try:
        raw = ctx.entra_client.finish_sign_in(flow, _auth_response(req))
        claims = ctx.id_token_validator.validate(raw)
    except SignInFailed as exc:
        log.info("sign-in failed: %s", exc.code)
        refuse(req, f"flow:{exc.code}")
        return _page("auth/refused.html", lang, 400, reason="failed")
    except TokenError as exc:
        log.info("ID token refused: %s", exc.reason)
        refuse(req, exc.reason)
        reason = "mfa" if exc.reason == "mfa_missing" else "failed"
        return _page("auth/refused.html", lang, 403, reason=reason)
    principal = Principal(**principal_claims(claims))
    _, cookie = start_session(req, principal, lang, method="entra")
    return redirect(_landing(principal, lang), headers={"Set-Cookie": cookie})


def after_sign_out(lang: str) -> str:
    """Where the browser goes once the portal session is gone: Entra's end-session endpoint,
    which ends the single sign-on session too (a shared PC is not left signed in) and comes
    back to the signed-out page; locally the dev sign-in page plays Entra's part."""
    from shared.adapters.identity.entra import configured

    ctx = context.current()
    if configured(ctx.settings):
        return ctx.entra_client.end_session_url(ctx.settings.base_url.rstrip("/") + SIGNED_OUT_PATH)
    if ctx.settings.local_mode:
        return "/api/dev/login?" + urllib.parse.urlencode({"lang": lang, "signed_out": "1"})
    return f"{SIGNED_OUT_PATH}?lang={lang}"


@bp.route(route="api/auth/logout", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def logout(req: func.HttpRequest) -> func.HttpResponse:
    """Forms (the pages' sign-out button) are sent on to end the Entra session too; a script
    caller gets 204 (the pages sign out through the form, which works without JavaScript)."""
    session = require_session(req)  # checks CSRF and origin: logout is a state change too
    cookie = end_session(req, session)
    headers = {"Set-Cookie": cookie, "Cache-Control": "no-store"}
    if media_type(req) == "application/x-www-form-urlencoded":
        return redirect(after_sign_out(session.language), headers=headers)
    return func.HttpResponse(status_code=204, headers=headers)


@bp.route(route="api/auth/signed-out", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def signed_out(req: func.HttpRequest) -> func.HttpResponse:
    """Entra's `post_logout_redirect_uri` (one fixed URI to register, hence no language in it:
    `?lang=` when given, else the browser's languages)."""
    lang = choose_language(req.params.get("lang"), req.headers.get("accept-language"))
    resp = _page("auth/signed_out.html", lang, 200, lang_url=lambda code: f"{SIGNED_OUT_PATH}?lang={code}")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route(route="api/me", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def me(req: func.HttpRequest) -> func.HttpResponse:
    from shared.domain.identity import companies_of
    from shared.services.sessions import active_grants

    session = require_session(req)
    ctx = context.current()
    principal = session.principal
    granted = companies_of(active_grants(session, ctx.grant_store))
    companies = []
    store = ctx.company_store
    for number, lines in sorted(granted.items()):
        company = store.get(number)
        companies.append({"customer_number": number, "name": company.name if company else "", "lines": list(lines)})
    return json_response(
        {
            "email": principal.email,
            "name": principal.name,
            "roles": list(principal.roles),
            "companies": companies,
            "csrf_token": session.csrf_token,
        }
    )
