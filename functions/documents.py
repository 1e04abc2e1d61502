"""Customer document API: list/search, download link, bulk ZIP; and the advisor's withdrawal.

Handlers stay thin: who is calling comes from `portal_http.caller_for` (session + active
grants), the work from shared/services, the errors from the one table in web/errors.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import azure.functions as func

from shared import context
from web.auth_http import refuse_cross_site, require_advisor, require_session
from web.http import client_address, endpoint, json_response, read_json, redirect
from web.portal_http import caller_for

if TYPE_CHECKING:
    from shared.services.links import Caller, Link, Prefetched

# The portal's use cases (list, link, archive, withdrawal) are imported by the handler that first
# runs them, not when the app registers its functions (cold start, SPEC 7).

bp = func.Blueprint()

ZIP_BODY_LIMIT = 64 * 1024  # 200 ids of 32 characters fit many times over


def _params(req: func.HttpRequest) -> dict[str, str]:
    return {key: str(value) for key, value in req.params.items()}


@bp.route(route="api/documents", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def list_api(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services.documents import item_json, list_documents, parse_list_query, resolve_scope, search_words
    from shared.services.personal_state import state_json

    ctx = context.current()
    caller = caller_for(req, ctx)
    scope = resolve_scope(caller.grants, req.params.get("company") or None)
    query = parse_list_query(_params(req))
    words = search_words(query.q)
    page = list_documents(ctx.document_index, scope, query, words, now=ctx.clock.now())
    who = caller.principal
    # The caller's own new/downloaded state: one range read of their rows in the company's
    # link-log partition (SPEC 7: a list page + 1).
    downloaded = ctx.doc_state_store.downloaded(who.tid, who.oid, [scope.customer_number]) if page.items else {}
    now, new_days = ctx.clock.now(), ctx.settings.new_days
    items = [{**item_json(r), **state_json(r, downloaded, now, new_days)} for r in page.items]
    return json_response({"items": items, "next_cursor": page.next_cursor})


@bp.route(route="api/documents/{doc_id}/link", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def link_api(req: func.HttpRequest) -> func.HttpResponse:
    """A GET that issues and records a link (proof of delivery): never for another site's request."""
    from shared.domain.timestamps import utc_iso
    from shared.services.links import Prefetched

    refuse_cross_site(req)
    ctx = context.current()
    document = Prefetched(ctx.document_index, req.route_params.get("doc_id", ""))  # beside the session read
    link = link_for(req, ctx, caller_for(req, ctx), prefetched=document)
    expires = utc_iso(link.expires_at)
    return json_response({"url": link.url, "expires_at": expires})


def link_for(
    req: func.HttpRequest,
    ctx: context.AppContext,
    caller: Caller,
    company: str | None = None,
    prefetched: Prefetched | None = None,
) -> Link:
    """The link for the route's document, `company` (else the query's) choosing among the
    caller's grants, `?disposition=inline` for a view: shared by the API and the page."""
    from shared.services.documents import InvalidInput
    from shared.services.links import issue_link

    disposition = (req.params.get("disposition") or "attachment").strip().lower()
    if disposition not in ("attachment", "inline"):
        raise InvalidInput({"disposition": "invalid"})
    return issue_link(
        ctx.link_ports(),
        caller,
        req.route_params.get("doc_id", ""),
        ctx.clock.now(),
        ctx.settings.link_ttl_seconds,
        company=company or req.params.get("company") or None,
        inline=disposition == "inline",
        prefetched=prefetched,
    )


def zip_response(
    ctx: context.AppContext, caller: Caller, session_id: str, company: Any, raw_ids: Any
) -> func.HttpResponse:
    """Build the archive in storage (bounded memory, one per session at a time), then send the
    browser to a short-lived link to it (303): shared by the API and the page."""
    from shared.services import bulk_download

    now = ctx.clock.now()
    records, blob_name = bulk_download.build_archive(
        ctx.zip_ports(), ctx.leases, ctx.archives, caller, session_id, (company, raw_ids), ctx.zip_limits(), now
    )
    link = bulk_download.archive_link(
        ctx.link_signer,
        ctx.storage.container_name("downloads"),
        blob_name,
        records,
        caller,
        now,
        ctx.settings.link_ttl_seconds,
    )
    return redirect(link.url, status=303, headers={"Cache-Control": "no-store"})


@bp.route(route="api/documents/zip", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def zip_api(req: func.HttpRequest) -> func.HttpResponse:
    ctx = context.current()
    session = require_session(req)  # a POST: the session check includes CSRF
    caller = caller_for(req, ctx, session)
    body = read_json(req, ZIP_BODY_LIMIT)
    return zip_response(ctx, caller, session.session_id, body.get("company"), body.get("ids"))


@bp.route(route="api/advisor/documents/{doc_id}/withdraw", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("POST")
def withdraw_api(req: func.HttpRequest) -> func.HttpResponse:
    from shared.services import withdrawal

    ctx = context.current()
    session = require_advisor(req)  # a POST: includes the CSRF and same-origin checks
    body = read_json(req)
    result = withdrawal.withdraw(
        ctx.withdrawal_ports(),
        session.principal,
        req.route_params.get("doc_id", ""),
        withdrawal.parse_request(body),
        ctx.clock.now(),
        client_address(req, ctx.settings),
    )
    return json_response(result.to_json())
