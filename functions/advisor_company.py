"""The advisor's company at a glance and proof of delivery: JSON API, CSV export and pages.

`GET /api/advisor/companies/{customer_number}`, `GET /api/advisor/documents/{id}/deliveries`,
`GET /api/advisor/companies/{customer_number}/deliveries?from=&to=` (CSV), and the pages
`/advisor/companies/{customer_number}` and `/advisor/documents/{id}`.
"""

from __future__ import annotations

from datetime import date

import azure.functions as func

from shared import context
from shared.adapters.rendering.templates import render
from web.auth_http import require_advisor
from web.http import endpoint, html_response, json_response
from web.problems import ValidationFailed

# The use case (shared/services/advisor_company.py) and the advisor pages' preamble are imported
# when a handler first runs, not at registration (cold start, SPEC 7).

bp = func.Blueprint()


def _company(customer_number: str) -> dict[str, object]:
    from shared.services.advisor_company import company_at_a_glance

    return company_at_a_glance(context.current().company_ports(), customer_number)


def _deliveries(doc_id: str) -> dict[str, object]:
    from shared.services.advisor_company import document_deliveries

    return document_deliveries(context.current().company_ports(), doc_id)


def _day(req: func.HttpRequest, name: str, errors: dict[str, str]) -> date | None:
    raw = (req.params.get(name) or "").strip()
    if not raw:
        errors[name] = "required"
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = "invalid"
        return None


def _range(req: func.HttpRequest) -> tuple[date, date]:
    """`from` and `to` (YYYY-MM-DD, inclusive, at most a year apart)."""
    from shared.services.advisor_company import MAX_CSV_DAYS

    errors: dict[str, str] = {}
    start, end = _day(req, "from", errors), _day(req, "to", errors)
    if start and end and start > end:
        errors["to"] = "before_from"
    elif start and end and (end - start).days >= MAX_CSV_DAYS:
        errors["to"] = "range_too_long"
    if errors or start is None or end is None:
        raise ValidationFailed("The input is not valid.", errors=errors)
    return start, end


@bp.route(route="api/advisor/companies/{customer_number}", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def company_api(req: func.HttpRequest) -> func.HttpResponse:
    require_advisor(req)
    return json_response(_company(req.route_params.get("customer_number", "")))


@bp.route(
    route="api/advisor/companies/{customer_number}/deliveries", methods=None, auth_level=func.AuthLevel.ANONYMOUS
)
@endpoint("GET")
def company_deliveries_csv(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services.advisor_company import deliveries_csv

    require_advisor(req)
    customer_number = req.route_params.get("customer_number", "")
    start, end = _range(req)
    body = deliveries_csv(context.current().company_ports(), customer_number, start, end)
    name = f"deliveries-{customer_number}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    return func.HttpResponse(
        body,
        status_code=200,
        mimetype="text/csv",
        charset="utf-8",
        headers={"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route(route="api/advisor/documents/{doc_id}/deliveries", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def deliveries_api(req: func.HttpRequest) -> func.HttpResponse:
    require_advisor(req)
    return json_response(_deliveries(req.route_params.get("doc_id", "")))


@bp.route(route="advisor/companies/{customer_number}", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def company_page(req: func.HttpRequest) -> func.HttpResponse:
    from web.advisor_pages import page_preamble

    customer_number = req.route_params.get("customer_number", "")
    page = page_preamble(req, f"/advisor/companies/{customer_number}")
    if page.response is not None:
        return page.response
    company = _company(customer_number)
    return html_response(render("advisor/company.html", page.lang, **page.common, company=company))


@bp.route(route="advisor/documents/{doc_id}", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def document_page(req: func.HttpRequest) -> func.HttpResponse:
    from web.advisor_pages import page_preamble

    doc_id = req.route_params.get("doc_id", "")
    page = page_preamble(req, f"/advisor/documents/{doc_id}")
    if page.response is not None:
        return page.response
    found = _deliveries(doc_id)
    return html_response(render("advisor/deliveries.html", page.lang, **page.common, **found))
