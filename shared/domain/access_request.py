"""The access-request form's rules (SPEC 5): each field read, checked and given one error code.

Plain functions over a mapping of raw values, so the JSON API and the browser form share one
set of rules. E-mail syntax comes in as a function (the validator library is an adapter);
the personal-address rule is `domain.emails`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from shared.domain.companies import valid_customer_number
from shared.domain.emails import EmailPolicy, personal_address_problem
from shared.domain.languages import LANGUAGES
from shared.domain.lines import parse_lines

REQUIRED: Final = "required"
TOO_LONG: Final = "too_long"
INVALID: Final = "invalid"
EMAIL_INVALID: Final = "email_invalid"

FIELDS: Final = (
    "company_name",
    "customer_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "lines",
    "language",
    "consent",
    "website",
)
MAX_LENGTH: Final = {
    "company_name": 200,
    "customer_number": 12,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "phone": 40,
}
_PHONE = re.compile(r"\+?[0-9 ()/.\-]{6,40}", re.ASCII)
_TRUE = frozenset({"true", "on", "1", "yes"})
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{43}", re.ASCII)


_LIST_CURSOR = re.compile(r"[0-9]{13}-[0-9a-f]{32}", re.ASCII)
MAX_LIST_PAGE: Final = 200  # requests on one page of the advisor's list


def valid_list_cursor(cursor: str) -> bool:
    """The advisor list's cursor is the last RowKey of a page (inverted ms, then the id)."""
    return bool(_LIST_CURSOR.fullmatch(cursor))


class Status(StrEnum):
    UNVERIFIED = "unverified"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


OPEN_STATUSES: Final = (Status.UNVERIFIED, Status.PENDING)


class VerifyOutcome(StrEnum):
    """Every way the verification link can end; each has its own page."""

    VERIFIED = "verified"
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


class InvalidForm(Exception):
    """The input breaks at least one rule; `errors` maps each field to its code."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("invalid access request")
        self.errors = dict(errors)


class StaleAccessRequest(Exception):
    """The request changed since it was read (ETag mismatch) or already exists; read it again."""


@dataclass(frozen=True)
class AccessRequest:
    """A stored request; the advisor's approval (identity) and retention build on it."""

    request_id: str
    status: str
    company_name: str
    customer_number: str
    first_name: str
    last_name: str
    email: str
    phone: str
    lines: tuple[str, ...]
    language: str
    consent_version: str
    created_at: datetime
    verified_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str = ""
    reason: str = ""
    decided_by_name: str = ""  # the advisor as people read it ("already approved by …")
    etag: str = field(default="", compare=False, repr=False)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class AccessForm:
    company_name: str
    customer_number: str
    first_name: str
    last_name: str
    email: str
    phone: str
    lines: tuple[str, ...]
    language: str
    consent: bool
    honeypot_filled: bool


def _text(value: Any) -> str | None:
    """A trimmed NFC string, or None when the value is not text at all."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return unicodedata.normalize("NFC", value).strip()


def _has_control(value: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in value)


def valid_person_name(value: str) -> bool:
    """Letters (any script), spaces, `-` and `'` only, with at least one letter."""
    if not any(ch.isalpha() for ch in value):
        return False
    return all(ch.isalpha() or unicodedata.category(ch) == "Mn" or ch in " -'" for ch in value)


def _filled(value: Any) -> bool:
    """The honeypot counts as filled by anything but an empty or blank value."""
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _consent(value: Any) -> bool:
    if value is True:
        return True
    return isinstance(value, str) and value.strip().lower() in _TRUE


def _lines(value: Any) -> tuple[tuple[str, ...], str | None]:
    if value is None or value == "" or value == []:
        return (), REQUIRED
    if isinstance(value, str):
        items: list[str] = [value]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        return (), INVALID
    if sum(len(i) for i in items) > 100:
        return (), TOO_LONG
    parsed = parse_lines(",".join(items))
    if parsed is None:
        return (), INVALID
    if not parsed:
        return (), REQUIRED
    return tuple(parsed), None


def validate(
    raw: Mapping[str, Any],
    *,
    default_language: str,
    normalise_email: Callable[[str], str | None],
    policy: EmailPolicy | None = None,
) -> AccessForm:
    """Check every field and report all errors at once, so the applicant fixes them in one go."""
    errors: dict[str, str] = {}
    text: dict[str, str] = {}
    for name in ("company_name", "customer_number", "first_name", "last_name", "email", "phone", "language"):
        value = _text(raw.get(name))
        if value is None or _has_control(value):
            errors[name] = INVALID
            continue
        if name in MAX_LENGTH and len(value) > MAX_LENGTH[name]:
            errors[name] = TOO_LONG
            continue
        text[name] = value
    for name in ("company_name", "customer_number", "first_name", "last_name", "email"):
        if name not in errors and not text.get(name):
            errors[name] = REQUIRED
    for name in ("first_name", "last_name"):
        if name not in errors and not valid_person_name(text[name]):
            errors[name] = INVALID
    if "customer_number" not in errors and not valid_customer_number(text["customer_number"]):
        errors["customer_number"] = INVALID
    phone = text.get("phone", "")
    if "phone" not in errors and phone and not _PHONE.fullmatch(phone):
        errors["phone"] = INVALID
    email = ""
    if "email" not in errors:
        normalised = normalise_email(text["email"])
        if normalised is None:
            errors["email"] = EMAIL_INVALID
        else:
            local, _, domain = normalised.rpartition("@")
            email = f"{local}@{domain.lower()}"
            problem = personal_address_problem(email, policy)
            if problem:
                errors["email"] = problem
    language = text.get("language", "") or default_language
    if "language" not in errors and language not in LANGUAGES:
        errors["language"] = INVALID
    lines, line_error = _lines(raw.get("lines"))
    if line_error:
        errors["lines"] = line_error
    consent = _consent(raw.get("consent"))
    if not consent:
        errors["consent"] = REQUIRED
    if errors:
        raise InvalidForm(errors)
    return AccessForm(
        company_name=" ".join(text["company_name"].split()),
        customer_number=text["customer_number"],
        first_name=" ".join(text["first_name"].split()),
        last_name=" ".join(text["last_name"].split()),
        email=email,
        phone=phone,
        lines=lines,
        language=language,
        consent=True,
        honeypot_filled=_filled(raw.get("website")),
    )


def new_token() -> str:
    """A one-time verification token: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def plausible_token(token: str) -> bool:
    """Whether a token could be ours at all; anything else is refused before a look-up."""
    return bool(_TOKEN.fullmatch(token))


def token_hash(token: str) -> str:
    """Only the hash is stored, so a leaked table holds no usable link."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def dedupe_key(email: str, customer_number: str) -> str:
    """The same person asking for the same company again is a duplicate, whatever the spelling."""
    return hashlib.sha256(f"{email.casefold()}|{customer_number}".encode()).hexdigest()
