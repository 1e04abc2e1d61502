"""`GET /api/dev/outbox` (local mode only): the mails the portal wrote, newest first, as JSON
or as a readable page, so a person can follow a flow without a mail server."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import azure.functions as func

from shared import context
from shared.adapters.rendering.i18n import gettext
from shared.adapters.rendering.templates import render
from shared.domain.languages import choose_language
from web.http import endpoint, html_response, json_response
from web.problems import BadRequest, NotFound

if TYPE_CHECKING:
    from shared.domain.outbox import OutboxMail

bp = func.Blueprint()

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
_LINK = re.compile(r"https?://[^\s<>\"']+")


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def _wants_html(req: func.HttpRequest) -> bool:
    view = req.params.get("view")
    if view in {"html", "json"}:
        return view == "html"
    return "text/html" in (req.headers.get("accept") or "").lower()


def _item(mail: OutboxMail) -> dict[str, object]:
    return {
        "id": mail.mail_id,
        "to": mail.to,
        "subject": mail.subject,
        "text": mail.text,
        "html": mail.html,
        "created": mail.created.isoformat(),
        "kind": mail.kind,
        "language": mail.language,
        "status": mail.status,
        "headers": mail.headers,
        "view_url": f"/api/dev/outbox/{mail.mail_id}",
    }


@bp.route(route="api/dev/outbox", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def dev_outbox(req: func.HttpRequest) -> func.HttpResponse:
    ctx = context.current()
    if not ctx.settings.local_mode:
        raise NotFound("No resource lives at this address.")
    mails = ctx.outbox_store.recent(_limit(req.params.get("limit")))
    items = [_item(mail) for mail in mails]
    if not _wants_html(req):
        return json_response(items)
    lang = choose_language(req.params.get("lang"), req.headers.get("accept-language"))
    for item, mail in zip(items, mails, strict=True):
        item["links"] = list(dict.fromkeys(_LINK.findall(mail.text)))
    page = render(
        "dev/outbox.html",
        lang,
        page_title=gettext(lang, "Outbox"),
        insurer_name=ctx.settings.insurer_name,
        lang_url=lambda code: f"/api/dev/outbox?view=html&lang={code}",
        mails=items,
        json_url="/api/dev/outbox?view=json",
    )
    return html_response(page)


# A mail's HTML as a mail client shows it: its inline styles must apply, scripts never run.
MAIL_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@bp.route(route="api/dev/outbox/{mail_id}", methods=None, auth_level=func.AuthLevel.ANONYMOUS)
@endpoint("GET")
def dev_outbox_mail(req: func.HttpRequest) -> func.HttpResponse:
    """One mail's HTML part (or `?part=text`), for reading and for the browser tests' screenshots."""
    ctx = context.current()
    if not ctx.settings.local_mode:
        raise NotFound("No resource lives at this address.")
    mail = ctx.outbox_store.get(req.route_params.get("mail_id", ""))
    if mail is None:
        raise NotFound("No such mail.")
    if req.params.get("part") == "text":
        headers = {"Cache-Control": "no-store"}
        return func.HttpResponse(mail.text, mimetype="text/plain", charset="utf-8", headers=headers)
    return html_response(mail.html, headers={"Content-Security-Policy": MAIL_PREVIEW_CSP})
