"""The onboarding error family as HTTP problems (the use case itself is built in shared/wiring/)."""

from __future__ import annotations

from shared.services.onboarding import DirectoryUnavailable, InvalidInput, NotFoundError, NotPending
from web.problems import Conflict, HttpProblem, NotFound, ServiceUnavailable, ValidationFailed


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
