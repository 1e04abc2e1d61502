"""The public access request (SPEC 5): the form, its submission (browser form or JSON) and
the verification link. Thin: read the request, call `services.access_requests`, answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from shared import context
from shared.domain.languages import choose_language
from web.http import (
    client_address,
    cookies,
    endpoint,
    html_response,
    json_response,
    media_type,
    read_form,
    read_json,
    redirect,
)

if TYPE_CHECKING:
    from shared.context import AppContext

# The use case, the form's domain rules and the pages are imported in the handlers, at the
# first request that needs them: registration needs none of them (cold start, SPEC 7).

bp = func.Blueprint()

MAX_BODY = 16 * 1024
CSRF_COOKIE = "access_csrf"
CSRF_PURPOSE = "access-request"
FORM_MEDIA = "application/x-www-form-urlencoded"


def _language(req: func.HttpRequest) -> str:
    return choose_language(req.params.get("lang"), req.headers.get("accept-language"))


@bp.route(route="api/access-request", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET", "POST")
def access_request(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services import access_requests as service

    ctx = context.current()
    lang = _language(req)
    if req.method.upper() == "GET":
        return _form_page(req, ctx, lang, status=200)
    if media_type(req) == FORM_MEDIA:
        return _browser_submit(req, ctx, lang)
    data = read_json(req, MAX_BODY)  # 413, 415, 400 as the contract says
    service.submit(data, client=client_address(req, ctx.settings), default_language=lang, ports=ctx.access_ports())
    return json_response({"status": "received"}, status=202)


def _form_page(
    req: func.HttpRequest,
    ctx: AppContext,
    lang: str,
    *,
    status: int,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    alert: str = "",
    headers: dict[str, str] | None = None,
) -> func.HttpResponse:
    """The form with a CSRF field bound to the browser's cookie (kept if it has a usable one)."""
    from web import form_tokens
    from web.access_pages import render_form

    key = form_tokens.form_key(ctx.settings)
    existing = cookies(req).get(CSRF_COOKIE) or ""
    value = existing if form_tokens.usable_cookie_value(existing) else form_tokens.new_cookie_value()
    secure = "" if ctx.settings.local_mode else "; Secure"
    cookie = f"{CSRF_COOKIE}={value}; Path=/api/access-request; Max-Age=7200; HttpOnly; SameSite=Strict{secure}"
    body = render_form(
        lang,
        ctx.settings,
        csrf_token=form_tokens.field_token(key, value, CSRF_PURPOSE),
        values=values,
        errors=errors,
        alert=alert,
    )
    return html_response(body, status=status, headers={"Set-Cookie": cookie, **(headers or {})})


def _browser_submit(req: func.HttpRequest, ctx: AppContext, lang: str) -> func.HttpResponse:
    from shared.domain.access_request import InvalidForm
    from shared.domain.rate_limit import RateLimited
    from shared.services import access_requests as service
    from web import form_tokens
    from web.access_pages import render_received

    fields = read_form(req, MAX_BODY)
    raw: dict[str, object] = {name: values[0] for name, values in fields.items() if values and name != "lines"}
    raw["lines"] = fields.get("lines", [])
    key = form_tokens.form_key(ctx.settings)
    cross_site = (req.headers.get("sec-fetch-site") or "").lower() in {"cross-site", "same-site"}
    token = raw.get("csrf_token")
    if cross_site or not form_tokens.check(
        key, cookies(req).get(CSRF_COOKIE), token if isinstance(token, str) else None, CSRF_PURPOSE
    ):
        alert = "For your security the form had expired. Please check your details and send the form again."
        return _form_page(req, ctx, lang, status=403, values=raw, alert=alert)
    try:
        service.submit(raw, client=client_address(req, ctx.settings), default_language=lang, ports=ctx.access_ports())
    except InvalidForm as exc:
        return _form_page(
            req, ctx, lang, status=422, values=raw, errors=exc.errors, alert="Please correct the marked fields."
        )
    except RateLimited as exc:
        alert = "Too many requests were sent. Please try again later."
        retry = {"Retry-After": str(exc.retry_after)}
        return _form_page(req, ctx, lang, status=429, values=raw, alert=alert, headers=retry)
    return html_response(render_received(lang, ctx.settings), status=202)


@bp.route(route="api/access-request/verify", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def verify(req: func.HttpRequest) -> func.HttpResponse:
    """`?token=` uses the link, then redirects to `?result=` so the token leaves the address bar."""
    from shared.domain.access_request import VerifyOutcome
    from shared.services import access_requests as service
    from web.access_pages import VERIFY_STATUS, render_verify, verify_result_url

    ctx = context.current()
    result = req.params.get("result")
    if result is not None:
        outcome = VerifyOutcome(result) if result in set(VerifyOutcome) else VerifyOutcome.INVALID
        lang = _language(req)
        return html_response(render_verify(outcome, lang, ctx.settings), status=VERIFY_STATUS[outcome])
    verification = service.verify(req.params.get("token") or "", ctx.access_ports())
    lang = verification.language or _language(req)
    return redirect(verify_result_url(verification.outcome, lang))


@bp.route(route="privacy", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def privacy(req: func.HttpRequest) -> func.HttpResponse:
    """The privacy notice the consent links to: public, in the reader's language."""
    from web.privacy_page import render_privacy

    return html_response(render_privacy(_language(req), context.current().settings))
