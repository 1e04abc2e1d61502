"""Signed one-click unsubscribe tokens (RFC 8058): one person, one choice, no session.

token = base64url("{person}|{choice}") "." HMAC-SHA256(key, that payload), truncated to 128
bits. Only the server can make one, and it switches off exactly the choice it names for
exactly the person it names. The key is `PORTAL_UNSUBSCRIBE_SECRET`, else derived under a
label of its own from a secret every instance already shares and nobody rotates casually: the
access form's key `PORTAL_FORM_SECRET` (in Key Vault), else the app's client secret. In local
mode without any of them it is random per process, so old local links stop working after a
restart. A mail's link must keep working for weeks: rotating the secret it derives from ends
the links of mails already sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import Final

from shared.domain.notifications import Choice, person_key
from shared.settings import Settings

SECRET_SETTING: Final = "PORTAL_UNSUBSCRIBE_SECRET"  # noqa: S105 - the setting's name, not a secret
FORM_SECRET_SETTING: Final = "PORTAL_FORM_SECRET"  # noqa: S105 - the setting's name, not a secret
_LABEL: Final = b"portal/unsubscribe/v1"
MAX_TOKEN_CHARS: Final = 400
_LOCAL_KEY: Final = secrets.token_bytes(32)


class UnsubscribeNotConfigured(Exception):
    """No shared key to sign unsubscribe links with (outside local mode)."""


def unsubscribe_key(settings: Settings) -> bytes:
    """The unsubscribe secret; else one derived from the form secret or the client secret (shared
    by every instance) under a label of its own; else (local mode only) a random key per process."""
    configured = settings.extra.get(SECRET_SETTING, "")
    if configured:
        return hashlib.sha256(configured.encode("utf-8")).digest()
    for shared in (settings.extra.get(FORM_SECRET_SETTING, ""), settings.client_secret):
        if shared:
            return hmac.new(shared.encode("utf-8"), _LABEL, hashlib.sha256).digest()
    if settings.local_mode:
        return _LOCAL_KEY
    raise UnsubscribeNotConfigured(f"{SECRET_SETTING} is not set")


def _mac(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()[:32]


def make_token(key: bytes, person: str, choice: Choice) -> str:
    payload = f"{person}|{choice.value}".encode("ascii")
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii") + "." + _mac(key, payload)


def read_token(key: bytes, token: str) -> tuple[str, Choice] | None:
    """(person key, choice) for a token this server signed; None for anything else."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        return None
    encoded, _, mac = token.strip().partition(".")
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(_mac(key, payload), mac):
        return None
    person, _, raw_choice = payload.decode("ascii", errors="replace").partition("|")
    tid, _, oid = person.partition("_")
    try:
        person_key(tid, oid)
        return person, Choice(raw_choice)
    except ValueError:
        return None
