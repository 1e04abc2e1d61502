"""The one error table: every domain, service and edge exception a request can end in,
mapped to its HTTP problem (status, code, problem type) in one place. `endpoint()` applies
it; no handler catches and translates on its own.

Lookup follows the exception's class hierarchy, most specific first, so a family's base
(PortalError, OnboardingError) is the fallback for a new member nobody mapped yet.
"""

from __future__ import annotations

from collections.abc import Callable

from azure.core.exceptions import AzureError

from shared.adapters.identity.unsubscribe_tokens import UnsubscribeNotConfigured
from shared.domain.access_request import InvalidForm, Status
from shared.domain.documents import DocumentGone
from shared.domain.notifications import PreferenceError
from shared.domain.rate_limit import RateLimited
from shared.domain.timestamps import utc_iso
from shared.services import advisor_company, onboarding
from shared.services import documents as portal
from shared.services.bulk_download import ArchiveBusy, ArchiveTooLarge, TooManyDocuments, UnknownDocuments
from shared.wiring.identity import InvitationsNotConfigured
from web.problems import (
    BadRequest,
    Conflict,
    Forbidden,
    HttpProblem,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    TooManyRequests,
    ValidationFailed,
)

Translate = Callable[[Exception], HttpProblem]


def _unknown_documents(exc: Exception) -> HttpProblem:
    count = len(exc.ids) if isinstance(exc, UnknownDocuments) else 0
    detail = f"{count} of the documents asked for are not available."
    return ValidationFailed(detail, errors={"ids": "unknown_document"})


def _errors(exc: Exception) -> dict[str, str]:
    errors = getattr(exc, "errors", {})
    return dict(errors) if isinstance(errors, dict) else {}


def _not_pending(exc: Exception) -> HttpProblem:
    """A request an advisor already approved says by whom and when (the console shows it)."""
    req = exc.request if isinstance(exc, onboarding.NotPending) else None
    if req is not None and req.status == Status.APPROVED:
        return Conflict(
            "The request was already approved.",
            extensions={
                "code": "already_approved",
                "approved_by": req.decided_by_name or req.decided_by,
                "approved_at": utc_iso(req.decided_at) if req.decided_at else None,
            },
        )
    return Conflict("The request is not pending.")


def _retry_after(exc: Exception) -> int:
    return int(exc.retry_after) if isinstance(exc, (RateLimited, ArchiveBusy)) else 60


TABLE: dict[type[Exception], Translate] = {
    # the customer portal (shared/services/documents.py, bulk_download.py, withdrawal.py)
    portal.NoGrant: lambda _: Forbidden("You have no active access to any company's documents."),
    portal.CompanyNotGranted: lambda _: NotFound("No such document or company."),
    portal.DocumentNotFound: lambda _: NotFound("No such document or company."),
    DocumentGone: lambda _: NotFound("A document is no longer available; reload the list."),
    UnknownDocuments: _unknown_documents,
    TooManyDocuments: lambda exc: ValidationFailed(str(exc), errors={"ids": "too_many"}),
    ArchiveTooLarge: lambda exc: PayloadTooLarge(str(exc)),
    ArchiveBusy: lambda exc: TooManyRequests(_retry_after(exc), "One download at a time: the last one is being built."),
    portal.InvalidInput: lambda exc: ValidationFailed("Some parameters are not valid.", errors=_errors(exc)),
    portal.BadCursor: lambda _: BadRequest("The paging cursor is not valid; start again from the first page."),
    portal.PortalError: lambda _: HttpProblem(),
    # the advisor's decisions (shared/services/onboarding.py)
    onboarding.NotFoundError: lambda exc: NotFound(f"No such {exc}."),
    onboarding.NotPending: _not_pending,
    onboarding.InvalidInput: lambda exc: ValidationFailed("The input is not valid.", errors=_errors(exc)),
    onboarding.EnrolmentRequired: lambda _: Conflict(
        'The company is not enrolled yet; confirm enrolling it with "enrol": true.',
        errors={"enrol": "enrolment_required"},
    ),
    onboarding.DirectoryUnavailable: lambda _: ServiceUnavailable(
        "The invitation could not be made; nothing was changed. Try again later."
    ),
    onboarding.OnboardingError: lambda _: HttpProblem(),
    # the company at a glance and proof of delivery (shared/services/advisor_company.py)
    advisor_company.CompanyNotFound: lambda _: NotFound("No such company."),
    advisor_company.DocumentNotFound: lambda _: NotFound("No such document."),
    InvitationsNotConfigured: lambda _: ServiceUnavailable("Invitations are not configured."),
    # the access request (shared/domain/access_request.py, rate_limit.py)
    InvalidForm: lambda exc: ValidationFailed("Some fields need attention.", errors=_errors(exc)),
    RateLimited: lambda exc: TooManyRequests(_retry_after(exc)),
    # notification choices and the one-click unsubscribe (shared/domain/notifications.py)
    PreferenceError: lambda exc: ValidationFailed("Some preferences are not valid.", errors=_errors(exc)),
    UnsubscribeNotConfigured: lambda _: ServiceUnavailable("Unsubscribe links are not configured."),
    # storage that does not answer
    AzureError: lambda _: ServiceUnavailable("Storage does not answer."),
}


def problem_for(exc: Exception) -> HttpProblem | None:
    """The problem an exception answers as, or None when nobody mapped it (a bug: 500)."""
    if isinstance(exc, HttpProblem):
        return exc
    for cls in type(exc).__mro__:
        translate = TABLE.get(cls)
        if translate is not None:
            return translate(exc)
    return None
