"""The one error table: every domain, service and edge exception a request can end in,
mapped to its HTTP problem (status, code, problem type) in one place. `endpoint()` applies
it; no handler catches and translates on its own.

Lookup follows the exception's class hierarchy, most specific first, so a family's base
(PortalError, OnboardingError) is the fallback for a new member nobody mapped yet.

The table is keyed by each class's dotted name (`module.QualifiedName`), not by the class:
importing the classes would import most services and domain modules with `web.http`, at every
cold start (SPEC 7), although only a request that fails needs them — and by then the module
that raised is loaded. tests/unit/test_error_table.py checks that every key names an exception.
"""

from __future__ import annotations

from collections.abc import Callable

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

PORTAL = "shared.services.documents."
BULK = "shared.services.bulk_download."
ONBOARDING = "shared.services.onboarding."
COMPANY = "shared.services.advisor_company."


def dotted_name(cls: type) -> str:
    """The key a class has in TABLE: where it is defined, not where it was imported from."""
    return f"{cls.__module__}.{cls.__qualname__}"


def _unknown_documents(exc: Exception) -> HttpProblem:
    count = len(getattr(exc, "ids", ()))
    detail = f"{count} of the documents asked for are not available."
    return ValidationFailed(detail, errors={"ids": "unknown_document"})


def _errors(exc: Exception) -> dict[str, str]:
    errors = getattr(exc, "errors", {})
    return dict(errors) if isinstance(errors, dict) else {}


def _not_pending(exc: Exception) -> HttpProblem:
    """A request an advisor already approved says by whom and when (the console shows it)."""
    # Imported here: only an onboarding.NotPending gets here, so both modules are loaded already.
    from shared.domain.access_request import AccessRequest, Status
    from shared.domain.timestamps import utc_iso

    req = getattr(exc, "request", None)
    if isinstance(req, AccessRequest) and req.status == Status.APPROVED:
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
    """RateLimited and ArchiveBusy carry the seconds until the window or the build ends."""
    seconds = getattr(exc, "retry_after", None)
    return int(seconds) if isinstance(seconds, int | float) else 60


TABLE: dict[str, Translate] = {
    # the customer portal (shared/services/documents.py, bulk_download.py, withdrawal.py)
    PORTAL + "NoGrant": lambda _: Forbidden("You have no active access to any company's documents."),
    PORTAL + "CompanyNotGranted": lambda _: NotFound("No such document or company."),
    PORTAL + "DocumentNotFound": lambda _: NotFound("No such document or company."),
    "shared.domain.documents.DocumentGone": lambda _: NotFound("A document is no longer available; reload the list."),
    BULK + "UnknownDocuments": _unknown_documents,
    BULK + "TooManyDocuments": lambda exc: ValidationFailed(str(exc), errors={"ids": "too_many"}),
    BULK + "ArchiveTooLarge": lambda exc: PayloadTooLarge(str(exc)),
    BULK + "ArchiveBusy": lambda exc: TooManyRequests(
        _retry_after(exc), "One download at a time: the last one is being built."
    ),
    PORTAL + "InvalidInput": lambda exc: ValidationFailed("Some parameters are not valid.", errors=_errors(exc)),
    PORTAL + "BadCursor": lambda _: BadRequest("The paging cursor is not valid; start again from the first page."),
    PORTAL + "PortalError": lambda _: HttpProblem(),
    # the advisor's decisions (shared/services/onboarding.py)
    ONBOARDING + "NotFoundError": lambda exc: NotFound(f"No such {exc}."),
    ONBOARDING + "NotPending": _not_pending,
    ONBOARDING + "InvalidInput": lambda exc: ValidationFailed("The input is not valid.", errors=_errors(exc)),
    ONBOARDING + "EnrolmentRequired": lambda _: Conflict(
        'The company is not enrolled yet; confirm enrolling it with "enrol": true.',
        errors={"enrol": "enrolment_required"},
    ),
    ONBOARDING + "DirectoryUnavailable": lambda _: ServiceUnavailable(
        "The invitation could not be made; nothing was changed. Try again later."
    ),
    ONBOARDING + "OnboardingError": lambda _: HttpProblem(),
    # the company at a glance and proof of delivery (shared/services/advisor_company.py)
    COMPANY + "CompanyNotFound": lambda _: NotFound("No such company."),
    COMPANY + "DocumentNotFound": lambda _: NotFound("No such document."),
    "shared.wiring.identity.InvitationsNotConfigured": lambda _: ServiceUnavailable("Invitations are not configured."),
    # the access request (shared/domain/access_request.py, rate_limit.py)
    "shared.domain.access_request.InvalidForm": lambda exc: ValidationFailed(
        "Some fields need attention.", errors=_errors(exc)
    ),
    "shared.domain.rate_limit.RateLimited": lambda exc: TooManyRequests(_retry_after(exc)),
    # notification choices and the one-click unsubscribe (shared/domain/notifications.py)
    "shared.domain.notifications.PreferenceError": lambda exc: ValidationFailed(
        "Some preferences are not valid.", errors=_errors(exc)
    ),
    "shared.adapters.identity.unsubscribe_tokens.UnsubscribeNotConfigured": lambda _: ServiceUnavailable(
        "Unsubscribe links are not configured."
    ),
    # storage that does not answer
    "azure.core.exceptions.AzureError": lambda _: ServiceUnavailable("Storage does not answer."),
}


def problem_for(exc: Exception) -> HttpProblem | None:
    """The problem an exception answers as, or None when nobody mapped it (a bug: 500)."""
    if isinstance(exc, HttpProblem):
        return exc
    for cls in type(exc).__mro__:
        translate = TABLE.get(dotted_name(cls))
        if translate is not None:
            return translate(exc)
    return None
