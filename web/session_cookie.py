"""The session cookie: its name (`__Host-` in Azure) and the Set-Cookie value that sets or clears it."""

from __future__ import annotations

from shared.settings import Settings

LOCAL_COOKIE = "portal_session"
AZURE_COOKIE = "__Host-portal_session"


def cookie_name(settings: Settings) -> str:
    return LOCAL_COOKIE if settings.local_mode else AZURE_COOKIE


def session_cookie(settings: Settings, session_id: str, max_age: int | None = None) -> str:
    """The Set-Cookie value; an empty id with max_age 0 clears it."""
    parts = [f"{cookie_name(settings)}={session_id}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if not settings.local_mode:
        parts.append("Secure")
    return "; ".join(parts)
