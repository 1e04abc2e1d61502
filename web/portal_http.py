"""The customer portal's HTTP glue: who is calling (session + active grants, from the
server) and the one place that turns the portal's error family into problem details."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import azure.functions as func

from shared.context import AppContext
from shared.domain.languages import choose_language
from shared.services.bulk_download import ArchiveTooLarge, TooManyDocuments, UnknownDocuments
from shared.services.documents import (
    BadCursor,
    CompanyNotGranted,
    DocumentNotFound,
    InvalidInput,
    NoGrant,
    PortalError,
)
from shared.services.links import Caller
from web.auth_http import Session, require_session
from web.http import client_address
from web.problems import (
    BadRequest,
    Forbidden,
    HttpProblem,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)


def caller_for(req: func.HttpRequest, ctx: AppContext, session: Session | None = None) -> Caller:
    """The caller as the server knows them; `?lang=` may only pick the language."""
    session = session or require_session(req)
    principal = session.principal
    grants = tuple(ctx.grant_store.active_for(principal.tid, principal.oid))
    lang = choose_language(req.params.get("lang"), None, session.language)
    return Caller(principal, grants, lang, client_address(req, ctx.settings))


def problem_for(exc: PortalError) -> HttpProblem:
    if isinstance(exc, NoGrant):
        return Forbidden("You have no active access to any company's documents.")
    if isinstance(exc, CompanyNotGranted | DocumentNotFound):
        return NotFound("No such document or company.")
    if isinstance(exc, UnknownDocuments):
        return ValidationFailed(
            f"{len(exc.ids)} of the documents asked for are not available.",
            errors={"ids": "unknown_document"},
        )
    if isinstance(exc, TooManyDocuments):
        return ValidationFailed(str(exc), errors={"ids": "too_many"})
    if isinstance(exc, ArchiveTooLarge):
        return PayloadTooLarge(str(exc))
    if isinstance(exc, InvalidInput):
        return ValidationFailed("Some parameters are not valid.", errors=exc.errors)
    if isinstance(exc, BadCursor):
        return BadRequest("The paging cursor is not valid; start again from the first page.")
    return HttpProblem()


@contextlib.contextmanager
def portal_problems() -> Iterator[None]:
    """Map the portal's typed failures once; `endpoint` then answers problem+json."""
    try:
        yield
    except PortalError as exc:
        raise problem_for(exc) from exc
