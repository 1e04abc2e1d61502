"""Signed double-submit CSRF tokens for anonymous forms (there is no session to bind to).

The browser holds a random value in a SameSite=Strict, HttpOnly cookie; the page carries
HMAC(key, value) in a hidden field. A forged cross-site post has neither the cookie (Strict)
nor a way to compute the field for a value it planted (the key never leaves the server).
The key comes from the `PORTAL_FORM_SECRET` app setting, else it is derived from the app's
client secret (a Key Vault reference in Azure, shared by every instance) under a label of its
own; in local mode without either, a random key per process stands in, so a restart merely
asks the applicant to send the form again.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from typing import Final

from shared.settings import Settings
from web.problems import ServiceUnavailable

log = logging.getLogger("portal.csrf")

SECRET_SETTING: Final = "PORTAL_FORM_SECRET"  # noqa: S105 - the setting's name, not a secret
_VALUE = re.compile(r"[A-Za-z0-9_\-]{43}", re.ASCII)
_LOCAL_KEY: Final = secrets.token_bytes(32)
_DERIVATION_LABEL: Final = b"portal/access-form/csrf/v1"


def form_key(settings: Settings) -> bytes:
    """The HMAC key: the form secret, else one derived from the client secret, else (local only) random."""
    configured = settings.extra.get(SECRET_SETTING, "")
    if configured:
        return hashlib.sha256(configured.encode("utf-8")).digest()
    if settings.client_secret:
        return hmac.new(settings.client_secret.encode("utf-8"), _DERIVATION_LABEL, hashlib.sha256).digest()
    if settings.local_mode:
        return _LOCAL_KEY
    # Fail closed: without a shared key the form cannot be protected across instances.
    log.error("%s is not set; the access form refuses submissions", SECRET_SETTING)
    raise ServiceUnavailable("The form is temporarily unavailable.")


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


def usable_cookie_value(value: str | None) -> bool:
    return bool(value) and bool(_VALUE.fullmatch(value or ""))


def field_token(key: bytes, cookie_value: str, purpose: str) -> str:
    """The hidden field's value for this cookie; `purpose` keeps tokens of two forms apart."""
    return hmac.new(key, f"{purpose}|{cookie_value}".encode("ascii"), hashlib.sha256).hexdigest()


def check(key: bytes, cookie_value: str | None, submitted: str | None, purpose: str) -> bool:
    if not usable_cookie_value(cookie_value) or not submitted or not submitted.isascii():
        return False
    expected = field_token(key, cookie_value or "", purpose)
    return hmac.compare_digest(expected, submitted.strip())
