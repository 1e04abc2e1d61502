"""Advisor API (`/api/advisor/*`, JSON only, CSRF-checked, role Advisor) and the console `/advisor`.

The document withdraw route lives with the documents in functions/documents.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import azure.functions as func

from shared import context
from shared.adapters.rendering.templates import render
from shared.domain.languages import normalise_language
from web.auth_http import require_advisor
from web.http import client_address, endpoint, html_response, json_response, read_body, read_json, redirect
from web.problems import ValidationFailed

if TYPE_CHECKING:
    from shared.services.onboarding import Onboarding

# The advisor's use cases, the request and company rules and the console page are imported by
# the handlers when they first run: an instance that serves customers never loads them (SPEC 7).

bp = func.Blueprint()


def onboarding(req: func.HttpRequest) -> Onboarding:
    ctx = context.current()
    return ctx.onboarding(client_address(req, ctx.settings))


def _body(req: func.HttpRequest) -> dict[str, Any]:
    """JSON only; an empty body counts as `{}` (approve without choosing lines)."""
    if not read_body(req, 16 * 1024).strip():
        return {}
    return read_json(req)


def _status(req: func.HttpRequest) -> str:
    from shared.services import advisor as views

    status = (req.params.get("status") or "pending").strip()
    if status not in views.LISTABLE:
        raise ValidationFailed("Unknown status.", errors={"status": "invalid"})
    return status


def _str(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ValidationFailed("The input is not valid.", errors={name: "invalid"})
    return value.strip()


def _lines(data: dict[str, Any], required: bool) -> list[str] | None:
    value = data.get("lines")
    if value is None and not required:
        return None
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValidationFailed("The input is not valid.", errors={"lines": "required" if value is None else "invalid"})
    return value


def _listing(req: func.HttpRequest, status: str) -> dict[str, Any]:
    from shared.domain.access_request import MAX_LIST_PAGE, valid_list_cursor
    from shared.services import advisor as views

    q = (req.params.get("q") or "").strip()
    cursor = (req.params.get("cursor") or "").strip() or None
    errors: dict[str, str] = {}
    if len(q) > 200:
        errors["q"] = "too_long"
    if cursor is not None and not valid_list_cursor(cursor):
        errors["cursor"] = "invalid"
    raw_limit = (req.params.get("limit") or str(views.PAGE_SIZE)).strip()
    limit = int(raw_limit) if raw_limit.isascii() and raw_limit.isdigit() else 0
    if not 1 <= limit <= MAX_LIST_PAGE:
        errors["limit"] = "invalid"
    if errors:
        raise ValidationFailed("The input is not valid.", errors=errors)
    ctx = context.current()
    return views.list_requests(
        status,
        ctx.access_request_store,
        ctx.company_store,
        ctx.settings.eligibility_threshold_chf,
        q=q,
        cursor=cursor,
        limit=limit,
    )


@bp.route(route="api/advisor/requests", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def list_requests(req: func.HttpRequest) -> func.HttpResponse:
    require_advisor(req)
    return json_response(_listing(req, _status(req)))


@bp.route(route="api/advisor/requests/{request_id}/approve", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def approve(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services import advisor as views

    session = require_advisor(req)
    data = _body(req)
    lines = _lines(data, required=False)
    enrol = data.get("enrol", False)
    if not isinstance(enrol, bool):
        raise ValidationFailed("The input is not valid.", errors={"enrol": "invalid"})
    grant = onboarding(req).approve(session.principal, req.route_params.get("request_id", ""), lines, enrol)
    return json_response({"status": "approved", "grant": views.grant_view(grant)})


@bp.route(route="api/advisor/requests/{request_id}/reject", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def reject(req: func.HttpRequest) -> func.HttpResponse:
    session = require_advisor(req)
    reason = _str(read_json(req), "reason")
    onboarding(req).reject(session.principal, req.route_params.get("request_id", ""), reason)
    return json_response({"status": "rejected"})


@bp.route(route="api/advisor/grants", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET", "POST")
def grants(req: func.HttpRequest) -> func.HttpResponse:
    from shared.adapters.mail.email_syntax import normalise_email
    from shared.domain.companies import valid_customer_number
    from shared.services import advisor as views

    session = require_advisor(req)
    if req.method.upper() == "GET":
        company = (req.params.get("company") or "").strip()
        if not valid_customer_number(company):
            raise ValidationFailed("Name a company.", errors={"company": "required" if not company else "invalid"})
        return json_response({"items": views.grants_view(context.current().grant_store.for_company(company))})
    data = read_json(req)
    errors: dict[str, str] = {}
    if data.get("kind", "third_party") != "third_party":
        errors["kind"] = "invalid"
    raw_email = _str(data, "email")
    email = normalise_email(raw_email) if raw_email else None
    if email is None:
        errors["email"] = "required" if not raw_email else "email_invalid"
    language = normalise_language(_str(data, "language") or "de")
    if language is None:
        errors["language"] = "invalid"
    lines = _lines(data, required=True)
    if errors:
        raise ValidationFailed("The input is not valid.", errors=errors)
    assert email is not None and language is not None and lines is not None
    grant = onboarding(req).invite_third_party(
        session.principal, email.lower(), _str(data, "customer_number"), lines, language
    )
    return json_response({"grant": views.grant_view(grant)}, status=201)


@bp.route(route="api/advisor/grants/{grant_id}/revoke", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def revoke(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services import advisor as views

    session = require_advisor(req)
    reason = _str(_body(req), "reason")
    grant = onboarding(req).revoke(session.principal, req.route_params.get("grant_id", ""), reason)
    return json_response({"grant": views.grant_view(grant)})


@bp.route(
    route="api/advisor/companies/{customer_number}/end-service", methods=None, auth_level=func.AuthLevel.ANONYMOUS
)
@endpoint("POST")
def end_service(req: func.HttpRequest) -> func.HttpResponse:
    session = require_advisor(req)
    _body(req)  # JSON only, even when empty
    revoked = onboarding(req).end_service(session.principal, req.route_params.get("customer_number", ""))
    return json_response({"enrolled": False, "revoked": [g.grant_id for g in revoked]})


@bp.route(route="advisor", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def console(req: func.HttpRequest) -> func.HttpResponse:
    from shared.domain.access_request import valid_list_cursor
    from shared.domain.companies import valid_customer_number
    from shared.services import advisor as views
    from web.advisor_pages import page_preamble

    company = (req.params.get("company") or "").strip()
    if valid_customer_number(company):  # the lookup box: the company has its own page
        lang = normalise_language(req.params.get("lang")) or ""
        return redirect(f"/advisor/companies/{company}" + (f"?lang={lang}" if lang else ""), status=303)
    status = (req.params.get("status") or "pending").strip()
    status = status if status in views.LISTABLE else "pending"
    q = (req.params.get("q") or "").strip()[:200]
    cursor = (req.params.get("cursor") or "").strip()
    cursor = cursor if valid_list_cursor(cursor) else ""
    page = page_preamble(req, "/advisor", {"status": status, **({"q": q} if q else {})})
    if page.response is not None:
        return page.response
    ctx = context.current()
    listing = views.list_requests(
        status,
        ctx.access_request_store,
        ctx.company_store,
        ctx.settings.eligibility_threshold_chf,
        q=q,
        cursor=cursor or None,
    )
    body = render(
        "advisor/console.html",
        page.lang,
        **page.common,
        status=status,
        statuses=views.LISTABLE,
        q=q,
        listing=listing,
        requests=listing["items"],
        first_page=not cursor,
    )
    return html_response(body)
