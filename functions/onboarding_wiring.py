"""Builds the advisor use cases from the context: stores, the inviter (Graph in Azure, the local
directory when Graph is not configured in local mode), the outbox and the audit log."""

from __future__ import annotations

from typing import Any

import azure.functions as func

from shared import context
from shared.adapters.identity.dev_directory import dev_directory
from shared.adapters.identity.entra import configured
from shared.adapters.identity.graph import graph_client
from shared.adapters.mail.render import render_mail
from shared.adapters.storage.access_requests import access_request_store
from shared.adapters.storage.audit import audit_log
from shared.adapters.storage.companies import company_store
from shared.adapters.storage.grants import grant_store, new_grant_id
from shared.adapters.storage.outbox import outbox_store
from shared.services.onboarding import DirectoryUnavailable, InvalidInput, NotFoundError, NotPending, Onboarding
from shared.services.ports import Inviter
from web.http import client_address
from web.problems import Conflict, HttpProblem, NotFound, ServiceUnavailable, ValidationFailed


def _render(name: str, lang: str, context: dict[str, Any]) -> tuple[str, str, str]:
    mail = render_mail(name, lang, context)
    return mail.subject, mail.text, mail.html


def inviter(ctx: context.AppContext) -> Inviter:
    if configured(ctx.settings):
        return graph_client(ctx)
    if ctx.settings.local_mode:
        return dev_directory(ctx)
    raise ServiceUnavailable("Invitations are not configured.")


def onboarding(req: func.HttpRequest) -> Onboarding:
    ctx = context.current()
    return Onboarding(
        requests=access_request_store(ctx),
        companies=company_store(ctx),
        grants=grant_store(ctx),
        inviter=inviter(ctx),
        outbox=outbox_store(ctx),
        audit=audit_log(ctx),
        render_mail=_render,
        portal_url=ctx.settings.base_url,
        now=ctx.clock.now(),
        new_grant_id=new_grant_id,
        client=client_address(req, ctx.settings),
        insurer_name=ctx.settings.insurer_name,
    )


def as_problem(exc: Exception) -> HttpProblem:
    """The onboarding error family → RFC 9457 (one place)."""
    if isinstance(exc, NotFoundError):
        return NotFound(f"No such {exc}.")
    if isinstance(exc, NotPending):
        return Conflict("The request is not pending.")
    if isinstance(exc, InvalidInput):
        return ValidationFailed("The input is not valid.", errors=exc.errors)
    if isinstance(exc, DirectoryUnavailable):
        return ServiceUnavailable("The invitation could not be made; nothing was changed. Try again later.")
    return HttpProblem()
