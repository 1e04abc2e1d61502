"""The HTTP error family: every way a request can fail, each mapped to RFC 9457 in one place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class HttpProblem(Exception):
    """Base of every answer that is not a success; never carries internals."""

    status = 500
    slug = "internal-error"
    title = "Internal error"

    def __init__(
        self,
        detail: str = "",
        *,
        errors: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})
        # RFC 9457 extension members (e.g. who already approved a request); never internals.
        self.extensions = dict(extensions or {})


class BadRequest(HttpProblem):
    """The body or a parameter cannot be read (broken JSON, bad cursor)."""

    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(HttpProblem):
    """No valid session."""

    status, slug, title = 401, "unauthorized", "Authentication required"


class ReauthenticationRequired(Unauthorized):
    """The session's roles are older than the re-check interval: sign in again to renew them."""

    slug, title = "reauthentication-required", "Sign in again"


class Forbidden(HttpProblem):
    """A valid session without the right to this action (no grant, no role, CSRF)."""

    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(HttpProblem):
    """Unknown path, or a resource that does not exist or is not the caller's (same answer)."""

    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(HttpProblem):
    """The route exists but not for this method; we answer it ourselves (Azure would 404)."""

    status, slug, title = 405, "method-not-allowed", "Method not allowed"

    def __init__(self, allowed: Iterable[str]) -> None:
        allow = ", ".join(sorted(set(allowed)))
        super().__init__(f"Allowed methods: {allow}", headers={"Allow": allow})


class Conflict(HttpProblem):
    """The resource is not in a state that allows this action."""

    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(HttpProblem):
    """The body is larger than the route accepts."""

    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(HttpProblem):
    """The body's media type is not one the route reads."""

    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class ValidationFailed(HttpProblem):
    """Input read fine but breaks a rule; `errors` maps each field to a code."""

    status, slug, title = 422, "validation-failed", "Validation failed"


class TooManyRequests(HttpProblem):
    """A rate limit is exhausted; carries when to try again."""

    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, retry_after_seconds: int, detail: str = "Too many requests, try again later.") -> None:
        seconds = max(1, int(retry_after_seconds))
        super().__init__(detail, headers={"Retry-After": str(seconds)})
        self.retry_after = seconds


class ServiceUnavailable(HttpProblem):
    """A dependency (storage, Graph) does not answer."""

    status, slug, title = 503, "service-unavailable", "Service unavailable"
